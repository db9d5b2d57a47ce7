# E8 — queue workers on the course's Spot-heavy strategy (FARGATE base 2 weight 1 +
# FARGATE_SPOT weight 4, min 2, max 80), scaled by target tracking on the SQS backlog per task
# (a custom metric the workers' publisher puts in Course/SQS). plan.json is what
# `terraform show -json` prints for a plan of this file (written by hand in Terraform's JSON
# output format: see README.md).

terraform {
  required_providers {
    aws = {
      source  = "hashicorp/aws"
      version = "~> 5.0"
    }
  }
}

provider "aws" {
  region = "us-east-1"
}

variable "acceptable_latency_s" {
  description = "How long a message may wait"
  default     = 1440
}

variable "seconds_per_message" {
  description = "How long a worker takes for one message"
  default     = 480
}

resource "aws_iam_role" "execution" {
  name = "course-app-execution"
  assume_role_policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Action    = "sts:AssumeRole"
      Effect    = "Allow"
      Principal = { Service = "ecs-tasks.amazonaws.com" }
    }]
  })
}

resource "aws_ecs_cluster" "course" {
  name = "course"
  setting {
    name  = "containerInsights"
    value = "enabled"
  }
}

resource "aws_ecs_task_definition" "app" {
  family                   = "course-transcoder"
  requires_compatibilities = ["FARGATE"]
  network_mode             = "awsvpc"
  cpu                      = "2048"
  memory                   = "4096"
  execution_role_arn       = aws_iam_role.execution.arn
  runtime_platform {
    operating_system_family = "LINUX"
    cpu_architecture        = "X86_64"
  }
  container_definitions = jsonencode([{
    name         = "transcoder"
    image        = "public.ecr.aws/course/transcoder:1.0"
    essential    = true
    stopTimeout  = 120
    portMappings = [{ containerPort = 8000, protocol = "tcp" }]
  }])
}

resource "aws_ecs_service" "app" {
  name            = "course-transcoder"
  cluster         = aws_ecs_cluster.course.id
  task_definition = aws_ecs_task_definition.app.arn
  desired_count   = 2

  capacity_provider_strategy {
    capacity_provider = "FARGATE"
    base              = 2
    weight            = 1
  }
  capacity_provider_strategy {
    capacity_provider = "FARGATE_SPOT"
    weight            = 4
  }

  network_configuration {
    subnets          = ["subnet-0c0a5e0000000001a", "subnet-0c0a5e0000000002b"]
    security_groups  = ["sg-0c0a5e0000000001a"]
    assign_public_ip = true
  }

  lifecycle {
    ignore_changes = [desired_count]
  }
}

resource "aws_appautoscaling_target" "app" {
  service_namespace  = "ecs"
  scalable_dimension = "ecs:service:DesiredCount"
  resource_id        = "service/${aws_ecs_cluster.course.name}/${aws_ecs_service.app.name}"
  min_capacity       = 2
  max_capacity       = 80
}

# target = acceptable latency / time per message = 1440 s / 480 s = 3 messages per task
resource "aws_appautoscaling_policy" "backlog" {
  name               = "course-transcoder-backlog-per-task"
  policy_type        = "TargetTrackingScaling"
  service_namespace  = aws_appautoscaling_target.app.service_namespace
  scalable_dimension = aws_appautoscaling_target.app.scalable_dimension
  resource_id        = aws_appautoscaling_target.app.resource_id

  target_tracking_scaling_policy_configuration {
    target_value       = var.acceptable_latency_s / var.seconds_per_message
    scale_out_cooldown = 60
    scale_in_cooldown  = 300
    customized_metric_specification {
      namespace   = "Course/SQS"
      metric_name = "BacklogPerTask"
      statistic   = "Average"
    }
  }
}
