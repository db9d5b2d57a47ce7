/*
 * test_timehist — the durations histogram: exact below 256 us and at the
 * ends, within 0.4 % of the exact sample quantile elsewhere, bounded
 * range, reset, edges (empty, q out of range, negative and huge values).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "spotsim/engine/rng.h"
#include "spotsim/engine/timehist.h"
#include "spotsim/util/xalloc.h"

#include <math.h>
#include <stdlib.h>

static int by_value(const void *a, const void *b)
{
	sim_time x = *(const sim_time *)a, y = *(const sim_time *)b;
	return (x > y) - (x < y);
}

/* The k-th smallest, k = ceil(q n) (at least 1), of sorted values. */
static sim_time exact_quantile(const sim_time *sorted, size_t n, double q)
{
	size_t k = (size_t)ceil(q * (double)n - 1e-9);
	return sorted[k ? k - 1 : 0];
}

static void test_empty_and_bad_q(void **state)
{
	struct timehist h;
	(void)state;
	timehist_init(&h);
	assert_int_equal(timehist_quantile(&h, 0.5), -1);
	timehist_add(&h, 10);
	assert_int_equal(timehist_quantile(&h, -0.1), -1);
	assert_int_equal(timehist_quantile(&h, 1.5), -1);
	assert_int_equal(timehist_quantile(&h, NAN), -1);
	assert_int_equal(timehist_count(&h), 1);
	timehist_release(&h);
	timehist_release(&h); /* twice is fine */
}

static void test_small_values_exact(void **state)
{
	struct timehist h;
	(void)state;
	timehist_init(&h);
	for (sim_time v = 0; v < 200; v++)
		timehist_add(&h, v);
	/* 200 values 0..199: the k-th smallest is k - 1 */
	assert_int_equal(timehist_quantile(&h, 0.5), 99);
	assert_int_equal(timehist_quantile(&h, 0.95), 189);
	assert_int_equal(timehist_quantile(&h, 0), 0);
	assert_int_equal(timehist_quantile(&h, 1), 199);
	timehist_release(&h);
}

static void test_equal_values_exact(void **state)
{
	struct timehist h;
	(void)state;
	timehist_init(&h);
	for (int i = 0; i < 1000; i++)
		timehist_add(&h, 123456789);
	assert_int_equal(timehist_quantile(&h, 0.5), 123456789);
	assert_int_equal(timehist_quantile(&h, 0.99), 123456789);
	timehist_release(&h);
}

/* Log-uniform values from 1 us to 1e11 us against the sorted sample. */
static void test_relative_error_bound(void **state)
{
	enum {
		N = 100000
	};
	static const double qs[] = {0, 0.001, 0.1, 0.25, 0.5, 0.9, 0.95, 0.99, 0.999, 1};
	sim_time *v = xmalloc(N * sizeof(*v));
	struct timehist h;
	struct rng r;
	(void)state;
	timehist_init(&h);
	rng_init(&r, 7, 0, RNG_ARRIVALS);
	for (int i = 0; i < N; i++) {
		v[i] = (sim_time)exp(rng_uniform(&r) * log(1e11));
		timehist_add(&h, v[i]);
	}
	qsort(v, N, sizeof(*v), by_value);
	double worst = 0;
	for (size_t i = 0; i < sizeof(qs) / sizeof(qs[0]); i++) {
		sim_time exact = exact_quantile(v, N, qs[i]), got = timehist_quantile(&h, qs[i]);
		double err = fabs((double)(got - exact)) / (double)exact;
		worst = err > worst ? err : worst;
	}
	assert_true(worst <= 1.0 / 256);
	assert_int_equal(timehist_quantile(&h, 0), v[0]);
	assert_int_equal(timehist_quantile(&h, 1), v[N - 1]);
	rng_release(&r);
	timehist_release(&h);
	free(v);
}

/* Every value's own bucket middle is within 1/256 of it (a sweep over the octaves). */
static void test_every_octave(void **state)
{
	struct timehist h;
	(void)state;
	timehist_init(&h);
	for (sim_time v = 257; v < ((sim_time)1 << 46); v = v * 3 / 2 + 1) {
		timehist_reset(&h);
		timehist_add(&h, 1); /* so the clamp to min/max does not hide the middle */
		timehist_add(&h, v);
		timehist_add(&h, (sim_time)1 << 50);
		sim_time got = timehist_quantile(&h, 0.5);
		assert_true(fabs((double)(got - v)) <= (double)v / 256);
	}
	timehist_release(&h);
}

static void test_reset_negative_and_huge(void **state)
{
	struct timehist h;
	(void)state;
	timehist_init(&h);
	timehist_add(&h, -5);
	assert_int_equal(timehist_quantile(&h, 1), 0);
	timehist_add(&h, SIM_TIME_MAX);
	assert_int_equal(timehist_quantile(&h, 1), SIM_TIME_MAX);
	timehist_reset(&h);
	assert_int_equal(timehist_count(&h), 0);
	assert_int_equal(timehist_quantile(&h, 0.5), -1);
	timehist_add(&h, 1000);
	assert_int_equal(timehist_quantile(&h, 0.5), 1000);
	timehist_release(&h);
}

int main(void)
{
	rng_global_init();
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_empty_and_bad_q),
	    cmocka_unit_test(test_small_values_exact),
	    cmocka_unit_test(test_equal_values_exact),
	    cmocka_unit_test(test_relative_error_bound),
	    cmocka_unit_test(test_every_octave),
	    cmocka_unit_test(test_reset_negative_and_huge),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
