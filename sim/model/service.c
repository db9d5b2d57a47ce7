/*
 * service — the ECS service scheduler (see service.h).
 *
 * Representation: every task not yet STOPPED is in `live` (an array of
 * owned task pointers; a task knows its slot, and removal moves the last
 * task into the hole, so the array's order is a pure function of the
 * history). A STOPPED task is billed, logged and freed at once, so memory
 * follows the number of tasks alive, not simulated time. Everything done
 * per event is O(1) in the number of tasks; what scans them runs once per
 * reclaim, scale-in or fallback revert, not per task.
 *
 * Invariants:
 *  - active[item] = tasks of that strategy item in PROVISIONING, PENDING or
 *    RUNNING that are not being replaced; placement picks from these. They
 *    are also linked in by_item[item], oldest (smallest id) first, and
 *    active_running[item] of them are RUNNING, so a scale-in walks from
 *    the newest end instead of sorting every task.
 *  - nstate[state][provider] counts live tasks by state, for the samples.
 *  - a task's `timer` is its one pending state transition (or NULL); a
 *    handler clears it first, since the engine recycles the event after.
 *  - launch throttling: a placement attempt the throttle delays joins
 *    queue[provider] (FIFO, no event of its own); queue[p].wake is armed,
 *    at the earliest time the throttle lets the head go, exactly when the
 *    queue is not empty. The wake-up serves heads while the throttle allows
 *    and re-arms once: each attempt costs O(1), however many wait.
 *  - a replacement link is kept both ways (replaces / replaced_by).
 *  - billing: billed_now[p] tasks are billed, whose pull starts sum to
 *    start_sum[p] (seconds), so the cost accrued so far is O(1) to compute.
 *
 * Scheduling work is coalesced: any change asks for one RECONCILE event at
 * the current time, which then launches or stops tasks. Same-time events
 * run in the order they were scheduled (engine), so an interruption and a
 * scaling action at one instant resolve deterministically.
 */
#include "spotsim/model/service.h"

#include "spotsim/engine/dist.h"
#include "spotsim/model/placement.h"
#include "spotsim/engine/rng.h"
#include "spotsim/model/tasks.h"
#include "spotsim/util/xalloc.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum {
	EV_RECONCILE = 1,
	EV_PLACE,
	EV_PROVISIONED,
	EV_RUNNING,
	EV_DRAINED,
	EV_STOPPED,
	EV_NOTICE,
	EV_RECLAIM,
	EV_CAPACITY,
	EV_FALLBACK,
	EV_REVERT,
	EV_WAKE,
};

#define RETRY_FIRST	(10 * SIM_SEC)
#define RETRY_MAX	(120 * SIM_SEC)
#define BUCKET_BURST	100.0
#define BUCKET_REFILL	20.0 /* tasks per second */
#define SERVICE_PER_MIN 500
#define THROTTLE_WINDOW SIM_MIN

/* A doubly linked list of tasks through one pair of link fields. */
struct task_list {
	struct task *head, *tail;
};

/* Placement attempts the launch throttle holds back on one provider. */
struct launch_queue {
	struct task_list tasks; /* linked by wait_prev / wait_next, first come first */
	struct event *wake;	/* pending wake-up; NULL when the queue is empty */
	sim_time wake_at;
};

struct service {
	struct engine *e;
	struct service_config cfg; /* the pointers inside are borrowed */
	struct spot *spot;
	struct service_hooks hooks;
	const struct price_rate *rate[PROVIDER_COUNT];
	double task_hour_usd[PROVIDER_COUNT]; /* one task for one hour */
	double vcpu;
	long desired;

	struct task **live;
	size_t nlive, alloc;
	int64_t next_id;
	long active[FARGATE_MAX_STRATEGY_ITEMS];
	long active_running[FARGATE_MAX_STRATEGY_ITEMS];
	struct task_list by_item[FARGATE_MAX_STRATEGY_ITEMS];
	long nstate[TASK_STOPPED + 1][PROVIDER_COUNT];
	double placed_vcpu[PROVIDER_COUNT];
	long nfallback; /* live tasks marked fallback */
	struct task **cand;
	size_t cand_alloc;

	double tokens[PROVIDER_COUNT];
	sim_time tokens_at[PROVIDER_COUNT];
	sim_time launches[SERVICE_PER_MIN]; /* ring of the last launch times */
	size_t launch_next, nlaunches;
	struct launch_queue queue[PROVIDER_COUNT];
	uint64_t wait_seq;

	bool spot_available;
	struct reclaim next_reclaim;
	struct event *reconcile;
	struct rng startup, choice;
	int next_az, azs;

	long billed_now[PROVIDER_COUNT];
	double start_sum[PROVIDER_COUNT];
	sim_time running_since;
	struct service_totals totals;
};

/* ---- logging ---- */

static void log_event(struct service *s, const char *event, const struct task *t,
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

static void account_running(struct service *s)
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
static void active_add(struct service *s, struct task *t)
{
	s->active[t->item]++;
	s->active_running[t->item] += t->state == TASK_RUNNING;
	item_link(s, t);
}

/* t stops counting toward the desired count. */
static void active_drop(struct service *s, struct task *t)
{
	s->active[t->item]--;
	s->active_running[t->item] -= t->state == TASK_RUNNING;
	item_unlink(s, t);
}

/* Moves t to `state`, keeping every counter true; logs the state. */
static void set_state(struct service *s, struct task *t, enum task_state state)
{
	bool serving_changes = (t->state == TASK_RUNNING) != (state == TASK_RUNNING);
	if (serving_changes) {
		if (s->hooks.before_change)
			s->hooks.before_change(s->hooks.ctx);
		account_running(s);
	}
	if (counts_active(t) && state > TASK_RUNNING)
		active_drop(s, t);
	else if (counts_active(t))
		s->active_running[t->item] += (state == TASK_RUNNING) - (t->state == TASK_RUNNING);
	s->nstate[t->state][t->provider]--;
	t->state = state;
	s->nstate[state][t->provider]++;
	log_event(s, task_state_name(state), t, NULL);
	if (s->hooks.task_state)
		s->hooks.task_state(s->hooks.ctx, t->id, (int)state);
}

static void request_reconcile(struct service *s);

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

static struct task *task_create(struct service *s, int item, enum provider p)
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
	active_add(s, t);
	log_event(s, "PROVISIONING", t, NULL);
	t->timer = engine_at(s->e, engine_now(s->e), EV_PLACE, t, 0);
	return t;
}

/* Takes t out of its provider's launch queue; an emptied queue needs no wake-up. */
static void queue_remove(struct service *s, struct task *t)
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
static void cancel_attempt(struct service *s, struct task *t)
{
	if (t->timer)
		engine_cancel(s->e, t->timer);
	t->timer = NULL;
	if (t->wait_seq)
		queue_remove(s, t);
}

static void cancel_timers(struct service *s, struct task *t)
{
	cancel_attempt(s, t);
	if (t->notice)
		engine_cancel(s->e, t->notice);
	t->notice = NULL;
}

static void bill(struct service *s, struct task *t, bool end_of_run)
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
	log_event(s, "BILLED", t, detail);
}

/* Frees t (its timers already cancelled); the last live task takes its slot. */
static void remove_live(struct service *s, struct task *t)
{
	struct task *last = s->live[--s->nlive];
	s->live[t->live_slot] = last;
	last->live_slot = t->live_slot;
	if (counts_active(t)) /* cut off at the end of the run */
		active_drop(s, t);
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
			active_add(s, old);
	}
}

static void stop_now(struct service *s, struct task *t, enum task_stop_reason why)
{
	cancel_timers(s, t);
	if (t->stop_reason == STOP_NONE)
		t->stop_reason = why;
	if (t->placed)
		s->placed_vcpu[t->provider] -= s->vcpu;
	unlink_replacement(s, t);
	set_state(s, t, TASK_STOPPED);
	bill(s, t, false);
	remove_live(s, t);
	request_reconcile(s);
}

static sim_time exit_delay(const struct service *s)
{
	sim_time limit = (sim_time)s->cfg.task->stop_timeout_s * SIM_SEC;
	return s->cfg.shutdown < limit ? s->cfg.shutdown : limit;
}

/* Scale-in or replacement: drain, SIGTERM, stop (SPEC §4.2). */
static void stop_task(struct service *s, struct task *t, enum task_stop_reason why)
{
	if (t->state != TASK_RUNNING) {
		stop_now(s, t, why);
		return;
	}
	cancel_timers(s, t);
	t->stop_reason = why;
	unlink_replacement(s, t);
	leave_service(s, s->cfg.deregistration_delay + exit_delay(s));
	set_state(s, t, TASK_DEACTIVATING);
	t->timer = engine_after(s->e, s->cfg.deregistration_delay, EV_DRAINED, t, 0);
	request_reconcile(s);
}

/* A Spot interruption notice: no new work and SIGTERM now (SPEC §4.4). */
static void interrupt(struct service *s, struct task *t, const char *why)
{
	s->totals.interruptions++;
	log_event(s, "SPOT_INTERRUPTION", t, why);
	if (t->state != TASK_RUNNING) {
		stop_now(s, t, STOP_SPOT_INTERRUPTION);
		return;
	}
	cancel_timers(s, t);
	t->stop_reason = STOP_SPOT_INTERRUPTION;
	unlink_replacement(s, t);
	leave_service(s, exit_delay(s));
	set_state(s, t, TASK_STOPPING);
	t->timer = engine_after(s->e, exit_delay(s), EV_STOPPED, t, 0);
	request_reconcile(s);
}

/* ---- placement attempts ---- */

/* When the throttles next allow a launch on p; now if they allow one now. */
static sim_time throttle_free_at(struct service *s, enum provider p)
{
	sim_time now = engine_now(s->e);
	if (!s->cfg.limits->launch_throttling)
		return now;
	double elapsed = simtime_seconds(now - s->tokens_at[p]);
	s->tokens[p] = fmin(BUCKET_BURST, s->tokens[p] + elapsed * BUCKET_REFILL);
	s->tokens_at[p] = now;
	sim_time at = now;
	if (s->tokens[p] < 1.0)
		at = now + (sim_time)ceil((1.0 - s->tokens[p]) / BUCKET_REFILL * SIM_SEC);
	if (s->nlaunches == SERVICE_PER_MIN) {
		sim_time oldest = s->launches[s->launch_next];
		if (oldest + THROTTLE_WINDOW > at)
			at = oldest + THROTTLE_WINDOW;
	}
	return at;
}

static void take_launch(struct service *s, enum provider p)
{
	if (!s->cfg.limits->launch_throttling)
		return;
	s->tokens[p] -= 1.0;
	s->launches[s->launch_next] = engine_now(s->e);
	s->launch_next = (s->launch_next + 1) % SERVICE_PER_MIN;
	if (s->nlaunches < SERVICE_PER_MIN)
		s->nlaunches++;
}

/* Why a placement fails now, or NULL when it can go ahead. */
static const char *placement_blocked(const struct service *s, const struct task *t)
{
	long quota = s->cfg.limits->vcpu_quota[t->provider];
	if (t->provider == PROVIDER_FARGATE_SPOT && !s->spot_available)
		return "reason=RESOURCE:FARGATE;capacity=unavailable";
	if (quota > 0 && s->placed_vcpu[t->provider] + s->vcpu > (double)quota + 1e-9)
		return "reason=RESOURCE:FARGATE;vcpu_quota=reached";
	return NULL;
}

static sim_time retry_delay(const struct task *t)
{
	sim_time d = RETRY_FIRST;
	for (int i = 1; i < t->retries && d < RETRY_MAX; i++)
		d *= 2;
	return d < RETRY_MAX ? d : RETRY_MAX;
}

static sim_time sample(struct service *s, const struct dist *d)
{
	return dist_sample(d, &s->startup);
}

/* A placement attempt found no capacity: log it and retry with back-off. */
static void place_failed(struct service *s, struct task *t, const char *why)
{
	t->retries++;
	s->totals.placement_failures++;
	log_event(s, "PLACEMENT_FAILURE", t, why);
	if (t->retries == 1 && t->provider == PROVIDER_FARGATE_SPOT &&
	    s->cfg.spot->fallback.enabled) {
		/* a task held back by the throttle may have waited `after` already */
		sim_time at = t->created_at + s->cfg.spot->fallback.after;
		t->notice = engine_at(s->e, at > engine_now(s->e) ? at : engine_now(s->e),
				      EV_FALLBACK, t, 0);
	}
	t->timer = engine_after(s->e, retry_delay(t), EV_PLACE, t, 0);
}

/* The throttle lets t go: it holds its vCPU and starts provisioning. */
static void launch(struct service *s, struct task *t)
{
	take_launch(s, t->provider);
	if (t->notice) { /* a pending fallback check is moot once placed */
		engine_cancel(s->e, t->notice);
		t->notice = NULL;
	}
	t->placed = true;
	s->placed_vcpu[t->provider] += s->vcpu;
	s->totals.tasks_launched++;
	t->timer =
	    engine_after(s->e, sample(s, &s->cfg.startup->provisioning), EV_PROVISIONED, t, 0);
}

/* ---- launch queues: attempts the throttle holds back ---- */

static void queue_push(struct service *s, struct task *t)
{
	struct task_list *l = &s->queue[t->provider].tasks;
	t->wait_seq = ++s->wait_seq;
	t->wait_next = NULL;
	t->wait_prev = l->tail;
	if (l->tail)
		l->tail->wait_next = t;
	else
		l->head = t;
	l->tail = t;
}

static void wake_arm(struct service *s, enum provider p, sim_time at)
{
	s->queue[p].wake = engine_at(s->e, at, EV_WAKE, NULL, p);
	s->queue[p].wake_at = at;
}

/* Of the due queues' heads, the one that arrived first; NULL when none is left. */
static struct task *first_due(const struct service *s, const bool due[PROVIDER_COUNT])
{
	struct task *first = NULL;
	for (int p = 0; p < PROVIDER_COUNT; p++) {
		struct task *h = s->queue[p].tasks.head;
		if (due[p] && h && (!first || h->wait_seq < first->wait_seq))
			first = h;
	}
	return first;
}

/*
 * Serves the heads of the due queues in order of arrival (the buckets share
 * the service's per-minute limit) while the throttle lets them go; a queue
 * it holds back re-arms its wake-up once, for when its head may go.
 */
static void serve_queues(struct service *s, bool due[PROVIDER_COUNT])
{
	sim_time now = engine_now(s->e);
	struct task *t;
	while ((t = first_due(s, due))) {
		enum provider p = t->provider;
		const char *blocked = placement_blocked(s, t);
		sim_time at = blocked ? now : throttle_free_at(s, p);
		if (at > now) {
			due[p] = false;
			wake_arm(s, p, at);
			continue;
		}
		queue_remove(s, t);
		if (blocked)
			place_failed(s, t, blocked);
		else
			launch(s, t);
	}
}

/* A queue's wake-up; a queue whose wake-up is due at the same time is served with it. */
static void on_wake(struct engine *e, struct event *ev, void *ctx)
{
	struct service *s = ctx;
	bool due[PROVIDER_COUNT];
	for (int p = 0; p < PROVIDER_COUNT; p++) {
		struct launch_queue *q = &s->queue[p];
		due[p] = q->wake == ev || (q->wake && q->wake_at == engine_now(e));
		if (due[p] && q->wake != ev)
			engine_cancel(e, q->wake);
		if (due[p])
			q->wake = NULL;
	}
	serve_queues(s, due);
}

static void on_place(struct engine *e, struct event *ev, void *ctx)
{
	struct service *s = ctx;
	struct task *t = ev->data;
	const char *blocked = placement_blocked(s, t);
	(void)e;
	t->timer = NULL;
	if (blocked) {
		place_failed(s, t, blocked);
		return;
	}
	/* brings the bucket up to now even when t has to queue */
	sim_time at = throttle_free_at(s, t->provider);
	struct launch_queue *q = &s->queue[t->provider];
	if (!q->tasks.head && at <= engine_now(s->e)) {
		launch(s, t);
		return;
	}
	if (!q->tasks.head)
		wake_arm(s, t->provider, at);
	queue_push(s, t); /* behind the tasks already waiting: first come, first served */
}

static void on_provisioned(struct engine *e, struct event *ev, void *ctx)
{
	struct service *s = ctx;
	struct task *t = ev->data;
	sim_time start = sample(s, &s->cfg.startup->pull) + sample(s, &s->cfg.startup->app_start);
	(void)e;
	t->timer = NULL;
	t->pull_started_at = engine_now(s->e);
	s->billed_now[t->provider]++;
	s->start_sum[t->provider] += simtime_seconds(t->pull_started_at);
	set_state(s, t, TASK_PENDING);
	t->timer = engine_after(s->e, start, EV_RUNNING, t, 0);
	if (t->provider == PROVIDER_FARGATE_SPOT) {
		sim_time life = spot_task_lifetime(s->spot);
		if (life < SIM_TIME_MAX - engine_now(s->e))
			t->notice = engine_after(s->e, life, EV_NOTICE, t, 0);
	}
}

static void on_running(struct engine *e, struct event *ev, void *ctx)
{
	struct service *s = ctx;
	struct task *t = ev->data;
	(void)e;
	t->timer = NULL;
	set_state(s, t, TASK_RUNNING);
	if (t->replaces) { /* a Spot task back in place of a fallback task */
		struct task *old = t->replaces;
		t->replaces = NULL;
		old->replaced_by = NULL;
		stop_task(s, old, STOP_FALLBACK_REVERT); /* already not counted as active */
	}
}

static void on_drained(struct engine *e, struct event *ev, void *ctx)
{
	struct service *s = ctx;
	struct task *t = ev->data;
	(void)e;
	t->timer = NULL;
	set_state(s, t, TASK_STOPPING);
	t->timer = engine_after(s->e, exit_delay(s), EV_STOPPED, t, 0);
}

static void on_stopped(struct engine *e, struct event *ev, void *ctx)
{
	struct service *s = ctx;
	struct task *t = ev->data;
	(void)e;
	t->timer = NULL;
	stop_now(s, t, t->stop_reason);
}

static void on_notice(struct engine *e, struct event *ev, void *ctx)
{
	struct service *s = ctx;
	struct task *t = ev->data;
	(void)e;
	t->notice = NULL;
	interrupt(s, t, "model=per_task");
}

/* ---- the scheduler pass ---- */

static long active_total(const struct service *s)
{
	long n = 0;
	for (size_t i = 0; i < s->cfg.service->strategy.nr; i++)
		n += s->active[i];
	return n;
}

static long max_total(const struct service *s)
{
	long m = s->desired * s->cfg.service->maximum_percent / 100;
	return m > s->desired ? m : s->desired;
}

static void launch_one(struct service *s)
{
	const struct strategy *st = &s->cfg.service->strategy;
	size_t item = placement_pick(st, s->active);
	task_create(s, (int)item, st->items[item].provider);
}

/* Walks active tasks from the newest, over one item's list or merging all of them. */
struct newest_walk {
	struct task *at[FARGATE_MAX_STRATEGY_ITEMS];
	size_t n;
};

static void newest_init(struct newest_walk *w, const struct service *s, int item)
{
	w->n = 0;
	for (size_t i = 0; i < s->cfg.service->strategy.nr; i++)
		if (item < 0 || (int)i == item)
			w->at[w->n++] = s->by_item[i].tail;
}

static struct task *newest_next(struct newest_walk *w)
{
	size_t best = w->n;
	for (size_t i = 0; i < w->n; i++)
		if (w->at[i] && (best == w->n || w->at[i]->id > w->at[best]->id))
			best = i;
	if (best == w->n)
		return NULL;
	struct task *t = w->at[best];
	w->at[best] = t->item_prev;
	return t;
}

/*
 * Fills s->cand with the first `n` active tasks of `item` (of every item
 * when negative) in stop order: not yet RUNNING first, then the newest.
 * Returns how many. Walks from the newest end, so it costs about the
 * number it stops, not the number of tasks.
 */
static size_t stop_candidates(struct service *s, int item, long n)
{
	long waiting = 0, k = 0;
	for (size_t i = 0; i < s->cfg.service->strategy.nr; i++)
		if (item < 0 || (int)i == item)
			waiting += s->active[i] - s->active_running[i];
	XALLOC_GROW(s->cand, s->nlive + 1, s->cand_alloc);
	for (int running = 0; running < 2; running++) {
		long want = running ? n : (waiting < n ? waiting : n);
		struct newest_walk w;
		struct task *t;
		newest_init(&w, s, item);
		while (k < want && (t = newest_next(&w)))
			if ((t->state == TASK_RUNNING) == (running == 1))
				s->cand[k++] = t;
	}
	return (size_t)k;
}

/* How many tasks each item should lose so `keep` remain, by the scale-in order. */
static void plan_scale_in(const struct service *s, long keep, long *lose)
{
	const struct strategy *st = &s->cfg.service->strategy;
	long target[FARGATE_MAX_STRATEGY_ITEMS], excess = active_total(s) - keep;
	enum scale_in_order order = s->cfg.scale_in_order;
	placement_split(st, keep, target);
	for (size_t i = 0; i < st->nr; i++)
		lose[i] = 0;
	for (int pass = 0; pass < 2 && excess > 0; pass++) {
		for (size_t i = 0; i < st->nr && excess > 0; i++) {
			bool spot = st->items[i].provider == PROVIDER_FARGATE_SPOT;
			if (order == SCALE_IN_SPOT_FIRST && pass == 0 && !spot)
				continue;
			if (order == SCALE_IN_ON_DEMAND_FIRST && pass == 0 && spot)
				continue;
			long want = order == SCALE_IN_BALANCED && pass == 0
					? s->active[i] - target[i]
					: s->active[i] - lose[i];
			if (want > excess)
				want = excess;
			if (want > 0) {
				lose[i] += want;
				excess -= want;
			}
		}
	}
}

static void scale_in(struct service *s, long keep)
{
	long lose[FARGATE_MAX_STRATEGY_ITEMS];
	size_t n;
	if (s->cfg.scale_in_order == SCALE_IN_NEWEST) {
		n = stop_candidates(s, -1, active_total(s) - keep);
		for (size_t k = 0; k < n; k++)
			stop_task(s, s->cand[k], STOP_SCALE_IN);
		return;
	}
	plan_scale_in(s, keep, lose);
	for (size_t i = 0; i < s->cfg.service->strategy.nr; i++) {
		n = stop_candidates(s, (int)i, lose[i]);
		for (size_t k = 0; k < n; k++)
			stop_task(s, s->cand[k], STOP_SCALE_IN);
	}
}

static void on_reconcile(struct engine *e, struct event *ev, void *ctx)
{
	struct service *s = ctx;
	(void)e;
	(void)ev;
	s->reconcile = NULL;
	if (active_total(s) > s->desired)
		scale_in(s, s->desired);
	while (active_total(s) < s->desired && (long)s->nlive < max_total(s))
		launch_one(s);
}

static void request_reconcile(struct service *s)
{
	if (!s->reconcile)
		s->reconcile = engine_at(s->e, engine_now(s->e), EV_RECONCILE, NULL, 0);
}

/* ---- Spot: reclaims, capacity, fallback ---- */

static void arm_reclaim(struct service *s)
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

static void on_reclaim(struct engine *e, struct event *ev, void *ctx)
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
		interrupt(s, cand[k], why);
	}
	arm_reclaim(s);
}

static void arm_capacity(struct service *s)
{
	sim_time next;
	s->spot_available = spot_capacity_at(s->spot, engine_now(s->e), &next);
	if (next < SIM_TIME_MAX)
		engine_at(s->e, next, EV_CAPACITY, NULL, 0);
}

static void on_capacity(struct engine *e, struct event *ev, void *ctx)
{
	struct service *s = ctx;
	bool was = s->spot_available;
	(void)e;
	(void)ev;
	arm_capacity(s);
	if (was == s->spot_available)
		return;
	log_event(s, s->spot_available ? "SPOT_CAPACITY_AVAILABLE" : "SPOT_CAPACITY_UNAVAILABLE",
		  NULL, NULL);
	if (s->spot_available && s->cfg.spot->fallback.enabled)
		engine_after(s->e, s->cfg.spot->fallback.revert_after, EV_REVERT, NULL, 0);
}

/* A Spot task waited `after` for capacity: run its share on FARGATE. */
static void on_fallback(struct engine *e, struct event *ev, void *ctx)
{
	struct service *s = ctx;
	struct task *t = ev->data;
	(void)e;
	t->notice = NULL;
	if (t->placed || t->state != TASK_PROVISIONING)
		return;
	cancel_attempt(s, t); /* before it changes provider (and launch queue) */
	s->nstate[TASK_PROVISIONING][t->provider]--;
	t->provider = PROVIDER_FARGATE;
	t->fallback = true;
	s->nfallback++;
	t->retries = 0;
	s->nstate[TASK_PROVISIONING][t->provider]++;
	log_event(s, "FALLBACK", t, "to=FARGATE");
	t->timer = engine_at(s->e, engine_now(s->e), EV_PLACE, t, 0);
}

/* Spot capacity has been back `revert_after`: replace fallback tasks with Spot. */
static void on_revert(struct engine *e, struct event *ev, void *ctx)
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
		active_drop(s, old);
		old->replaces_pending = true;
		struct task *t = task_create(s, old->item, PROVIDER_FARGATE_SPOT);
		t->replaces = old;
		old->replaced_by = t;
		log_event(s, "FALLBACK_REVERT", t, NULL);
	}
}

/* ---- the public side ---- */

static const struct {
	int type;
	engine_handler_fn fn;
} handlers[] = {
    {EV_RECONCILE, on_reconcile}, {EV_PLACE, on_place},	    {EV_PROVISIONED, on_provisioned},
    {EV_RUNNING, on_running},	  {EV_DRAINED, on_drained}, {EV_STOPPED, on_stopped},
    {EV_NOTICE, on_notice},	  {EV_RECLAIM, on_reclaim}, {EV_CAPACITY, on_capacity},
    {EV_FALLBACK, on_fallback},	  {EV_REVERT, on_revert},   {EV_WAKE, on_wake},
};

static double task_hour(const struct service_config *cfg, const struct price_rate *r)
{
	struct task_size sz = {cfg->task->cpu_units, cfg->task->memory_mib, cfg->task->storage_gib,
			       cfg->task->os, cfg->task->arch};
	struct cost_items c;
	if (!r)
		return 0;
	pricing_cost(r, &sz, 3600.0, &c);
	return c.total;
}

static int az_count(const struct service_config *cfg)
{
	int azs = 1;
	for (size_t i = 0; i < cfg->spot->ninterruptions; i++)
		if (cfg->spot->interruptions[i].per_az && cfg->spot->interruptions[i].azs > azs)
			azs = cfg->spot->interruptions[i].azs;
	return azs;
}

struct service *service_new(struct engine *e, const struct service_config *cfg,
			    const struct price_rate *const rates[PROVIDER_COUNT], struct spot *spot,
			    uint64_t replication, const struct service_hooks *hooks)
{
	struct service *s = xcalloc(1, sizeof(*s));
	s->e = e;
	s->cfg = *cfg;
	s->spot = spot;
	s->hooks = *hooks;
	s->vcpu = cfg->task->cpu_units / 1024.0;
	s->desired = cfg->service->desired_count;
	s->azs = az_count(cfg);
	for (int p = 0; p < PROVIDER_COUNT; p++) {
		s->rate[p] = rates[p];
		s->task_hour_usd[p] = task_hour(cfg, rates[p]);
		s->tokens[p] = BUCKET_BURST;
	}
	rng_init(&s->startup, cfg->seed, replication, RNG_STARTUP);
	rng_init(&s->choice, cfg->seed, replication, RNG_SERVICE);
	for (size_t i = 0; i < sizeof(handlers) / sizeof(handlers[0]); i++)
		engine_on(e, handlers[i].type, handlers[i].fn, s);
	return s;
}

void service_free(struct service *s)
{
	if (!s)
		return;
	for (size_t i = 0; i < s->nlive; i++)
		free(s->live[i]);
	free(s->live);
	free(s->cand);
	rng_release(&s->startup);
	rng_release(&s->choice);
	free(s);
}

void service_start(struct service *s)
{
	s->running_since = engine_now(s->e);
	arm_capacity(s);
	if (!s->spot_available)
		log_event(s, "SPOT_CAPACITY_UNAVAILABLE", NULL, NULL);
	arm_reclaim(s);
	request_reconcile(s);
}

void service_set_desired(struct service *s, long desired)
{
	char detail[64];
	s->desired = desired < 0 ? 0 : desired;
	snprintf(detail, sizeof(detail), "desired=%ld", s->desired);
	log_event(s, "DESIRED_COUNT", NULL, detail);
	request_reconcile(s);
}

void service_counts(const struct service *s, struct service_counts *out)
{
	memset(out, 0, sizeof(*out));
	out->desired = s->desired;
	for (int p = 0; p < PROVIDER_COUNT; p++) {
		out->running[p] = s->nstate[TASK_RUNNING][p];
		out->pending[p] = s->nstate[TASK_PROVISIONING][p] + s->nstate[TASK_PENDING][p];
		out->draining += s->nstate[TASK_DEACTIVATING][p] + s->nstate[TASK_STOPPING][p];
		out->serving += out->running[p];
	}
}

bool service_spot_available(const struct service *s)
{
	return s->spot_available;
}

double service_cost_accrued(const struct service *s)
{
	double now = simtime_seconds(engine_now(s->e)), usd = 0;
	for (int p = 0; p < PROVIDER_COUNT; p++) {
		double open = (double)s->billed_now[p] * now - s->start_sum[p];
		usd += s->totals.cost[p] + open / 3600.0 * s->task_hour_usd[p];
	}
	return usd;
}

void service_finish(struct service *s, struct service_totals *out)
{
	account_running(s);
	while (s->nlive) {
		struct task *t = s->live[s->nlive - 1];
		cancel_timers(s, t);
		t->stop_reason = STOP_END_OF_RUN;
		bill(s, t, true);
		remove_live(s, t);
	}
	*out = s->totals;
}
