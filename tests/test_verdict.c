/*
 * Tests of verdict: the recommendation rule on plain arrays, one failure
 * mode each: the cheapest configuration that breaks the SLO must not win,
 * a P(breach) equal to the limit meets it, none meeting names the lowest
 * P(breach) with ties broken by cost, no SLO at all names the cheapest, and
 * costs that do not apply never win.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "spotsim/experiment/verdict.h"

#include <math.h>

/* all on-demand, mixed, all Spot: the cheapest breaks the SLO */
static void test_cheapest_that_meets(void **state)
{
	const double p[3] = {0, 0.03, 0.4}, cost[3] = {142, 117, 43};
	struct verdict v;

	(void)state;
	v = verdict_pick(p, cost, 3, 0.05);
	assert_int_equal(v.kind, VERDICT_MEETS);
	assert_int_equal(v.pick, 1);
	v = verdict_pick(p, cost, 3, 0.5); /* a looser limit: all Spot meets it */
	assert_int_equal(v.pick, 2);
}

/* 1 of 20 replications is 0.05 (as a mean it may be 0.05000000000000001) */
static void test_limit_is_inclusive(void **state)
{
	double sum = 0;

	(void)state;
	for (int i = 0; i < 20; i++)
		sum += i == 7;
	assert_true(verdict_meets(sum / 20, 0.05));
	assert_true(verdict_meets(0.05000000000000001, 0.05));
	assert_false(verdict_meets(0.0500001, 0.05));
	assert_false(verdict_meets(NAN, 0.05));
}

static void test_none_meets_names_closest(void **state)
{
	const double p[3] = {1, 0.4, 1}, cost[3] = {142, 151, 45};
	const double tie[3] = {0.5, 0.5, 1}, tie_cost[3] = {20, 10, 5};
	struct verdict v;

	(void)state;
	v = verdict_pick(p, cost, 3, 0.05);
	assert_int_equal(v.kind, VERDICT_NONE_MEETS);
	assert_int_equal(v.pick, 1); /* the lowest P(breach), though the dearest */
	v = verdict_pick(tie, tie_cost, 3, 0.05);
	assert_int_equal(v.kind, VERDICT_NONE_MEETS);
	assert_int_equal(v.pick, 1); /* tie at 0.5: the cheaper */
}

static void test_no_slo_names_cheapest(void **state)
{
	const double p[3] = {NAN, NAN, NAN}, cost[3] = {142, NAN, 43};
	struct verdict v;

	(void)state;
	v = verdict_pick(p, cost, 3, 0.05);
	assert_int_equal(v.kind, VERDICT_NO_SLO);
	assert_int_equal(v.pick, 2);
	v = verdict_pick(p, cost, 0, 0.05);
	assert_int_equal(v.kind, VERDICT_NO_CONFIGS);
}

/* A configuration without an SLO target never meets it; an unknown cost never wins. */
static void test_nan_never_wins(void **state)
{
	const double p[3] = {NAN, 0, 0}, cost[3] = {1, NAN, 50};
	struct verdict v;

	(void)state;
	v = verdict_pick(p, cost, 3, 0.05);
	assert_int_equal(v.kind, VERDICT_MEETS);
	assert_int_equal(v.pick, 2);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_cheapest_that_meets),
	    cmocka_unit_test(test_limit_is_inclusive),
	    cmocka_unit_test(test_none_meets_names_closest),
	    cmocka_unit_test(test_no_slo_names_cheapest),
	    cmocka_unit_test(test_nan_never_wins),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
