/*
 * Tests for the scenario loader: values and defaults of valid files, AWS CLI
 * output pasted as it is, and that invalid files report every problem.
 * (The one-message-per-file corpus is tests/bad/, run by tests/cli/run.sh.)
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "testutil.h"

#define json_temp(text) testutil_write_temp((text), ".json")

#include "spotsim/util/error.h"
#include "spotsim/scenario/scenario.h"
#include "spotsim/util/xalloc.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static int load_text(const char *text, struct scenario *sc, struct diag *d)
{
	char *path = json_temp(text);
	int rc = scenario_load(sc, path, d);
	unlink(path);
	free(path);
	return rc;
}

static bool has_message(const struct diag *d, const char *needle)
{
	for (size_t i = 0; i < d->nr; i++) {
		char *l = diag_line(d, i);
		bool hit = strstr(l, needle) != NULL;
		free(l);
		if (hit)
			return true;
	}
	return false;
}

static void test_example_values(void **state)
{
	(void)state;
	struct scenario sc;
	struct diag d;
	diag_init(&d);
	assert_int_equal(scenario_load(&sc, "scenarios/example.json", &d), 0);
	assert_string_equal(sc.name, "web-diurnal");
	assert_string_equal(sc.region, "us-east-1");
	assert_int_equal(sc.duration, 7 * SIM_DAY);
	assert_int_equal(sc.seed, 42);
	assert_int_equal(sc.replications, 30);
	assert_int_equal(sc.task.cpu_units, 1024);
	assert_int_equal(sc.task.memory_mib, 2048);
	assert_int_equal(sc.task.storage_gib, 21);
	assert_int_equal(sc.task.stop_timeout_s, 120);
	assert_int_equal(sc.service.desired_count, 4);
	assert_int_equal(sc.service.strategy.nr, 2);
	assert_int_equal(sc.service.strategy.items[0].base, 2);
	assert_int_equal(sc.service.strategy.items[1].provider, PROVIDER_FARGATE_SPOT);
	assert_int_equal(sc.service.strategy.items[1].weight, 3);
	assert_int_equal(sc.variants, 2);
	assert_int_equal(sc.sweep_points, 4);
	assert_true(sc.slo.has_p95_latency);
	assert_int_equal(sc.slo.p95_latency, 300 * SIM_MSEC);
	assert_int_equal(d.errors, 0);
	scenario_release(&sc);
	diag_release(&d);
}

static const char minimal[] = "{\"taskDefinition\": {\"cpu\": \"0.5 vCPU\", \"memory\": \"1 GB\"},"
			      " \"service\": {\"desiredCount\": 2, \"launchType\": \"FARGATE\"}}";

static void test_defaults(void **state)
{
	(void)state;
	struct scenario sc;
	struct diag d;
	diag_init(&d);
	assert_int_equal(load_text(minimal, &sc, &d), 0);
	assert_string_equal(sc.region, "us-east-1");
	assert_int_equal(sc.duration, 30 * SIM_DAY);
	assert_int_equal(sc.replications, 1);
	assert_int_equal(sc.task.cpu_units, 512);
	assert_int_equal(sc.task.memory_mib, 1024);
	assert_int_equal(sc.task.storage_gib, 20);
	assert_int_equal(sc.task.stop_timeout_s, 30);
	assert_int_equal(sc.task.os, OS_LINUX);
	assert_int_equal(sc.service.strategy.nr, 1);
	assert_int_equal(sc.service.strategy.items[0].provider, PROVIDER_FARGATE);
	assert_int_equal(sc.service.maximum_percent, 200);
	assert_int_equal(sc.service.minimum_healthy_percent, 100);
	assert_int_equal(sc.limits.launches_per_minute, 500);
	assert_true(sc.limits.launch_throttling);
	assert_true(sc.spot.capacity.reclaim_running == 1.0);
	assert_int_equal(sc.ndeployments, 0);
	assert_int_equal(sc.start_unix, 1767571200); /* 2026-01-05T00:00:00Z, a Monday */
	assert_non_null(strstr(sc.name, "spotsim-test-"));
	scenario_release(&sc);
	diag_release(&d);
}

/* workload.model and workload.routing: the per-request configuration, and the defaults. */
static void test_workload_model(void **state)
{
	(void)state;
	static const char text[] =
	    "{\"taskDefinition\": {\"cpu\": \"1024\", \"memory\": \"2048\"},"
	    " \"service\": {\"desiredCount\": 2, \"launchType\": \"FARGATE\"},"
	    " \"workload\": {\"type\": \"requests\", \"model\": \"%s\",%s"
	    " \"rate\": {\"kind\": \"constant\", \"rps\": 50},"
	    " \"service_time\": \"lognormal(30ms, 0.8)\", \"concurrency_per_task\": 6,"
	    " \"timeout\": \"5s\", \"cpu_idle_percent\": 3}}";
	struct scenario sc;
	struct diag d;
	char *json =
	    xasprintf(text, "per_request", " \"routing\": \"least_outstanding_requests\",");
	diag_init(&d);
	assert_int_equal(load_text(json, &sc, &d), 0);
	assert_int_equal(sc.workload_model, WORKLOAD_PER_REQUEST);
	assert_int_equal(sc.per_request.routing, ROUTING_LEAST_OUTSTANDING);
	assert_string_equal(dist_name(&sc.per_request.service_time), "lognormal");
	assert_int_equal(sc.per_request.concurrency, 6);
	assert_int_equal(sc.per_request.timeout, 5 * SIM_SEC);
	assert_true(sc.per_request.cpu_idle_percent == 3);
	/* the analytic model keeps the mean: 30 ms x e^(0.8^2 / 2) */
	assert_true(fabs(sc.requests.service_time_s - 0.030 * exp(0.32)) < 1e-6);
	scenario_release(&sc);
	free(json);
	json = xasprintf(text, "per_request", "");
	assert_int_equal(load_text(json, &sc, &d), 0);
	assert_int_equal(sc.per_request.routing, ROUTING_ROUND_ROBIN); /* ALB's default */
	scenario_release(&sc);
	free(json);
	json = xasprintf(text, "analytic", "");
	assert_int_equal(load_text(json, &sc, &d), 0);
	assert_int_equal(sc.workload_model, WORKLOAD_ANALYTIC);
	assert_null(sc.per_request.service_time.type);
	scenario_release(&sc);
	free(json);
	/* routing means something only per request: the analytic model refuses it, naming it */
	struct diag routed;
	diag_init(&routed);
	json = xasprintf(text, "analytic", " \"routing\": \"random\",");
	assert_int_not_equal(load_text(json, &sc, &routed), 0);
	assert_int_equal(routed.errors, 1);
	assert_string_equal(routed.items[0].path, "workload.routing");
	scenario_release(&sc);
	free(json);
	diag_release(&routed);
	assert_int_equal(load_text(minimal, &sc, &d), 0);
	assert_int_equal(sc.workload_model, WORKLOAD_ANALYTIC);
	scenario_release(&sc);
	assert_int_equal(d.errors, 0);
	diag_release(&d);
}

/* describe-task-definition and describe-services output pasted whole. */
static void test_aws_cli_output_pasted(void **state)
{
	(void)state;
	static const char text[] =
	    "{\"taskDefinition\": {\"taskDefinition\": {\"family\": \"checkout\", \"cpu\": "
	    "\"1024\", \"memory\": \"3072\", \"revision\": 42, \"ephemeralStorage\": "
	    "{\"sizeInGiB\": 40}, \"containerDefinitions\": [{\"name\": \"app\", \"image\": "
	    "\"x\", \"stopTimeout\": 90}]}, \"tags\": []},"
	    " \"service\": {\"services\": [{\"serviceName\": \"checkout\", \"desiredCount\": 6,"
	    " \"capacityProviderStrategy\": [{\"capacityProvider\": \"FARGATE\", \"weight\": 1,"
	    " \"base\": 2}, {\"capacityProvider\": \"FARGATE_SPOT\", \"weight\": 3, \"base\": "
	    "0}], \"platformVersion\": \"LATEST\"}], \"failures\": []}}";
	struct scenario sc;
	struct diag d;
	diag_init(&d);
	assert_int_equal(load_text(text, &sc, &d), 0);
	assert_int_equal(sc.task.memory_mib, 3072);
	assert_int_equal(sc.task.storage_gib, 40);
	assert_int_equal(sc.task.stop_timeout_s, 90);
	assert_int_equal(sc.service.desired_count, 6);
	/* the keys spotsim does not model are listed once, in one note */
	assert_int_equal(d.nr, 1);
	assert_int_equal(d.items[0].level, DIAG_NOTE);
	assert_true(has_message(&d, "taskDefinition.family"));
	assert_true(has_message(&d, "taskDefinition.containerDefinitions[0].image"));
	assert_true(has_message(&d, "service.platformVersion"));
	scenario_release(&sc);
	diag_release(&d);
}

/* Deployments: sorted by time, the grace's default, a new size keeping what it leaves out. */
static void test_deployments(void **state)
{
	(void)state;
	static const char text[] =
	    "{\"duration\": \"7d\", \"taskDefinition\": {\"cpu\": \"512\", \"memory\": \"1024\"},"
	    " \"service\": {\"desiredCount\": 2, \"launchType\": \"FARGATE\"},"
	    " \"workload\": {\"type\": \"queue\", \"job_size\": \"1m\", \"shutdown\": \"10s\","
	    " \"batches\": [{\"at\": \"1h\", \"count\": 10}]},"
	    " \"spot\": {\"capacity\": {\"model\": \"alternating\", \"mean_available\": \"1d\","
	    " \"mean_unavailable\": \"1h\", \"reclaim_running\": 0.25},"
	    " \"interruptions\": {\"model\": \"waves\", \"mean_interval\": \"2d\","
	    " \"fraction\": 0.5, \"shortage\": \"20m\"}},"
	    " \"limits\": {\"service_launches_per_minute\": 2000},"
	    " \"deployments\": [{\"at\": \"2d 10:00\", \"taskDefinition\": {\"memory\": \"4096\","
	    " \"containerDefinitions\": [{\"stopTimeout\": 90}]}},"
	    " {\"at\": \"1d\", \"health_check_grace\": \"2m\"}]}";
	struct scenario sc;
	struct diag d;
	diag_init(&d);
	assert_int_equal(load_text(text, &sc, &d), 0);
	assert_int_equal(sc.ndeployments, 2);
	assert_int_equal(sc.deployments[0].at, SIM_DAY);
	assert_false(sc.deployments[0].new_task);
	assert_int_equal(sc.deployments[0].health_check_grace, 2 * SIM_MIN);
	assert_int_equal(sc.deployments[1].at, 2 * SIM_DAY + 10 * SIM_HOUR);
	assert_true(sc.deployments[1].new_task);
	assert_int_equal(sc.deployments[1].health_check_grace, 40 * SIM_SEC);
	assert_int_equal(sc.deployments[1].task.cpu_units, 512);
	assert_int_equal(sc.deployments[1].task.memory_mib, 4096);
	assert_int_equal(sc.deployments[1].task.stop_timeout_s, 90);
	assert_int_equal(sc.deployments[1].shutdown, 10 * SIM_SEC); /* workload.shutdown given */
	assert_int_equal(sc.limits.launches_per_minute, 2000);
	assert_true(sc.spot.capacity.reclaim_running == 0.25);
	assert_int_equal(sc.spot.interruptions[0].wave_shortage, 20 * SIM_MIN);
	struct service_config cfg = scenario_service_config(&sc);
	assert_int_equal(cfg.ndeployments, 2);
	assert_ptr_equal(cfg.deployments, sc.deployments);
	scenario_release(&sc);
	diag_release(&d);
}

/* A deployment's new size is checked against the Fargate table, and its time against the run. */
static void test_deployment_problems(void **state)
{
	(void)state;
	static const char text[] =
	    "{\"duration\": \"1d\", \"taskDefinition\": {\"cpu\": \"512\", \"memory\": \"1024\"},"
	    " \"service\": {\"desiredCount\": 2, \"launchType\": \"FARGATE\"},"
	    " \"deployments\": [{\"at\": \"2d\"}, {\"at\": \"1h\", \"taskDefinition\":"
	    " {\"cpu\": \"256\", \"memory\": \"4096\"}}, {\"health_check_grace\": \"1m\"}]}";
	struct scenario sc;
	struct diag d;
	diag_init(&d);
	assert_int_equal(load_text(text, &sc, &d), SPOTSIM_EINVAL);
	assert_int_equal(d.errors, 3);
	assert_true(
	    has_message(&d, "deployments[0].at: 172800 s is not before the end of the run"));
	assert_true(has_message(&d, "deployments[1].taskDefinition.memory: 4096 MiB is not valid "
				    "with cpu 256"));
	assert_true(has_message(&d, "deployments[2]: missing key \"at\""));
	scenario_release(&sc);
	diag_release(&d);
}

/* All problems, not only the first: three independent mistakes, three messages. */
static void test_every_problem_reported(void **state)
{
	(void)state;
	static const char text[] =
	    "{\"regoin\": \"x\", \"taskDefinition\": {\"cpu\": \"256\", \"memory\": \"4096\"},"
	    " \"service\": {\"desiredCount\": 1, \"capacityProviderStrategy\": "
	    "[{\"capacityProvider\": \"FARGATE\", \"weight\": 0}]}}";
	struct scenario sc;
	struct diag d;
	diag_init(&d);
	assert_int_equal(load_text(text, &sc, &d), SPOTSIM_EINVAL);
	assert_int_equal(d.errors, 3);
	assert_true(has_message(&d, "regoin: unknown key (did you mean \"region\"?)"));
	assert_true(has_message(&d, "taskDefinition.memory: 4096 MiB is not valid with cpu 256"));
	assert_true(has_message(&d, "service.capacityProviderStrategy: every weight is 0"));
	scenario_release(&sc);
	diag_release(&d);
}

/*
 * In AWS-shaped sections a key is read, or is one of AWS's own keys for that shape (noted once
 * as ignored); any other key is an error, so a typo never leaves a setting at its default.
 */
static void test_aws_keys_read_ignored_or_refused(void **state)
{
	(void)state;
	static const char text[] =
	    "{\"taskDefinition\": {\"cpu\": \"1024\", \"memory\": \"2048\", \"family\": \"x\","
	    " \"runtimePlatform\": {\"colour\": \"blue\"},"
	    " \"containerDefinitions\": [{\"name\": \"app\", \"image\": \"x\", \"stopTimeut\": "
	    "9}]},"
	    " \"service\": {\"DesiredCount\": 2, \"desiredCount\": 2, \"launchType\": \"FARGATE\","
	    " \"platformVersion\": \"LATEST\"},"
	    " \"scaling\": {\"NextToken\": \"t\", \"ScalableTargets\": [{\"MinCapacity\": 1,"
	    " \"MaxCapacity\": 9, \"MaxCapcity\": 20, \"RoleARN\": \"r\"}],"
	    " \"ScheduledActions\": [{\"Schedule\": \"rate(1 hour)\", \"ScheduledActionARN\": "
	    "\"a\","
	    " \"ScalableTargetAction\": {\"MinCapacity\": 1, \"MaxCapacty\": 5}}]}}";
	struct scenario sc;
	struct diag d;
	diag_init(&d);
	assert_int_equal(load_text(text, &sc, &d), SPOTSIM_EINVAL);
	assert_int_equal(d.errors, 5);
	assert_true(has_message(&d, "taskDefinition.runtimePlatform.colour: unknown key (accepted: "
				    "cpuArchitecture, operatingSystemFamily)"));
	assert_true(has_message(&d, "taskDefinition.containerDefinitions[0].stopTimeut: unknown "
				    "key (did you mean \"stopTimeout\"?)"));
	assert_true(
	    has_message(&d, "service.DesiredCount: unknown key (did you mean \"desiredCount\"?)"));
	assert_true(has_message(&d, "scaling.ScalableTargets[0].MaxCapcity: unknown key (did you "
				    "mean \"MaxCapacity\"?)"));
	assert_true(has_message(&d, "scaling.ScheduledActions[0].ScalableTargetAction.MaxCapacty: "
				    "unknown key (did you mean \"MaxCapacity\"?)"));
	/* AWS's own keys: one note, as before */
	assert_true(has_message(
	    &d, "6 keys that spotsim does not model are ignored: taskDefinition.family, "
		"taskDefinition.containerDefinitions[0].image, service.platformVersion, "
		"scaling.NextToken, scaling.ScalableTargets[0].RoleARN, "
		"scaling.ScheduledActions[0].ScheduledActionARN"));
	scenario_release(&sc);
	diag_release(&d);
}

static void test_syntax_error_position(void **state)
{
	(void)state;
	struct scenario sc;
	struct diag d;
	diag_init(&d);
	assert_int_equal(load_text("{\n  \"name\": \"x\",\n  oops\n}\n", &sc, &d), SPOTSIM_ESYNTAX);
	assert_true(has_message(&d, "line 3, column 3: JSON syntax error"));
	scenario_release(&sc);
	diag_release(&d);
}

static void test_missing_file(void **state)
{
	(void)state;
	struct scenario sc;
	struct diag d;
	diag_init(&d);
	assert_int_equal(scenario_load(&sc, "/nonexistent/x.json", &d), SPOTSIM_ENOENT);
	assert_true(has_message(&d, "/nonexistent/x.json: cannot open file"));
	scenario_release(&sc);
	diag_release(&d);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_example_values),
	    cmocka_unit_test(test_defaults),
	    cmocka_unit_test(test_aws_cli_output_pasted),
	    cmocka_unit_test(test_workload_model),
	    cmocka_unit_test(test_deployments),
	    cmocka_unit_test(test_deployment_problems),
	    cmocka_unit_test(test_every_problem_reported),
	    cmocka_unit_test(test_aws_keys_read_ignored_or_refused),
	    cmocka_unit_test(test_syntax_error_position),
	    cmocka_unit_test(test_missing_file),
	};
	return cmocka_run_group_tests_name("scenario", tests, NULL, NULL);
}
