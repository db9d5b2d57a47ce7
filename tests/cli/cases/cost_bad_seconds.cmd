cost --cpu 1024 --memory 2048 --seconds -5
