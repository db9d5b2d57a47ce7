#ifndef SPOTSIM_SCALING_INTERNAL_H
#define SPOTSIM_SCALING_INTERNAL_H
/*
 * scaling_internal — private to the scaling module: what its files share
 * beyond the contract in spotsim/model/scaling.h. The module's files:
 *
 *   scaling.c           AWS names, configuration release, alarm thresholds
 *   scaling_decide.c    one decision and its arithmetic in words (step
 *                       scaling, target tracking), as `spotsim scale` shows it
 *   scaling_alarm.c     a runtime alarm: the period in progress, the ring of
 *                       closed periods, judging
 *   scaling_scaler.c    the running scaler: alarms take the minute, policies
 *                       ask, cooldowns and combination rules decide
 *   scaling_schedule.c  scheduled actions
 *   scaling_check.c     which breaches of a step policy's alarm its steps hold
 *
 * A scaler owns one runtime alarm per alarm of a policy: a step policy's
 * "Alarm"; a target-tracking policy's AlarmHigh and, unless scale-in is
 * disabled, AlarmLow (in that order in policy_rt.alarms).
 */
#include <stdbool.h>
#include <stddef.h>

#include "spotsim/model/scaling.h"
#include "spotsim/util/strbuf.h"

/* scaling_alarm_breaches, inlined where alarms are judged every minute. */
static inline bool scaling_breaches(enum comparison c, double threshold, double value)
{
	switch (c) {
	case CMP_GE:
		return value >= threshold;
	case CMP_GT:
		return value > threshold;
	case CMP_LT:
		return value < threshold;
	case CMP_LE:
		return value <= threshold;
	}
	return false;
}

/* ---- shared by one decision and the running scaler (scaling_decide.c) ---- */

/* A number as people write it into `buf`: 15, 3.3, 0.67. Returns `buf`. */
const char *scaling_num(double v, char *buf, size_t size);

/* `v` held to [lo, hi]. */
long scaling_clamp(long v, long lo, long hi);

/*
 * The decisions without their words, for the running scaler: out->explain
 * is left empty, every other field is what scaling_step_decide and
 * scaling_target_decide give.
 *
 * scaling_target_compute: target tracking's ceil(running x metric /
 * target) into `out`; `out_dir` says which way the alarm asks (true: out).
 * Returns whether the capacity moves that way.
 */
bool scaling_step_compute(const struct scaling_policy *p, long current, double metric,
			  long min_capacity, long max_capacity, struct scaling_decision *out);
bool scaling_target_compute(const struct scaling_policy *p, long current, double metric,
			    bool out_dir, long min_capacity, long max_capacity,
			    struct scaling_decision *out);

/*
 * The words of the decision that policy `p` makes from `current` and
 * `metric` (`out_dir` as for scaling_target_compute; step policies ignore
 * it) into `buf`, truncated to `size` as `explain` is: the same text the
 * deciding call would have written. Only the inputs are needed, so the
 * scaler keeps them and writes the words only for what it reports.
 */
void scaling_explain(const struct scaling_policy *p, long current, double metric, bool out_dir,
		     char *buf, size_t size);

/* ---- a runtime alarm (scaling_alarm.c) ---- */

struct period {
	double value;
	bool present;
	bool breaching; /* present and over the threshold, judged once as it closes */
};

/* The minute datapoints of the period in progress. */
struct acc {
	int present;
	bool weighted; /* every present minute has a sample count */
	double wsum, weight, plain, min, max, sum, count;
};

/*
 * The window's counts of present and breaching periods follow the ring as
 * periods enter and leave it, so judging costs the same whatever its
 * length; `newest` is the ring index of the newest period.
 */
struct alarm_rt {
	const struct alarm_config *cfg;
	const char *label; /* "Alarm", "AlarmHigh", "AlarmLow" */
	/* cfg's, read every minute */
	enum metric_name metric;
	enum statistic statistic;
	enum comparison comparison;
	double threshold;
	enum alarm_state state;
	struct period *ring; /* the last `cap` periods, oldest at `head` */
	int cap, n, head, newest;
	int present, breaching; /* among the ring's n periods */
	int to_alarm;		/* DatapointsToAlarm held to [1, cap] */
	int len;		/* period length in minutes, at least 1 */
	struct acc acc;
};

/* INSUFFICIENT_DATA, with an empty ring of EvaluationPeriods periods (owned). */
void alarm_rt_init(struct alarm_rt *a, const struct alarm_config *cfg, const char *label);
void alarm_rt_release(struct alarm_rt *a);

/*
 * A period longer than a minute: adds the minute datapoint taken at `now`
 * and, when that minute ends the period, closes it into `out` (not yet
 * judged) and returns true.
 */
bool alarm_rt_close_period(struct alarm_rt *a, sim_time now, const struct datapoint *dp,
			   struct period *out);

/*
 * A one-minute period: what acc_add then acc_close (scaling_alarm.c) give
 * for its only datapoint, the same operations on the same values (sums
 * start from +0, and 0 + x is not always x: -0), without the accumulator.
 */
static inline struct period alarm_rt_minute_period(const struct datapoint *dp, enum statistic s)
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
static inline void alarm_rt_push(struct alarm_rt *a, struct period p)
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

static inline enum alarm_state alarm_rt_judge(const struct alarm_rt *a)
{
	if (!a->present)
		return ALARM_INSUFFICIENT_DATA;
	if (a->breaching >= a->to_alarm)
		return ALARM_ALARM;
	if (a->present >= a->to_alarm)
		return ALARM_OK;
	return a->state;
}

/*
 * A closed period `p` (breaching not yet judged) enters the alarm, which
 * is judged anew. Returns whether the state changed.
 */
static inline bool alarm_rt_put(struct alarm_rt *a, struct period p)
{
	p.breaching = p.present && scaling_breaches(a->comparison, a->threshold, p.value);
	alarm_rt_push(a, p);
	enum alarm_state was = a->state;
	a->state = alarm_rt_judge(a);
	return a->state != was;
}

/*
 * Adds the minute datapoint taken at `now`; when the minute ends a period,
 * closes it and judges the alarm. Returns whether the state changed.
 */
static inline bool alarm_rt_take(struct alarm_rt *a, sim_time now, const struct datapoint *dp)
{
	struct period p;
	if (a->len == 1)
		p = alarm_rt_minute_period(dp, a->statistic);
	else if (!alarm_rt_close_period(a, now, dp, &p))
		return false;
	return alarm_rt_put(a, p);
}

/* The newest closed period, or NULL before the first one closes. */
static inline const struct period *alarm_rt_newest(const struct alarm_rt *a)
{
	return a->n ? &a->ring[a->newest] : NULL;
}

/* In ALARM with its newest period present: missing data never scales. */
static inline bool alarm_rt_acting(const struct alarm_rt *a)
{
	return a->state == ALARM_ALARM && a->n && a->ring[a->newest].present;
}

/* MetricAggregationType `how` over the present periods of the window. */
double alarm_rt_aggregate(const struct alarm_rt *a, enum statistic how);

/* ---- the running scaler (scaling_scaler.c) ---- */

struct policy_rt {
	const struct scaling_policy *p;
	struct alarm_rt alarms[2]; /* step: [0]; target tracking: high, low */
	int nalarms;
};

/*
 * A runtime alarm in the scaler's order (policies in order, each one's
 * alarms in order); `same_period`: a one-minute alarm of the same metric
 * and statistic as the one before it, also of one minute (a target's
 * AlarmLow after its AlarmHigh), whose period is that one's.
 */
struct alarm_ref {
	struct policy_rt *pr;
	struct alarm_rt *a;
	bool same_period;
};

struct scaler {
	const struct scaling_config *c;
	scaling_event_fn on_event;
	void *ctx;
	struct policy_rt *pol;
	size_t npol;
	struct alarm_ref *alarms; /* every policy's, in order */
	int nalarms;
	long min, max;
	size_t next_action;
	sim_time out_until, in_until;
	long out_asked, out_base;
	long activities;
	long no_step; /* NO_STEP_ADJUSTMENT events */
	int alarming; /* alarms in ALARM */
	bool explain; /* build event details (scaler_set_explain); else they are "" */
	struct strbuf detail;
};

/* Reports event `event` at `t` with s->detail as its detail. */
void scaler_emit(struct scaler *s, sim_time t, const char *event);

/* Whether event details are wanted: explanations on and someone to tell. */
static inline bool scaler_wants_detail(const struct scaler *s)
{
	return s->explain && s->on_event;
}

#endif
