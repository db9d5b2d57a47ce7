/*
 * Tests of the bounded ("honest") intervals of stats: a fraction's interval
 * stays in [0, 1] where the plain t interval leaves it, a count's lower
 * bound is not negative, 0/1 indicators get the Wilson score interval (the
 * values computed by hand from its formula), and paired differences of
 * fractions stay in [-1, 1]; and printed values lose their floating noise.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "spotsim/experiment/replication.h"
#include "spotsim/experiment/stats.h"
#include "spotsim/util/numfmt.h"

#include <math.h>
#include <string.h>

static void check_near(double got, double want, double tol, const char *what)
{
	if (!(fabs(got - want) <= tol))
		fail_msg("%s: got %.17g, want %.17g (tolerance %g)", what, got, want, tol);
}

/* Availability 1.0 in 29 of 30 replications and 0.99 in one. */
static void test_fraction_upper_bound_at_most_one(void **state)
{
	double v[30];
	struct metric_summary t, s;

	(void)state;
	for (int i = 0; i < 30; i++)
		v[i] = i == 17 ? 0.99 : 1.0;
	stats_summarize(v, 30, &t);
	assert_true(t.ci95_high > 1); /* the plain t interval leaves [0, 1]: 1.000348 */
	stats_summarize_scaled(v, 30, STATS_FRACTION, &s);
	check_near(s.mean, 0.99966666666666666, 1e-15, "mean");
	assert_true(s.ci95_high <= 1);
	assert_true(s.ci95_low >= 0);
	assert_true(s.ci95_low <= s.mean && s.mean <= s.ci95_high);
	/* logit(m) -/+ t(0.975, 29) sd / sqrt(30) / (m (1 - m)), mapped back */
	check_near(s.ci95_low, 0.9974270414114116, 1e-12, "logit low");
	check_near(s.ci95_high, 0.9999569000573849, 1e-12, "logit high");
	check_near(s.sd, t.sd, 0, "sd unchanged");
}

/* Counts with a mean near 0: 28 zeros, a 1 and a 2. */
static void test_count_lower_bound_not_negative(void **state)
{
	double v[30] = {0};
	struct metric_summary t, s;

	(void)state;
	v[3] = 1;
	v[20] = 2;
	stats_summarize(v, 30, &t);
	assert_true(t.ci95_low < 0);
	stats_summarize_scaled(v, 30, STATS_NONNEGATIVE, &s);
	check_near(s.ci95_low, 0, 0, "clipped low");
	check_near(s.ci95_high, t.ci95_high, 0, "high unchanged");
	check_near(s.mean, 0.1, 1e-15, "mean");
}

/* 0/1 indicators: the Wilson score interval, also when every replication agrees. */
static void test_wilson_for_indicators(void **state)
{
	double v[30] = {0};
	struct metric_summary s;

	(void)state;
	stats_summarize_scaled(v, 30, STATS_PROBABILITY, &s);
	check_near(s.ci95_low, 0, 0, "0 of 30 low");
	check_near(s.ci95_high, 0.11351339317396873, 1e-12, "0 of 30 high");
	v[0] = v[10] = v[29] = 1;
	stats_summarize_scaled(v, 30, STATS_PROBABILITY, &s);
	check_near(s.ci95_low, 0.03459988874733419, 1e-12, "3 of 30 low");
	check_near(s.ci95_high, 0.25621082579184085, 1e-12, "3 of 30 high");
	for (int i = 0; i < 30; i++)
		v[i] = 1;
	stats_summarize_scaled(v, 30, STATS_PROBABILITY, &s);
	check_near(s.ci95_low, 0.8864866068260314, 1e-12, "30 of 30 low");
	check_near(s.ci95_high, 1, 0, "30 of 30 high");
}

/*
 * A share every replication measured alike keeps its empty interval, 0 and 1 included (a
 * plan used in full in each replication is not a proportion of replications); one value has
 * none.
 */
static void test_fraction_constant_at_bounds(void **state)
{
	double one[30], zero[30] = {0};
	struct metric_summary s;

	(void)state;
	for (int i = 0; i < 30; i++)
		one[i] = 1;
	stats_summarize_scaled(one, 30, STATS_FRACTION, &s);
	check_near(s.ci95_low, 1, 0, "all 1 low");
	check_near(s.ci95_high, 1, 0, "all 1 high");
	stats_summarize_scaled(zero, 30, STATS_FRACTION, &s);
	check_near(s.ci95_low, 0, 0, "all 0 low");
	check_near(s.ci95_high, 0, 0, "all 0 high");
}

/* A constant fraction other than 0 or 1 keeps its empty interval; one value has none. */
static void test_fraction_constant_and_single(void **state)
{
	double v[5] = {0.25, 0.25, 0.25, 0.25, 0.25};
	struct metric_summary s;

	(void)state;
	stats_summarize_scaled(v, 5, STATS_FRACTION, &s);
	check_near(s.ci95_low, 0.25, 0, "constant low");
	check_near(s.ci95_high, 0.25, 0, "constant high");
	stats_summarize_scaled(v, 1, STATS_FRACTION, &s);
	assert_true(isnan(s.ci95_low) && isnan(s.ci95_high));
}

/* Differences of fractions stay in [-1, 1]; of other metrics they keep the t interval. */
static void test_paired_fraction_difference(void **state)
{
	double x[2] = {1, 0}, y[2] = {0, 1};
	struct metric_summary s;

	(void)state;
	stats_paired_scaled(x, y, 2, STATS_FRACTION, &s);
	check_near(s.ci95_low, -1, 0, "low");
	check_near(s.ci95_high, 1, 0, "high");
	stats_paired_scaled(x, y, 2, STATS_NONNEGATIVE, &s);
	assert_true(s.ci95_low < -1 && s.ci95_high > 1); /* a difference may be negative */
}

/* The scale of a metric as run_metric_defs gives it (its unit, and whether it may be below 0). */
static enum stats_scale scale_of(const char *name)
{
	for (const struct metric_def *def = run_metric_defs; def->name; def++)
		if (!strcmp(def->name, name))
			return stats_scale_of(def->unit, def->signed_value);
	fail_msg("no metric %s", name);
	return STATS_REAL;
}

static void test_scale_of_metrics(void **state)
{
	(void)state;
	assert_int_equal(scale_of("availability"), STATS_FRACTION);
	assert_int_equal(scale_of("slo_breach"), STATS_PROBABILITY);
	assert_int_equal(scale_of("cost_usd"), STATS_NONNEGATIVE);
	assert_int_equal(scale_of("interruptions"), STATS_NONNEGATIVE);
	assert_int_equal(scale_of("lost_work_hours"), STATS_NONNEGATIVE);
	assert_int_equal(scale_of("savings_vs_on_demand_pct"), STATS_REAL);
	assert_int_equal(scale_of("deployment_extra_cost_usd"), STATS_REAL);
}

/* Printed values: floating noise is 0, -0 is 0, real values stay. */
static void test_denoise(void **state)
{
	(void)state;
	assert_true(numfmt_denoise(-2.8e-14, 1) == 0);
	assert_false(signbit(numfmt_denoise(-0.0, 1)));
	assert_false(signbit(numfmt_denoise(-2.8e-14, 0)));
	assert_true(numfmt_denoise(5e-7, 1000) == 0); /* below 1e-9 of the scale */
	assert_true(numfmt_denoise(5e-7, 1) == 5e-7);
	assert_true(numfmt_denoise(-0.25, 0.1) == -0.25);
	assert_true(isnan(numfmt_denoise(NAN, 1)));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_fraction_upper_bound_at_most_one),
	    cmocka_unit_test(test_count_lower_bound_not_negative),
	    cmocka_unit_test(test_wilson_for_indicators),
	    cmocka_unit_test(test_fraction_constant_and_single),
	    cmocka_unit_test(test_fraction_constant_at_bounds),
	    cmocka_unit_test(test_paired_fraction_difference),
	    cmocka_unit_test(test_scale_of_metrics),
	    cmocka_unit_test(test_denoise),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
