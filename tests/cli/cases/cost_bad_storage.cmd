cost --cpu 1024 --memory 2048 --storage 10
