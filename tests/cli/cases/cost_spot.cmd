cost --cpu 1024 --memory 2048 --provider FARGATE_SPOT --tasks 10 --seconds-per-day 86400 --days 30
