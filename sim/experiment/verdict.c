/*
 * verdict — the recommendation rule (see verdict.h), one pass per case over
 * the configurations, on plain arrays so that the printed ranking (from the
 * experiment) and report.html (from summary.csv) decide alike.
 */
#include "spotsim/experiment/verdict.h"

#include <math.h>

/* A tolerance for means of 0/1 values that are equal in exact arithmetic: 1 of 20 is 0.05. */
#define MEETS_SLACK 1e-12

bool verdict_meets(double p, double max_breach)
{
	return !isnan(p) && p <= max_breach + MEETS_SLACK;
}

/* Whether cost a is strictly cheaper than cost b (a number beats NAN). */
static bool cheaper(double a, double b)
{
	if (isnan(a))
		return false;
	return isnan(b) || a < b;
}

/* The cheapest configuration, of those meeting the SLO when `need_meets`; -1 for none. */
static long cheapest(const double *p, const double *cost, size_t n, double max_breach,
		     bool need_meets)
{
	long best = -1;

	for (size_t i = 0; i < n; i++) {
		if (need_meets && !verdict_meets(p[i], max_breach))
			continue;
		if (best < 0 || cheaper(cost[i], cost[best]))
			best = (long)i;
	}
	return best;
}

/* The lowest P(breach), ties by cost then order; NAN P(breach) last. */
static size_t closest(const double *p, const double *cost, size_t n)
{
	size_t best = 0;

	for (size_t i = 1; i < n; i++) {
		bool same = fabs(p[i] - p[best]) <= MEETS_SLACK; /* false when either is NAN */
		bool lower = !isnan(p[i]) && (isnan(p[best]) || (!same && p[i] < p[best]));
		bool tie = same && cheaper(cost[i], cost[best]);
		if (lower || tie)
			best = i;
	}
	return best;
}

struct verdict verdict_pick(const double *p_breach, const double *cost, size_t n, double max_breach)
{
	struct verdict v = {VERDICT_NO_CONFIGS, 0};
	bool any_slo = false;
	long best;

	if (n == 0)
		return v;
	for (size_t i = 0; i < n; i++)
		any_slo |= !isnan(p_breach[i]);
	if (!any_slo) {
		v.kind = VERDICT_NO_SLO;
		v.pick = (size_t)cheapest(p_breach, cost, n, max_breach, false);
		return v;
	}
	best = cheapest(p_breach, cost, n, max_breach, true);
	if (best >= 0) {
		v.kind = VERDICT_MEETS;
		v.pick = (size_t)best;
		return v;
	}
	v.kind = VERDICT_NONE_MEETS;
	v.pick = closest(p_breach, cost, n);
	return v;
}
