/*
 * scaling_schedule — scheduled actions as the running scaler applies them
 * (see scaler_scheduled in scaling.h; README "Autoscaling").
 *
 * The scenario loader has already expanded every action (cron, rate, at, in
 * its time zone) into its times within the run, sorted; the scaler walks
 * them with one index, next_action. An action sets the scalable target's
 * bounds and holds desired inside them; it ignores cooldowns and starts
 * none, and it counts as an activity only when desired changes.
 */
#include "scaling_internal.h"

#include "spotsim/util/strbuf.h"

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
	long to = scaling_clamp(desired, s->min, s->max);
	strbuf_reset(&s->detail);
	strbuf_addf(&s->detail, "action=%s;min=%ld;max=%ld;desired=%ld", a->name, s->min, s->max,
		    to);
	scaler_emit(s, now, "SCHEDULED_ACTION");
	if (to != desired)
		s->activities++;
	return to;
}

long scaler_scheduled(struct scaler *s, sim_time now, long desired)
{
	long d = desired;
	if (s->c->scheduled_suspended)
		return -1;
	while (s->next_action < s->c->nactions && s->c->actions[s->next_action].at <= now)
		d = apply_action(s, now, &s->c->actions[s->next_action++], d);
	return d != desired ? d : -1;
}

sim_time scaler_next_scheduled(const struct scaler *s)
{
	if (!s->c->scheduled_suspended && s->next_action < s->c->nactions)
		return s->c->actions[s->next_action].at;
	return SIM_TIME_MAX;
}
