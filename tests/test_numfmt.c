/*
 * Tests for numfmt: every result is compared with snprintf's, byte for
 * byte, on edge cases (zeros, infinities, NaNs, subnormals, powers of ten
 * and their neighbours, exact ties) and on millions of random doubles, for
 * the formats the CSV writers use (%.6g, %.10g, %.6f) and, more thinly,
 * for every other precision.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "spotsim/util/numfmt.h"

#include <float.h>
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#define RANDOM_DOUBLES 1000000

struct format {
	char conv;
	int prec;
};

/* What the CSV writers use. */
static const struct format used[] = {{'g', 6}, {'g', 10}, {'f', 6}};
#define NUSED (sizeof(used) / sizeof(used[0]))

static uint64_t rng_state = 0x9e3779b97f4a7c15u;

/* splitmix64: a fixed sequence, so a failure repeats. */
static uint64_t next_u64(void)
{
	uint64_t z = (rng_state += 0x9e3779b97f4a7c15u);
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9u;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebu;
	return z ^ (z >> 31);
}

static double next_unit(void)
{
	return (double)(next_u64() >> 11) * 0x1p-53;
}

static void check(double v, char conv, int prec)
{
	char want[NUMFMT_SIZE], got[NUMFMT_SIZE];
	int n = conv == 'g' ? snprintf(want, sizeof(want), "%.*g", prec, v)
			    : snprintf(want, sizeof(want), "%.*f", prec, v);
	size_t len = conv == 'g' ? numfmt_g(got, v, prec) : numfmt_f(got, v, prec);

	if (n < 0 || (size_t)n != len || strcmp(want, got) != 0) {
		print_error("%%.%d%c of %a: snprintf \"%s\", numfmt \"%s\" (length %zu)\n", prec,
			    conv, v, want, got, len);
		fail();
	}
}

static void check_used(double v)
{
	for (size_t i = 0; i < NUSED; i++)
		check(v, used[i].conv, used[i].prec);
}

/* v, -v and their neighbours. */
static void check_around(double v)
{
	check_used(v);
	check_used(-v);
	check_used(nextafter(v, INFINITY));
	check_used(nextafter(v, -INFINITY));
}

static void test_edge_cases(void **state)
{
	static const double values[] = {
	    0.0,	   1.0,
	    0.5,	   1.5,
	    2.5,	   0.125,
	    0.0000005,	   5e-7,
	    1e-7,	   4e-7,
	    4.5e-7,	   1e-6,
	    1.5e-6,	   2.5e-6,
	    1e-5,	   1e-4,
	    9.999995e-5,   0.0001,
	    0.001,	   0.1,
	    0.3,	   2.0 / 3,
	    999999.5,	   999999.4,
	    999998.5,	   9999995.0,
	    99999.95,	   123456.5,
	    1234565.0,	   1234575.0,
	    9999999999.5,  99999999995.0,
	    1e15,	   1e16,
	    1e17,	   1e18,
	    1e19,	   1.8e19,
	    1e21,	   1e22,
	    1e23,	   0x1p53,
	    0x1p63,	   0x1p64,
	    0x1p-1022,	   0x1p-1074,
	    DBL_MIN,	   DBL_MAX,
	    DBL_EPSILON,   3.14159265358979,
	    45.123456789,  0.000123456789,
	    1e-18,	   1e-19,
	    1e-22,	   1e-300,
	    1e300,	   12345678.9,
	    1.0 / 128,	   3.0 / 128,
	    0.0078125,	   0.0234375,
	    100.0,	   1000000.0,
	    10000000000.0, 99999.5,
	    9.5,	   0.95,
	    0.951,	   0.96,
	};
	(void)state;
	for (size_t i = 0; i < sizeof(values) / sizeof(values[0]); i++)
		check_around(values[i]);
	check_used(-0.0);
	check_used(INFINITY);
	check_used(-INFINITY);
	check_used(NAN);
	check_used(-NAN);
	for (int k = -30; k <= 30; k++) /* powers of ten, the exponent's edges */
		check_around(pow(10, k));
}

/*
 * Every magnitude alike. %f of a value beyond 1e20 is up to 300 digits and
 * slow to print both ways, so only one in eight of those is compared.
 */
static void test_random_bit_patterns(void **state)
{
	(void)state;
	for (int i = 0; i < RANDOM_DOUBLES; i++) {
		uint64_t bits = next_u64();
		double v;
		memcpy(&v, &bits, sizeof(v));
		for (size_t k = 0; k < NUSED; k++)
			if (used[k].conv == 'g' || !(fabs(v) > 1e20) || i % 8 == 0)
				check(v, used[k].conv, used[k].prec);
	}
}

/* Magnitudes a simulation writes: 1e-20 to 1e20, a few significant digits or many. */
static void test_random_everyday(void **state)
{
	(void)state;
	for (int i = 0; i < RANDOM_DOUBLES; i++) {
		double v = (1 + 9 * next_unit()) * pow(10, (int)(next_u64() % 41) - 20);
		if (i % 3 == 1)
			v = round(v * 1000) / 1000; /* few digits: 12.345, 0.5 */
		if (next_u64() & 1)
			v = -v;
		check_used(v);
	}
}

/* Exact ties at the rounding digit: binary fractions and integers ending in 5. */
static void test_exact_ties(void **state)
{
	(void)state;
	for (int i = 0; i < 200000; i++) {
		uint64_t n = next_u64();
		int j = (int)(n % 24);
		check_used((double)((n >> 11) % 100000000 * 2 + 1) / ldexp(1, j));
		check_used((double)((n >> 20) % 100000 + 1) / 128); /* ..5 at the 7th decimal */
		check_used((double)(((n >> 9) % 1000000000) * 10 + 5) * pow(10, (int)(n % 7)));
	}
}

static void test_every_precision(void **state)
{
	(void)state;
	for (int i = 0; i < 20000; i++) {
		uint64_t bits = next_u64();
		double wild, tame = (1 + 9 * next_unit()) * pow(10, (int)(next_u64() % 41) - 20);
		memcpy(&wild, &bits, sizeof(wild));
		for (int prec = 0; prec <= NUMFMT_PREC_MAX; prec++) {
			if (prec > 0) {
				check(wild, 'g', prec);
				check(tame, 'g', prec);
			}
			check(wild, 'f', prec);
			check(tame, 'f', prec);
			check(round(tame * 8) / 8, 'f', prec);
		}
	}
}

static void test_out_of_range_precision(void **state)
{
	(void)state;
	check(1.0 / 3, 'g', 0);
	check(1.0 / 3, 'g', 25);
	check(1.0 / 3, 'f', 25);
	check(-1e300, 'f', 20);
}

static void check_int(int64_t v)
{
	char want[32], got[NUMFMT_SIZE];
	snprintf(want, sizeof(want), "%" PRId64, v);
	assert_int_equal(numfmt_i64(got, v), strlen(want));
	assert_string_equal(got, want);
	snprintf(want, sizeof(want), "%" PRIu64, (uint64_t)v);
	assert_int_equal(numfmt_u64(got, (uint64_t)v), strlen(want));
	assert_string_equal(got, want);
}

static void test_integers(void **state)
{
	(void)state;
	check_int(0);
	check_int(-1);
	check_int(9);
	check_int(10);
	check_int(INT64_MAX);
	check_int(INT64_MIN);
	for (int i = 0; i < 100000; i++) {
		uint64_t r = next_u64();
		check_int((int64_t)(r >> (r % 64)));
		check_int(-(int64_t)(r >> (r % 63 + 1)));
	}
}

static void check_unsign(const char *in, const char *want)
{
	char buf[16];

	snprintf(buf, sizeof(buf), "%s", in);
	numfmt_unsign_zero(buf);
	assert_string_equal(buf, want);
}

/* A sign on a number that rounds to zero goes; any other text stays. */
static void test_unsign_zero(void **state)
{
	(void)state;
	check_unsign("-0.00", "0.00");
	check_unsign("+0.0", "0.0");
	check_unsign("-0", "0");
	check_unsign("-0.01", "-0.01");
	check_unsign("+1.0", "+1.0");
	check_unsign("-1e-05", "-1e-05");
	check_unsign("", "");
	check_unsign("0.00", "0.00");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_edge_cases),	    cmocka_unit_test(test_random_bit_patterns),
	    cmocka_unit_test(test_random_everyday), cmocka_unit_test(test_exact_ties),
	    cmocka_unit_test(test_every_precision), cmocka_unit_test(test_out_of_range_precision),
	    cmocka_unit_test(test_integers),	    cmocka_unit_test(test_unsign_zero),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
