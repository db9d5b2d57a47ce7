run tests/verdict/three-strategies.json --time-axis --quiet
