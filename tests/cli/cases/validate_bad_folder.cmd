validate tests/bad
