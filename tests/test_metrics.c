/* Tests for metrics: samples into datapoints, missing data, per-task metrics. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "spotsim/model/metrics.h"

#include <string.h>

static void test_three_samples_make_a_minute(void **state)
{
	(void)state;
	struct metrics m;
	const struct datapoint *dp;
	metrics_init(&m);
	struct metrics_sample s = {2, 30, 40, false, 0};
	metrics_sample(&m, &s);
	s.cpu_pct = 60;
	metrics_sample(&m, &s);
	s.cpu_pct = 90;
	s.serving = 4;
	metrics_sample(&m, &s);
	dp = metrics_minute(&m, true, 1200);
	assert_true(dp[METRIC_CPU].present);
	assert_true(dp[METRIC_CPU].average == 60);
	assert_true(dp[METRIC_CPU].minimum == 30);
	assert_true(dp[METRIC_CPU].maximum == 90);
	assert_true(dp[METRIC_CPU].sample_count == 3);
	assert_true(dp[METRIC_MEMORY].average == 40);
	assert_true(dp[METRIC_REQUEST_COUNT].sum == 1200);
	/* 1,200 requests over a mean of 8/3 serving tasks */
	assert_true(dp[METRIC_REQUESTS_PER_TARGET].average == 1200 / (8.0 / 3));
	assert_false(dp[METRIC_BACKLOG].present);
}

/* No task runs: no datapoint, so alarms see missing data. */
static void test_no_task_no_datapoint(void **state)
{
	(void)state;
	struct metrics m;
	const struct datapoint *dp;
	metrics_init(&m);
	struct metrics_sample s = {0, 0, 0, false, 0};
	for (int i = 0; i < 3; i++)
		metrics_sample(&m, &s);
	dp = metrics_minute(&m, true, 500);
	assert_false(dp[METRIC_CPU].present);
	assert_false(dp[METRIC_REQUESTS_PER_TARGET].present);
	assert_true(dp[METRIC_REQUEST_COUNT].present); /* the load balancer still counts */
	/* the next minute starts empty */
	dp = metrics_minute(&m, false, 0);
	assert_false(dp[METRIC_REQUEST_COUNT].present);
	/* a minute with samples, then one without: its datapoints are gone */
	struct metrics_sample busy = {2, 40, 20, true, 10};
	metrics_sample(&m, &busy);
	dp = metrics_minute(&m, true, 60);
	assert_true(dp[METRIC_CPU].present && dp[METRIC_BACKLOG].present);
	assert_true(dp[METRIC_REQUESTS_PER_TARGET].present);
	metrics_sample(&m, &s);
	dp = metrics_minute(&m, true, 60);
	assert_false(dp[METRIC_CPU].present || dp[METRIC_MEMORY].present);
	assert_false(dp[METRIC_BACKLOG].present || dp[METRIC_BACKLOG_PER_TASK].present);
	assert_false(dp[METRIC_REQUESTS_PER_TARGET].present);
	assert_true(dp[METRIC_CPU].sum == 0 && dp[METRIC_CPU].sample_count == 0);
}

/* Backlog per task: 1,500 messages over 10 tasks is 150; with no task, per 1 task. */
static void test_backlog_per_task(void **state)
{
	(void)state;
	struct metrics m;
	const struct datapoint *dp;
	metrics_init(&m);
	struct metrics_sample s = {10, 50, 50, true, 1500};
	metrics_sample(&m, &s);
	dp = metrics_minute(&m, false, 0);
	assert_true(dp[METRIC_BACKLOG].average == 1500);
	assert_true(dp[METRIC_BACKLOG_PER_TASK].average == 150);
	s.serving = 0;
	s.backlog = 30;
	metrics_sample(&m, &s);
	dp = metrics_minute(&m, false, 0);
	assert_true(dp[METRIC_BACKLOG_PER_TASK].average == 30);
	assert_false(dp[METRIC_CPU].present);
}

/* A metric not kept has no datapoint; the kept ones are as before. */
static void test_keep_only_what_is_read(void **state)
{
	(void)state;
	struct metrics m;
	const struct datapoint *dp;
	metrics_init(&m);
	metrics_keep(&m, METRIC_BIT(METRIC_CPU));
	struct metrics_sample s = {2, 30, 40, false, 0};
	metrics_sample(&m, &s);
	dp = metrics_minute(&m, true, 1200);
	assert_true(dp[METRIC_CPU].present);
	assert_true(dp[METRIC_CPU].average == 30);
	assert_false(dp[METRIC_MEMORY].present);
	assert_false(dp[METRIC_REQUEST_COUNT].present);
	assert_false(dp[METRIC_REQUESTS_PER_TARGET].present);
	metrics_keep(&m, METRIC_BIT(METRIC_REQUESTS_PER_TARGET));
	metrics_sample(&m, &s);
	dp = metrics_minute(&m, true, 1200);
	assert_false(dp[METRIC_CPU].present);
	assert_true(dp[METRIC_REQUESTS_PER_TARGET].average == 600);
}

/* A minute taken again from what an earlier minute of the same samples gave: the same datapoints. */
static void test_minute_again(void **state)
{
	(void)state;
	struct metrics m;
	struct datapoint first[METRIC_COUNT];
	const double cpu[] = {41.5, 38.25, 44}, mem[] = {20, 21.5, 19};
	metrics_init(&m);
	metrics_keep(&m, METRIC_BIT(METRIC_CPU) | METRIC_BIT(METRIC_MEMORY));
	for (int i = 0; i < 3; i++) {
		struct metrics_sample s = {5, cpu[i], mem[i], false, 0};
		metrics_sample(&m, &s);
	}
	memcpy(first, metrics_minute(&m, true, 900), sizeof(first));
	const struct datapoint *again =
	    metrics_minute_again(&m, &first[METRIC_CPU], &first[METRIC_MEMORY]);
	assert_memory_equal(again, first, sizeof(first));
	assert_true(again[METRIC_CPU].sample_count == 3 && again[METRIC_CPU].maximum == 44);
	/* and a minute without samples after it has none */
	const struct datapoint *none = metrics_minute(&m, true, 900);
	assert_false(none[METRIC_CPU].present || none[METRIC_MEMORY].present);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_keep_only_what_is_read),
	    cmocka_unit_test(test_three_samples_make_a_minute),
	    cmocka_unit_test(test_no_task_no_datapoint),
	    cmocka_unit_test(test_backlog_per_task),
	    cmocka_unit_test(test_minute_again),
	};
	return cmocka_run_group_tests_name("metrics", tests, NULL, NULL);
}
