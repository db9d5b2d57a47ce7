cost --cpu 1024 --memory 2048 --os WINDOWS --region eu-west-1
