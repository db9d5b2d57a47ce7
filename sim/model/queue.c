/*
 * queue — jobs, messages and workers of an SQS-like queue (see queue.h).
 *
 * Representation.
 *  - New jobs that no worker has taken yet are counts in cohorts, oldest
 *    first, in a ring: a cohort holds k jobs whose arrival times are
 *    independent and uniform on (lo, hi), or all exactly lo when lo == hi
 *    (a batch, or one arrival already drawn). Times in a cohort are in
 *    microseconds as doubles.
 *  - The arrival process is cut at every multiple of QUEUE_COHORT_SPAN and
 *    at every batch time. The open interval [g_lo, g_hi) has n_left
 *    arrivals not drawn yet: one Poisson draw with the minute's lambda when
 *    the interval opens. Given their number, the arrivals of a Poisson
 *    process of constant rate are independent and uniform on the interval,
 *    so the interval becomes a cohort when it closes, and the arrivals are
 *    drawn, oldest first, only when a worker takes one: the smallest of k
 *    uniforms on (lo, hi) is lo + (hi - lo)(1 - U^(1/k)), and the other k - 1
 *    are uniform on (that, hi). Drawn so, one uniform per job in arrival
 *    order, the times are those of the process (exact in law), and the same
 *    whoever takes the jobs when. While a slot is free the next arrival of
 *    the open interval is drawn ahead (the head) and an event waits for it;
 *    while none is, nothing happens per arrival.
 *  - A job record lives from the moment a worker takes it to its
 *    completion: in flight (in a worker's slot, with its completion event),
 *    invisible after its worker stopped (in that stop's group, which one
 *    engine event makes visible again) or visible again (the retries heap,
 *    a binary min-heap on the job number). Records come from a pool (blocks
 *    of JOB_BLOCK and a free list): memory follows the slots.
 *  - Jobs are numbered as they are taken, which is arrival order: every
 *    job visible again is older than every job still in a cohort, so a
 *    free slot takes from the heap first, then from the oldest cohort, then
 *    the open interval's next arrival if it has come.
 *  - Workers (one per RUNNING task) sit in an array sorted by task id,
 *    found by binary search: a service has at most thousands of tasks.
 *    Each has `concurrency` slots. The free slots of workers that accept
 *    messages form one doubly linked list in the order they became free,
 *    and a message goes to the slot free the longest: SQS promises no
 *    order among consumers, so this is a model (README "Queue workers").
 *
 * Invariants:
 *  - after every handler and public call, no free listed slot could take a
 *    job (pump), and while a slot is free an event waits for the head or,
 *    with no arrival left in the interval, for its end (arm);
 *  - a slot is listed as free iff it has no job and its worker accepts
 *    messages (not draining, not after SIGTERM);
 *  - every entry point first brings the arrival process up to now
 *    (advance): intervals ended by now become cohorts, an arrived head
 *    becomes a cohort of one.
 *
 * Time integrals. The integral of the jobs in the system up to now is the
 * sum over jobs of their time in it: completed jobs add their latency when
 * they finish; jobs taken and present add (now - arrival), kept as exact
 * integer sums; jobs in cohorts add k (now - mid) with mid their mean
 * arrival time given the cohort. So each job counts with its own arrival
 * time once drawn, and with its conditional mean before (an unbiased
 * value). The backlog's integral is the same over the visible spans.
 * Reading them or the backlog between two interval ends splits the open
 * interval at now: how many of its n_left uniforms fall before now is drawn
 * (walking their order statistics), and both parts stay uniform.
 *
 * max_backlog is taken where the count is known without drawing: at every
 * interval end, when a batch arrives, when messages become visible again,
 * and at reads.
 *
 * Cohorts: one per interval with arrivals while no worker takes them (per
 * 20 s of backlog), one per batch. At QUEUE_MAX_COHORTS the ring merges its
 * cohorts two by two, each pair then uniform on its span: a flat rate
 * assumed within 40 s (then 80 s, ...) for a backlog over two weeks old.
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
	EV_ARRIVAL = QUEUE_EV_BASE, /* the head arrives, or the interval ends */
	EV_BATCH,		    /* arg: index of the batch */
	EV_DONE,		    /* data: the slot */
	EV_VISIBLE,		    /* data: a group of jobs; arg: the stopped task */
};

#define JOB_BLOCK   4096
#define HIST_MIN    1e-3 /* seconds */
#define HIST_MAX    1e7
#define HIST_GROWTH 1.01
#define HIST_BINS   2315 /* ceil(log(HIST_MAX / HIST_MIN) / log(HIST_GROWTH)) */
/* the arrival times' stream: RNG_ARRIVALS's key, told apart ("reveal01") */
#define REVEAL_KEY 0x72657665616c3031ULL

struct job {
	struct job *next; /* stop group or pool free list */
	uint64_t id;	  /* arrival order: smaller is older */
	sim_time arrived;
	sim_time remaining; /* work still needed, after checkpoints */
	sim_time since;	    /* visible since, or start of the running attempt */
	sim_time waited;    /* time visible so far */
};

struct cohort {
	double lo, hi; /* microseconds; lo == hi: every job arrived at lo */
	int64_t k;
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
	enum queue_cause cause;
	long busy;		  /* slots with a job */
	sim_time protected_until; /* 0 when not protected */
	struct slot slots[];
};

struct queue {
	struct engine *e;
	const struct queue_config *c;
	struct workload *rate;
	void (*on_event)(void *ctx, const struct event_row *row);
	void (*protection_end)(void *ctx);
	void *ctx;
	long concurrency;
	sim_time expiry;
	struct rng arrivals, reveal, sizes;

	/* the arrival process (see above) */
	bool poisson;	       /* started, with a rate */
	sim_time g_lo, g_hi;   /* the open interval */
	int64_t n_left;	       /* its arrivals not drawn yet, after chain_lo */
	double chain_lo;       /* microseconds: they are uniform on (chain_lo, g_hi) */
	bool head;	       /* its next arrival is drawn and still to come */
	double head_us;	       /* when, exactly */
	size_t grid_batch;     /* first batch after g_lo */
	int64_t lambda_minute; /* the minute lambda was read for */
	double lambda;	       /* jobs per second */
	struct event *wake;    /* the pending EV_ARRIVAL, or NULL */
	uint64_t next_id;

	struct cohort *ring; /* waiting new jobs, oldest first */
	size_t rhead, rlen, rcap;
	int64_t waiting; /* jobs in the ring */

	struct job **heap; /* messages visible again, min-heap on id */
	size_t nheap, aheap;
	struct slot *free_head, *free_tail;

	struct worker **workers; /* sorted by task_id */
	size_t nworkers, aworkers;

	struct job *pool;    /* free job records */
	struct job **blocks; /* owned blocks of JOB_BLOCK records */
	size_t nblocks, ablocks;

	long in_flight;
	int64_t nrev, rev_arrived_us; /* jobs taken and present; sum of their arrivals */
	int64_t vis_since_us;	      /* sum of the heap's visible-since times */
	double arrived;		      /* jobs counted as arrived */
	double done_in_system_s;      /* latencies of completed jobs */
	double done_visible_s;	      /* visible spans that ended */
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

const char *queue_cause_name(enum queue_cause c)
{
	static const char *const names[QUEUE_CAUSES] = {"none", "spot", "capacity_reclaim",
							"scale_in", "deployment"};
	return c >= 0 && c < QUEUE_CAUSES ? names[c] : "none";
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
	return (long)q->waiting + (long)q->nheap;
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
	q->done_in_system_s += latency;
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

/* ---- cohorts ---- */

/* Merges the ring's cohorts two by two, in place, from the oldest (see above). */
static void ring_halve(struct queue *q)
{
	size_t n = 0;
	for (size_t i = 0; i < q->rlen; i += 2) {
		struct cohort a = q->ring[(q->rhead + i) % q->rcap];
		if (i + 1 < q->rlen) {
			const struct cohort *b = &q->ring[(q->rhead + i + 1) % q->rcap];
			a.hi = b->hi;
			a.k += b->k;
		}
		q->ring[(q->rhead + n++) % q->rcap] = a;
	}
	q->rlen = n;
}

static void ring_grow(struct queue *q)
{
	size_t cap = q->rcap ? 2 * q->rcap : 64;
	struct cohort *r = xmalloc(cap * sizeof(*r));
	for (size_t i = 0; i < q->rlen; i++)
		r[i] = q->ring[(q->rhead + i) % q->rcap];
	free(q->ring);
	q->ring = r;
	q->rcap = cap;
	q->rhead = 0;
}

/* k new jobs, uniform on (lo, hi) (or all at lo when lo == hi), join the end. */
static void cohort_push(struct queue *q, double lo, double hi, int64_t k)
{
	if (k <= 0)
		return;
	if (q->rlen == QUEUE_MAX_COHORTS)
		ring_halve(q);
	if (q->rlen == q->rcap)
		ring_grow(q);
	q->ring[(q->rhead + q->rlen++) % q->rcap] = (struct cohort){lo, hi, k};
	q->waiting += k;
	q->arrived += (double)k;
}

/* The smallest of k uniforms on (lo, hi), in microseconds; lo when lo == hi (no draw). */
static double order_min(struct queue *q, double lo, double hi, int64_t k)
{
	if (!(hi > lo))
		return lo;
	double a = lo + (hi - lo) * -expm1(log(rng_uniform(&q->reveal)) / (double)k);
	return a < hi ? a : hi;
}

/* The oldest job of a cohort: its arrival (microseconds) drawn; it leaves the cohort. */
static double cohort_take(struct queue *q, struct cohort *c)
{
	double a = order_min(q, c->lo, c->hi, c->k);
	c->lo = a;
	c->k--;
	q->waiting--;
	return a;
}

/* ---- the arrival process ---- */

/* lambda is read at each whole minute and held for the minute. */
static double minute_rate(struct queue *q, sim_time t)
{
	int64_t minute = t / SIM_MIN;
	if (minute != q->lambda_minute) {
		q->lambda_minute = minute;
		q->lambda = workload_rate(q->rate, minute * SIM_MIN);
	}
	return q->lambda;
}

/* Opens the interval starting at g: up to the next span multiple or batch time. */
static void interval_open(struct queue *q, sim_time g)
{
	sim_time end = (g / QUEUE_COHORT_SPAN + 1) * QUEUE_COHORT_SPAN;
	const struct queue_config *c = q->c;
	while (q->grid_batch < c->nbatches && c->batches[q->grid_batch].at <= g)
		q->grid_batch++;
	if (q->grid_batch < c->nbatches && c->batches[q->grid_batch].at < end)
		end = c->batches[q->grid_batch].at;
	double lambda = minute_rate(q, g);
	q->g_lo = g;
	q->g_hi = end;
	q->chain_lo = (double)g;
	q->head = false;
	q->n_left =
	    lambda > 0 ? (int64_t)rng_poisson(&q->arrivals, lambda * simtime_seconds(end - g)) : 0;
}

/* The open interval's arrivals still to draw become a cohort (all have come by g_hi). */
static void interval_close(struct queue *q)
{
	if (q->head)
		cohort_push(q, q->head_us, q->head_us, 1);
	q->head = false;
	cohort_push(q, q->chain_lo, (double)q->g_hi, q->n_left);
	q->n_left = 0;
}

/* Draws the open interval's next arrival (there is one) as the head. */
static void head_draw(struct queue *q)
{
	q->head_us = order_min(q, q->chain_lo, (double)q->g_hi, q->n_left);
	q->chain_lo = q->head_us;
	q->n_left--;
	q->head = true;
}

static sim_time head_at(const struct queue *q)
{
	return (sim_time)ceil(q->head_us);
}

/* Brings the arrival process up to now (the invariant above). */
static void advance(struct queue *q)
{
	sim_time now = engine_now(q->e);
	if (!q->poisson)
		return;
	while (q->g_hi <= now) {
		interval_close(q);
		note_backlog(q);
		interval_open(q, q->g_hi);
	}
	if (q->head && head_at(q) <= now) {
		cohort_push(q, q->head_us, q->head_us, 1);
		q->head = false;
	}
}

/* How many of the n uniforms on (lo, hi) fall at or before t: walks their order statistics. */
static int64_t count_before(struct queue *q, double lo, double hi, int64_t n, double t)
{
	int64_t j = 0;
	while (j < n) {
		lo = order_min(q, lo, hi, n - j);
		if (lo > t)
			break;
		j++;
	}
	return j;
}

/* Splits the open interval at now, so that every arrival up to now is counted. */
static void observe(struct queue *q)
{
	sim_time now = engine_now(q->e);
	advance(q);
	if (!q->poisson || q->head || q->n_left == 0 || (double)now <= q->chain_lo)
		return;
	int64_t j = count_before(q, q->chain_lo, (double)q->g_hi, q->n_left, (double)now);
	cohort_push(q, q->chain_lo, (double)now, j);
	q->chain_lo = (double)now;
	q->n_left -= j;
	note_backlog(q);
}

/* ---- visible messages ---- */

static void heap_push(struct queue *q, struct job *j)
{
	XALLOC_GROW(q->heap, q->nheap + 1, q->aheap);
	size_t i = q->nheap++;
	while (i > 0 && q->heap[(i - 1) / 2]->id > j->id) {
		q->heap[i] = q->heap[(i - 1) / 2];
		i = (i - 1) / 2;
	}
	q->heap[i] = j;
	q->vis_since_us += j->since;
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
	q->vis_since_us -= top->since;
	return top;
}

/* A record for a new job that arrived at `at`; its size is drawn now, in arrival order. */
static struct job *job_arrived(struct queue *q, sim_time at)
{
	struct job *j = job_new(q);
	j->id = q->next_id++;
	j->arrived = j->since = at;
	j->remaining = dist_sample(&q->c->job_size, &q->sizes);
	j->waited = 0;
	q->nrev++;
	q->rev_arrived_us += at;
	return j;
}

/* The oldest new job that has arrived by now, taken; NULL when none has. */
static struct job *take_new(struct queue *q)
{
	if (q->rlen) {
		struct cohort *c = &q->ring[q->rhead];
		double a = cohort_take(q, c);
		if (c->k == 0) {
			q->rhead = (q->rhead + 1) % q->rcap;
			q->rlen--;
		}
		return job_arrived(q, (sim_time)ceil(a));
	}
	if (!q->poisson || (!q->head && q->n_left == 0))
		return NULL;
	if (!q->head)
		head_draw(q);
	if (head_at(q) > engine_now(q->e))
		return NULL;
	q->head = false;
	q->arrived++;
	return job_arrived(q, head_at(q));
}

/* The oldest visible message, taken out, or NULL. */
static struct job *take_oldest(struct queue *q)
{
	if (q->nheap)
		return heap_pop(q);
	return take_new(q);
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
	struct worker *w = s->worker;
	j->waited += now - j->since;
	q->done_visible_s += simtime_seconds(now - j->since);
	j->since = now;
	s->job = j;
	s->done = engine_at(q->e, now + j->remaining, EV_DONE, s, 0);
	q->in_flight++;
	w->busy++;
	if (q->c->scale_in_protection) /* UpdateTaskProtection at each job it starts */
		w->protected_until = now + q->expiry;
}

/* While a slot is free, an event waits for the next arrival or the interval's end. */
static void arm(struct queue *q)
{
	if (!q->free_head || !q->poisson)
		return;
	/* the pump left the head drawn and still to come, or nothing in the interval */
	sim_time at = q->head ? head_at(q) : q->g_hi;
	if (!q->wake)
		q->wake = engine_at(q->e, at, EV_ARRIVAL, q, 0);
	else if (q->wake->time != at)
		engine_reschedule_at(q->e, q->wake, at);
}

/* Gives visible messages to free slots, oldest first, while both exist. */
static void pump(struct queue *q)
{
	while (q->free_head) {
		struct job *j = take_oldest(q);
		if (!j)
			break;
		start(q, free_pop(q), j);
	}
	arm(q);
}

/* An idle worker drops its protection; the service may be waiting for that. */
static void maybe_idle(struct queue *q, struct worker *w)
{
	if (w->busy > 0 || w->protected_until == 0)
		return;
	w->protected_until = 0;
	if (q->protection_end)
		q->protection_end(q->ctx);
}

/*
 * Ends the attempt in slot `s` unfinished and returns its job: the work up
 * to the attempt's last checkpoint is kept, the rest is lost.
 */
static struct job *interrupt(struct queue *q, struct slot *s, int64_t *lost_us)
{
	struct job *j = s->job;
	struct worker *w = s->worker;
	sim_time done = engine_now(q->e) - j->since;
	sim_time every = q->c->checkpoint_every;
	sim_time kept = every > 0 ? done / every * every : 0;

	engine_cancel(q->e, s->done);
	s->done = NULL;
	s->job = NULL;
	q->in_flight--;
	w->busy--;
	j->remaining -= kept;
	*lost_us += done - kept;
	q->totals.lost_work_us[w->cause] += done - kept;
	q->totals.retries++;
	q->totals.retries_by[w->cause]++;
	return j;
}

/* ---- events ---- */

static void on_arrival(struct engine *e, struct event *ev, void *ctx)
{
	struct queue *q = ctx;
	(void)e;
	(void)ev;
	q->wake = NULL;
	advance(q);
	pump(q);
}

static void on_batch(struct engine *e, struct event *ev, void *ctx)
{
	struct queue *q = ctx;
	size_t i = (size_t)ev->arg;
	const struct job_batch *b = &q->c->batches[i];
	sim_time now = engine_now(q->e);
	char detail[48];

	advance(q); /* the interval before the batch closes at its time */
	cohort_push(q, (double)now, (double)now, b->count);
	note_backlog(q);
	snprintf(detail, sizeof(detail), "jobs=%ld", b->count);
	log_row(q, "JOB_BATCH", 0, detail);
	if (i + 1 < q->c->nbatches) {
		ev->arg = (int64_t)(i + 1);
		engine_reschedule_at(e, ev, q->c->batches[i + 1].at);
	}
	pump(q);
}

static void on_done(struct engine *e, struct event *ev, void *ctx)
{
	struct queue *q = ctx;
	struct slot *s = ev->data;
	struct job *j = s->job;
	struct worker *w = s->worker;
	(void)e;

	advance(q);
	s->done = NULL;
	s->job = NULL;
	q->in_flight--;
	w->busy--;
	q->nrev--;
	q->rev_arrived_us -= j->arrived;
	q->totals.jobs_completed++;
	record_latency(q, j);
	job_free(q, j);
	if (!w->accepting) {
		q->totals.finished_after_notice[w->cause]++;
		return;
	}
	free_push(q, s);
	pump(q);
	maybe_idle(q, w);
}

static void on_visible(struct engine *e, struct event *ev, void *ctx)
{
	struct queue *q = ctx;
	struct job *j = ev->data, *next;
	long n = 0;
	char detail[48];
	(void)e;

	advance(q);
	for (; j; j = next, n++) {
		next = j->next;
		make_visible(q, j);
	}
	note_backlog(q);
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
	q->expiry =
	    c->protection_expiry > 0 ? c->protection_expiry : QUEUE_DEFAULT_PROTECTION_EXPIRY;
	q->lambda_minute = -1;
	rng_init(&q->arrivals, seed, replication, RNG_ARRIVALS);
	rng_init_key(&q->reveal, rng_stream_key(seed, replication, RNG_ARRIVALS) ^ REVEAL_KEY);
	rng_init(&q->sizes, seed, replication, RNG_JOB_SIZES);
	engine_on(e, EV_ARRIVAL, on_arrival, q);
	engine_on(e, EV_BATCH, on_batch, q);
	engine_on(e, EV_DONE, on_done, q);
	engine_on(e, EV_VISIBLE, on_visible, q);
	return q;
}

void queue_on_protection_end(struct queue *q, void (*fn)(void *ctx))
{
	q->protection_end = fn;
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
	free(q->ring);
	rng_release(&q->arrivals);
	rng_release(&q->reveal);
	rng_release(&q->sizes);
	free(q);
}

void queue_start(struct queue *q)
{
	if (q->rate) {
		q->poisson = true;
		interval_open(q, engine_now(q->e));
	}
	if (q->c->nbatches) {
		assert(q->c->batches[0].at >= engine_now(q->e));
		engine_at(q->e, q->c->batches[0].at, EV_BATCH, q, 0);
	}
	pump(q);
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

	advance(q);
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

void queue_task_stopping(struct queue *q, int64_t task_id, enum queue_cause cause)
{
	struct worker *w = worker_find(q, task_id);
	if (w && cause > QUEUE_CAUSE_NONE && cause < QUEUE_CAUSES)
		w->cause = cause;
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
	if (!w)
		return;
	advance(q);
	stop_accepting(q, w);
}

/* Interrupts every job of `w`, chaining them from the returned list; *n counts them. */
static struct job *interrupt_all(struct queue *q, struct worker *w, long *n, int64_t *lost_us)
{
	struct job *group = NULL, **tail = &group;
	*n = 0;
	*lost_us = 0;
	for (long k = 0; k < q->concurrency; k++) {
		if (!w->slots[k].job)
			continue;
		struct job *j = interrupt(q, &w->slots[k], lost_us);
		j->next = NULL;
		*tail = j;
		tail = &j->next;
		(*n)++;
	}
	return group;
}

/* The JOB_LOST row; `vis` says when the messages are visible again. */
static void log_lost(struct queue *q, const struct worker *w, long n, int64_t lost_us,
		     const char *vis)
{
	char detail[128];
	snprintf(detail, sizeof(detail), "jobs=%ld;lost_work_s=%.3f;visible_in_s=%s%s%s", n,
		 (double)lost_us / 1e6, vis, w->cause ? ";cause=" : "",
		 w->cause ? queue_cause_name(w->cause) : "");
	log_row(q, "JOB_LOST", w->task_id, detail);
}

void queue_task_sigterm(struct queue *q, int64_t task_id)
{
	struct worker *w = worker_find(q, task_id);
	if (!w)
		return;
	advance(q);
	stop_accepting(q, w);
	if (!q->c->release_on_sigterm)
		return;

	long n;
	int64_t lost_us;
	struct job *j = interrupt_all(q, w, &n, &lost_us), *next;
	if (n == 0)
		return;
	for (; j; j = next) {
		next = j->next;
		make_visible(q, j);
	}
	note_backlog(q);
	log_lost(q, w, n, lost_us, "0");
	pump(q);
}

void queue_task_stopped(struct queue *q, int64_t task_id)
{
	bool found;
	size_t i = worker_index(q, task_id, &found);
	if (!found)
		return;
	struct worker *w = q->workers[i];

	advance(q);
	stop_accepting(q, w);
	long n;
	int64_t lost_us;
	struct job *group = interrupt_all(q, w, &n, &lost_us);
	if (n > 0) {
		char vis[32];
		sim_time vt = q->c->visibility_timeout;
		engine_after(q->e, vt, EV_VISIBLE, group, task_id);
		snprintf(vis, sizeof(vis), "%.3f", simtime_seconds(vt));
		log_lost(q, w, n, lost_us, vis);
	}
	memmove(q->workers + i, q->workers + i + 1, (q->nworkers - i - 1) * sizeof(*q->workers));
	q->nworkers--;
	free(w);
}

/* ---- observations ---- */

sim_time queue_protected_until(const struct queue *q, int64_t task_id)
{
	const struct worker *w;
	if (!q->c->scale_in_protection || !(w = worker_find(q, task_id)))
		return 0;
	if (w->busy == 0 || w->protected_until <= engine_now(q->e))
		return 0;
	return w->protected_until;
}

long queue_backlog(struct queue *q)
{
	observe(q);
	return visible(q);
}

long queue_in_flight(const struct queue *q)
{
	return q->in_flight;
}

/* Sum over the jobs in cohorts of (now - mean arrival), seconds. */
static double cohort_seconds(const struct queue *q, sim_time now)
{
	double sum = 0;
	for (size_t i = 0; i < q->rlen; i++) {
		const struct cohort *c = &q->ring[(q->rhead + i) % q->rcap];
		sum += (double)c->k * ((double)now - (c->lo + c->hi) / 2) / 1e6;
	}
	return sum;
}

const struct queue_totals *queue_totals(struct queue *q)
{
	struct queue_totals *t = &q->totals;
	sim_time now = engine_now(q->e);
	int64_t lost = 0;
	observe(q);
	double waiting = cohort_seconds(q, now);
	t->jobs_arrived = q->arrived;
	t->in_system_seconds =
	    q->done_in_system_s + (double)(q->nrev * now - q->rev_arrived_us) / 1e6 + waiting;
	t->backlog_seconds =
	    q->done_visible_s + (double)((int64_t)q->nheap * now - q->vis_since_us) / 1e6 + waiting;
	for (int c = 0; c < QUEUE_CAUSES; c++)
		lost += t->lost_work_us[c];
	t->lost_work_s = (double)lost / 1e6;
	return t;
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
