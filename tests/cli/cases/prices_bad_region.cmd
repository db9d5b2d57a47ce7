prices --region mars-north-1
