/*
 * bench_per_request — how many requests the per-request model simulates per
 * CPU second (README "Per-request mode"). Run by `make bench`; not a test.
 *
 *   module   the model alone on an engine: 300 requests/s for 2 hours to
 *            10 tasks of 4 slots (exponential 100 ms service, 75 % busy),
 *            once per routing, and once with lognormal service; the
 *            median of three;
 *   run      a whole replication with workload.model "per_request": one day
 *            of a diurnal 100-500 requests/s API under CPU target tracking
 *            with Spot interruptions, no sink, beside the same scenario in
 *            the analytic model; and a steady 100 requests/s for 1 day and
 *            for 5 days: CPU time in proportion, peak memory the same.
 *
 * CPU time of the calling thread.
 */
#include "benchutil.h"
#include "spotsim/experiment/replication.h"
#include "spotsim/model/per_request.h"
#include "spotsim/engine/rng.h"
#include "spotsim/util/strbuf.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>

#define REPS 3

/* ---- the model alone ---- */

static void constant_piece(void *ctx, sim_time t, struct per_request_piece *out)
{
	(void)ctx;
	(void)t;
	*out = (struct per_request_piece){SIM_TIME_MAX, 300, true};
}

/* Requests per CPU second of 2 hours at 300 requests/s; *requests gets the count. */
static double module_rate(enum per_request_routing routing, const char *service, double *requests)
{
	double rates[REPS];
	for (int rep = 0; rep < REPS; rep++) {
		struct engine e;
		struct per_request_config c = {DIST_INIT, 4, 10 * SIM_SEC, routing, 3, 20, 0.1};
		struct per_request_rate rate = {NULL, constant_piece, NULL};
		struct strbuf why = STRBUF_INIT;
		if (dist_parse(service, NULL, &c.service_time, &why)) {
			fprintf(stderr, "bench_per_request: %s\n", why.buf);
			exit(1);
		}
		engine_init(&e);
		double t0 = bench_cpu_seconds();
		struct per_request *p = per_request_new(&e, &c, &rate, 42, (uint64_t)rep);
		per_request_start(p);
		for (int id = 1; id <= 10; id++)
			per_request_task_running(p, id);
		engine_run(&e, 2 * SIM_HOUR);
		*requests = per_request_totals(p)->requests;
		rates[rep] = *requests / (bench_cpu_seconds() - t0);
		per_request_free(p);
		engine_release(&e);
		dist_release(&c.service_time);
		strbuf_release(&why);
	}
	return bench_median(rates, REPS);
}

/* ---- whole replications ---- */

static const char tracking_text[] =
    "{\"name\": \"per-request\", \"seed\": 1, \"start\": \"2026-01-05T00:00:00Z\","
    " \"taskDefinition\": {\"cpu\": \"1024\", \"memory\": \"2048\","
    "  \"containerDefinitions\": [{\"name\": \"api\", \"stopTimeout\": 120}]},"
    " \"service\": {\"desiredCount\": 4, \"capacityProviderStrategy\": ["
    "  {\"capacityProvider\": \"FARGATE\", \"base\": 2, \"weight\": 1},"
    "  {\"capacityProvider\": \"FARGATE_SPOT\", \"weight\": 3}]},"
    " \"scaling\": {\"MinCapacity\": 2, \"MaxCapacity\": 50, \"ScalingPolicies\": [{"
    "  \"PolicyName\": \"cpu50\", \"PolicyType\": \"TargetTrackingScaling\","
    "  \"TargetTrackingScalingPolicyConfiguration\": {\"TargetValue\": 50,"
    "  \"PredefinedMetricSpecification\": {\"PredefinedMetricType\":"
    "  \"ECSServiceAverageCPUUtilization\"}, \"ScaleOutCooldown\": 60,"
    "  \"ScaleInCooldown\": 300}}]},"
    " \"workload\": {\"type\": \"requests\", MODEL,"
    "  \"rate\": {\"kind\": \"diurnal\", \"min_rps\": 100,"
    "  \"max_rps\": 500}, \"service_time\": \"exponential(40ms)\", \"concurrency_per_task\": 4,"
    "  \"timeout\": \"10s\", \"cpu_idle_percent\": 3},"
    " \"spot\": {\"interruptions\": {\"model\": \"poisson\", \"monthly_fraction\": 0.5}}}";

static const char steady_text[] =
    "{\"name\": \"steady\", \"seed\": 1,"
    " \"taskDefinition\": {\"cpu\": \"1024\", \"memory\": \"2048\"},"
    " \"service\": {\"desiredCount\": 4, \"launchType\": \"FARGATE\"},"
    " \"workload\": {\"type\": \"requests\", \"model\": \"per_request\","
    "  \"rate\": {\"kind\": \"constant\", \"rps\": 100}, \"service_time\": \"100ms\","
    "  \"concurrency_per_task\": 4}}";

/* `text` for `duration`, its MODEL (if any) replaced by `model`. */
static void load(struct scenario *sc, struct price_table *t, const char *text, const char *model,
		 const char *duration)
{
	const char *at = strstr(text, "MODEL");
	char *full = at ? xasprintf("{\"duration\": \"%s\", %.*s%s%s", duration,
				    (int)(at - text - 1), text + 1, model, at + strlen("MODEL"))
			: xasprintf("{\"duration\": \"%s\", %s", duration, text + 1);
	bench_load(sc, t, full);
	free(full);
}

/* Median CPU seconds of `reps` replications; `m` gets the last one's metrics. */
static double time_runs(const char *text, const char *model, const char *duration, int reps,
			struct run_metrics *m)
{
	struct scenario sc;
	struct price_table t;
	struct diag d;
	double times[REPS];
	load(&sc, &t, text, model, duration);
	diag_init(&d);
	for (int i = 0; i < reps; i++) {
		double t0 = bench_cpu_seconds();
		replication_run(&sc, &t, (uint64_t)i, NULL, m, &d);
		times[i] = bench_cpu_seconds() - t0;
	}
	scenario_release(&sc);
	pricing_release(&t);
	diag_release(&d);
	return bench_median(times, reps);
}

int main(void)
{
	static const struct {
		enum per_request_routing routing;
		const char *service;
	} cases[] = {
	    {ROUTING_ROUND_ROBIN, "exponential(100ms)"},
	    {ROUTING_LEAST_OUTSTANDING, "exponential(100ms)"},
	    {ROUTING_RANDOM, "exponential(100ms)"},
	    {ROUTING_ROUND_ROBIN, "lognormal(60.65ms, 1)"},
	};
	struct run_metrics m;
	double requests;
	rng_global_init();
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		double rate = module_rate(cases[i].routing, cases[i].service, &requests);
		printf("per_request: module alone, 300 rps to 10 tasks x 4 slots, %s, %s service: "
		       "%.2f million requests per CPU second (%.0f requests)\n",
		       per_request_routing_name(cases[i].routing), cases[i].service, rate / 1e6,
		       requests);
	}
	double analytic = time_runs(tracking_text, "\"model\": \"analytic\"", "1d", REPS, &m);
	double exact = time_runs(
	    tracking_text, "\"model\": \"per_request\", \"routing\": \"round_robin\"", "1d", 1, &m);
	printf(
	    "per_request: 1-day replication, diurnal 100-500 rps, CPU target tracking, Spot "
	    "interruptions, no sink: %.3f s CPU for %.0f requests, %.2f million requests per CPU "
	    "second (analytic model: %.3f ms)\n",
	    exact, m.requests, m.requests / exact / 1e6, analytic * 1e3);
	double day = time_runs(steady_text, "", "1d", 1, &m);
	long rss1 = bench_max_rss_kb();
	double days = time_runs(steady_text, "", "5d", 1, &m);
	long rss5 = bench_max_rss_kb();
	printf("per_request: steady 100 rps on 4 tasks, 1 day %.2f s CPU, 5 days %.2f s CPU "
	       "(%.2f x); peak memory %ld KiB after the 1-day run, %ld KiB after the 5-day run\n",
	       day, days, days / day, rss1, rss5);
	return 0;
}
