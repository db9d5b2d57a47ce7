cost --cpu 1024 --memory 2048 --prices tests/cli/cases/cost_bad_prices.csv
