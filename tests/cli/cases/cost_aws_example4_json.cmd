cost --cpu 1024 --memory 2048 --os WINDOWS --tasks 10 --seconds-per-day 3600 --days 30 --format json
