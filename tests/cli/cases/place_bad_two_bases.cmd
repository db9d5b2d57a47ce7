place --strategy "FARGATE:base=1:weight=1,FARGATE_SPOT:base=2:weight=3" --tasks 10
