/*
 * replication — one run: engine + service + spot + workload (see
 * replication.h).
 *
 * Time is cut by a 20-second tick (the engine's, beside the calendar: no
 * event) into samples, three to a minute. The load is accounted from the
 * last accounted moment to now, with the number of tasks that served over
 * it, whenever that number is about to change (the service's before_change
 * hook) and when a minute's handler runs. The rate is read where a piece of
 * load starts: at each change of the serving count and at each tick where
 * the rate shape (or its noise) may have moved (workload_next_change); in
 * between, load, cost, latency mixture and utilization are integrated in
 * closed form (workload.h), whatever the length of the stretch.
 *
 * Code runs at ticks only where something reads them:
 *   - scaling policies read the 20-second samples: the minute's handler
 *     runs at every third tick, and the samples of the ticks before it are
 *     taken as the load is accounted up to them (the serving count and the
 *     load's instant values are those at the tick: nothing changed since);
 *   - a sink that wants minute rows: the minute's handler writes them;
 *   - a queue: its backlog moves with every job, so each tick samples it;
 *   - the per-request model (workload.model "per_request"): it runs on
 *     events of its own, one per request, and accounts itself; each tick
 *     samples its utilization over the 20 seconds, as for a queue;
 *   - otherwise the run is quiet: ticks are only counted, and minutes are
 *     closed as the load is accounted at the next change, a run of whole
 *     minutes under one steady load at once (their count is what matters
 *     for availability). A quiet 30-day run does work in proportion to its
 *     changes, not to its minutes.
 * Whichever way, the engine orders a tick against an event at the same
 * time as the sample event that once re-armed itself every 20 seconds, so
 * a change at a minute's end falls in the same minute as before.
 *
 * SLO per minute (README "Availability"): with a request workload, a minute
 * is available when its dropped fraction is at most slo.max_dropped_fraction
 * (0 when unset) and, if slo.p95_latency is set, its p95 is within it; with
 * no workload, when at least one task is RUNNING.
 */
#include "spotsim/experiment/replication.h"

#include "spotsim/engine/engine.h"
#include "spotsim/util/error.h"
#include "spotsim/util/xalloc.h"
#include "spotsim/model/metrics.h"
#include "spotsim/model/per_request.h"
#include "spotsim/model/queue.h"
#include "spotsim/model/request_rate.h"
#include "spotsim/model/savings_plan.h"
#include "spotsim/model/scaling.h"
#include "spotsim/model/service.h"
#include "spotsim/model/spot.h"
#include "spotsim/model/tasks.h"
#include "spotsim/model/workload.h"

#include <math.h>
#include <signal.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#define SAMPLE_PERIOD	   (20 * SIM_SEC)
#define SAMPLES_PER_MINUTE 3

enum {
	EV_SCHEDULED = 100,
	EV_PLAN_HOUR = 101 /* a clock hour ends: the Savings Plan bills it */
};

/* USD: a rounding error of the hourly differences of the accrued costs */
#define PLAN_NOISE_USD 1e-9

static volatile sig_atomic_t interrupted;

const struct metric_def run_metric_defs[] = {
#define M(name, unit)                                                                              \
	{                                                                                          \
#name, unit, offsetof(struct run_metrics, name), false                             \
	}
#define SIGNED(name, unit)                                                                         \
	{                                                                                          \
#name, unit, offsetof(struct run_metrics, name), true                              \
	}
    M(cost_usd, "USD"),
    M(cost_fargate_usd, "USD"),
    M(cost_spot_usd, "USD"),
    M(cost_per_million_requests_usd, "USD"),
    SIGNED(savings_vs_on_demand_pct, "%"),
    M(task_hours_fargate, "h"),
    M(task_hours_spot, "h"),
    M(interruptions, "count"),
    M(capacity_reclaims, "count"),
    M(tasks_launched, "count"),
    M(placement_failures, "count"),
    M(scaling_activities, "count"),
    M(no_step_adjustment, "count"),
    M(requests, "count"),
    M(dropped_fraction, "fraction"),
    M(p_wait, "fraction"),
    M(mean_wait_s, "s"),
    M(p95_latency_s, "s"),
    M(p99_latency_s, "s"),
    M(slo_violation_minutes, "min"),
    M(availability, "fraction"),
    M(mean_running_tasks, "tasks"),
    M(deployments, "count"),
    M(deployment_seconds, "s"),
    SIGNED(deployment_extra_cost_usd, "USD"),
    M(deployment_min_serving, "tasks"),
    M(deployment_slo_minutes, "min"),
    M(jobs_completed, "count"),
    M(mean_job_latency_s, "s"),
    M(p95_job_latency_s, "s"),
    M(lost_work_hours, "h"),
    M(max_backlog, "messages"),
    M(lost_work_hours_spot, "h"),
    M(lost_work_hours_capacity_reclaim, "h"),
    M(lost_work_hours_scale_in, "h"),
    M(lost_work_hours_deployment, "h"),
    M(jobs_rerun, "count"),
    M(jobs_rerun_spot, "count"),
    M(jobs_rerun_capacity_reclaim, "count"),
    M(jobs_rerun_scale_in, "count"),
    M(jobs_rerun_deployment, "count"),
    M(jobs_finished_after_notice, "count"),
    M(jobs_finished_after_notice_spot, "count"),
    M(jobs_finished_after_notice_capacity_reclaim, "count"),
    M(jobs_finished_after_notice_scale_in, "count"),
    M(jobs_finished_after_notice_deployment, "count"),
    M(monthly_cost_usd, "USD"),
    M(over_budget, "probability"),
    M(slo_breach, "probability"),
    M(outage_seconds, "s"),
    M(tasks_launched_per_hour, "count/h"),
    M(billed_vcpu_hours, "vCPU-h"),
    M(billed_vcpu_hours_fargate, "vCPU-h"),
    M(billed_vcpu_hours_spot, "vCPU-h"),
    M(savings_plan_cost_usd, "USD"),
    M(cost_with_savings_plan_usd, "USD"),
    M(savings_plan_utilization, "fraction"),
    M(savings_plan_coverage, "fraction"),
    M(cost_per_thousand_jobs_usd, "USD"),
    M(monthly_cost_with_savings_plan_usd, "USD"),
#undef M
#undef SIGNED
    {NULL, NULL, 0, false},
};

double run_metric_value(const struct run_metrics *r, const struct metric_def *m)
{
	return *(const double *)((const char *)r + m->offset);
}

void replication_interrupt(void)
{
	interrupted = 1;
}

struct rep {
	struct engine e;
	const struct scenario *sc;
	const struct run_sink *sink;
	struct service *svc;
	struct spot *spot;
	struct workload *w;	/* analytic request accounting; NULL otherwise */
	struct workload *qrate; /* a queue's or the per-request model's arrival rate */
	struct queue *queue;	/* NULL without a queue workload */
	struct per_request *pr; /* NULL unless workload.model is per_request */
	struct request_rate prate;
	struct scaler *scaler; /* NULL without a scaling section */
	struct metrics metrics;
	struct minute_memo *memo; /* [WORKLOAD_MINUTE_SLOTS]; NULL: usual minutes not kept */
	bool sampling;		  /* scaling policies read the 20-second samples */
	bool quiet;	    /* no code runs at ticks: minutes close as the load is accounted */
	bool usual_ticks;   /* workload_has_usual_ticks */
	sim_time accounted; /* the load is accounted up to here */
	long ticks;	    /* 20-second ticks dealt with */
	long minutes, bad_minutes;
	long scale_ins_suspended; /* scaler decisions not applied during a deployment */
	/* pricing.savings_plan: the plan's bill, hour by hour */
	bool plan;
	struct sp_account sp;
	double plan_eligible, plan_total; /* accrued at the last hour's end */
	sim_time plan_hour_start;
	struct run_hours *hours; /* NULL: not recorded */
};

/*
 * What a usual minute gave (usual_minute), kept by its identity
 * (workload_minute_id) for the minutes alike: whether it met the SLO and
 * its CPU and memory datapoints.
 */
struct minute_memo {
	uint64_t fill; /* 0: none kept */
	bool ok;
	struct datapoint cpu, mem;
};

static void stops_serving(void *ctx, long serving, sim_time window)
{
	struct rep *r = ctx;
	if (r->w)
		workload_lose_inflight(r->w, serving, window);
}

static void forward_event(void *ctx, const struct event_row *row)
{
	struct rep *r = ctx;
	if (r->sink && r->sink->event)
		r->sink->event(r->sink->ctx, row);
}

static bool minute_ok(const struct rep *r, const struct workload_minute *m, long serving)
{
	const struct slo *slo = &r->sc->slo;
	if (r->queue) /* a queue is served when no message waits without a worker */
		return serving > 0 || queue_backlog(r->queue) == 0;
	if (!r->w && !r->pr)
		return serving > 0;
	if (m->requests > 0) {
		double max = slo->has_max_dropped ? slo->max_dropped_fraction : 0;
		/* 0 / requests is 0: most minutes drop nothing, and need no division */
		if ((m->dropped == 0 ? 0 : m->dropped / m->requests) > max + 1e-12)
			return false;
	}
	if (slo->has_p95_latency && m->served > 0 && !isnan(m->p95_s) &&
	    m->p95_s > simtime_seconds(slo->p95_latency))
		return false;
	return true;
}

/* ---- the load between changes ---- */

/* The first tick at or after t. */
static sim_time tick_ceil(sim_time t)
{
	if (t > SIM_TIME_MAX - SAMPLE_PERIOD)
		return SIM_TIME_MAX;
	return (t + SAMPLE_PERIOD - 1) / SAMPLE_PERIOD * SAMPLE_PERIOD;
}

/*
 * The rate read at t holds until the first tick after it may have changed:
 * a piece starts at t and at every tick where the rate is new, or where a
 * fluid backlog has emptied or reached its cap (workload_backlog_change).
 */
static sim_time steady_until(const struct rep *r, sim_time t, long serving)
{
	if (!r->w)
		return SIM_TIME_MAX;
	sim_time rate = workload_next_change(r->w, t),
		 fluid = workload_backlog_change(r->w, t, serving);
	return tick_ceil(fluid < rate ? fluid : rate);
}

/* A 20-second sample of a request service (or of one without workload) for the metrics. */
static void take_sample(struct rep *r, long serving)
{
	struct metrics_sample ms = {serving, 0, 0, false, 0};
	if (r->w)
		workload_utilization(r->w, &ms.cpu_pct, &ms.mem_pct);
	metrics_sample(&r->metrics, &ms);
}

/* Closes the open minute, accounted up to its end, as its last tick would. */
static void close_minute_quietly(struct rep *r, long serving)
{
	struct workload_minute m = {0, 0, 0, NAN, NAN, NAN};
	if (r->w)
		workload_take_minute(r->w, &m);
	r->minutes++;
	bool ok = minute_ok(r, &m, serving);
	r->bad_minutes += !ok;
	service_note_minutes(r->svc, 1, ok);
}

/* The load is accounted up to tick `k`, which has passed. */
static void tick_reached(struct rep *r, long k, long serving)
{
	r->ticks = k;
	if (r->sampling)
		take_sample(r, serving);
	if (r->quiet && k % SAMPLES_PER_MINUTE == 0)
		close_minute_quietly(r, serving);
}

/*
 * Quietly, whole minutes from the open minute's start (which must be empty)
 * to `stop` under one steady load, as far as their last ticks have passed,
 * are closed at once. Returns whether there was one.
 */
static bool close_minutes_at_once(struct rep *r, sim_time stop, int64_t passed, long serving)
{
	sim_time start = (sim_time)r->minutes * SIM_MIN;
	int64_t k = (stop - start) / SIM_MIN, closable = passed / SAMPLES_PER_MINUTE - r->minutes;
	struct workload_minute m = {0, 0, 0, NAN, NAN, NAN};
	k = k < closable ? k : closable;
	if (r->accounted != start || k < 1 || (r->w && !workload_minute_empty(r->w)))
		return false;
	if (r->w) {
		workload_advance(r->w, start, start + k * SIM_MIN, serving);
		workload_take_minutes(r->w, k, &m);
	}
	r->minutes += (long)k;
	bool ok = minute_ok(r, &m, serving);
	if (!ok)
		r->bad_minutes += (long)k;
	service_note_minutes(r->svc, (long)k, ok);
	r->accounted = start + k * SIM_MIN;
	r->ticks = r->minutes * SAMPLES_PER_MINUTE;
	return true;
}

/*
 * Ticks from the one reached, in the usual case (workload_advance_ticks),
 * with their samples: what account_ticks does for them. Returns whether
 * there was one.
 */
static bool account_usual_ticks(struct rep *r, int64_t passed, long serving)
{
	enum {
		BATCH = 8
	};
	double cpu[BATCH], mem[BATCH];
	int64_t left = passed - r->ticks;
	int n = workload_advance_ticks(r->w, r->accounted, left < BATCH ? (int)left : BATCH,
				       serving, cpu, mem);
	for (int i = 0; i < n; i++) {
		struct metrics_sample ms = {serving, cpu[i], mem[i], false, 0};
		r->ticks++;
		r->accounted += SAMPLE_PERIOD;
		metrics_sample(&r->metrics, &ms);
	}
	return n > 0;
}

/*
 * While policies sample: from a tick reached to each next one that has
 * passed, the piece up to it and its sample. This is what account_to's
 * loop does there (a piece never runs past the next tick), without asking
 * the rate when it changes.
 */
static void account_ticks(struct rep *r, int64_t passed, long serving)
{
	while (r->ticks < passed && r->accounted == (sim_time)r->ticks * SAMPLE_PERIOD) {
		if (r->usual_ticks && account_usual_ticks(r, passed, serving))
			continue;
		sim_time at = (sim_time)(r->ticks + 1) * SAMPLE_PERIOD;
		if (r->w)
			workload_advance(r->w, r->accounted, at, serving);
		r->accounted = at;
		tick_reached(r, r->ticks + 1, serving);
	}
}

/*
 * Accounts the load up to now, `serving` tasks having served since the last
 * time, and deals with the ticks passed meanwhile (engine_ticks: at a
 * tick's time this orders the tick against the event being handled exactly
 * as a sample event would be): samples, when policies read them, and, when
 * quiet, the minutes' ends. Walks from tick to tick only where something
 * happens there: every tick when sampling, each minute's last otherwise,
 * and pieces end only where the rate is read anew; quiet whole minutes of
 * one steady load close at once.
 */
static void account_to(struct rep *r, sim_time now, long serving)
{
	int64_t passed = engine_ticks(&r->e);
	if (r->sampling)
		account_ticks(r, passed, serving);
	for (;;) {
		long next = r->sampling ? r->ticks + 1
					: (r->ticks / SAMPLES_PER_MINUTE + 1) * SAMPLES_PER_MINUTE;
		sim_time at = (sim_time)next * SAMPLE_PERIOD;
		if (next <= passed && r->accounted == at) {
			tick_reached(r, next, serving);
			continue;
		}
		if (r->accounted >= now)
			return;
		sim_time steady = steady_until(r, r->accounted, serving);
		sim_time stop = now < steady ? now : steady;
		if (r->quiet && close_minutes_at_once(r, stop, passed, serving))
			continue;
		sim_time to = stop < at ? stop : at;
		if (r->w)
			workload_advance(r->w, r->accounted, to, serving);
		r->accounted = to;
	}
}

/* The load up to now, `c` the service's counts; a queue and the per-request model account their own. */
static void account_counted(struct rep *r, const struct service_counts *c)
{
	if (r->queue || r->pr)
		return;
	account_to(r, engine_now(&r->e), c->serving);
	if (r->quiet && interrupted)
		engine_stop(&r->e);
}

static void account(struct rep *r)
{
	struct service_counts c;
	if (r->queue || r->pr)
		return;
	service_counts(r->svc, &c);
	account_counted(r, &c);
}

static void before_change(void *ctx)
{
	account(ctx);
}

/* ---- minutes with a handler ---- */

/*
 * Application Auto Scaling turns scale-in off while a deployment is in
 * progress (README "Deployments"): the decision is logged, not applied,
 * and not counted as an activity.
 */
static void suspend_scale_in(struct rep *r, long desired)
{
	char detail[96];
	struct event_row row = {engine_now(&r->e), "SCALE_IN_SUSPENDED", 0, "", detail};
	r->scale_ins_suspended++;
	if (!r->sink || !r->sink->event)
		return;
	snprintf(detail, sizeof(detail), "desired=%ld;reason=deployment in progress", desired);
	r->sink->event(r->sink->ctx, &row);
}

/* The autoscaler's turn at the end of each minute; `dp` the minute's datapoints, NULL: metrics_minute's. */
static void scale(struct rep *r, const struct workload_minute *m, const struct datapoint *dp,
		  const struct service_counts *c)
{
	if (!r->sampling)
		return;
	if (!dp)
		dp = metrics_minute(&r->metrics, r->w || r->pr, m->requests);
	long desired = scaler_minute(r->scaler, engine_now(&r->e), dp, c->serving, c->desired);
	if (desired >= 0 && desired < c->desired && service_deployment_in_progress(r->svc))
		suspend_scale_in(r, desired);
	else if (desired >= 0)
		service_set_desired(r->svc, desired);
}

/* The per-request model's minute, as the analytic model gives it. */
static void take_request_minute(struct rep *r, struct workload_minute *m)
{
	struct per_request_minute pm;
	per_request_take_minute(r->pr, &pm);
	*m = (struct workload_minute){pm.requests, pm.served,  pm.dropped,
				      pm.cpu_pct,  pm.mem_pct, pm.p95_s};
}

/*
 * The minute `m` that ends now, taken from the load, `ok` whether it met the
 * SLO, `dp` its datapoints for the policies (NULL: metrics_minute's); `c`
 * the service's counts now.
 */
static void end_minute_as(struct rep *r, const struct workload_minute *m, bool ok,
			  const struct datapoint *dp, const struct service_counts *c);

/* The minute that ends now; `c` the service's counts now. */
static void close_minute(struct rep *r, const struct service_counts *c)
{
	struct workload_minute m = {0, 0, 0, NAN, NAN, NAN};
	if (r->w)
		workload_take_minute(r->w, &m);
	else if (r->pr)
		take_request_minute(r, &m);
	end_minute_as(r, &m, minute_ok(r, &m, c->serving), NULL, c);
}

static void end_minute_as(struct rep *r, const struct workload_minute *m, bool ok,
			  const struct datapoint *dp, const struct service_counts *c)
{
	r->minutes++;
	r->bad_minutes += !ok;
	service_note_minutes(r->svc, 1, ok);
	if (r->sink && r->sink->minute) {
		struct minute_row row = {
		    engine_now(&r->e),
		    m->requests / 60.0,
		    c->desired,
		    {c->running[0], c->running[1]},
		    {c->pending[0], c->pending[1]},
		    c->draining,
		    m->cpu_pct,
		    m->mem_pct,
		    m->dropped,
		    m->p95_s * 1000.0,
		    r->queue ? (double)queue_backlog(r->queue) : 0,
		    service_cost_accrued(r->svc),
		    service_spot_available(r->svc),
		};
		if (r->queue)
			row.load_rps = workload_rate(r->qrate, engine_now(&r->e));
		r->sink->minute(r->sink->ctx, &row);
	}
	scale(r, m, dp, c);
}

/*
 * The usual minute of a sampled diurnal load (workload_usual_minute), its
 * three ticks not yet accounted and nothing else in it: what account_counted
 * then close_minute do, in one go. Returns false, having done nothing,
 * otherwise.
 */
static bool usual_minute(struct rep *r, const struct service_counts *c)
{
	double cpu[SAMPLES_PER_MINUTE], mem[SAMPLES_PER_MINUTE];
	struct workload_minute m;
	struct workload_minute_id id;
	sim_time start = engine_now(&r->e) - SIM_MIN;
	if (!r->usual_ticks || !r->sampling || r->quiet || r->accounted != start ||
	    r->ticks != engine_ticks(&r->e) - SAMPLES_PER_MINUTE ||
	    !workload_usual_minute(r->w, start, c->serving, cpu, mem, &m, &id))
		return false;
	r->ticks += SAMPLES_PER_MINUTE;
	r->accounted = engine_now(&r->e);
	struct minute_memo *kept = r->memo && id.fill ? &r->memo[id.slot] : NULL;
	if (kept && kept->fill == id.fill) { /* a minute alike: its samples are kept's */
		const struct datapoint *dp =
		    metrics_minute_again(&r->metrics, &kept->cpu, &kept->mem);
		end_minute_as(r, &m, kept->ok, dp, c);
		return true;
	}
	for (int i = 0; i < SAMPLES_PER_MINUTE; i++) {
		struct metrics_sample ms = {c->serving, cpu[i], mem[i], false, 0};
		metrics_sample(&r->metrics, &ms);
	}
	bool ok = minute_ok(r, &m, c->serving);
	const struct datapoint *dp = metrics_minute(&r->metrics, true, m.requests);
	if (kept)
		*kept = (struct minute_memo){id.fill, ok, dp[METRIC_CPU], dp[METRIC_MEMORY]};
	end_minute_as(r, &m, ok, dp, c);
	return true;
}

/*
 * The end of a minute of a request service (or one without workload), and
 * of each next minute that ends before any event (engine_tick_next).
 */
static void on_minute(struct engine *e, void *ctx)
{
	struct rep *r = ctx;
	do {
		struct service_counts c;
		service_counts(r->svc, &c); /* accounting the load changes no task */
		if (!usual_minute(r, &c)) {
			account_counted(r, &c);
			close_minute(r, &c);
		}
		if (interrupted)
			engine_stop(e);
	} while (engine_tick_next(e));
}

/* A 20-second sample of a queue: backlog and utilization from its workers. */
static void take_queue_sample(struct rep *r)
{
	struct service_counts c;
	struct metrics_sample ms = {0, 0, 0, true, (double)queue_backlog(r->queue)};
	const struct request_model *rm = &r->sc->requests;
	service_counts(r->svc, &c);
	ms.serving = c.serving;
	if (c.serving > 0) {
		double slots = (double)c.serving * (double)r->sc->queue.concurrency;
		ms.cpu_pct = fmin(100, rm->cpu_idle_percent +
					   100.0 * (double)queue_in_flight(r->queue) / slots);
		ms.mem_pct = fmin(100, rm->memory_base_percent);
	}
	metrics_sample(&r->metrics, &ms);
}

/* A 20-second sample of the per-request model: utilization over the 20 seconds. */
static void take_request_sample(struct rep *r)
{
	struct service_counts c;
	struct metrics_sample ms = {0, 0, 0, false, 0};
	service_counts(r->svc, &c);
	ms.serving = c.serving;
	per_request_sample(r->pr, &ms.cpu_pct, &ms.mem_pct);
	metrics_sample(&r->metrics, &ms);
}

/*
 * Each tick of a service whose model runs on events of its own (a queue,
 * whose backlog changes with every job; the per-request model): sampled
 * when policies read samples, a minute closed every third tick.
 */
static void on_model_tick(struct engine *e, void *ctx)
{
	struct rep *r = ctx;
	if (r->sampling && r->queue)
		take_queue_sample(r);
	else if (r->sampling)
		take_request_sample(r);
	if (engine_ticks(e) % SAMPLES_PER_MINUTE == 0) {
		struct service_counts c;
		service_counts(r->svc, &c);
		close_minute(r, &c);
	}
	if (interrupted)
		engine_stop(e);
}

static void arm_scheduled(struct rep *r)
{
	sim_time at = scaler_next_scheduled(r->scaler);
	if (at < SIM_TIME_MAX)
		engine_at(&r->e, at > engine_now(&r->e) ? at : engine_now(&r->e), EV_SCHEDULED,
			  NULL, 0);
}

static void on_scheduled(struct engine *e, struct event *ev, void *ctx)
{
	struct rep *r = ctx;
	struct service_counts c;
	(void)e;
	(void)ev;
	service_counts(r->svc, &c);
	long desired = scaler_scheduled(r->scaler, engine_now(&r->e), c.desired);
	if (desired >= 0)
		service_set_desired(r->svc, desired);
	arm_scheduled(r);
}

static void on_scaling_event(void *ctx, const struct scaling_event *ev)
{
	struct rep *r = ctx;
	struct event_row row = {ev->t, ev->event, 0, "", ev->detail};
	if (r->sink && r->sink->event)
		r->sink->event(r->sink->ctx, &row);
}

/*
 * The per-request model follows the tasks' states: a task that stops serving
 * (deregistration, a Spot notice) finishes what it holds until STOPPED.
 */
static void request_task_state(struct per_request *pr, int64_t id, enum task_state state)
{
	if (state == TASK_RUNNING)
		per_request_task_running(pr, id);
	else if (state == TASK_DEACTIVATING || state == TASK_STOPPING)
		per_request_task_draining(pr, id);
	else if (state == TASK_STOPPED)
		per_request_task_stopped(pr, id);
}

/* Queue workers and the per-request model follow their tasks' states. */
static void task_state(void *ctx, int64_t id, int state)
{
	struct rep *r = ctx;
	if (r->pr)
		request_task_state(r->pr, id, (enum task_state)state);
	if (!r->queue)
		return;
	switch ((enum task_state)state) {
	case TASK_RUNNING:
		queue_task_running(r->queue, id);
		break;
	case TASK_DEACTIVATING:
		queue_task_draining(r->queue, id);
		break;
	case TASK_STOPPING:
		queue_task_draining(r->queue, id);
		queue_task_sigterm(r->queue, id);
		break;
	case TASK_STOPPED:
		queue_task_stopped(r->queue, id);
		break;
	default:
		break;
	}
}

/* Queue workers learn why their task stops: their lost work is counted by cause. */
static void stop_cause(void *ctx, int64_t id, int cause)
{
	static const enum queue_cause to_queue[] = {
	    [SERVICE_STOP_SPOT_INTERRUPTION] = QUEUE_CAUSE_SPOT,
	    [SERVICE_STOP_CAPACITY_RECLAIM] = QUEUE_CAUSE_CAPACITY_RECLAIM,
	    [SERVICE_STOP_SCALE_IN] = QUEUE_CAUSE_SCALE_IN,
	    [SERVICE_STOP_DEPLOYMENT] = QUEUE_CAUSE_DEPLOYMENT,
	    /* a fallback task moved back to Spot is replaced, as a deployment replaces */
	    [SERVICE_STOP_FALLBACK_REVERT] = QUEUE_CAUSE_DEPLOYMENT,
	};
	struct rep *r = ctx;
	if (r->queue && cause >= 0 && cause < (int)(sizeof(to_queue) / sizeof(to_queue[0])))
		queue_task_stopping(r->queue, id, to_queue[cause]);
}

/* ECS task scale-in protection, set by the queue's workers. */
static sim_time protected_until(void *ctx, int64_t id)
{
	struct rep *r = ctx;
	return queue_protected_until(r->queue, id);
}

/* A worker went idle and dropped its protection: a waiting scale-in looks again. */
static void protection_end(void *ctx)
{
	struct rep *r = ctx;
	service_protection_ended(r->svc);
}

/* The rate of each provider, with the scenario's overrides; NULL where the table has none. */
static void resolve_rates(const struct scenario *sc, const struct price_table *t,
			  struct price_rate *store, const struct price_rate *out[PROVIDER_COUNT])
{
	for (int p = 0; p < PROVIDER_COUNT; p++) {
		const struct price_rate *r =
		    pricing_find(t, sc->region, (enum provider)p, sc->task.os, sc->task.arch);
		out[p] = NULL;
		if (!r)
			continue;
		pricing_apply_override(r, &sc->rate_override[p], &store[p]);
		out[p] = &store[p];
	}
}

static int check_rates(const struct scenario *sc, const struct price_rate *const rates[],
		       struct diag *d)
{
	int rc = 0;
	for (size_t i = 0; i < sc->service.strategy.nr; i++) {
		enum provider p = sc->service.strategy.items[i].provider;
		if (rates[p])
			continue;
		diag_error(d, sc->file, "region",
			   "no %s rate for %s/%s in %s (accepted: a row of the price table)",
			   fargate_provider_name(p), fargate_os_name(sc->task.os),
			   fargate_arch_name(sc->task.arch), sc->region);
		rc = SPOTSIM_EINVAL;
	}
	if (!rc && sc->spot.fallback.enabled && !rates[PROVIDER_FARGATE]) {
		diag_error(d, sc->file, "spot.fallback",
			   "no FARGATE rate for the fallback (accepted: a FARGATE row of the price "
			   "table)");
		rc = SPOTSIM_EINVAL;
	}
	if (!rc && sc->savings_plan.enabled && sc->savings_plan.missing_rate) {
		diag_error(d, sc->file, "pricing.savings_plan", "%s",
			   sc->savings_plan.missing_rate);
		rc = SPOTSIM_EINVAL;
	}
	return rc;
}

/* Requests, drops, waits and latency, from whichever model simulated them. */
static void fill_request_metrics(const struct rep *r, struct run_metrics *m)
{
	double requests = 0, served = 0, dropped = 0, waited = 0, wait_sum = 0;
	if (r->w) {
		const struct workload_totals *t = workload_totals(r->w);
		requests = t->requests, served = t->served, dropped = t->dropped;
		waited = t->waited, wait_sum = t->wait_sum_s;
	} else if (r->pr) {
		const struct per_request_totals *t = per_request_totals(r->pr);
		requests = t->requests, served = t->served, dropped = t->dropped;
		waited = t->waited, wait_sum = t->wait_sum_s;
	}
	m->requests = requests;
	m->dropped_fraction = requests > 0 ? dropped / requests : NAN;
	m->p_wait = served > 0 ? waited / served : NAN;
	m->mean_wait_s = served > 0 ? wait_sum / served : NAN;
	m->p95_latency_s = m->p99_latency_s = NAN;
	if (r->w) {
		m->p95_latency_s = workload_latency_quantile(r->w, 0.95);
		m->p99_latency_s = workload_latency_quantile(r->w, 0.99);
	} else if (r->pr) {
		m->p95_latency_s = per_request_latency_quantile(r->pr, 0.95);
		m->p99_latency_s = per_request_latency_quantile(r->pr, 0.99);
	}
}

static void fill_deployments(const struct service_totals *t, struct run_metrics *m)
{
	bool any = t->deployments > 0;
	m->deployments = (double)t->deployments;
	m->deployment_seconds = any ? t->deployment_seconds : NAN;
	m->deployment_extra_cost_usd = any ? t->deployment_extra_cost_usd : NAN;
	m->deployment_min_serving = any ? (double)t->deployment_min_serving : NAN;
	m->deployment_slo_minutes = any ? (double)t->deployment_slo_minutes : NAN;
}

static void fill_metrics(const struct rep *r, const struct service_totals *t,
			 const struct price_rate *const rates[], struct run_metrics *m)
{
	double billed = t->billed_seconds[0] + t->billed_seconds[1];
	double hours = simtime_seconds(r->sc->duration) / 3600.0;
	memset(m, 0, sizeof(*m));
	m->cost_fargate_usd = t->cost[PROVIDER_FARGATE];
	m->cost_spot_usd = t->cost[PROVIDER_FARGATE_SPOT];
	m->cost_usd = m->cost_fargate_usd + m->cost_spot_usd;
	m->task_hours_fargate = t->billed_seconds[PROVIDER_FARGATE] / 3600.0;
	m->task_hours_spot = t->billed_seconds[PROVIDER_FARGATE_SPOT] / 3600.0;
	m->savings_vs_on_demand_pct = NAN;
	if (rates[PROVIDER_FARGATE] && billed > 0) {
		if (t->on_demand_usd > 0) /* every size the service ran, priced on FARGATE */
			m->savings_vs_on_demand_pct =
			    100.0 * (1.0 - m->cost_usd / t->on_demand_usd);
		if (fabs(m->savings_vs_on_demand_pct) < 1e-9) /* all on FARGATE: rounding noise */
			m->savings_vs_on_demand_pct = 0;
	}
	m->interruptions = (double)t->interruptions;
	m->tasks_launched = (double)t->tasks_launched;
	m->placement_failures = (double)t->placement_failures;
	m->slo_violation_minutes = (double)r->bad_minutes;
	m->availability = r->minutes ? 1.0 - (double)r->bad_minutes / (double)r->minutes : NAN;
	m->mean_running_tasks = hours > 0 ? t->running_task_seconds / (hours * 3600.0) : NAN;
	m->capacity_reclaims = (double)t->capacity_reclaims;
	m->outage_seconds = t->outage_seconds;
	m->tasks_launched_per_hour = hours > 0 ? m->tasks_launched / hours : NAN;
	m->billed_vcpu_hours_fargate = t->billed_vcpu_seconds[PROVIDER_FARGATE] / 3600.0;
	m->billed_vcpu_hours_spot = t->billed_vcpu_seconds[PROVIDER_FARGATE_SPOT] / 3600.0;
	m->billed_vcpu_hours = m->billed_vcpu_hours_fargate + m->billed_vcpu_hours_spot;
	fill_deployments(t, m);
	fill_request_metrics(r, m);
	m->cost_per_million_requests_usd = m->requests > 0 ? m->cost_usd / m->requests * 1e6 : NAN;
}

/* The queue reads only the arrival rate from a workload; these values are unused. */
static const struct request_model rate_only = {1.0, 1, 0, 0, 0, 0, false};

/* workload.model "per_request": the rate (with its noise) drives the per-request model. */
static void setup_per_request(struct rep *r, const struct scenario *sc, uint64_t index)
{
	r->qrate = workload_new(&sc->rate, &sc->requests, sc->start_unix, sc->seed, index);
	request_rate_init(&r->prate, r->qrate, &sc->rate, sc->start_unix);
	struct per_request_rate source = request_rate_source(&r->prate);
	r->pr = per_request_new(&r->e, &sc->per_request, &source, sc->seed, index);
}

static void setup(struct rep *r, const struct scenario *sc, uint64_t index,
		  const struct run_sink *sink, const struct price_rate *const rates[])
{
	struct service_hooks hooks = {.ctx = r,
				      .before_change = before_change,
				      .event = sink && sink->event ? forward_event : NULL,
				      .stops_serving = stops_serving,
				      .task_state = task_state,
				      .stop_cause = stop_cause};
	memset(r, 0, sizeof(*r));
	r->sc = sc;
	r->sink = sink;
	engine_init(&r->e);
	metrics_init(&r->metrics);
	r->spot = spot_new(&sc->spot, sc->seed, index, sc->duration);
	if (sc->workload_type == WORKLOAD_REQUESTS && sc->workload_model == WORKLOAD_PER_REQUEST)
		setup_per_request(r, sc, index);
	else if (sc->workload_type == WORKLOAD_REQUESTS)
		r->w = workload_new(&sc->rate, &sc->requests, sc->start_unix, sc->seed, index);
	if (sc->workload_type == WORKLOAD_QUEUE) {
		r->qrate = workload_new(&sc->rate, &rate_only, sc->start_unix, sc->seed, index);
		r->queue =
		    queue_new(&r->e, &sc->queue, r->qrate, sc->seed, index, forward_event, r);
		if (sc->queue.scale_in_protection) {
			hooks.protected_until = protected_until;
			queue_on_protection_end(r->queue, protection_end);
		}
	}
	if (sc->scaling.enabled) {
		r->scaler = scaler_new(&sc->scaling, on_scaling_event, r);
		/* the decisions' text is read only from events.csv */
		scaler_set_explain(r->scaler, sink && sink->event);
	}
	/* with no policy, scaler_minute would only ever answer "no change" */
	r->sampling = r->scaler && sc->scaling.npolicies > 0;
	if (r->sampling) /* the datapoints are read only by the policies' alarms */
		metrics_keep(&r->metrics, scaler_metrics_read(r->scaler));
	r->quiet = !r->sampling && !r->queue && !r->pr && !(sink && sink->minute);
	r->usual_ticks = r->w && workload_has_usual_ticks(r->w);
	/* a usual minute's samples are kept by its identity while they are all its datapoints */
	if (r->usual_ticks && r->sampling && !r->metrics.requests)
		r->memo = xcalloc(WORKLOAD_MINUTE_SLOTS, sizeof(*r->memo));
	if (r->w)
		workload_keep_minute_latency(r->w,
					     (sink && sink->minute) || sc->slo.has_p95_latency);
	struct service_config cfg = scenario_service_config(sc);
	r->svc = service_new(&r->e, &cfg, rates, r->spot, index, &hooks);
	engine_on(&r->e, EV_SCHEDULED, on_scheduled, r);
}

/* The 20-second ticks: silent when quiet, a handler each minute, or each tick for a queue. */
static void start_ticks(struct rep *r)
{
	if (r->queue || r->pr)
		engine_tick_start(&r->e, SAMPLE_PERIOD, SAMPLE_PERIOD, 1, on_model_tick, r);
	else if (r->quiet)
		engine_tick_start(&r->e, SAMPLE_PERIOD, SAMPLE_PERIOD, 1, NULL, r);
	else
		engine_tick_start(&r->e, SAMPLE_PERIOD, SAMPLE_PERIOD, SAMPLES_PER_MINUTE,
				  on_minute, r);
}

static void teardown(struct rep *r)
{
	service_free(r->svc);
	scaler_free(r->scaler);
	free(r->memo);
	queue_free(r->queue);
	per_request_free(r->pr);
	workload_free(r->qrate);
	workload_free(r->w);
	spot_free(r->spot);
	engine_release(&r->e);
}

/*
 * Risk indicators (README "Experiments"): the cost scaled to a 30-day month
 * against slo.monthly_budget_usd, and whether the run as a whole broke its
 * SLO (p95 or p99 latency above target, dropped fraction above the maximum,
 * for a queue the p95 job latency above slo.max_job_latency).
 */
static void fill_risk(const struct scenario *sc, struct run_metrics *m)
{
	const struct slo *slo = &sc->slo;
	double months = simtime_seconds(sc->duration) / (30.0 * 86400.0);
	m->monthly_cost_usd = months > 0 ? m->cost_usd / months : NAN;
	m->over_budget = slo->has_budget ? (m->monthly_cost_usd > slo->monthly_budget_usd) : NAN;
	if (!slo->has_p95_latency && !slo->has_p99_latency && !slo->has_max_dropped &&
	    !slo->has_max_job_latency) {
		m->slo_breach = NAN;
		return;
	}
	bool breach = false;
	if (slo->has_p95_latency && m->p95_latency_s > simtime_seconds(slo->p95_latency))
		breach = true;
	if (slo->has_p99_latency && m->p99_latency_s > simtime_seconds(slo->p99_latency))
		breach = true;
	if (slo->has_max_dropped && m->dropped_fraction > slo->max_dropped_fraction)
		breach = true;
	if (slo->has_max_job_latency &&
	    m->p95_job_latency_s > simtime_seconds(slo->max_job_latency))
		breach = true;
	m->slo_breach = breach;
}

/* A queue's cost per 1,000 completed jobs; NAN without a queue or without a completed job. */
static void fill_job_cost(struct run_metrics *m)
{
	m->cost_per_thousand_jobs_usd =
	    m->jobs_completed > 0 ? m->cost_usd / m->jobs_completed * 1000 : NAN;
}

/* Each cause's share of lost work (hours), re-runs and late finishes; all NAN without a queue. */
static void fill_queue_causes(const struct queue_totals *q, struct run_metrics *m)
{
	double *lost[] = {&m->lost_work_hours_spot, &m->lost_work_hours_capacity_reclaim,
			  &m->lost_work_hours_scale_in, &m->lost_work_hours_deployment};
	double *rerun[] = {&m->jobs_rerun_spot, &m->jobs_rerun_capacity_reclaim,
			   &m->jobs_rerun_scale_in, &m->jobs_rerun_deployment};
	double *late[] = {
	    &m->jobs_finished_after_notice_spot, &m->jobs_finished_after_notice_capacity_reclaim,
	    &m->jobs_finished_after_notice_scale_in, &m->jobs_finished_after_notice_deployment};
	int64_t lost_us = 0;
	m->jobs_rerun = q ? q->retries : NAN;
	m->jobs_finished_after_notice = 0;
	for (int c = 0; c < QUEUE_CAUSES; c++) {
		if (q) {
			lost_us += q->lost_work_us[c];
			m->jobs_finished_after_notice += q->finished_after_notice[c];
		}
		if (c == QUEUE_CAUSE_NONE) /* the service always says why */
			continue;
		*lost[c - 1] = q ? (double)q->lost_work_us[c] / 3.6e9 : NAN;
		*rerun[c - 1] = q ? q->retries_by[c] : NAN;
		*late[c - 1] = q ? q->finished_after_notice[c] : NAN;
	}
	m->lost_work_hours = q ? (double)lost_us / 3.6e9 : NAN;
	if (!q)
		m->jobs_finished_after_notice = NAN;
}

static void fill_queue_metrics(struct rep *r, struct run_metrics *m)
{
	m->jobs_completed = m->mean_job_latency_s = m->p95_job_latency_s = NAN;
	m->max_backlog = NAN;
	if (!r->queue) {
		fill_queue_causes(NULL, m);
		return;
	}
	const struct queue_totals *q = queue_totals(r->queue);
	m->jobs_completed = q->jobs_completed;
	m->mean_job_latency_s =
	    q->jobs_completed > 0 ? q->job_latency_sum_s / q->jobs_completed : NAN;
	m->p95_job_latency_s = queue_latency_quantile(r->queue, 0.95);
	m->max_backlog = q->max_backlog;
	fill_queue_causes(q, m);
}

/* ---- Compute Savings Plan: AWS's hourly rule on each clock hour ---- */

void run_hours_release(struct run_hours *h)
{
	free(h->eligible_usd);
	free(h->other_usd);
	memset(h, 0, sizeof(*h));
}

/*
 * Bills the hour that ends now: the FARGATE vCPU and memory accrued since
 * the last hour's end go to the plan, the rest is noted beside it. Tasks
 * are billed per second, so a task's usage falls in the hours it ran; the
 * rounding up and the minimum charge fall in the hour it stops.
 */
static void plan_close_hour(struct rep *r)
{
	struct cost_items od;
	service_usage_accrued(r->svc, PROVIDER_FARGATE, &od);
	double eligible = od.vcpu + od.memory, total = service_cost_accrued(r->svc);
	double hours = simtime_seconds(engine_now(&r->e) - r->plan_hour_start) / 3600.0;
	double e = eligible - r->plan_eligible, other = total - r->plan_total - e;
	/* differences of running sums, never below 0 but for rounding: that is 0 */
	e = e < 0 && e > -PLAN_NOISE_USD ? 0 : e;
	other = other < 0 && other > -PLAN_NOISE_USD ? 0 : other;
	savings_plan_account_hour(&r->sp, e, hours);
	if (r->hours) {
		struct run_hours *h = r->hours;
		XALLOC_GROW(h->eligible_usd, h->n + 1, h->alloc);
		h->other_usd = xrealloc(h->other_usd, h->alloc * sizeof(*h->other_usd));
		h->eligible_usd[h->n] = e;
		if (h->n == 0)
			h->first_hours = hours;
		h->other_usd[h->n++] = other;
		h->last_hours = hours;
	}
	r->plan_eligible = eligible;
	r->plan_total = total;
	r->plan_hour_start = engine_now(&r->e);
}

static void on_plan_hour(struct engine *e, struct event *ev, void *ctx)
{
	struct rep *r = ctx;
	plan_close_hour(r);
	if (engine_now(e) + SIM_HOUR < r->sc->duration)
		engine_reschedule_after(e, ev, SIM_HOUR);
}

/*
 * When the first clock hour (UTC) after the start ends: AWS bills a Savings
 * Plan per clock hour, so a start at 00:30Z makes 00:30-01:00 the first
 * (partial) hour.
 */
static sim_time first_hour_end(const struct scenario *sc)
{
	int64_t into = ((sc->start_unix % 3600) + 3600) % 3600;
	return into ? (sim_time)(3600 - into) * SIM_SEC : SIM_HOUR;
}

static void plan_start(struct rep *r, struct run_hours *hours)
{
	const struct savings_plan_config *p = &r->sc->savings_plan;
	r->plan = p->enabled;
	if (!r->plan)
		return;
	savings_plan_account_init(&r->sp, p->commitment_usd_per_hour, p->discount);
	r->hours = hours;
	engine_on(&r->e, EV_PLAN_HOUR, on_plan_hour, r);
	if (first_hour_end(r->sc) < r->sc->duration)
		engine_at(&r->e, first_hour_end(r->sc), EV_PLAN_HOUR, NULL, 0);
}

/* After service_finish: the last (maybe partial) hour, then the plan's metrics. */
static void plan_finish(struct rep *r, struct run_metrics *m)
{
	double months = simtime_seconds(r->sc->duration) / (30.0 * 86400.0);

	m->savings_plan_cost_usd = m->cost_with_savings_plan_usd = NAN;
	m->savings_plan_utilization = m->savings_plan_coverage = NAN;
	m->monthly_cost_with_savings_plan_usd = NAN;
	if (!r->plan)
		return;
	if (engine_now(&r->e) > r->plan_hour_start)
		plan_close_hour(r);
	const struct sp_account *a = &r->sp;
	m->savings_plan_cost_usd = a->paid;
	m->cost_with_savings_plan_usd =
	    a->paid + a->on_demand_billed + (m->cost_usd - a->eligible_on_demand);
	m->savings_plan_utilization = savings_plan_utilization(a);
	m->savings_plan_coverage = savings_plan_coverage(a);
	m->monthly_cost_with_savings_plan_usd =
	    months > 0 ? m->cost_with_savings_plan_usd / months : NAN;
}

int replication_run(const struct scenario *sc, const struct price_table *prices, uint64_t index,
		    const struct run_sink *sink, struct run_metrics *out, struct diag *d)
{
	return replication_run_hours(sc, prices, index, sink, out, NULL, d);
}

int replication_run_hours(const struct scenario *sc, const struct price_table *prices,
			  uint64_t index, const struct run_sink *sink, struct run_metrics *out,
			  struct run_hours *hours, struct diag *d)
{
	struct price_rate store[PROVIDER_COUNT];
	const struct price_rate *rates[PROVIDER_COUNT];
	struct service_totals totals;
	struct rep r;
	int rc;

	resolve_rates(sc, prices, store, rates);
	if ((rc = check_rates(sc, rates, d)))
		return rc;
	setup(&r, sc, index, sink, rates);
	if (hours)
		run_hours_release(hours);
	plan_start(&r, hours);
	service_start(r.svc);
	if (r.queue)
		queue_start(r.queue);
	if (r.pr)
		per_request_start(r.pr);
	if (r.scaler)
		arm_scheduled(&r);
	start_ticks(&r);
	bool stopped = engine_run(&r.e, sc->duration);
	account(&r);
	service_finish(r.svc, &totals);
	fill_metrics(&r, &totals, rates, out);
	fill_queue_metrics(&r, out);
	fill_risk(sc, out);
	plan_finish(&r, out);
	fill_job_cost(out);
	out->scaling_activities =
	    r.scaler ? (double)(scaler_activities(r.scaler) - r.scale_ins_suspended) : 0;
	out->no_step_adjustment = r.scaler ? (double)scaler_no_step_adjustments(r.scaler) : 0;
	teardown(&r);
	return stopped && interrupted ? SPOTSIM_EINTR : 0;
}
