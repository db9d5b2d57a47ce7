/*
 * scaling_scaler — the running scaler: once a minute its alarms take the
 * datapoints, its policies ask, and cooldowns and the combination rules
 * decide (see scaling.h, "the running scaler"; README "Autoscaling").
 *
 * Acting. Every minute, each policy whose alarm is in ALARM and whose newest
 * period is present asks for a capacity; a missing newest period never
 * scales. Cooldowns belong to the scalable target, as AWS describes them
 * per activity: one scale-out cooldown (until, the capacity it asked for,
 * the capacity it started from) and one scale-in cooldown, each set by the
 * policy whose request was applied, with that policy's cooldown. A step
 * policy whose breach falls in no step reports NO_STEP_ADJUSTMENT instead
 * of asking, each minute its alarm acts.
 *
 * Settling. The request, computed from RUNNING, becomes the desired count
 * by scaling_settle: AWS starts from the running count, so with tasks that
 * cannot start a scale-out may set desired below its current value.
 *
 * A step policy's calculation during a scale-out cooldown starts from the
 * capacity the cooldown's scale-out started from (or RUNNING if lower): AWS
 * counts the capacity that scale-out added as already there ("+2, then +3
 * adds 1"), and tasks coming up during the cooldown do not restart the
 * climb. Target tracking always starts from RUNNING: its metric is per task,
 * so running x metric does not grow as tasks come up. (README "Autoscaling".)
 */
#include "scaling_internal.h"

#include "spotsim/util/strbuf.h"
#include "spotsim/util/xalloc.h"

#include <stdlib.h>
#include <string.h>

#define NO_COOLDOWN INT64_MIN

/* A policy's request: the decision's numbers, and the inputs its words need (from d.from). */
struct request {
	const struct policy_rt *pr;
	const struct alarm_rt *alarm;
	struct scaling_decision d; /* explain left empty: see activity() */
	double metric;
	bool out_dir;
	bool no_step; /* a step policy's alarm breaches, but no step holds the breach */
};

/* What the policies ask in one minute: the largest scale-out and scale-in. */
struct asks {
	struct request out, in;
	bool any_out, any_in;
	bool all_in; /* every target-tracking policy with scale-in asks to scale in */
};

void scaler_emit(struct scaler *s, sim_time t, const char *event)
{
	struct scaling_event ev = {t, event, s->explain ? s->detail.buf : ""};
	if (s->on_event)
		s->on_event(s->ctx, &ev);
}

/* An ALARM_STATE event for alarm `a` of policy `pr`. */
static void alarm_changed(struct scaler *s, const struct policy_rt *pr, const struct alarm_rt *a,
			  sim_time now)
{
	const struct period *p = alarm_rt_newest(a);
	char v[32];
	strbuf_reset(&s->detail);
	if (scaler_wants_detail(s))
		strbuf_addf(&s->detail, "policy=%s;alarm=%s;state=%s;value=%s", pr->p->name,
			    a->label, scaling_alarm_state_name(a->state),
			    p && p->present ? scaling_num(p->value, v, sizeof(v)) : "missing");
	scaler_emit(s, now, "ALARM_STATE");
}

static void policy_rt_init(struct policy_rt *pr, const struct scaling_policy *p)
{
	pr->p = p;
	if (p->type == POLICY_STEP) {
		alarm_rt_init(&pr->alarms[pr->nalarms++], &p->alarm, "Alarm");
		return;
	}
	alarm_rt_init(&pr->alarms[pr->nalarms++], &p->high, "AlarmHigh");
	if (!p->disable_scale_in)
		alarm_rt_init(&pr->alarms[pr->nalarms++], &p->low, "AlarmLow");
}

/* s->alarms: every policy's runtime alarms in order, periods shared where they are the same. */
static void index_alarms(struct scaler *s)
{
	int n = 0;
	for (size_t i = 0; i < s->npol; i++)
		n += s->pol[i].nalarms;
	s->alarms = xcalloc(n ? (size_t)n : 1, sizeof(*s->alarms));
	for (size_t i = 0; i < s->npol; i++) {
		for (int k = 0; k < s->pol[i].nalarms; k++) {
			struct alarm_ref *r = &s->alarms[s->nalarms];
			const struct alarm_rt *prev = s->nalarms ? r[-1].a : NULL;
			r->pr = &s->pol[i];
			r->a = &s->pol[i].alarms[k];
			r->same_period = prev && prev->len == 1 && r->a->len == 1 &&
					 prev->metric == r->a->metric &&
					 prev->statistic == r->a->statistic;
			s->nalarms++;
		}
	}
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
	s->explain = true;
	strbuf_init(&s->detail);
	s->npol = c->npolicies;
	s->pol = xcalloc(s->npol ? s->npol : 1, sizeof(*s->pol));
	for (size_t i = 0; i < s->npol; i++)
		policy_rt_init(&s->pol[i], &c->policies[i]);
	index_alarms(s);
	return s;
}

void scaler_set_explain(struct scaler *s, bool explain)
{
	s->explain = explain;
}

void scaler_free(struct scaler *s)
{
	if (!s)
		return;
	for (size_t i = 0; i < s->npol; i++)
		for (int k = 0; k < s->pol[i].nalarms; k++)
			alarm_rt_release(&s->pol[i].alarms[k]);
	free(s->pol);
	free(s->alarms);
	strbuf_release(&s->detail);
	free(s);
}

static bool step_request(const struct scaler *s, const struct policy_rt *pr, sim_time now,
			 long running, struct request *r)
{
	const struct alarm_rt *a = &pr->alarms[0];
	if (!alarm_rt_acting(a))
		return false;
	double metric = alarm_rt_aggregate(a, pr->p->aggregation);
	r->alarm = a;
	r->metric = metric;
	if (!scaling_step_compute(pr->p, running, metric, s->min, s->max, &r->d)) {
		r->no_step = r->d.step < 0 && scaling_alarm_breaches(&pr->p->alarm, metric);
		return false;
	}
	if (r->d.to > running && now < s->out_until && s->out_base < running)
		scaling_step_compute(pr->p, s->out_base, metric, s->min, s->max, &r->d);
	return r->d.to != r->d.from;
}

/* Sets *asks_in when the policy asks to scale in. */
static bool target_request(const struct scaler *s, const struct policy_rt *pr, long running,
			   struct request *r, bool *asks_in)
{
	const struct alarm_rt *hi = &pr->alarms[0];
	const struct alarm_rt *lo = pr->nalarms > 1 ? &pr->alarms[1] : NULL;
	*asks_in = false;
	if (alarm_rt_acting(hi)) {
		r->alarm = hi;
		r->metric = alarm_rt_newest(hi)->value;
		r->out_dir = true;
		return scaling_target_compute(pr->p, running, r->metric, true, s->min, s->max,
					      &r->d);
	}
	if (lo && alarm_rt_acting(lo)) {
		r->alarm = lo;
		r->metric = alarm_rt_newest(lo)->value;
		r->out_dir = false;
		*asks_in =
		    scaling_target_compute(pr->p, running, r->metric, false, s->min, s->max, &r->d);
		return *asks_in;
	}
	return false;
}

/* The decision's words are written here, for the one request applied, if wanted. */
static void activity(struct scaler *s, sim_time now, const struct request *r, long from, long to)
{
	char why[sizeof(r->d.explain)];

	strbuf_reset(&s->detail);
	if (scaler_wants_detail(s)) {
		scaling_explain(r->pr->p, r->d.from, r->metric, r->out_dir, why, sizeof(why));
		strbuf_addf(&s->detail, "policy=%s;from=%ld;to=%ld;reason=%s in ALARM: %s",
			    r->pr->p->name, from, to, r->alarm->label, why);
		if (to != r->d.to)
			strbuf_addf(&s->detail, ", held to [%ld, %ld]", s->min, s->max);
	}
	s->activities++;
	scaler_emit(s, now, "SCALING_ACTIVITY");
}

static sim_time cooldown_of(const struct scaling_policy *p, bool out)
{
	if (p->type == POLICY_STEP)
		return p->cooldown;
	return out ? p->scale_out_cooldown : p->scale_in_cooldown;
}

static long apply_out(struct scaler *s, sim_time now, const struct request *r, long desired)
{
	long to = scaling_settle(true, r->d.to, desired, s->min, s->max);
	if (to < 0)
		return -1;
	if (now < s->out_until && to <= s->out_asked)
		return -1; /* no larger than what the cooldown's scale-out asked for */
	activity(s, now, r, desired, to);
	s->out_until = now + cooldown_of(r->pr->p, true);
	s->out_asked = to;
	s->out_base = r->d.from;
	s->in_until = NO_COOLDOWN; /* a scale-out ends the scale-in cooldown */
	return to;
}

static long apply_in(struct scaler *s, sim_time now, const struct request *r, long desired)
{
	long to = scaling_settle(false, r->d.to, desired, s->min, s->max);
	if (to < 0 || now < s->in_until)
		return -1;
	activity(s, now, r, desired, to);
	s->in_until = now + cooldown_of(r->pr->p, false);
	return to;
}

/*
 * Every alarm takes its metric's datapoint; state changes are reported in
 * order, and the alarms in ALARM counted.
 */
static void take_datapoints(struct scaler *s, sim_time now, const struct datapoint dp[METRIC_COUNT])
{
	/* one-minute periods of the same datapoint and statistic (a target's
	 * AlarmHigh and AlarmLow) are the same period: computed once */
	struct period last = {0, false, false};
	for (int k = 0; k < s->nalarms; k++) {
		const struct alarm_ref *r = &s->alarms[k];
		struct alarm_rt *a = r->a;
		bool was = a->state == ALARM_ALARM, changed;
		if (a->len != 1) {
			changed = alarm_rt_take(a, now, &dp[a->metric]);
		} else {
			if (!r->same_period)
				last = alarm_rt_minute_period(&dp[a->metric], a->statistic);
			changed = alarm_rt_put(a, last);
		}
		if (!changed)
			continue;
		s->alarming += (a->state == ALARM_ALARM) - was;
		alarm_changed(s, r->pr, a, now);
	}
}

/* AWS's "No step adjustment found": the breach (metric - threshold) is in no step. */
static void no_step(struct scaler *s, sim_time now, const struct request *r)
{
	const struct alarm_config *al = &r->pr->p->alarm;
	char m[32], t[32], b[32];

	strbuf_reset(&s->detail);
	if (scaler_wants_detail(s))
		strbuf_addf(&s->detail, "policy=%s;metric=%s;threshold=%s;breach=%s",
			    r->pr->p->name, scaling_num(r->metric, m, sizeof(m)),
			    scaling_num(al->threshold, t, sizeof(t)),
			    scaling_num(r->metric - al->threshold, b, sizeof(b)));
	s->no_step++;
	scaler_emit(s, now, "NO_STEP_ADJUSTMENT");
}

/* Policy `pr`'s request, kept in `a` when it is the largest of its direction. */
static void ask(struct scaler *s, const struct policy_rt *pr, sim_time now, long running,
		struct asks *a)
{
	struct request r; /* r.d is written by the decision before anything reads it */
	bool asks = false, asks_in = false;
	r.pr = pr;
	r.alarm = NULL;
	r.metric = 0;
	r.out_dir = false;
	r.no_step = false;
	if (pr->p->type == POLICY_STEP) {
		asks = step_request(s, pr, now, running, &r);
		asks_in = asks && r.d.to < r.d.from;
		if (r.no_step && !(s->c->scale_in_suspended && s->c->scale_out_suspended))
			no_step(s, now, &r); /* with all dynamic scaling suspended, none is tried */
	} else {
		asks = target_request(s, pr, running, &r, &asks_in);
		if (!pr->p->disable_scale_in && !asks_in)
			a->all_in = false; /* scale in only if all (with scale-in) ask */
	}
	if (asks && !asks_in && (!a->any_out || r.d.to > a->out.d.to))
		a->out = r, a->any_out = true;
	if (asks_in && (!a->any_in || r.d.to > a->in.d.to))
		a->in = r, a->any_in = true;
}

long scaler_minute(struct scaler *s, sim_time now, const struct datapoint dp[METRIC_COUNT],
		   long running, long desired)
{
	struct asks a; /* a.out and a.in are read only once any_out, any_in say so */
	a.any_out = a.any_in = false;
	a.all_in = true;
	take_datapoints(s, now, dp);
	if (!s->alarming)
		return -1; /* a policy acts only on an alarm in ALARM: none asks */
	for (size_t i = 0; i < s->npol; i++)
		ask(s, &s->pol[i], now, running, &a);
	if (a.any_out) /* a suspended scale-out still outranks a scale-in */
		return s->c->scale_out_suspended ? -1 : apply_out(s, now, &a.out, desired);
	if (a.any_in && a.all_in && !s->c->scale_in_suspended)
		return apply_in(s, now, &a.in, desired);
	return -1;
}

unsigned scaler_metrics_read(const struct scaler *s)
{
	unsigned set = 0;
	for (size_t i = 0; i < s->npol; i++)
		for (int k = 0; k < s->pol[i].nalarms; k++)
			set |= METRIC_BIT(s->pol[i].alarms[k].cfg->metric);
	return set;
}

long scaler_activities(const struct scaler *s)
{
	return s->activities;
}

long scaler_no_step_adjustments(const struct scaler *s)
{
	return s->no_step;
}
