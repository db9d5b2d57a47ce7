scale tests/cli/policies/step-walkthrough-out.json --running 7 --desired 13 --metric 70 --max 12
