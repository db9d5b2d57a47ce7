plan-commitment README.md
