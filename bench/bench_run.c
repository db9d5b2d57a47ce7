/*
 * bench_run — CPU time of one 30-day replication (SPEC §8), and whether
 * memory grows with simulated time (it must not: outputs stream). Run by
 * `make bench`; not a test.
 *
 * Three services, each timed as the median of several replications in CPU
 * time of the calling thread:
 *   fixed     10 tasks on FARGATE_SPOT, constant 200 requests/s, Poisson
 *             Spot interruptions; no scaling, no sink (SPEC: <= 0.5 ms);
 *   tracking  diurnal 200-2,000 requests/s, CPU target tracking at 50 %
 *             between 2 and 50 tasks, base 2 on FARGATE then 1:3, Poisson
 *             interruptions; no sink (SPEC: <= 4 ms);
 *   busy      target tracking between 4 and 200 tasks, diurnal 800-5,000
 *             requests/s with noise, Poisson and wave interruptions,
 *             capacity shortages, every minute and event row to a sink
 *             (as replication 0 of a run writes timeseries.csv).
 * The first two are the scenarios of the SimPy peer benchmark. With
 * arguments NAME N it runs N replications of one of them only (for perf).
 */
#include "benchutil.h"
#include "spotsim/experiment/replication.h"
#include "spotsim/engine/rng.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>

#define MAX_REPS 64

static const char fixed_text[] =
    "{\"name\": \"fixed\", \"seed\": 1,"
    " \"start\": \"2026-01-05T00:00:00Z\","
    " \"taskDefinition\": {\"cpu\": \"1024\", \"memory\": \"2048\","
    "  \"containerDefinitions\": [{\"name\": \"api\", \"stopTimeout\": 120}]},"
    " \"service\": {\"desiredCount\": 10, \"capacityProviderStrategy\": ["
    "  {\"capacityProvider\": \"FARGATE_SPOT\", \"weight\": 1}]},"
    " \"startup\": {\"provisioning\": \"10s\", \"pull\": \"25s\", \"app_start\": \"5s\"},"
    " \"workload\": {\"type\": \"requests\", \"rate\": {\"kind\": \"constant\", \"rps\": 200},"
    "  \"service_time\": \"40ms\", \"concurrency_per_task\": 4, \"timeout\": \"10s\","
    "  \"cpu_idle_percent\": 3},"
    " \"spot\": {\"interruptions\": {\"model\": \"poisson\", \"monthly_fraction\": 0.10}}}";

static const char tracking_text[] =
    "{\"name\": \"tracking\", \"seed\": 1,"
    " \"start\": \"2026-01-05T00:00:00Z\","
    " \"taskDefinition\": {\"cpu\": \"1024\", \"memory\": \"2048\","
    "  \"containerDefinitions\": [{\"name\": \"api\", \"stopTimeout\": 120}]},"
    " \"service\": {\"desiredCount\": 8, \"capacityProviderStrategy\": ["
    "  {\"capacityProvider\": \"FARGATE\", \"base\": 2, \"weight\": 1},"
    "  {\"capacityProvider\": \"FARGATE_SPOT\", \"weight\": 3}]},"
    " \"scaling\": {\"MinCapacity\": 2, \"MaxCapacity\": 50, \"ScalingPolicies\": [{"
    "  \"PolicyName\": \"cpu50\", \"PolicyType\": \"TargetTrackingScaling\","
    "  \"TargetTrackingScalingPolicyConfiguration\": {\"TargetValue\": 50,"
    "  \"PredefinedMetricSpecification\": {\"PredefinedMetricType\":"
    "  \"ECSServiceAverageCPUUtilization\"}, \"ScaleOutCooldown\": 60,"
    "  \"ScaleInCooldown\": 300}}]},"
    " \"startup\": {\"provisioning\": \"10s\", \"pull\": \"25s\", \"app_start\": \"5s\"},"
    " \"workload\": {\"type\": \"requests\", \"rate\": {\"kind\": \"diurnal\", \"min_rps\": 200,"
    "  \"max_rps\": 2000, \"peak\": \"14:00\"}, \"service_time\": \"40ms\","
    "  \"concurrency_per_task\": 4, \"timeout\": \"10s\", \"cpu_idle_percent\": 3},"
    " \"spot\": {\"interruptions\": {\"model\": \"poisson\", \"monthly_fraction\": 0.10}}}";

static const char busy_text[] = "{\"name\": \"busy\", \"seed\": 1," BENCH_BUSY_SERVICE;

static long rows;
static void on_minute(void *ctx, const struct minute_row *r)
{
	(void)ctx;
	(void)r;
	rows++;
}
static void on_event(void *ctx, const struct event_row *r)
{
	(void)ctx;
	(void)r;
	rows++;
}

/* The quartiles of the last time_runs: the middle half of its replications' times. */
static double last_q1, last_q3;

/*
 * Median CPU time in ms of `reps` replications (indexes 0 .. reps - 1) of
 * the scenario `text` (a JSON object) with `duration`; rows go to a sink when `with_sink`.
 * `m` receives the metrics of the last one.
 */
static double time_runs(const char *text, const char *duration, int reps, bool with_sink,
			struct run_metrics *m)
{
	struct scenario sc;
	struct price_table t;
	struct diag d;
	double times[MAX_REPS];
	struct run_sink sink = {NULL, on_minute, on_event};
	char *full = xasprintf("{\"duration\": \"%s\", %s", duration, text + 1);

	bench_load(&sc, &t, full);
	free(full);
	diag_init(&d);
	for (int i = 0; i < reps && i < MAX_REPS; i++) {
		double t0 = bench_cpu_ms();
		replication_run(&sc, &t, (uint64_t)i, with_sink ? &sink : NULL, m, &d);
		times[i] = bench_cpu_ms() - t0;
	}
	qsort(times, (size_t)reps, sizeof(times[0]), bench_compare_double);
	last_q1 = times[reps / 4];
	last_q3 = times[reps * 3 / 4];
	scenario_release(&sc);
	pricing_release(&t);
	diag_release(&d);
	return times[reps / 2];
}

/* `bench_run NAME N`: N replications of one service only, for a profiler. */
static int profile(const char *name, int reps)
{
	struct run_metrics m;
	const char *text = !strcmp(name, "fixed")      ? fixed_text
			   : !strcmp(name, "tracking") ? tracking_text
			   : !strcmp(name, "busy")     ? busy_text
						       : NULL;
	if (!text || reps < 1 || reps > MAX_REPS) {
		fprintf(stderr, "usage: bench_run [fixed|tracking|busy N] (N 1 to %d)\n", MAX_REPS);
		return 2;
	}
	double ms = time_runs(text, "30d", reps, !strcmp(name, "busy"), &m);
	printf("%s: %.3f ms CPU (median of %d)\n", name, ms, reps);
	return 0;
}

int main(int argc, char **argv)
{
	struct run_metrics m;
	rng_global_init();
	if (argc == 3)
		return profile(argv[1], atoi(argv[2]));
	(void)time_runs(fixed_text, "30d", 3, false, &m); /* warm-up */
	double fixed = time_runs(fixed_text, "30d", 41, false, &m);
	printf("run: 30-day replication, fixed fleet of 10 Spot tasks, constant 200 rps, Poisson "
	       "interruptions, no scaling, no sink: %.3f ms CPU (median of 41; target 0.5), %.0f "
	       "interruptions\n",
	       fixed, m.interruptions);
	/* 64: a shared machine's slow spells last a fraction of a second */
	double tracking = time_runs(tracking_text, "30d", MAX_REPS, false, &m);
	printf("run: 30-day replication, diurnal 200-2000 rps, CPU target tracking (2-50 tasks), "
	       "Poisson interruptions, no sink: %.3f ms CPU (median of %d, middle half %.3f-%.3f; "
	       "target 4), %.0f scaling activities, %.0f interruptions\n",
	       tracking, MAX_REPS, last_q1, last_q3, m.scaling_activities, m.interruptions);
	double ms30 = time_runs(busy_text, "30d", 7, true, &m);
	long rss30 = bench_max_rss_kb();
	printf("run: 30-day replication, CPU target tracking (4-200 tasks), diurnal 800-5000 rps "
	       "with noise, Spot interruptions and shortages, minute and event rows to a sink: "
	       "%.1f ms CPU (median of 7), %.0f scaling activities, %.0f interruptions, %.0f tasks "
	       "launched\n",
	       ms30, m.scaling_activities, m.interruptions, m.tasks_launched);
	double ms180 = time_runs(busy_text, "180d", 3, true, &m);
	long rss180 = bench_max_rss_kb();
	printf("run: the same over 180 days %.1f ms CPU (%.2f x the 30-day time); peak memory %ld "
	       "KiB after 30-day runs, %ld KiB after 180-day runs\n",
	       ms180, ms180 / ms30, rss30, rss180);
	return 0;
}
