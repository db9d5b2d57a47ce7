run tests/cli/notes-none.json --no-plots -o build/cli-notes-none
