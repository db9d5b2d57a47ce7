prices --savings-plans --region eu-west-1 --format csv
