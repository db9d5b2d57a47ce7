prices --region sa-east-1 --format csv
