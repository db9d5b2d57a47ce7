#ifndef SPOTSIM_EXPERIMENT_H
#define SPOTSIM_EXPERIMENT_H
/*
 * experiment — the results of a run plan: every configuration (a variant at
 * a sweep point) times every replication, as plain data for the outputs.
 *
 * Configurations are ordered variant-major: for each variant (the base
 * scenario first, named "base" or its "base_name", then the file's variants in order), every
 * sweep point in Cartesian order (the first sweep key varying slowest). The
 * baseline of a configuration is the base scenario at the same sweep point;
 * replication k of every configuration uses the same random streams
 * (common random numbers), so differences are paired by k.
 */
#include <stddef.h>

#include "spotsim/experiment/replication.h"

struct experiment {
	size_t nconfigs, nreps;
	char **variant; /* [config], owned: "base", "all-spot", ... */
	char **sweep;	/* [config], owned: "" or "spot.interruptions.monthly_fraction=0.05;..." */
	size_t *baseline;      /* [config]: the config it is compared with (itself for the base) */
	struct run_metrics *m; /* [config * nreps + rep] */
	double budget_usd;     /* slo.monthly_budget_usd, NAN when unset */
	double max_breach;     /* slo.max_breach_probability (default 0.05) */
	/*
	 * [config * nreps + rep]: the clock hours of the replications whose
	 * configuration has a Savings Plan (n = 0 for the others, and past
	 * EXPERIMENT_HOURS_MAX hours in all); NULL when no configuration has one
	 */
	struct run_hours *hours;
	size_t hours_items; /* the items [0, hours_items) keep their hours */
};

/* The most hours the runner keeps over all replications (2 doubles each). */
#define EXPERIMENT_HOURS_MAX ((size_t)4 << 20)

/* The metrics of replication `rep` of configuration `config`. */
static inline const struct run_metrics *experiment_at(const struct experiment *x, size_t config,
						      size_t rep)
{
	return &x->m[config * x->nreps + rep];
}

#endif
