import terraform tests/terraform/terraform.tfstate
