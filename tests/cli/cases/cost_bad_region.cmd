cost --cpu 1024 --memory 2048 --region us-east-9
