validate tests/cloudwatch/requests-300s.json
