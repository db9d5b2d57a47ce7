plan-commitment tests/cli/hourly/other-negative
