scale tests/cli/policies/target-cpu.json --running 10 --desired ten --metric 30
