scale tests/cli/policies/step-walkthrough-out.json --running 7 --desired 10 --metric 70 --format csv
