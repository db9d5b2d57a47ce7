run tests/bad/13-two-bases.json
