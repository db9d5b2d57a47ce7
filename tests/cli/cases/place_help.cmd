place --help
