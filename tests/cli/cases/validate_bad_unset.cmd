validate tests/bad/67-unset-missing-path.json
