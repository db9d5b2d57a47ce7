scale tests/cli/policies/bad-syntax.json --running 3 --metric 1
