/*
 * service_task — task life in the scheduler: counters, state changes,
 * stops, interruption notices and billing (see service_internal.h).
 */
#include "service_internal.h"

#include "spotsim/engine/dist.h"
#include "spotsim/util/xalloc.h"

#include <stdio.h>
#include <string.h>
#include <stdlib.h>

/* ---- logging ---- */

void service_log_event(struct service *s, const char *event, const struct task *t,
		       const char *detail)
{
	if (!s->hooks.event)
		return;
	struct event_row row = {
	    engine_now(s->e),	  event, t ? t->id : 0, t ? fargate_provider_name(t->provider) : "",
	    detail ? detail : "",
	};
	s->hooks.event(s->hooks.ctx, &row);
}

/* ---- task sizes ---- */

size_t service_class_add(struct service *s, const struct task_definition *def, sim_time shutdown)
{
	struct task_class *c = &s->cls[s->ncls];
	struct task_size sz = {def->cpu_units, def->memory_mib, def->storage_gib, def->os,
			       def->arch};
	c->def = *def;
	c->shutdown = shutdown;
	c->vcpu = def->cpu_units / 1024.0;
	for (int p = 0; p < PROVIDER_COUNT; p++) {
		struct cost_items cost;
		if (!s->rate[p])
			continue;
		pricing_cost(s->rate[p], &sz, 3600.0, &cost);
		c->hour_usd[p] = cost.total;
	}
	return s->ncls++;
}

/* ---- counters ---- */

void service_account_running(struct service *s)
{
	long running = s->nstate[TASK_RUNNING][0] + s->nstate[TASK_RUNNING][1];
	sim_time now = engine_now(s->e);
	double dt = simtime_seconds(now - s->running_since);
	s->totals.running_task_seconds += (double)running * dt;
	if (running == 0 && s->served_once)
		s->totals.outage_seconds += dt;
	if (running > 0)
		s->served_once = true;
	s->running_since = now;
}

static bool counts_active(const struct task *t)
{
	return task_is_active(t) && !t->replaces_pending && !t->outdated;
}

long service_active_total(const struct service *s)
{
	long n = 0;
	for (size_t i = 0; i < s->cfg.service->strategy.nr; i++)
		n += s->active[i];
	return n;
}

long service_serving(const struct service *s)
{
	return s->nstate[TASK_RUNNING][0] + s->nstate[TASK_RUNNING][1];
}

long service_bounded(const struct service *s)
{
	long n = s->ninterrupted;
	for (int p = 0; p < PROVIDER_COUNT; p++)
		n += s->nstate[TASK_PROVISIONING][p] + s->nstate[TASK_PENDING][p] +
		     s->nstate[TASK_RUNNING][p];
	return n;
}

long service_max_total(const struct service *s)
{
	long m = s->desired * s->cfg.service->maximum_percent / 100;
	return m > s->desired ? m : s->desired;
}

long service_min_healthy(const struct service *s)
{
	return (s->desired * s->cfg.service->minimum_healthy_percent + 99) / 100;
}

/* Links t into its item's list of active tasks, in id order (almost always at the end). */
static void item_link(struct service *s, struct task *t)
{
	struct task_list *l = &s->by_item[t->item];
	struct task *after = l->tail;
	while (after && after->id > t->id) /* only a fallback task back from being replaced */
		after = after->item_prev;
	t->item_prev = after;
	t->item_next = after ? after->item_next : l->head;
	if (t->item_next)
		t->item_next->item_prev = t;
	else
		l->tail = t;
	if (after)
		after->item_next = t;
	else
		l->head = t;
}

static void list_unlink(struct task_list *l, struct task *t)
{
	if (t->item_prev)
		t->item_prev->item_next = t->item_next;
	else
		l->head = t->item_next;
	if (t->item_next)
		t->item_next->item_prev = t->item_prev;
	else
		l->tail = t->item_prev;
	t->item_prev = t->item_next = NULL;
}

static void item_unlink(struct service *s, struct task *t)
{
	list_unlink(&s->by_item[t->item], t);
}

void service_old_append(struct service *s, struct task *t)
{
	t->item_next = NULL;
	t->item_prev = s->old.tail;
	if (s->old.tail)
		s->old.tail->item_next = t;
	else
		s->old.head = t;
	s->old.tail = t;
}

/* t starts counting toward the desired count. */
void service_active_add(struct service *s, struct task *t)
{
	s->active[t->item]++;
	s->active_running[t->item] += t->state == TASK_RUNNING;
	item_link(s, t);
}

/* t stops counting toward the desired count. */
void service_active_drop(struct service *s, struct task *t)
{
	s->active[t->item]--;
	s->active_running[t->item] -= t->state == TASK_RUNNING;
	item_unlink(s, t);
}

/* The deployment's counters and its list of outdated tasks follow t's new state. */
static void deployment_follows(struct service *s, struct task *t, enum task_state state)
{
	if (t->outdated) {
		s->old_running += (state == TASK_RUNNING) - (t->state == TASK_RUNNING);
		if (state > TASK_RUNNING && t->state <= TASK_RUNNING)
			list_unlink(&s->old, t);
	}
	if (t->healthy && state != TASK_RUNNING) {
		t->healthy = false;
		s->nhealthy--;
	}
}

/* Moves t to `state`, keeping every counter true; logs the state. */
void service_set_state(struct service *s, struct task *t, enum task_state state)
{
	bool serving_changes = (t->state == TASK_RUNNING) != (state == TASK_RUNNING);
	if (serving_changes) {
		if (s->hooks.before_change)
			s->hooks.before_change(s->hooks.ctx);
		service_account_running(s);
	}
	if (counts_active(t) && state > TASK_RUNNING)
		service_active_drop(s, t);
	else if (counts_active(t))
		s->active_running[t->item] += (state == TASK_RUNNING) - (t->state == TASK_RUNNING);
	deployment_follows(s, t, state);
	s->nstate[t->state][t->provider]--;
	t->state = state;
	s->nstate[state][t->provider]++;
	if (serving_changes && s->dep.on && service_serving(s) < s->dep.min_serving)
		s->dep.min_serving = service_serving(s);
	service_log_event(s, task_state_name(state), t, NULL);
	if (s->hooks.task_state)
		s->hooks.task_state(s->hooks.ctx, t->id, (int)state);
}

void service_request_reconcile(struct service *s)
{
	if (!s->reconcile)
		s->reconcile = engine_at(s->e, engine_now(s->e), EV_RECONCILE, NULL, 0);
}

/* A RUNNING task is about to stop serving: its requests in flight have `window` to finish. */
static void leave_service(struct service *s, sim_time window)
{
	long serving = service_serving(s);
	if (s->hooks.before_change)
		s->hooks.before_change(s->hooks.ctx);
	if (s->hooks.stops_serving)
		s->hooks.stops_serving(s->hooks.ctx, serving, window);
}

/* ---- task life ---- */

struct task *service_task_create(struct service *s, int item, enum provider p)
{
	struct task *t = xcalloc(1, sizeof(*t));
	t->id = ++s->next_id;
	t->provider = p;
	t->item = item;
	t->az = s->next_az++ % s->azs;
	t->state = TASK_PROVISIONING;
	t->cls = (int)s->cur_cls;
	t->created_at = engine_now(s->e);
	t->pull_started_at = -1;
	XALLOC_GROW(s->live, s->nlive + 1, s->alloc);
	t->live_slot = s->nlive;
	s->live[s->nlive++] = t;
	s->nstate[TASK_PROVISIONING][p]++;
	service_active_add(s, t);
	service_log_event(s, "PROVISIONING", t, NULL);
	t->timer = engine_at(s->e, engine_now(s->e), EV_PLACE, t, 0);
	return t;
}

/* Takes t out of its provider's launch queue; an emptied queue needs no wake-up. */
void service_queue_remove(struct service *s, struct task *t)
{
	struct launch_queue *q = &s->queue[t->provider];
	if (t->wait_prev)
		t->wait_prev->wait_next = t->wait_next;
	else
		q->tasks.head = t->wait_next;
	if (t->wait_next)
		t->wait_next->wait_prev = t->wait_prev;
	else
		q->tasks.tail = t->wait_prev;
	t->wait_prev = t->wait_next = NULL;
	t->wait_seq = 0;
	if (!q->tasks.head && q->wake) {
		engine_cancel(s->e, q->wake);
		q->wake = NULL;
	}
}

/* Drops t's pending placement attempt, whether an event or a place in a launch queue. */
void service_cancel_attempt(struct service *s, struct task *t)
{
	if (t->timer)
		engine_cancel(s->e, t->timer);
	t->timer = NULL;
	if (t->wait_seq)
		service_queue_remove(s, t);
}

void service_cancel_timers(struct service *s, struct task *t)
{
	service_cancel_attempt(s, t);
	if (t->notice)
		engine_cancel(s->e, t->notice);
	t->notice = NULL;
}

void service_bill(struct service *s, struct task *t, bool end_of_run)
{
	enum provider p = t->provider;
	struct task_class *c = &s->cls[t->cls];
	sim_time now = engine_now(s->e);
	int64_t billed = task_billed_seconds(t, now, s->cfg.task->os);
	char detail[128];
	if (t->pull_started_at < 0)
		return;
	c->billed_now[p]--;
	c->start_sum[p] -= simtime_seconds(t->pull_started_at);
	s->totals.billed_seconds[p] += (double)billed;
	c->billed_seconds[p] += (double)billed;
	s->totals.billed_vcpu_seconds[p] += (double)billed * c->vcpu;
	s->totals.cost[p] += (double)billed / 3600.0 * c->hour_usd[p];
	if (!service_logs_events(s))
		return;
	snprintf(detail, sizeof(detail), "billed_seconds=%lld%s", (long long)billed,
		 end_of_run ? ";end_of_run=1" : "");
	service_log_event(s, "BILLED", t, detail);
}

double service_cost_now(const struct service *s)
{
	double now = simtime_seconds(engine_now(s->e)), usd = 0;
	for (int p = 0; p < PROVIDER_COUNT; p++) {
		double open_usd = 0;
		for (size_t k = 0; k < s->ncls; k++) {
			const struct task_class *c = &s->cls[k];
			double open = (double)c->billed_now[p] * now - c->start_sum[p];
			open_usd += open / 3600.0 * c->hour_usd[p];
		}
		usd += s->totals.cost[p] + open_usd;
	}
	return usd;
}

void service_usage_accrued(const struct service *s, enum provider p, struct cost_items *out)
{
	double now = simtime_seconds(engine_now(s->e));
	memset(out, 0, sizeof(*out));
	if (!s->rate[p])
		return;
	for (size_t k = 0; k < s->ncls; k++) {
		const struct task_class *c = &s->cls[k];
		const struct task_definition *def = &c->def;
		struct task_size sz = {def->cpu_units, def->memory_mib, def->storage_gib, def->os,
				       def->arch};
		struct cost_items items;
		double secs =
		    c->billed_seconds[p] + (double)c->billed_now[p] * now - c->start_sum[p];
		pricing_cost(s->rate[p], &sz, secs, &items);
		out->vcpu += items.vcpu;
		out->memory += items.memory;
		out->storage += items.storage;
		out->os_license += items.os_license;
		out->total += items.total;
	}
}

double service_usd_per_hour(const struct service *s)
{
	double usd = 0;
	for (size_t k = 0; k < s->ncls; k++)
		for (int p = 0; p < PROVIDER_COUNT; p++)
			usd += (double)s->cls[k].billed_now[p] * s->cls[k].hour_usd[p];
	return usd;
}

/* Frees t (its timers already cancelled); the last live task takes its slot. */
void service_remove_live(struct service *s, struct task *t)
{
	struct task *last = s->live[--s->nlive];
	s->live[t->live_slot] = last;
	last->live_slot = t->live_slot;
	if (counts_active(t)) /* cut off at the end of the run */
		service_active_drop(s, t);
	if (t->outdated && t->state <= TASK_RUNNING)
		list_unlink(&s->old, t);
	s->old_alive -= t->outdated;
	s->nhealthy -= t->healthy && t->state == TASK_RUNNING;
	s->nstate[t->state][t->provider]--;
	s->nfallback -= t->fallback;
	s->ninterrupted -= t->noticed;
	free(t);
}

/* Forgets `t` as a pending replacement of a fallback task (or vice versa). */
static void unlink_replacement(struct service *s, struct task *t)
{
	struct task *old = t->replaces;
	if (t->replaced_by) {
		t->replaced_by->replaces = NULL;
		t->replaced_by = NULL;
	}
	if (!old)
		return;
	t->replaces = NULL;
	old->replaced_by = NULL;
	if (old->replaces_pending) {
		old->replaces_pending = false;
		if (task_is_active(old))
			service_active_add(s, old);
	}
}

static void stop_now(struct service *s, struct task *t, enum task_stop_reason why)
{
	service_cancel_timers(s, t);
	if (t->stop_reason == STOP_NONE)
		t->stop_reason = why;
	if (t->placed)
		s->placed_vcpu[t->provider] -= s->cls[t->cls].vcpu;
	unlink_replacement(s, t);
	service_set_state(s, t, TASK_STOPPED);
	service_bill(s, t, false);
	service_remove_live(s, t);
	service_request_reconcile(s);
}

static sim_time exit_delay(const struct service *s, const struct task *t)
{
	const struct task_class *c = &s->cls[t->cls];
	sim_time limit = (sim_time)c->def.stop_timeout_s * SIM_SEC;
	return c->shutdown < limit ? c->shutdown : limit;
}

/* Tells the caller why the RUNNING task t is being stopped. */
static void tell_cause(struct service *s, const struct task *t, enum service_stop_cause cause)
{
	if (s->hooks.stop_cause)
		s->hooks.stop_cause(s->hooks.ctx, t->id, (int)cause);
}

static enum service_stop_cause stop_cause_of(enum task_stop_reason why)
{
	switch (why) {
	case STOP_DEPLOYMENT:
		return SERVICE_STOP_DEPLOYMENT;
	case STOP_FALLBACK_REVERT:
		return SERVICE_STOP_FALLBACK_REVERT;
	default:
		return SERVICE_STOP_SCALE_IN;
	}
}

/* Scale-in or replacement: drain, SIGTERM, stop (SPEC §4.2). */
void service_stop_task(struct service *s, struct task *t, enum task_stop_reason why)
{
	if (t->state != TASK_RUNNING) {
		stop_now(s, t, why);
		return;
	}
	service_cancel_timers(s, t);
	t->stop_reason = why;
	tell_cause(s, t, stop_cause_of(why));
	unlink_replacement(s, t);
	leave_service(s, s->cfg.deregistration_delay + exit_delay(s, t));
	service_set_state(s, t, TASK_DEACTIVATING);
	t->timer = engine_after(s->e, s->cfg.deregistration_delay, EV_DRAINED, t, 0);
	service_request_reconcile(s);
}

/* A Spot interruption notice: no new work and SIGTERM now (SPEC §4.4). */
void service_interrupt(struct service *s, struct task *t, const char *why, bool capacity)
{
	s->totals.interruptions++;
	service_log_event(s, "SPOT_INTERRUPTION", t, why);
	if (t->state != TASK_RUNNING) {
		stop_now(s, t, STOP_SPOT_INTERRUPTION);
		return;
	}
	service_cancel_timers(s, t);
	t->stop_reason = STOP_SPOT_INTERRUPTION;
	tell_cause(s, t, capacity ? SERVICE_STOP_CAPACITY_RECLAIM : SERVICE_STOP_SPOT_INTERRUPTION);
	t->noticed = true;
	s->ninterrupted++;
	unlink_replacement(s, t);
	leave_service(s, exit_delay(s, t));
	service_set_state(s, t, TASK_STOPPING);
	t->timer = engine_after(s->e, exit_delay(s, t), EV_STOPPED, t, 0);
	service_request_reconcile(s);
}

sim_time service_sample(struct service *s, const struct dist *d)
{
	return dist_sample(d, &s->startup);
}

void service_on_provisioned(struct engine *e, struct event *ev, void *ctx)
{
	struct service *s = ctx;
	struct task *t = ev->data;
	sim_time start = service_sample(s, &s->cfg.startup->pull) +
			 service_sample(s, &s->cfg.startup->app_start);
	(void)e;
	t->timer = NULL;
	t->pull_started_at = engine_now(s->e);
	s->cls[t->cls].billed_now[t->provider]++;
	s->cls[t->cls].start_sum[t->provider] += simtime_seconds(t->pull_started_at);
	service_set_state(s, t, TASK_PENDING);
	t->timer = engine_after(s->e, start, EV_RUNNING, t, 0);
	if (t->provider == PROVIDER_FARGATE_SPOT) {
		sim_time life = spot_task_lifetime(s->spot);
		if (life < SIM_TIME_MAX - engine_now(s->e))
			t->notice = engine_after(s->e, life, EV_NOTICE, t, 0);
	}
}

void service_on_running(struct engine *e, struct event *ev, void *ctx)
{
	struct service *s = ctx;
	struct task *t = ev->data;
	(void)e;
	t->timer = NULL;
	service_set_state(s, t, TASK_RUNNING);
	if (s->dep.on && !t->outdated) { /* a deployment waits for it to be healthy */
		t->timer = engine_after(s->e, s->dep.grace, EV_HEALTHY, t, 0);
		service_request_reconcile(s);
	}
	if (t->replaces) { /* a Spot task back in place of a fallback task */
		struct task *old = t->replaces;
		t->replaces = NULL;
		old->replaced_by = NULL;
		service_stop_task(s, old, STOP_FALLBACK_REVERT); /* already not counted as active */
	}
}

void service_on_drained(struct engine *e, struct event *ev, void *ctx)
{
	struct service *s = ctx;
	struct task *t = ev->data;
	(void)e;
	t->timer = NULL;
	service_set_state(s, t, TASK_STOPPING);
	t->timer = engine_after(s->e, exit_delay(s, t), EV_STOPPED, t, 0);
}

void service_on_stopped(struct engine *e, struct event *ev, void *ctx)
{
	struct service *s = ctx;
	struct task *t = ev->data;
	(void)e;
	t->timer = NULL;
	stop_now(s, t, t->stop_reason);
}

void service_on_notice(struct engine *e, struct event *ev, void *ctx)
{
	struct service *s = ctx;
	struct task *t = ev->data;
	(void)e;
	t->notice = NULL;
	service_interrupt(s, t, "cause=interruption;model=per_task", false);
}

/* ---- scale-in protection ---- */

sim_time service_protected_until(struct service *s, const struct task *t)
{
	if (!s->hooks.protected_until || t->state != TASK_RUNNING)
		return 0;
	sim_time until = s->hooks.protected_until(s->hooks.ctx, t->id);
	if (until <= engine_now(s->e))
		return 0;
	if (s->protect_min == 0 || until < s->protect_min)
		s->protect_min = until;
	return until;
}

void service_protection_wait(struct service *s, sim_time until)
{
	s->protect_wait = true;
	if (!s->protect_timer)
		s->protect_timer = engine_at(s->e, until, EV_PROTECTION, NULL, 0);
	else if (until < s->protect_timer->time)
		engine_reschedule_at(s->e, s->protect_timer, until);
}

void service_on_protection(struct engine *e, struct event *ev, void *ctx)
{
	struct service *s = ctx;
	(void)e;
	(void)ev;
	s->protect_timer = NULL;
	if (s->protect_wait)
		service_request_reconcile(s);
}
