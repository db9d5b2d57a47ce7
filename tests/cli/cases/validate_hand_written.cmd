validate tests/scaling/hand-written.json
