plan-commitment tests/cli/cases --payment monthly
