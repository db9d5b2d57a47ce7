#ifndef SPOTSIM_PLAN_H
#define SPOTSIM_PLAN_H

/* Limits on a plan's size: sweep points, and variants x points x replications. */
#define PLAN_MAX_POINTS 100000
#define PLAN_MAX_ITEMS	10000000
/*
 * plan — the configurations a run simulates (SPEC §5): the base scenario
 * and each of its `variants`, each at every point of its `sweep`.
 *
 * A variant is {"name", "set": {"json.path": value, ...}, "unset":
 * ["json.path", ...]} (set, unset or both); a sweep is {"json.path":
 * [values], ...}, whose Cartesian product gives the points (the first key
 * varies slowest). A path names keys separated by dots, with [i] for an
 * array element: "spot.interruptions.monthly_fraction",
 * "service.capacityProviderStrategy[1].weight". A variant's unset paths are
 * removed first (a path that is not in the file is an error naming it), then
 * its set paths replace the value there (creating missing objects on the
 * way), so a typo in a set path becomes an unknown key that the normal
 * validation reports, with its "did you mean"; the sweep point is set last.
 * Every configuration is validated with the same messages as the base
 * scenario, prefixed with the variant (`variants[1] "all-spot": `) or, for
 * the base, the sweep point (`sweep "spot.interruptions.monthly_fraction=2":
 * `); an identical message is reported once. A plan that loads is therefore
 * exactly what `run` simulates, and `validate` loads the same plan.
 *
 * Order: variant-major (base first, then the variants in file order), sweep
 * points inside. The baseline of a configuration is the base at the same
 * sweep point. All configurations share the scenario's seed, so replication
 * k of each sees the same random streams (common random numbers).
 *
 * `files` lists the data files named anywhere in the scenario file, in the
 * base, its variants or its sweep ("file" keys, paths ending in ".file",
 * "empirical(...)"), resolved against the scenario's folder and listed once
 * each in the order they appear: what a fingerprint of the run's inputs
 * must cover besides the scenario file itself.
 */
#include <stddef.h>

#include "spotsim/util/diag.h"
#include "spotsim/scenario/scenario.h"

struct plan_config {
	struct scenario sc;
	char *variant;	 /* owned: "base" or the variant's name */
	char *sweep;	 /* owned: "" or "path=value;path=value" */
	size_t baseline; /* index of the base at the same sweep point */
};

struct plan {
	struct scenario base;	     /* the file as written: variant and sweep counts, notes */
	struct plan_config *configs; /* owned */
	size_t n;
	size_t nvariants, npoints; /* n = nvariants x npoints */
	char **files;		   /* owned: the data files the scenario names (traces,
				      empirical distributions, a price table), resolved */
	size_t nfiles;
};

/*
 * Loads `path` and builds every configuration. Problems go to `d`: those of
 * the file as written first (with its note of ignored keys); only when there
 * are none, each configuration's. Returns 0 or a negative SPOTSIM_* code; `p`
 * is safe to release either way.
 */
int plan_load(struct plan *p, const char *path, struct diag *d);

/*
 * Checks that the price table `t` has the rates every configuration of a
 * loaded plan needs (scenario_check_prices): the file as written first, then
 * each configuration, its problems named like plan_load's. Returns 0 or
 * SPOTSIM_EINVAL with the problems in `d`.
 */
int plan_check_prices(const struct plan *p, const struct price_table *t, struct diag *d);

void plan_release(struct plan *p);

#endif
