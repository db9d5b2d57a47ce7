run tests/cli/cases/plan_hours_clock.json -o "$tmp/phc" --no-plots --quiet && cat "$tmp/phc/hourly_usage.csv"
