#ifndef SPOTSIM_SCENARIO_MODEL_H
#define SPOTSIM_SCENARIO_MODEL_H
/*
 * scenario_model — private to sim/scenario/: the last loader pass for the
 * workload, spot and limits sections, which turns a checked tree into the
 * model configs inside struct scenario. Called by scenario.c only, and only
 * for a file that passed every check (but for the load trace, read early:
 * see load_model_trace); uses the readers of loader_get.h.
 */
#include "loader_get.h"

/*
 * Reads the trace file of a "workload.rate" of kind "trace" into the
 * scenario's rate shape (its points and repetition, on the scenario's
 * clock), and sets the start for "start": "trace". Called right after the
 * top-level keys are read, before anything that uses the start, and
 * whatever problems other sections have, so the file's own are reported
 * too.
 */
void load_model_trace(struct loader *l);
void load_model_workload(struct loader *l);
void load_model_spot(struct loader *l);
void load_model_limits(struct loader *l);

#endif
