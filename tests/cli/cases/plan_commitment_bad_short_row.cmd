plan-commitment tests/cli/hourly/short-row
