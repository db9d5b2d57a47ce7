import terraform tests/terraform/bad-no-service.json
