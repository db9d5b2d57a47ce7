run scenarios/business-hours.json --replications 1 --no-plots --quiet -o build/cli-assumed-quiet
