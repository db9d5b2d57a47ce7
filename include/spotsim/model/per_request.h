#ifndef SPOTSIM_PER_REQUEST_H
#define SPOTSIM_PER_REQUEST_H
/*
 * per_request — the exact request model (SPEC §4.6, workload.model
 * "per_request"; README "Per-request mode"): every request is simulated,
 * from its arrival through the load balancer to a task's slot, its wait
 * and its service, or its drop. The analytic model (workload.h) is checked
 * against it; it is meant for validation and for services of a few hundred
 * requests per second.
 *
 * Arrivals are a Poisson process with rate lambda(t) from a rate source
 * (struct per_request_rate): it cuts time into pieces, on each of which
 * lambda is either a known constant (arrivals are drawn at that rate) or
 * below a known bound (arrivals are drawn at the bound and each is kept
 * with probability lambda(t) / bound: thinning). Both are exact.
 *
 * The load balancer sends each request to one task that accepts requests
 * (RUNNING and not draining), by `routing`:
 *   round_robin                 the next task in turn, in the order the
 *                               tasks became RUNNING (ALB's default);
 *   least_outstanding_requests  the task with the fewest requests in
 *                               service or queued; among equals, the one
 *                               that has had that count longest;
 *   random                      a task chosen uniformly.
 * With no such task the request is dropped at once (rejected). The tie
 * rule and the round-robin order are spotsim's model: AWS documents the
 * algorithms, not these details.
 *
 * Each task has `concurrency` slots and its own first-come-first-served
 * queue. A request that finds a free slot starts at once; otherwise it
 * queues. A request that has waited `timeout` in a queue leaves, dropped
 * (abandoned); with timeout 0 a request that finds no free slot is dropped
 * at once. Service times are drawn from any dist.h distribution.
 *
 * Tasks stopping (the caller follows the service's task states, by id):
 *   per_request_task_draining  the task takes no new requests (scale-in
 *                              deregistration, a Spot notice, SIGTERM); it
 *                              still serves the requests it holds;
 *   per_request_task_stopped   requests still in service or queued at the
 *                              task are lost: dropped, and counted as lost.
 * A call for a task id that is unknown (never RUNNING, or already stopped)
 * does nothing, as does a second per_request_task_running.
 *
 * Counting. `requests` counts arrivals; `served` and `dropped` count
 * requests as they finish or are dropped, so a minute's served requests
 * are those completed in it. Requests still in the system at the end of
 * the run are neither. `waited` counts served requests that queued (found
 * every slot of their task busy); their wait is from arrival to the start
 * of service. Latency = wait + service time.
 *
 * Utilization over a window (a sample, a minute), of the tasks that accept
 * requests (like the analytic model's serving tasks), with S their
 * task-seconds in the window (integrated exactly):
 *   CPU    min(100, cpu_idle_percent + 100 x B / (S x concurrency)), with B
 *          the busy slot-seconds: the analytic model's formula with the
 *          realised share of busy slots in place of lambda / (c mu);
 *   memory min(100, memory_base_percent + memory_per_rps x A / S), with A
 *          the requests routed to tasks: the realised rate per task.
 *
 * Randomness: arrivals and thinning use RNG_ARRIVALS, service times
 * RNG_REQUEST_SERVICE (one draw per arrival, in arrival order), random
 * routing RNG_ROUTING. The arrivals and their service times therefore do
 * not depend on the tasks or the routing: variants see the same requests
 * (common random numbers).
 *
 * Memory: per task its slots and a ring buffer of queued requests (which
 * grows to the longest queue the task has had, at most rate x timeout), and
 * three histograms (timehist.h, 42 KB each); never in proportion to the
 * number of requests. Events: one pending arrival, one per request in
 * service, at most one abandonment timer per task.
 */
#include <stdbool.h>
#include <stdint.h>

#include "spotsim/engine/dist.h"
#include "spotsim/engine/engine.h"
#include "spotsim/engine/simtime.h"

/* event types PER_REQUEST_EV_BASE .. PER_REQUEST_EV_BASE + 9 are the module's */
#define PER_REQUEST_EV_BASE 300

enum per_request_routing {
	ROUTING_ROUND_ROBIN,
	ROUTING_LEAST_OUTSTANDING,
	ROUTING_RANDOM,
};

/* "round_robin", "least_outstanding_requests", "random"; NULL for another value. */
const char *per_request_routing_name(enum per_request_routing r);
/* Looks a name up; false when it is none of the above (NULL-safe). */
bool per_request_routing_parse(const char *name, enum per_request_routing *out);
/* The accepted names, comma-separated, for error messages. */
const char *per_request_routing_names(void);

/* Plain data filled by the scenario loader; release with per_request_config_release. */
struct per_request_config {
	struct dist service_time; /* owned; not empty */
	long concurrency;	  /* slots per task, >= 1 */
	sim_time timeout;	  /* longest wait in a queue, >= 0 */
	enum per_request_routing routing;
	double cpu_idle_percent;
	double memory_base_percent;
	double memory_per_rps; /* percent per request/s per task */
};

void per_request_config_release(struct per_request_config *c);

/*
 * One piece of the arrival rate, from a time t to `end` (> t; SIM_TIME_MAX
 * for ever): lambda is `bound` all over it when `exact`, else at most
 * `bound` (requests per second, >= 0).
 */
struct per_request_piece {
	sim_time end;
	double bound;
	bool exact;
};

/*
 * The arrival rate. `piece` describes the piece that starts at t; `at`
 * gives lambda(t) inside a piece that is not exact (it may be NULL if every
 * piece is exact). The module asks in non-decreasing t, and asks `at` only
 * at times inside the piece it asked for last.
 */
struct per_request_rate {
	void *ctx;
	void (*piece)(void *ctx, sim_time t, struct per_request_piece *out);
	double (*at)(void *ctx, sim_time t);
};

/* What one replication's requests came to. */
struct per_request_totals {
	double requests;  /* arrivals */
	double served;	  /* completed */
	double dropped;	  /* rejected + abandoned + lost */
	double rejected;  /* no task accepted requests when they arrived */
	double abandoned; /* waited `timeout` in a queue */
	double lost;	  /* in service or queued at a task that stopped */
	double waited;	  /* served requests that queued */
	double wait_sum_s;
	double routed;		  /* requests routed to a task: requests - rejected */
	double busy_slot_seconds; /* integral of the busy slots of accepting tasks */
	double task_seconds;	  /* integral of the accepting tasks */
	double serving_seconds;	  /* time with at least one accepting task */
};

/* A window's utilization and the minute's counts, for timeseries.csv and the SLO. */
struct per_request_minute {
	double requests, served, dropped;
	double cpu_pct, mem_pct; /* over the time with accepting tasks; NAN when none */
	double p95_s;		 /* latency p95 of the requests served in the minute; NAN if none */
};

struct per_request;

/*
 * Creates the model of one replication and registers its handlers with
 * `e`. Borrows the engine, the configuration and the rate source (copied:
 * the struct, not what ctx points to). Streams are seeded from (seed,
 * replication). per_request_free(NULL) is a no-op; it does not touch the
 * engine: free the model once the engine will not run again.
 */
struct per_request *per_request_new(struct engine *e, const struct per_request_config *c,
				    const struct per_request_rate *rate, uint64_t seed,
				    uint64_t replication);
void per_request_free(struct per_request *p);

/* Starts the arrivals at the engine's current time; call once. */
void per_request_start(struct per_request *p);

void per_request_task_running(struct per_request *p, int64_t task_id);
void per_request_task_draining(struct per_request *p, int64_t task_id);
void per_request_task_stopped(struct per_request *p, int64_t task_id);

/*
 * CPU and memory utilization over the window since the previous sample
 * (or the start), time-averaged over its time with accepting tasks; when it
 * had none but a task accepts now, the instant values; NAN when no task
 * accepts requests. Starts the next window.
 */
void per_request_sample(struct per_request *p, double *cpu_pct, double *mem_pct);

/*
 * The minute just passed (since the previous take, or the start), for
 * timeseries.csv; resets the minute's sums. Call at minute boundaries.
 */
void per_request_take_minute(struct per_request *p, struct per_request_minute *out);

/* Brings the time integrals up to now and returns the totals (borrowed). */
const struct per_request_totals *per_request_totals(struct per_request *p);

/*
 * Run-wide q-quantile (0 <= q <= 1) in seconds of the latency (wait +
 * service) or of the wait of the served requests, within 0.4 % of the
 * exact sample quantile (timehist.h); NAN when none was served.
 */
double per_request_latency_quantile(const struct per_request *p, double q);
double per_request_wait_quantile(const struct per_request *p, double q);

/* Requests now in service or queued, at every task, or at one (0 if unknown). */
long per_request_in_system(const struct per_request *p);
long per_request_outstanding(const struct per_request *p, int64_t task_id);

#endif
