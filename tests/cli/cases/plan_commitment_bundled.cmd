run scenarios/savings-plan.json -o "$tmp/spb" --no-plots --quiet && $SPOTSIM plan-commitment "$tmp/spb" --term 3y | sed "/^written to /d; s|$tmp/spb|OUT|"
