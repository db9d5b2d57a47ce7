run tests/terraform/linked.json --replications 1 --no-plots --quiet -o build/cli-terraform-linked
