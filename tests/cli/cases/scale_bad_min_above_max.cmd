scale tests/cli/policies/target-cpu.json --running 4 --metric 50 --min 5 --max 4
