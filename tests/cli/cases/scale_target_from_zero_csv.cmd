scale tests/cli/policies/target-backlog.json --running 0 --metric 250 --format csv
