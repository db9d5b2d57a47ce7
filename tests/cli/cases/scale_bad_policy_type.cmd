scale tests/cli/policies/bad-predictive.json --running 3 --metric 1
