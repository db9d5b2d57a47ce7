/*
 * service_task — task life in the scheduler: counters, state changes,
 * stops, interruption notices and billing (see service_internal.h).
 */
#include "service_internal.h"

#include "spotsim/engine/dist.h"
#include "spotsim/util/xalloc.h"

#include <stdio.h>
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

/* ---- counters ---- */

void service_account_running(struct service *s)
{
	long running = s->nstate[TASK_RUNNING][0] + s->nstate[TASK_RUNNING][1];
	sim_time now = engine_now(s->e);
	s->totals.running_task_seconds += (double)running * simtime_seconds(now - s->running_since);
	s->running_since = now;
}

static bool counts_active(const struct task *t)
{
	return task_is_active(t) && !t->replaces_pending;
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

static void item_unlink(struct service *s, struct task *t)
{
	struct task_list *l = &s->by_item[t->item];
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
	s->nstate[t->state][t->provider]--;
	t->state = state;
	s->nstate[state][t->provider]++;
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
	long serving = s->nstate[TASK_RUNNING][0] + s->nstate[TASK_RUNNING][1];
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
	sim_time now = engine_now(s->e);
	int64_t billed = task_billed_seconds(t, now, s->cfg.task->os);
	char detail[128];
	if (t->pull_started_at < 0)
		return;
	s->billed_now[p]--;
	s->start_sum[p] -= simtime_seconds(t->pull_started_at);
	s->totals.billed_seconds[p] += (double)billed;
	s->totals.cost[p] += (double)billed / 3600.0 * s->task_hour_usd[p];
	snprintf(detail, sizeof(detail), "billed_seconds=%lld%s", (long long)billed,
		 end_of_run ? ";end_of_run=1" : "");
	service_log_event(s, "BILLED", t, detail);
}

/* Frees t (its timers already cancelled); the last live task takes its slot. */
void service_remove_live(struct service *s, struct task *t)
{
	struct task *last = s->live[--s->nlive];
	s->live[t->live_slot] = last;
	last->live_slot = t->live_slot;
	if (counts_active(t)) /* cut off at the end of the run */
		service_active_drop(s, t);
	s->nstate[t->state][t->provider]--;
	s->nfallback -= t->fallback;
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
		s->placed_vcpu[t->provider] -= s->vcpu;
	unlink_replacement(s, t);
	service_set_state(s, t, TASK_STOPPED);
	service_bill(s, t, false);
	service_remove_live(s, t);
	service_request_reconcile(s);
}

static sim_time exit_delay(const struct service *s)
{
	sim_time limit = (sim_time)s->cfg.task->stop_timeout_s * SIM_SEC;
	return s->cfg.shutdown < limit ? s->cfg.shutdown : limit;
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
	unlink_replacement(s, t);
	leave_service(s, s->cfg.deregistration_delay + exit_delay(s));
	service_set_state(s, t, TASK_DEACTIVATING);
	t->timer = engine_after(s->e, s->cfg.deregistration_delay, EV_DRAINED, t, 0);
	service_request_reconcile(s);
}

/* A Spot interruption notice: no new work and SIGTERM now (SPEC §4.4). */
void service_interrupt(struct service *s, struct task *t, const char *why)
{
	s->totals.interruptions++;
	service_log_event(s, "SPOT_INTERRUPTION", t, why);
	if (t->state != TASK_RUNNING) {
		stop_now(s, t, STOP_SPOT_INTERRUPTION);
		return;
	}
	service_cancel_timers(s, t);
	t->stop_reason = STOP_SPOT_INTERRUPTION;
	unlink_replacement(s, t);
	leave_service(s, exit_delay(s));
	service_set_state(s, t, TASK_STOPPING);
	t->timer = engine_after(s->e, exit_delay(s), EV_STOPPED, t, 0);
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
	s->billed_now[t->provider]++;
	s->start_sum[t->provider] += simtime_seconds(t->pull_started_at);
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
	t->timer = engine_after(s->e, exit_delay(s), EV_STOPPED, t, 0);
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
	service_interrupt(s, t, "model=per_task");
}
