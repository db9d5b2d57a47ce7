import terraform scenarios/example.json
