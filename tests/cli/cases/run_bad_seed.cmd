run --seed=-1 scenarios/example.json
