import terraform tests/terraform/state-two-services.json --service billing
