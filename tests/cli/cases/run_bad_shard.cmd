run scenarios/example.json --shard 3/3
