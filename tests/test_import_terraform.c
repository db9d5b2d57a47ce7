/*
 * Tests for the Terraform importer: the fixtures in tests/terraform/ (a plan
 * with a child module, step policies linked to their alarms only through the
 * configuration; a state with two services; a raw terraform.tfstate; a plan
 * linked through references alone) give the values written in them, the
 * scenario they give loads, the same input gives the same bytes, refused
 * inputs give their exact message, and a scenario's "terraform" link loads
 * the same sections at run time, with variants on top.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "testutil.h"

#include "spotsim/scenario/import_terraform.h"
#include "spotsim/scenario/plan.h"
#include "spotsim/scenario/scenario.h"
#include "spotsim/util/error.h"
#include "spotsim/util/strbuf.h"
#include "spotsim/util/xalloc.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define TF "tests/terraform/"

struct imported {
	struct strbuf scenario, summary;
	struct diag d;
	int rc;
};

static void import(struct imported *im, const char *file, const char *service)
{
	struct import_terraform_options o = {service, "--service"};
	strbuf_init(&im->scenario);
	strbuf_init(&im->summary);
	diag_init(&im->d);
	im->rc = import_terraform(file, &o, &im->scenario, &im->summary, &im->d);
}

static void imported_release(struct imported *im)
{
	strbuf_release(&im->scenario);
	strbuf_release(&im->summary);
	diag_release(&im->d);
}

/* Imports `file` and loads the scenario it gives into `sc`. */
static void import_and_load(const char *file, const char *service, struct scenario *sc,
			    struct strbuf *summary)
{
	struct imported im;
	struct diag d;
	import(&im, file, service);
	assert_int_equal(im.rc, 0);
	assert_int_equal(im.d.nr, 0);
	char *path = testutil_write_temp(im.scenario.buf, ".json");
	diag_init(&d);
	int rc = scenario_load(sc, path, &d);
	for (size_t i = 0; i < d.nr; i++) {
		char *l = diag_line(&d, i);
		print_message("%s\n", l);
		free(l);
	}
	assert_int_equal(rc, 0);
	assert_int_equal(d.nr, 0); /* no ignored keys either: only what spotsim models */
	if (summary)
		strbuf_adds(summary, im.summary.buf);
	unlink(path);
	free(path);
	diag_release(&d);
	imported_release(&im);
}

/* The one message of a refused import, as printed. */
static void assert_refused(const char *file, const char *service, const char *want)
{
	struct imported im;
	import(&im, file, service);
	assert_int_equal(im.rc, SPOTSIM_EINVAL);
	assert_int_equal(im.d.nr, 1);
	char *line = diag_line(&im.d, 0);
	assert_string_equal(line, want);
	assert_int_equal(im.scenario.len, 0);
	assert_int_equal(im.summary.len, 0);
	free(line);
	imported_release(&im);
}

/* Whether the summary has a line for `address` whose text (after the aligned key) is `reason`. */
static bool summary_says(const char *summary, const char *address, const char *reason)
{
	char *head = xasprintf("\n#   %s ", address);
	size_t n = strlen(head);
	bool found = false;
	for (const char *at = summary; !found && (at = strstr(at, head)); at += n) {
		const char *text = at + n + strspn(at + n, " ");
		found = !strncmp(text, reason, strlen(reason));
	}
	free(head);
	return found;
}

static void test_plan_with_child_module(void **state)
{
	(void)state;
	struct scenario sc;
	struct strbuf summary = STRBUF_INIT;
	import_and_load(TF "plan-module.json", NULL, &sc, &summary);
	assert_string_equal(sc.name, "checkout-api");
	assert_string_equal(sc.region, "eu-west-1");
	assert_int_equal(sc.task.cpu_units, 1024);
	assert_int_equal(sc.task.memory_mib, 3072);
	assert_int_equal(sc.task.arch, ARCH_ARM64);
	assert_int_equal(sc.task.storage_gib, 40);
	assert_int_equal(sc.task.stop_timeout_s, 90); /* the larger of 90 and the sidecar's 30 */
	assert_int_equal(sc.service.desired_count, 6);
	assert_int_equal(sc.service.strategy.nr, 2);
	assert_int_equal(sc.service.strategy.items[0].provider, PROVIDER_FARGATE);
	assert_int_equal(sc.service.strategy.items[0].base, 2);
	assert_int_equal(sc.service.strategy.items[0].weight, 1);
	assert_int_equal(sc.service.strategy.items[1].provider, PROVIDER_FARGATE_SPOT);
	assert_int_equal(sc.service.strategy.items[1].weight, 3);
	assert_int_equal(sc.scaling.min_capacity, 2);
	assert_int_equal(sc.scaling.max_capacity, 30);
	assert_int_equal(sc.scaling.npolicies, 2);

	const struct scaling_policy *in = &sc.scaling.policies[0], *out = &sc.scaling.policies[1];
	assert_string_equal(in->name, "checkout-cpu-in");
	assert_int_equal(in->type, POLICY_STEP);
	assert_true(in->has_alarm);
	assert_int_equal(in->alarm.comparison, CMP_LT);
	assert_true(in->alarm.threshold == 30);
	assert_int_equal(in->alarm.evaluation_periods, 15);
	assert_int_equal(in->cooldown, 300 * SIM_SEC);
	assert_int_equal(in->nsteps, 1);
	assert_false(in->steps[0].has_lower);
	assert_int_equal(in->steps[0].adjustment, -1);

	assert_string_equal(out->name, "checkout-cpu-out");
	assert_int_equal(out->alarm.metric, METRIC_CPU);
	assert_int_equal(out->alarm.comparison, CMP_GE);
	assert_true(out->alarm.threshold == 70);
	assert_int_equal(out->alarm.evaluation_periods, 3);
	assert_int_equal(out->cooldown, 120 * SIM_SEC);
	assert_int_equal(out->nsteps, 2);
	assert_true(out->steps[0].lower == 0 && out->steps[0].upper == 20); /* sorted */
	assert_int_equal(out->steps[0].adjustment, 2);
	assert_false(out->steps[1].has_upper); /* "" is an open bound */
	assert_int_equal(out->steps[1].adjustment, 4);

	assert_true(sc.scaling.nactions > 0);
	assert_string_equal(sc.scaling.actions[0].name, "checkout-weekday-floor");
	assert_int_equal(sc.scaling.actions[0].min_capacity, 4);
	/* 07:00 in Paris is 06:00 UTC in January, on Monday 2026-01-05 */
	assert_int_equal(sc.scaling.actions[0].at, 6 * SIM_HOUR);

	/* the alarms were linked through the configuration's references */
	assert_true(
	    summary_says(summary.buf, "scaling.ScalingPolicies[1].Alarm",
			 "CPUUtilization >= 70  <- module.checkout.aws_cloudwatch_metric_alarm."
			 "cpu_high alarm_actions (configuration reference)"));
	assert_true(
	    summary_says(summary.buf, "aws_ecs_cluster_capacity_providers.shop",
			 "its default_capacity_provider_strategy: the service sets its own"));
	strbuf_release(&summary);
	scenario_release(&sc);
}

static void test_state_two_services(void **state)
{
	(void)state;
	struct scenario sc;
	import_and_load(TF "state-two-services.json", "api", &sc, NULL);
	assert_string_equal(sc.region, "us-west-2"); /* from the service's ARN */
	assert_int_equal(sc.task.cpu_units, 512);
	assert_int_equal(sc.task.stop_timeout_s, 45);
	assert_int_equal(sc.service.desired_count, 4);
	/* no strategy of its own: the cluster's default */
	assert_int_equal(sc.service.strategy.nr, 2);
	assert_int_equal(sc.service.strategy.items[0].provider, PROVIDER_FARGATE);
	assert_int_equal(sc.service.strategy.items[0].base, 1);
	assert_int_equal(sc.service.strategy.items[1].weight, 4);
	assert_int_equal(sc.service.minimum_healthy_percent, 50);
	assert_int_equal(sc.scaling.npolicies, 2);
	assert_int_equal(sc.scaling.policies[0].type, POLICY_TARGET_TRACKING);
	assert_int_equal(sc.scaling.policies[0].metric, METRIC_CPU);
	assert_true(sc.scaling.policies[0].target == 60);
	assert_int_equal(sc.scaling.policies[0].scale_out_cooldown, 60 * SIM_SEC);
	assert_int_equal(sc.scaling.policies[1].metric, METRIC_REQUESTS_PER_TARGET);
	assert_int_equal(sc.scaling.policies[1].scale_in_cooldown, 600 * SIM_SEC);
	scenario_release(&sc);

	import_and_load(TF "state-two-services.json", "aws_ecs_service.worker", &sc, NULL);
	assert_int_equal(sc.task.cpu_units, 2048);
	assert_int_equal(sc.task.stop_timeout_s, 120);
	assert_int_equal(sc.service.strategy.nr, 1);
	assert_int_equal(sc.service.strategy.items[0].provider, PROVIDER_FARGATE_SPOT);
	assert_int_equal(sc.scaling.min_capacity, 1);
	assert_int_equal(sc.scaling.max_capacity, 40);
	assert_int_equal(sc.scaling.npolicies, 1);
	assert_int_equal(sc.scaling.policies[0].metric, METRIC_BACKLOG); /* SQS visible messages */
	assert_true(sc.scaling.policies[0].target == 500);
	assert_true(sc.scaling.nactions > 0);
	assert_true(sc.scaling.actions[0].has_min && !sc.scaling.actions[0].has_max);
	assert_int_equal(sc.scaling.actions[0].min_capacity, 10);
	assert_int_equal(sc.scaling.actions[0].at, 2 * SIM_HOUR);
	scenario_release(&sc);

	import_and_load(TF "state-two-services.json", "worker", &sc, NULL);
	assert_string_equal(sc.name, "worker");
	scenario_release(&sc);
}

static void test_raw_tfstate(void **state)
{
	(void)state;
	struct scenario sc;
	import_and_load(TF "terraform.tfstate", NULL, &sc, NULL);
	assert_string_equal(sc.name, "storefront");
	assert_string_equal(sc.region, "ap-southeast-2");
	assert_int_equal(sc.task.cpu_units, 256);
	assert_int_equal(sc.task.memory_mib, 512);
	assert_int_equal(sc.task.arch, ARCH_ARM64);
	assert_int_equal(sc.task.storage_gib, 21);
	assert_int_equal(sc.task.stop_timeout_s, 20);
	assert_int_equal(sc.service.desired_count, 3);
	assert_int_equal(sc.service.strategy.nr, 1); /* launchType FARGATE */
	assert_int_equal(sc.service.maximum_percent, 150);
	assert_int_equal(sc.scaling.npolicies, 1);
	const struct scaling_policy *p = &sc.scaling.policies[0];
	assert_int_equal(p->adjustment_type, ADJUST_PERCENT);
	assert_int_equal(p->min_adjustment_magnitude, 2);
	assert_int_equal(p->aggregation, STAT_MAXIMUM);
	assert_int_equal(p->alarm.metric, METRIC_REQUESTS_PER_TARGET); /* linked by its ARN */
	assert_int_equal(p->alarm.statistic, STAT_SUM);
	assert_int_equal(p->alarm.datapoints_to_alarm, 2);
	assert_true(p->alarm.threshold == 1000);
	scenario_release(&sc);
}

static void test_links_through_references(void **state)
{
	(void)state;
	struct scenario sc;
	struct strbuf summary = STRBUF_INIT;
	import_and_load(TF "plan-references.json", NULL, &sc, &summary);
	assert_string_equal(sc.name, "api");	     /* the name is known only after apply */
	assert_string_equal(sc.region, "sa-east-1"); /* var.region, from the plan's variables */
	assert_int_equal(sc.task.cpu_units, 512);    /* through the module's output */
	assert_int_equal(sc.scaling.max_capacity, 10);
	assert_int_equal(sc.scaling.npolicies, 2);
	assert_int_equal(sc.scaling.policies[1].metric, METRIC_MEMORY);
	assert_true(sc.scaling.policies[1].disable_scale_in);
	assert_true(summary_says(summary.buf, "aws_appautoscaling_policy.latency",
				 "customized metric AWS/ApplicationELB TargetResponseTime is not "
				 "simulated"));
	assert_true(
	    summary_says(summary.buf, "scaling.ScalingPolicies[0]",
			 "ScaleOutCooldown, ScaleInCooldown 300 s  (not set: AWS's default)"));
	strbuf_release(&summary);
	scenario_release(&sc);
}

static void test_same_bytes_twice(void **state)
{
	(void)state;
	static const char *const files[] = {"plan-module.json", "plan-references.json",
					    "terraform.tfstate", NULL};
	for (size_t i = 0; files[i]; i++) {
		struct imported a, b;
		char *path = xasprintf(TF "%s", files[i]);
		import(&a, path, NULL);
		import(&b, path, NULL);
		assert_int_equal(a.rc, 0);
		assert_string_equal(a.scenario.buf, b.scenario.buf);
		assert_string_equal(a.summary.buf, b.summary.buf);
		imported_release(&a);
		imported_release(&b);
		free(path);
	}
}

static void test_refused(void **state)
{
	(void)state;
	assert_refused(TF "bad-format-2.json", NULL,
		       TF "bad-format-2.json: format_version: \"2.0\" is not supported (accepted: "
			  "1.x, the JSON format of terraform show -json since Terraform 1.0)");
	assert_refused(TF "bad-tfstate-v3.tfstate", NULL,
		       TF "bad-tfstate-v3.tfstate: version: 3 is not supported (accepted: 4, the "
			  "terraform.tfstate format of Terraform 0.12 and later)");
	assert_refused(TF "bad-ec2.json", NULL,
		       TF
		       "bad-ec2.json: aws_ecs_service.legacy: launch_type \"EC2\" is not "
		       "simulated (accepted: FARGATE, or a capacity_provider_strategy of FARGATE "
		       "and FARGATE_SPOT)");
	assert_refused(TF "bad-ec2-capacity-provider.json", NULL,
		       TF "bad-ec2-capacity-provider.json: aws_ecs_service.batch: "
			  "capacity_provider_strategy: capacity provider \"batch-asg\" is not "
			  "simulated (accepted: FARGATE and FARGATE_SPOT)");
	assert_refused(TF "bad-unknown-cpu.json", NULL,
		       TF
		       "bad-unknown-cpu.json: module.app.aws_ecs_task_definition.api: cpu is "
		       "known only after apply (accepted: a value Terraform knows when it plans, "
		       "or the state after apply)");
	assert_refused(TF "bad-no-service.json", NULL,
		       TF
		       "bad-no-service.json: no aws_ecs_service resource (accepted: a plan or "
		       "state that manages an ECS service, in the root module or a child module)");
	assert_refused("scenarios/example.json", NULL,
		       "scenarios/example.json: not Terraform JSON (accepted: the output of "
		       "terraform show -json for a plan or a state, or a terraform.tfstate file)");
}

static void test_choosing_a_service(void **state)
{
	(void)state;
	assert_refused(TF "state-two-services.json", NULL,
		       TF "state-two-services.json: 2 ECS services, choose one with --service "
			  "(accepted: aws_ecs_service.api (api), aws_ecs_service.worker (worker))");
	assert_refused(TF "state-two-services.json", "billing",
		       TF "state-two-services.json: --service: \"billing\" names no ECS service "
			  "(accepted: aws_ecs_service.api (api), aws_ecs_service.worker (worker))");
	assert_refused(TF "bad-no-service.json", "api",
		       TF
		       "bad-no-service.json: no aws_ecs_service resource (accepted: a plan or "
		       "state that manages an ECS service, in the root module or a child module)");
}

/* One service of bad-services.json for each problem a state can have. */
static void test_refused_services(void **state)
{
	(void)state;
	static const char *const cases[][2] = {
	    {"no_cpu",
	     "aws_ecs_task_definition.no_cpu: no cpu (accepted: a task-level size such as "
	     "\"1024\"; Fargate requires cpu and memory)"},
	    {"bad_containers",
	     "aws_ecs_task_definition.bad_containers: container_definitions is not "
	     "a JSON array of containers (accepted: the jsonencode of a list of "
	     "container definitions)"},
	    {"ec2_task",
	     "aws_ecs_task_definition.ec2_task: requires_compatibilities [EC2] does not "
	     "include FARGATE (accepted: FARGATE; spotsim simulates Fargate)"},
	    {"no_capacity",
	     "aws_ecs_service.no_capacity: sets neither capacity_provider_strategy nor "
	     "launch_type, and its cluster has no "
	     "default_capacity_provider_strategy in this file (accepted: one of them)"},
	    {"elsewhere",
	     "aws_ecs_service.elsewhere: task_definition "
	     "\"arn:aws:ecs:eu-north-1:123456789012:task-definition/elsewhere:1\" names "
	     "no aws_ecs_task_definition of this file (accepted: a service whose task "
	     "definition is managed in the same plan or state)"},
	    {"no_task",
	     "aws_ecs_service.no_task: no task_definition (accepted: a service with a task "
	     "definition)"},
	    {"bad_count",
	     "aws_ecs_service.bad_count: desired_count is not a number (accepted: 0 to "
	     "5000)"},
	    {"no_max", "aws_appautoscaling_target.no_max: no max_capacity (accepted: a number of "
		       "tasks)"},
	    {"tt_no_target", "aws_appautoscaling_policy.tt_no_target: "
			     "target_tracking_scaling_policy_configuration has no target_value "
			     "(accepted: a number above 0)"},
	    {"tt_no_block", "aws_appautoscaling_policy.tt_no_block: no "
			    "target_tracking_scaling_policy_configuration (accepted: a "
			    "target_tracking_scaling_policy_configuration block)"},
	    {"step_no_type", "aws_appautoscaling_policy.step_no_type: "
			     "step_scaling_policy_configuration has no adjustment_type (accepted: "
			     "ChangeInCapacity, PercentChangeInCapacity or ExactCapacity)"},
	    {"alarm_no_threshold", "aws_cloudwatch_metric_alarm.alarm_no_threshold: no threshold "
				   "(accepted: a value for every field a step policy's alarm "
				   "needs)"},
	    {"no_schedule", "aws_appautoscaling_scheduled_action.no_schedule: no schedule "
			    "(accepted: an at(...), rate(...) or cron(...) schedule)"},
	    {"step_no_block", "aws_appautoscaling_policy.step_no_block: no "
			      "step_scaling_policy_configuration (accepted: a "
			      "step_scaling_policy_configuration block)"},
	    {"no_target_action",
	     "aws_appautoscaling_scheduled_action.no_target_action: no "
	     "scalable_target_action (accepted: a scalable_target_action block)"},
	    /* what the scenario loader rejects, named by the attribute that gave it */
	    {"bad_size", "aws_ecs_task_definition.bad_size memory (taskDefinition.memory): 4096 "
			 "MiB is not valid with cpu 256 (allowed: 512, 1024, 2048)"},
	    {"overlap",
	     "aws_appautoscaling_policy.overlap "
	     "(scaling.ScalingPolicies[0].StepScalingPolicyConfiguration.StepAdjustments): "
	     "steps [0] (0 to 20) and [1] (10 to +inf) overlap (accepted: steps that meet "
	     "end to end, each lower bound equal to the previous step's upper bound)"},
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char *want = xasprintf(TF "bad-services.json: %s", cases[i][1]);
		assert_refused(TF "bad-services.json", cases[i][0], want);
		free(want);
	}
}

static void test_refused_plans(void **state)
{
	(void)state;
	assert_refused(TF "bad-plan-errored.json", NULL,
		       TF "bad-plan-errored.json: the plan failed (errored: true) (accepted: the "
			  "JSON of a plan that succeeded)");
	assert_refused(TF "bad-plan-unknown-task.json", NULL,
		       TF
		       "bad-plan-unknown-task.json: aws_ecs_service.api: task_definition is "
		       "known only after apply and the configuration refers to no "
		       "aws_ecs_task_definition (accepted: a task definition managed in the same "
		       "plan)");
	assert_refused(TF "state-counted.json", "counted",
		       TF "state-counted.json: --service: \"counted\" names 2 ECS services "
			  "(accepted: one address of aws_ecs_service.counted[\"a\"] (counted-a), "
			  "aws_ecs_service.counted[\"b\"] (counted-b))");
}

/* What cannot be simulated is left out, each with its reason, and the rest imported. */
static void test_left_out(void **state)
{
	(void)state;
	static const char *const reasons[][2] = {
	    {"aws_appautoscaling_target.partly_again",
	     "a second scalable target of the service; aws_appautoscaling_target.partly is used"},
	    {"aws_appautoscaling_policy.latency",
	     "its alarm aws_cloudwatch_metric_alarm.latency watches AWS/ApplicationELB "
	     "TargetResponseTime, which spotsim does not simulate"},
	    {"aws_appautoscaling_policy.math",
	     "its alarm aws_cloudwatch_metric_alarm.math uses metric math, which is not simulated"},
	    {"aws_appautoscaling_policy.no_alarm",
	     "no aws_cloudwatch_metric_alarm calls it (a step policy acts only through an alarm)"},
	    {"aws_appautoscaling_policy.p99", "its alarm aws_cloudwatch_metric_alarm.p99 has no "
					      "statistic (an extended statistic is not simulated)"},
	    {"aws_appautoscaling_policy.predictive",
	     "policy type PredictiveScaling is not simulated"},
	    {"aws_cloudwatch_metric_alarm.two_alarms_b",
	     "calls aws_appautoscaling_policy.two_alarms too; spotsim gives a step policy one "
	     "alarm, aws_cloudwatch_metric_alarm.two_alarms_a"},
	    {"aws_appautoscaling_scheduled_action.nothing",
	     "its scalable_target_action sets neither min_capacity nor max_capacity"},
	};
	struct scenario sc;
	struct strbuf summary = STRBUF_INIT;
	import_and_load(TF "bad-services.json", "partly", &sc, &summary);
	for (size_t i = 0; i < sizeof(reasons) / sizeof(reasons[0]); i++)
		if (!summary_says(summary.buf, reasons[i][0], reasons[i][1]))
			fail_msg("not in the summary: %s  %s", reasons[i][0], reasons[i][1]);
	assert_int_equal(sc.scaling.npolicies, 1);
	assert_string_equal(sc.scaling.policies[0].name, "two_alarms");
	assert_true(sc.scaling.policies[0].alarm.threshold == 75); /* the first alarm, by address */
	assert_int_equal(sc.scaling.nactions, 0);
	strbuf_release(&summary);
	scenario_release(&sc);
}

static void test_missing_file(void **state)
{
	(void)state;
	struct imported im;
	import(&im, TF "no-such-plan.json", NULL);
	assert_int_equal(im.rc, SPOTSIM_ENOENT);
	assert_int_equal(im.d.errors, 1);
	imported_release(&im);
}

/* A scenario in tests/terraform/ linking `link` ({"file": ...}), with `body` after it. */
static char *linked_to(const char *link, const char *body)
{
	char *text = xasprintf("{\"terraform\": %s%s}", link, body);
	char *path = xstrdup(TF "test-link-XXXXXX.json");
	int fd = mkstemps(path, 5);
	assert_true(fd >= 0);
	assert_true(write(fd, text, strlen(text)) == (ssize_t)strlen(text));
	close(fd);
	free(text);
	return path;
}

/* A scenario in tests/terraform/ with `body` after the link to plan-module.json. */
static char *linked_scenario(const char *body)
{
	return linked_to("{\"file\": \"plan-module.json\"}", body);
}

/* Scaling parts a link leaves out are named in one note, not silently dropped. */
static void test_link_notes_what_is_left_out(void **state)
{
	(void)state;
	struct scenario sc;
	struct diag d;
	char *path = linked_to("{\"file\": \"bad-services.json\", \"service\": \"partly\"}", "");
	diag_init(&d);
	assert_int_equal(scenario_load(&sc, path, &d), 0);
	assert_int_equal(d.nr, 1);
	assert_int_equal(d.errors, 0);
	char *line = diag_line(&d, 0);
	assert_string_equal(
	    line, TF "bad-services.json: not simulated, left out: "
		     "aws_appautoscaling_target.partly_again, aws_appautoscaling_policy.latency, "
		     "aws_appautoscaling_policy.math, aws_appautoscaling_policy.no_alarm, "
		     "aws_appautoscaling_policy.p99, aws_appautoscaling_policy.predictive, "
		     "aws_appautoscaling_scheduled_action.nothing (spotsim import terraform " TF
		     "bad-services.json says why)");
	free(line);
	assert_int_equal(sc.scaling.npolicies, 1);
	scenario_release(&sc);
	diag_release(&d);
	unlink(path);
	free(path);
}

static void test_link_loads_the_same_sections(void **state)
{
	(void)state;
	struct scenario sc;
	struct diag d;
	char *path = linked_scenario(", \"duration\": \"1d\"");
	diag_init(&d);
	assert_int_equal(scenario_load(&sc, path, &d), 0);
	assert_int_equal(d.nr, 0);
	assert_string_equal(sc.region, "eu-west-1");
	assert_int_equal(sc.task.cpu_units, 1024);
	assert_int_equal(sc.service.desired_count, 6);
	assert_int_equal(sc.scaling.npolicies, 2);
	assert_string_equal(sc.terraform, "plan-module.json");
	scenario_release(&sc);
	diag_release(&d);
	unlink(path);
	free(path);
}

static void test_link_with_variants(void **state)
{
	(void)state;
	struct plan p;
	struct diag d;
	char *path = linked_scenario(
	    ", \"variants\": [{\"name\": \"small\", \"set\": {\"taskDefinition.cpu\": \"512\", "
	    "\"taskDefinition.memory\": \"1024\"}}]");
	diag_init(&d);
	assert_int_equal(plan_load(&p, path, &d), 0);
	assert_int_equal(p.n, 2);
	assert_int_equal(p.configs[0].sc.task.cpu_units, 1024);
	assert_int_equal(p.configs[1].sc.task.cpu_units, 512);
	assert_int_equal(p.configs[1].sc.service.desired_count, 6);
	plan_release(&p);
	diag_release(&d);
	unlink(path);
	free(path);
}

static void test_link_conflict(void **state)
{
	(void)state;
	struct scenario sc;
	struct diag d;
	char *path = linked_scenario(", \"service\": {\"desiredCount\": 1, \"launchType\": "
				     "\"FARGATE\"}");
	char *want = xasprintf("%s: service: given both here and by \"terraform\" "
			       "(plan-module.json) (accepted: one of them)",
			       path);
	diag_init(&d);
	assert_int_equal(scenario_load(&sc, path, &d), SPOTSIM_EINVAL);
	assert_int_equal(d.nr, 1);
	char *line = diag_line(&d, 0);
	assert_string_equal(line, want);
	free(line);
	free(want);
	scenario_release(&sc);
	diag_release(&d);
	unlink(path);
	free(path);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_plan_with_child_module),
	    cmocka_unit_test(test_state_two_services),
	    cmocka_unit_test(test_raw_tfstate),
	    cmocka_unit_test(test_links_through_references),
	    cmocka_unit_test(test_same_bytes_twice),
	    cmocka_unit_test(test_refused),
	    cmocka_unit_test(test_choosing_a_service),
	    cmocka_unit_test(test_refused_services),
	    cmocka_unit_test(test_refused_plans),
	    cmocka_unit_test(test_left_out),
	    cmocka_unit_test(test_missing_file),
	    cmocka_unit_test(test_link_loads_the_same_sections),
	    cmocka_unit_test(test_link_with_variants),
	    cmocka_unit_test(test_link_conflict),
	    cmocka_unit_test(test_link_notes_what_is_left_out),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
