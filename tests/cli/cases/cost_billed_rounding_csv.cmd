cost --cpu 1024 --memory 2048 --seconds 61.2 --format csv
