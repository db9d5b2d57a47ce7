import terraform tests/terraform/plan-module.json --servce app
