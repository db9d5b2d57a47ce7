scale tests/cli/policies/target-cpu.json --running 10 --metric 30 --min 6
