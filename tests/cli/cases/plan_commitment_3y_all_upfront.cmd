run tests/cli/cases/plan_commitment.json -o "$tmp/plan3" --no-plots --quiet && $SPOTSIM plan-commitment "$tmp/plan3" --term 3y --payment all_upfront | sed "/^written to /d; s|$tmp/plan3|OUT|"
