/*
 * service_launch — placement attempts in the scheduler: capacity and quota
 * checks, retries, the launch throttle and its queues (see
 * service_internal.h).
 */
#include "service_internal.h"

#include <math.h>

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
	if (s->nlaunches == s->per_minute) {
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
	s->launch_next = (s->launch_next + 1) % s->per_minute;
	if (s->nlaunches < s->per_minute)
		s->nlaunches++;
}

/* Why a placement fails now, or NULL when it can go ahead. */
static const char *placement_blocked(const struct service *s, const struct task *t)
{
	long quota = s->cfg.limits->vcpu_quota[t->provider];
	if (t->provider == PROVIDER_FARGATE_SPOT && !s->spot_available)
		return "reason=RESOURCE:FARGATE;capacity=unavailable";
	if (quota > 0 && s->placed_vcpu[t->provider] + s->cls[t->cls].vcpu > (double)quota + 1e-9)
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

/* A placement attempt found no capacity: log it and retry with back-off. */
static void place_failed(struct service *s, struct task *t, const char *why)
{
	t->retries++;
	s->totals.placement_failures++;
	service_log_event(s, "PLACEMENT_FAILURE", t, why);
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
	s->placed_vcpu[t->provider] += s->cls[t->cls].vcpu;
	s->totals.tasks_launched++;
	t->timer = engine_after(s->e, service_sample(s, &s->cfg.startup->provisioning),
				EV_PROVISIONED, t, 0);
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
		service_queue_remove(s, t);
		if (blocked)
			place_failed(s, t, blocked);
		else
			launch(s, t);
	}
}

/* A queue's wake-up; a queue whose wake-up is due at the same time is served with it. */
void service_on_wake(struct engine *e, struct event *ev, void *ctx)
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

void service_on_place(struct engine *e, struct event *ev, void *ctx)
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
