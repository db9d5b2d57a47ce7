#ifndef SPOTSIM_SCALING_POLICY_H
#define SPOTSIM_SCALING_POLICY_H
/*
 * scaling_policy — private to the scaling loader: one element of
 * ScalingPolicies (TargetTrackingScaling, or StepScaling with its Alarm, or
 * with the "Alarms" list of describe-scaling-policies resolved against
 * scaling.alarms when l->alarms is set) into a struct scaling_policy, with
 * AWS's defaults (300 s cooldowns, an average statistic) and the checks the
 * schema cannot make. Called by scenario_scaling.c for a scenario's policies
 * and by scaling_policy_file.c for `spotsim scale`; calls scaling_steps.c,
 * scaling_alarms.c and loader_get.c only.
 */
#include "loader_get.h"

/*
 * Fills `p` (overwritten; it then owns its name) from the policy object
 * `pol`, whose JSON path is `base` ("" at the root of a policy file), and
 * reports what is wrong in it. False when its type or configuration is
 * missing: the schema walk or the caller reports that.
 */
bool scaling_policy_load(struct loader *l, const cJSON *pol, const char *base,
			 struct scaling_policy *p);

#endif
