import terraform tests/terraform/terraform.tfstate -o build/cli-import-storefront.json
