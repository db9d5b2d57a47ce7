cost --cpu 1024 --memory 2048 --seconds 60 --hours 2
