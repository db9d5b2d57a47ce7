plan-commitment tests/cli/cases --term 2y
