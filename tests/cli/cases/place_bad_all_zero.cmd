place --strategy "FARGATE:weight=0,FARGATE_SPOT:weight=0" --tasks 10
