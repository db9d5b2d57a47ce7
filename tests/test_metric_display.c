/*
 * Tests for metric_display: the names, units and decimals report.html
 * shows, floating noise shown as 0, signed differences, thousands, and
 * metrics the table does not know shown from their CSV unit.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "spotsim/experiment/replication.h"
#include "spotsim/output/metric_display.h"

#include <math.h>
#include <string.h>

static const char *shown(const char *metric, const char *unit, double v, bool diff)
{
	static char buf[64];
	struct metric_display m;

	metric_display_of(metric, unit, &m);
	return metric_display_format(buf, sizeof(buf), &m, v, diff);
}

static void test_known_metrics(void **state)
{
	struct metric_display m;

	(void)state;
	metric_display_of("availability", "fraction", &m);
	assert_string_equal(m.label, "Minutes meeting the SLO");
	assert_non_null(strstr(m.about, "not uptime"));
	assert_string_equal(m.unit, "%");
	assert_string_equal(m.diff_unit, "pp");
	assert_string_equal(shown("availability", "fraction", 0.999901, false), "99.990");
	metric_display_of("p95_latency_s", "s", &m);
	assert_string_equal(m.label, "p95 latency");
	assert_string_equal(m.unit, "ms");
	assert_string_equal(shown("p95_latency_s", "s", 0.12384, false), "123.8");
	assert_string_equal(shown("cost_usd", "USD", 61.6111, false), "61.61");
	assert_string_equal(shown("dropped_fraction", "fraction", 0.00397, false), "0.397");
}

static void test_noise_is_zero(void **state)
{
	(void)state;
	assert_string_equal(shown("cost_usd", "USD", -2.8e-14, true), "0.00");
	assert_string_equal(shown("cost_usd", "USD", -0.004, false), "0.00");
	assert_string_equal(shown("availability", "fraction", 1e-12, true), "0.000");
	assert_string_equal(shown("cost_usd", "USD", NAN, false), "n/a");
}

static void test_differences_signed(void **state)
{
	(void)state;
	assert_string_equal(shown("cost_usd", "USD", 43.951, true), "+43.95");
	assert_string_equal(shown("cost_usd", "USD", -28.734, true), "-28.73");
	assert_string_equal(shown("availability", "fraction", 0.0074, true), "+0.740");
}

static void test_counts_and_thousands(void **state)
{
	(void)state;
	assert_string_equal(shown("interruptions", "count", 19, false), "19");
	assert_string_equal(shown("interruptions", "count", 19.13, false), "19.1");
	assert_string_equal(shown("requests", "count", 123456789, false), "123,456,789");
	assert_string_equal(shown("requests", "count", 9999, false), "9999");
	assert_string_equal(shown("requests", "count", -12345, true), "-12,345");
	assert_string_equal(shown("cost_usd", "USD", 12345.678, false), "12,345.68");
}

static void test_unknown_metric_from_unit(void **state)
{
	struct metric_display m;

	(void)state;
	metric_display_of("new_share", "fraction", &m);
	assert_string_equal(m.label, "new_share");
	assert_string_equal(m.unit, "%");
	assert_string_equal(shown("new_share", "fraction", 0.25, false), "25.00");
	assert_string_equal(shown("new_count", "count", 3, false), "3");
	metric_display_of("new_cost_usd", NULL, &m);
	assert_string_equal(m.unit, "");
}

/* Every metric the runs write has a name and unit for people: none falls back to its CSV name. */
static void test_every_run_metric_known(void **state)
{
	struct metric_display m;
	int missing = 0;

	(void)state;
	for (const struct metric_def *d = run_metric_defs; d->name; d++) {
		if (!metric_display_known(d->name)) {
			print_error("%s: no entry in sim/output/metric_display.c\n", d->name);
			missing++;
			continue;
		}
		metric_display_of(d->name, d->unit, &m);
		assert_string_not_equal(m.label, d->name);
	}
	assert_int_equal(missing, 0);
}

/* The run's cost and the monthly cost are never both called "Cost". */
static void test_costs_told_apart(void **state)
{
	struct metric_display run, month;

	(void)state;
	metric_display_of("cost_usd", "USD", &run);
	metric_display_of("monthly_cost_usd", "USD", &month);
	assert_string_equal(run.label, "Cost over the run");
	assert_string_equal(month.label, "Cost per 30 days");
	assert_string_equal(shown("outage_seconds", "s", 5400, false), "90.0");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_known_metrics),
	    cmocka_unit_test(test_noise_is_zero),
	    cmocka_unit_test(test_differences_signed),
	    cmocka_unit_test(test_counts_and_thousands),
	    cmocka_unit_test(test_unknown_metric_from_unit),
	    cmocka_unit_test(test_every_run_metric_known),
	    cmocka_unit_test(test_costs_told_apart),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
