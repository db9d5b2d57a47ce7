run tests/cli/cases/run_savings_plan_ranking.json -o "$tmp/spr" --no-plots | sed "s|$tmp/spr|OUT|"
