scale tests/cli/policies/bad-step-overlap.json --running 3 --metric 1 --threshold 5
