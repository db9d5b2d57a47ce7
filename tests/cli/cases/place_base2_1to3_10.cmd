place --strategy "FARGATE:base=2:weight=1,FARGATE_SPOT:weight=3" --tasks 10
