/*
 * Tests of Compute Savings Plans: AWS's published example (Savings Plans
 * User Guide, "Understanding how Savings Plans apply to your AWS usage":
 * a $25.00/hour commitment covers all of the example's usage and the hour
 * costs $25.00), AWS's order rule on the same usage, hand-computed Fargate
 * hours (commitment below, equal to and above a steady usage) to the cent,
 * Spot usage that the plan must not cover, through a whole replication, and
 * the rate table's loader. Run from the repository root.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "spotsim/experiment/replication.h"
#include "spotsim/model/pricing.h"
#include "spotsim/model/savings_plan.h"
#include "spotsim/scenario/scenario.h"
#include "spotsim/util/error.h"
#include "spotsim/util/xalloc.h"
#include "testutil.h"

#define CENT(x) (round((x)*100.0) / 100.0)

/*
 * The usage of AWS's example, one hour: 1x c5.9xlarge Linux (On-Demand
 * $4.00, Compute Savings Plans $2.00, 50 %), 1x c5.24xlarge Windows ($10.00,
 * $8.00, 20 %), 10 Fargate vCPU ($1.50, $1.00, 33.3 %), 5 Fargate GB
 * ($2.00, $1.00, 50 %).
 */
static const struct sp_line aws_example[] = {
    {1, 4.00, 2.00},
    {1, 10.00, 8.00},
    {10, 1.50, 1.00},
    {5, 2.00, 1.00},
};

static void test_aws_example_all_covered(void **state)
{
	struct sp_hour h;
	(void)state;
	savings_plan_apply(25.00, aws_example, 4, &h);
	/* AWS: "You will pay $25.00 in that hour" */
	assert_true(CENT(h.cost) == 25.00);
	assert_true(CENT(h.commitment_used) == 25.00);
	assert_true(CENT(h.commitment_unused) == 0.00);
	assert_true(CENT(h.on_demand_billed) == 0.00);
	assert_true(CENT(h.eligible_on_demand) == 39.00); /* 4 + 10 + 15 + 10 */
	assert_true(CENT(h.covered_on_demand) == 39.00);
}

/*
 * AWS's order on the same usage, computed by hand: highest savings first,
 * a tie (c5.9xlarge and Fargate GB, both 50 %) to the lower plan rate.
 */
static void test_aws_order_rule(void **state)
{
	struct sp_hour h;
	(void)state;
	/* $2: 2 of the 5 GB at $1.00; 3 GB x $2 + 4 + 10 + 15 On-Demand */
	savings_plan_apply(2.00, aws_example, 4, &h);
	assert_true(CENT(h.on_demand_billed) == 35.00);
	assert_true(CENT(h.cost) == 37.00);
	/* $10: 5 GB ($5), the c5.9xlarge ($2), 3 of 10 vCPU ($3); 7 x 1.5 + 10 On-Demand */
	savings_plan_apply(10.00, aws_example, 4, &h);
	assert_true(CENT(h.on_demand_billed) == 20.50);
	assert_true(CENT(h.cost) == 30.50);
	assert_true(CENT(h.covered_on_demand) == 10.00 + 4.00 + 4.50);
	/* $30: everything at plan rates ($25), $5 unused and billed */
	savings_plan_apply(30.00, aws_example, 4, &h);
	assert_true(CENT(h.cost) == 30.00);
	assert_true(CENT(h.commitment_unused) == 5.00);
	/* no commitment: all On-Demand */
	savings_plan_apply(0, aws_example, 4, &h);
	assert_true(CENT(h.cost) == 39.00);
}

/*
 * A steady 4 tasks of 1 vCPU and 2 GB on FARGATE in us-east-1 for 720 hours:
 * 4 x (0.0404784 + 2 x 0.004446) = 0.1974816 USD an hour On-Demand,
 * 0.15798528 at 20 % off. Without a plan: 142.186752 USD.
 */
#define STEADY_OD 0.1974816
#define STEADY_SP 0.15798528

static void run_steady(struct sp_account *a, double commitment)
{
	savings_plan_account_init(a, commitment, 0.2);
	for (int h = 0; h < 720; h++)
		savings_plan_account_hour(a, STEADY_OD, 1.0);
}

static void test_steady_below(void **state)
{
	struct sp_account a;
	(void)state;
	/* 0.10 covers 0.125 of On-Demand; 0.0724816 an hour beyond it */
	run_steady(&a, 0.10);
	assert_true(CENT(a.paid) == 72.00);
	assert_true(CENT(a.on_demand_billed) == 52.19); /* 52.186752 */
	assert_true(CENT(a.paid + a.on_demand_billed) == 124.19);
	assert_true(CENT(savings_plan_utilization(&a) * 100) == 100.00);
	assert_true(fabs(savings_plan_coverage(&a) - 0.125 / STEADY_OD) < 1e-12);
}

static void test_steady_equal(void **state)
{
	struct sp_account a;
	(void)state;
	run_steady(&a, STEADY_SP);
	assert_true(CENT(a.paid) == 113.75); /* 113.7494016 */
	assert_true(fabs(a.on_demand_billed) < 1e-9);
	assert_true(fabs(savings_plan_utilization(&a) - 1) < 1e-12);
	assert_true(fabs(savings_plan_coverage(&a) - 1) < 1e-12);
}

static void test_steady_above(void **state)
{
	struct sp_account a;
	(void)state;
	/* 0.20 an hour paid, 0.15798528 of it used */
	run_steady(&a, 0.20);
	assert_true(CENT(a.paid) == 144.00);
	assert_true(a.on_demand_billed == 0);
	assert_true(fabs(savings_plan_utilization(&a) - 0.7899264) < 1e-12);
	assert_true(fabs(savings_plan_coverage(&a) - 1) < 1e-12);
}

/* Hours do not pool: 0.3 of usage in one hour and none in the next cost 2 x C + overflow. */
static void test_no_carry_over(void **state)
{
	struct sp_account a;
	(void)state;
	savings_plan_account_init(&a, 0.10, 0.5);
	savings_plan_account_hour(&a, 0.30,
				  1.0);	       /* 0.15 at plan rates: 0.10 used, 0.10 On-Demand */
	savings_plan_account_hour(&a, 0, 1.0); /* nothing used, 0.10 paid */
	assert_true(CENT(a.paid) == 0.20);
	assert_true(fabs(a.on_demand_billed - 0.10) < 1e-12);
	assert_true(fabs(savings_plan_utilization(&a) - 0.5) < 1e-12);
	/* a half hour at the end pays half the commitment */
	savings_plan_account_hour(&a, 0, 0.5);
	assert_true(fabs(a.paid - 0.25) < 1e-12);
	assert_true(fabs(a.hours - 2.5) < 1e-12);
}

/*
 * The best commitment by hand: hourly usage at Savings Plans rates of 1, 2,
 * 3 and 4 USD at 50 % off. Commitment 1: 4 + (1 + 2 + 3) / 0.5 = 16; 2 and
 * 3: 8 + 6 = 12 + 2 = 14 (flat between); 4: 16. The smallest minimiser is 2.
 */
static void test_best_commitment(void **state)
{
	static const double e[] = {2, 4, 6, 8}, w[] = {1, 1, 1, 1};
	struct sp_account a;
	(void)state;
	assert_true(savings_plan_best_commitment(0.5, e, w, 4) == 2);
	savings_plan_evaluate(1, 0.5, e, w, 4, &a);
	assert_true(CENT(a.paid + a.on_demand_billed) == 16.00);
	savings_plan_evaluate(2, 0.5, e, w, 4, &a);
	assert_true(CENT(a.paid + a.on_demand_billed) == 14.00);
	savings_plan_evaluate(3, 0.5, e, w, 4, &a);
	assert_true(CENT(a.paid + a.on_demand_billed) == 14.00);
	/* no usage: nothing is worth committing */
	static const double none[] = {0, 0};
	assert_true(savings_plan_best_commitment(0.5, none, w, 2) == 0);
	/* against a fine grid on uneven hours, a partial one among them */
	static const double e2[] = {0.3, 0.1, 0.25, 0.4, 0.05, 0.2, 0.35},
			    w2[] = {1, 1, 1, 1, 1, 1, 0.5};
	double best = savings_plan_best_commitment(0.2, e2, w2, 7), low = INFINITY;
	savings_plan_evaluate(best, 0.2, e2, w2, 7, &a);
	double at_best = a.paid + a.on_demand_billed;
	for (int k = 0; k <= 10000; k++) {
		savings_plan_evaluate(0.6 * k / 10000, 0.2, e2, w2, 7, &a);
		low = fmin(low, a.paid + a.on_demand_billed);
	}
	assert_true(at_best <= low + 1e-12);
}

/* ---- a whole replication: FARGATE covered, FARGATE_SPOT not ---- */

#define SCENARIO_FMT                                                                               \
	"{\"name\": \"sp\", \"start\": \"%s\", \"duration\": \"%s\", \"seed\": 1,"                 \
	" \"taskDefinition\": {\"cpu\": \"1024\", \"memory\": \"2048\"},"                          \
	" \"service\": {\"desiredCount\": 6, \"capacityProviderStrategy\": ["                      \
	"  {\"capacityProvider\": \"FARGATE\", \"base\": 4, \"weight\": 0},"                       \
	"  {\"capacityProvider\": \"FARGATE_SPOT\", \"weight\": 1}]},"                             \
	" \"startup\": {\"provisioning\": \"0s\", \"pull\": \"0s\", \"app_start\": \"0s\"},"       \
	" \"pricing\": {\"savings_plan\": {\"commitment_usd_per_hour\": %s,"                       \
	"  \"term\": \"1y\", \"payment\": \"no_upfront\"}}}"

static void run_plan_at(const char *start, const char *duration, const char *commitment,
			struct run_metrics *m, struct run_hours *hours)
{
	char json[1024];
	struct scenario sc;
	struct price_table prices;
	struct diag d;
	snprintf(json, sizeof(json), SCENARIO_FMT, start, duration, commitment);
	char *path = testutil_write_temp(json, ".json");
	diag_init(&d);
	pricing_init(&prices);
	int rc = scenario_load(&sc, path, &d);
	if (!rc)
		rc = pricing_load(&prices, "data/pricing.csv", &d);
	if (!rc)
		rc = replication_run_hours(&sc, &prices, 0, NULL, m, hours, &d);
	if (rc)
		diag_write(&d, stderr);
	assert_int_equal(rc, 0);
	assert_true(fabs(sc.savings_plan.discount - 0.2) < 1e-12); /* us-east-1 1y no_upfront */
	scenario_release(&sc);
	pricing_release(&prices);
	diag_release(&d);
	unlink(path);
	free(path);
}

/* From the default start, 2026-01-05T00:00:00Z: clock hours from the start. */
static void run_plan(const char *duration, const char *commitment, struct run_metrics *m,
		     struct run_hours *hours)
{
	run_plan_at("2026-01-05T00:00:00Z", duration, commitment, m, hours);
}

/*
 * 4 FARGATE tasks (0.1974816 USD an hour) and 2 FARGATE_SPOT tasks
 * (2 x (0.01264355 + 2 x 0.00138835) = 0.0308405 an hour) for a day.
 */
static void test_spot_not_covered(void **state)
{
	struct run_metrics m;
	struct run_hours h = {0};
	(void)state;
	run_plan("1d", "0.1", &m, &h);
	assert_true(CENT(m.cost_fargate_usd) == 4.74); /* 4.7395584 */
	assert_true(CENT(m.cost_spot_usd) == 0.74);    /* 0.740172 */
	assert_true(CENT(m.savings_plan_cost_usd) == 2.40);
	/* 2.40 + 24 x 0.0724816 beyond the plan + the Spot tasks at their own rate */
	assert_true(fabs(m.cost_with_savings_plan_usd - 4.8797304) < 1e-9);
	assert_true(CENT(m.cost_with_savings_plan_usd) == 4.88);
	assert_true(fabs(m.savings_plan_utilization - 1) < 1e-12);
	assert_true(fabs(m.savings_plan_coverage - 0.125 / STEADY_OD) < 1e-9);
	assert_int_equal(h.n, 24);
	assert_true(fabs(h.eligible_usd[5] - STEADY_OD) < 1e-9);
	assert_true(fabs(h.other_usd[5] - 0.0308405) < 1e-9);
	run_hours_release(&h);

	/* a plan far above the FARGATE usage still leaves every Spot dollar billed */
	run_plan("1d", "1", &m, NULL);
	assert_true(CENT(m.savings_plan_cost_usd) == 24.00);
	assert_true(fabs(m.cost_with_savings_plan_usd - (24 + 0.740172)) < 1e-9);
	assert_true(fabs(m.savings_plan_utilization - STEADY_SP) < 1e-9);
	assert_true(fabs(m.savings_plan_coverage - 1) < 1e-12);
}

/* 90 minutes: an hour and a half hour, the commitment prorated. */
static void test_partial_last_hour(void **state)
{
	struct run_metrics m;
	struct run_hours h = {0};
	(void)state;
	run_plan("90m", "0.2", &m, &h);
	assert_int_equal(h.n, 2);
	assert_true(fabs(h.last_hours - 0.5) < 1e-12);
	assert_true(fabs(m.savings_plan_cost_usd - 0.3) < 1e-12);
	assert_true(fabs(m.savings_plan_utilization - STEADY_SP / 0.2) < 1e-9);
	run_hours_release(&h);
}

/*
 * From 00:30Z for 2 hours: AWS's clock hours are 00:30-01:00, 01:00-02:00
 * and 02:00-02:30. With a commitment of 0.2 (above the steady 0.15798528 at
 * Savings Plans rates) every hour is covered, and the commitment is paid for
 * the 2 hours: 0.4. From 00:30Z for 90 minutes: half an hour, then an hour.
 */
static void test_clock_hours(void **state)
{
	struct run_metrics m;
	struct run_hours h = {0};
	(void)state;
	run_plan_at("2026-01-05T00:30:00Z", "2h", "0.2", &m, &h);
	assert_int_equal(h.n, 3);
	assert_true(fabs(h.first_hours - 0.5) < 1e-12);
	assert_true(fabs(h.last_hours - 0.5) < 1e-12);
	assert_true(fabs(h.eligible_usd[0] - STEADY_OD / 2) < 1e-9);
	assert_true(fabs(h.eligible_usd[1] - STEADY_OD) < 1e-9);
	assert_true(fabs(m.savings_plan_cost_usd - 0.4) < 1e-12);
	assert_true(fabs(m.savings_plan_utilization - STEADY_SP / 0.2) < 1e-9);
	run_plan_at("2026-01-05T00:30:00Z", "90m", "0.2", &m, &h);
	assert_int_equal(h.n, 2);
	assert_true(fabs(h.first_hours - 0.5) < 1e-12);
	assert_true(fabs(h.last_hours - 1) < 1e-12);
	assert_true(fabs(m.savings_plan_cost_usd - 0.3) < 1e-12);
	/* within one clock hour: one partial hour, first and last */
	run_plan_at("2026-01-05T00:10:00Z", "20m", "0.2", &m, &h);
	assert_int_equal(h.n, 1);
	assert_true(fabs(h.first_hours - 1.0 / 3) < 1e-12 && h.last_hours == h.first_hours);
	run_hours_release(&h);
}

/* ---- the rate table ---- */

static void test_bundled_table(void **state)
{
	struct sp_table t;
	struct diag d;
	(void)state;
	savings_plan_table_init(&t);
	diag_init(&d);
	assert_int_equal(savings_plan_table_load(&t, "data/savings-plans.csv", &d), 0);
	for (int term = 0; term < SP_TERM_COUNT; term++)
		for (int pay = 0; pay < SP_PAYMENT_COUNT; pay++) {
			const struct sp_rate *r =
			    savings_plan_find(&t, "us-east-1", OS_LINUX, ARCH_X86_64,
					      (enum sp_term)term, (enum sp_payment)pay);
			assert_non_null(r);
			assert_true(r->discount > 0 && r->discount <= 0.5);
		}
	/* the deepest option is AWS's "up to 50%" */
	assert_true(
	    savings_plan_find(&t, "eu-west-1", OS_LINUX, ARCH_ARM64, SP_TERM_3Y, SP_ALL_UPFRONT)
		->discount == 0.5);
	/* Windows is not in the table */
	assert_null(
	    savings_plan_find(&t, "us-east-1", OS_WINDOWS, ARCH_X86_64, SP_TERM_1Y, SP_NO_UPFRONT));
	assert_true(savings_plan_term_hours(SP_TERM_3Y) == 26280);
	savings_plan_table_release(&t);
	diag_release(&d);
}

static void expect_refused(const char *text, const char *message)
{
	char *path = testutil_write_temp(text, ".csv");
	struct sp_table t;
	struct diag d;
	savings_plan_table_init(&t);
	diag_init(&d);
	assert_int_not_equal(savings_plan_table_load(&t, path, &d), 0);
	assert_int_equal(t.nr, 0);
	bool found = false;
	for (size_t i = 0; i < d.nr; i++) {
		char *line = diag_line(&d, i);
		found |= strstr(line, message) != NULL;
		free(line);
	}
	if (!found)
		diag_write(&d, stderr);
	assert_true(found);
	diag_release(&d);
	unlink(path);
	free(path);
}

#define SP_HEADER "region,os,arch,term,payment,discount,as_of,derived,source\n"

static void test_table_refuses(void **state)
{
	(void)state;
	expect_refused(SP_HEADER "us-east-1,LINUX,X86_64,2y,no_upfront,0.2,x,no,s\n",
		       "line 2: column term: \"2y\" is not a term (accepted: 1y, 3y)");
	expect_refused(SP_HEADER "us-east-1,LINUX,X86_64,1y,upfront,0.2,x,no,s\n",
		       "(accepted: no_upfront, partial_upfront, all_upfront)");
	expect_refused(SP_HEADER "us-east-1,LINUX,X86_64,1y,no_upfront,1,x,no,s\n",
		       "line 2: column discount: \"1\" is not a discount");
	expect_refused(SP_HEADER "us-east-1,LINUX,X86_64,1y,no_upfront,-0.1,x,no,s\n",
		       "is not a discount");
	expect_refused(SP_HEADER "us-east-1,LINUX,X86_64,1y,no_upfront,0.2,,no,s\n",
		       "column as_of: empty");
	expect_refused(SP_HEADER "us-east-1,LINUX,X86_64,1y,no_upfront,0.2,x,no,s\n"
				 "us-east-1,LINUX,X86_64,1y,no_upfront,0.3,x,no,s\n",
		       "line 3: duplicate row for us-east-1 LINUX X86_64 1y no_upfront");
	expect_refused("region,os,arch,term,payment,as_of,derived,source\n",
		       "missing column discount");
	expect_refused(SP_HEADER, "no rows");
}

/* The header is mapped as the price table's is (csvio_map_header). */
static void test_table_refuses_header(void **state)
{
	(void)state;
	expect_refused("region,os,arch,term,payment,discount,as_of,derived,source,rate\n",
		       "line 1: unknown column \"rate\" (accepted: region, os, arch, term, "
		       "payment, discount, as_of, derived, source)");
	expect_refused("region,os,os,arch,term,payment,discount,as_of,derived,source\n",
		       "line 1: column os appears twice");
	expect_refused("region,os,arch,term,payment,as_of,derived,source\n",
		       "line 1: missing column discount (required: region, os, arch, term, "
		       "payment, discount, as_of, derived, source)");
	expect_refused("\xEF\xBB\xBFregion,os,arch,term,payment,discount,as_of,derived,source\n",
		       "no rows");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_aws_example_all_covered),
	    cmocka_unit_test(test_aws_order_rule),
	    cmocka_unit_test(test_steady_below),
	    cmocka_unit_test(test_steady_equal),
	    cmocka_unit_test(test_steady_above),
	    cmocka_unit_test(test_no_carry_over),
	    cmocka_unit_test(test_best_commitment),
	    cmocka_unit_test(test_spot_not_covered),
	    cmocka_unit_test(test_partial_last_hour),
	    cmocka_unit_test(test_clock_hours),
	    cmocka_unit_test(test_bundled_table),
	    cmocka_unit_test(test_table_refuses),
	    cmocka_unit_test(test_table_refuses_header),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
