place --strategy "FARGATE:weight=3,FARGATE_SPOT:weight=1" --tasks 4 --format csv
