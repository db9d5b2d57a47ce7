#ifndef SPOTSIM_SCENARIO_DEPLOY_H
#define SPOTSIM_SCENARIO_DEPLOY_H
/*
 * scenario_deploy — private to sim/scenario/: the `deployments` section
 * into sc->deployments (see scenario_deploy.c). Called by scenario.c in
 * the rules pass, after the task definition and `duration` are loaded;
 * uses the readers of loader_get.h.
 */
#include "loader_get.h"

void load_deployments(struct loader *l);

#endif
