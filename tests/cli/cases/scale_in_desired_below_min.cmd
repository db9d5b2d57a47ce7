scale tests/cli/policies/step-walkthrough-in.json --running 14 --desired 3 --metric 40 --min 4
