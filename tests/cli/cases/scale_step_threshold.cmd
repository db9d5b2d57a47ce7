scale tests/cli/policies/step-queue-no-alarm.json --threshold 1000 --running 4 --metric 1600 --max 20
