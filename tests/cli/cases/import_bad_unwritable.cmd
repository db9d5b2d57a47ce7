import terraform tests/terraform/terraform.tfstate -o /nonexistent-folder/storefront.json
