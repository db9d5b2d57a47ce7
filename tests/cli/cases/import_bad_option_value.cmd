import terraform tests/terraform/plan-module.json --service
