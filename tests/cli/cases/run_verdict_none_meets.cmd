run tests/verdict/none-meets.json --no-plots -o build/cli-verdict-none-meets
