/*
 * scaling_alarm — a CloudWatch alarm as the running scaler evaluates it
 * (see scaling_internal.h; SPEC §4.8; README "Autoscaling").
 *
 * Representation. An alarm keeps a ring of its last EvaluationPeriods
 * period values (value, present flag, and whether it breaches, decided as
 * the period closes) and accumulates the minute datapoints of the period in
 * progress. A period of P minutes closes at the simulated minutes that are
 * multiples of P, so periods align exactly; the alarm is judged when a
 * period closes and keeps its state in between. The counts of present and
 * breaching periods in the window change as a period enters the ring and
 * the oldest leaves it, so judging is a few comparisons, not a recount
 * (AlarmLow's window is 15 periods, judged every minute).
 *
 * Judging (TreatMissingData = missing): with no present period in the window
 * the alarm is INSUFFICIENT_DATA; ALARM when at least DatapointsToAlarm
 * present periods breach; OK when at least DatapointsToAlarm periods are
 * present and fewer breach; otherwise (too few present) it keeps its state.
 */
#include "scaling_internal.h"

#include "spotsim/util/xalloc.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

static void acc_add(struct acc *a, const struct datapoint *dp)
{
	if (!dp->present)
		return;
	if (!a->present) {
		a->weighted = true;
		a->min = dp->minimum;
		a->max = dp->maximum;
	}
	a->present++;
	a->weighted = a->weighted && dp->sample_count > 0;
	a->wsum += dp->average * dp->sample_count;
	a->weight += dp->sample_count;
	a->plain += dp->average;
	a->min = fmin(a->min, dp->minimum);
	a->max = fmax(a->max, dp->maximum);
	a->sum += dp->sum;
	a->count += dp->sample_count;
}

static struct period acc_close(const struct acc *a, enum statistic s)
{
	struct period p = {0, a->present > 0, false};
	if (!p.present)
		return p;
	switch (s) {
	case STAT_AVERAGE:
		p.value = a->weighted ? a->wsum / a->weight : a->plain / a->present;
		break;
	case STAT_MINIMUM:
		p.value = a->min;
		break;
	case STAT_MAXIMUM:
		p.value = a->max;
		break;
	case STAT_SUM:
		p.value = a->sum;
		break;
	case STAT_SAMPLE_COUNT:
		p.value = a->count;
		break;
	}
	return p;
}

bool alarm_rt_close_period(struct alarm_rt *a, sim_time now, const struct datapoint *dp,
			   struct period *out)
{
	acc_add(&a->acc, dp);
	if ((now / SIM_MIN) % a->len)
		return false; /* the period is not over */
	*out = acc_close(&a->acc, a->statistic);
	memset(&a->acc, 0, sizeof(a->acc));
	return true;
}

void alarm_rt_init(struct alarm_rt *a, const struct alarm_config *cfg, const char *label)
{
	int m = cfg->datapoints_to_alarm;
	memset(a, 0, sizeof(*a));
	a->cfg = cfg;
	a->label = label;
	a->metric = cfg->metric;
	a->statistic = cfg->statistic;
	a->comparison = cfg->comparison;
	a->threshold = cfg->threshold;
	a->state = ALARM_INSUFFICIENT_DATA;
	a->cap = cfg->evaluation_periods > 0 ? cfg->evaluation_periods : 1;
	a->to_alarm = m < 1 ? 1 : m > a->cap ? a->cap : m;
	a->len = cfg->period_minutes > 0 ? cfg->period_minutes : 1;
	a->ring = xcalloc((size_t)a->cap, sizeof(*a->ring));
}

void alarm_rt_release(struct alarm_rt *a)
{
	free(a->ring);
	a->ring = NULL;
}

/* MetricAggregationType over the present periods of the alarm's window. */
double alarm_rt_aggregate(const struct alarm_rt *a, enum statistic how)
{
	double acc = 0;
	int n = 0;
	for (int i = 0; i < a->n; i++) {
		const struct period *p = &a->ring[i];
		if (!p->present)
			continue;
		if (!n)
			acc = p->value;
		else if (how == STAT_MINIMUM)
			acc = fmin(acc, p->value);
		else if (how == STAT_MAXIMUM)
			acc = fmax(acc, p->value);
		else
			acc += p->value;
		n++;
	}
	return how == STAT_MINIMUM || how == STAT_MAXIMUM || !n ? acc : acc / n;
}
