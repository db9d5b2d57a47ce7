/*
 * scenario_scaling — the `scaling` section into struct scaling_config
 * (scaling.h). Part of the scenario loader (see scenario.c): the schema walk
 * has checked shapes, types and ranges; here values are copied, defaults
 * applied, and the rules that involve several values are checked, as AWS
 * checks them:
 *  - step adjustments meet end to end (no overlap, no gap), at most one null
 *    lower and one null upper bound, at most 20 steps;
 *  - MinAdjustmentMagnitude only with PercentChangeInCapacity; ExactCapacity
 *    not below 0;
 *  - an alarm's Period is whole minutes, DatapointsToAlarm <= EvaluationPeriods;
 *  - schedules: at(...), rate(...), cron(...) in AWS's dialect, an IANA
 *    Timezone, StartTime <= EndTime.
 *
 * The section is read by several files, each calling only those below it:
 *   scenario_scaling.c   capacity bounds, the list of policies (this file)
 *     scaling_policy.c     one policy: target tracking, step scaling, alarm
 *       scaling_steps.c      the StepAdjustments of a step policy
 *     scaling_actions.c    ScheduledActions into their runs within the run
 *       schedule_expression.c   at(...), rate(...), cron(...) into instants
 *         scaling_time.c       ISO 8601 instants, IANA time zones
 * scaling_policy_file.c reads one policy file for `spotsim scale` through
 * scaling_policy.c. All of them use the readers of loader_get.h.
 *
 * scenario_scaling_warnings (scenario.h) looks at a loaded section for what
 * is valid but almost surely a mistake: step policies whose steps cannot
 * hold the breaches of their alarm (scaling_step_coverage).
 */
#include "scenario_scaling.h"
#include "scaling_actions.h"
#include "scaling_policy.h"

#include "spotsim/util/xalloc.h"

#include <stdio.h>
#include <string.h>

#define DEFAULT_MIN_CAPACITY 0
#define DEFAULT_MAX_CAPACITY SCENARIO_MAX_DESIRED

static void model_policies(struct loader *l, const cJSON *list, struct scaling_config *c)
{
	const cJSON *pol;
	int i = 0;
	if (!cJSON_IsArray(list))
		return;
	c->policies = xcalloc((size_t)cJSON_GetArraySize(list) + 1, sizeof(*c->policies));
	cJSON_ArrayForEach(pol, list)
	{
		char base[PATH_SIZE], at[PATH_SIZE];
		struct scaling_policy *p = &c->policies[c->npolicies];
		snprintf(base, sizeof(base), "scaling.ScalingPolicies[%d]", i++);
		if (!scaling_policy_load(l, pol, base, p)) {
			scaling_policy_release(p);
			continue;
		}
		for (size_t k = 0; k < c->npolicies; k++)
			if (!strcmp(c->policies[k].name, p->name))
				loader_err(l, loader_join(at, base, "PolicyName"),
					   "\"%s\" is used twice (accepted: unique policy names)",
					   p->name);
		c->npolicies++;
	}
}

void scenario_scaling_warnings(const struct scenario *sc, struct diag *d)
{
	const struct scaling_config *c = &sc->scaling;
	char path[PATH_SIZE], why[512];
	for (size_t i = 0; i < c->npolicies; i++) {
		const struct scaling_policy *p = &c->policies[i];
		if (p->type != POLICY_STEP || !p->has_alarm ||
		    scaling_step_coverage(p, why, sizeof(why)) == SCALING_COVER_ALL)
			continue;
		snprintf(path, sizeof(path), "scaling.ScalingPolicies[%zu]", i);
		diag_warning(d, sc->file, path, "%s", why);
	}
}

void load_model_scaling(struct loader *l)
{
	const cJSON *s = loader_get(l->root, "scaling");
	struct scaling_config *c = &l->sc->scaling;
	long v;
	if (!cJSON_IsObject(s))
		return;
	c->enabled = true;
	c->min_capacity =
	    loader_get_int(s, "MinCapacity", 0, 100000, &v) ? v : DEFAULT_MIN_CAPACITY;
	c->max_capacity =
	    loader_get_int(s, "MaxCapacity", 0, 100000, &v) ? v : DEFAULT_MAX_CAPACITY;
	if (c->min_capacity > c->max_capacity && !loader_get(s, "MaxCapacity"))
		c->max_capacity = c->min_capacity;
	model_policies(l, loader_get(s, "ScalingPolicies"), c);
	scaling_actions_load(l, loader_get(s, "ScheduledActions"), c);
}
