scale tests/cli/policies/target-cpu.json --running 10 --desired 4 --metric 30
