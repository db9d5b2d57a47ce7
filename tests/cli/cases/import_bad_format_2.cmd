import terraform tests/terraform/bad-format-2.json
