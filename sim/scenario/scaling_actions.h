#ifndef SPOTSIM_SCALING_ACTIONS_H
#define SPOTSIM_SCALING_ACTIONS_H
/*
 * scaling_actions — private to the scaling loader: ScheduledActions into
 * c->actions, one entry per run within the simulated period ([start,
 * start + duration], both ends included, narrowed by StartTime / EndTime),
 * sorted by time then file order. Called by scenario_scaling.c; calls
 * schedule_expression.c, scaling_time.c and loader_get.c.
 */
#include "loader_get.h"

/* Fills c->actions from the ScheduledActions `list`, reporting what is wrong. */
void scaling_actions_load(struct loader *l, const cJSON *list, struct scaling_config *c);

#endif
