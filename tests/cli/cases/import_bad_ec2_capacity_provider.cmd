import terraform tests/terraform/bad-ec2-capacity-provider.json
