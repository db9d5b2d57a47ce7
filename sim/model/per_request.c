/*
 * per_request — every request an event (see per_request.h).
 *
 * Representation.
 *  - A task record (struct ptask) lives from RUNNING to STOPPED. It has
 *    `concurrency` slots, a stack of its free slots, and a ring buffer of
 *    its queued requests (arrival time and service time, drawn at arrival),
 *    oldest first. The ring doubles when full and never shrinks: it holds
 *    the task's longest queue so far.
 *  - Tasks sit in an array sorted by id (found by binary search: a service
 *    has at most thousands of tasks). The tasks that accept requests are
 *    also in the routing array, in the order they became RUNNING (round
 *    robin walks it), and, for least_outstanding_requests, in buckets by
 *    outstanding count (below).
 *  - A slot in service has its completion event (data: the task, arg: the
 *    slot). A task with a queue has at most one abandonment timer, due at
 *    or before its head's deadline (arrival + timeout). Since every request
 *    waits the same timeout and queues are FIFO, deadlines grow along a
 *    queue, so the timer is moved lazily: it is armed when a request joins
 *    an empty, timer-less queue, and when it fires it drops the heads whose
 *    deadline has come and re-arms itself at the new head's, if any.
 *  - Least outstanding requests: bucket k lists the accepting tasks with k
 *    requests outstanding (in service + queued), in the order they got that
 *    count; `min` is the lowest non-empty bucket. A count moves by small
 *    steps, so a move is O(1) and `min` moves by a short scan.
 *
 * Invariants, after every handler and public call:
 *  - a task's free slots and its queue do not coexist, except that a queue
 *    may hold heads whose deadline is now and whose timer is still due now;
 *  - outstanding = busy + queued, and in_system is their sum over tasks;
 *  - serving_busy is the busy slots of accepting tasks;
 *  - the time integrals are brought up to now (integrate) before anything
 *    they depend on (busy slots, accepting tasks) changes.
 *
 * Windows (a minute, a sample) are differences of cumulative integrals
 * taken at the window's start, so an event costs one update, not three.
 */
#include "spotsim/model/per_request.h"

#include "spotsim/engine/rng.h"
#include "spotsim/engine/timehist.h"
#include "spotsim/util/xalloc.h"

#include <assert.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

enum {
	EV_ARRIVAL = PER_REQUEST_EV_BASE,
	EV_DONE,    /* data: the task; arg: the slot */
	EV_ABANDON, /* data: the task */
};

struct req {
	sim_time arrived, service;
};

struct slot {
	sim_time arrived, started;
	struct event *done; /* NULL when the slot is free */
	bool queued;
};

struct ptask {
	int64_t id;
	bool accepting;
	long busy, outstanding;
	struct slot *slots;
	long *free_slots; /* stack of free slot indexes */
	long nfree;
	struct req *ring; /* queued requests, oldest at `head` */
	size_t head, len, cap;
	struct event *abandon;
	size_t route_pos;
	struct ptask *lor_prev, *lor_next;
};

struct lor_bucket {
	struct ptask *first, *last;
};

struct lor {
	struct lor_bucket *b;
	size_t nb;
	long min; /* lowest non-empty bucket; -1 when no task is listed */
	long n;
};

/* Cumulative integrals; a window is the difference of two of these. */
struct integrals {
	double busy_s;	  /* integral of the busy slots of accepting tasks */
	double serving_s; /* time with an accepting task */
	double task_s;	  /* integral of the accepting tasks */
	double routed;	  /* requests routed to a task */
};

struct counts {
	double requests, served, dropped;
};

struct per_request {
	struct engine *e;
	const struct per_request_config *c;
	struct per_request_rate rate;
	struct rng arrivals, service, routing;
	struct per_request_piece piece;
	sim_time piece_start;

	struct ptask **tasks; /* sorted by id */
	size_t ntasks, tasks_alloc;
	struct ptask **route; /* accepting tasks, in the order they became RUNNING */
	size_t nroute, route_alloc, rr;
	struct lor lor;

	long serving_busy;
	long in_system;
	sim_time integrated;
	struct integrals cum, minute0, sample0;
	struct per_request_totals totals;
	struct counts minute;
	struct timehist latency, wait, minute_latency;
};

/* ---- routing names ---- */

static const char *const routing_names[] = {
    [ROUTING_ROUND_ROBIN] = "round_robin",
    [ROUTING_LEAST_OUTSTANDING] = "least_outstanding_requests",
    [ROUTING_RANDOM] = "random",
};

#define NROUTINGS (sizeof(routing_names) / sizeof(routing_names[0]))

const char *per_request_routing_name(enum per_request_routing r)
{
	return (size_t)r < NROUTINGS ? routing_names[r] : NULL;
}

bool per_request_routing_parse(const char *name, enum per_request_routing *out)
{
	for (size_t i = 0; name && i < NROUTINGS; i++) {
		if (!strcmp(name, routing_names[i])) {
			*out = (enum per_request_routing)i;
			return true;
		}
	}
	return false;
}

const char *per_request_routing_names(void)
{
	return "round_robin, least_outstanding_requests, random";
}

void per_request_config_release(struct per_request_config *c)
{
	dist_release(&c->service_time);
}

/* ---- time integrals ---- */

/* CPU utilization with `busy` slot-seconds over `task_s` task-seconds. */
static double cpu_percent(const struct per_request *p, double busy, double task_s)
{
	double cpu = p->c->cpu_idle_percent + 100.0 * busy / (task_s * (double)p->c->concurrency);
	return cpu < 100 ? cpu : 100;
}

static void integrate(struct per_request *p)
{
	sim_time now = engine_now(p->e);
	if (now <= p->integrated)
		return;
	double dt = simtime_seconds(now - p->integrated);
	p->integrated = now;
	if (!p->nroute)
		return;
	p->cum.busy_s += (double)p->serving_busy * dt;
	p->cum.serving_s += dt;
	p->cum.task_s += (double)p->nroute * dt;
}

/* Memory utilization over a window with `routed` requests and `task_s` task-seconds. */
static double memory_pct(const struct per_request *p, double routed, double task_s)
{
	double mem = p->c->memory_base_percent + p->c->memory_per_rps * routed / task_s;
	return mem < 100 ? mem : 100;
}

/* ---- counting ---- */

static void count_request(struct per_request *p)
{
	p->totals.requests++;
	p->minute.requests++;
}

static void count_dropped(struct per_request *p, double *kind, double n)
{
	*kind += n;
	p->totals.dropped += n;
	p->minute.dropped += n;
}

static void count_served(struct per_request *p, const struct slot *s, sim_time now)
{
	sim_time wait = s->started - s->arrived;
	p->totals.served++;
	p->minute.served++;
	p->totals.waited += s->queued;
	p->totals.wait_sum_s += simtime_seconds(wait);
	timehist_add(&p->latency, now - s->arrived);
	timehist_add(&p->minute_latency, now - s->arrived);
	timehist_add(&p->wait, wait);
}

/* ---- least outstanding requests ---- */

static void lor_add(struct lor *l, struct ptask *t)
{
	size_t k = (size_t)t->outstanding;
	if (k >= l->nb) {
		size_t nb = l->nb ? l->nb : 16;
		while (nb <= k)
			nb *= 2;
		l->b = xrealloc(l->b, nb * sizeof(*l->b));
		memset(l->b + l->nb, 0, (nb - l->nb) * sizeof(*l->b));
		l->nb = nb;
	}
	struct lor_bucket *b = &l->b[k];
	t->lor_prev = b->last;
	t->lor_next = NULL;
	if (b->last)
		b->last->lor_next = t;
	else
		b->first = t;
	b->last = t;
	if (l->min < 0 || t->outstanding < l->min)
		l->min = t->outstanding;
	l->n++;
}

/* Unlinks t from bucket k (its count when it was listed). */
static void lor_del(struct lor *l, struct ptask *t, long k)
{
	struct lor_bucket *b = &l->b[k];
	if (t->lor_prev)
		t->lor_prev->lor_next = t->lor_next;
	else
		b->first = t->lor_next;
	if (t->lor_next)
		t->lor_next->lor_prev = t->lor_prev;
	else
		b->last = t->lor_prev;
	t->lor_prev = t->lor_next = NULL;
	if (--l->n == 0)
		l->min = -1;
	else
		while (!l->b[l->min].first)
			l->min++;
}

/* t's outstanding count changed from `old`: it moves to the end of its new bucket. */
static void lor_move(struct per_request *p, struct ptask *t, long old)
{
	if (p->c->routing != ROUTING_LEAST_OUTSTANDING || !t->accepting || t->outstanding == old)
		return;
	lor_del(&p->lor, t, old);
	lor_add(&p->lor, t);
}

/* ---- tasks ---- */

/* The index of the first task with an id >= id. */
static size_t task_lower_bound(const struct per_request *p, int64_t id)
{
	size_t lo = 0, hi = p->ntasks;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (p->tasks[mid]->id < id)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

static struct ptask *task_find(const struct per_request *p, int64_t id)
{
	size_t i = task_lower_bound(p, id);
	return i < p->ntasks && p->tasks[i]->id == id ? p->tasks[i] : NULL;
}

static struct ptask *task_new(struct per_request *p, int64_t id)
{
	long c = p->c->concurrency;
	struct ptask *t = xcalloc(1, sizeof(*t));
	t->id = id;
	t->slots = xcalloc((size_t)c, sizeof(*t->slots));
	t->free_slots = xmalloc((size_t)c * sizeof(*t->free_slots));
	for (long i = 0; i < c; i++)
		t->free_slots[i] = c - 1 - i; /* slot 0 on top */
	t->nfree = c;
	size_t at = task_lower_bound(p, id);
	XALLOC_GROW(p->tasks, p->ntasks + 1, p->tasks_alloc);
	memmove(p->tasks + at + 1, p->tasks + at, (p->ntasks - at) * sizeof(*p->tasks));
	p->tasks[at] = t;
	p->ntasks++;
	return t;
}

static void task_free(struct ptask *t)
{
	free(t->slots);
	free(t->free_slots);
	free(t->ring);
	free(t);
}

static void task_unindex(struct per_request *p, struct ptask *t)
{
	size_t at = task_lower_bound(p, t->id);
	memmove(p->tasks + at, p->tasks + at + 1, (p->ntasks - at - 1) * sizeof(*p->tasks));
	p->ntasks--;
}

static void start_accepting(struct per_request *p, struct ptask *t)
{
	XALLOC_GROW(p->route, p->nroute + 1, p->route_alloc);
	t->route_pos = p->nroute;
	p->route[p->nroute++] = t;
	t->accepting = true;
	p->serving_busy += t->busy;
	if (p->c->routing == ROUTING_LEAST_OUTSTANDING)
		lor_add(&p->lor, t);
}

/* Takes t out of the routing array, keeping the order of the others. */
static void stop_accepting(struct per_request *p, struct ptask *t)
{
	size_t i = t->route_pos;
	memmove(p->route + i, p->route + i + 1, (p->nroute - i - 1) * sizeof(*p->route));
	p->nroute--;
	for (size_t j = i; j < p->nroute; j++)
		p->route[j]->route_pos = j;
	if (i < p->rr)
		p->rr--;
	if (p->rr >= p->nroute)
		p->rr = 0;
	if (p->c->routing == ROUTING_LEAST_OUTSTANDING)
		lor_del(&p->lor, t, t->outstanding);
	p->serving_busy -= t->busy;
	t->accepting = false;
}

/* ---- queues and slots ---- */

static void ring_push(struct ptask *t, struct req r)
{
	if (t->len == t->cap) {
		size_t cap = t->cap ? 2 * t->cap : 8;
		struct req *ring = xmalloc(cap * sizeof(*ring));
		for (size_t i = 0; i < t->len; i++)
			ring[i] = t->ring[(t->head + i) & (t->cap - 1)];
		free(t->ring);
		t->ring = ring;
		t->cap = cap;
		t->head = 0;
	}
	t->ring[(t->head + t->len) & (t->cap - 1)] = r;
	t->len++;
}

static struct req ring_pop(struct ptask *t)
{
	struct req r = t->ring[t->head];
	t->head = (t->head + 1) & (t->cap - 1);
	t->len--;
	return r;
}

static void start_service(struct per_request *p, struct ptask *t, struct req r, bool queued)
{
	sim_time now = engine_now(p->e);
	long i = t->free_slots[--t->nfree];
	struct slot *s = &t->slots[i];
	s->arrived = r.arrived;
	s->started = now;
	s->queued = queued;
	s->done = engine_at(p->e, now + r.service, EV_DONE, t, i);
	t->busy++;
	if (t->accepting)
		p->serving_busy++;
}

/* Drops the queued heads that have waited `timeout` by now. */
static void drop_expired(struct per_request *p, struct ptask *t)
{
	sim_time now = engine_now(p->e);
	double n = 0;
	while (t->len && now - t->ring[t->head].arrived >= p->c->timeout) {
		ring_pop(t);
		n++;
	}
	if (n > 0) {
		count_dropped(p, &p->totals.abandoned, n);
		t->outstanding -= (long)n;
		p->in_system -= (long)n;
	}
}

static void arm_abandon(struct per_request *p, struct ptask *t)
{
	if (!t->abandon && t->len)
		t->abandon =
		    engine_at(p->e, t->ring[t->head].arrived + p->c->timeout, EV_ABANDON, t, 0);
}

/* A request routed to t: a free slot, else the queue, else (timeout 0) dropped. */
static void admit(struct per_request *p, struct ptask *t, struct req r)
{
	long old = t->outstanding;
	p->cum.routed++;
	if (t->nfree > 0) {
		start_service(p, t, r, false);
	} else if (p->c->timeout <= 0) {
		count_dropped(p, &p->totals.abandoned, 1);
		return;
	} else {
		ring_push(t, r);
		arm_abandon(p, t);
	}
	t->outstanding++;
	p->in_system++;
	lor_move(p, t, old);
}

static struct ptask *route(struct per_request *p)
{
	size_t n = p->nroute;
	if (!n)
		return NULL;
	switch (p->c->routing) {
	case ROUTING_LEAST_OUTSTANDING:
		return p->lor.b[p->lor.min].first;
	case ROUTING_RANDOM:
		return p->route[rng_uniform_int(&p->routing, (uint32_t)n)];
	case ROUTING_ROUND_ROBIN:
	default: {
		struct ptask *t = p->route[p->rr];
		p->rr = p->rr + 1 < n ? p->rr + 1 : 0;
		return t;
	}
	}
}

/* ---- arrivals ---- */

static void new_piece(struct per_request *p, sim_time t)
{
	p->rate.piece(p->rate.ctx, t, &p->piece);
	assert(p->piece.end > t && p->piece.bound >= 0);
	p->piece_start = t;
}

/*
 * The first arrival at or after t: candidates at the piece's bound,
 * restarted at each piece's end (the exponential forgets), kept with
 * probability lambda / bound where the piece is not exact. SIM_TIME_MAX
 * when none comes.
 */
static sim_time next_arrival(struct per_request *p, sim_time t)
{
	for (;;) {
		if (t >= p->piece.end) {
			if (p->piece.end == SIM_TIME_MAX)
				return SIM_TIME_MAX;
			new_piece(p, p->piece.end);
		}
		double left_us = p->piece.end == SIM_TIME_MAX ? (double)(SIM_TIME_MAX - t)
							      : (double)(p->piece.end - t);
		double gap_us = p->piece.bound > 0
				    ? rng_exponential(&p->arrivals, 1e6 / p->piece.bound)
				    : INFINITY;
		if (gap_us >= left_us) {
			if (p->piece.end == SIM_TIME_MAX)
				return SIM_TIME_MAX;
			t = p->piece.end;
			continue;
		}
		t += (sim_time)llround(gap_us);
		if (t >= p->piece.end)
			continue;
		if (p->piece.exact ||
		    rng_uniform(&p->arrivals) * p->piece.bound <= p->rate.at(p->rate.ctx, t))
			return t;
	}
}

static void arrive(struct per_request *p)
{
	struct req r = {engine_now(p->e), dist_sample(&p->c->service_time, &p->service)};
	count_request(p);
	struct ptask *t = route(p);
	if (t)
		admit(p, t, r);
	else
		count_dropped(p, &p->totals.rejected, 1);
}

static void on_arrival(struct engine *e, struct event *ev, void *ctx)
{
	struct per_request *p = ctx;
	integrate(p);
	arrive(p);
	sim_time next = next_arrival(p, engine_now(e));
	if (next < SIM_TIME_MAX)
		engine_reschedule_at(e, ev, next);
}

/* ---- completions and abandonment ---- */

static void on_done(struct engine *e, struct event *ev, void *ctx)
{
	struct per_request *p = ctx;
	struct ptask *t = ev->data;
	struct slot *s = &t->slots[ev->arg];
	long old = t->outstanding;
	integrate(p);
	count_served(p, s, engine_now(e));
	s->done = NULL;
	t->free_slots[t->nfree++] = (long)ev->arg;
	t->busy--;
	if (t->accepting)
		p->serving_busy--;
	t->outstanding--;
	p->in_system--;
	drop_expired(p, t);
	if (t->len)
		start_service(p, t, ring_pop(t), true);
	lor_move(p, t, old);
}

static void on_abandon(struct engine *e, struct event *ev, void *ctx)
{
	struct per_request *p = ctx;
	struct ptask *t = ev->data;
	long old = t->outstanding;
	integrate(p);
	drop_expired(p, t);
	if (t->len)
		engine_reschedule_at(e, ev, t->ring[t->head].arrived + p->c->timeout);
	else
		t->abandon = NULL;
	lor_move(p, t, old);
}

/* ---- life cycle ---- */

struct per_request *per_request_new(struct engine *e, const struct per_request_config *c,
				    const struct per_request_rate *rate, uint64_t seed,
				    uint64_t replication)
{
	assert(c->concurrency >= 1 && c->timeout >= 0 && c->service_time.type);
	struct per_request *p = xcalloc(1, sizeof(*p));
	p->e = e;
	p->c = c;
	p->rate = *rate;
	p->lor.min = -1;
	p->integrated = engine_now(e);
	rng_init(&p->arrivals, seed, replication, RNG_ARRIVALS);
	rng_init(&p->service, seed, replication, RNG_REQUEST_SERVICE);
	rng_init(&p->routing, seed, replication, RNG_ROUTING);
	timehist_init(&p->latency);
	timehist_init(&p->wait);
	timehist_init(&p->minute_latency);
	engine_on(e, EV_ARRIVAL, on_arrival, p);
	engine_on(e, EV_DONE, on_done, p);
	engine_on(e, EV_ABANDON, on_abandon, p);
	return p;
}

void per_request_free(struct per_request *p)
{
	if (!p)
		return;
	for (size_t i = 0; i < p->ntasks; i++)
		task_free(p->tasks[i]);
	free(p->tasks);
	free(p->route);
	free(p->lor.b);
	rng_release(&p->arrivals);
	rng_release(&p->service);
	rng_release(&p->routing);
	timehist_release(&p->latency);
	timehist_release(&p->wait);
	timehist_release(&p->minute_latency);
	free(p);
}

void per_request_start(struct per_request *p)
{
	sim_time now = engine_now(p->e);
	new_piece(p, now);
	sim_time first = next_arrival(p, now);
	if (first < SIM_TIME_MAX)
		engine_at(p->e, first, EV_ARRIVAL, NULL, 0);
}

void per_request_task_running(struct per_request *p, int64_t task_id)
{
	if (task_find(p, task_id))
		return;
	integrate(p);
	start_accepting(p, task_new(p, task_id));
}

void per_request_task_draining(struct per_request *p, int64_t task_id)
{
	struct ptask *t = task_find(p, task_id);
	if (!t || !t->accepting)
		return;
	integrate(p);
	stop_accepting(p, t);
}

void per_request_task_stopped(struct per_request *p, int64_t task_id)
{
	struct ptask *t = task_find(p, task_id);
	if (!t)
		return;
	integrate(p);
	if (t->accepting)
		stop_accepting(p, t);
	for (long i = 0; i < p->c->concurrency; i++)
		if (t->slots[i].done)
			engine_cancel(p->e, t->slots[i].done);
	if (t->abandon)
		engine_cancel(p->e, t->abandon);
	count_dropped(p, &p->totals.lost, (double)t->outstanding);
	p->in_system -= t->outstanding;
	task_unindex(p, t);
	task_free(t);
}

/* ---- reading ---- */

void per_request_sample(struct per_request *p, double *cpu_pct, double *mem_pct)
{
	integrate(p);
	double serving = p->cum.serving_s - p->sample0.serving_s;
	double task_s = p->cum.task_s - p->sample0.task_s;
	if (serving > 0) {
		*cpu_pct = cpu_percent(p, p->cum.busy_s - p->sample0.busy_s, task_s);
		*mem_pct = memory_pct(p, p->cum.routed - p->sample0.routed, task_s);
	} else if (p->nroute) {
		*cpu_pct = cpu_percent(p, (double)p->serving_busy, (double)p->nroute);
		*mem_pct = memory_pct(p, 0, 1);
	} else {
		*cpu_pct = *mem_pct = NAN;
	}
	p->sample0 = p->cum;
}

void per_request_take_minute(struct per_request *p, struct per_request_minute *out)
{
	integrate(p);
	double serving = p->cum.serving_s - p->minute0.serving_s;
	double task_s = p->cum.task_s - p->minute0.task_s;
	out->requests = p->minute.requests;
	out->served = p->minute.served;
	out->dropped = p->minute.dropped;
	out->cpu_pct =
	    serving > 0 ? cpu_percent(p, p->cum.busy_s - p->minute0.busy_s, task_s) : NAN;
	out->mem_pct = serving > 0 ? memory_pct(p, p->cum.routed - p->minute0.routed, task_s) : NAN;
	sim_time p95 = timehist_quantile(&p->minute_latency, 0.95);
	out->p95_s = p95 < 0 ? NAN : simtime_seconds(p95);
	memset(&p->minute, 0, sizeof(p->minute));
	timehist_reset(&p->minute_latency);
	p->minute0 = p->cum;
}

const struct per_request_totals *per_request_totals(struct per_request *p)
{
	integrate(p);
	p->totals.busy_slot_seconds = p->cum.busy_s;
	p->totals.task_seconds = p->cum.task_s;
	p->totals.serving_seconds = p->cum.serving_s;
	p->totals.routed = p->cum.routed;
	return &p->totals;
}

static double quantile_s(const struct timehist *h, double q)
{
	sim_time v = timehist_quantile(h, q);
	return v < 0 ? NAN : simtime_seconds(v);
}

double per_request_latency_quantile(const struct per_request *p, double q)
{
	return quantile_s(&p->latency, q);
}

double per_request_wait_quantile(const struct per_request *p, double q)
{
	return quantile_s(&p->wait, q);
}

long per_request_in_system(const struct per_request *p)
{
	return p->in_system;
}

long per_request_outstanding(const struct per_request *p, int64_t task_id)
{
	const struct ptask *t = task_find(p, task_id);
	return t ? t->outstanding : 0;
}
