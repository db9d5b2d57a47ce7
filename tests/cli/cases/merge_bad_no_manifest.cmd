merge tests/shard -o build/never-merged
