plan-commitment tests/cli/hourly/replication-fraction
