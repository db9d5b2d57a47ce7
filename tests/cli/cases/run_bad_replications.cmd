run --replications 0 scenarios/example.json
