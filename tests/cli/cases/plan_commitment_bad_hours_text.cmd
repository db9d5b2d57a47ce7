plan-commitment tests/cli/hourly/hours-text
