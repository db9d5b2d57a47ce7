run tests/bad/63-variant-value-out-of-range.json
