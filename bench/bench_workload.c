/*
 * bench_workload — the request workload's share of a 30-day replication.
 *
 * A diurnal load (150 to 1,200 requests/s, peak 14:00, 10 % noise per minute,
 * 40 ms service, 4 workers per task) is accounted in 20-second intervals
 * for 30 days, as the model does between metric samples: each interval
 * calls workload_advance with a serving count that follows the previous
 * interval's load (a stand-in for autoscaling; Erlang C is recomputed every
 * time anyway, as the rate moves) and workload_instant (a metric sample);
 * every minute
 * workload_take_minute (with the minute's p95); at the end the run's p95
 * and p99.
 *
 * Not a test: it prints one line. `make bench` runs it; SPEC 8 wants a whole
 * 30-day replication in well under 100 ms, so this part should take a few.
 */
#include "spotsim/engine/rng.h"
#include "spotsim/model/workload.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#define DAYS	 30
#define INTERVAL (20 * SIM_SEC)
#define ROUNDS	 5

static double now_seconds(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static int compare_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return (x > y) - (x < y);
}

/* One replication's worth of accounting; returns the run's p95 in seconds. */
static double replicate(const struct rate_shape *shape, const struct request_model *model,
			uint64_t rep, long *intervals)
{
	struct workload *w = workload_new(shape, model, 1767571200, 42, rep);
	struct workload_instant in;
	struct workload_minute m;
	double target = 0.6 * (double)model->concurrency / model->service_time_s;
	long n = 0;

	in.lambda = 0;
	for (sim_time t = 0; t < DAYS * SIM_DAY; t += INTERVAL, n++) {
		long serving = (long)ceil(in.lambda / target);
		workload_advance(w, t, t + INTERVAL, serving > 0 ? serving : 1);
		workload_instant(w, &in);
		if ((t + INTERVAL) % SIM_MIN == 0)
			workload_take_minute(w, &m);
	}
	double p95 = workload_latency_quantile(w, 0.95);
	(void)workload_latency_quantile(w, 0.99);
	workload_free(w);
	*intervals = n;
	return p95;
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
	double ms[ROUNDS], p95 = 0;
	long intervals = 0;

	rng_global_init();
	replicate(&shape, &model, 0, &intervals); /* warm-up */
	for (int k = 0; k < ROUNDS; k++) {
		double t0 = now_seconds();
		p95 = replicate(&shape, &model, (uint64_t)k, &intervals);
		ms[k] = (now_seconds() - t0) * 1e3;
	}
	qsort(ms, ROUNDS, sizeof(ms[0]), compare_double);
	printf("workload: %d days of 20 s intervals (%ld advances + samples), %.1f ms per "
	       "replication (median of %d, best %.1f), %.0f ns per interval, run p95 %.1f ms\n",
	       DAYS, intervals, ms[ROUNDS / 2], ROUNDS, ms[0],
	       ms[ROUNDS / 2] * 1e6 / (double)intervals, p95 * 1e3);
	return 0;
}
