/*
 * scaling — Application Auto Scaling and the CloudWatch alarms that drive it
 * (see scaling.h; SPEC §4.7-4.8; README "Autoscaling").
 *
 * This file holds the vocabulary: the names AWS writes for metrics,
 * statistics, comparisons, adjustment types and alarm states, each a table
 * indexed by the enum; the release of a configuration; and the alarms a
 * configuration implies (target tracking's derived pair, what breaches).
 * The decision arithmetic, the runtime alarms, the running scaler and the
 * scheduled actions have their own files (scaling_internal.h lists them).
 */
#include "scaling_internal.h"

#include <stdlib.h>
#include <string.h>

#define TT_HIGH_POINTS 3
#define TT_LOW_POINTS  15
#define TT_LOW_FACTOR  0.9

/* ---- names ---- */

static const char *const metric_names[METRIC_COUNT] = {
    "ECSServiceAverageCPUUtilization",
    "ECSServiceAverageMemoryUtilization",
    "ALBRequestCountPerTarget",
    "BacklogPerTask",
    "RequestCount",
    "Backlog",
};

static const char *const state_names[] = {"INSUFFICIENT_DATA", "OK", "ALARM"};
static const char *const statistic_names[] = {"Average", "Minimum", "Maximum", "Sum",
					      "SampleCount"};
static const char *const comparison_names[] = {"GreaterThanOrEqualToThreshold",
					       "GreaterThanThreshold", "LessThanThreshold",
					       "LessThanOrEqualToThreshold"};
static const char *const comparison_symbols[] = {">=", ">", "<", "<="};
static const char *const adjustment_names[] = {"ChangeInCapacity", "PercentChangeInCapacity",
					       "ExactCapacity"};

static bool lookup(const char *text, const char *const *names, int n, int *out)
{
	for (int i = 0; text && i < n; i++) {
		if (!strcmp(text, names[i])) {
			*out = i;
			return true;
		}
	}
	return false;
}

const char *scaling_metric_name(enum metric_name m)
{
	return m < METRIC_COUNT ? metric_names[m] : "unknown";
}

bool scaling_metric_parse(const char *aws_name, enum metric_name *out)
{
	int i;
	if (aws_name && !strcmp(aws_name, "CPUUtilization"))
		i = METRIC_CPU;
	else if (aws_name && !strcmp(aws_name, "MemoryUtilization"))
		i = METRIC_MEMORY;
	else if (!lookup(aws_name, metric_names, METRIC_COUNT, &i))
		return false;
	*out = (enum metric_name)i;
	return true;
}

const char *scaling_alarm_state_name(enum alarm_state s)
{
	return state_names[s];
}

const char *scaling_statistic_name(enum statistic s)
{
	return statistic_names[s];
}

bool scaling_statistic_parse(const char *aws_name, enum statistic *out)
{
	int i;
	if (!lookup(aws_name, statistic_names, 5, &i))
		return false;
	*out = (enum statistic)i;
	return true;
}

const char *scaling_comparison_name(enum comparison c)
{
	return comparison_names[c];
}

const char *scaling_comparison_symbol(enum comparison c)
{
	return comparison_symbols[c];
}

bool scaling_comparison_parse(const char *aws_name, enum comparison *out)
{
	int i;
	if (!lookup(aws_name, comparison_names, 4, &i))
		return false;
	*out = (enum comparison)i;
	return true;
}

const char *scaling_adjustment_name(enum adjustment_type t)
{
	return adjustment_names[t];
}

bool scaling_adjustment_parse(const char *aws_name, enum adjustment_type *out)
{
	int i;
	if (!lookup(aws_name, adjustment_names, 3, &i))
		return false;
	*out = (enum adjustment_type)i;
	return true;
}

/* ---- configuration ---- */

void scaling_policy_release(struct scaling_policy *p)
{
	free(p->name);
	free(p->steps);
	free(p->alarm_name);
	p->name = NULL;
	p->steps = NULL;
	p->alarm_name = NULL;
	p->nsteps = 0;
}

void scaling_config_release(struct scaling_config *c)
{
	for (size_t i = 0; i < c->npolicies; i++)
		scaling_policy_release(&c->policies[i]);
	for (size_t i = 0; i < c->nactions; i++)
		free(c->actions[i].name);
	free(c->policies);
	free(c->actions);
	memset(c, 0, sizeof(*c));
}

void scaling_target_alarms(struct scaling_policy *p, enum statistic stat)
{
	p->high = (struct alarm_config){p->metric,	stat,	   1,	  TT_HIGH_POINTS,
					TT_HIGH_POINTS, p->target, CMP_GT};
	p->low = (struct alarm_config){
	    p->metric, stat, 1, TT_LOW_POINTS, TT_LOW_POINTS, TT_LOW_FACTOR * p->target, CMP_LT};
}

bool scaling_alarm_breaches(const struct alarm_config *a, double value)
{
	return scaling_breaches(a->comparison, a->threshold, value);
}
