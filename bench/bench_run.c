/*
 * bench_run — the time of one 30-day replication of a busy request service
 * (SPEC §8: well under 100 ms), and whether memory grows with simulated
 * time (it must not: outputs stream). Run by `make bench`; not a test.
 */
#include "spotsim/experiment/replication.h"
#include "spotsim/engine/rng.h"

#include <stdio.h>
#include <stdlib.h>
#include <sys/resource.h>
#include <time.h>

static const char scenario_text[] =
    "{\"name\": \"bench\", \"duration\": \"%s\", \"seed\": 1,"
    " \"taskDefinition\": {\"cpu\": \"1024\", \"memory\": \"2048\"},"
    " \"service\": {\"desiredCount\": 40, \"capacityProviderStrategy\": ["
    "  {\"capacityProvider\": \"FARGATE\", \"base\": 4, \"weight\": 1},"
    "  {\"capacityProvider\": \"FARGATE_SPOT\", \"weight\": 3}]},"
    " \"scaling\": {\"MinCapacity\": 4, \"MaxCapacity\": 200, \"ScalingPolicies\": [{"
    "  \"PolicyName\": \"cpu60\", \"PolicyType\": \"TargetTrackingScaling\","
    "  \"TargetTrackingScalingPolicyConfiguration\": {\"TargetValue\": 60,"
    "  \"PredefinedMetricSpecification\": {\"PredefinedMetricType\":"
    "  \"ECSServiceAverageCPUUtilization\"}, \"ScaleOutCooldown\": 60}}]},"
    " \"startup\": {\"provisioning\": \"lognormal(12s, 0.3)\", \"pull\": \"lognormal(25s, 0.4)\"},"
    " \"workload\": {\"type\": \"requests\", \"rate\": {\"kind\": \"diurnal\", \"min_rps\": 800,"
    "  \"max_rps\": 5000}, \"noise\": {\"sd\": 0.05}, \"service_time\": \"40ms\","
    "  \"concurrency_per_task\": 8},"
    " \"spot\": {\"interruptions\": [{\"model\": \"poisson\", \"monthly_fraction\": 0.3},"
    "  {\"model\": \"waves\", \"mean_interval\": \"3d\", \"fraction\": 0.25}],"
    "  \"capacity\": {\"model\": \"alternating\", \"mean_available\": \"3d\","
    "  \"mean_unavailable\": \"45m\"}}}";

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

static double now_s(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static long max_rss_kb(void)
{
	struct rusage ru;
	getrusage(RUSAGE_SELF, &ru);
	return ru.ru_maxrss;
}

/* Median wall time of `reps` replications of `duration`, in ms. */
static double time_runs(const char *duration, int reps, struct run_metrics *m)
{
	char path[] = "/tmp/spotsim-bench-XXXXXX.json";
	int fd = mkstemps(path, 5);
	FILE *f = fdopen(fd, "w");
	struct scenario sc;
	struct price_table t;
	struct diag d;
	double times[16];
	struct run_sink sink = {NULL, on_minute, on_event};

	fprintf(f, scenario_text, duration);
	fclose(f);
	diag_init(&d);
	pricing_init(&t);
	if (scenario_load(&sc, path, &d) || pricing_load(&t, "data/pricing.csv", &d)) {
		diag_write(&d, stderr);
		exit(1);
	}
	remove(path);
	for (int i = 0; i < reps; i++) {
		double t0 = now_s();
		replication_run(&sc, &t, (uint64_t)i, &sink, m, &d);
		times[i] = (now_s() - t0) * 1000;
	}
	for (int i = 1; i < reps; i++) /* insertion sort for the median */
		for (int j = i; j > 0 && times[j] < times[j - 1]; j--) {
			double x = times[j];
			times[j] = times[j - 1];
			times[j - 1] = x;
		}
	scenario_release(&sc);
	pricing_release(&t);
	diag_release(&d);
	return times[reps / 2];
}

int main(void)
{
	struct run_metrics m;
	rng_global_init();
	double ms30 = time_runs("30d", 7, &m);
	long rss30 = max_rss_kb();
	printf("run: 30-day replication, CPU target tracking (4-200 tasks), diurnal 800-5000 rps, "
	       "Spot interruptions and shortages: %.1f ms (median of 7), %.0f scaling activities, "
	       "%.0f interruptions, %.0f tasks launched\n",
	       ms30, m.scaling_activities, m.interruptions, m.tasks_launched);
	double ms180 = time_runs("180d", 3, &m);
	long rss180 = max_rss_kb();
	printf(
	    "run: 180-day replication %.1f ms (%.2f x the 30-day time); peak memory %ld KiB after "
	    "30-day runs, %ld KiB after 180-day runs\n",
	    ms180, ms180 / ms30, rss30, rss180);
	return 0;
}
