cost --memory 2048
