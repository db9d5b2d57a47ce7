scale tests/cli/policies/target-backlog.json --running 10 --metric 150
