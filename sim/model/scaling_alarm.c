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

/*
 * A one-minute period: what acc_add then acc_close give for its only
 * datapoint, the same operations on the same values (sums start from +0,
 * and 0 + x is not always x: -0), without the accumulator.
 */
static struct period minute_period(const struct datapoint *dp, enum statistic s)
{
	struct period p = {0, dp->present, false};
	if (!p.present)
		return p;
	switch (s) {
	case STAT_AVERAGE:
		p.value = dp->sample_count > 0
			      ? (0.0 + dp->average * dp->sample_count) / (0.0 + dp->sample_count)
			      : 0.0 + dp->average;
		break;
	case STAT_MINIMUM:
		p.value = dp->minimum;
		break;
	case STAT_MAXIMUM:
		p.value = dp->maximum;
		break;
	case STAT_SUM:
		p.value = 0.0 + dp->sum;
		break;
	case STAT_SAMPLE_COUNT:
		p.value = 0.0 + dp->sample_count;
		break;
	}
	return p;
}

/* Puts p in the ring, the oldest period leaving it once it is full, and keeps the counts. */
static void ring_push(struct alarm_rt *a, struct period p)
{
	int slot = a->head;
	if (a->n < a->cap) {
		slot = a->n++; /* head stays 0 until the ring is full */
	} else {
		a->present -= a->ring[slot].present;
		a->breaching -= a->ring[slot].breaching;
		a->head = slot + 1 < a->cap ? slot + 1 : 0;
	}
	a->ring[slot] = p;
	a->newest = slot;
	a->present += p.present;
	a->breaching += p.breaching;
}

static enum alarm_state alarm_judge(const struct alarm_rt *a)
{
	if (!a->present)
		return ALARM_INSUFFICIENT_DATA;
	if (a->breaching >= a->to_alarm)
		return ALARM_ALARM;
	if (a->present >= a->to_alarm)
		return ALARM_OK;
	return a->state;
}

bool alarm_rt_take(struct alarm_rt *a, sim_time now, const struct datapoint *dp)
{
	enum alarm_state was;

	struct period p;
	if (a->len == 1) {
		p = minute_period(dp, a->cfg->statistic);
	} else {
		acc_add(&a->acc, dp);
		if ((now / SIM_MIN) % a->len)
			return false; /* the period is not over */
		p = acc_close(&a->acc, a->cfg->statistic);
		memset(&a->acc, 0, sizeof(a->acc));
	}
	p.breaching = p.present && scaling_breaches(a->cfg->comparison, a->cfg->threshold, p.value);
	ring_push(a, p);
	was = a->state;
	a->state = alarm_judge(a);
	return a->state != was;
}

void alarm_rt_init(struct alarm_rt *a, const struct alarm_config *cfg, const char *label)
{
	int m = cfg->datapoints_to_alarm;
	memset(a, 0, sizeof(*a));
	a->cfg = cfg;
	a->label = label;
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
