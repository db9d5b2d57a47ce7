import terraform tests/terraform/bad-tfstate-v3.tfstate
