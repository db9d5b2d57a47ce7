scale tests/cli/policies/step-template-bug-in.json --running 10 --metric 12
