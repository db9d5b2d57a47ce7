/* Tests for placement: the base/weight model and the AWS strategy rules. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "spotsim/model/placement.h"

#include <stdlib.h>
#include <string.h>

static struct strategy parse_ok(const char *text)
{
	struct strategy s = {.nr = 0, .tie = PLACEMENT_TIE_FIRST_LISTED};
	struct diag d;
	diag_init(&d);
	assert_true(placement_parse(text, &s, &d, "--strategy"));
	assert_int_equal(d.errors, 0);
	diag_release(&d);
	return s;
}

static void expect_split(const char *text, long n, long a, long b)
{
	struct strategy s = parse_ok(text);
	long out[FARGATE_MAX_STRATEGY_ITEMS];
	placement_split(&s, n, out);
	assert_int_equal(out[0], a);
	assert_int_equal(out[1], b);
}

/* The splits the issue and SPEC §4.3 name. */
static void test_documented_splits(void **state)
{
	(void)state;
	expect_split("FARGATE:base=2:weight=1,FARGATE_SPOT:weight=3", 10, 4, 6);
	expect_split("FARGATE:base=2:weight=1,FARGATE_SPOT:weight=3", 4, 3, 1);
	expect_split("FARGATE:weight=3,FARGATE_SPOT:weight=1", 4, 3, 1);
	expect_split("FARGATE:base=1:weight=1,FARGATE_SPOT:weight=2", 3, 2, 1);
	/* aws-facts §3.2 model walkthrough: N=2 -> 2/0, 6 -> 3/3, 14 -> 5/9 */
	expect_split("FARGATE:base=2:weight=1,FARGATE_SPOT:weight=3", 2, 2, 0);
	expect_split("FARGATE:base=2:weight=1,FARGATE_SPOT:weight=3", 6, 3, 3);
	expect_split("FARGATE:base=2:weight=1,FARGATE_SPOT:weight=3", 14, 5, 9);
}

/* Every (N-base) divisible by the weight sum lands exactly on the ratio. */
static void test_exact_ratio(void **state)
{
	(void)state;
	struct strategy s = parse_ok("FARGATE:base=2:weight=1,FARGATE_SPOT:weight=3");
	long out[FARGATE_MAX_STRATEGY_ITEMS];
	for (long n = 2; n <= 402; n += 4) {
		placement_split(&s, n, out);
		assert_int_equal(out[0], 2 + (n - 2) / 4);
		assert_int_equal(out[1], 3 * (n - 2) / 4);
	}
}

static void test_zero_tasks_and_zero_weight(void **state)
{
	(void)state;
	expect_split("FARGATE:weight=1,FARGATE_SPOT:weight=1", 0, 0, 0);
	/* weight 0 never receives tasks beyond its base */
	expect_split("FARGATE:base=3:weight=0,FARGATE_SPOT:weight=1", 10, 3, 7);
	expect_split("FARGATE:weight=0,FARGATE_SPOT:weight=5", 9, 0, 9);
	/* base larger than N: everything on the base provider */
	expect_split("FARGATE_SPOT:weight=1,FARGATE:base=5:weight=1", 3, 0, 3);
}

static void test_tie_rules(void **state)
{
	(void)state;
	struct strategy s = parse_ok("FARGATE:weight=1,FARGATE_SPOT:weight=3");
	long out[FARGATE_MAX_STRATEGY_ITEMS];
	placement_split(&s, 1, out);
	assert_int_equal(out[0], 1); /* first listed wins the 0/1 vs 0/3 tie */
	s.tie = PLACEMENT_TIE_LARGEST_WEIGHT;
	placement_split(&s, 1, out);
	assert_int_equal(out[1], 1);
	enum placement_tie t;
	assert_true(placement_tie_parse("largest_weight", &t));
	assert_int_equal(t, PLACEMENT_TIE_LARGEST_WEIGHT);
	assert_false(placement_tie_parse("random", &t));
}

static void expect_error(const char *text, const char *line)
{
	struct strategy s;
	struct diag d;
	diag_init(&d);
	assert_false(placement_parse(text, &s, &d, "--strategy"));
	bool found = false;
	for (size_t i = 0; i < d.nr; i++) {
		char *l = diag_line(&d, i);
		if (!strcmp(l, line))
			found = true;
		else
			print_message("got: %s\n", l);
		free(l);
	}
	assert_true(found);
	diag_release(&d);
}

static void test_rule_violations(void **state)
{
	(void)state;
	expect_error(
	    "FARGATE:weight=0,FARGATE_SPOT:weight=0",
	    "--strategy: every weight is 0 (accepted: at least one weight from 1 to 1000)");
	expect_error("FARGATE:base=1:weight=1,FARGATE_SPOT:base=2:weight=1",
		     "--strategy: item 2: only one capacity provider may have a base (accepted: a "
		     "base on one provider)");
	expect_error("FARGATE:weight=1001", "--strategy: item 1: weight 1001 is out of range "
					    "(accepted: 0 to 1000)");
	expect_error("FARGATE:base=100001:weight=1", "--strategy: item 1: base 100001 is out of "
						     "range (accepted: 0 to 100000)");
	expect_error("FARGATE:weight=-1", "--strategy: item 1: weight -1 is out of range "
					  "(accepted: 0 to 1000)");
	expect_error("EC2:weight=1", "--strategy: item 1: unknown capacity provider \"EC2\" "
				     "(accepted: FARGATE, FARGATE_SPOT)");
	expect_error("FARGATE:wieght=1",
		     "--strategy: item 1: unknown field \"wieght\" (accepted: base, weight)");
	expect_error("FARGATE:weight=x",
		     "--strategy: item 1: \"x\" is not a whole number (in \"weight=x\")");
	expect_error("FARGATE:weight=1,FARGATE:weight=2",
		     "--strategy: item 2: FARGATE is listed twice (accepted: each capacity "
		     "provider once)");
	expect_error("", "--strategy: 0 capacity providers given (accepted: 1 to 20)");
}

/* Multiple base-0 items are fine: describe-services prints "base": 0 on each. */
static void test_base_zero_twice_is_valid(void **state)
{
	(void)state;
	expect_split("FARGATE:base=2:weight=1,FARGATE_SPOT:base=0:weight=3", 10, 4, 6);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_documented_splits),
	    cmocka_unit_test(test_exact_ratio),
	    cmocka_unit_test(test_zero_tasks_and_zero_weight),
	    cmocka_unit_test(test_tie_rules),
	    cmocka_unit_test(test_rule_violations),
	    cmocka_unit_test(test_base_zero_twice_is_valid),
	};
	return cmocka_run_group_tests_name("placement", tests, NULL, NULL);
}
