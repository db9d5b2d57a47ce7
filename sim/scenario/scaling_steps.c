/*
 * scaling_steps — the StepAdjustments of a step policy (see scaling_steps.h).
 * Bounds are checked one step at a time first; only when every step is
 * sound are the steps sorted by lower bound and checked to meet end to end.
 */
#include "scaling_steps.h"

#include "spotsim/util/xalloc.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#define MAX_STEPS 20 /* AWS quota: step adjustments per policy */

#define STEP_RULE                                                                                  \
	"steps that meet end to end, each lower bound equal to the previous step's upper bound"

/* False when the bound is neither a number, null nor absent (the schema said so). */
static bool read_bound(const cJSON *st, const char *key, bool *has, double *v)
{
	const cJSON *n = loader_get(st, key);
	*has = cJSON_IsNumber(n) && isfinite(n->valuedouble);
	if (*has)
		*v = n->valuedouble;
	return !n || cJSON_IsNull(n) || *has;
}

static const char *range_text(const struct step_adjustment *s, char *buf, size_t size)
{
	char lo[32], hi[32];
	snprintf(lo, sizeof(lo), "%g", s->lower);
	snprintf(hi, sizeof(hi), "%g", s->upper);
	snprintf(buf, size, "%s to %s", s->has_lower ? lo : "-inf", s->has_upper ? hi : "+inf");
	return buf;
}

/* Indices of the steps by lower bound, the null lower bound first. */
static void sort_steps(const struct scaling_policy *p, size_t *idx)
{
	for (size_t i = 0; i < p->nsteps; i++) {
		size_t j = i;
		const struct step_adjustment *s = &p->steps[i];
		while (j > 0) {
			const struct step_adjustment *t = &p->steps[idx[j - 1]];
			if (!t->has_lower || (s->has_lower && t->lower <= s->lower))
				break;
			idx[j] = idx[j - 1];
			j--;
		}
		idx[j] = i;
	}
}

static void check_sequence(struct loader *l, const char *path, const struct scaling_policy *p)
{
	size_t *idx = xcalloc(p->nsteps, sizeof(*idx));
	char ra[80], rb[80];
	sort_steps(p, idx);
	for (size_t k = 1; k < p->nsteps; k++) {
		const struct step_adjustment *a = &p->steps[idx[k - 1]], *b = &p->steps[idx[k]];
		range_text(a, ra, sizeof(ra));
		range_text(b, rb, sizeof(rb));
		if (!a->has_upper || a->upper > b->lower)
			loader_err(l, path,
				   "steps [%zu] (%s) and [%zu] (%s) overlap (accepted: %s)",
				   idx[k - 1], ra, idx[k], rb, STEP_RULE);
		else if (a->upper < b->lower)
			loader_err(
			    l, path,
			    "steps [%zu] (%s) and [%zu] (%s) leave a gap from %g to %g (accepted: "
			    "%s)",
			    idx[k - 1], ra, idx[k], rb, a->upper, b->lower, STEP_RULE);
	}
	free(idx);
}

/* Returns false when a step's own bounds are wrong. */
static bool check_one_step(struct loader *l, const char *path, const struct scaling_policy *p,
			   size_t i)
{
	const struct step_adjustment *s = &p->steps[i];
	char *at = xasprintf("%s[%zu]", path, i);
	bool ok = !(s->has_lower && s->has_upper && s->lower >= s->upper);
	if (!ok)
		loader_err(l, at,
			   "MetricIntervalLowerBound %g is not below MetricIntervalUpperBound %g "
			   "(accepted: lower < upper)",
			   s->lower, s->upper);
	free(at);
	if (p->adjustment_type == ADJUST_EXACT && s->adjustment < 0) {
		at = xasprintf("%s[%zu].ScalingAdjustment", path, i);
		loader_err(l, at, "%ld is not a capacity (accepted: 0 or more with ExactCapacity)",
			   s->adjustment);
		free(at);
	}
	return ok;
}

static void check_steps(struct loader *l, const char *path, const struct scaling_policy *p)
{
	int nolow = 0, noup = 0;
	bool ok = true;
	if (!p->nsteps) {
		loader_err(l, path, "is empty (accepted: 1 to %d step adjustments)", MAX_STEPS);
		return;
	}
	if (p->nsteps > MAX_STEPS)
		loader_err(l, path, "%zu step adjustments given (accepted: 1 to %d, AWS's quota)",
			   p->nsteps, MAX_STEPS);
	for (size_t i = 0; i < p->nsteps; i++) {
		ok = check_one_step(l, path, p, i) && ok;
		nolow += !p->steps[i].has_lower;
		noup += !p->steps[i].has_upper;
	}
	if (nolow > 1)
		loader_err(
		    l, path,
		    "%d steps have a null MetricIntervalLowerBound (accepted: at most one, the "
		    "lowest step)",
		    nolow);
	if (noup > 1)
		loader_err(
		    l, path,
		    "%d steps have a null MetricIntervalUpperBound (accepted: at most one, the "
		    "highest step)",
		    noup);
	if (ok && nolow <= 1 && noup <= 1)
		check_sequence(l, path, p);
}

void scaling_steps_load(struct loader *l, const cJSON *list, const char *path,
			struct scaling_policy *p)
{
	const cJSON *st;
	bool typed = true;
	if (!cJSON_IsArray(list))
		return;
	p->steps = xcalloc((size_t)cJSON_GetArraySize(list) + 1, sizeof(*p->steps));
	cJSON_ArrayForEach(st, list)
	{
		struct step_adjustment *s = &p->steps[p->nsteps++];
		double v;
		typed =
		    read_bound(st, "MetricIntervalLowerBound", &s->has_lower, &s->lower) && typed;
		typed =
		    read_bound(st, "MetricIntervalUpperBound", &s->has_upper, &s->upper) && typed;
		if (loader_get_number(st, "ScalingAdjustment", &v) && v == floor(v) &&
		    fabs(v) <= 1e9)
			s->adjustment = (long)v;
		else
			typed = false;
	}
	if (typed)
		check_steps(l, path, p);
}
