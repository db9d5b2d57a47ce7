#ifndef SPOTSIM_VERDICT_H
#define SPOTSIM_VERDICT_H
/*
 * verdict — which configuration to recommend (README "The verdict").
 *
 * A configuration meets the SLO when its P(SLO breach), the mean of the
 * per-replication slo_breach indicator, is at most the scenario's
 * slo.max_breach_probability. The recommendation is the cheapest
 * configuration (lowest mean monthly cost) that meets it; when none does,
 * there is no recommendation and the closest is named: the lowest
 * P(SLO breach), ties by cost. A P(SLO breach) that is NAN means the
 * scenario sets no SLO target for that configuration; when no configuration
 * has one, the SLO is not set and the cheapest is named. Ties in cost keep
 * configuration order; a cost that is NAN never wins over a number.
 */
#include <stdbool.h>
#include <stddef.h>

enum verdict_kind {
	VERDICT_NO_CONFIGS, /* n = 0 */
	VERDICT_NO_SLO,	    /* no SLO set: `pick` is the cheapest */
	VERDICT_MEETS,	    /* `pick` is the cheapest that meets the SLO */
	VERDICT_NONE_MEETS  /* `pick` is the closest: lowest P(breach), then cost */
};

struct verdict {
	enum verdict_kind kind;
	size_t pick; /* the configuration named; 0 for VERDICT_NO_CONFIGS */
};

/* Whether P(SLO breach) `p` meets `max_breach` (false for NAN: no SLO). */
bool verdict_meets(double p, double max_breach);

/*
 * The verdict over n configurations: p_breach[i] their P(SLO breach) (NAN:
 * no SLO), cost[i] their mean monthly cost. The callers pass the monthly
 * cost with the Compute Savings Plan (monthly_cost_with_savings_plan_usd)
 * when any configuration has one, the list monthly cost for those without
 * (README "Ranking with a plan").
 */
struct verdict verdict_pick(const double *p_breach, const double *cost, size_t n,
			    double max_breach);

#endif
