#ifndef SPOTSIM_PLACEMENT_H
#define SPOTSIM_PLACEMENT_H
/*
 * placement — the capacity provider strategy: which provider the next task
 * goes to.
 *
 * Documented by AWS: the `base` tasks go first to the one provider that has a
 * base; the rest are shared by weight; weight-0 providers never receive tasks
 * beyond their base; FARGATE_SPOT never falls back to FARGATE.
 *
 * Not documented by AWS — spotsim's model (README "Placement model"): tasks
 * are placed one at a time. While the base provider holds fewer than `base`
 * tasks it gets the task. Otherwise the task goes to the weighted provider
 * with the lowest (tasks beyond its base) / weight, compared exactly by
 * cross-multiplication; a tie goes to the provider listed first
 * (PLACEMENT_TIE_FIRST_LISTED, the default) or to the larger weight, then the
 * one listed first (PLACEMENT_TIE_LARGEST_WEIGHT). So base 2 on FARGATE with
 * weights 1:3 gives 4/6 for 10 tasks and 3/1 for 4 tasks, and small counts do
 * not follow the headline ratio (base 1, weights 1:2, 3 tasks: 2 and 1).
 */
#include <stdbool.h>
#include <stddef.h>

#include "spotsim/util/diag.h"
#include "spotsim/model/fargate.h"

enum placement_tie {
	PLACEMENT_TIE_FIRST_LISTED,
	PLACEMENT_TIE_LARGEST_WEIGHT
};

struct strategy_item {
	enum provider provider;
	long base;     /* 0-100000; only meaningful when has_base */
	long weight;   /* 0-1000 */
	bool has_base; /* the item names a base; only one item may have a base above 0 */
};

struct strategy {
	struct strategy_item items[FARGATE_MAX_STRATEGY_ITEMS];
	size_t nr;
	enum placement_tie tie;
};

/* "first_listed" / "largest_weight". */
const char *placement_tie_name(enum placement_tie t);
bool placement_tie_parse(const char *text, enum placement_tie *out);

/*
 * Checks the AWS rules: 1 to 20 items, each provider at most once, weights
 * 0-1000 with at least one above 0, base 0-100000 and on at most one item.
 * Messages go to `d` with `file` and paths "<prefix>[i].weight" etc.
 * Returns true when the strategy is valid.
 */
bool placement_check(const struct strategy *s, struct diag *d, const char *file,
		     const char *prefix);

/*
 * Parses the command-line form "FARGATE:base=2:weight=1,FARGATE_SPOT:weight=3"
 * (fields in any order, weight defaulting to 0 and base to 0 as in AWS's
 * API) and checks it. Problems go to `d` under `file` (e.g. "--strategy").
 * Returns true when the text gave a valid strategy.
 */
bool placement_parse(const char *text, struct strategy *s, struct diag *d, const char *file);

/*
 * The item index the next task goes to, given the tasks each item holds now
 * (`counts[i]` for item i). The strategy must be valid.
 */
size_t placement_pick(const struct strategy *s, const long *counts);

/* Places `n` tasks one by one from none; out[i] = tasks on item i. */
void placement_split(const struct strategy *s, long n, long *out);

#endif
