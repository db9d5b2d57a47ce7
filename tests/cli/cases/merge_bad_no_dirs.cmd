merge -o build/never-merged
