scale tests/cli/policies/step-walkthrough-out.json --running 10 --metric 45
