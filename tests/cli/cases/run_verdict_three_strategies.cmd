run tests/verdict/three-strategies.json --no-plots -o build/cli-verdict-three-strategies
