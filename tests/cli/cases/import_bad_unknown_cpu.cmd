import terraform tests/terraform/bad-unknown-cpu.json
