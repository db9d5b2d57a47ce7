cost --cpu 256 --memory 1024 --tasks 10 --seconds-per-day 3600 --days 30
