run tests/verdict/three-strategies.json --no-plots --time-axis clock -o out/nowhere
