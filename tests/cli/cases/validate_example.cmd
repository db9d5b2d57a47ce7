validate scenarios/example.json
