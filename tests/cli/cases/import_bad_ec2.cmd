import terraform tests/terraform/bad-ec2.json
