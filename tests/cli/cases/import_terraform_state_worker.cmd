import terraform tests/terraform/state-two-services.json --service aws_ecs_service.worker
