#ifndef SPOTSIM_WORKLOAD_H
#define SPOTSIM_WORKLOAD_H
/*
 * workload — the request load a service serves (SPEC §4.6, type "requests").
 *
 * Two parts:
 *  1. the arrival rate lambda(t) in requests per second, from a rate shape
 *     (constant, diurnal, steps, spikes, trace) times an optional noise
 *     factor; shapes are a small table of {name, ops} (STYLE.md);
 *  2. the accounting of what happens to that load: between two moments the
 *     caller says how many tasks were serving, and the workload adds up
 *     requests, served, dropped, waiting and latency (M/M/c, queueing.h) and
 *     CPU/memory utilization.
 *
 * Rate shapes, in the scenario's "workload.rate":
 *   constant  {"rps"}
 *   diurnal   {"min_rps", "max_rps", "peak": "HH:MM" (default 14:00), "weekly_factor": [7]}
 *             lambda = min + (max - min) (1 + cos(2 pi (tod - peak) / 1 day)) / 2,
 *             times weekly_factor[day of week, Monday first] when given; the
 *             time of day and weekday come from the scenario's start (UTC).
 *   steps     {"steps": [{"at", "rps"}, ...]}: rps from each `at` until the next
 *             (0 before the first); `at` sorted ascending.
 *   spikes    {"base_rps", "spikes": [{"at", "duration", "rps" | "factor"}]}:
 *             base, and during a spike [at, at + duration) its rps (or base x
 *             factor), even below the base; the largest wins where spikes
 *             overlap.
 *   trace     {"file", ...}: the scenario loader reads the file
 *             (rate_trace.h) into `points`, piecewise constant like steps,
 *             on the scenario's clock; with trace_period > 0 the points
 *             repeat every trace_period from time 0, else the last point
 *             holds (a trace that ends gives a last point of 0).
 *   noise     {"sd", "period" (default 1m)}: lambda is multiplied by a
 *             log-normal factor with mean 1 and relative sd `sd`, drawn anew
 *             each period from the RNG_NOISE stream (common random numbers):
 *             sigma^2 = ln(1 + sd^2), factor = exp(sigma Z_n - sigma^2 / 2)
 *             with Z_n the n-th normal of the stream, so period n's factor
 *             depends only on (seed, replication, n).
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "spotsim/util/diag.h"
#include "spotsim/engine/rng.h"
#include "spotsim/engine/simtime.h"

enum rate_kind {
	RATE_CONSTANT,
	RATE_DIURNAL,
	RATE_STEPS,
	RATE_SPIKES,
	RATE_TRACE
};

struct rate_point {
	sim_time at;
	double rps;
};

struct rate_spike {
	sim_time at, duration;
	double rps;    /* used when has_rps */
	double factor; /* else base x factor */
	bool has_rps;
};

/* Plain data filled by the scenario loader; owned arrays freed by rate_shape_release. */
struct rate_shape {
	enum rate_kind kind;
	double rps;		 /* constant */
	double min_rps, max_rps; /* diurnal */
	sim_time peak;		 /* diurnal: time of day of the peak, default 14:00 */
	double weekly_factor[7]; /* Monday first */
	bool has_weekly;
	struct rate_point *points; /* steps and trace: sorted by `at` */
	size_t npoints;
	sim_time trace_period; /* trace: length after which it repeats; 0: it does not */
	double base_rps;       /* spikes */
	struct rate_spike *spikes;
	size_t nspikes;
	double noise_sd; /* 0 = no noise */
	sim_time noise_period;
};

/* Names as scenario files write them ("constant", ...); NULL-safe lookup. */
const char *rate_kind_name(enum rate_kind k);
bool rate_kind_parse(const char *name, enum rate_kind *out);

void rate_shape_release(struct rate_shape *r);

/*
 * The shape's rate at time t (no noise). `start_unix` is the simulated start
 * in seconds since the epoch (for the time of day and weekday).
 */
double rate_shape_at(const struct rate_shape *r, sim_time t, int64_t start_unix);

/*
 * The first time after t at which rate_shape_at may answer differently from
 * its answer at t: the next step, spike edge or trace row (a trace's
 * repetition starts again at its period); t + 1 for diurnal, whose rate
 * moves all the time; SIM_TIME_MAX when it never changes (constant). A time
 * may be given where the rate happens to stay the same.
 */
sim_time rate_shape_next_change(const struct rate_shape *r, sim_time t);

/* The parameters of the request model. */
struct request_model {
	double service_time_s; /* mean; exponential service */
	long concurrency;      /* workers per task */
	double timeout_s;      /* the longest wait: requests that would wait longer abandon */
	double cpu_idle_percent;
	double memory_base_percent;
	double memory_per_rps; /* percent per request/s per task */
	bool steady_state;     /* the "steady_state" model; false: "fluid" (the default) */
};

/* What one replication's load came to. */
struct workload_totals {
	double requests, served, dropped;
	double wait_sum_s;	/* sum over served requests of their mean wait */
	double waited;		/* served requests that waited (sum of C x served) */
	double cpu_pct_seconds; /* integral of CPU utilization over serving time */
	double mem_pct_seconds;
	double serving_seconds; /* time with at least one serving task */
};

struct workload;

/*
 * Returns the owned workload of one replication. Borrows `shape` and `model`
 * for its lifetime (model: service_time_s > 0, concurrency >= 1). The noise
 * stream is seeded from (seed, replication). workload_free(NULL) is a no-op.
 */
struct workload *workload_new(const struct rate_shape *shape, const struct request_model *model,
			      int64_t start_unix, uint64_t seed, uint64_t replication);
void workload_free(struct workload *w);

/*
 * lambda(t) including noise. Calls should come with non-decreasing t: a step
 * back is answered correctly but redraws the noise stream from the start.
 */
double workload_rate(struct workload *w, sim_time t);

/*
 * The first time after t at which workload_rate may differ from its value
 * at t: rate_shape_next_change, or the next noise period, if sooner.
 */
sim_time workload_next_change(const struct workload *w, sim_time t);

/*
 * Accounts the interval [t0, t1) during which `serving` tasks served
 * (lambda is taken at t0: callers split intervals where the rate is to be
 * read anew and at every change of the serving count). Returns nothing; see
 * totals. An empty interval (t1 <= t0) adds nothing but still sets the
 * instant values. No serving task: everything is dropped.
 *
 * The two analytic models differ in what overload leaves behind:
 *  - "steady_state": each interval is a steady M/M/c queue on its own.
 *    Overloaded (lambda >= c mu): the excess is dropped and the served
 *    count as having waited `timeout_s` (waited += served, wait_sum +=
 *    timeout x served); the queue is empty again as soon as it ends.
 *  - "fluid" (default): a backlog B (requests) carries from interval to
 *    interval. It grows at lambda - c mu while arrivals exceed capacity,
 *    up to its cap c mu x timeout: a request arriving at t waits
 *    B(t) / (c mu) (FIFO), so from the cap on the excess abandons
 *    (dropped) and the served wait `timeout_s`; it drains at c mu - lambda
 *    afterwards. While B > 0 every arrival is served after the wait
 *    B / (c mu), deterministic and linear in time over an interval
 *    (waited += served, wait_sum += served x mean of that wait; the
 *    latency mixture takes a uniform wait, latency_mix_add_uniform); with
 *    B = 0 below capacity the M/M/c (Erlang C) wait applies, exactly as
 *    the steady-state model's. Requests count when they arrive (a served
 *    request is counted served in the interval of its arrival). When the
 *    serving count drops, the backlog above the new cap abandons at once;
 *    with no serving task the backlog holds. At exactly lambda = c mu the
 *    backlog holds (an empty one gives no wait).
 *   An interval ends where the backlog empties or reaches its cap
 *   (workload_backlog_change gives the moment): past it, the piece is the
 *   steady one.
 * An interval that continues the previous one (it starts where that ended,
 * with the same serving count and the same lambda) is the same piece: the
 * sums are the same whether a steady stretch comes in one advance or many.
 */
void workload_advance(struct workload *w, sim_time t0, sim_time t1, long serving);

/* Whether workload_advance_ticks may do any tick: a diurnal rate without noise. */
bool workload_has_usual_ticks(const struct workload *w);

/*
 * Up to n successive 20-second ticks from t0 (a tick time): for each, what
 * workload_advance(w, t, t + 20 s, serving) then workload_utilization do,
 * its utilization in cpu_pct[i] and mem_pct[i], in the usual case of a
 * diurnal load without noise, read a day ago at that time, continued below
 * capacity by the same tasks from a steady piece; the same operations on
 * the same values, but for the latency mixtures, which take the first two
 * pieces of a whole minute (three ticks from a minute's start, from the
 * minute entry of its slots) in one add per bucket: the same sums in
 * another order. Stops, having done nothing more, at the first tick that
 * is not usual. Returns the number of ticks done (0 to n).
 */
int workload_advance_ticks(struct workload *w, sim_time t0, int n, long serving, double *cpu_pct,
			   double *mem_pct);

/*
 * One of `serving` tasks stops serving now (an interruption notice or a
 * deregistration) and exits `window` later. Its share of the requests in
 * service, busy / serving with busy = min(lambda, c mu) / mu the mean busy
 * workers at the last advance (c while a fluid backlog waits), fail if
 * still running at STOPPED: with exponential service a fraction
 * exp(-mu window) of them. With the fluid model the task also takes its
 * share of the backlog, B / serving: requests queue inside the tasks (the
 * load balancer has no queue), and the backlog is taken as spread evenly.
 * They move from served to dropped (run and minute totals); their waits
 * stay in the latency mixture. Call after accounting the load up to now.
 * Returns the number lost.
 */
double workload_lose_inflight(struct workload *w, long serving, sim_time window);

/* The fluid backlog (requests) at the end of the last advance; 0 with "steady_state". */
double workload_backlog(const struct workload *w);

/*
 * The first time after t at which the fluid backlog's slope changes if
 * `serving` tasks serve from t on at the rate read at t: the moment it
 * empties or reaches its cap, but at most a minute ahead (the minutes of a
 * moving backlog are not alike); SIM_TIME_MAX when the backlog is at rest
 * (empty below capacity, at its cap above it, held at lambda = c mu, no
 * serving task, or the steady-state model). Reads the state at the last
 * advance's end, which should be t. Callers take the sooner of this and
 * workload_next_change.
 */
sim_time workload_backlog_change(struct workload *w, sim_time t, long serving);

/* Instant values at the last advance, for samples (cheap: no root finding). */
struct workload_instant {
	double lambda;
	double cpu_pct, mem_pct; /* NAN when no task serves */
	double dropped_rate;	 /* per second */
	double p_wait;		 /* NAN when no task serves */
};
void workload_instant(const struct workload *w, struct workload_instant *out);

/* The instant CPU and memory utilization alone (what a 20-second sample reads). */
void workload_utilization(const struct workload *w, double *cpu_pct, double *mem_pct);

/*
 * The response-time p95 of the last advance's interval in seconds (its
 * M/M/c distribution; timeout + service when overloaded; the service time's
 * when idle); NAN when no task serves or before the first advance. A root
 * finding of about half a microsecond: not for every sample unless needed.
 */
double workload_instant_p95(const struct workload *w);

/*
 * The minute just accounted, for timeseries.csv: the caller advances up to a
 * minute boundary, then takes the minute, which resets the minute's sums.
 * Its p95 costs a root finding, skipped when the minute's latency mixture
 * is exactly the previous minute's (a steady load).
 */
struct workload_minute {
	double requests, served, dropped;
	double cpu_pct, mem_pct; /* time-weighted over the serving part; NAN when none */
	double p95_s;		 /* response-time p95 of the minute's served requests; NAN if
				    none, or when minute latency is not kept */
};
void workload_take_minute(struct workload *w, struct workload_minute *out);

/*
 * What makes a usual minute what it is (workload_usual_minute): within one
 * workload, two minutes with the same nonzero `fill` and the same `slot` (<
 * WORKLOAD_MINUTE_SLOTS) are alike, the same samples and the same minute,
 * so a caller may keep what it derives from one for the others. `fill` is
 * 0 for a minute that is not its entry's alone (the minute had something
 * before, or its latency is kept).
 */
#define WORKLOAD_MINUTE_SLOTS 1440
struct workload_minute_id {
	int slot;
	uint64_t fill;
};

/*
 * A whole usual minute from t0 (a minute's start, the tick reached): what
 * workload_advance_ticks(w, t0, 3, serving, cpu_pct, mem_pct) then
 * workload_take_minute(w, out) give when the ticks are the three of one
 * minute entry (its second and third tick never stop it), the same
 * operations on the same values in one call; `id` receives the minute's
 * identity. Returns false, having done nothing, when workload_advance_ticks
 * would not do the three at once.
 */
bool workload_usual_minute(struct workload *w, sim_time t0, long serving, double cpu_pct[3],
			   double mem_pct[3], struct workload_minute *out,
			   struct workload_minute_id *id);

/*
 * Whether the minute's latency is kept for its p95 (default: yes). A caller
 * that never reads a minute's p95 turns it off and saves the minute's
 * latency mixture and root finding; p95_s is then NAN.
 */
void workload_keep_minute_latency(struct workload *w, bool keep);

/*
 * Takes `n` >= 1 alike minutes at once: the caller has advanced through
 * them with one steady piece (no new lambda, no change of the serving
 * count, nothing lost in flight), from the start of the open minute, which
 * must be empty before that advance (workload_minute_empty). `out`
 * receives the minute they all are, as workload_take_minute would give
 * each. Costs one minute's work, whatever n.
 */
void workload_take_minutes(struct workload *w, int64_t n, struct workload_minute *out);

/* Whether nothing has been accounted in the open minute (since the last take). */
bool workload_minute_empty(const struct workload *w);

/*
 * The run's totals. Ends the open interval first (its sums are added when
 * it ends): read them at the end of the run; a later advance starts a new
 * piece.
 */
const struct workload_totals *workload_totals(struct workload *w);

/*
 * Run-wide latency quantile over served requests (seconds), NAN when none
 * served. Ends the open interval first, as workload_totals does.
 */
double workload_latency_quantile(struct workload *w, double q);

#endif
