prices --region us-east-1
