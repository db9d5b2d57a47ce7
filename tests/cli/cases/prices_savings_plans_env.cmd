prices --help >/dev/null && SPOTSIM_SAVINGS_PLANS=tests/cli/savings-plans-own.csv $SPOTSIM prices --savings-plans
