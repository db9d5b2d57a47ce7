plan-commitment tests/cli/hourly/other-nan
