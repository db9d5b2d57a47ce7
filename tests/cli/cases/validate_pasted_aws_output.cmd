validate tests/scaling/pasted.json
