scale tests/cli/policies/target-cpu.json --metric 30
