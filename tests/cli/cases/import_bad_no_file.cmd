import terraform
