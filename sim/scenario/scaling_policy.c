/*
 * scaling_policy — one ScalingPolicies element into a struct scaling_policy
 * (see scaling_policy.h): target tracking, or step scaling with its
 * CloudWatch alarm, given inline as "Alarm" or named in "Alarms" and found in
 * scaling.alarms (scaling_alarms.c); "Alarm" wins when both are there. The
 * StepAdjustments are read by scaling_steps.c.
 */
#include "scaling_policy.h"
#include "scaling_alarms.h"
#include "scaling_steps.h"

#include "spotsim/util/xalloc.h"

#include <stdio.h>
#include <string.h>

#define DEFAULT_COOLDOWN (300 * SIM_SEC)

/* ---- target tracking ---- */

static void load_target(struct loader *l, const cJSON *cfg, const char *base,
			struct scaling_policy *p)
{
	const cJSON *pre = loader_get(cfg, "PredefinedMetricSpecification");
	const cJSON *cust = loader_get(cfg, "CustomizedMetricSpecification");
	enum statistic stat = STAT_AVERAGE;
	char path[PATH_SIZE], at[PATH_SIZE];
	const char *m;

	p->type = POLICY_TARGET_TRACKING;
	loader_join(path, base, "TargetTrackingScalingPolicyConfiguration");
	if (loader_get_number(cfg, "TargetValue", &p->target) && p->target == 0)
		loader_err(l, loader_join(at, path, "TargetValue"),
			   "0 is not a target (accepted: a number above 0)");
	if (!(p->target > 0))
		p->target = 1; /* reported; keeps the arithmetic finite */
	if (pre && cust)
		loader_err(
		    l, path,
		    "sets both PredefinedMetricSpecification and CustomizedMetricSpecification "
		    "(accepted: one of them)");
	m = pre ? loader_get_string(pre, "PredefinedMetricType")
		: loader_get_string(cust, "MetricName");
	if (m)
		scaling_metric_parse(m, &p->metric);
	if (cust && (m = loader_get_string(cust, "Statistic")))
		scaling_statistic_parse(m, &stat);
	p->scale_out_cooldown = loader_seconds_or(cfg, "ScaleOutCooldown", DEFAULT_COOLDOWN);
	p->scale_in_cooldown = loader_seconds_or(cfg, "ScaleInCooldown", DEFAULT_COOLDOWN);
	p->disable_scale_in = cJSON_IsTrue(loader_get(cfg, "DisableScaleIn"));
	scaling_target_alarms(p, stat);
}

/* ---- step scaling: the alarm and the rest ---- */

static void load_alarm_periods(struct loader *l, const cJSON *a, const char *path,
			       struct alarm_config *out)
{
	char at[PATH_SIZE];
	long v;
	double raw;
	if (loader_get_int(a, "Period", 60, 86400, &v)) {
		if (v % 60)
			loader_err(
			    l, loader_join(at, path, "Period"),
			    "%ld seconds is not a whole number of minutes (accepted: 60, 120, "
			    "180, ... up to 86400)",
			    v);
		else
			out->period_minutes = (int)(v / 60);
	}
	if (loader_get_int(a, "EvaluationPeriods", 1, 1440, &v))
		out->evaluation_periods = (int)v;
	out->datapoints_to_alarm = out->evaluation_periods;
	if (loader_get_int(a, "DatapointsToAlarm", 1, 1440, &v)) {
		if (v > out->evaluation_periods)
			loader_err(
			    l, loader_join(at, path, "DatapointsToAlarm"),
			    "%ld is above EvaluationPeriods %d (accepted: 1 to EvaluationPeriods)",
			    v, out->evaluation_periods);
		else
			out->datapoints_to_alarm = (int)v;
	}
	if (loader_get_number(a, "Threshold", &raw))
		out->threshold = raw;
}

/* Fills `out` from the alarm object `a` at JSON path `path`; false when there is none. */
static bool load_alarm(struct loader *l, const cJSON *a, const char *path, struct alarm_config *out)
{
	char at[PATH_SIZE];
	const char *s;
	*out = (struct alarm_config){METRIC_CPU, STAT_AVERAGE, 1, 1, 1, 0, CMP_GE};
	if (!cJSON_IsObject(a))
		return false;
	if ((s = loader_get_string(a, "MetricName")))
		scaling_metric_parse(s, &out->metric);
	if ((s = loader_get_string(a, "Statistic")))
		scaling_statistic_parse(s, &out->statistic);
	else if ((s = loader_get_string(a, "ExtendedStatistic")))
		loader_err(l, loader_join(at, path, "ExtendedStatistic"),
			   "percentile %s is not modelled (accepted: Statistic Average, Minimum, "
			   "Maximum, SampleCount or Sum)",
			   s);
	if ((s = loader_get_string(a, "ComparisonOperator")))
		scaling_comparison_parse(s, &out->comparison);
	load_alarm_periods(l, a, path, out);
	return true;
}

/*
 * The alarm that a policy pasted from describe-scaling-policies names in its
 * "Alarms" list, defined by describe-alarms output in scaling.alarms. A
 * policy file for `spotsim scale` has no scaling.alarms: it takes --threshold.
 */
static void resolve_alarms(struct loader *l, const cJSON *list, const char *base,
			   struct scaling_policy *p)
{
	char path[PATH_SIZE], at[PATH_SIZE + 8];
	struct alarm_place place;
	int n = cJSON_GetArraySize(list);
	loader_join(path, base, "Alarms");
	if (!l->alarms || !cJSON_IsArray(list))
		return;
	if (n != 1) {
		loader_err(
		    l, path,
		    n ? "%d alarms invoke the step policy (accepted: one; spotsim models one "
			"alarm per step policy)"
		      : "is empty: no alarm invokes the step policy (accepted: the alarm "
			"that does, {\"AlarmName\": ...}, with its describe-alarms output as "
			"\"scaling.alarms\")",
		    n);
		return;
	}
	snprintf(at, sizeof(at), "%s[0]", path);
	const cJSON *a = scaling_alarms_find(l, list->child, at, &place);
	if (!a)
		return;
	struct loader in = *l; /* the alarm's messages name the file that holds it */
	in.file = place.file;
	const char *name = loader_get_string(a, "AlarmName");
	if ((p->has_alarm = load_alarm(&in, a, place.path, &p->alarm)) && name)
		p->alarm_name = xstrdup(name);
}

static void load_step(struct loader *l, const cJSON *pol, const cJSON *cfg, const char *base,
		      struct scaling_policy *p)
{
	char path[PATH_SIZE], at[PATH_SIZE];
	const char *s;
	bool typed;
	long v;

	p->type = POLICY_STEP;
	loader_join(path, base, "StepScalingPolicyConfiguration");
	typed = (s = loader_get_string(cfg, "AdjustmentType")) &&
		scaling_adjustment_parse(s, &p->adjustment_type);
	p->cooldown = loader_seconds_or(cfg, "Cooldown", DEFAULT_COOLDOWN);
	p->aggregation = STAT_AVERAGE;
	if ((s = loader_get_string(cfg, "MetricAggregationType")))
		scaling_statistic_parse(s, &p->aggregation);
	if (typed && loader_get(cfg, "MinAdjustmentMagnitude") &&
	    p->adjustment_type != ADJUST_PERCENT)
		loader_err(l, loader_join(at, path, "MinAdjustmentMagnitude"),
			   "is only valid with PercentChangeInCapacity (AdjustmentType is %s)",
			   scaling_adjustment_name(p->adjustment_type));
	else if (loader_get_int(cfg, "MinAdjustmentMagnitude", 0, 1e9, &v))
		p->min_adjustment_magnitude = v;
	scaling_steps_load(l, loader_get(cfg, "StepAdjustments"),
			   loader_join(at, path, "StepAdjustments"), p);
	p->has_alarm =
	    load_alarm(l, loader_get(pol, "Alarm"), loader_join(at, base, "Alarm"), &p->alarm);
	if (p->has_alarm && (s = loader_get_string(loader_get(pol, "Alarm"), "AlarmName")))
		p->alarm_name = xstrdup(s);
	else if (!p->has_alarm)
		resolve_alarms(l, loader_get(pol, "Alarms"), base, p);
}

/*
 * Fills `p` from one policy object; false when its type or configuration is
 * missing (reported by the schema walk or the caller). `p` owns its name.
 */
bool scaling_policy_load(struct loader *l, const cJSON *pol, const char *base,
			 struct scaling_policy *p)
{
	const char *type = loader_get_string(pol, "PolicyType");
	const char *name = loader_get_string(pol, "PolicyName");
	const cJSON *cfg;
	memset(p, 0, sizeof(*p));
	p->name = xstrdup(name && *name ? name : *base ? base : "policy");
	if (!type)
		return false;
	if (!strcmp(type, "TargetTrackingScaling")) {
		cfg = loader_get(pol, "TargetTrackingScalingPolicyConfiguration");
		if (cJSON_IsObject(cfg))
			load_target(l, cfg, base, p);
		return cJSON_IsObject(cfg);
	}
	if (!strcmp(type, "StepScaling")) {
		cfg = loader_get(pol, "StepScalingPolicyConfiguration");
		if (cJSON_IsObject(cfg))
			load_step(l, pol, cfg, base, p);
		return cJSON_IsObject(cfg);
	}
	return false;
}
