run --time-axis weekday scenarios/example.json
