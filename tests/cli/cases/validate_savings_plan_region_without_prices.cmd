validate tests/bad/211-savings-plan-region-without-prices.json
