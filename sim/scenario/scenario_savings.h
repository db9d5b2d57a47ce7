#ifndef SPOTSIM_SCENARIO_SAVINGS_H
#define SPOTSIM_SCENARIO_SAVINGS_H
/*
 * scenario_savings — private to the scenario module: pricing.savings_plan.
 *
 * The schema (scenario_tables.c) checks the keys, the commitment's range and
 * the term and payment names; this reads them into sc->savings_plan and
 * takes the discount from the Savings Plans rate table
 * (savings_plan_default_path) for the scenario's region, OS, architecture,
 * term and payment. A table that cannot be read, or that has no such row, is
 * an error at "pricing.savings_plan" that names the file.
 */
#include "loader_get.h"

void scenario_load_savings_plan(struct loader *l);
void scenario_savings_plan_release(struct savings_plan_config *p);

#endif
