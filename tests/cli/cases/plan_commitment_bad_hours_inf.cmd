plan-commitment tests/cli/hourly/hours-inf
