place --strategy "FARGATE:weight=1" --tasks 3 --format json
