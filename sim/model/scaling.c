/*
 * scaling — Application Auto Scaling and the CloudWatch alarms that drive it
 * (see scaling.h; SPEC §4.7-4.8; README "Autoscaling").
 *
 * Representation. A scaler owns one runtime alarm per alarm of a policy: a
 * step policy's "Alarm"; a target-tracking policy's AlarmHigh and, unless
 * scale-in is disabled, AlarmLow. An alarm keeps a ring of its last
 * EvaluationPeriods period values (value + present flag) and accumulates the
 * minute datapoints of the period in progress. A period of P minutes closes
 * at the simulated minutes that are multiples of P, so periods align exactly;
 * the alarm is judged when a period closes and keeps its state in between.
 *
 * Judging (TreatMissingData = missing): with no present period in the window
 * the alarm is INSUFFICIENT_DATA; ALARM when at least DatapointsToAlarm
 * present periods breach; OK when at least DatapointsToAlarm periods are
 * present and fewer breach; otherwise (too few present) it keeps its state.
 *
 * Acting. Every minute, each policy whose alarm is in ALARM and whose newest
 * period is present asks for a capacity; a missing newest period never
 * scales. Cooldowns belong to the scalable target, as AWS describes them
 * per activity: one scale-out cooldown (until, the capacity it asked for,
 * the capacity it started from) and one scale-in cooldown, each set by the
 * policy whose request was applied, with that policy's cooldown.
 *
 * A step policy's calculation during a scale-out cooldown starts from the
 * capacity the cooldown's scale-out started from (or RUNNING if lower): AWS
 * counts the capacity that scale-out added as already there ("+2, then +3
 * adds 1"), and tasks coming up during the cooldown do not restart the
 * climb. Target tracking always starts from RUNNING: its metric is per task,
 * so running x metric does not grow as tasks come up. (README "Autoscaling".)
 */
#include "spotsim/model/scaling.h"

#include "spotsim/util/strbuf.h"
#include "spotsim/util/xalloc.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define EPS	       1e-9
#define MAX_CALC       1e12 /* capacities beyond this are nonsense input; keep longs safe */
#define TT_HIGH_POINTS 3
#define TT_LOW_POINTS  15
#define TT_LOW_FACTOR  0.9
#define NO_COOLDOWN    INT64_MIN

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
	p->name = NULL;
	p->steps = NULL;
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
	switch (a->comparison) {
	case CMP_GE:
		return value >= a->threshold;
	case CMP_GT:
		return value > a->threshold;
	case CMP_LT:
		return value < a->threshold;
	case CMP_LE:
		return value <= a->threshold;
	}
	return false;
}

/* ---- one decision ---- */

/* A number as people write it: 15, 3.3, 0.67. */
static const char *num(double v, char *buf, size_t size)
{
	if (v == floor(v) && fabs(v) < 1e15)
		snprintf(buf, size, "%.0f", v);
	else
		snprintf(buf, size, "%.6g", v);
	return buf;
}

static long clamp(long v, long lo, long hi)
{
	return v < lo ? lo : v > hi ? hi : v;
}

static long to_capacity(double v)
{
	return v > MAX_CALC ? (long)MAX_CALC : v < -MAX_CALC ? -(long)MAX_CALC : (long)v;
}

/* AWS's rounding of a percent adjustment: >1 down, (0,1] -> 1, [-1,0) -> -1, < -1 toward 0. */
static long round_percent(double raw)
{
	if (raw > 1)
		return to_capacity(floor(raw + EPS));
	if (raw > 0)
		return 1;
	if (raw == 0)
		return 0;
	if (raw >= -1)
		return -1;
	return to_capacity(ceil(raw - EPS));
}

long scaling_percent_adjustment(double pct, long current, long min_magnitude)
{
	long adj = round_percent(pct * (double)current / 100.0);
	if (min_magnitude > 0 && adj != 0 && labs(adj) < min_magnitude)
		adj = adj > 0 ? min_magnitude : -min_magnitude;
	return adj;
}

static void decision_init(struct scaling_decision *out, long current)
{
	memset(out, 0, sizeof(*out));
	out->from = out->to = out->clamped = current;
	out->step = -1;
}

static void bound_text(const struct step_adjustment *st, bool above, char *buf, size_t size)
{
	char lo[32], hi[32];
	snprintf(buf, size, "%c%s, %s%c", st->has_lower && above ? '[' : '(',
		 st->has_lower ? num(st->lower, lo, sizeof(lo)) : "-inf",
		 st->has_upper ? num(st->upper, hi, sizeof(hi)) : "+inf",
		 st->has_upper && !above ? ']' : ')');
}

/* Above the threshold the lower bound is inclusive, below it the upper one. */
static int step_find(const struct scaling_policy *p, double delta, bool above)
{
	for (size_t i = 0; i < p->nsteps; i++) {
		const struct step_adjustment *st = &p->steps[i];
		bool lo_ok = !st->has_lower || (above ? delta >= st->lower : delta > st->lower);
		bool hi_ok = !st->has_upper || (above ? delta < st->upper : delta <= st->upper);
		if (lo_ok && hi_ok)
			return (int)i;
	}
	return -1;
}

static void add_percent(const struct scaling_policy *p, long adj, long current,
			struct scaling_decision *out, struct strbuf *sb)
{
	char a[32];
	long base = current > 0 ? current : 1;
	long rounded = round_percent((double)adj * (double)base / 100.0);
	long got = scaling_percent_adjustment((double)adj, base, p->min_adjustment_magnitude);
	out->raw = (double)adj * (double)base / 100.0;
	if (current <= 0)
		strbuf_adds(sb, "running 0 counts as 1 for the percentage: ");
	strbuf_addf(sb, "%+ld %% of %ld = %s", adj, base, num(out->raw, a, sizeof(a)));
	if ((double)rounded != out->raw)
		strbuf_addf(sb, ", rounded to %ld", rounded);
	if (got != rounded)
		strbuf_addf(sb, ", raised to MinAdjustmentMagnitude %ld", labs(got));
	out->to = current + got;
	strbuf_addf(sb, ", so %ld %c %ld = %ld", current, got < 0 ? '-' : '+', labs(got), out->to);
}

static void apply_step(const struct scaling_policy *p, long adj, long current,
		       struct scaling_decision *out, struct strbuf *sb)
{
	switch (p->adjustment_type) {
	case ADJUST_CHANGE:
		out->raw = (double)adj;
		out->to = current + adj;
		strbuf_addf(sb, "%ld %c %ld = %ld", current, adj < 0 ? '-' : '+', labs(adj),
			    out->to);
		break;
	case ADJUST_EXACT:
		out->raw = (double)adj;
		out->to = adj;
		strbuf_addf(sb, "exact capacity %ld", adj);
		break;
	case ADJUST_PERCENT:
		add_percent(p, adj, current, out, sb);
		break;
	}
	if (out->to < 0) {
		out->to = 0;
		strbuf_adds(sb, ", no fewer than 0");
	}
}

static void set_explain(struct scaling_decision *out, struct strbuf *sb)
{
	snprintf(out->explain, sizeof(out->explain), "%s", sb->buf);
	strbuf_release(sb);
}

bool scaling_step_decide(const struct scaling_policy *p, long current, double metric,
			 long min_capacity, long max_capacity, struct scaling_decision *out)
{
	struct strbuf sb = STRBUF_INIT;
	char m[32], t[32], dl[32], iv[80];
	double delta = metric - p->alarm.threshold;
	bool above =
	    delta > 0 ||
	    (delta == 0 && (p->alarm.comparison == CMP_GE || p->alarm.comparison == CMP_GT));
	decision_init(out, current);
	num(metric, m, sizeof(m));
	num(p->alarm.threshold, t, sizeof(t));
	if (!scaling_alarm_breaches(&p->alarm, metric)) {
		strbuf_addf(&sb, "%s does not breach the alarm (%s %s): no change", m,
			    scaling_comparison_symbol(p->alarm.comparison), t);
		set_explain(out, &sb);
		return false;
	}
	out->step = step_find(p, delta, above);
	strbuf_addf(&sb, "%s - %s = %s", m, t, num(delta, dl, sizeof(dl)));
	if (out->step < 0) {
		strbuf_adds(&sb, " is in no step: no change");
		set_explain(out, &sb);
		return false;
	}
	bound_text(&p->steps[out->step], above, iv, sizeof(iv));
	strbuf_addf(&sb, " is in %s: ", iv);
	apply_step(p, p->steps[out->step].adjustment, current, out, &sb);
	out->clamped = clamp(out->to, min_capacity, max_capacity);
	set_explain(out, &sb);
	return true;
}

/* ceil(running x metric / target); `out_dir` says which way the alarm asks. */
static bool target_compute(const struct scaling_policy *p, long current, double metric,
			   bool out_dir, long min_capacity, long max_capacity,
			   struct scaling_decision *out)
{
	struct strbuf sb = STRBUF_INIT;
	char m[32], t[32], r[32];
	long base = current > 0 ? current : 1;
	decision_init(out, current);
	out->raw = (double)base * metric / p->target;
	out->to = to_capacity(ceil(out->raw - EPS * fmax(1, fabs(out->raw))));
	if (out->to < 0)
		out->to = 0;
	out->clamped = clamp(out->to, min_capacity, max_capacity);
	if (current <= 0)
		strbuf_adds(&sb, "running 0 counts as 1: ");
	strbuf_addf(&sb, "ceil(%ld x %s / %s)", base, num(metric, m, sizeof(m)),
		    num(p->target, t, sizeof(t)));
	if ((double)out->to != out->raw)
		strbuf_addf(&sb, " = ceil(%s)", num(out->raw, r, sizeof(r)));
	strbuf_addf(&sb, " = %ld", out->to);
	bool moves = out_dir ? out->to > current : out->to < current;
	if (!moves)
		strbuf_adds(&sb, ": no change");
	set_explain(out, &sb);
	return moves;
}

bool scaling_target_decide(const struct scaling_policy *p, long current, double metric,
			   long min_capacity, long max_capacity, struct scaling_decision *out)
{
	char m[32], hi[32], lo[32];
	if (scaling_alarm_breaches(&p->high, metric))
		return target_compute(p, current, metric, true, min_capacity, max_capacity, out);
	if (!p->disable_scale_in && scaling_alarm_breaches(&p->low, metric))
		return target_compute(p, current, metric, false, min_capacity, max_capacity, out);
	decision_init(out, current);
	num(metric, m, sizeof(m));
	num(p->high.threshold, hi, sizeof(hi));
	num(p->low.threshold, lo, sizeof(lo));
	if (p->disable_scale_in)
		snprintf(out->explain, sizeof(out->explain),
			 "%s is not above %s and scale-in is disabled: no change", m, hi);
	else
		snprintf(out->explain, sizeof(out->explain),
			 "%s is between %s and %s (neither alarm breaches): no change", m, lo, hi);
	return false;
}

/* ---- the running scaler: alarms ---- */

struct period {
	double value;
	bool present;
};

/* The minute datapoints of the period in progress. */
struct acc {
	int present;
	bool weighted; /* every present minute has a sample count */
	double wsum, weight, plain, min, max, sum, count;
};

struct alarm_rt {
	const struct alarm_config *cfg;
	const char *label; /* "Alarm", "AlarmHigh", "AlarmLow" */
	enum alarm_state state;
	struct period *ring; /* the last `cap` periods, oldest at `head` */
	int cap, n, head;
	struct acc acc;
};

struct policy_rt {
	const struct scaling_policy *p;
	struct alarm_rt alarms[2]; /* step: [0]; target tracking: high, low */
	int nalarms;
};

struct scaler {
	const struct scaling_config *c;
	scaling_event_fn on_event;
	void *ctx;
	struct policy_rt *pol;
	size_t npol;
	long min, max;
	size_t next_action;
	sim_time out_until, in_until;
	long out_asked, out_base;
	long activities;
	struct strbuf detail;
};

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
	struct period p = {0, a->present > 0};
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

static const struct period *newest(const struct alarm_rt *a)
{
	return a->n ? &a->ring[(a->head + a->n - 1) % a->cap] : NULL;
}

static void ring_push(struct alarm_rt *a, struct period p)
{
	if (a->n < a->cap) {
		a->ring[(a->head + a->n++) % a->cap] = p;
	} else {
		a->ring[a->head] = p;
		a->head = (a->head + 1) % a->cap;
	}
}

static enum alarm_state alarm_judge(const struct alarm_rt *a)
{
	int present = 0, breaching = 0;
	int m = a->cfg->datapoints_to_alarm;
	for (int i = 0; i < a->n; i++) {
		const struct period *p = &a->ring[i];
		if (!p->present)
			continue;
		present++;
		breaching += scaling_alarm_breaches(a->cfg, p->value);
	}
	m = m < 1 ? 1 : m > a->cap ? a->cap : m;
	if (!present)
		return ALARM_INSUFFICIENT_DATA;
	if (breaching >= m)
		return ALARM_ALARM;
	if (present >= m)
		return ALARM_OK;
	return a->state;
}

static void emit(struct scaler *s, sim_time t, const char *event)
{
	struct scaling_event ev = {t, event, s->detail.buf};
	if (s->on_event)
		s->on_event(s->ctx, &ev);
}

static void alarm_changed(struct scaler *s, const struct policy_rt *pr, const struct alarm_rt *a,
			  sim_time now)
{
	const struct period *p = newest(a);
	char v[32];
	strbuf_reset(&s->detail);
	strbuf_addf(&s->detail, "policy=%s;alarm=%s;state=%s;value=%s", pr->p->name, a->label,
		    scaling_alarm_state_name(a->state),
		    p && p->present ? num(p->value, v, sizeof(v)) : "missing");
	emit(s, now, "ALARM_STATE");
}

static void alarm_take(struct scaler *s, const struct policy_rt *pr, struct alarm_rt *a,
		       sim_time now, const struct datapoint *dp)
{
	int len = a->cfg->period_minutes > 0 ? a->cfg->period_minutes : 1;
	acc_add(&a->acc, dp);
	if ((now / SIM_MIN) % len)
		return; /* the period is not over */
	ring_push(a, acc_close(&a->acc, a->cfg->statistic));
	memset(&a->acc, 0, sizeof(a->acc));
	enum alarm_state was = a->state;
	a->state = alarm_judge(a);
	if (a->state != was)
		alarm_changed(s, pr, a, now);
}

static void alarm_init(struct alarm_rt *a, const struct alarm_config *cfg, const char *label)
{
	a->cfg = cfg;
	a->label = label;
	a->state = ALARM_INSUFFICIENT_DATA;
	a->cap = cfg->evaluation_periods > 0 ? cfg->evaluation_periods : 1;
	a->ring = xcalloc((size_t)a->cap, sizeof(*a->ring));
}

struct scaler *scaler_new(const struct scaling_config *c, scaling_event_fn on_event, void *ctx)
{
	struct scaler *s = xcalloc(1, sizeof(*s));
	s->c = c;
	s->on_event = on_event;
	s->ctx = ctx;
	s->min = c->min_capacity;
	s->max = c->max_capacity;
	s->out_until = s->in_until = NO_COOLDOWN;
	strbuf_init(&s->detail);
	s->npol = c->npolicies;
	s->pol = xcalloc(s->npol ? s->npol : 1, sizeof(*s->pol));
	for (size_t i = 0; i < s->npol; i++) {
		struct policy_rt *pr = &s->pol[i];
		const struct scaling_policy *p = &c->policies[i];
		pr->p = p;
		if (p->type == POLICY_STEP) {
			alarm_init(&pr->alarms[pr->nalarms++], &p->alarm, "Alarm");
			continue;
		}
		alarm_init(&pr->alarms[pr->nalarms++], &p->high, "AlarmHigh");
		if (!p->disable_scale_in)
			alarm_init(&pr->alarms[pr->nalarms++], &p->low, "AlarmLow");
	}
	return s;
}

void scaler_free(struct scaler *s)
{
	if (!s)
		return;
	for (size_t i = 0; i < s->npol; i++)
		for (int k = 0; k < s->pol[i].nalarms; k++)
			free(s->pol[i].alarms[k].ring);
	free(s->pol);
	strbuf_release(&s->detail);
	free(s);
}

/* ---- the running scaler: policies ---- */

struct request {
	const struct policy_rt *pr;
	const struct alarm_rt *alarm;
	struct scaling_decision d;
};

/* MetricAggregationType over the present periods of the alarm's window. */
static double aggregate(const struct alarm_rt *a, enum statistic how)
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

static bool in_alarm(const struct alarm_rt *a)
{
	const struct period *p = newest(a);
	return a->state == ALARM_ALARM && p && p->present;
}

static bool step_request(const struct scaler *s, const struct policy_rt *pr, sim_time now,
			 long running, struct request *r)
{
	const struct alarm_rt *a = &pr->alarms[0];
	if (!in_alarm(a))
		return false;
	double metric = aggregate(a, pr->p->aggregation);
	r->alarm = a;
	if (!scaling_step_decide(pr->p, running, metric, s->min, s->max, &r->d))
		return false;
	if (r->d.to > running && now < s->out_until && s->out_base < running)
		scaling_step_decide(pr->p, s->out_base, metric, s->min, s->max, &r->d);
	return r->d.to != r->d.from;
}

/* Sets *asks_in when the policy asks to scale in. */
static bool target_request(const struct scaler *s, const struct policy_rt *pr, long running,
			   struct request *r, bool *asks_in)
{
	const struct alarm_rt *hi = &pr->alarms[0];
	const struct alarm_rt *lo = pr->nalarms > 1 ? &pr->alarms[1] : NULL;
	*asks_in = false;
	if (in_alarm(hi)) {
		r->alarm = hi;
		return target_compute(pr->p, running, newest(hi)->value, true, s->min, s->max,
				      &r->d);
	}
	if (lo && in_alarm(lo)) {
		r->alarm = lo;
		*asks_in =
		    target_compute(pr->p, running, newest(lo)->value, false, s->min, s->max, &r->d);
		return *asks_in;
	}
	return false;
}

static void activity(struct scaler *s, sim_time now, const struct request *r, long from, long to)
{
	strbuf_reset(&s->detail);
	strbuf_addf(&s->detail, "policy=%s;from=%ld;to=%ld;reason=%s in ALARM: %s", r->pr->p->name,
		    from, to, r->alarm->label, r->d.explain);
	if (to != r->d.to)
		strbuf_addf(&s->detail, ", held to [%ld, %ld]", s->min, s->max);
	s->activities++;
	emit(s, now, "SCALING_ACTIVITY");
}

static sim_time cooldown_of(const struct scaling_policy *p, bool out)
{
	if (p->type == POLICY_STEP)
		return p->cooldown;
	return out ? p->scale_out_cooldown : p->scale_in_cooldown;
}

static long apply_out(struct scaler *s, sim_time now, const struct request *r, long desired)
{
	long to = desired < s->min ? s->min : clamp(r->d.to, s->min, s->max);
	if (now < s->out_until && to <= s->out_asked)
		return -1; /* no larger than what the cooldown's scale-out asked for */
	if (to <= desired)
		return -1;
	activity(s, now, r, desired, to);
	s->out_until = now + cooldown_of(r->pr->p, true);
	s->out_asked = to;
	s->out_base = r->d.from;
	s->in_until = NO_COOLDOWN; /* a scale-out ends the scale-in cooldown */
	return to;
}

static long apply_in(struct scaler *s, sim_time now, const struct request *r, long desired)
{
	long to = desired > s->max ? s->max : clamp(r->d.to, s->min, s->max);
	if (now < s->in_until || to >= desired)
		return -1;
	activity(s, now, r, desired, to);
	s->in_until = now + cooldown_of(r->pr->p, false);
	return to;
}

long scaler_minute(struct scaler *s, sim_time now, const struct datapoint dp[METRIC_COUNT],
		   long running, long desired)
{
	struct request best_out = {0}, best_in = {0}, r;
	bool any_out = false, any_in = false, all_in = true;
	for (size_t i = 0; i < s->npol; i++)
		for (int k = 0; k < s->pol[i].nalarms; k++)
			alarm_take(s, &s->pol[i], &s->pol[i].alarms[k], now,
				   &dp[s->pol[i].alarms[k].cfg->metric]);
	for (size_t i = 0; i < s->npol; i++) {
		const struct policy_rt *pr = &s->pol[i];
		bool asks = false, asks_in = false;
		memset(&r, 0, sizeof(r));
		r.pr = pr;
		if (pr->p->type == POLICY_STEP) {
			asks = step_request(s, pr, now, running, &r);
			asks_in = asks && r.d.to < r.d.from;
		} else {
			asks = target_request(s, pr, running, &r, &asks_in);
			if (!pr->p->disable_scale_in && !asks_in)
				all_in = false; /* scale in only if all (with scale-in) ask */
		}
		if (asks && !asks_in && (!any_out || r.d.to > best_out.d.to))
			best_out = r, any_out = true;
		if (asks_in && (!any_in || r.d.to > best_in.d.to))
			best_in = r, any_in = true;
	}
	if (any_out)
		return apply_out(s, now, &best_out, desired);
	if (any_in && all_in)
		return apply_in(s, now, &best_in, desired);
	return -1;
}

/* ---- scheduled actions ---- */

static long apply_action(struct scaler *s, sim_time now, const struct scheduled_action *a,
			 long desired)
{
	if (a->has_min)
		s->min = a->min_capacity;
	if (a->has_max)
		s->max = a->max_capacity;
	if (s->min > s->max) {
		/* AWS refuses such a pair; keep the bound the action set */
		if (a->has_min)
			s->max = s->min;
		else
			s->min = s->max;
	}
	long to = clamp(desired, s->min, s->max);
	strbuf_reset(&s->detail);
	strbuf_addf(&s->detail, "action=%s;min=%ld;max=%ld;desired=%ld", a->name, s->min, s->max,
		    to);
	emit(s, now, "SCHEDULED_ACTION");
	if (to != desired)
		s->activities++;
	return to;
}

long scaler_scheduled(struct scaler *s, sim_time now, long desired)
{
	long d = desired;
	while (s->next_action < s->c->nactions && s->c->actions[s->next_action].at <= now)
		d = apply_action(s, now, &s->c->actions[s->next_action++], d);
	return d != desired ? d : -1;
}

sim_time scaler_next_scheduled(const struct scaler *s)
{
	if (s->next_action < s->c->nactions)
		return s->c->actions[s->next_action].at;
	return SIM_TIME_MAX;
}

long scaler_activities(const struct scaler *s)
{
	return s->activities;
}
