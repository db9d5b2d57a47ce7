#ifndef SPOTSIM_SCALING_STEPS_H
#define SPOTSIM_SCALING_STEPS_H
/*
 * scaling_steps — private to the scaling loader: the StepAdjustments of a
 * step policy into p->steps, checked as AWS checks them: 1 to 20 steps,
 * each lower bound below its upper bound, at most one null lower and one
 * null upper bound, steps that meet end to end (no overlap, no gap), and no
 * negative ExactCapacity. Called by scaling_policy.c; calls loader_get.c only.
 */
#include "loader_get.h"

/*
 * Fills p->steps and p->nsteps from `list` (nothing when it is not an
 * array) and reports at `path` what is wrong; p->adjustment_type must be set.
 * The checks are skipped when a step has a mistyped value (already reported).
 */
void scaling_steps_load(struct loader *l, const cJSON *list, const char *path,
			struct scaling_policy *p);

#endif
