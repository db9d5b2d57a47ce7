run tests/cloudwatch/replay-get-metric-data.json --replications 2 --no-plots -o build/cli-cloudwatch-replay
