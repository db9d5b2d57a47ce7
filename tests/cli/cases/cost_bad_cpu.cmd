cost --cpu 300 --memory 2048
