#ifndef SPOTSIM_QUEUE_H
#define SPOTSIM_QUEUE_H
/*
 * queue — workers that drain an SQS-like queue (SPEC §4.6, workload type
 * "queue"); README "Queue workers".
 *
 * Jobs arrive as a Poisson process with rate lambda(t) from the workload's
 * rate shape (the same shapes as requests: "rps" there means jobs per
 * second; noise applies), plus `batches` of `count` jobs at given times.
 * Each job needs a size drawn from `job_size` (seconds of work). Every
 * RUNNING task is a worker with `concurrency_per_task` slots; a free slot
 * takes the oldest visible message (FIFO). A job finishes after its
 * remaining work.
 *
 * Waiting jobs are counts, not objects: the arrivals of each 20-second
 * interval (QUEUE_COHORT_SPAN, the samples' period) form a cohort whose
 * count is one Poisson draw, and a batch is one cohort of `count` jobs at
 * one time. A job becomes an object when a worker takes it; only then are
 * its arrival time and its size drawn. Memory follows the slots (jobs in
 * progress, or lost and waiting to be seen again) and the cohorts still
 * waiting (one per 20 s of backlog, at most QUEUE_MAX_COHORTS), never the
 * number of jobs; while every slot is busy, arrivals cost nothing.
 *
 * Stopping workers (the service calls these, by task id):
 *  - queue_task_stopping: why the service stops the task (before the calls
 *    below); the work lost, the jobs re-run and the jobs finished after
 *    that moment are counted under that cause;
 *  - queue_task_draining: the task takes no new messages (scale-in
 *    deregistration, or a Spot notice); jobs in progress continue;
 *  - queue_task_sigterm: the task takes no new messages either; with
 *    `release_on_sigterm`, in-progress messages are made visible again at
 *    once (their work so far is lost, except up to the last checkpoint);
 *    otherwise the jobs keep running until STOPPED;
 *  - queue_task_stopped: jobs still in progress are lost; their messages
 *    become visible again `visibility_timeout` after the stop (default 30 s).
 *    The worker is forgotten.
 * A call for a task id the queue does not know as a worker (never RUNNING,
 * or already stopped) does nothing, as does a second queue_task_running.
 * With `checkpoint_every` a job keeps its work up to its last checkpoint
 * (whole multiples of checkpoint_every since the attempt started), and a
 * retry needs only the rest. Lost work = the work done since the last
 * checkpoint of every interrupted attempt; every interrupted attempt counts
 * as a retry (a job re-run).
 *
 * ECS task scale-in protection (`scale_in_protection`): a worker protects
 * its task while it works on a job, as AWS's queue-worker pattern does: each
 * job it starts sets protection for `protection_expiry` (the API's default,
 * 2 h), and it drops protection when its last job ends.
 * queue_protected_until tells the service; the protection-end callback
 * tells it when a worker goes idle, so that a scale-in or a deployment that
 * waits for protection retries.
 *
 * Time is the engine's; the queue schedules its own events (the next
 * arrival while a slot is free, batches, completions, messages becoming
 * visible again) with event types from QUEUE_EV_BASE. lambda is read at
 * every whole minute and held for the minute. The count of each interval
 * comes from the stream RNG_ARRIVALS in time order, the arrival times
 * within cohorts from a stream of their own in arrival order, and job sizes
 * from RNG_JOB_SIZES in arrival order, so the same (seed, replication) give
 * the same jobs whatever the workers do, and variants see the same jobs
 * (common random numbers); only reading the backlog between two 20-second
 * boundaries (tests) draws the split of the interval.
 *
 * Models where SQS promises nothing (README "Queue workers"): a free slot
 * takes the oldest visible message, by first arrival, including messages
 * visible again; messages go to the slot that has been free the longest;
 * a worker keeps its messages invisible while it works on them (it extends
 * the visibility timeout), so the timeout only runs after a stop.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "spotsim/engine/dist.h"
#include "spotsim/engine/engine.h"
struct event_row; /* replication.h: a row of events.csv */
#include "spotsim/engine/simtime.h"
#include "spotsim/model/workload.h"

#define QUEUE_EV_BASE			200 /* event types QUEUE_EV_BASE .. QUEUE_EV_BASE + 9 are the queue's */

#define QUEUE_COHORT_SPAN		(20 * SIM_SEC) /* arrivals are counted per span, on its multiples */
#define QUEUE_MAX_COHORTS		65536 /* then the oldest cohorts are merged two by two */
#define QUEUE_DEFAULT_PROTECTION_EXPIRY (2 * SIM_HOUR) /* UpdateTaskProtection's default */

struct job_batch {
	sim_time at;
	long count;
};

/* Plain data filled by the scenario loader. */
struct queue_config {
	struct dist job_size;	     /* seconds of work per job */
	long concurrency;	     /* jobs at once per task, default 1 */
	sim_time checkpoint_every;   /* 0 = no checkpoints */
	sim_time visibility_timeout; /* default 30 s */
	bool release_on_sigterm;
	bool scale_in_protection;   /* workers protect their task while they work */
	sim_time protection_expiry; /* of each protection; 0 = the default, 2 h */
	struct job_batch *batches;  /* owned, sorted by `at` */
	size_t nbatches;
};

void queue_config_release(struct queue_config *c);

/* Why a worker was stopped: the buckets of lost work, re-runs and late finishes. */
enum queue_cause {
	QUEUE_CAUSE_NONE,	      /* not told (a test driving the queue by hand) */
	QUEUE_CAUSE_SPOT,	      /* a Spot interruption */
	QUEUE_CAUSE_CAPACITY_RECLAIM, /* a Spot capacity shortage reclaimed the task */
	QUEUE_CAUSE_SCALE_IN,	      /* the service's desired count went down */
	QUEUE_CAUSE_DEPLOYMENT,	      /* replaced by a deployment (or a fallback revert) */
	QUEUE_CAUSES
};

/* "spot", "capacity_reclaim", "scale_in", "deployment" ("none" for QUEUE_CAUSE_NONE). */
const char *queue_cause_name(enum queue_cause c);

struct queue_totals {
	double jobs_arrived, jobs_completed;
	double retries;		  /* attempts that did not finish (jobs re-run) */
	double lost_work_s;	  /* work done and lost, seconds */
	double job_latency_sum_s; /* arrival to completion, over completed jobs */
	double job_wait_sum_s;	  /* time visible (waiting for a worker), over completed jobs */
	double max_backlog;	  /* most visible at a 20-s boundary, batch or redelivery */
	double backlog_seconds;	  /* integral of visible messages, for the mean */
	double in_system_seconds; /* integral of jobs in the system (Little's law) */
	/* by the cause their worker was stopped for; each sums to its total exactly */
	int64_t lost_work_us[QUEUE_CAUSES];	    /* microseconds; lost_work_s is their sum */
	double retries_by[QUEUE_CAUSES];	    /* sums to retries */
	double finished_after_notice[QUEUE_CAUSES]; /* jobs done after their worker was stopped */
};

struct queue;

/*
 * Creates the queue for one replication and registers its handlers with
 * `e`. Borrows everything. `rate` may be NULL or have no points (no
 * arrivals but batches). `on_event` (may be NULL) receives rows for
 * events.csv, never one per job:
 *   JOB_BATCH         a batch arrived; detail jobs=N
 *   JOB_LOST          a task stopped (or released at SIGTERM) with jobs in
 *                     progress; detail jobs=N;lost_work_s=X;visible_in_s=Y,
 *                     then ;cause=C when the service told why
 *   MESSAGES_VISIBLE  the messages of a stopped task are visible again;
 *                     detail jobs=N
 * queue_free does not touch the engine: free the queue once the engine will
 * not run again (before or after engine_release).
 */
struct queue *queue_new(struct engine *e, const struct queue_config *c, struct workload *rate,
			uint64_t seed, uint64_t replication,
			void (*on_event)(void *ctx, const struct event_row *row), void *ctx);
void queue_free(struct queue *q);

/* Starts the arrival process and the batches; call once at time 0. */
void queue_start(struct queue *q);

/* Called with the same `ctx` as on_event when a protected worker goes idle; may be NULL. */
void queue_on_protection_end(struct queue *q, void (*fn)(void *ctx));

void queue_task_running(struct queue *q, int64_t task_id);
void queue_task_stopping(struct queue *q, int64_t task_id, enum queue_cause cause);
void queue_task_draining(struct queue *q, int64_t task_id);
void queue_task_sigterm(struct queue *q, int64_t task_id);
void queue_task_stopped(struct queue *q, int64_t task_id);

/*
 * Until when the task's worker protects it from scale-in: the expiry of its
 * latest protection while it works on a job, 0 when it is not protected
 * (no protection configured, idle, expired, or not a worker).
 */
sim_time queue_protected_until(const struct queue *q, int64_t task_id);

/*
 * Visible messages now (ApproximateNumberOfMessagesVisible). Exact at any
 * time; between two multiples of QUEUE_COHORT_SPAN it draws which of the
 * interval's arrivals came by now (the run's own reads fall on them).
 */
long queue_backlog(struct queue *q);
/* Messages being worked on now. */
long queue_in_flight(const struct queue *q);

/*
 * Brings the time integrals up to now and returns the totals. Jobs still
 * waiting in cohorts count with the mean of their arrival times given what
 * is known of them; every job taken counts with its own.
 */
const struct queue_totals *queue_totals(struct queue *q);

/*
 * The q-quantile (0 <= q <= 1) of job latency (arrival to completion) in
 * seconds, from a histogram with bins 1 % wide from 1 ms to 1e7 s: within
 * 0.5 % of the exact sample quantile, and exact at q = 0 and q = 1. NAN if
 * none completed or q is out of range.
 */
double queue_latency_quantile(const struct queue *q, double quantile);

#endif
