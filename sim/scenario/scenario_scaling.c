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
 *  - pasted AWS CLI output: the ScalableTargets element that is the
 *    service's supplies the bounds and SuspendedState; a step policy's
 *    "Alarms" are found in the describe-alarms output of scaling.alarms;
 *    policies and actions of other services are refused.
 *
 * The section is read by several files, each calling only those below it:
 *   scenario_scaling.c   capacity bounds, the list of policies (this file)
 *     scaling_target.c     the scalable target, the service's resource id
 *     scaling_policy.c     one policy: target tracking, step scaling, alarm
 *       scaling_alarms.c     scaling.alarms, and the alarm a policy names
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
#include "scaling_alarms.h"
#include "scaling_policy.h"
#include "scaling_target.h"

#include "spotsim/util/xalloc.h"

#include <stdio.h>
#include <string.h>

#define DEFAULT_MIN_CAPACITY 0
#define DEFAULT_MAX_CAPACITY SCENARIO_MAX_DESIRED

/* The policies of `list`, but those of other services (reported by the caller). */
static void model_policies(struct loader *l, const cJSON *list, const struct service_id *id,
			   struct scaling_config *c)
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
		if (scaling_target_foreign(pol, id))
			continue;
		if (!scaling_policy_load(l, pol, base, p)) {
			scaling_policy_release(p);
			continue;
		}
		p->index = i - 1;
		for (size_t k = 0; k < c->npolicies; k++)
			if (!strcmp(c->policies[k].name, p->name))
				loader_err(l, loader_join(at, base, "PolicyName"),
					   "\"%s\" is used twice (accepted: unique policy names)",
					   p->name);
		c->npolicies++;
	}
}

/* MinCapacity / MaxCapacity: the scalable target's, else the section's own, else 0 / 5000. */
static void load_bounds(struct loader *l, const cJSON *s, struct service_id *id,
			struct scaling_config *c)
{
	const cJSON *targets = loader_get(s, "ScalableTargets");
	long v;
	c->min_capacity =
	    loader_get_int(s, "MinCapacity", 0, 100000, &v) ? v : DEFAULT_MIN_CAPACITY;
	c->max_capacity =
	    loader_get_int(s, "MaxCapacity", 0, 100000, &v) ? v : DEFAULT_MAX_CAPACITY;
	if (c->min_capacity > c->max_capacity && !loader_get(s, "MaxCapacity"))
		c->max_capacity = c->min_capacity;
	if (cJSON_IsArray(targets))
		l->sc->scalable_target = scaling_target_load(l, s, targets, id, c);
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
		snprintf(path, sizeof(path), "scaling.ScalingPolicies[%d]", p->index);
		diag_warning(d, sc->file, path, "%s", why);
	}
}

void load_model_scaling(struct loader *l)
{
	const cJSON *s = loader_get(l->root, "scaling");
	struct scaling_config *c = &l->sc->scaling;
	struct scaling_alarms alarms;
	struct service_id id;
	if (!cJSON_IsObject(s))
		return;
	c->enabled = true;
	scaling_service_id(loader_get(l->root, "service"), &id);
	load_bounds(l, s, &id, c);
	scaling_target_check_owner(l, loader_get(s, "ScalingPolicies"), "ScalingPolicies", &id);
	scaling_target_check_owner(l, loader_get(s, "ScheduledActions"), "ScheduledActions", &id);
	scaling_alarms_load(l, loader_get(s, "alarms"), &alarms);
	l->alarms = &alarms;
	model_policies(l, loader_get(s, "ScalingPolicies"), &id, c);
	l->alarms = NULL;
	scaling_alarms_finish(l, &alarms);
	scaling_actions_load(l, loader_get(s, "ScheduledActions"), c);
}
