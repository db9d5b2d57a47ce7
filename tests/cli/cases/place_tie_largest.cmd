place --strategy "FARGATE:weight=1,FARGATE_SPOT:weight=3" --tasks 1 --tie largest_weight
