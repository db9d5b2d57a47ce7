run --no-plots -o /nonexistent/out tests/bad/65-name-not-a-folder.json
