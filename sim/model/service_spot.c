/*
 * service_spot — Spot in the scheduler: reclaim events, capacity changes
 * and the fallback to FARGATE (see service_internal.h).
 */
#include "service_internal.h"

#include "spotsim/util/xalloc.h"

#include <math.h>
#include <stdio.h>

void service_arm_reclaim(struct service *s)
{
	struct reclaim r;
	if (!spot_next_reclaim(s->spot, &r))
		return;
	s->next_reclaim = r; /* one reclaim is pending at a time */
	engine_at(s->e, r.at > engine_now(s->e) ? r.at : engine_now(s->e), EV_RECLAIM, NULL, 0);
}

static long reclaim_size(const struct reclaim *r, size_t eligible)
{
	if (r->fraction < 0)
		return r->count < (long)eligible ? r->count : (long)eligible;
	long n = lround(r->fraction * (double)eligible);
	if (n == 0 && r->fraction > 0 && eligible > 0)
		n = 1;
	return n;
}

void service_on_reclaim(struct engine *e, struct event *ev, void *ctx)
{
	struct service *s = ctx;
	struct reclaim r = s->next_reclaim;
	struct task **cand;
	size_t n = 0;
	char why[64];
	(void)e;
	(void)ev;
	XALLOC_GROW(s->cand, s->nlive + 1, s->cand_alloc);
	cand = s->cand;
	for (size_t i = 0; i < s->nlive; i++) {
		struct task *t = s->live[i];
		if (t->provider == PROVIDER_FARGATE_SPOT && task_is_active(t) &&
		    t->state != TASK_PROVISIONING && (r.az < 0 || t->az == r.az))
			cand[n++] = t;
	}
	long take = reclaim_size(&r, n);
	snprintf(why, sizeof(why), "model=reclaim;az=%d;tasks=%ld", r.az, take);
	for (long k = 0; k < take; k++) { /* a uniform choice without repeats */
		size_t j = (size_t)k + rng_uniform_int(&s->choice, (uint32_t)(n - (size_t)k));
		struct task *tmp = cand[k];
		cand[k] = cand[j];
		cand[j] = tmp;
		service_interrupt(s, cand[k], why);
	}
	service_arm_reclaim(s);
}

void service_arm_capacity(struct service *s)
{
	sim_time next;
	s->spot_available = spot_capacity_at(s->spot, engine_now(s->e), &next);
	if (next < SIM_TIME_MAX)
		engine_at(s->e, next, EV_CAPACITY, NULL, 0);
}

void service_on_capacity(struct engine *e, struct event *ev, void *ctx)
{
	struct service *s = ctx;
	bool was = s->spot_available;
	(void)e;
	(void)ev;
	service_arm_capacity(s);
	if (was == s->spot_available)
		return;
	service_log_event(
	    s, s->spot_available ? "SPOT_CAPACITY_AVAILABLE" : "SPOT_CAPACITY_UNAVAILABLE", NULL,
	    NULL);
	if (s->spot_available && s->cfg.spot->fallback.enabled)
		engine_after(s->e, s->cfg.spot->fallback.revert_after, EV_REVERT, NULL, 0);
}

/* A Spot task waited `after` for capacity: run its share on FARGATE. */
void service_on_fallback(struct engine *e, struct event *ev, void *ctx)
{
	struct service *s = ctx;
	struct task *t = ev->data;
	(void)e;
	t->notice = NULL;
	if (t->placed || t->state != TASK_PROVISIONING)
		return;
	service_cancel_attempt(s, t); /* before it changes provider (and launch queue) */
	s->nstate[TASK_PROVISIONING][t->provider]--;
	t->provider = PROVIDER_FARGATE;
	t->fallback = true;
	s->nfallback++;
	t->retries = 0;
	s->nstate[TASK_PROVISIONING][t->provider]++;
	service_log_event(s, "FALLBACK", t, "to=FARGATE");
	t->timer = engine_at(s->e, engine_now(s->e), EV_PLACE, t, 0);
}

/* Spot capacity has been back `revert_after`: replace fallback tasks with Spot. */
void service_on_revert(struct engine *e, struct event *ev, void *ctx)
{
	struct service *s = ctx;
	size_t n = s->nlive;
	(void)e;
	(void)ev;
	if (!s->spot_available || s->nfallback == 0)
		return;
	for (size_t i = 0; i < n; i++) {
		struct task *old = s->live[i];
		if (!old->fallback || old->replaces_pending || !task_is_active(old))
			continue;
		service_active_drop(s, old);
		old->replaces_pending = true;
		struct task *t = service_task_create(s, old->item, PROVIDER_FARGATE_SPOT);
		t->replaces = old;
		old->replaced_by = t;
		service_log_event(s, "FALLBACK_REVERT", t, NULL);
	}
}
