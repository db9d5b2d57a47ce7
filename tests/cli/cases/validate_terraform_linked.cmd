validate tests/terraform/linked.json
