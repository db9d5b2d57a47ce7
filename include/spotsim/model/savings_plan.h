#ifndef SPOTSIM_SAVINGS_PLAN_H
#define SPOTSIM_SAVINGS_PLAN_H
/*
 * savings_plan — Compute Savings Plans: the rate table and AWS's hourly rule.
 *
 * AWS's rule (Savings Plans User Guide, "Understanding how Savings Plans
 * apply to your AWS usage"): the commitment is a spend in USD per hour at
 * Savings Plans rates. Each hour, eligible usage is charged at its Savings
 * Plans rate against the commitment, the usage with the highest savings
 * percentage first (on a tie, the one with the lowest Savings Plans rate),
 * until the usage or the commitment runs out; the rest of the usage is
 * billed at On-Demand rates, and the unused part of the commitment is still
 * billed. Nothing carries over from one hour to the next.
 *
 * savings_plan_apply is that rule for one hour over any list of usage lines
 * (it reproduces AWS's own example, where EC2 and Fargate lines have
 * different savings percentages). Fargate's vCPU and memory rates get the
 * same discount here (one row of the table per region, OS, architecture,
 * term and payment), so within a simulation the order does not change the
 * bill and savings_plan_account_hour takes the hour's eligible On-Demand
 * spend as one number.
 *
 * The rate table is a CSV file (data/savings-plans.csv by default) with a
 * header row and these columns, in any order, all required:
 *   region, os, arch, term, payment, discount, as_of, derived, source
 * term 1y|3y; payment no_upfront|partial_upfront|all_upfront (AWS's three
 * options); discount the fraction off the On-Demand vCPU and memory rates,
 * 0 <= discount < 1 (Savings Plans rate = On-Demand x (1 - discount));
 * derived "yes" when spotsim inferred or assumed the figure, "no" when it is
 * published; as_of not empty; source free text. One row per key.
 *
 * The payment option changes the rate only: whatever is paid up front is
 * the commitment of hours still to come, so amortised over the term the
 * plan costs the commitment every hour (AWS's "amortized upfront" plus
 * "recurring" commitment). savings_plan_term_hours gives the term's hours,
 * for the up-front amount that `validate` prints.
 */
#include <stdbool.h>
#include <stddef.h>

#include "spotsim/model/fargate.h"
#include "spotsim/util/diag.h"

enum sp_term {
	SP_TERM_1Y,
	SP_TERM_3Y,
	SP_TERM_COUNT
};

enum sp_payment {
	SP_NO_UPFRONT,
	SP_PARTIAL_UPFRONT,
	SP_ALL_UPFRONT,
	SP_PAYMENT_COUNT
};

#define SP_TERMS    "1y, 3y"
#define SP_PAYMENTS "no_upfront, partial_upfront, all_upfront"

struct sp_rate {
	char *region; /* owned */
	enum os_family os;
	enum cpu_arch arch;
	enum sp_term term;
	enum sp_payment payment;
	double discount; /* fraction off On-Demand, [0, 1) */
	char *as_of;	 /* owned */
	char *source;	 /* owned */
	bool derived;
};

struct sp_table {
	struct sp_rate *rates;
	size_t nr, alloc;
	char *path; /* owned: the file it was read from */
};

void savings_plan_table_init(struct sp_table *t);
void savings_plan_table_release(struct sp_table *t);

/*
 * Reads `path` (borrowed) into `t`, replacing its rows only when the whole
 * file is clean. Problems go to `d` as "FILE: line N: column X: ..." with
 * what is accepted. Returns 0, SPOTSIM_EINVAL, or csvio's negative code.
 */
int savings_plan_table_load(struct sp_table *t, const char *path, struct diag *d);

/*
 * The default table: $SPOTSIM_SAVINGS_PLANS if set, else savings-plans.csv
 * in the folder of the default price table (pricing_default_path). A
 * borrowed static string, or NULL when there is none.
 */
const char *savings_plan_default_path(void);

/* The row for a key, or NULL. */
const struct sp_rate *savings_plan_find(const struct sp_table *t, const char *region,
					enum os_family os, enum cpu_arch arch, enum sp_term term,
					enum sp_payment payment);

const char *savings_plan_term_name(enum sp_term t);
const char *savings_plan_payment_name(enum sp_payment p);
/* Parse the names above; false for anything else. */
bool savings_plan_term_parse(const char *s, enum sp_term *out);
bool savings_plan_payment_parse(const char *s, enum sp_payment *out);

/* Hours in a term: 8760 (365 days) for 1y, 26280 for 3y. */
double savings_plan_term_hours(enum sp_term t);

/* One line of usage in an hour: quantity x rate, at On-Demand and Savings Plans rates. */
struct sp_line {
	double quantity;
	double on_demand_rate; /* USD per unit */
	double plan_rate;      /* USD per unit, <= on_demand_rate */
};

/* The bill of one hour. */
struct sp_hour {
	double commitment_used;	   /* USD at Savings Plans rates, <= commitment */
	double commitment_unused;  /* commitment - used, billed all the same */
	double covered_on_demand;  /* On-Demand value of the usage the plan covered */
	double on_demand_billed;   /* usage beyond the plan, at On-Demand rates */
	double eligible_on_demand; /* all the lines at On-Demand rates */
	double cost;		   /* commitment + on_demand_billed */
};

/*
 * AWS's hourly rule for `n` (<= 64) lines and a commitment (USD per hour,
 * >= 0): lines in order of savings percentage, highest first, ties by the
 * lower Savings Plans rate, then by their order in `lines`.
 */
void savings_plan_apply(double commitment, const struct sp_line *lines, size_t n,
			struct sp_hour *out);

/* A plan's bill over many hours, accumulated hour by hour. */
struct sp_account {
	double commitment; /* USD per hour */
	double discount;   /* fraction off On-Demand */
	double hours;	   /* hours billed (the last may be partial) */
	double paid;	   /* commitment x hours, used or not */
	double used;	   /* of it, spent on usage at Savings Plans rates */
	double covered_on_demand, on_demand_billed, eligible_on_demand;
};

void savings_plan_account_init(struct sp_account *a, double commitment, double discount);

/*
 * One clock hour, or the part `hours` (0 < hours <= 1) of one at the start
 * or the end of a run, whose eligible usage cost `eligible_on_demand` USD at
 * On-Demand rates. The commitment of a partial hour is prorated.
 */
void savings_plan_account_hour(struct sp_account *a, double eligible_on_demand, double hours);

/*
 * The bill of `n` hours of usage (eligible[i] USD at On-Demand rates in an
 * hour of length hours[i], in hours) under a commitment: what
 * savings_plan_account_hour gives hour by hour, into `out`.
 */
void savings_plan_evaluate(double commitment, double discount, const double *eligible,
			   const double *hours, size_t n, struct sp_account *out);

/*
 * The commitment (USD per hour) that minimises paid + on_demand_billed of
 * savings_plan_evaluate over the same hours. The bill is convex and
 * piecewise linear in the commitment, with a corner at each hour's usage at
 * Savings Plans rates; it is least where the share (by length) of hours
 * whose usage lies above the commitment falls to (1 - discount): the
 * discount-quantile of the hourly usage. The smallest minimiser; 0 when no
 * commitment pays.
 */
double savings_plan_best_commitment(double discount, const double *eligible, const double *hours,
				    size_t n);

/* used / paid, or NAN when nothing was paid. */
double savings_plan_utilization(const struct sp_account *a);
/* covered / eligible On-Demand spend, or NAN when there was none. */
double savings_plan_coverage(const struct sp_account *a);

#endif
