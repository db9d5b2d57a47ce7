#ifndef SPOTSIM_SCENARIO_MODEL_H
#define SPOTSIM_SCENARIO_MODEL_H
/*
 * scenario_model — private to sim/scenario/: the last loader pass for the
 * workload, spot and limits sections, which turns a checked tree into the
 * model configs inside struct scenario. Called by scenario.c only, and only
 * for a file that passed every check; uses the readers of loader_get.h.
 */
#include "loader_get.h"

void load_model_workload(struct loader *l);
void load_model_spot(struct loader *l);
void load_model_limits(struct loader *l);

#endif
