run -o /proc/nope scenarios/example.json
