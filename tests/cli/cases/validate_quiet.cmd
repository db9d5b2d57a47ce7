validate --quiet scenarios/example.json
