scale tests/cli/policies/step-walkthrough-out.json --running 1 --desired 1 --metric 70 --min 3
