run tests/cli/cases/plan_commitment_fraction.json -o "$tmp/pf" --no-plots --quiet && $SPOTSIM plan-commitment "$tmp/pf" | sed "/^written to /d; s|$tmp/pf|OUT|"
