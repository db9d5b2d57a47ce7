prices --savings-plans --region us-east-1
