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

/*
 * Interrupts the share `r` says of the Spot tasks PENDING or RUNNING (of
 * zone r->az when not negative): exactly reclaim_size of them, a uniform
 * choice without repeats drawn from `rng`; `capacity` labels them as taken
 * by a capacity shortage. Returns how many.
 */
static long reclaim_share(struct service *s, const struct reclaim *r, struct rng *rng,
			  bool capacity)
{
	struct task **cand;
	size_t n = 0;
	char why[96];
	XALLOC_GROW(s->cand, s->nlive + 1, s->cand_alloc);
	cand = s->cand;
	for (size_t i = 0; i < s->nlive; i++) {
		struct task *t = s->live[i];
		if (t->provider == PROVIDER_FARGATE_SPOT && task_is_active(t) &&
		    t->state != TASK_PROVISIONING && (r->az < 0 || t->az == r->az))
			cand[n++] = t;
	}
	long take = reclaim_size(r, n);
	if (capacity)
		snprintf(why, sizeof(why), "cause=capacity_reclaim;tasks=%ld", take);
	else
		snprintf(why, sizeof(why), "cause=interruption;model=reclaim;az=%d;tasks=%ld",
			 r->az, take);
	for (long k = 0; k < take; k++) { /* a uniform choice without repeats */
		size_t j = (size_t)k + rng_uniform_int(rng, (uint32_t)(n - (size_t)k));
		struct task *tmp = cand[k];
		cand[k] = cand[j];
		cand[j] = tmp;
		service_interrupt(s, cand[k], why, capacity);
	}
	return take;
}

/*
 * Spot capacity is there when the capacity model says so and no wave's
 * shortage is on; a change is logged, and capacity coming back starts the
 * fallback's revert clock.
 */
static void update_availability(struct service *s, const char *detail)
{
	bool now = s->cap_model && engine_now(s->e) >= s->shortage_until;
	if (now == s->spot_available)
		return;
	s->spot_available = now;
	service_log_event(s, now ? "SPOT_CAPACITY_AVAILABLE" : "SPOT_CAPACITY_UNAVAILABLE", NULL,
			  detail);
	if (now && s->cfg.spot->fallback.enabled)
		engine_after(s->e, s->cfg.spot->fallback.revert_after, EV_REVERT, NULL, 0);
}

/* A wave that opens a shortage: no Spot capacity for r->shortage from now. */
static void open_shortage(struct service *s, const struct reclaim *r)
{
	sim_time until = engine_now(s->e) + r->shortage;
	if (until <= s->shortage_until)
		return;
	s->shortage_until = until;
	engine_at(s->e, until, EV_SHORTAGE_END, NULL, 0);
	update_availability(s, "cause=wave_shortage");
}

void service_on_reclaim(struct engine *e, struct event *ev, void *ctx)
{
	struct service *s = ctx;
	struct reclaim r = s->next_reclaim;
	(void)e;
	(void)ev;
	reclaim_share(s, &r, &s->choice, false);
	if (r.shortage > 0)
		open_shortage(s, &r);
	service_arm_reclaim(s);
}

void service_on_shortage_end(struct engine *e, struct event *ev, void *ctx)
{
	(void)e;
	(void)ev;
	update_availability(ctx, NULL);
}

void service_arm_capacity(struct service *s)
{
	sim_time next;
	s->cap_model = spot_capacity_at(s->spot, engine_now(s->e), &next);
	if (next < SIM_TIME_MAX)
		engine_at(s->e, next, EV_CAPACITY, NULL, 0);
}

/*
 * The capacity model changed. When its capacity runs out, AWS reclaims
 * the Spot tasks on it: spot.capacity.reclaim_running of them get the
 * notice at once (README "Fargate Spot").
 */
void service_on_capacity(struct engine *e, struct event *ev, void *ctx)
{
	struct service *s = ctx;
	bool had = s->cap_model;
	(void)e;
	(void)ev;
	service_arm_capacity(s);
	update_availability(s, NULL);
	if (had && !s->cap_model && s->cfg.spot->capacity.reclaim_running > 0) {
		struct reclaim r = {engine_now(s->e), 0, s->cfg.spot->capacity.reclaim_running, -1,
				    0};
		s->totals.capacity_reclaims += reclaim_share(s, &r, &s->reclaim, true);
	}
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
		if (!old->fallback || old->replaces_pending || old->outdated ||
		    !task_is_active(old))
			continue;
		service_active_drop(s, old);
		old->replaces_pending = true;
		struct task *t = service_task_create(s, old->item, PROVIDER_FARGATE_SPOT);
		t->replaces = old;
		old->replaced_by = t;
		service_log_event(s, "FALLBACK_REVERT", t, NULL);
	}
}
