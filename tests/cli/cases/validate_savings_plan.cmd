validate tests/cli/cases/plan_commitment.json
