cost --cpu 1024 --memory 2048 --os WINDOWS --seconds 240
