run tests/cli/cases/run_savings_plan_ranking.json -o "$tmp/sph" --quiet && sed -n "/<section id=\"verdict\">/,/<\/section>/p" "$tmp/sph/report.html"
