cost --cpu 256 --memory 512 --seconds 30
