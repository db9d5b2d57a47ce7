prices --savings-plans --region mars-north-1
