/*
 * bench_workload — the request workload's share of a 30-day replication.
 *
 * A diurnal load (150 to 1,200 requests/s, peak 14:00, 10 % noise per minute,
 * 40 ms service, 4 workers per task) is accounted in 20-second intervals
 * for 30 days, as a sampled replication does: each interval calls
 * workload_advance with a serving count that follows the previous
 * interval's load (a stand-in for autoscaling; with the noise the rate is
 * new at every minute, so Erlang C is seldom remembered) and
 * workload_utilization (a metric sample); every minute workload_take_minute;
 * at the end the run's p95 and p99. Twice: without the minutes' p95 (no one
 * reads it: no minute rows, no p95 SLO) and with it (the minute rows of
 * replication 0), a root finding a minute. The serving count keeps the
 * load below capacity: the fluid model's backlog stays empty. Then, with
 * the minutes' p95, a fixed fleet of 9 tasks (900 requests/s) that the
 * peak overloads for hours every day, with the fluid model (a backlog that
 * fills, abandons and drains: pieces end where it empties or fills) and
 * with the steady-state model.
 *
 * Not a test: it prints two lines, in CPU time. `make bench` runs it.
 */
#include "benchutil.h"
#include "spotsim/engine/rng.h"
#include "spotsim/model/workload.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#define DAYS	 30
#define INTERVAL (20 * SIM_SEC)
#define ROUNDS	 5

/* One replication's worth of accounting; returns the run's p95 in seconds. */
static long fixed_fleet; /* > 0: this many tasks serve throughout */

static double replicate(const struct rate_shape *shape, const struct request_model *model,
			uint64_t rep, bool minute_p95, long *intervals)
{
	struct workload *w = workload_new(shape, model, 1767571200, 42, rep);
	struct workload_instant in;
	struct workload_minute m;
	double target = 0.6 * (double)model->concurrency / model->service_time_s;
	double cpu, mem;
	long n = 0;

	workload_keep_minute_latency(w, minute_p95);
	in.lambda = 0;
	for (sim_time t = 0; t < DAYS * SIM_DAY; t += INTERVAL, n++) {
		long serving = fixed_fleet ? fixed_fleet : (long)ceil(in.lambda / target);
		workload_advance(w, t, t + INTERVAL, serving > 0 ? serving : 1);
		workload_instant(w, &in);
		workload_utilization(w, &cpu, &mem);
		if ((t + INTERVAL) % SIM_MIN == 0)
			workload_take_minute(w, &m);
	}
	double p95 = workload_latency_quantile(w, 0.95);
	(void)workload_latency_quantile(w, 0.99);
	workload_free(w);
	*intervals = n;
	return p95;
}

/* Median CPU time of ROUNDS replications in ms; *p95 the run's p95 of the last. */
static double time_rounds(const struct rate_shape *shape, const struct request_model *model,
			  bool minute_p95, long *intervals, double *p95)
{
	double ms[ROUNDS];
	replicate(shape, model, 0, minute_p95, intervals); /* warm-up */
	for (int k = 0; k < ROUNDS; k++) {
		double t0 = bench_cpu_seconds();
		*p95 = replicate(shape, model, (uint64_t)k, minute_p95, intervals);
		ms[k] = (bench_cpu_seconds() - t0) * 1e3;
	}
	qsort(ms, ROUNDS, sizeof(ms[0]), bench_compare_double);
	return ms[ROUNDS / 2];
}

int main(void)
{
	struct rate_shape shape = {.kind = RATE_DIURNAL,
				   .min_rps = 150,
				   .max_rps = 1200,
				   .peak = 14 * SIM_HOUR,
				   .noise_sd = 0.1,
				   .noise_period = SIM_MIN};
	struct request_model model = {.service_time_s = 0.040,
				      .concurrency = 4,
				      .timeout_s = 10,
				      .cpu_idle_percent = 3,
				      .memory_base_percent = 20,
				      .memory_per_rps = 0.05};
	long intervals = 0;
	double p95 = 0;

	rng_global_init();
	for (int with = 0; with < 2; with++) {
		double ms = time_rounds(&shape, &model, with, &intervals, &p95);
		printf(
		    "workload: %d days of 20 s intervals (%ld advances + samples), %s: %.2f ms CPU "
		    "per replication (median of %d), %.0f ns per interval, run p95 %.1f ms\n",
		    DAYS, intervals, with ? "with each minute's p95" : "no minute p95", ms, ROUNDS,
		    ms * 1e6 / (double)intervals, p95 * 1e3);
	}
	fixed_fleet = 9;
	for (int steady = 0; steady < 2; steady++) {
		model.steady_state = steady;
		double ms = time_rounds(&shape, &model, true, &intervals, &p95);
		printf("workload: the same with each minute's p95, a fixed fleet of 9 tasks "
		       "overloaded "
		       "at each peak, %s model: %.2f ms CPU per replication, run p95 %.0f ms\n",
		       steady ? "steady_state" : "fluid", ms, p95 * 1e3);
	}
	return 0;
}
