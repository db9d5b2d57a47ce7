cost --cpu 256 --memory 3072
