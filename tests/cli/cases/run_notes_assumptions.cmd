run scenarios/business-hours.json --replications 1 --no-plots -o build/cli-assumed
