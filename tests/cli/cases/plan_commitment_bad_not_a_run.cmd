plan-commitment tests/cli/cases
