cost --cpu 512 --memory 2048 --os WINDOWS --arch ARM64 --storage 30
