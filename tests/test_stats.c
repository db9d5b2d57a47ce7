/*
 * Tests of stats: summaries across replications against values computed by
 * hand (the t quantiles from the closed-form t CDF), by failure mode: NAN values
 * that must be ignored, n = 0 and n = 1, constant samples, inputs that must
 * not be reordered, paired against unpaired intervals, and the 1/sqrt(n)
 * shrinking of the interval.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "spotsim/engine/rng.h"
#include "spotsim/experiment/stats.h"

#include <math.h>
#include <string.h>

static void check_near(double got, double want, double tol, const char *what)
{
	if (!(fabs(got - want) <= tol))
		fail_msg("%s: got %.17g, want %.17g (tolerance %g)", what, got, want, tol);
}

static void assert_all_nan(const struct metric_summary *s)
{
	assert_true(isnan(s->mean));
	assert_true(isnan(s->sd));
	assert_true(isnan(s->ci95_low));
	assert_true(isnan(s->ci95_high));
	assert_true(isnan(s->min));
	assert_true(isnan(s->p05));
	assert_true(isnan(s->p50));
	assert_true(isnan(s->p95));
	assert_true(isnan(s->max));
}

/* 1..10 shuffled, so that the order statistics cannot come from the input order */
static const double one_to_ten[10] = {7, 3, 10, 1, 5, 9, 2, 8, 6, 4};

/* --- known values ------------------------------------------------------------------ */

static void test_t_quantiles(void **state)
{
	(void)state;
	/*
	 * For odd dof the t CDF has a closed form (a finite sum in atan(t / sqrt(dof))):
	 * it puts t(0.975, 9) at 2.26215716279820, where the often-quoted
	 * 2.2621571627409915 gives P = 0.975 - 2.3e-12.
	 */
	check_near(stats_t975(9), 2.2621571627982053, 1e-13, "t(0.975, 9)");
	check_near(stats_t975(1), 12.706204736174707, 1e-9, "t(0.975, 1)");
	check_near(stats_t975(29), 2.0452296421327034, 1e-12, "t(0.975, 29)");
	check_near(stats_t975(100000), 1.959987, 1e-5, "t(0.975, 1e5)");
	assert_true(isnan(stats_t975(0)));
	assert_true(isnan(stats_t975(-3)));
}

static void test_one_to_ten(void **state)
{
	struct metric_summary s;
	double copy[10];

	(void)state;
	memcpy(copy, one_to_ten, sizeof(copy));
	stats_summarize(copy, 10, &s);
	assert_memory_equal(copy, one_to_ten, sizeof(copy)); /* not reordered */
	assert_int_equal(s.n, 10);
	check_near(s.mean, 5.5, 1e-15, "mean");
	check_near(s.sd, 3.0276503540974917, 1e-14, "sd");
	check_near(s.ci95_low, 5.5 - 2.1658505896681692, 1e-12, "ci95_low");
	check_near(s.ci95_high, 5.5 + 2.1658505896681692, 1e-12, "ci95_high");
	check_near(s.min, 1, 0, "min");
	check_near(s.max, 10, 0, "max");
	check_near(s.p05, 1.45, 1e-14, "p05");
	check_near(s.p50, 5.5, 1e-14, "p50");
	check_near(s.p95, 9.55, 1e-14, "p95");
}

static void test_interval_is_symmetric_and_contains_mean(void **state)
{
	const double x[] = {0.25, -4, 17.5, 3, 3, 8};
	struct metric_summary s;

	(void)state;
	stats_summarize(x, 6, &s);
	check_near(s.mean - s.ci95_low, s.ci95_high - s.mean, 1e-12, "symmetry");
	check_near((s.ci95_high - s.ci95_low) / 2, stats_t975(5) * s.sd / sqrt(6), 1e-12,
		   "half-width");
	assert_true(s.min == -4 && s.max == 17.5);
}

/* --- NAN, n = 0, n = 1 ------------------------------------------------------------- */

static void test_nan_ignored(void **state)
{
	double x[13];
	struct metric_summary with, without;

	(void)state;
	x[0] = NAN;
	memcpy(x + 1, one_to_ten, 5 * sizeof(double));
	x[6] = NAN;
	memcpy(x + 7, one_to_ten + 5, 5 * sizeof(double));
	x[12] = NAN;
	stats_summarize(x, 13, &with);
	stats_summarize(one_to_ten, 10, &without);
	assert_int_equal(with.n, 10);
	assert_memory_equal(&with, &without, sizeof(with));
}

static void test_empty_and_all_nan(void **state)
{
	const double nans[3] = {NAN, NAN, NAN};
	struct metric_summary s;

	(void)state;
	memset(&s, 0, sizeof(s));
	stats_summarize(NULL, 0, &s);
	assert_int_equal(s.n, 0);
	assert_all_nan(&s);
	s.n = 99;
	stats_summarize(nans, 3, &s);
	assert_int_equal(s.n, 0);
	assert_all_nan(&s);
}

static void test_single_value(void **state)
{
	const double x[] = {NAN, 42.5};
	struct metric_summary s;

	(void)state;
	stats_summarize(x, 2, &s);
	assert_int_equal(s.n, 1);
	check_near(s.mean, 42.5, 0, "mean");
	assert_true(isnan(s.sd));
	assert_true(isnan(s.ci95_low));
	assert_true(isnan(s.ci95_high));
	assert_true(s.min == 42.5 && s.p05 == 42.5 && s.p50 == 42.5 && s.p95 == 42.5 &&
		    s.max == 42.5);
}

static void test_constant_sample(void **state)
{
	const double x[] = {0.1, 0.1, 0.1, 0.1};
	struct metric_summary s;

	(void)state;
	stats_summarize(x, 4, &s);
	check_near(s.sd, 0, 1e-15, "sd");
	check_near(s.ci95_low, 0.1, 1e-15, "ci95_low");
	check_near(s.ci95_high, 0.1, 1e-15, "ci95_high");
}

/* --- paired and unpaired ----------------------------------------------------------- */

static void test_paired_known_values(void **state)
{
	const double x[] = {11, 12, NAN, 14, 15};
	const double y[] = {10, 10, 10, 10, NAN};
	struct metric_summary s;

	(void)state;
	/* differences 1, 2, 4: mean 7/3, sd sqrt(7/3) */
	stats_paired(x, y, 5, &s);
	assert_int_equal(s.n, 3);
	check_near(s.mean, 7.0 / 3, 1e-14, "mean");
	check_near(s.sd, sqrt(7.0 / 3), 1e-14, "sd");
	check_near(s.ci95_high - s.mean, stats_t975(2) * sqrt(7.0 / 3) / sqrt(3), 1e-12,
		   "half-width");
	check_near(s.min, 1, 0, "min");
	check_near(s.max, 4, 0, "max");
	check_near(s.p50, 2, 0, "p50");
}

static void test_paired_edge_cases(void **state)
{
	const double x[] = {5, NAN};
	const double y[] = {NAN, 3};
	const double one_x[] = {5}, one_y[] = {3};
	struct metric_summary s;

	(void)state;
	stats_paired(x, y, 2, &s); /* no replication has both */
	assert_int_equal(s.n, 0);
	assert_all_nan(&s);
	stats_paired(NULL, NULL, 0, &s);
	assert_int_equal(s.n, 0);
	stats_paired(one_x, one_y, 1, &s);
	assert_int_equal(s.n, 1);
	check_near(s.mean, 2, 0, "mean");
	assert_true(isnan(s.ci95_low) && isnan(s.sd));
}

/*
 * Common random numbers: both configurations see the same large replication
 * effect c[k] (the load, the interruptions), and differ by a small amount.
 * The paired interval sees only the small noise; the unpaired one the whole
 * spread of c.
 */
static void test_paired_narrower_than_unpaired(void **state)
{
	enum {
		N = 20
	};
	double x[N], y[N];
	struct metric_summary p;
	double unpaired;

	(void)state;
	for (int k = 0; k < N; k++) {
		double common = 100 * sin(k * 1.7) + 500;
		x[k] = common + 3 + 0.1 * cos(k * 2.3);
		y[k] = common + 0.1 * sin(k * 0.9);
	}
	stats_paired(x, y, N, &p);
	unpaired = stats_unpaired_halfwidth(x, N, y, N);
	check_near(p.mean, 3, 0.1, "mean difference");
	assert_true(p.ci95_high - p.mean < 0.1);
	assert_true(unpaired > 20 * (p.ci95_high - p.mean));
	/* and the unpaired interval does not exclude 0: only pairing shows the difference */
	assert_true(unpaired > fabs(p.mean));
	assert_true(p.ci95_low > 0);
}

static void test_unpaired_known_values(void **state)
{
	const double x[] = {1, 2, 3, NAN}; /* variance 1 */
	const double y[] = {2, 4, 6};	   /* variance 4 */
	const double one[] = {1};
	const double flat[] = {2, 2};
	double se = sqrt(1.0 / 3 + 4.0 / 3);
	/* Welch dof = se^4 / ((1/3)^2/2 + (4/3)^2/2) = (25/9) / (17/18) = 50/17 */
	double want = 0;

	(void)state;
	check_near(stats_unpaired_halfwidth(x, 4, y, 3), stats_unpaired_halfwidth(y, 3, x, 4),
		   1e-15, "symmetric");
	/* t(0.975, 50/17) lies between t(0.975, 3) = 3.182446 and t(0.975, 2) = 4.302653 */
	want = stats_unpaired_halfwidth(x, 4, y, 3) / se;
	assert_true(want > 3.182446 && want < 4.302653);
	check_near(want, 3.2187586, 1e-6, "t(0.975, 50/17)");
	assert_true(isnan(stats_unpaired_halfwidth(one, 1, y, 3)));
	assert_true(isnan(stats_unpaired_halfwidth(x, 4, NULL, 0)));
	check_near(stats_unpaired_halfwidth(flat, 2, flat, 2), 0, 0, "constant samples");
}

/* --- the interval shrinks as 1/sqrt(n) --------------------------------------------- */

static void test_halfwidth_shrinks_with_n(void **state)
{
	enum {
		N = 40
	};
	double x[N];
	struct metric_summary s10, s40;
	struct rng r;
	double ratio;

	(void)state;
	rng_global_init();
	rng_init_key(&r, 20260105);
	for (int i = 0; i < N; i++)
		x[i] = rng_normal(&r, 100, 15);
	rng_release(&r);
	stats_summarize(x, 10, &s10);
	stats_summarize(x, N, &s40);
	ratio = (s10.ci95_high - s10.mean) / (s40.ci95_high - s40.mean);
	/* sqrt(40 / 10) = 2, times t(9) / t(39) = 1.12, times the ratio of the two sd */
	if (!(ratio > 1.6 && ratio < 2.5))
		fail_msg("half-width ratio n=10 / n=40: %g, want about 2", ratio);
	assert_true(s40.ci95_low < 100 && 100 < s40.ci95_high);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_t_quantiles),
	    cmocka_unit_test(test_one_to_ten),
	    cmocka_unit_test(test_interval_is_symmetric_and_contains_mean),
	    cmocka_unit_test(test_nan_ignored),
	    cmocka_unit_test(test_empty_and_all_nan),
	    cmocka_unit_test(test_single_value),
	    cmocka_unit_test(test_constant_sample),
	    cmocka_unit_test(test_paired_known_values),
	    cmocka_unit_test(test_paired_edge_cases),
	    cmocka_unit_test(test_paired_narrower_than_unpaired),
	    cmocka_unit_test(test_unpaired_known_values),
	    cmocka_unit_test(test_halfwidth_shrinks_with_n),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
