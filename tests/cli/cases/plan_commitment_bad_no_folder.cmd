plan-commitment tests/cli/cases/no-such-folder
