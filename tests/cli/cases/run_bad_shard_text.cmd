run scenarios/example.json --shard 1/three
