#ifndef SPOTSIM_SCENARIO_SCALING_H
#define SPOTSIM_SCENARIO_SCALING_H
/*
 * scenario_scaling — private to sim/scenario/: the `scaling` section into
 * struct scaling_config, with its policies and scheduled actions, checking
 * the rules the schema cannot. Called by scenario.c; uses the readers of
 * loader_get.h.
 */
#include "loader_get.h"

/* Fills l->sc->scaling from the "scaling" object of l->root, reporting what is wrong. */
void load_model_scaling(struct loader *l);

#endif
