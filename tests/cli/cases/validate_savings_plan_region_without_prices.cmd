validate tests/bad/212-savings-plan-region-without-prices.json
