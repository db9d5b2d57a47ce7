import terraform tests/terraform/no-such-plan.json
