/*
 * queue — jobs, messages and workers of an SQS-like queue (see queue.h).
 *
 * Representation.
 *  - A job record lives from its arrival to its completion. Records come
 *    from a pool (blocks of JOB_BLOCK records and a free list), so memory
 *    follows the most jobs ever in the system at once, not simulated time.
 *  - A job is in exactly one place: visible (the arrivals FIFO or the
 *    retries heap), in flight (in a worker's slot, with its completion
 *    event), or invisible after its worker stopped (in that stop's group,
 *    which one engine event makes visible again).
 *  - Jobs are numbered in arrival order, and "oldest" means the smallest
 *    number. New arrivals are appended to the FIFO, which is therefore
 *    sorted; messages visible again go to a binary min-heap on the number;
 *    a free slot takes the smaller of the two heads.
 *  - Workers (one per RUNNING task) sit in an array sorted by task id,
 *    found by binary search: a service has at most thousands of tasks.
 *    Each has `concurrency` slots. The free slots of workers that accept
 *    messages form one doubly linked list in the order they became free,
 *    and a message goes to the slot free the longest: SQS promises no
 *    order among consumers, so this is a model (README "Queue workers").
 *
 * Invariants:
 *  - after every handler and public call, free listed slots and visible
 *    messages do not coexist (pump);
 *  - a slot is listed as free iff it has no job and its worker accepts
 *    messages (not draining, not after SIGTERM);
 *  - the counts (visible, in flight, in system) change only at engine
 *    time `now`, after integrate() has brought the time integrals up to
 *    now, so every entry point integrates before it changes anything.
 *
 * Arrivals. lambda is read at each whole minute (from time 0) and held for
 * the minute: a Poisson process with a piecewise constant rate. A gap is
 * drawn with the minute's rate; if it ends past the minute, the draw is
 * dropped and the process restarts at the boundary with the next minute's
 * rate, which is exact because the exponential is memoryless. Gaps are
 * rounded to the microsecond.
 *
 * Workers keep their messages invisible for as long as they work on them
 * (they extend the visibility timeout, as workers with long jobs must); the
 * timeout only applies after a worker stopped without releasing them. A
 * model, not documented AWS behaviour: README "Queue workers".
 *
 * Latency histogram: bin 0 holds latencies under HIST_MIN (1 ms), bins
 * 1..HIST_BINS are log-spaced, each HIST_GROWTH (1 %) wider than the one
 * before, up to HIST_MAX (1e7 s), and one more bin holds the rest. A
 * quantile is the geometric middle of its bin, so within 0.5 % of the exact
 * sample quantile, clamped to the exact smallest and largest latency (kept
 * apart: q = 0 and q = 1 are exact, and a run whose jobs all took the same
 * time reports it exactly). Memory: 2,317 counters, whatever the run.
 */
#include "spotsim/model/queue.h"

#include "spotsim/model/event_log.h"
#include "spotsim/engine/rng.h"
#include "spotsim/util/xalloc.h"

#include <assert.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum {
	EV_ARRIVAL = QUEUE_EV_BASE, /* arg: ARRIVE_JOB or ARRIVE_MINUTE */
	EV_BATCH,		    /* arg: index of the batch */
	EV_DONE,		    /* data: the slot */
	EV_VISIBLE,		    /* data: a group of jobs; arg: the stopped task */
};

enum {
	ARRIVE_JOB,
	ARRIVE_MINUTE
};

#define JOB_BLOCK   4096
#define HIST_MIN    1e-3 /* seconds */
#define HIST_MAX    1e7
#define HIST_GROWTH 1.01
#define HIST_BINS   2315 /* ceil(log(HIST_MAX / HIST_MIN) / log(HIST_GROWTH)) */

struct job {
	struct job *next; /* FIFO, stop group or pool free list */
	uint64_t id;	  /* arrival order: smaller is older */
	sim_time arrived;
	sim_time remaining; /* work still needed, after checkpoints */
	sim_time since;	    /* visible since, or start of the running attempt */
	sim_time waited;    /* time visible so far */
};

struct worker;

struct slot {
	struct worker *worker;
	struct job *job;	  /* NULL when free */
	struct event *done;	  /* the job's completion while it runs */
	struct slot *prev, *next; /* free-slot list, while listed */
};

struct worker {
	int64_t task_id;
	bool accepting; /* RUNNING and neither draining nor after SIGTERM */
	struct slot slots[];
};

struct queue {
	struct engine *e;
	const struct queue_config *c;
	struct workload *rate;
	void (*on_event)(void *ctx, const struct event_row *row);
	void *ctx;
	long concurrency;
	struct rng arrivals, sizes;

	double lambda;	     /* jobs per second in the current minute */
	sim_time minute_end; /* when lambda is read again */
	uint64_t next_id;

	struct job *fifo_head, *fifo_tail; /* new messages, oldest first */
	long nfifo;
	struct job **heap; /* messages visible again, min-heap on id */
	size_t nheap, aheap;
	struct slot *free_head, *free_tail;

	struct worker **workers; /* sorted by task_id */
	size_t nworkers, aworkers;

	struct job *pool;    /* free job records */
	struct job **blocks; /* owned blocks of JOB_BLOCK records */
	size_t nblocks, ablocks;

	long in_flight, in_system;
	sim_time integrated_to;
	struct queue_totals totals;

	uint64_t hist[HIST_BINS + 2];
	uint64_t ncompleted;
	double lat_min, lat_max;
};

void queue_config_release(struct queue_config *c)
{
	dist_release(&c->job_size);
	free(c->batches);
	c->batches = NULL;
	c->nbatches = 0;
}

/* ---- job records ---- */

static struct job *job_new(struct queue *q)
{
	if (!q->pool) {
		struct job *b = xmalloc(JOB_BLOCK * sizeof(*b));
		XALLOC_GROW(q->blocks, q->nblocks + 1, q->ablocks);
		q->blocks[q->nblocks++] = b;
		for (size_t i = 0; i < JOB_BLOCK; i++) {
			b[i].next = q->pool;
			q->pool = &b[i];
		}
	}
	struct job *j = q->pool;
	q->pool = j->next;
	j->next = NULL;
	return j;
}

static void job_free(struct queue *q, struct job *j)
{
	j->next = q->pool;
	q->pool = j;
}

/* ---- accounting ---- */

static long visible(const struct queue *q)
{
	return q->nfifo + (long)q->nheap;
}

static void integrate(struct queue *q)
{
	sim_time now = engine_now(q->e);
	if (now == q->integrated_to)
		return;
	double dt = simtime_seconds(now - q->integrated_to);
	q->totals.backlog_seconds += (double)visible(q) * dt;
	q->totals.in_system_seconds += (double)q->in_system * dt;
	q->integrated_to = now;
}

static void note_backlog(struct queue *q)
{
	double v = (double)visible(q);
	if (v > q->totals.max_backlog)
		q->totals.max_backlog = v;
}

static size_t hist_bin(double latency)
{
	if (latency < HIST_MIN)
		return 0;
	double b = floor(log(latency / HIST_MIN) / log(HIST_GROWTH));
	return b >= HIST_BINS ? HIST_BINS + 1 : 1 + (size_t)b;
}

static void record_latency(struct queue *q, const struct job *j)
{
	double latency = simtime_seconds(engine_now(q->e) - j->arrived);
	q->totals.job_latency_sum_s += latency;
	q->totals.job_wait_sum_s += simtime_seconds(j->waited);
	q->hist[hist_bin(latency)]++;
	if (q->ncompleted == 0 || latency < q->lat_min)
		q->lat_min = latency;
	if (q->ncompleted == 0 || latency > q->lat_max)
		q->lat_max = latency;
	q->ncompleted++;
}

static void log_row(struct queue *q, const char *event, int64_t task_id, const char *detail)
{
	if (!q->on_event)
		return;
	struct event_row row = {engine_now(q->e), event, task_id, "", detail};
	q->on_event(q->ctx, &row);
}

/* ---- visible messages ---- */

static void fifo_push(struct queue *q, struct job *j)
{
	j->next = NULL;
	if (q->fifo_tail)
		q->fifo_tail->next = j;
	else
		q->fifo_head = j;
	q->fifo_tail = j;
	q->nfifo++;
	note_backlog(q);
}

static struct job *fifo_pop(struct queue *q)
{
	struct job *j = q->fifo_head;
	q->fifo_head = j->next;
	if (!q->fifo_head)
		q->fifo_tail = NULL;
	q->nfifo--;
	return j;
}

static void heap_push(struct queue *q, struct job *j)
{
	XALLOC_GROW(q->heap, q->nheap + 1, q->aheap);
	size_t i = q->nheap++;
	while (i > 0 && q->heap[(i - 1) / 2]->id > j->id) {
		q->heap[i] = q->heap[(i - 1) / 2];
		i = (i - 1) / 2;
	}
	q->heap[i] = j;
	note_backlog(q);
}

static struct job *heap_pop(struct queue *q)
{
	struct job *top = q->heap[0], *last = q->heap[--q->nheap];
	size_t i = 0, n = q->nheap;
	for (;;) {
		size_t child = 2 * i + 1;
		if (child >= n)
			break;
		if (child + 1 < n && q->heap[child + 1]->id < q->heap[child]->id)
			child++;
		if (q->heap[child]->id >= last->id)
			break;
		q->heap[i] = q->heap[child];
		i = child;
	}
	if (n)
		q->heap[i] = last;
	return top;
}

/* The oldest visible message, taken out; there is one. */
static struct job *take_oldest(struct queue *q)
{
	if (q->nheap && (!q->fifo_head || q->heap[0]->id < q->fifo_head->id))
		return heap_pop(q);
	return fifo_pop(q);
}

static void make_visible(struct queue *q, struct job *j)
{
	j->since = engine_now(q->e);
	heap_push(q, j);
}

/* ---- free slots ---- */

static void free_push(struct queue *q, struct slot *s)
{
	s->next = NULL;
	s->prev = q->free_tail;
	if (q->free_tail)
		q->free_tail->next = s;
	else
		q->free_head = s;
	q->free_tail = s;
}

static void free_unlink(struct queue *q, struct slot *s)
{
	if (s->prev)
		s->prev->next = s->next;
	else
		q->free_head = s->next;
	if (s->next)
		s->next->prev = s->prev;
	else
		q->free_tail = s->prev;
	s->prev = s->next = NULL;
}

static struct slot *free_pop(struct queue *q)
{
	struct slot *s = q->free_head;
	free_unlink(q, s);
	return s;
}

/* ---- work ---- */

static void start(struct queue *q, struct slot *s, struct job *j)
{
	sim_time now = engine_now(q->e);
	j->waited += now - j->since;
	j->since = now;
	s->job = j;
	s->done = engine_at(q->e, now + j->remaining, EV_DONE, s, 0);
	q->in_flight++;
}

/* Gives visible messages to free slots, oldest first, while both exist. */
static void pump(struct queue *q)
{
	while (q->free_head && visible(q) > 0)
		start(q, free_pop(q), take_oldest(q));
}

/* A new message: straight to a free slot (none is visible then), or queued. */
static void arrive(struct queue *q, sim_time size)
{
	struct job *j = job_new(q);
	j->id = q->next_id++;
	j->arrived = j->since = engine_now(q->e);
	j->remaining = size;
	j->waited = 0;
	q->in_system++;
	q->totals.jobs_arrived++;
	if (q->free_head)
		start(q, free_pop(q), j);
	else
		fifo_push(q, j);
}

/*
 * Ends the attempt in slot `s` unfinished and returns its job: the work up
 * to the attempt's last checkpoint is kept, the rest is lost.
 */
static struct job *interrupt(struct queue *q, struct slot *s, double *lost_s)
{
	struct job *j = s->job;
	sim_time done = engine_now(q->e) - j->since;
	sim_time every = q->c->checkpoint_every;
	sim_time kept = every > 0 ? done / every * every : 0;

	engine_cancel(q->e, s->done);
	s->done = NULL;
	s->job = NULL;
	q->in_flight--;
	j->remaining -= kept;
	*lost_s += simtime_seconds(done - kept);
	q->totals.lost_work_s += simtime_seconds(done - kept);
	q->totals.retries++;
	return j;
}

/* ---- arrivals ---- */

/* Arms `ev` (or a new event when NULL) for the next arrival or minute boundary. */
static void next_arrival(struct queue *q, struct event *ev)
{
	sim_time now = engine_now(q->e), at = q->minute_end;
	int64_t kind = ARRIVE_MINUTE;

	if (q->lambda > 0) {
		double gap = rng_exponential(&q->arrivals, 1.0 / q->lambda) * (double)SIM_SEC;
		if (gap < (double)(q->minute_end - now)) {
			sim_time t = now + (sim_time)llround(gap);
			if (t < q->minute_end) {
				at = t;
				kind = ARRIVE_JOB;
			}
		}
	}
	if (!ev) {
		engine_at(q->e, at, EV_ARRIVAL, q, kind);
		return;
	}
	ev->arg = kind;
	engine_reschedule_at(q->e, ev, at);
}

static void read_rate(struct queue *q)
{
	sim_time now = engine_now(q->e);
	q->lambda = workload_rate(q->rate, now);
	q->minute_end = (now / SIM_MIN + 1) * SIM_MIN;
}

static void on_arrival(struct engine *e, struct event *ev, void *ctx)
{
	struct queue *q = ctx;
	(void)e;
	integrate(q);
	if (ev->arg == ARRIVE_JOB)
		arrive(q, dist_sample(&q->c->job_size, &q->sizes));
	else
		read_rate(q);
	next_arrival(q, ev);
}

static void on_batch(struct engine *e, struct event *ev, void *ctx)
{
	struct queue *q = ctx;
	size_t i = (size_t)ev->arg;
	const struct job_batch *b = &q->c->batches[i];
	char detail[48];

	integrate(q);
	for (long k = 0; k < b->count; k++)
		arrive(q, dist_sample(&q->c->job_size, &q->sizes));
	snprintf(detail, sizeof(detail), "jobs=%ld", b->count);
	log_row(q, "JOB_BATCH", 0, detail);
	if (i + 1 < q->c->nbatches) {
		ev->arg = (int64_t)(i + 1);
		engine_reschedule_at(e, ev, q->c->batches[i + 1].at);
	}
}

/* ---- completions and retries ---- */

static void on_done(struct engine *e, struct event *ev, void *ctx)
{
	struct queue *q = ctx;
	struct slot *s = ev->data;
	struct job *j = s->job;
	(void)e;

	integrate(q);
	s->done = NULL;
	s->job = NULL;
	q->in_flight--;
	q->in_system--;
	q->totals.jobs_completed++;
	record_latency(q, j);
	job_free(q, j);
	if (!s->worker->accepting)
		return;
	if (visible(q) > 0)
		start(q, s, take_oldest(q));
	else
		free_push(q, s);
}

static void on_visible(struct engine *e, struct event *ev, void *ctx)
{
	struct queue *q = ctx;
	struct job *j = ev->data, *next;
	long n = 0;
	char detail[48];
	(void)e;

	integrate(q);
	for (; j; j = next, n++) {
		next = j->next;
		make_visible(q, j);
	}
	snprintf(detail, sizeof(detail), "jobs=%ld", n);
	log_row(q, "MESSAGES_VISIBLE", ev->arg, detail);
	pump(q);
}

/* ---- life cycle ---- */

struct queue *queue_new(struct engine *e, const struct queue_config *c, struct workload *rate,
			uint64_t seed, uint64_t replication,
			void (*on_event)(void *ctx, const struct event_row *row), void *ctx)
{
	struct queue *q = xcalloc(1, sizeof(*q));
	q->e = e;
	q->c = c;
	q->rate = rate;
	q->on_event = on_event;
	q->ctx = ctx;
	q->concurrency = c->concurrency > 0 ? c->concurrency : 1;
	q->integrated_to = engine_now(e);
	rng_init(&q->arrivals, seed, replication, RNG_ARRIVALS);
	rng_init(&q->sizes, seed, replication, RNG_JOB_SIZES);
	engine_on(e, EV_ARRIVAL, on_arrival, q);
	engine_on(e, EV_BATCH, on_batch, q);
	engine_on(e, EV_DONE, on_done, q);
	engine_on(e, EV_VISIBLE, on_visible, q);
	return q;
}

void queue_free(struct queue *q)
{
	if (!q)
		return;
	for (size_t i = 0; i < q->nworkers; i++)
		free(q->workers[i]);
	free(q->workers);
	for (size_t i = 0; i < q->nblocks; i++)
		free(q->blocks[i]);
	free(q->blocks);
	free(q->heap);
	rng_release(&q->arrivals);
	rng_release(&q->sizes);
	free(q);
}

void queue_start(struct queue *q)
{
	if (q->rate) {
		read_rate(q);
		next_arrival(q, NULL);
	}
	if (q->c->nbatches) {
		assert(q->c->batches[0].at >= engine_now(q->e));
		engine_at(q->e, q->c->batches[0].at, EV_BATCH, q, 0);
	}
}

/* ---- workers ---- */

/* The index of `task_id` in q->workers, or where it would go; *found says which. */
static size_t worker_index(const struct queue *q, int64_t task_id, bool *found)
{
	size_t lo = 0, hi = q->nworkers;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (q->workers[mid]->task_id < task_id)
			lo = mid + 1;
		else
			hi = mid;
	}
	*found = lo < q->nworkers && q->workers[lo]->task_id == task_id;
	return lo;
}

static struct worker *worker_find(const struct queue *q, int64_t task_id)
{
	bool found;
	size_t i = worker_index(q, task_id, &found);
	return found ? q->workers[i] : NULL;
}

void queue_task_running(struct queue *q, int64_t task_id)
{
	bool found;
	size_t i = worker_index(q, task_id, &found);
	if (found)
		return;

	integrate(q);
	size_t n = (size_t)q->concurrency;
	struct worker *w = xcalloc(1, sizeof(*w) + n * sizeof(w->slots[0]));
	w->task_id = task_id;
	w->accepting = true;
	XALLOC_GROW(q->workers, q->nworkers + 1, q->aworkers);
	memmove(q->workers + i + 1, q->workers + i, (q->nworkers - i) * sizeof(*q->workers));
	q->workers[i] = w;
	q->nworkers++;
	for (size_t k = 0; k < n; k++) {
		w->slots[k].worker = w;
		free_push(q, &w->slots[k]);
	}
	pump(q);
}

/* The worker stops taking messages; its free slots leave the list. */
static void stop_accepting(struct queue *q, struct worker *w)
{
	if (!w->accepting)
		return;
	w->accepting = false;
	for (long k = 0; k < q->concurrency; k++)
		if (!w->slots[k].job)
			free_unlink(q, &w->slots[k]);
}

void queue_task_draining(struct queue *q, int64_t task_id)
{
	struct worker *w = worker_find(q, task_id);
	if (w)
		stop_accepting(q, w);
}

/* Interrupts every job of `w`, chaining them from the returned list; *n counts them. */
static struct job *interrupt_all(struct queue *q, struct worker *w, long *n, double *lost_s)
{
	struct job *group = NULL, **tail = &group;
	*n = 0;
	*lost_s = 0;
	for (long k = 0; k < q->concurrency; k++) {
		if (!w->slots[k].job)
			continue;
		struct job *j = interrupt(q, &w->slots[k], lost_s);
		j->next = NULL;
		*tail = j;
		tail = &j->next;
		(*n)++;
	}
	return group;
}

void queue_task_sigterm(struct queue *q, int64_t task_id)
{
	struct worker *w = worker_find(q, task_id);
	if (!w)
		return;
	integrate(q);
	stop_accepting(q, w);
	if (!q->c->release_on_sigterm)
		return;

	long n;
	double lost_s;
	struct job *j = interrupt_all(q, w, &n, &lost_s), *next;
	if (n == 0)
		return;
	for (; j; j = next) {
		next = j->next;
		make_visible(q, j);
	}
	char detail[96];
	snprintf(detail, sizeof(detail), "jobs=%ld;lost_work_s=%.3f;visible_in_s=0", n, lost_s);
	log_row(q, "JOB_LOST", task_id, detail);
	pump(q);
}

void queue_task_stopped(struct queue *q, int64_t task_id)
{
	bool found;
	size_t i = worker_index(q, task_id, &found);
	if (!found)
		return;
	struct worker *w = q->workers[i];

	integrate(q);
	stop_accepting(q, w);
	long n;
	double lost_s;
	struct job *group = interrupt_all(q, w, &n, &lost_s);
	if (n > 0) {
		char detail[96];
		sim_time vt = q->c->visibility_timeout;
		engine_after(q->e, vt, EV_VISIBLE, group, task_id);
		snprintf(detail, sizeof(detail), "jobs=%ld;lost_work_s=%.3f;visible_in_s=%.3f", n,
			 lost_s, simtime_seconds(vt));
		log_row(q, "JOB_LOST", task_id, detail);
	}
	memmove(q->workers + i, q->workers + i + 1, (q->nworkers - i - 1) * sizeof(*q->workers));
	q->nworkers--;
	free(w);
}

/* ---- observations ---- */

long queue_backlog(const struct queue *q)
{
	return visible(q);
}

long queue_in_flight(const struct queue *q)
{
	return q->in_flight;
}

const struct queue_totals *queue_totals(struct queue *q)
{
	integrate(q);
	return &q->totals;
}

double queue_latency_quantile(const struct queue *q, double quantile)
{
	if (q->ncompleted == 0 || !(quantile >= 0 && quantile <= 1))
		return NAN;
	if (quantile == 0)
		return q->lat_min;
	if (quantile == 1)
		return q->lat_max;
	double rank = quantile * (double)q->ncompleted, v = q->lat_max;
	uint64_t cum = 0;
	for (size_t b = 0; b < HIST_BINS + 2; b++) {
		cum += q->hist[b];
		if (q->hist[b] && (double)cum >= rank) {
			if (b == 0)
				v = HIST_MIN / 2;
			else if (b <= HIST_BINS)
				v = HIST_MIN * pow(HIST_GROWTH, (double)b - 0.5);
			break;
		}
	}
	return fmin(fmax(v, q->lat_min), q->lat_max);
}
