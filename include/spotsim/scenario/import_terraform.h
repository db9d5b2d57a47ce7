#ifndef SPOTSIM_IMPORT_TERRAFORM_H
#define SPOTSIM_IMPORT_TERRAFORM_H
/*
 * import_terraform — a scenario from Terraform's JSON (`spotsim import
 * terraform`, SPEC §7; the mapping table is in README "Importing from
 * Terraform").
 *
 * Three inputs are read:
 *  - `terraform show -json PLANFILE`: planned_values (root module and child
 *    modules, recursively), resource_changes (which values are known only
 *    after apply) and configuration (the references between resources);
 *  - `terraform show -json` of a state: values.root_module;
 *  - a raw terraform.tfstate of version 4: resources[].instances[].attributes.
 * The JSON format must be of major version 1 (format_version "1.x"); another
 * major is refused, since its meaning is not known.
 *
 * One aws_ecs_service is chosen (the only one, or the one named by address,
 * resource name or `name` attribute) and followed to its
 * aws_ecs_task_definition, its cluster's default capacity provider strategy
 * when it sets none, its aws_appautoscaling_target (by resource_id
 * "service/<cluster>/<service>" or by reference), the target's
 * aws_appautoscaling_policy and aws_appautoscaling_scheduled_action
 * resources, the aws_cloudwatch_metric_alarm that calls each step policy
 * (its alarm_actions, or in a plan, where those ARNs are unknown, the
 * configuration's references), and the aws provider's region. The result is
 * the AWS-shaped sections of a scenario: region, taskDefinition, service and,
 * when there is a scalable target, scaling.
 *
 * Errors are one line each, naming the Terraform file and the resource
 * address: an EC2 or EXTERNAL launch type, a capacity provider other than
 * FARGATE and FARGATE_SPOT, a value the scenario needs that is known only
 * after apply, no ECS service, several services and no choice. The scenario
 * is then loaded as `spotsim validate` would load it, and each problem the
 * loader finds is reported with the resource attribute that gave the value,
 * so what is written is a valid scenario. What cannot
 * be simulated but need not stop the import (a policy on a metric spotsim
 * does not model, a step policy no alarm calls) is left out and listed in
 * the summary.
 *
 * The same input always gives the same bytes: values are written in a fixed
 * order and sets (strategies, step adjustments) are sorted.
 */
#include "spotsim/util/diag.h"
#include "spotsim/util/strbuf.h"

struct import_terraform_options {
	const char *service; /* an address, a resource name or a service name; NULL: the only one */
	const char *option;  /* what the user set to choose a service, for messages ("--service") */
};

/*
 * Imports the Terraform JSON at `path` (borrowed). On success returns 0 and
 * appends to `scenario` a complete scenario file (name, description, region,
 * taskDefinition, service, scaling; newline-terminated) and to `summary` a
 * commented account of the import, each line starting "# ": which resource
 * and attribute gave each value, what was defaulted and what was ignored.
 * Otherwise returns SPOTSIM_EINVAL, ENOENT, EIO or ESYNTAX with every
 * problem in `d`, and appends nothing.
 */
int import_terraform(const char *path, const struct import_terraform_options *o,
		     struct strbuf *scenario, struct strbuf *summary, struct diag *d);

#endif
