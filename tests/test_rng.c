/*
 * test_rng — stream derivation (determinism, independence, common random
 * numbers) and the samplers' moments.
 *
 * Seeds are fixed, so every statistical check gives the same answer on
 * every run; tolerances are still at least six standard errors wide so
 * that a legitimate change of generator would not trip them.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include "spotsim/engine/rng.h"

#include <math.h>
#include <stdlib.h>

#define N 200000

static int setup(void **state)
{
	(void)state;
	rng_global_init();
	rng_global_init(); /* idempotent */
	return 0;
}

static void draw(struct rng *r, double *out, int n)
{
	for (int i = 0; i < n; i++)
		out[i] = rng_uniform(r);
}

static int same(const double *a, const double *b, int n)
{
	int k = 0;
	for (int i = 0; i < n; i++)
		k += a[i] == b[i];
	return k;
}

static void test_same_triple_same_sequence(void **state)
{
	struct rng a, b;
	double x[1000], y[1000];
	(void)state;

	rng_init(&a, 42, 3, RNG_STARTUP);
	rng_init(&b, 42, 3, RNG_STARTUP);
	draw(&a, x, 1000);
	draw(&b, y, 1000);
	assert_int_equal(same(x, y, 1000), 1000);
	assert_int_equal(a.key, b.key);
	rng_release(&a);
	rng_release(&b);
}

static void test_any_change_gives_another_stream(void **state)
{
	struct rng base, other;
	double x[1000], y[1000];
	const uint64_t triples[][3] = {
	    {42, 3, RNG_ARRIVALS}, /* another component */
	    {42, 4, RNG_STARTUP},  /* another replication */
	    {43, 3, RNG_STARTUP},  /* another seed */
	    {3, 42, RNG_STARTUP},  /* seed and replication swapped */
	};
	(void)state;

	rng_init(&base, 42, 3, RNG_STARTUP);
	draw(&base, x, 1000);
	for (size_t k = 0; k < sizeof(triples) / sizeof(triples[0]); k++) {
		rng_init(&other, triples[k][0], triples[k][1], (enum rng_component)triples[k][2]);
		draw(&other, y, 1000);
		assert_true(same(x, y, 1000) < 5);
		rng_release(&other);
	}
	rng_release(&base);
}

/* Common random numbers: a stream does not care what else was created or drawn. */
static void test_streams_independent_of_creation_order(void **state)
{
	struct rng a, b, c;
	double alone[500], mixed[500], junk[7];
	(void)state;

	rng_init(&a, 7, 0, RNG_INTERRUPTIONS);
	draw(&a, alone, 500);
	rng_release(&a);

	rng_init(&b, 7, 0, RNG_ARRIVALS);
	rng_init(&c, 7, 1, RNG_INTERRUPTIONS);
	draw(&b, junk, 7);
	rng_init(&a, 7, 0, RNG_INTERRUPTIONS);
	for (int i = 0; i < 500; i++) {
		mixed[i] = rng_uniform(&a);
		(void)rng_exponential(&b, 3);
		(void)rng_normal(&c, 0, 1);
	}
	assert_int_equal(same(alone, mixed, 500), 500);
	rng_release(&a);
	rng_release(&b);
	rng_release(&c);
}

static int compare_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
	return (x > y) - (x < y);
}

static void test_keys_distinct(void **state)
{
	enum {
		REPS = 2000
	};
	static uint64_t keys[REPS * RNG_COMPONENT_COUNT * 2];
	size_t n = 0;
	(void)state;

	for (uint64_t seed = 0; seed < 2; seed++)
		for (uint64_t rep = 0; rep < REPS; rep++)
			for (int c = 0; c < RNG_COMPONENT_COUNT; c++)
				keys[n++] = rng_stream_key(seed, rep, (enum rng_component)c);
	qsort(keys, n, sizeof(keys[0]), compare_u64);
	for (size_t i = 1; i < n; i++)
		assert_true(keys[i] != keys[i - 1]);
}

/*
 * The derivation is part of the output format: changing it changes every
 * result. These values pin it (they were checked against a separate
 * implementation of the derivation documented in rng.h and of
 * xoshiro256**); update them only on purpose.
 */
#define PINNED_KEY   0xee122ebc5bb94aaeULL
#define PINNED_FIRST 4387670427215517ULL /* first uniform, times 2^53 */

static void test_derivation_is_pinned(void **state)
{
	struct rng r;
	(void)state;

	assert_int_equal(rng_stream_key(42, 0, RNG_ARRIVALS), PINNED_KEY);
	rng_init(&r, 42, 0, RNG_ARRIVALS);
	assert_int_equal((uint64_t)(rng_uniform(&r) * 0x1p53), PINNED_FIRST);
	rng_release(&r);
}

static void test_streams_uncorrelated(void **state)
{
	struct rng a, b;
	double sx = 0, sy = 0, sxy = 0, sxx = 0, syy = 0;
	(void)state;

	rng_init(&a, 1, 0, RNG_ARRIVALS);
	rng_init(&b, 1, 0, RNG_SERVICE);
	for (int i = 0; i < N; i++) {
		double x = rng_uniform(&a), y = rng_uniform(&b);
		sx += x;
		sy += y;
		sxy += x * y;
		sxx += x * x;
		syy += y * y;
	}
	double cov = sxy / N - (sx / N) * (sy / N);
	double corr = cov / sqrt((sxx / N - sx * sx / N / N) * (syy / N - sy * sy / N / N));
	assert_true(fabs(corr) < 0.015); /* standard error 0.0022 */
	rng_release(&a);
	rng_release(&b);
}

static void test_uniform_open_interval(void **state)
{
	struct rng r;
	double sum = 0;
	(void)state;

	rng_init(&r, 5, 0, RNG_NOISE);
	for (int i = 0; i < N; i++) {
		double u = rng_uniform(&r);
		assert_true(u > 0 && u < 1);
		sum += u;
	}
	assert_true(fabs(sum / N - 0.5) < 0.005); /* se 0.00065 */
	rng_release(&r);
}

static void test_uniform_int(void **state)
{
	struct rng r;
	int count[7] = {0};
	(void)state;

	rng_init(&r, 5, 0, RNG_WAVES);
	for (int i = 0; i < 70000; i++) {
		uint32_t k = rng_uniform_int(&r, 7);
		assert_true(k < 7);
		count[k]++;
	}
	for (int k = 0; k < 7; k++)
		assert_true(abs(count[k] - 10000) < 600); /* sd 93 */
	assert_int_equal(rng_uniform_int(&r, 1), 0);
	rng_release(&r);
}

struct moments {
	double mean, sd;
};

static struct moments moments_of(struct rng *r, double (*f)(struct rng *, double, double), double a,
				 double b)
{
	double s = 0, ss = 0;
	for (int i = 0; i < N; i++) {
		double x = f(r, a, b);
		s += x;
		ss += x * x;
	}
	return (struct moments){s / N, sqrt(ss / N - (s / N) * (s / N))};
}

static double exponential2(struct rng *r, double mean, double unused)
{
	(void)unused;
	return rng_exponential(r, mean);
}

static void test_continuous_means(void **state)
{
	struct rng r;
	struct moments m;
	(void)state;

	rng_init(&r, 11, 2, RNG_JOB_SIZES);
	m = moments_of(&r, exponential2, 2.0, 0); /* mean 2, sd 2: se 0.0045 */
	assert_true(fabs(m.mean - 2.0) < 0.03);
	assert_true(fabs(m.sd - 2.0) < 0.05);

	m = moments_of(&r, rng_lognormal, 3.0, 0.5); /* mean 3.399, sd 1.812: se 0.004 */
	assert_true(fabs(m.mean - 3.0 * exp(0.125)) < 0.03);

	m = moments_of(&r, rng_weibull, 2.0, 1.5); /* mean 1.805, sd 1.227: se 0.003 */
	assert_true(fabs(m.mean - 2.0 * tgamma(1 + 1 / 1.5)) < 0.02);

	m = moments_of(&r, rng_normal, 5.0, 2.0); /* se 0.0045 */
	assert_true(fabs(m.mean - 5.0) < 0.03);
	assert_true(fabs(m.sd - 2.0) < 0.03);
	rng_release(&r);
}

static int compare_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return (x > y) - (x < y);
}

static void test_lognormal_median(void **state)
{
	static double x[N];
	struct rng r;
	(void)state;

	rng_init(&r, 12, 0, RNG_STARTUP);
	for (int i = 0; i < N; i++)
		x[i] = rng_lognormal(&r, 12.0, 0.3);
	qsort(x, N, sizeof(x[0]), compare_double);
	assert_true(fabs(x[N / 2] - 12.0) < 0.1); /* se of the median about 0.01 */
	assert_true(x[0] > 0);
	rng_release(&r);
}

static void test_discrete(void **state)
{
	struct rng r;
	double s = 0;
	int hits = 0;
	(void)state;

	rng_init(&r, 13, 0, RNG_CAPACITY);
	for (int i = 0; i < N; i++)
		s += rng_poisson(&r, 4.5);
	assert_true(fabs(s / N - 4.5) < 0.04); /* se 0.0047 */
	for (int i = 0; i < N; i++)
		hits += rng_bernoulli(&r, 0.3);
	assert_true(fabs((double)hits / N - 0.3) < 0.007); /* se 0.001 */
	assert_false(rng_bernoulli(&r, 0));
	assert_true(rng_bernoulli(&r, 1));
	assert_int_equal(rng_poisson(&r, 0), 0);
	assert_true(rng_exponential(&r, 0) == 0);
	rng_release(&r);
}

static void test_release_twice(void **state)
{
	struct rng r = {0};
	(void)state;

	rng_release(&r); /* zeroed: fine */
	rng_init(&r, 1, 1, RNG_SERVICE);
	rng_release(&r);
	rng_release(&r);
	assert_null(r.gen);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_same_triple_same_sequence),
	    cmocka_unit_test(test_any_change_gives_another_stream),
	    cmocka_unit_test(test_streams_independent_of_creation_order),
	    cmocka_unit_test(test_keys_distinct),
	    cmocka_unit_test(test_derivation_is_pinned),
	    cmocka_unit_test(test_streams_uncorrelated),
	    cmocka_unit_test(test_uniform_open_interval),
	    cmocka_unit_test(test_uniform_int),
	    cmocka_unit_test(test_continuous_means),
	    cmocka_unit_test(test_lognormal_median),
	    cmocka_unit_test(test_discrete),
	    cmocka_unit_test(test_release_twice),
	};
	return cmocka_run_group_tests_name("rng", tests, setup, NULL);
}
