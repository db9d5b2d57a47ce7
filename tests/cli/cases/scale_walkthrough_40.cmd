scale tests/cli/policies/step-walkthrough-in.json --running 14 --metric 40
