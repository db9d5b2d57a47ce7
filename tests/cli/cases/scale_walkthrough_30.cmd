scale tests/cli/policies/step-walkthrough-in.json --running 13 --metric 30
