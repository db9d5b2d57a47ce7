#ifndef SPOTSIM_REPLICATION_H
#define SPOTSIM_REPLICATION_H
/*
 * replication — one simulated run of a scenario: the engine and the model
 * modules (service, tasks, spot, workload) wired together, from time 0 to the
 * scenario's duration.
 *
 * Results flow one way, out: while it runs, a replication hands one row per
 * simulated minute and one row per event to an optional sink (the report
 * module writes them as timeseries.csv and events.csv, streaming, so memory
 * does not grow with simulated time); at the end it fills struct
 * run_metrics. It never reads back what it wrote.
 *
 * Randomness comes only from the streams of (scenario seed, replication
 * index, component), so the same scenario, seed and replication index give
 * the same rows and metrics, byte for byte.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "spotsim/util/diag.h"
#include "spotsim/model/fargate.h"
#include "spotsim/model/pricing.h"
#include "spotsim/scenario/scenario.h"
#include "spotsim/engine/simtime.h"
#include "spotsim/model/event_log.h"

/* One row of timeseries.csv: the state at the end of a simulated minute. */
struct minute_row {
	sim_time t;	 /* end of the minute */
	double load_rps; /* mean arrival rate over the minute */
	long desired;
	long running[PROVIDER_COUNT]; /* RUNNING tasks by provider */
	long pending[PROVIDER_COUNT]; /* PROVISIONING + PENDING by provider */
	long draining;		      /* DEACTIVATING + STOPPING */
	double cpu_pct, mem_pct;      /* NAN when no task served */
	double dropped;		      /* requests dropped in the minute */
	double p95_ms;		      /* NAN when none served */
	double backlog;		      /* queue workloads; 0 for requests */
	double cost_usd_cum;	      /* cost accrued so far */
	bool spot_available;
};

/*
 * Where rows go; either function may be NULL. Leave `minute` NULL unless the
 * rows are wanted: a replication that writes no minute rows and has no
 * scaling policy to sample for does work in proportion to its changes of
 * state, not to its minutes, and skips the minutes' p95 unless an SLO on
 * the p95 needs it. The metrics are the same, to the bit, either way.
 */
struct run_sink {
	void *ctx;
	void (*minute)(void *ctx, const struct minute_row *row);
	void (*event)(void *ctx, const struct event_row *row);
};

/* The metrics of SPEC §6 that a replication produces. NAN = does not apply. */
struct run_metrics {
	double cost_usd, cost_fargate_usd, cost_spot_usd;
	double cost_per_million_requests_usd;
	double savings_vs_on_demand_pct; /* against the same billed time all on FARGATE */
	double task_hours_fargate, task_hours_spot;
	double interruptions, tasks_launched, placement_failures, scaling_activities;
	double capacity_reclaims;  /* of the interruptions, those a Spot capacity shortage caused */
	double no_step_adjustment; /* minutes a step policy found no step (NO_STEP_ADJUSTMENT) */
	double requests, dropped_fraction, p_wait, mean_wait_s, p95_latency_s, p99_latency_s;
	double slo_violation_minutes, availability, mean_running_tasks;
	/* rolling deployments (README "Deployments"): the others NAN when there is none */
	double deployments, deployment_seconds, deployment_extra_cost_usd, deployment_min_serving;
	double deployment_slo_minutes;
	/* queue workers; NAN for request services */
	double jobs_completed, mean_job_latency_s, p95_job_latency_s, lost_work_hours, max_backlog;
	/*
	 * by the cause their task was stopped for (README "Queue workers"); the
	 * four lost_work_hours_* add up to lost_work_hours, jobs_rerun_* to
	 * jobs_rerun (interrupted attempts), and the same for jobs finished
	 * between the stop's notice and STOPPED
	 */
	double lost_work_hours_spot, lost_work_hours_capacity_reclaim, lost_work_hours_scale_in;
	double lost_work_hours_deployment;
	double jobs_rerun, jobs_rerun_spot, jobs_rerun_capacity_reclaim, jobs_rerun_scale_in;
	double jobs_rerun_deployment;
	double jobs_finished_after_notice, jobs_finished_after_notice_spot;
	double jobs_finished_after_notice_capacity_reclaim, jobs_finished_after_notice_scale_in;
	double jobs_finished_after_notice_deployment;
	/* risk: the cost scaled to a 30-day month; 1/0 indicators, NAN when no budget / SLO is set */
	double monthly_cost_usd, over_budget, slo_breach;
	/*
	 * seconds with no task RUNNING (zero healthy targets) after the first
	 * task ran; tasks launched per simulated hour; vCPU x billed seconds
	 * (the 60 s minimum included) / 3600, in total and by provider
	 */
	double outage_seconds, tasks_launched_per_hour;
	double billed_vcpu_hours, billed_vcpu_hours_fargate, billed_vcpu_hours_spot;
	/*
	 * Compute Savings Plan (README "Compute Savings Plans"), all NAN without
	 * pricing.savings_plan: the commitment paid, used or not; the total with
	 * the plan (the commitment, FARGATE usage beyond it at On-Demand rates,
	 * FARGATE_SPOT and what the plan does not cover); the share of the
	 * commitment spent; the share of eligible On-Demand spend covered
	 */
	double savings_plan_cost_usd, cost_with_savings_plan_usd, savings_plan_utilization;
	double savings_plan_coverage;
	/* queue workers: cost_usd per 1,000 jobs_completed; NAN otherwise */
	double cost_per_thousand_jobs_usd;
	/*
	 * cost_with_savings_plan_usd scaled to a 30-day month as
	 * monthly_cost_usd is; NAN without pricing.savings_plan
	 */
	double monthly_cost_with_savings_plan_usd;
};

/* Name, unit and place of each metric, in column order; terminated by {NULL}. */
struct metric_def {
	const char *name;
	const char *unit;
	size_t offset;	   /* of the double in struct run_metrics */
	bool signed_value; /* may be below 0 (a saving, an extra cost); else >= 0 by its unit */
};
extern const struct metric_def run_metric_defs[];

/* The value of metric `m` in `r`. */
double run_metric_value(const struct run_metrics *r, const struct metric_def *m);

/*
 * Runs replication `index` of `sc` with the rates of `prices` (after the
 * scenario's overrides). `sink` may be NULL. Returns 0, or a negative
 * SPOTSIM_* code after adding a diagnostic to `d` (for example a trace file
 * that cannot be read, or prices missing for a provider).
 */
int replication_run(const struct scenario *sc, const struct price_table *prices, uint64_t index,
		    const struct run_sink *sink, struct run_metrics *out, struct diag *d);

/*
 * The clock hours of a run with a Savings Plan, for hourly_usage.csv and
 * `spotsim plan-commitment`: UTC hours, as AWS bills a plan. Hour 0 runs
 * from the start to the first full hour of UTC (a start at 00:30Z: 30
 * minutes, `first_hours` long), the next ones an hour each, the last to the
 * end of the run (maybe shorter, `last_hours` long; with one hour, both are
 * its length).
 */
struct run_hours {
	double *eligible_usd; /* [h] FARGATE vCPU and memory at On-Demand rates (owned) */
	double *other_usd;    /* [h] all the rest: FARGATE_SPOT, storage, OS licence (owned) */
	size_t n, alloc;
	double first_hours; /* length of hour 0 in hours, (0, 1] */
	double last_hours;  /* length of hour n-1 in hours, (0, 1] */
};

void run_hours_release(struct run_hours *h);

/*
 * replication_run that also fills `hours` (emptied first) when the scenario
 * has a Savings Plan; `hours` may be NULL.
 */
int replication_run_hours(const struct scenario *sc, const struct price_table *prices,
			  uint64_t index, const struct run_sink *sink, struct run_metrics *out,
			  struct run_hours *hours, struct diag *d);

/*
 * Asks every running replication to stop at its next event (async-signal
 * safe: sets a flag). replication_run then returns SPOTSIM_EINTR.
 */
void replication_interrupt(void);

#endif
