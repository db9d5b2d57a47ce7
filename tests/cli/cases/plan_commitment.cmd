run tests/cli/cases/plan_commitment.json -o "$tmp/plan" --no-plots --quiet && $SPOTSIM plan-commitment "$tmp/plan" | sed "/^written to /d; s|$tmp/plan|OUT|" && cat "$tmp/plan/plan-commitment.csv"
