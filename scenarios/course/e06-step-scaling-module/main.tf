# E6 — the course's step-scaling module, with the alarm values of the widely copied ECS Fargate
# template: min 3, max 6, +1 / -1 steps, cooldown 60 s, Maximum aggregation, CPU >= 85 and
# <= 10 for 2 x 60 s. plan.json is what `terraform show -json` prints for a plan of this file
# (written by hand in Terraform's JSON output format: see README.md).

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
  family                   = "course-app"
  requires_compatibilities = ["FARGATE"]
  network_mode             = "awsvpc"
  cpu                      = "1024"
  memory                   = "2048"
  execution_role_arn       = aws_iam_role.execution.arn
  runtime_platform {
    operating_system_family = "LINUX"
    cpu_architecture        = "X86_64"
  }
  container_definitions = jsonencode([{
    name         = "app"
    image        = "public.ecr.aws/course/app:1.0"
    essential    = true
    portMappings = [{ containerPort = 8000, protocol = "tcp" }]
  }])
}

resource "aws_ecs_service" "app" {
  name            = "course-app"
  cluster         = aws_ecs_cluster.course.id
  task_definition = aws_ecs_task_definition.app.arn
  desired_count   = 3
  launch_type     = "FARGATE"

  network_configuration {
    subnets          = ["subnet-0c0a5e0000000001a", "subnet-0c0a5e0000000002b"]
    security_groups  = ["sg-0c0a5e0000000001a"]
    assign_public_ip = true
  }
}

resource "aws_appautoscaling_target" "app" {
  service_namespace  = "ecs"
  scalable_dimension = "ecs:service:DesiredCount"
  resource_id        = "service/${aws_ecs_cluster.course.name}/${aws_ecs_service.app.name}"
  min_capacity       = 3
  max_capacity       = 6
}

resource "aws_appautoscaling_policy" "up" {
  name               = "course-app-scale-up"
  policy_type        = "StepScaling"
  service_namespace  = aws_appautoscaling_target.app.service_namespace
  scalable_dimension = aws_appautoscaling_target.app.scalable_dimension
  resource_id        = aws_appautoscaling_target.app.resource_id

  step_scaling_policy_configuration {
    adjustment_type         = "ChangeInCapacity"
    cooldown                = 60
    metric_aggregation_type = "Maximum"
    step_adjustment {
      metric_interval_lower_bound = 0
      scaling_adjustment          = 1
    }
  }
}

# As the template writes it: lower_bound = 0 on a "<= 10" alarm. Every breach of that alarm is
# at or below the threshold, which this step never holds (see README.md).
resource "aws_appautoscaling_policy" "down" {
  name               = "course-app-scale-down"
  policy_type        = "StepScaling"
  service_namespace  = aws_appautoscaling_target.app.service_namespace
  scalable_dimension = aws_appautoscaling_target.app.scalable_dimension
  resource_id        = aws_appautoscaling_target.app.resource_id

  step_scaling_policy_configuration {
    adjustment_type         = "ChangeInCapacity"
    cooldown                = 60
    metric_aggregation_type = "Maximum"
    step_adjustment {
      metric_interval_lower_bound = 0
      scaling_adjustment          = -1
    }
  }
}

resource "aws_cloudwatch_metric_alarm" "cpu_high" {
  alarm_name          = "course-app-cpu-high"
  alarm_description   = "course-app-cpu-high (course step-scaling module)"
  comparison_operator = "GreaterThanOrEqualToThreshold"
  evaluation_periods  = 2
  metric_name         = "CPUUtilization"
  namespace           = "AWS/ECS"
  period              = 60
  statistic           = "Average"
  threshold           = 85
  dimensions = {
    ClusterName = "course"
    ServiceName = "course-app"
  }
  alarm_actions = [aws_appautoscaling_policy.up.arn]
}

resource "aws_cloudwatch_metric_alarm" "cpu_low" {
  alarm_name          = "course-app-cpu-low"
  alarm_description   = "course-app-cpu-low (course step-scaling module)"
  comparison_operator = "LessThanOrEqualToThreshold"
  evaluation_periods  = 2
  metric_name         = "CPUUtilization"
  namespace           = "AWS/ECS"
  period              = 60
  statistic           = "Average"
  threshold           = 10
  dimensions = {
    ClusterName = "course"
    ServiceName = "course-app"
  }
  alarm_actions = [aws_appautoscaling_policy.down.arn]
}
