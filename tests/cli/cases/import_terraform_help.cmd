import terraform --help
