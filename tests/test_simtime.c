/* Tests for simtime: duration text and the billing round-up. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "spotsim/util/error.h"
#include "spotsim/engine/simtime.h"

#include <string.h>

static void expect(const char *text, sim_time want)
{
	sim_time t = -1;
	assert_int_equal(simtime_parse(text, &t), 0);
	assert_int_equal(t, want);
}

static void test_units(void **state)
{
	(void)state;
	expect("90", 90 * SIM_SEC);
	expect("90s", 90 * SIM_SEC);
	expect("40ms", 40 * SIM_MSEC);
	expect("250us", 250);
	expect("5m", 5 * SIM_MIN);
	expect("2h", 2 * SIM_HOUR);
	expect("7d", 7 * SIM_DAY);
	expect("1w", 7 * SIM_DAY);
	expect("1.5h", 90 * SIM_MIN);
	expect("0.1s", 100 * SIM_MSEC);
	expect("1h30m", 90 * SIM_MIN);
	expect(" 1h 30m ", 90 * SIM_MIN);
	expect("0", 0);
}

static void test_clock_forms(void **state)
{
	(void)state;
	expect("2d 02:00", 2 * SIM_DAY + 2 * SIM_HOUR);
	expect("14:30", 14 * SIM_HOUR + 30 * SIM_MIN);
	expect("1d 12:30:15", SIM_DAY + 12 * SIM_HOUR + 30 * SIM_MIN + 15 * SIM_SEC);
}

static void test_errors(void **state)
{
	(void)state;
	sim_time t;
	assert_int_equal(simtime_parse("", &t), SPOTSIM_ESYNTAX);
	assert_int_equal(simtime_parse("abc", &t), SPOTSIM_ESYNTAX);
	assert_int_equal(simtime_parse("5 parsecs", &t), SPOTSIM_ESYNTAX);
	assert_int_equal(simtime_parse("1 2", &t), SPOTSIM_ESYNTAX);
	assert_int_equal(simtime_parse("5x", &t), SPOTSIM_ESYNTAX);
	assert_int_equal(simtime_parse("-5s", &t), SPOTSIM_ERANGE);
	assert_int_equal(simtime_parse("1e300d", &t), SPOTSIM_ERANGE);
	assert_int_equal(simtime_parse("inf", &t), SPOTSIM_ERANGE);
	assert_int_equal(simtime_parse("12:75", &t), SPOTSIM_ESYNTAX);
	assert_int_equal(simtime_from_seconds(-1, &t), SPOTSIM_ERANGE);
}

/* Fargate bills whole seconds, rounded up (aws-facts §1.6: 61.2 s -> 62 s). */
static void test_ceil_seconds(void **state)
{
	(void)state;
	assert_int_equal(simtime_ceil_seconds(0), 0);
	assert_int_equal(simtime_ceil_seconds(1), 1);
	assert_int_equal(simtime_ceil_seconds(SIM_SEC), 1);
	assert_int_equal(simtime_ceil_seconds(SIM_SEC + 1), 2);
	assert_int_equal(simtime_ceil_seconds(61200 * SIM_MSEC), 62);
}

static void test_format(void **state)
{
	(void)state;
	char buf[32];
	assert_string_equal(simtime_format(90 * SIM_MIN, buf, sizeof(buf)), "1h30m");
	assert_string_equal(simtime_format(7 * SIM_DAY, buf, sizeof(buf)), "7d");
	assert_string_equal(simtime_format(40 * SIM_MSEC, buf, sizeof(buf)), "40ms");
	assert_string_equal(simtime_format(0, buf, sizeof(buf)), "0s");
	/* format then parse gives the same time */
	sim_time t;
	simtime_format(3 * SIM_DAY + 5 * SIM_SEC, buf, sizeof(buf));
	assert_int_equal(simtime_parse(buf, &t), 0);
	assert_int_equal(t, 3 * SIM_DAY + 5 * SIM_SEC);
}

/*
 * Decimal seconds keep their microseconds however large the whole part: a
 * distribution writes "fixed(333333333000.04s)" and must read it back as the
 * same time (found by the strings fuzzer: through a double it came back
 * 22 us short).
 */
static void test_decimal_seconds_exact(void **state)
{
	(void)state;
	sim_time t;
	assert_int_equal(simtime_parse("333333333000.04s", &t), 0);
	assert_int_equal(t, 333333333000040000LL);
	assert_int_equal(simtime_parse("5555555550m40ms", &t), 0);
	assert_int_equal(t, 333333333000040000LL);
	assert_int_equal(simtime_parse("4000000000000.000001s", &t), 0);
	assert_int_equal(t, 4000000000000000001LL);
}

/* Decimal terms are exact in integers and round half up at the microsecond. */
static void test_decimal_rounding(void **state)
{
	(void)state;
	sim_time t;
	static const struct {
		const char *text;
		sim_time want;
	} cases[] = {
	    {"0.1s", 100000},
	    {"0.5us", 1},
	    {"0.4999us", 0},
	    {"1.5us", 2},
	    {"1.0000005s", 1000001},
	    {"1e3s", 1000000000},
	    {"2.5e-1s", 250000},
	    {"0.000000001s", 0},
	    {"1.25m", 75000000},
	    {"1.5us 1.5us", 4},
	    {"0x10s", 16000000},
	    {"007.50s", 7500000},
	    {"1.00000000000000000000000000009s", 1000000},
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		assert_int_equal(simtime_parse(cases[i].text, &t), 0);
		assert_int_equal(t, cases[i].want);
	}
	assert_int_equal(simtime_parse("100000000000000000000000000001us", &t), SPOTSIM_ERANGE);
	assert_int_equal(simtime_parse("2562047788015d", &t), SPOTSIM_ERANGE);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_units),
	    cmocka_unit_test(test_clock_forms),
	    cmocka_unit_test(test_errors),
	    cmocka_unit_test(test_ceil_seconds),
	    cmocka_unit_test(test_format),
	    cmocka_unit_test(test_decimal_rounding),
	    cmocka_unit_test(test_decimal_seconds_exact),
	};
	return cmocka_run_group_tests_name("simtime", tests, NULL, NULL);
}
