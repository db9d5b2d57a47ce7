#ifndef SPOTSIM_SCHEDULE_EXPRESSION_H
#define SPOTSIM_SCHEDULE_EXPRESSION_H
/*
 * schedule_expression — private to the scaling loader: a scheduled action's
 * Schedule, at(...), rate(...) or cron(...) in AWS's dialect, expanded into
 * the instants it runs at within a window. One struct expansion collects
 * the runs of every action of a scenario, each tagged with its action's
 * place in the file, and stops (overflow) at MAX_OCCURRENCES. Called by
 * scaling_actions.c; calls scaling_time.c and loader_get.c.
 */
#include "loader_get.h"
#include "scaling_time.h"

#define MAX_OCCURRENCES 100000 /* scheduled-action runs per scenario */

struct occurrence {
	int64_t t;    /* seconds since 1970 */
	size_t order; /* the action's place in the file */
};

/* One action's expansion into the run's window [lo, hi]. */
struct expansion {
	int64_t lo, hi;
	size_t order;
	struct occurrence *occ; /* shared by all actions */
	size_t nocc, alloc;
	bool overflow;
};

/*
 * Adds the runs of schedule `text` within [x->lo, x->hi] to `x`, reading
 * wall-clock times in `z`; rate() counts from `anchor`. False, after
 * reporting at `path` what is wrong and what is accepted, when `text` is
 * not a schedule.
 */
bool schedule_expression_expand(struct loader *l, const char *text, const char *path,
				struct expansion *x, int64_t anchor, const struct zone *z);

#endif
