/*
 * Tests for scaling: AWS's documented step-scaling walkthrough and rounding,
 * cooldowns, target tracking's alarm shapes, several policies, missing data,
 * scale from zero, clamping, scheduled actions; and the loader's expansion
 * of at/rate/cron schedules (time zones, DST) and its rules for policies.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "testutil.h"

#define json_temp(text) testutil_write_temp((text), ".json")

#include "spotsim/util/error.h"
#include "spotsim/model/scaling.h"
#include "spotsim/scenario/scenario.h"
#include "spotsim/util/strbuf.h"
#include "spotsim/util/xalloc.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* ---- helpers: policies by hand ---- */

static char name_out[] = "out", name_in[] = "in", name_a[] = "a", name_b[] = "b";

/* AWS's example (threshold 50): scale-out and scale-in steps. */
static struct step_adjustment walk_out[] = {
    {true, true, 0, 10, 0}, {true, true, 10, 20, 10}, {true, false, 20, 0, 30}};
static struct step_adjustment walk_in[] = {
    {true, true, -10, 0, 0}, {true, true, -20, -10, -10}, {false, true, 0, -20, -30}};

static struct scaling_policy step_policy(char *name, enum adjustment_type type,
					 struct step_adjustment *steps, size_t n, double threshold,
					 enum comparison cmp)
{
	struct scaling_policy p;
	memset(&p, 0, sizeof(p));
	p.name = name;
	p.type = POLICY_STEP;
	p.has_alarm = true;
	p.alarm = (struct alarm_config){METRIC_CPU, STAT_AVERAGE, 1, 1, 1, threshold, cmp};
	p.adjustment_type = type;
	p.steps = steps;
	p.nsteps = n;
	p.cooldown = 300 * SIM_SEC;
	p.aggregation = STAT_AVERAGE;
	return p;
}

static struct scaling_policy target_policy(char *name, enum metric_name metric, double target)
{
	struct scaling_policy p;
	memset(&p, 0, sizeof(p));
	p.name = name;
	p.type = POLICY_TARGET_TRACKING;
	p.metric = metric;
	p.target = target;
	p.scale_out_cooldown = p.scale_in_cooldown = 300 * SIM_SEC;
	scaling_target_alarms(&p, STAT_AVERAGE);
	return p;
}

static struct scaling_config config_of(struct scaling_policy *p, size_t n, long min, long max)
{
	struct scaling_config c;
	memset(&c, 0, sizeof(c));
	c.enabled = true;
	c.min_capacity = min;
	c.max_capacity = max;
	c.policies = p;
	c.npolicies = n;
	return c;
}

/* ---- helpers: events and minutes ---- */

struct log {
	char lines[64][320];
	int n;
};

static void record(void *ctx, const struct scaling_event *ev)
{
	struct log *l = ctx;
	if (l->n < 64)
		snprintf(l->lines[l->n++], sizeof(l->lines[0]), "%lld %s %s",
			 (long long)(ev->t / SIM_MIN), ev->event, ev->detail);
}

static bool logged(const struct log *l, const char *text)
{
	for (int i = 0; i < l->n; i++)
		if (!strcmp(l->lines[i], text))
			return true;
	return false;
}

/* One minute with one metric present (all others missing); v < -1e299 = missing too. */
static long minute2(struct scaler *s, long m, enum metric_name a, double va, enum metric_name b,
		    double vb, long running, long desired)
{
	struct datapoint dp[METRIC_COUNT];
	memset(dp, 0, sizeof(dp));
	if (va > -1e299)
		dp[a] = (struct datapoint){true, va, va, va, va, 1};
	if (vb > -1e299)
		dp[b] = (struct datapoint){true, vb, vb, vb, vb, 1};
	return scaler_minute(s, m * SIM_MIN, dp, running, desired);
}

static long minute(struct scaler *s, long m, enum metric_name metric, double v, long running,
		   long desired)
{
	return minute2(s, m, metric, v, metric, v, running, desired);
}

#define MISSING (-1e300)

/* ---- one decision: the documented arithmetic ---- */

static void test_step_walkthrough(void **state)
{
	(void)state;
	struct scaling_policy out = step_policy(name_out, ADJUST_PERCENT, walk_out, 3, 50, CMP_GE);
	struct scaling_policy in = step_policy(name_in, ADJUST_PERCENT, walk_in, 3, 50, CMP_LE);
	struct scaling_decision d;

	assert_true(scaling_step_decide(&out, 10, 60, 0, 100, &d));
	assert_int_equal(d.to, 11);
	assert_int_equal(d.step, 1);
	assert_true(scaling_step_decide(&out, 11, 70, 0, 100, &d));
	assert_int_equal(d.to, 14);
	assert_int_equal(d.step, 2);
	assert_string_equal(d.explain,
			    "70 - 50 = 20 is in [20, +inf): +30 % of 11 = 3.3, rounded to 3, so "
			    "11 + 3 = 14");
	assert_true(scaling_step_decide(&in, 14, 40, 0, 100, &d));
	assert_int_equal(d.to, 13);
	assert_int_equal(d.step, 1); /* -10 is in (-20, -10]: upper bound inclusive below */
	assert_true(scaling_step_decide(&in, 13, 30, 0, 100, &d));
	assert_int_equal(d.to, 10);
	assert_int_equal(d.step, 2);
	assert_string_equal(d.explain, "30 - 50 = -20 is in (-inf, -20]: -30 % of 13 = -3.9, "
				       "rounded to -3, so 13 - 3 = 10");
}

/* The threshold itself: lower bound inclusive above, upper bound inclusive below. */
static void test_step_bounds_at_threshold(void **state)
{
	(void)state;
	struct scaling_policy out = step_policy(name_out, ADJUST_PERCENT, walk_out, 3, 50, CMP_GE);
	struct scaling_policy in = step_policy(name_in, ADJUST_PERCENT, walk_in, 3, 50, CMP_LE);
	struct scaling_decision d;
	assert_true(scaling_step_decide(&out, 10, 50, 0, 100, &d));
	assert_int_equal(d.step, 0);
	assert_int_equal(d.to, 10);
	assert_true(scaling_step_decide(&in, 10, 50, 0, 100, &d));
	assert_int_equal(d.step, 0);
	assert_true(scaling_step_decide(&out, 10, 70, 0, 100, &d)); /* 20: [20, +inf) */
	assert_int_equal(d.step, 2);
	/* below the threshold a scale-out alarm does not breach */
	assert_false(scaling_step_decide(&out, 10, 49.9, 0, 100, &d));
	assert_int_equal(d.to, 10);
	assert_false(scaling_step_decide(&in, 10, 50.1, 0, 100, &d));
}

static void test_percent_rounding(void **state)
{
	(void)state;
	assert_int_equal(scaling_percent_adjustment(127, 10, 0), 12);	/* 12.7 -> 12 */
	assert_int_equal(scaling_percent_adjustment(6.7, 10, 0), 1);	/* 0.67 -> 1 */
	assert_int_equal(scaling_percent_adjustment(-5.8, 10, 0), -1);	/* -0.58 -> -1 */
	assert_int_equal(scaling_percent_adjustment(-66.7, 10, 0), -6); /* -6.67 -> -6 */
	assert_int_equal(scaling_percent_adjustment(10, 10, 0), 1);	/* exactly 1 */
	assert_int_equal(scaling_percent_adjustment(30, 10, 0), 3);	/* exactly 3 */
	assert_int_equal(scaling_percent_adjustment(-100, 7, 0), -7);
	assert_int_equal(scaling_percent_adjustment(0, 10, 0), 0);
	/* MinAdjustmentMagnitude: +25 % of 4 = 1, at least 2 */
	assert_int_equal(scaling_percent_adjustment(25, 4, 2), 2);
	assert_int_equal(scaling_percent_adjustment(-25, 4, 2), -2);
	assert_int_equal(scaling_percent_adjustment(50, 10, 2), 5);
}

static void test_min_adjustment_magnitude_explained(void **state)
{
	(void)state;
	struct step_adjustment one[] = {{true, false, 0, 0, 25}};
	struct scaling_policy p = step_policy(name_out, ADJUST_PERCENT, one, 1, 50, CMP_GE);
	struct scaling_decision d;
	p.min_adjustment_magnitude = 2;
	assert_true(scaling_step_decide(&p, 4, 60, 0, 100, &d));
	assert_int_equal(d.to, 6);
	assert_string_equal(d.explain, "60 - 50 = 10 is in [0, +inf): +25 % of 4 = 1, raised to "
				       "MinAdjustmentMagnitude 2, so 4 + 2 = 6");
}

static void test_change_and_exact_capacity(void **state)
{
	(void)state;
	struct step_adjustment plus5[] = {{true, false, 0, 0, 5}};
	struct step_adjustment minus9[] = {{false, true, 0, 0, -9}};
	struct scaling_policy p = step_policy(name_out, ADJUST_CHANGE, plus5, 1, 50, CMP_GE);
	struct scaling_decision d;
	assert_true(scaling_step_decide(&p, 3, 80, 0, 100, &d)); /* 3 + 5 -> 8 */
	assert_int_equal(d.to, 8);
	assert_string_equal(d.explain, "80 - 50 = 30 is in [0, +inf): 3 + 5 = 8");
	p.adjustment_type = ADJUST_EXACT;
	assert_true(scaling_step_decide(&p, 3, 80, 0, 100, &d)); /* -> 5 */
	assert_int_equal(d.to, 5);
	p = step_policy(name_in, ADJUST_CHANGE, minus9, 1, 50, CMP_LT);
	assert_true(scaling_step_decide(&p, 4, 10, 0, 100, &d)); /* never below 0 */
	assert_int_equal(d.to, 0);
	/* clamping is reported apart from the arithmetic */
	p = step_policy(name_out, ADJUST_CHANGE, plus5, 1, 50, CMP_GE);
	assert_true(scaling_step_decide(&p, 10, 80, 2, 12, &d));
	assert_int_equal(d.to, 15);
	assert_int_equal(d.clamped, 12);
}

/* A gap between steps: nothing applies. */
static void test_step_no_step_applies(void **state)
{
	(void)state;
	struct step_adjustment high[] = {{true, false, 100, 0, 4}};
	struct scaling_policy p = step_policy(name_out, ADJUST_CHANGE, high, 1, 50, CMP_GE);
	struct scaling_decision d;
	assert_false(scaling_step_decide(&p, 3, 80, 0, 100, &d));
	assert_int_equal(d.step, -1);
	assert_int_equal(d.to, 3);
	assert_string_equal(d.explain,
			    "80 - 50 = 30 is in no step (\"No step adjustment found\"): no change");
}

static void test_target_formula(void **state)
{
	(void)state;
	struct scaling_policy p = target_policy(name_a, METRIC_BACKLOG_PER_TASK, 100);
	struct scaling_decision d;
	/* 10 tasks, 1,500 messages: BacklogPerTask 150, target 100 -> 15 tasks */
	assert_true(scaling_target_decide(&p, 10, 150, 1, 50, &d));
	assert_int_equal(d.to, 15);
	assert_string_equal(d.explain, "ceil(10 x 150 / 100) = 15");
	/* round up when adding */
	assert_true(scaling_target_decide(&p, 10, 101, 1, 50, &d));
	assert_int_equal(d.to, 11);
	assert_string_equal(d.explain, "ceil(10 x 101 / 100) = ceil(10.1) = 11");
	/* between 0.9 x target and target: no alarm breaches */
	assert_false(scaling_target_decide(&p, 10, 95, 1, 50, &d));
	assert_int_equal(d.to, 10);
	/* scale-in rounds so as not to undershoot: 10 x 85 / 100 = 8.5 -> 9 */
	assert_true(scaling_target_decide(&p, 10, 85, 1, 50, &d));
	assert_int_equal(d.to, 9);
	assert_true(scaling_target_decide(&p, 10, 89.5, 1, 50, &d)); /* 8.95 -> 9 */
	assert_int_equal(d.to, 9);
	/* alarm shapes derived from the target */
	assert_true(p.high.comparison == CMP_GT && p.high.threshold == 100);
	assert_int_equal(p.high.evaluation_periods, 3);
	assert_int_equal(p.low.datapoints_to_alarm, 15);
	assert_true(p.low.comparison == CMP_LT && p.low.threshold == 90);
	p.disable_scale_in = true;
	assert_false(scaling_target_decide(&p, 10, 50, 1, 50, &d));
}

/* ---- the running scaler ---- */

static void test_target_three_minutes_out(void **state)
{
	(void)state;
	struct scaling_policy p = target_policy(name_a, METRIC_BACKLOG_PER_TASK, 100);
	struct scaling_config c = config_of(&p, 1, 1, 50);
	struct log log = {.n = 0};
	struct scaler *s = scaler_new(&c, record, &log);
	assert_int_equal(minute(s, 1, METRIC_BACKLOG_PER_TASK, 150, 10, 10), -1);
	assert_int_equal(minute(s, 2, METRIC_BACKLOG_PER_TASK, 150, 10, 10), -1);
	assert_int_equal(minute(s, 3, METRIC_BACKLOG_PER_TASK, 150, 10, 10), 15);
	assert_true(logged(&log, "3 ALARM_STATE policy=a;alarm=AlarmHigh;state=ALARM;value=150"));
	assert_true(logged(&log, "3 SCALING_ACTIVITY policy=a;from=10;to=15;reason=AlarmHigh in "
				 "ALARM: ceil(10 x 150 / 100) = 15"));
	assert_int_equal(scaler_activities(s), 1);
	/* still in ALARM, tasks not yet running: same 15, no new activity */
	assert_int_equal(minute(s, 4, METRIC_BACKLOG_PER_TASK, 150, 10, 15), -1);
	assert_int_equal(scaler_activities(s), 1);
	scaler_free(s);
}

/* A breach must last three whole minutes: one low minute restarts the count. */
static void test_target_interrupted_breach(void **state)
{
	(void)state;
	struct scaling_policy p = target_policy(name_a, METRIC_CPU, 60);
	struct scaling_config c = config_of(&p, 1, 1, 50);
	struct scaler *s = scaler_new(&c, NULL, NULL);
	assert_int_equal(minute(s, 1, METRIC_CPU, 90, 10, 10), -1);
	assert_int_equal(minute(s, 2, METRIC_CPU, 90, 10, 10), -1);
	assert_int_equal(minute(s, 3, METRIC_CPU, 59, 10, 10), -1);
	assert_int_equal(minute(s, 4, METRIC_CPU, 90, 10, 10), -1);
	assert_int_equal(minute(s, 5, METRIC_CPU, 90, 10, 10), -1);
	assert_int_equal(minute(s, 6, METRIC_CPU, 90, 10, 10), 15);
	scaler_free(s);
}

static void test_target_fifteen_minutes_in(void **state)
{
	(void)state;
	struct scaling_policy p = target_policy(name_a, METRIC_CPU, 60);
	struct scaling_config c = config_of(&p, 1, 1, 50);
	struct log log = {.n = 0};
	struct scaler *s = scaler_new(&c, record, &log);
	for (long m = 1; m <= 14; m++)
		assert_int_equal(minute(s, m, METRIC_CPU, 30, 10, 10), -1);
	/* ceil(10 x 30 / 60) = 5 */
	assert_int_equal(minute(s, 15, METRIC_CPU, 30, 10, 10), 5);
	assert_true(logged(&log, "3 ALARM_STATE policy=a;alarm=AlarmHigh;state=OK;value=30"));
	assert_true(logged(&log, "15 ALARM_STATE policy=a;alarm=AlarmLow;state=ALARM;value=30"));
	scaler_free(s);

	/* 55 is below the target but not below 0.9 x 60 = 54: never scales in */
	s = scaler_new(&c, NULL, NULL);
	for (long m = 1; m <= 60; m++)
		assert_int_equal(minute(s, m, METRIC_CPU, 55, 10, 10), -1);
	scaler_free(s);
}

static void test_disable_scale_in(void **state)
{
	(void)state;
	struct scaling_policy p = target_policy(name_a, METRIC_CPU, 60);
	p.disable_scale_in = true;
	struct scaling_config c = config_of(&p, 1, 1, 50);
	struct scaler *s = scaler_new(&c, NULL, NULL);
	for (long m = 1; m <= 30; m++)
		assert_int_equal(minute(s, m, METRIC_CPU, 10, 10, 10), -1);
	scaler_free(s);
}

/* +2, then within the cooldown a step asking +3 adds only 1 more. */
static void test_scale_out_cooldown_adds_difference(void **state)
{
	(void)state;
	struct step_adjustment steps[] = {{true, true, 0, 10, 2}, {true, false, 10, 0, 3}};
	struct scaling_policy p = step_policy(name_out, ADJUST_CHANGE, steps, 2, 50, CMP_GE);
	struct scaling_config c = config_of(&p, 1, 1, 100);
	struct log log = {.n = 0};
	struct scaler *s = scaler_new(&c, record, &log);
	assert_int_equal(minute(s, 1, METRIC_CPU, 55, 10, 10), 12);
	assert_int_equal(minute(s, 2, METRIC_CPU, 65, 10, 12), 13);
	assert_true(logged(&log, "2 SCALING_ACTIVITY policy=out;from=12;to=13;reason=Alarm in "
				 "ALARM: 65 - 50 = 15 is in [10, +inf): 10 + 3 = 13"));
	/* tasks come up during the cooldown: the calculation still starts from 10 */
	assert_int_equal(minute(s, 3, METRIC_CPU, 65, 13, 13), -1);
	assert_int_equal(minute(s, 6, METRIC_CPU, 65, 13, 13), -1);
	/* the cooldown (from minute 2) is over at minute 7: 13 + 3 */
	assert_int_equal(minute(s, 7, METRIC_CPU, 65, 13, 13), 16);
	assert_int_equal(scaler_activities(s), 3);
	scaler_free(s);
}

/* Every event as "minute event|detail" lines. */
static void record_all(void *ctx, const struct scaling_event *ev)
{
	struct strbuf *sb = ctx;
	strbuf_addf(sb, "%lld %s|%s\n", (long long)(ev->t / SIM_MIN), ev->event, ev->detail);
}

/* Three policies on a random walk of CPU and memory; returns the events, appends the results. */
static char *random_run(bool explain, struct strbuf *results)
{
	static struct step_adjustment out_steps[] = {
	    {true, true, 0, 10, 10}, {true, true, 10, 20, 20}, {true, false, 20, 0, 45}};
	struct scaling_policy p[3] = {
	    step_policy(name_out, ADJUST_PERCENT, out_steps, 3, 50, CMP_GE),
	    step_policy(name_in, ADJUST_CHANGE, walk_in, 3, 40, CMP_LE),
	    target_policy(name_a, METRIC_MEMORY, 60)};
	struct scaling_config c = config_of(p, 3, 2, 40);
	struct strbuf events = STRBUF_INIT;
	struct scaler *s;
	unsigned seed = 7;
	double cpu = 50, mem = 60;
	long running = 10, desired = 10;

	p[0].min_adjustment_magnitude = 2;
	p[0].cooldown = 120 * SIM_SEC;
	p[1].alarm.evaluation_periods = p[1].alarm.datapoints_to_alarm = 3;
	p[2].disable_scale_in = true; /* else the step policy could never scale in */
	s = scaler_new(&c, record_all, &events);
	scaler_set_explain(s, explain);
	for (long m = 1; m <= 3000; m++) {
		seed = seed * 1103515245u + 12345u;
		cpu = fmin(100, fmax(0, cpu + (double)((seed >> 16) % 21) - 10));
		mem = fmin(100, fmax(0, mem + (double)((seed >> 8) % 11) - 5));
		long next = minute2(s, m, METRIC_CPU, (seed >> 4) % 50 ? cpu : MISSING,
				    METRIC_MEMORY, mem, running, desired);
		strbuf_addf(results, "%ld ", next);
		if (next >= 0)
			desired = next;
		running = (running + desired + 1) / 2; /* tasks come up over a few minutes */
	}
	scaler_free(s);
	return strbuf_detach(&events);
}

/* Explanations off: the same decisions and events, with empty details. */
static void test_explain_off_changes_only_the_words(void **state)
{
	struct strbuf on_results = STRBUF_INIT, off_results = STRBUF_INIT;
	char *on = random_run(true, &on_results), *off = random_run(false, &off_results);
	char *a = on, *b = off;
	int activities = 0;

	(void)state;
	assert_string_equal(on_results.buf, off_results.buf);
	while (*a && *b) { /* line by line: the same "minute event|", details only when on */
		size_t head = strcspn(a, "|");
		assert_memory_equal(a, b, head + 1);
		assert_true(a[head + 1] != '\n');
		assert_true(b[head + 1] == '\n');
		activities += strncmp(strchr(a, ' ') + 1, "SCALING_ACTIVITY", 16) == 0;
		a = strchr(a, '\n') + 1;
		b = strchr(b, '\n') + 1;
	}
	assert_true(*a == '\0' && *b == '\0');
	assert_true(activities > 20);
	free(on);
	free(off);
	strbuf_release(&on_results);
	strbuf_release(&off_results);
}

/* A scale-in cooldown blocks scale-in; a scale-out acts at once and ends it. */
static void test_scale_in_cooldown(void **state)
{
	(void)state;
	struct step_adjustment up[] = {{true, false, 0, 0, 2}};
	struct step_adjustment down[] = {{false, true, 0, 0, -1}};
	struct scaling_policy p[2] = {
	    step_policy(name_out, ADJUST_CHANGE, up, 1, 80, CMP_GE),
	    step_policy(name_in, ADJUST_CHANGE, down, 1, 20, CMP_LE),
	};
	p[0].cooldown = 60 * SIM_SEC;
	p[1].cooldown = 600 * SIM_SEC;
	struct scaling_config c = config_of(p, 2, 1, 100);
	struct scaler *s = scaler_new(&c, NULL, NULL);
	assert_int_equal(minute(s, 1, METRIC_CPU, 10, 10, 10), 9);
	assert_int_equal(minute(s, 2, METRIC_CPU, 10, 9, 9), -1); /* blocked until minute 11 */
	assert_int_equal(minute(s, 5, METRIC_CPU, 10, 9, 9), -1);
	assert_int_equal(minute(s, 6, METRIC_CPU, 90, 9, 9), 11);   /* scale-out is not blocked */
	assert_int_equal(minute(s, 7, METRIC_CPU, 10, 11, 11), 10); /* and it ended the cooldown */
	assert_int_equal(minute(s, 8, METRIC_CPU, 10, 10, 10), -1); /* a new one began */
	assert_int_equal(minute(s, 17, METRIC_CPU, 10, 10, 10), 9);
	scaler_free(s);
}

/* Current 10: +3 and +200 % both fire; the largest capacity, 30, wins. */
static void test_several_policies_largest_wins(void **state)
{
	(void)state;
	struct step_adjustment plus3[] = {{true, false, 0, 0, 3}};
	struct step_adjustment plus200[] = {{true, false, 0, 0, 200}};
	struct scaling_policy p[2] = {
	    step_policy(name_a, ADJUST_CHANGE, plus3, 1, 50, CMP_GE),
	    step_policy(name_b, ADJUST_PERCENT, plus200, 1, 50, CMP_GE),
	};
	struct scaling_config c = config_of(p, 2, 1, 100);
	struct log log = {.n = 0};
	struct scaler *s = scaler_new(&c, record, &log);
	assert_int_equal(minute(s, 1, METRIC_CPU, 60, 10, 10), 30);
	assert_true(logged(&log, "1 SCALING_ACTIVITY policy=b;from=10;to=30;reason=Alarm in ALARM: "
				 "60 - 50 = 10 is in [0, +inf): +200 % of 10 = 20, so 10 + 20 = "
				 "30"));
	scaler_free(s);
}

/* Out if any policy asks; in only if all (with scale-in enabled) ask. */
static void test_several_policies_out_any_in_all(void **state)
{
	(void)state;
	struct scaling_policy p[2] = {target_policy(name_a, METRIC_CPU, 50),
				      target_policy(name_b, METRIC_MEMORY, 50)};
	struct scaling_config c = config_of(p, 2, 1, 100);
	struct scaler *s = scaler_new(&c, NULL, NULL);
	/* cpu low, memory high: scale out on memory */
	assert_int_equal(minute2(s, 1, METRIC_CPU, 10, METRIC_MEMORY, 80, 10, 10), -1);
	assert_int_equal(minute2(s, 2, METRIC_CPU, 10, METRIC_MEMORY, 80, 10, 10), -1);
	assert_int_equal(minute2(s, 3, METRIC_CPU, 10, METRIC_MEMORY, 80, 10, 10), 16);
	scaler_free(s);

	/* cpu low for 15 minutes, memory at target: no scale-in */
	s = scaler_new(&c, NULL, NULL);
	for (long m = 1; m <= 30; m++)
		assert_int_equal(minute2(s, m, METRIC_CPU, 10, METRIC_MEMORY, 50, 10, 10), -1);
	scaler_free(s);

	/* both low: scale in, to the larger of ceil(10x10/50)=2 and ceil(10x40/50)=8 */
	s = scaler_new(&c, NULL, NULL);
	for (long m = 1; m <= 14; m++)
		assert_int_equal(minute2(s, m, METRIC_CPU, 10, METRIC_MEMORY, 40, 10, 10), -1);
	assert_int_equal(minute2(s, 15, METRIC_CPU, 10, METRIC_MEMORY, 40, 10, 10), 8);
	scaler_free(s);

	/* with scale-in disabled, a policy does not vote on scale-in */
	p[1].disable_scale_in = true;
	s = scaler_new(&c, NULL, NULL);
	for (long m = 1; m <= 14; m++)
		assert_int_equal(minute2(s, m, METRIC_CPU, 10, METRIC_MEMORY, 50, 10, 10), -1);
	assert_int_equal(minute2(s, 15, METRIC_CPU, 10, METRIC_MEMORY, 50, 10, 10), 2);
	scaler_free(s);
}

static void test_missing_data_never_scales(void **state)
{
	(void)state;
	struct scaling_policy p = target_policy(name_a, METRIC_CPU, 60);
	p.scale_out_cooldown = 0;
	struct scaling_config c = config_of(&p, 1, 1, 50);
	struct log log = {.n = 0};
	struct scaler *s = scaler_new(&c, record, &log);
	/* no datapoint at all: INSUFFICIENT_DATA, nothing happens */
	for (long m = 1; m <= 20; m++)
		assert_int_equal(minute(s, m, METRIC_CPU, MISSING, 0, 0), -1);
	assert_int_equal(log.n, 0);
	/* breaching, breaching, missing, breaching, breaching: 3 of 3 only at the end */
	assert_int_equal(minute(s, 21, METRIC_CPU, 90, 10, 10), -1);
	assert_int_equal(minute(s, 22, METRIC_CPU, 90, 10, 10), -1);
	assert_int_equal(minute(s, 23, METRIC_CPU, MISSING, 10, 10), -1);
	assert_int_equal(minute(s, 24, METRIC_CPU, 90, 10, 10), -1);
	assert_int_equal(minute(s, 25, METRIC_CPU, 90, 10, 10), -1);
	assert_int_equal(log.n, 0);
	assert_int_equal(minute(s, 26, METRIC_CPU, 90, 10, 10), 15);
	/* in ALARM, then a missing minute: the alarm keeps its state, nothing scales */
	int events = log.n;
	assert_int_equal(minute(s, 27, METRIC_CPU, MISSING, 10, 10), -1);
	assert_int_equal(log.n, events);
	assert_int_equal(minute(s, 28, METRIC_CPU, 90, 10, 10), 15);
	/* three missing minutes: INSUFFICIENT_DATA */
	for (long m = 29; m <= 31; m++)
		assert_int_equal(minute(s, m, METRIC_CPU, MISSING, 10, 10), -1);
	assert_true(logged(&log, "31 ALARM_STATE policy=a;alarm=AlarmHigh;state=INSUFFICIENT_DATA;"
				 "value=missing"));
	scaler_free(s);

	/* a step alarm with one missing period goes INSUFFICIENT_DATA, no scaling */
	struct step_adjustment up[] = {{true, false, 0, 0, 2}};
	struct scaling_policy q = step_policy(name_out, ADJUST_CHANGE, up, 1, 50, CMP_GE);
	q.cooldown = 0;
	c = config_of(&q, 1, 1, 50);
	s = scaler_new(&c, NULL, NULL);
	assert_int_equal(minute(s, 1, METRIC_CPU, 70, 4, 4), 6);
	assert_int_equal(minute(s, 2, METRIC_CPU, MISSING, 4, 4), -1);
	assert_int_equal(minute(s, 3, METRIC_CPU, 70, 6, 6), 8);
	scaler_free(s);
}

static void test_scale_from_zero(void **state)
{
	(void)state;
	struct scaling_policy p = target_policy(name_a, METRIC_BACKLOG, 100);
	struct scaling_config c = config_of(&p, 1, 0, 50);
	struct scaling_decision d;
	struct scaler *s = scaler_new(&c, NULL, NULL);
	/* no task runs but the queue has 250 messages: ceil(1 x 250 / 100) = 3 */
	assert_int_equal(minute(s, 1, METRIC_BACKLOG, 250, 0, 0), -1);
	assert_int_equal(minute(s, 2, METRIC_BACKLOG, 250, 0, 0), -1);
	assert_int_equal(minute(s, 3, METRIC_BACKLOG, 250, 0, 0), 3);
	scaler_free(s);
	assert_true(scaling_target_decide(&p, 0, 250, 0, 50, &d));
	assert_string_equal(d.explain,
			    "running 0 counts as 1: ceil(1 x 250 / 100) = ceil(2.5) = 3");

	struct step_adjustment plus1[] = {{true, false, 0, 0, 1}};
	struct step_adjustment plus50[] = {{true, false, 0, 0, 50}};
	struct scaling_policy q = step_policy(name_out, ADJUST_CHANGE, plus1, 1, 0, CMP_GT);
	assert_true(scaling_step_decide(&q, 0, 12, 0, 50, &d)); /* 0 + 1 */
	assert_int_equal(d.to, 1);
	q = step_policy(name_out, ADJUST_PERCENT, plus50, 1, 0, CMP_GT);
	assert_true(scaling_step_decide(&q, 0, 12, 0, 50, &d)); /* 50 % of 1 -> 1 */
	assert_int_equal(d.to, 1);
}

static void test_clamping_and_jumps(void **state)
{
	(void)state;
	struct step_adjustment plus5[] = {{true, false, 0, 0, 5}};
	struct step_adjustment minus1[] = {{false, true, 0, 0, -1}};
	struct scaling_policy out = step_policy(name_out, ADJUST_CHANGE, plus5, 1, 50, CMP_GE);
	struct scaling_policy in = step_policy(name_in, ADJUST_CHANGE, minus1, 1, 50, CMP_LT);
	out.cooldown = in.cooldown = 0;
	struct scaling_config c = config_of(&out, 1, 3, 12);
	struct log log = {.n = 0};
	struct scaler *s = scaler_new(&c, record, &log);
	assert_int_equal(minute(s, 1, METRIC_CPU, 60, 10, 10), 12); /* 15 held to Max */
	assert_true(logged(&log, "1 SCALING_ACTIVITY policy=out;from=10;to=12;reason=Alarm in "
				 "ALARM: 60 - 50 = 10 is in [0, +inf): 10 + 5 = 15, held to [3, "
				 "12]"));
	assert_int_equal(minute(s, 2, METRIC_CPU, 60, 20, 20), -1); /* above Max: no scale-out */
	assert_int_equal(minute(s, 3, METRIC_CPU, 60, 1, 1), 3);    /* below Min: jumps to Min */
	scaler_free(s);

	c = config_of(&in, 1, 3, 12);
	s = scaler_new(&c, NULL, NULL);
	assert_int_equal(minute(s, 1, METRIC_CPU, 10, 20, 20), 12); /* above Max: drops to Max */
	assert_int_equal(minute(s, 2, METRIC_CPU, 10, 1, 1), -1);   /* below Min: no scale-in */
	assert_int_equal(minute(s, 3, METRIC_CPU, 10, 3, 3), -1);   /* at Min: stays */
	assert_int_equal(minute(s, 4, METRIC_CPU, 10, 4, 4), 3);
	scaler_free(s);
}

/* AWS's rules once a request is known: bounds first, then [Min, Max]; RUNNING is the base. */
static void test_settle(void **state)
{
	(void)state;
	assert_int_equal(scaling_settle(true, 9, 10, 1, 20), 9); /* running 7 +30 %: lowers */
	assert_int_equal(scaling_settle(true, 14, 10, 1, 20), 14);
	assert_int_equal(scaling_settle(true, 25, 10, 1, 20), 20);
	assert_int_equal(scaling_settle(true, 10, 10, 1, 20), -1);
	assert_int_equal(scaling_settle(true, 30, 21, 1, 20), -1); /* above Max: nothing */
	assert_int_equal(scaling_settle(true, 2, 0, 3, 20), 3);	   /* below Min: to Min first */
	assert_int_equal(scaling_settle(true, 9, 0, 3, 20), 3);
	assert_int_equal(scaling_settle(false, 5, 10, 1, 20), 5);
	assert_int_equal(scaling_settle(false, 0, 10, 2, 20), 2);
	assert_int_equal(scaling_settle(false, 12, 10, 1, 20), -1); /* never raises */
	assert_int_equal(scaling_settle(false, 1, 2, 3, 20), -1);   /* below Min: nothing */
	assert_int_equal(scaling_settle(false, 30, 25, 3, 20), 20); /* above Max: to Max first */
}

/* Desired 10, 7 running (3 cannot start), +30 %: AWS starts from 7, so 7 + 2 = 9. */
static void test_scale_out_from_running(void **state)
{
	(void)state;
	struct step_adjustment steps[] = {{true, false, 0, 0, 30}};
	struct scaling_policy p = step_policy(name_out, ADJUST_PERCENT, steps, 1, 50, CMP_GE);
	struct scaling_config c = config_of(&p, 1, 1, 100);
	struct log log = {.n = 0};
	struct scaler *s = scaler_new(&c, record, &log);
	assert_int_equal(minute(s, 1, METRIC_CPU, 90, 7, 10), 9);
	assert_true(logged(&log,
			   "1 SCALING_ACTIVITY policy=out;from=10;to=9;reason=Alarm in "
			   "ALARM: 90 - 50 = 40 is in [0, +inf): +30 % of 7 = 2.1, rounded to 2, "
			   "so 7 + 2 = 9"));
	/* still 7 running after the cooldown: 9 again, no change */
	assert_int_equal(minute(s, 6, METRIC_CPU, 90, 7, 9), -1);
	/* target tracking too: 5 running of 10, ceil(5 x 90 / 50) = 9 at the third minute */
	struct scaling_policy t = target_policy(name_a, METRIC_CPU, 50);
	struct scaling_config ct = config_of(&t, 1, 1, 100);
	scaler_free(s);
	s = scaler_new(&ct, NULL, NULL);
	for (long m = 1; m <= 2; m++)
		assert_int_equal(minute(s, m, METRIC_CPU, 90, 5, 10), -1);
	assert_int_equal(minute(s, 3, METRIC_CPU, 90, 5, 10), 9);
	scaler_free(s);
}

/* The template bug: a scale-in step above the threshold on a LessThanThreshold alarm. */
static void test_coverage_template_bug(void **state)
{
	(void)state;
	struct step_adjustment bug[] = {{true, false, 0, 0, -1}};
	struct step_adjustment fixed[] = {{false, true, 0, 0, -1}};
	struct scaling_policy p = step_policy(name_in, ADJUST_CHANGE, bug, 1, 30, CMP_LT);
	char why[300];

	assert_int_equal(scaling_step_coverage(&p, why, sizeof(why)), SCALING_COVER_NONE);
	assert_string_equal(why,
			    "no step can match a breach of its alarm (LessThanThreshold alarm, "
			    "step MetricIntervalLowerBound 0 covers only values above the "
			    "threshold): this policy will never scale in");
	p.steps = fixed;
	assert_int_equal(scaling_step_coverage(&p, why, sizeof(why)), SCALING_COVER_ALL);
	assert_string_equal(why, "");
	/* the same bug the other way: a scale-out step below a GreaterThan alarm */
	struct step_adjustment up[] = {{true, true, -20, -5, 1}, {false, true, 0, -20, 2}};
	p = step_policy(name_out, ADJUST_CHANGE, up, 2, 70, CMP_GT);
	assert_int_equal(scaling_step_coverage(&p, why, sizeof(why)), SCALING_COVER_NONE);
	assert_string_equal(why,
			    "no step can match a breach of its alarm (GreaterThanThreshold "
			    "alarm, steps up to MetricIntervalUpperBound -5 cover only values "
			    "more than 5 below the threshold): this policy will never scale out");
}

/* Each comparison's breaches against the steps' inclusive ends, and partial coverage. */
static void test_coverage_edges(void **state)
{
	(void)state;
	struct step_adjustment from0[] = {{true, false, 0, 0, 1}};
	struct step_adjustment to0[] = {{false, true, 0, 0, -1}};
	struct step_adjustment gap[] = {{true, true, 10, 20, 1}, {true, false, 30, 0, 2}};
	struct step_adjustment below[] = {{true, true, -10, 0, -1}};
	struct scaling_policy p = step_policy(name_a, ADJUST_CHANGE, from0, 1, 50, CMP_GE);
	char why[300];

	assert_int_equal(scaling_step_coverage(&p, why, sizeof(why)), SCALING_COVER_ALL);
	p.alarm.comparison = CMP_GT;
	assert_int_equal(scaling_step_coverage(&p, why, sizeof(why)), SCALING_COVER_ALL);
	p.alarm.comparison = CMP_LE; /* below the threshold a lower bound is exclusive: not 0 */
	assert_int_equal(scaling_step_coverage(&p, why, sizeof(why)), SCALING_COVER_NONE);
	p.steps = to0;
	assert_int_equal(scaling_step_coverage(&p, why, sizeof(why)), SCALING_COVER_ALL);
	p.alarm.comparison = CMP_GE; /* above it an upper bound is exclusive: not 0 */
	assert_int_equal(scaling_step_coverage(&p, why, sizeof(why)), SCALING_COVER_NONE);
	assert_string_equal(why,
			    "no step can match a breach of its alarm "
			    "(GreaterThanOrEqualToThreshold alarm, step MetricIntervalUpperBound "
			    "0 covers only values below the threshold): this policy will never "
			    "scale in");

	p.steps = gap;
	p.nsteps = 2;
	assert_int_equal(scaling_step_coverage(&p, why, sizeof(why)), SCALING_COVER_PART);
	assert_string_equal(why,
			    "no step matches a breach of its alarm with metric - threshold in "
			    "[0, 10) or [20, 30) (GreaterThanOrEqualToThreshold alarm): at those "
			    "values this policy will not scale out");
	p.alarm.comparison = CMP_GT;
	assert_int_equal(scaling_step_coverage(&p, why, sizeof(why)), SCALING_COVER_PART);
	assert_non_null(strstr(why, "in (0, 10) or [20, 30)"));

	p.steps = below;
	p.nsteps = 1;
	p.alarm.comparison = CMP_LT;
	assert_int_equal(scaling_step_coverage(&p, why, sizeof(why)), SCALING_COVER_PART);
	assert_string_equal(why,
			    "no step matches a breach of its alarm with metric - threshold in "
			    "(-inf, -10] (LessThanThreshold alarm): at those values this policy "
			    "will not scale in");
	/* AWS's walkthrough policies hold every breach */
	p = step_policy(name_out, ADJUST_PERCENT, walk_out, 3, 50, CMP_GE);
	assert_int_equal(scaling_step_coverage(&p, why, sizeof(why)), SCALING_COVER_ALL);
	p = step_policy(name_in, ADJUST_PERCENT, walk_in, 3, 50, CMP_LE);
	assert_int_equal(scaling_step_coverage(&p, why, sizeof(why)), SCALING_COVER_ALL);
}

/* In ALARM with a breach no step holds: NO_STEP_ADJUSTMENT each minute, counted, no change. */
static void test_no_step_adjustment_events(void **state)
{
	(void)state;
	struct step_adjustment bug[] = {{true, false, 0, 0, -1}};
	struct scaling_policy p = step_policy(name_in, ADJUST_CHANGE, bug, 1, 30, CMP_LT);
	struct scaling_config c = config_of(&p, 1, 1, 100);
	struct log log = {.n = 0};
	struct scaler *s = scaler_new(&c, record, &log);

	assert_int_equal(minute(s, 1, METRIC_CPU, 12.5, 10, 10), -1);
	assert_true(logged(&log, "1 NO_STEP_ADJUSTMENT policy=in;metric=12.5;threshold=30;"
				 "breach=-17.5"));
	assert_int_equal(minute(s, 2, METRIC_CPU, 20, 10, 10), -1);
	assert_int_equal(minute(s, 3, METRIC_CPU, 40, 10, 10), -1); /* OK: no event */
	assert_int_equal(scaler_no_step_adjustments(s), 2);
	assert_int_equal(scaler_activities(s), 0);
	scaler_free(s);

	/* all dynamic scaling suspended: no policy is tried, so nothing is reported */
	c.scale_in_suspended = c.scale_out_suspended = true;
	s = scaler_new(&c, NULL, NULL);
	assert_int_equal(minute(s, 1, METRIC_CPU, 12.5, 10, 10), -1);
	assert_int_equal(scaler_no_step_adjustments(s), 0);
	scaler_free(s);
	c.scale_in_suspended = c.scale_out_suspended = false;

	/* the corrected step (upper bound 0) scales in, and reports nothing of the kind */
	struct step_adjustment fixed[] = {{false, true, 0, 0, -1}};
	p.steps = fixed;
	s = scaler_new(&c, NULL, NULL);
	assert_int_equal(minute(s, 1, METRIC_CPU, 12.5, 10, 10), 9);
	assert_int_equal(scaler_no_step_adjustments(s), 0);
	scaler_free(s);
}

/* Periods of 5 minutes, Maximum statistic, 2 of 3 periods, MetricAggregationType Maximum. */
static void test_alarm_periods_and_statistics(void **state)
{
	(void)state;
	struct step_adjustment steps[] = {{true, true, 0, 100, 1}, {true, false, 100, 0, 4}};
	struct scaling_policy p = step_policy(name_out, ADJUST_CHANGE, steps, 2, 100, CMP_GE);
	p.alarm = (struct alarm_config){METRIC_BACKLOG, STAT_MAXIMUM, 5, 3, 2, 100, CMP_GE};
	p.aggregation = STAT_MAXIMUM;
	p.cooldown = 0;
	struct scaling_config c = config_of(&p, 1, 1, 50);
	struct log log = {.n = 0};
	struct scaler *s = scaler_new(&c, record, &log);
	long m = 1;
	/* period 1 (minutes 1-5): one spike of 150, the rest 10 -> Maximum 150 */
	for (; m <= 5; m++)
		assert_int_equal(minute(s, m, METRIC_BACKLOG, m == 2 ? 150 : 10, 5, 5), -1);
	assert_int_equal(log.n, 0); /* 1 breach, 1 present: too few to judge */
	/* period 2: all 20 -> 1 of 2 present periods breaches: OK */
	for (; m <= 10; m++)
		assert_int_equal(minute(s, m, METRIC_BACKLOG, 20, 5, 5), -1);
	assert_true(logged(&log, "10 ALARM_STATE policy=out;alarm=Alarm;state=OK;value=20"));
	/* period 3: max 260 -> 2 of 3 breach: ALARM at minute 15; max of 150, 20, 260 = 260 */
	for (; m <= 14; m++)
		assert_int_equal(minute(s, m, METRIC_BACKLOG, 260, 5, 5), -1);
	assert_int_equal(minute(s, 15, METRIC_BACKLOG, 260, 5, 5), 9);
	assert_true(logged(&log, "15 ALARM_STATE policy=out;alarm=Alarm;state=ALARM;value=260"));
	/* the alarm stays in ALARM between period ends and the policy keeps acting */
	assert_int_equal(minute(s, 16, METRIC_BACKLOG, 0, 5, 5), 9);
	scaler_free(s);
}

/* Average of minute averages weighted by their sample counts. */
static void test_weighted_average_period(void **state)
{
	(void)state;
	struct step_adjustment one[] = {{true, false, 0, 0, 1}};
	struct scaling_policy p = step_policy(name_out, ADJUST_CHANGE, one, 1, 50, CMP_GT);
	p.alarm.period_minutes = 2;
	struct scaling_config c = config_of(&p, 1, 1, 50);
	struct log log = {.n = 0};
	struct scaler *s = scaler_new(&c, record, &log);
	struct datapoint dp[METRIC_COUNT];
	memset(dp, 0, sizeof(dp));
	dp[METRIC_CPU] = (struct datapoint){true, 80, 80, 80, 80, 1};
	assert_int_equal(scaler_minute(s, 1 * SIM_MIN, dp, 4, 4), -1);
	dp[METRIC_CPU] = (struct datapoint){true, 40, 40, 40, 120, 3};
	/* (80 x 1 + 40 x 3) / 4 = 50: not above 50 */
	assert_int_equal(scaler_minute(s, 2 * SIM_MIN, dp, 4, 4), -1);
	assert_true(logged(&log, "2 ALARM_STATE policy=out;alarm=Alarm;state=OK;value=50"));
	scaler_free(s);
}

/* ---- alarms against a recount of their window ---- */

/* Only the ALARM_STATE events, as "minute state value". */
static void record_states(void *ctx, const struct scaling_event *ev)
{
	struct strbuf *sb = ctx;
	const char *state = strstr(ev->detail, "state="), *value = strstr(ev->detail, "value=");
	if (strcmp(ev->event, "ALARM_STATE") || !state || !value)
		return;
	strbuf_addf(sb, "%lld %.*s %s\n", (long long)(ev->t / SIM_MIN),
		    (int)strcspn(state + 6, ";"), state + 6, value + 6);
}

/* A period's value from its minutes as the alarm's statistic has it (whole numbers: exact). */
struct ref_period {
	bool present;
	double value;
};

static unsigned lcg(unsigned *seed)
{
	*seed = *seed * 1103515245u + 12345u;
	return *seed >> 8;
}

/*
 * The documented judgement, recounted over the whole window at each period
 * end: INSUFFICIENT_DATA with no present period, ALARM with DatapointsToAlarm
 * breaching, OK with that many present, else unchanged.
 */
static enum alarm_state ref_judge(const struct alarm_config *a, const struct ref_period *h, int nh,
				  enum alarm_state was)
{
	int cap = a->evaluation_periods, m = a->datapoints_to_alarm, present = 0, breaching = 0;
	m = m < 1 ? 1 : m > cap ? cap : m;
	for (int i = nh - cap < 0 ? 0 : nh - cap; i < nh; i++) {
		present += h[i].present;
		breaching += h[i].present && scaling_alarm_breaches(a, h[i].value);
	}
	if (!present)
		return ALARM_INSUFFICIENT_DATA;
	if (breaching >= m)
		return ALARM_ALARM;
	return present >= m ? ALARM_OK : was;
}

/* One random alarm over `minutes` random minutes: the scaler's states against the recount. */
static void alarm_against_recount(unsigned *seed, int minutes)
{
	static const enum statistic stats[] = {STAT_MAXIMUM, STAT_MINIMUM, STAT_SUM,
					       STAT_SAMPLE_COUNT, STAT_AVERAGE};
	struct step_adjustment none[] = {{false, false, 0, 0, 0}};
	struct scaling_policy p = step_policy(name_out, ADJUST_CHANGE, none, 1, 0, CMP_GE);
	struct alarm_config *a = &p.alarm;
	a->period_minutes = 1 + (int)(lcg(seed) % 3);
	a->evaluation_periods = 1 + (int)(lcg(seed) % 20);
	a->datapoints_to_alarm = (int)(lcg(seed) % (unsigned)(a->evaluation_periods + 2));
	a->comparison = (enum comparison)(lcg(seed) % 4);
	/* Average only over one-minute periods: then the period is the minute's value */
	a->statistic = stats[lcg(seed) % (a->period_minutes == 1 ? 5 : 4)];
	a->threshold = (double)(lcg(seed) % 7);
	unsigned missing = lcg(seed) % 60; /* percent of minutes without data */
	struct scaling_config c = config_of(&p, 1, 1, 50);
	struct strbuf got = STRBUF_INIT, want = STRBUF_INIT;
	struct ref_period *h = xcalloc((size_t)minutes + 1, sizeof(*h));
	struct ref_period open = {false, 0};
	enum alarm_state state = ALARM_INSUFFICIENT_DATA;
	int nh = 0;
	struct scaler *s = scaler_new(&c, record_states, &got);

	for (int m = 1; m <= minutes; m++) {
		struct datapoint dp[METRIC_COUNT];
		memset(dp, 0, sizeof(dp));
		if (lcg(seed) % 100 >= missing) {
			double v = (double)(lcg(seed) % 13), n = (double)(1 + lcg(seed) % 3);
			dp[METRIC_CPU] = (struct datapoint){true, v, v, v + 1, v * n, n};
			double pv = a->statistic == STAT_MAXIMUM	? v + 1
				    : a->statistic == STAT_MINIMUM	? v
				    : a->statistic == STAT_SUM		? v * n
				    : a->statistic == STAT_SAMPLE_COUNT ? n
									: v;
			if (!open.present)
				open.value = pv;
			else if (a->statistic == STAT_MAXIMUM)
				open.value = fmax(open.value, pv);
			else if (a->statistic == STAT_MINIMUM)
				open.value = fmin(open.value, pv);
			else
				open.value += pv;
			open.present = true;
		}
		(void)scaler_minute(s, m * SIM_MIN, dp, 5, 5);
		if (m % a->period_minutes)
			continue;
		h[nh++] = open;
		open = (struct ref_period){false, 0};
		enum alarm_state next = ref_judge(a, h, nh, state);
		char value[32] = "missing"; /* values are whole numbers: "%.0f" */
		if (h[nh - 1].present)
			snprintf(value, sizeof(value), "%.0f", h[nh - 1].value);
		if (next != state)
			strbuf_addf(&want, "%d %s %s\n", m, scaling_alarm_state_name(next), value);
		state = next;
	}
	assert_string_equal(got.buf, want.buf);
	scaler_free(s);
	free(h);
	strbuf_release(&got);
	strbuf_release(&want);
}

/* The alarm's running counts of present and breaching periods judge as a recount does. */
static void test_alarm_counts_match_recount(void **state)
{
	unsigned seed = 11;
	(void)state;
	for (int i = 0; i < 300; i++)
		alarm_against_recount(&seed, 1 + (int)(lcg(&seed) % 400));
}

static char name_open[] = "open", name_cap[] = "cap";

static void test_scheduled_actions(void **state)
{
	(void)state;
	struct step_adjustment up[] = {{true, false, 0, 0, 1}};
	struct scaling_policy p = step_policy(name_out, ADJUST_CHANGE, up, 1, 50, CMP_GE);
	struct scheduled_action acts[] = {
	    {10 * SIM_MIN, true, false, 5, 0, name_open},
	    {20 * SIM_MIN, false, true, 0, 3, name_cap},
	};
	struct scaling_config c = config_of(&p, 1, 1, 40);
	c.actions = acts;
	c.nactions = 2;
	struct log log = {.n = 0};
	struct scaler *s = scaler_new(&c, record, &log);
	assert_int_equal(scaler_next_scheduled(s), 10 * SIM_MIN);
	assert_int_equal(scaler_scheduled(s, 9 * SIM_MIN, 2), -1);
	/* a scale-out starts a cooldown; the scheduled action is not blocked by it */
	assert_int_equal(minute(s, 9, METRIC_CPU, 60, 2, 2), 3);
	assert_int_equal(scaler_scheduled(s, 10 * SIM_MIN, 3), 5);
	assert_true(logged(&log, "10 SCHEDULED_ACTION action=open;min=5;max=40;desired=5"));
	assert_int_equal(scaler_next_scheduled(s), 20 * SIM_MIN);
	/* MaxCapacity 3 below MinCapacity 5: the bound the action sets wins */
	assert_int_equal(scaler_scheduled(s, 20 * SIM_MIN, 5), 3);
	assert_true(logged(&log, "20 SCHEDULED_ACTION action=cap;min=3;max=3;desired=3"));
	assert_int_equal(scaler_next_scheduled(s), SIM_TIME_MAX);
	assert_int_equal(scaler_scheduled(s, 30 * SIM_MIN, 3), -1);
	assert_int_equal(scaler_activities(s), 3);
	scaler_free(s);
}

/* SuspendedState: alarms still change state; the suspended activities do not happen. */
static void test_suspended_state(void **state)
{
	(void)state;
	struct scaling_policy p = target_policy(name_a, METRIC_CPU, 60);
	struct scaling_config c = config_of(&p, 1, 1, 50);
	struct log log = {.n = 0};
	c.scale_out_suspended = true;
	struct scaler *s = scaler_new(&c, record, &log);
	for (long m = 1; m <= 10; m++)
		assert_int_equal(minute(s, m, METRIC_CPU, 90, 10, 10), -1);
	assert_true(logged(&log, "3 ALARM_STATE policy=a;alarm=AlarmHigh;state=ALARM;value=90"));
	assert_int_equal(scaler_activities(s), 0);
	scaler_free(s);

	/* scale-in suspended: 20 low minutes change nothing, a scale-out still happens */
	c.scale_out_suspended = false;
	c.scale_in_suspended = true;
	s = scaler_new(&c, NULL, NULL);
	for (long m = 1; m <= 20; m++)
		assert_int_equal(minute(s, m, METRIC_CPU, 30, 10, 10), -1);
	assert_int_equal(minute(s, 21, METRIC_CPU, 90, 10, 10), -1);
	assert_int_equal(minute(s, 22, METRIC_CPU, 90, 10, 10), -1);
	assert_int_equal(minute(s, 23, METRIC_CPU, 90, 10, 10), 15);
	scaler_free(s);

	/* scheduled scaling suspended: the action never runs, and none is due */
	struct scheduled_action acts[] = {{10 * SIM_MIN, true, false, 5, 0, name_open}};
	c = config_of(&p, 1, 1, 40);
	c.actions = acts;
	c.nactions = 1;
	c.scheduled_suspended = true;
	s = scaler_new(&c, NULL, NULL);
	assert_int_equal(scaler_next_scheduled(s), SIM_TIME_MAX);
	assert_int_equal(scaler_scheduled(s, 10 * SIM_MIN, 2), -1);
	assert_int_equal(scaler_activities(s), 0);
	scaler_free(s);
}

/* ---- the loader: schedules and rules ---- */

/* Loads a scenario whose "scaling" section is `scaling`. */
static int load_scaling(const char *start, const char *duration, const char *scaling,
			struct scenario *sc, struct diag *d)
{
	char *text = xasprintf("{\"name\": \"t\", \"start\": \"%s\", \"duration\": \"%s\",\n"
			       " \"taskDefinition\": {\"cpu\": \"1024\", \"memory\": \"2048\"},\n"
			       " \"service\": {\"desiredCount\": 2, \"capacityProviderStrategy\": "
			       "[{\"capacityProvider\": \"FARGATE\", \"weight\": 1}]},\n"
			       " \"scaling\": %s}\n",
			       start, duration, scaling);
	char *path = json_temp(text);
	diag_init(d);
	int rc = scenario_load(sc, path, d);
	unlink(path);
	free(path);
	free(text);
	return rc;
}

static int load_actions(const char *start, const char *duration, const char *actions,
			struct scenario *sc, struct diag *d)
{
	char *scaling = xasprintf("{\"MinCapacity\": 1, \"MaxCapacity\": 10, "
				  "\"ScheduledActions\": [%s]}",
				  actions);
	int rc = load_scaling(start, duration, scaling, sc, d);
	free(scaling);
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

static void expect_error_in(const char *duration, const char *actions, const char *needle)
{
	struct scenario sc;
	struct diag d;
	assert_int_equal(load_actions("2026-01-05T00:00:00Z", duration, actions, &sc, &d),
			 SPOTSIM_EINVAL);
	if (!has_message(&d, needle)) {
		diag_write(&d, stderr);
		fail_msg("no message containing: %s", needle);
	}
	scenario_release(&sc);
	diag_release(&d);
}

/* cron(0 9 ? * MON-FRI *) in New York across the March 2026 DST change (Sunday the 8th). */
static void test_cron_timezone_dst(void **state)
{
	(void)state;
	struct scenario sc;
	struct diag d;
	assert_int_equal(setenv("TZ", "Asia/Tokyo", 1), 0);
	assert_int_equal(
	    load_actions("2026-03-02T00:00:00Z", "14d",
			 "{\"ScheduledActionName\": \"am\", \"Schedule\": \"cron(0 9 ? "
			 "* MON-FRI *)\", \"Timezone\": \"America/New_York\", "
			 "\"ScalableTargetAction\": {\"MinCapacity\": 4}}",
			 &sc, &d),
	    0);
	assert_string_equal(getenv("TZ"), "Asia/Tokyo"); /* restored */
	unsetenv("TZ");
	assert_int_equal(sc.scaling.nactions, 10);
	/* Monday 2 March 09:00 EST = 14:00 UTC; Monday 9 March 09:00 EDT = 13:00 UTC */
	assert_int_equal(sc.scaling.actions[0].at, 14 * SIM_HOUR);
	assert_int_equal(sc.scaling.actions[4].at, 4 * SIM_DAY + 14 * SIM_HOUR);
	assert_int_equal(sc.scaling.actions[5].at, 7 * SIM_DAY + 13 * SIM_HOUR);
	assert_int_equal(sc.scaling.actions[9].at, 11 * SIM_DAY + 13 * SIM_HOUR);
	assert_true(sc.scaling.actions[0].has_min && !sc.scaling.actions[0].has_max);
	assert_int_equal(sc.scaling.actions[0].min_capacity, 4);
	assert_string_equal(sc.scaling.actions[0].name, "am");
	scenario_release(&sc);
	diag_release(&d);
}

/* 02:30 does not exist on 8 March in New York: it runs at 03:30 EDT; 01:30 on 1 November
 * happens twice: it runs once, at the first (EDT). */
static void test_cron_dst_edges(void **state)
{
	(void)state;
	struct scenario sc;
	struct diag d;
	const char *action =
	    "{\"Schedule\": \"cron(30 1,2 * * ? *)\", \"Timezone\": "
	    "\"America/New_York\", \"ScalableTargetAction\": {\"MinCapacity\": 1}}";
	assert_int_equal(load_actions("2026-03-08T00:00:00Z", "1d", action, &sc, &d), 0);
	assert_int_equal(sc.scaling.nactions, 2);
	assert_int_equal(sc.scaling.actions[0].at, 6 * SIM_HOUR + 30 * SIM_MIN); /* 01:30 EST */
	assert_int_equal(sc.scaling.actions[1].at, 7 * SIM_HOUR + 30 * SIM_MIN); /* 03:30 EDT */
	scenario_release(&sc);
	diag_release(&d);
	assert_int_equal(load_actions("2026-11-01T00:00:00Z", "1d", action, &sc, &d), 0);
	assert_int_equal(sc.scaling.nactions, 2);
	assert_int_equal(sc.scaling.actions[0].at, 5 * SIM_HOUR + 30 * SIM_MIN); /* 01:30 EDT */
	assert_int_equal(sc.scaling.actions[1].at, 7 * SIM_HOUR + 30 * SIM_MIN); /* 02:30 EST */
	scenario_release(&sc);
	diag_release(&d);
}

static void test_rate_at_and_order(void **state)
{
	(void)state;
	struct scenario sc;
	struct diag d;
	assert_int_equal(
	    load_actions("2026-01-05T00:00:00Z", "1d",
			 "{\"ScheduledActionName\": \"r\", \"Schedule\": \"rate(6 hours)\", "
			 "\"ScalableTargetAction\": {\"MaxCapacity\": 8}},"
			 "{\"ScheduledActionName\": \"paris\", \"Schedule\": "
			 "\"at(2026-01-05T13:00:00)\", \"Timezone\": \"Europe/Paris\", "
			 "\"ScalableTargetAction\": {\"MinCapacity\": 2}},"
			 "{\"ScheduledActionName\": \"noon\", \"Schedule\": "
			 "\"cron(0 12 * * ? *)\", \"ScalableTargetAction\": {\"MinCapacity\": 3}}",
			 &sc, &d),
	    0);
	/* rate: 0, 6, 12, 18 and 24 h (both ends of the run count) */
	assert_int_equal(sc.scaling.nactions, 7);
	assert_int_equal(sc.scaling.actions[0].at, 0);
	assert_int_equal(sc.scaling.actions[1].at, 6 * SIM_HOUR);
	/* 12:00 UTC twice: at(13:00 Paris) and the cron, in file order after the rate */
	assert_string_equal(sc.scaling.actions[2].name, "r");
	assert_string_equal(sc.scaling.actions[3].name, "paris");
	assert_int_equal(sc.scaling.actions[3].at, 12 * SIM_HOUR);
	assert_string_equal(sc.scaling.actions[4].name, "noon");
	assert_int_equal(sc.scaling.actions[4].at, 12 * SIM_HOUR);
	assert_int_equal(sc.scaling.actions[6].at, 24 * SIM_HOUR);
	scenario_release(&sc);
	diag_release(&d);
}

static void test_start_end_and_last_day(void **state)
{
	(void)state;
	struct scenario sc;
	struct diag d;
	assert_int_equal(load_actions("2026-01-05T00:00:00Z", "60d",
				      "{\"Schedule\": \"rate(1 day)\", \"StartTime\": "
				      "\"2026-01-06T06:30:00+01:00\", \"EndTime\": 1767916800, "
				      "\"ScalableTargetAction\": {\"MaxCapacity\": 8}},"
				      "{\"Schedule\": \"cron(30 23 L * ? 2026)\", "
				      "\"ScalableTargetAction\": {\"MaxCapacity\": 9}}",
				      &sc, &d),
			 0);
	/* rate from 2026-01-06T05:30Z to EndTime 2026-01-09T00:00Z: 6th, 7th, 8th */
	assert_int_equal(sc.scaling.nactions, 5);
	assert_int_equal(sc.scaling.actions[0].at, SIM_DAY + 5 * SIM_HOUR + 30 * SIM_MIN);
	assert_int_equal(sc.scaling.actions[2].at, 3 * SIM_DAY + 5 * SIM_HOUR + 30 * SIM_MIN);
	assert_string_equal(sc.scaling.actions[0].name, "scaling.ScheduledActions[0]");
	/* last day of January and of February */
	assert_int_equal(sc.scaling.actions[3].at, 26 * SIM_DAY + 23 * SIM_HOUR + 30 * SIM_MIN);
	assert_int_equal(sc.scaling.actions[4].at, 54 * SIM_DAY + 23 * SIM_HOUR + 30 * SIM_MIN);
	scenario_release(&sc);
	diag_release(&d);
}

static void expect_error(const char *actions, const char *needle)
{
	expect_error_in("7d", actions, needle);
}

static void test_bad_schedules(void **state)
{
	(void)state;
#define ACTION(s) "{\"Schedule\": \"" s "\", \"ScalableTargetAction\": {\"MinCapacity\": 2}}"
	expect_error(ACTION("cron(0 9 * * MON-FRI *)"),
		     "Day-of-month and Day-of-week cannot both be set");
	expect_error(ACTION("cron(0 25 ? * * *)"), "Hours field \"25\" is not valid");
	expect_error(ACTION("cron(0 9 ? * MON-FRI)"), "has 5 fields");
	expect_error(ACTION("cron(0 9 ? * 2#1 *)"), "Day-of-week field \"2#1\" is not valid");
	expect_error(ACTION("rate(5 minute)"), "is not a rate");
	expect_error(ACTION("rate(0 minutes)"), "is not a rate");
	expect_error(ACTION("at(2026-02-30T00:00:00)"), "is not a date and time");
	expect_error(ACTION("every day"), "is not a schedule (accepted: at(");
	expect_error_in("70d", ACTION("rate(1 minute)"), "runs more than 100000 times");
	expect_error("{\"Schedule\": \"rate(1 day)\", \"Timezone\": \"Mars/Olympus\", "
		     "\"ScalableTargetAction\": {\"MinCapacity\": 2}}",
		     "scaling.ScheduledActions[0].Timezone: \"Mars/Olympus\" is not a time zone");
	expect_error("{\"Schedule\": \"rate(1 day)\", \"StartTime\": \"soon\", "
		     "\"ScalableTargetAction\": {\"MinCapacity\": 2}}",
		     "scaling.ScheduledActions[0].StartTime: is not a time");
	expect_error("{\"Schedule\": \"rate(1 day)\", \"StartTime\": 1767916800, \"EndTime\": "
		     "1767830400, \"ScalableTargetAction\": {\"MinCapacity\": 2}}",
		     "EndTime: is before StartTime");
#undef ACTION
}

static void expect_policy_error(const char *policy, const char *needle)
{
	struct scenario sc;
	struct diag d;
	char *scaling = xasprintf("{\"MinCapacity\": 1, \"MaxCapacity\": 10, "
				  "\"ScalingPolicies\": [%s]}",
				  policy);
	assert_int_equal(load_scaling("2026-01-05T00:00:00Z", "1d", scaling, &sc, &d),
			 SPOTSIM_EINVAL);
	if (!has_message(&d, needle)) {
		diag_write(&d, stderr);
		fail_msg("no message containing: %s", needle);
	}
	free(scaling);
	scenario_release(&sc);
	diag_release(&d);
}

#define STEP_POLICY(type, steps, alarm)                                                            \
	"{\"PolicyName\": \"s\", \"PolicyType\": \"StepScaling\", "                                \
	"\"StepScalingPolicyConfiguration\": {\"AdjustmentType\": \"" type "\", "                  \
	"\"StepAdjustments\": [" steps "]}, \"Alarm\": {\"MetricName\": \"CPUUtilization\", "      \
	"\"Threshold\": 50, \"ComparisonOperator\": \"GreaterThanThreshold\"" alarm "}}"

static void test_bad_policies(void **state)
{
	(void)state;
	expect_policy_error(
	    STEP_POLICY("ChangeInCapacity",
			"{\"MetricIntervalLowerBound\": 0, \"MetricIntervalUpperBound\": 10, "
			"\"ScalingAdjustment\": 1}, {\"MetricIntervalLowerBound\": 5, "
			"\"ScalingAdjustment\": 2}",
			""),
	    "StepAdjustments: steps [0] (0 to 10) and [1] (5 to +inf) overlap");
	expect_policy_error(
	    STEP_POLICY("ChangeInCapacity",
			"{\"MetricIntervalLowerBound\": 0, \"MetricIntervalUpperBound\": 10, "
			"\"ScalingAdjustment\": 1}, {\"MetricIntervalLowerBound\": 15, "
			"\"ScalingAdjustment\": 2}",
			""),
	    "leave a gap from 10 to 15");
	expect_policy_error(STEP_POLICY("ChangeInCapacity",
					"{\"MetricIntervalUpperBound\": 0, \"ScalingAdjustment\": "
					"-1}, {\"MetricIntervalUpperBound\": 10, "
					"\"ScalingAdjustment\": 1}",
					""),
			    "2 steps have a null MetricIntervalLowerBound");
	expect_policy_error(
	    STEP_POLICY("ChangeInCapacity",
			"{\"MetricIntervalLowerBound\": 10, "
			"\"MetricIntervalUpperBound\": 10, \"ScalingAdjustment\": 1}",
			""),
	    "MetricIntervalLowerBound 10 is not below MetricIntervalUpperBound 10");
	expect_policy_error(
	    "{\"PolicyName\": \"s\", \"PolicyType\": \"StepScaling\", "
	    "\"StepScalingPolicyConfiguration\": {\"AdjustmentType\": \"ChangeInCapacity\", "
	    "\"MinAdjustmentMagnitude\": 2, \"StepAdjustments\": [{\"MetricIntervalLowerBound\": "
	    "0, \"ScalingAdjustment\": 1}]}, \"Alarm\": {\"MetricName\": \"CPUUtilization\", "
	    "\"Threshold\": 50, \"ComparisonOperator\": \"GreaterThanThreshold\"}}",
	    "MinAdjustmentMagnitude: is only valid with PercentChangeInCapacity");
	expect_policy_error(
	    STEP_POLICY("ChangeInCapacity",
			"{\"MetricIntervalLowerBound\": 0, \"ScalingAdjustment\": 1}",
			", \"Period\": 90"),
	    "Alarm.Period: 90 seconds is not a whole number of minutes");
	expect_policy_error(
	    STEP_POLICY("ChangeInCapacity",
			"{\"MetricIntervalLowerBound\": 0, \"ScalingAdjustment\": 1}",
			", \"EvaluationPeriods\": 2, \"DatapointsToAlarm\": 3"),
	    "Alarm.DatapointsToAlarm: 3 is above EvaluationPeriods 2");
	expect_policy_error(
	    STEP_POLICY("ExactCapacity",
			"{\"MetricIntervalLowerBound\": 0, \"ScalingAdjustment\": -1}", ""),
	    "StepAdjustments[0].ScalingAdjustment: -1 is not a capacity");
	expect_policy_error("{\"PolicyName\": \"t\", \"PolicyType\": \"TargetTrackingScaling\", "
			    "\"TargetTrackingScalingPolicyConfiguration\": {\"TargetValue\": 0, "
			    "\"PredefinedMetricSpecification\": {\"PredefinedMetricType\": "
			    "\"ECSServiceAverageCPUUtilization\"}}}",
			    "TargetValue: 0 is not a target");
}

static void test_policies_loaded(void **state)
{
	(void)state;
	struct scenario sc;
	struct diag d;
	assert_int_equal(
	    load_scaling("2026-01-05T00:00:00Z", "1d",
			 "{\"MinCapacity\": 2, \"MaxCapacity\": 20, \"ScalingPolicies\": ["
			 "{\"PolicyName\": \"q\", \"PolicyType\": \"TargetTrackingScaling\", "
			 "\"TargetTrackingScalingPolicyConfiguration\": {\"TargetValue\": 100, "
			 "\"CustomizedMetricSpecification\": {\"MetricName\": \"BacklogPerTask\", "
			 "\"Statistic\": \"Maximum\"}, \"ScaleOutCooldown\": 60, "
			 "\"DisableScaleIn\": true}},"
			 "{\"PolicyName\": \"s\", \"PolicyType\": \"StepScaling\", "
			 "\"StepScalingPolicyConfiguration\": {\"AdjustmentType\": "
			 "\"PercentChangeInCapacity\", \"MinAdjustmentMagnitude\": 2, "
			 "\"MetricAggregationType\": \"Maximum\", \"StepAdjustments\": ["
			 "{\"MetricIntervalUpperBound\": -10, \"ScalingAdjustment\": -30},"
			 "{\"MetricIntervalLowerBound\": -10, \"MetricIntervalUpperBound\": 0, "
			 "\"ScalingAdjustment\": -10}]}, \"Alarm\": {\"MetricName\": "
			 "\"MemoryUtilization\", \"Period\": 300, \"EvaluationPeriods\": 3, "
			 "\"Threshold\": 40, \"ComparisonOperator\": \"LessThanThreshold\", "
			 "\"Namespace\": \"AWS/ECS\"}}]}",
			 &sc, &d),
	    0);
	const struct scaling_config *c = &sc.scaling;
	assert_true(c->enabled);
	assert_int_equal(c->min_capacity, 2);
	assert_int_equal(c->npolicies, 2);
	const struct scaling_policy *q = &c->policies[0], *s = &c->policies[1];
	assert_int_equal(q->type, POLICY_TARGET_TRACKING);
	assert_int_equal(q->metric, METRIC_BACKLOG_PER_TASK);
	assert_int_equal(q->scale_out_cooldown, 60 * SIM_SEC);
	assert_int_equal(q->scale_in_cooldown, 300 * SIM_SEC);
	assert_true(q->disable_scale_in);
	assert_int_equal(q->high.statistic, STAT_MAXIMUM);
	assert_true(q->low.threshold == 90);
	assert_int_equal(s->type, POLICY_STEP);
	assert_true(s->has_alarm);
	assert_int_equal(s->alarm.metric, METRIC_MEMORY);
	assert_int_equal(s->alarm.period_minutes, 5);
	assert_int_equal(s->alarm.datapoints_to_alarm, 3);
	assert_int_equal(s->alarm.comparison, CMP_LT);
	assert_int_equal(s->adjustment_type, ADJUST_PERCENT);
	assert_int_equal(s->min_adjustment_magnitude, 2);
	assert_int_equal(s->aggregation, STAT_MAXIMUM);
	assert_int_equal(s->cooldown, 300 * SIM_SEC);
	assert_int_equal(s->nsteps, 2);
	assert_false(s->steps[0].has_lower);
	assert_true(s->steps[0].upper == -10);
	scenario_release(&sc);
	diag_release(&d);
}

/* ---- pasted AWS CLI output ---- */

static void same_alarm(const struct alarm_config *a, const struct alarm_config *b)
{
	assert_int_equal(a->metric, b->metric);
	assert_int_equal(a->statistic, b->statistic);
	assert_int_equal(a->period_minutes, b->period_minutes);
	assert_int_equal(a->evaluation_periods, b->evaluation_periods);
	assert_int_equal(a->datapoints_to_alarm, b->datapoints_to_alarm);
	assert_true(a->threshold == b->threshold);
	assert_int_equal(a->comparison, b->comparison);
}

static void same_policy(const struct scaling_policy *a, const struct scaling_policy *b)
{
	assert_string_equal(a->name, b->name);
	assert_int_equal(a->type, b->type);
	assert_true(a->target == b->target);
	assert_int_equal(a->metric, b->metric);
	assert_int_equal(a->scale_out_cooldown, b->scale_out_cooldown);
	assert_int_equal(a->scale_in_cooldown, b->scale_in_cooldown);
	assert_int_equal(a->disable_scale_in, b->disable_scale_in);
	same_alarm(&a->high, &b->high);
	same_alarm(&a->low, &b->low);
	assert_int_equal(a->has_alarm, b->has_alarm);
	same_alarm(&a->alarm, &b->alarm);
	assert_true(!a->alarm_name == !b->alarm_name);
	if (a->alarm_name)
		assert_string_equal(a->alarm_name, b->alarm_name);
	assert_int_equal(a->adjustment_type, b->adjustment_type);
	assert_int_equal(a->nsteps, b->nsteps);
	for (size_t i = 0; i < a->nsteps; i++)
		assert_memory_equal(&a->steps[i], &b->steps[i], sizeof(a->steps[i]));
	assert_int_equal(a->min_adjustment_magnitude, b->min_adjustment_magnitude);
	assert_int_equal(a->cooldown, b->cooldown);
	assert_int_equal(a->aggregation, b->aggregation);
}

/*
 * describe-services, describe-scalable-targets (two targets, one the
 * service's), describe-scaling-policies (a step policy naming its alarm) and
 * describe-alarms (a file with an unrelated RDS alarm too), pasted: the same
 * effective scenario as the service written by hand.
 */
static void test_pasted_equals_hand_written(void **state)
{
	(void)state;
	struct scenario a, b;
	struct diag d;
	diag_init(&d);
	assert_int_equal(scenario_load(&a, "tests/scaling/pasted.json", &d), 0);
	assert_int_equal(scenario_load(&b, "tests/scaling/hand-written.json", &d), 0);
	assert_int_equal(d.errors, 0);
	assert_int_equal(a.task.cpu_units, b.task.cpu_units);
	assert_int_equal(a.task.memory_mib, b.task.memory_mib);
	assert_int_equal(a.task.stop_timeout_s, b.task.stop_timeout_s);
	assert_int_equal(a.service.desired_count, b.service.desired_count);
	assert_int_equal(a.service.strategy.nr, b.service.strategy.nr);
	for (size_t i = 0; i < a.service.strategy.nr; i++) {
		const struct strategy_item *p = &a.service.strategy.items[i];
		const struct strategy_item *q = &b.service.strategy.items[i];
		/* describe-services prints "base": 0 where the hand-written file has none */
		assert_true(p->provider == q->provider && p->weight == q->weight &&
			    p->base == q->base);
	}
	const struct scaling_config *x = &a.scaling, *y = &b.scaling;
	assert_int_equal(x->min_capacity, 2);
	assert_int_equal(x->max_capacity, 20);
	assert_int_equal(x->min_capacity, y->min_capacity);
	assert_int_equal(x->max_capacity, y->max_capacity);
	assert_false(x->scale_in_suspended || x->scale_out_suspended || x->scheduled_suspended);
	assert_int_equal(x->npolicies, 2);
	assert_int_equal(x->npolicies, y->npolicies);
	for (size_t i = 0; i < x->npolicies; i++)
		same_policy(&x->policies[i], &y->policies[i]);
	assert_string_equal(x->policies[1].alarm_name, "checkout-cpu-high");
	assert_string_equal(a.scalable_target, "ScalableTargets[1] service/shop-prod/checkout-api");
	assert_null(b.scalable_target);
	scenario_release(&a);
	scenario_release(&b);
	diag_release(&d);
}

/* The service names itself in several ways; the target names an unnamed service. */
static void test_scalable_target_choice(void **state)
{
	(void)state;
	static const char *const services[] = {
	    "\"serviceArn\": \"arn:aws:ecs:eu-west-1:1:service/prod/api\"",
	    "\"serviceName\": \"api\", \"cluster\": \"prod\"",
	    "\"serviceName\": \"api\", \"cluster\": \"arn:aws:ecs:eu-west-1:1:cluster/prod\"",
	    "\"serviceName\": \"api\"",
	};
	for (size_t i = 0; i < sizeof(services) / sizeof(services[0]); i++) {
		char *text = xasprintf(
		    "{\"taskDefinition\": {\"cpu\": \"256\", \"memory\": \"512\"}, "
		    "\"service\": {%s, \"desiredCount\": 1, \"launchType\": \"FARGATE\"}, "
		    "\"scaling\": {\"ScalableTargets\": ["
		    "{\"ResourceId\": \"service/prod/web\", \"MinCapacity\": 1, \"MaxCapacity\": "
		    "2},"
		    "{\"ResourceId\": \"service/prod/api\", \"MinCapacity\": 3, \"MaxCapacity\": "
		    "7, "
		    "\"SuspendedState\": {\"DynamicScalingInSuspended\": true, "
		    "\"ScheduledScalingSuspended\": true}}]}}",
		    services[i]);
		char *path = json_temp(text);
		struct scenario sc;
		struct diag d;
		diag_init(&d);
		assert_int_equal(scenario_load(&sc, path, &d), 0);
		assert_int_equal(sc.scaling.min_capacity, 3);
		assert_int_equal(sc.scaling.max_capacity, 7);
		assert_true(sc.scaling.scale_in_suspended && sc.scaling.scheduled_suspended);
		assert_false(sc.scaling.scale_out_suspended);
		scenario_release(&sc);
		diag_release(&d);
		unlink(path);
		free(path);
		free(text);
	}

	/* one target and a service without names: the target is the service's, and a policy
	 * of another service is refused */
	struct scenario sc;
	struct diag d;
	assert_int_equal(
	    load_scaling("2026-01-05T00:00:00Z", "1d",
			 "{\"ScalableTargets\": [{\"ResourceId\": \"service/prod/api\", "
			 "\"MinCapacity\": 1, \"MaxCapacity\": 4}], "
			 "\"ScalingPolicies\": [{\"PolicyName\": \"web-cpu\", "
			 "\"ResourceId\": \"service/prod/web\", \"PolicyType\": "
			 "\"TargetTrackingScaling\", "
			 "\"TargetTrackingScalingPolicyConfiguration\": {\"TargetValue\": "
			 "50, \"PredefinedMetricSpecification\": {\"PredefinedMetricType\": "
			 "\"ECSServiceAverageCPUUtilization\"}}}]}",
			 &sc, &d),
	    SPOTSIM_EINVAL);
	assert_int_equal(d.errors, 1);
	assert_true(has_message(&d, "scaling.ScalingPolicies[0].ResourceId: \"service/prod/web\" "
				    "is another service's"));
	scenario_release(&sc);
	diag_release(&d);
}

/* A step policy's alarm found by its AlarmARN when the names differ; "Alarm" wins over "Alarms". */
static void test_alarm_lookup(void **state)
{
	(void)state;
	struct scenario sc;
	struct diag d;
	static const char step[] =
	    "\"PolicyType\": \"StepScaling\", \"StepScalingPolicyConfiguration\": "
	    "{\"AdjustmentType\": \"ChangeInCapacity\", \"StepAdjustments\": "
	    "[{\"MetricIntervalLowerBound\": 0, \"ScalingAdjustment\": 1}]}";
	char *scaling = xasprintf(
	    "{\"ScalingPolicies\": [{\"PolicyName\": \"by-arn\", %s, \"Alarms\": [{\"AlarmName\": "
	    "\"renamed\", \"AlarmARN\": \"arn:aws:cloudwatch:r:1:alarm:mem\"}]}, "
	    "{\"PolicyName\": \"inline\", %s, \"Alarms\": [{\"AlarmName\": \"missing\"}], "
	    "\"Alarm\": {\"MetricName\": \"CPUUtilization\", \"Threshold\": 75, "
	    "\"ComparisonOperator\": \"GreaterThanThreshold\"}}], "
	    "\"alarms\": {\"MetricAlarms\": [{\"AlarmName\": \"mem\", \"AlarmArn\": "
	    "\"arn:aws:cloudwatch:r:1:alarm:mem\", \"MetricName\": \"MemoryUtilization\", "
	    "\"Statistic\": \"Maximum\", \"Period\": 120, \"EvaluationPeriods\": 2, "
	    "\"Threshold\": 90, \"ComparisonOperator\": \"GreaterThanOrEqualToThreshold\"}]}}",
	    step, step);
	assert_int_equal(load_scaling("2026-01-05T00:00:00Z", "1d", scaling, &sc, &d), 0);
	const struct scaling_policy *p = &sc.scaling.policies[0], *q = &sc.scaling.policies[1];
	assert_true(p->has_alarm);
	assert_string_equal(p->alarm_name, "mem");
	assert_int_equal(p->alarm.metric, METRIC_MEMORY);
	assert_int_equal(p->alarm.statistic, STAT_MAXIMUM);
	assert_int_equal(p->alarm.period_minutes, 2);
	assert_true(p->alarm.threshold == 90);
	assert_true(q->has_alarm);
	assert_null(q->alarm_name);
	assert_int_equal(q->alarm.comparison, CMP_GT);
	scenario_release(&sc);
	diag_release(&d);
	free(scaling);
}

static void test_load_policy_file(void **state)
{
	(void)state;
	struct scaling_policy p;
	struct diag d;
	char *path =
	    json_temp("{\"ScalingPolicies\": [{\"PolicyName\": \"cpu\", "
		      "\"PolicyType\": \"TargetTrackingScaling\", \"PolicyARN\": \"x\", "
		      "\"TargetTrackingScalingPolicyConfiguration\": {\"TargetValue\": 60, "
		      "\"PredefinedMetricSpecification\": {\"PredefinedMetricType\": "
		      "\"ECSServiceAverageCPUUtilization\"}}}]}");
	diag_init(&d);
	assert_int_equal(scenario_load_policy(path, &p, &d), 0);
	assert_string_equal(p.name, "cpu");
	assert_true(p.high.threshold == 60);
	scaling_policy_release(&p);
	unlink(path);
	free(path);
	diag_release(&d);

	path = json_temp("{\"PolicyName\": \"p\", \"PolicyType\": \"PredictiveScaling\"}");
	diag_init(&d);
	assert_int_equal(scenario_load_policy(path, &p, &d), SPOTSIM_EINVAL);
	assert_true(has_message(&d, "PolicyType: unknown value \"PredictiveScaling\""));
	scaling_policy_release(&p);
	unlink(path);
	free(path);
	diag_release(&d);

	path = json_temp("{\"PolicyName\": \"p\",}");
	diag_init(&d);
	assert_int_equal(scenario_load_policy(path, &p, &d), SPOTSIM_ESYNTAX);
	scaling_policy_release(&p);
	unlink(path);
	free(path);
	diag_release(&d);
}

static void test_names(void **state)
{
	(void)state;
	enum metric_name m;
	enum comparison c;
	assert_true(scaling_metric_parse("CPUUtilization", &m) && m == METRIC_CPU);
	assert_true(scaling_metric_parse("ALBRequestCountPerTarget", &m) &&
		    m == METRIC_REQUESTS_PER_TARGET);
	assert_false(scaling_metric_parse("cpu", &m));
	assert_string_equal(scaling_metric_name(METRIC_BACKLOG_PER_TASK), "BacklogPerTask");
	assert_true(scaling_comparison_parse("LessThanOrEqualToThreshold", &c) && c == CMP_LE);
	assert_string_equal(scaling_alarm_state_name(ALARM_INSUFFICIENT_DATA), "INSUFFICIENT_DATA");
	scaler_free(NULL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_step_walkthrough),
	    cmocka_unit_test(test_step_bounds_at_threshold),
	    cmocka_unit_test(test_percent_rounding),
	    cmocka_unit_test(test_min_adjustment_magnitude_explained),
	    cmocka_unit_test(test_change_and_exact_capacity),
	    cmocka_unit_test(test_step_no_step_applies),
	    cmocka_unit_test(test_target_formula),
	    cmocka_unit_test(test_target_three_minutes_out),
	    cmocka_unit_test(test_target_interrupted_breach),
	    cmocka_unit_test(test_target_fifteen_minutes_in),
	    cmocka_unit_test(test_disable_scale_in),
	    cmocka_unit_test(test_scale_out_cooldown_adds_difference),
	    cmocka_unit_test(test_explain_off_changes_only_the_words),
	    cmocka_unit_test(test_scale_in_cooldown),
	    cmocka_unit_test(test_several_policies_largest_wins),
	    cmocka_unit_test(test_several_policies_out_any_in_all),
	    cmocka_unit_test(test_missing_data_never_scales),
	    cmocka_unit_test(test_scale_from_zero),
	    cmocka_unit_test(test_clamping_and_jumps),
	    cmocka_unit_test(test_settle),
	    cmocka_unit_test(test_scale_out_from_running),
	    cmocka_unit_test(test_coverage_template_bug),
	    cmocka_unit_test(test_coverage_edges),
	    cmocka_unit_test(test_no_step_adjustment_events),
	    cmocka_unit_test(test_alarm_periods_and_statistics),
	    cmocka_unit_test(test_weighted_average_period),
	    cmocka_unit_test(test_alarm_counts_match_recount),
	    cmocka_unit_test(test_scheduled_actions),
	    cmocka_unit_test(test_suspended_state),
	    cmocka_unit_test(test_cron_timezone_dst),
	    cmocka_unit_test(test_cron_dst_edges),
	    cmocka_unit_test(test_rate_at_and_order),
	    cmocka_unit_test(test_start_end_and_last_day),
	    cmocka_unit_test(test_bad_schedules),
	    cmocka_unit_test(test_bad_policies),
	    cmocka_unit_test(test_policies_loaded),
	    cmocka_unit_test(test_pasted_equals_hand_written),
	    cmocka_unit_test(test_scalable_target_choice),
	    cmocka_unit_test(test_alarm_lookup),
	    cmocka_unit_test(test_load_policy_file),
	    cmocka_unit_test(test_names),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
