import terraform tests/terraform/plan-references.json
