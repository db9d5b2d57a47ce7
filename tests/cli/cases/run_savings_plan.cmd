run tests/cli/cases/plan_commitment.json -o "$tmp/sp" --no-plots | sed "s|$tmp/sp|OUT|"
