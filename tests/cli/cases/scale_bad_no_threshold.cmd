scale tests/cli/policies/step-queue-no-alarm.json --running 4 --metric 1600
