prices --savings-plans --prices data/pricing.csv
