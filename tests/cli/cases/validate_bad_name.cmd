validate tests/bad/65-name-not-a-folder.json
