validate tests/bad/64-sweep-point-out-of-range.json
