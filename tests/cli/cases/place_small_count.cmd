place --strategy "FARGATE:base=1:weight=1,FARGATE_SPOT:weight=2" --tasks 3
