place --strategy "FARGATE:weight=1" --tasks -3
