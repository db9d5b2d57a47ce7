/*
 * Tests for experiments: the run plan (variants and sweeps as JSON-path
 * overrides), the thread pool (results independent of the thread count),
 * and the statistics that common random numbers make possible.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "testutil.h"

#define json_temp(text) testutil_write_temp((text), ".json")

#include "spotsim/util/error.h"
#include "spotsim/scenario/plan.h"
#include "spotsim/engine/rng.h"
#include "spotsim/experiment/runner.h"
#include "spotsim/experiment/stats.h"
#include "spotsim/util/xalloc.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static bool has_line(const struct diag *d, const char *needle)
{
	for (size_t i = 0; i < d->nr; i++) {
		char *l = diag_line(d, i);
		bool hit = strstr(l, needle) != NULL;
		if (!hit)
			print_message("diag: %s\n", l);
		free(l);
		if (hit)
			return true;
	}
	return false;
}

static void test_example_plan(void **state)
{
	(void)state;
	struct plan p;
	struct diag d;
	diag_init(&d);
	assert_int_equal(plan_load(&p, "scenarios/example.json", &d), 0);
	assert_int_equal(p.nvariants, 3);
	assert_int_equal(p.npoints, 4);
	assert_int_equal(p.n, 12);
	assert_string_equal(p.configs[0].variant, "base");
	assert_string_equal(p.configs[0].sweep, "spot.interruptions.monthly_fraction=0.02");
	assert_string_equal(p.configs[5].variant, "all-on-demand");
	assert_string_equal(p.configs[5].sweep, "spot.interruptions.monthly_fraction=0.05");
	assert_int_equal(p.configs[5].baseline, 1);
	assert_string_equal(p.configs[11].variant, "all-spot");
	/* the overrides took effect */
	const struct strategy *all_spot = &p.configs[11].sc.service.strategy;
	assert_int_equal(all_spot->nr, 1);
	assert_int_equal(all_spot->items[0].provider, PROVIDER_FARGATE_SPOT);
	assert_int_equal(p.configs[0].sc.service.strategy.nr, 2);
	double h2 = p.configs[3].sc.spot.interruptions[0].hazard_per_hour;
	assert_true(fabs(h2 - (-log(1 - 0.20) / 720)) < 1e-15);
	plan_release(&p);
	diag_release(&d);
}

#define SMALL                                                                                      \
	"\"taskDefinition\": {\"cpu\": \"256\", \"memory\": \"512\"}, "                            \
	"\"service\": {\"desiredCount\": 4, \"capacityProviderStrategy\": ["                       \
	"{\"capacityProvider\": \"FARGATE\", \"weight\": 1},"                                      \
	"{\"capacityProvider\": \"FARGATE_SPOT\", \"weight\": 1}]}"

/* An override is validated like the file: a bad weight and a typo in a path. */
static void test_bad_overrides(void **state)
{
	(void)state;
	char *path = json_temp(
	    "{" SMALL ", \"variants\": ["
	    "{\"name\": \"heavy\", \"set\": {\"service.capacityProviderStrategy[1].weight\": "
	    "5000}},"
	    "{\"name\": \"typo\", \"set\": {\"spot.interuptions\": {\"model\": \"poisson\", "
	    "\"monthly_fraction\": 0.1}}}]}");
	struct plan p;
	struct diag d;
	diag_init(&d);
	assert_int_equal(plan_load(&p, path, &d), SPOTSIM_EINVAL);
	assert_true(has_line(&d,
			     "variants[0] \"heavy\": service.capacityProviderStrategy[1].weight: "
			     "weight 5000 is out of range (accepted: 0 to 1000)"));
	assert_true(has_line(&d, "variants[1] \"typo\": spot.interuptions: unknown key (did you "
				 "mean \"interruptions\"?)"));
	unlink(path);
	free(path);
	plan_release(&p);
	diag_release(&d);
}

/* "unset" removes a key or an array element before "set" applies. */
static void test_unset(void **state)
{
	(void)state;
	char *path =
	    json_temp("{" SMALL ", \"scaling\": {\"MinCapacity\": 2, \"MaxCapacity\": 9},"
		      "\"variants\": [{\"name\": \"spot-only\", \"unset\": "
		      "[\"service.capacityProviderStrategy[0]\", \"scaling\"]},"
		      "{\"name\": \"no-max\", \"unset\": [\"scaling.MaxCapacity\"], \"set\": "
		      "{\"scaling.MinCapacity\": 3}}]}");
	struct plan p;
	struct diag d;
	diag_init(&d);
	assert_int_equal(plan_load(&p, path, &d), 0);
	assert_int_equal(p.n, 3);
	assert_int_equal(p.base.variants, 2); /* the file as written keeps its counts */
	const struct scenario *spot = &p.configs[1].sc, *no_max = &p.configs[2].sc;
	assert_int_equal(spot->service.strategy.nr, 1);
	assert_int_equal(spot->service.strategy.items[0].provider, PROVIDER_FARGATE_SPOT);
	assert_false(spot->has_scaling);
	assert_true(p.configs[0].sc.has_scaling);
	assert_int_equal(no_max->scaling.min_capacity, 3);
	assert_int_equal(no_max->scaling.max_capacity, 5000); /* the default without MaxCapacity */
	unlink(path);
	free(path);
	plan_release(&p);
	diag_release(&d);
}

/* A sweep point's problem is reported once, under the first point that has it. */
static void test_sweep_problem_once(void **state)
{
	(void)state;
	char *path = json_temp("{" SMALL ", \"variants\": [{\"name\": \"a\", \"set\": "
			       "{\"seed\": 2}}], \"sweep\": {\"service.desiredCount\": [1, "
			       "-1], \"seed\": [1, 2]}}");
	struct plan p;
	struct diag d;
	diag_init(&d);
	assert_int_equal(plan_load(&p, path, &d), SPOTSIM_EINVAL);
	assert_int_equal(d.errors, 1);
	assert_true(has_line(&d, "sweep \"service.desiredCount=-1;seed=1\": "
				 "service.desiredCount: -1 is out of range"));
	unlink(path);
	free(path);
	plan_release(&p);
	diag_release(&d);
}

/* ---- runs ---- */

static const char busy[] =
    "{\"duration\": \"2d\", \"seed\": 8, " SMALL ","
    "\"startup\": {\"provisioning\": \"lognormal(12s, 0.3)\", \"pull\": \"exponential(20s)\"},"
    "\"workload\": {\"type\": \"requests\", \"rate\": {\"kind\": \"diurnal\", \"min_rps\": 20, "
    "\"max_rps\": 120}, \"noise\": {\"sd\": 0.5, \"period\": \"1h\"}, \"service_time\": \"50ms\", "
    "\"concurrency_per_task\": 2},"
    "\"spot\": {\"interruptions\": {\"model\": \"poisson\", \"monthly_fraction\": 0.9}},"
    "\"scaling\": {\"MinCapacity\": 1, \"MaxCapacity\": 40, \"ScalingPolicies\": [{"
    "\"PolicyName\": \"cpu\", \"PolicyType\": \"TargetTrackingScaling\","
    "\"TargetTrackingScalingPolicyConfiguration\": {\"TargetValue\": 50,"
    "\"PredefinedMetricSpecification\": {\"PredefinedMetricType\": "
    "\"ECSServiceAverageCPUUtilization\"}, \"ScaleOutCooldown\": 60}}]},"
    "\"variants\": [{\"name\": \"all-spot\", \"set\": {\"service.capacityProviderStrategy\": "
    "[{\"capacityProvider\": \"FARGATE_SPOT\", \"weight\": 1}]}}]}";

static void run_plan(size_t reps, size_t threads, struct experiment *x)
{
	char *path = json_temp(busy);
	struct plan p;
	struct price_table t;
	struct diag d;
	struct runner_options o = {.replications = reps, .threads = threads};
	diag_init(&d);
	pricing_init(&t);
	assert_int_equal(plan_load(&p, path, &d), 0);
	assert_int_equal(pricing_load(&t, "data/pricing.csv", &d), 0);
	assert_int_equal(runner_run(&p, &t, &o, NULL, NULL, x, &d), 0);
	unlink(path);
	free(path);
	plan_release(&p);
	pricing_release(&t);
	diag_release(&d);
}

/* 1 thread and 2 threads give the same results, bit for bit. */
static void test_threads_do_not_matter(void **state)
{
	(void)state;
	struct experiment one, two;
	run_plan(6, 1, &one);
	run_plan(6, 2, &two);
	assert_int_equal(one.nconfigs, 2);
	assert_memory_equal(one.m, two.m, one.nconfigs * one.nreps * sizeof(*one.m));
	/* and the replications do differ from each other */
	assert_true(experiment_at(&one, 0, 0)->cost_usd != experiment_at(&one, 0, 1)->cost_usd);
	experiment_release(&one);
	experiment_release(&two);
}

static void costs(const struct experiment *x, size_t config, size_t n, double *out)
{
	for (size_t k = 0; k < n; k++)
		out[k] = experiment_at(x, config, k)->cost_usd;
}

/* Common random numbers: the paired interval of a difference is the narrower one. */
static void test_paired_narrower(void **state)
{
	(void)state;
	struct experiment x;
	double a[20], b[20];
	struct metric_summary paired;
	run_plan(20, 2, &x);
	costs(&x, 0, 20, a);
	costs(&x, 1, 20, b);
	stats_paired(b, a, 20, &paired);
	double unpaired = stats_unpaired_halfwidth(b, 20, a, 20);
	double half = (paired.ci95_high - paired.ci95_low) / 2;
	print_message("cost difference: paired +-%.5f, unpaired +-%.5f\n", half, unpaired);
	assert_true(paired.n == 20);
	assert_true(half < 0.75 * unpaired);
	experiment_release(&x);
}

/* The interval half-width shrinks about as 1/sqrt(n) from 10 to 40 replications. */
static void test_halfwidth_shrinks(void **state)
{
	(void)state;
	struct experiment x;
	double c[40];
	struct metric_summary s10, s40;
	run_plan(40, 2, &x);
	costs(&x, 1, 40, c);
	stats_summarize(c, 10, &s10);
	stats_summarize(c, 40, &s40);
	double ratio = (s10.ci95_high - s10.ci95_low) / (s40.ci95_high - s40.ci95_low);
	print_message("half-width ratio 10 -> 40 replications: %.3f (1/sqrt(n): 2)\n", ratio);
	assert_true(ratio > 1.4 && ratio < 3.0);
	experiment_release(&x);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_example_plan),
	    cmocka_unit_test(test_bad_overrides),
	    cmocka_unit_test(test_unset),
	    cmocka_unit_test(test_sweep_problem_once),
	    cmocka_unit_test(test_threads_do_not_matter),
	    cmocka_unit_test(test_paired_narrower),
	    cmocka_unit_test(test_halfwidth_shrinks),
	};
	rng_global_init();
	return cmocka_run_group_tests_name("experiment", tests, NULL, NULL);
}
