cost --cpu 2048 --memory 4096 --provider FARGATE_SPOT --arch ARM64 --region eu-west-1 --hours 720 --format csv
