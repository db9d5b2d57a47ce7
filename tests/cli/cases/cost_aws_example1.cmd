cost --cpu 1024 --memory 2048 --storage 30 --tasks 5 --seconds-per-day 600 --days 30
