plan-commitment tests/cli/hourly/negative
