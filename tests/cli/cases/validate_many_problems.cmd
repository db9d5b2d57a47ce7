validate tests/bad/41-many-problems-at-once.json
