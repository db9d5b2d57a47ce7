plan-commitment --help
