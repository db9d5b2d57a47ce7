plan-commitment
