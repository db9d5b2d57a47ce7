cost --cpu "0.25 vCPU" --memory "1 GB" --tasks 10 --seconds-per-day 3600 --days 30 --format csv
