scale tests/cli/policies/step-walkthrough-out.json --running 11 --metric 70 --format csv
