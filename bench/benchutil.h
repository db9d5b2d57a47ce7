#ifndef SPOTSIM_BENCHUTIL_H
#define SPOTSIM_BENCHUTIL_H
/*
 * benchutil — what every benchmark in bench/ measures with: CPU time of the
 * process (never wall time: the machines are shared), the median of repeated
 * rounds, peak memory, and the busy service several benchmarks run.
 */
#include "spotsim/model/pricing.h"
#include "spotsim/scenario/scenario.h"
#include "spotsim/util/diag.h"
#include "spotsim/util/xalloc.h"

#include <stdio.h>
#include <stdlib.h>
#include <sys/resource.h>
#include <time.h>
#include <unistd.h>

/* CPU seconds used by the process so far (the benchmarks run on one thread). */
static inline double bench_cpu_seconds(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static inline double bench_cpu_ms(void)
{
	return bench_cpu_seconds() * 1e3;
}

/* Peak resident memory of the process, in KiB. */
static inline long bench_max_rss_kb(void)
{
	struct rusage ru;
	getrusage(RUSAGE_SELF, &ru);
	return ru.ru_maxrss;
}

static inline int bench_compare_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return (x > y) - (x < y);
}

/* The median of x[0..n) (sorts x in place). */
static inline double bench_median(double *x, int n)
{
	qsort(x, (size_t)n, sizeof(*x), bench_compare_double);
	return x[n / 2];
}

/*
 * Loads the scenario `text` through a temporary file (spotsim reads
 * scenarios from files) and the prices of data/pricing.csv; a problem is
 * printed and the benchmark exits 1.
 */
static inline void bench_load(struct scenario *sc, struct price_table *t, const char *text)
{
	char path[] = "/tmp/spotsim-bench-XXXXXX.json";
	int fd = mkstemps(path, 5);
	FILE *f = fd >= 0 ? fdopen(fd, "w") : NULL;
	struct diag d;

	if (!f) {
		fprintf(stderr, "bench: cannot write a temporary scenario\n");
		exit(1);
	}
	fputs(text, f);
	fclose(f);
	diag_init(&d);
	pricing_init(t);
	if (scenario_load(sc, path, &d) || pricing_load(t, "data/pricing.csv", &d)) {
		diag_write(&d, stderr);
		remove(path);
		exit(1);
	}
	remove(path);
	diag_release(&d);
}

/*
 * The busy service: CPU target tracking between 4 and 200 tasks, diurnal
 * 800-5,000 requests/s with noise, Poisson and wave interruptions, and
 * capacity shortages. Callers add "duration" where they need one.
 */
#define BENCH_BUSY_SERVICE                                                                         \
	" \"taskDefinition\": {\"cpu\": \"1024\", \"memory\": \"2048\"},"                          \
	" \"service\": {\"desiredCount\": 40, \"capacityProviderStrategy\": ["                     \
	"  {\"capacityProvider\": \"FARGATE\", \"base\": 4, \"weight\": 1},"                       \
	"  {\"capacityProvider\": \"FARGATE_SPOT\", \"weight\": 3}]},"                             \
	" \"scaling\": {\"MinCapacity\": 4, \"MaxCapacity\": 200, \"ScalingPolicies\": [{"         \
	"  \"PolicyName\": \"cpu60\", \"PolicyType\": \"TargetTrackingScaling\","                  \
	"  \"TargetTrackingScalingPolicyConfiguration\": {\"TargetValue\": 60,"                    \
	"  \"PredefinedMetricSpecification\": {\"PredefinedMetricType\":"                          \
	"  \"ECSServiceAverageCPUUtilization\"}, \"ScaleOutCooldown\": 60}}]},"                    \
	" \"startup\": {\"provisioning\": \"lognormal(12s, 0.3)\", \"pull\": \"lognormal(25s, "    \
	"0.4)\"},"                                                                                 \
	" \"workload\": {\"type\": \"requests\", \"rate\": {\"kind\": \"diurnal\", \"min_rps\": "  \
	"800,"                                                                                     \
	"  \"max_rps\": 5000}, \"noise\": {\"sd\": 0.05}, \"service_time\": \"40ms\","             \
	"  \"concurrency_per_task\": 8},"                                                          \
	" \"spot\": {\"interruptions\": [{\"model\": \"poisson\", \"monthly_fraction\": 0.3},"     \
	"  {\"model\": \"waves\", \"mean_interval\": \"3d\", \"fraction\": 0.25}],"                \
	"  \"capacity\": {\"model\": \"alternating\", \"mean_available\": \"3d\","                 \
	"  \"mean_unavailable\": \"45m\"}}}"

#endif
