/*
 * End-to-end tests of the fluid request model (workload.model "fluid", the
 * default) against the per-request model, which simulates every request:
 * a load spike on a fixed fleet (backlog, abandonment, drain), and a steady
 * load below capacity (where fluid is the steady-state model exactly).
 * Seeds are fixed: the checks give the same answer on every run.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "testutil.h"

#include "spotsim/util/error.h"
#include "spotsim/experiment/replication.h"
#include "spotsim/engine/rng.h"
#include "spotsim/util/xalloc.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define REPS	    8  /* below capacity */
#define SPIKE_REPS  32 /* the spike's dropped fraction varies more */
#define MAX_MINUTES 240

struct run {
	struct scenario sc;
	struct price_table prices;
	struct run_metrics m;
	double p95_ms[MAX_MINUTES]; /* minute i ends at (i + 1) minutes */
	size_t nminutes;
};

static void on_minute(void *ctx, const struct minute_row *row)
{
	struct run *r = ctx;
	if (r->nminutes < MAX_MINUTES)
		r->p95_ms[r->nminutes++] = row->p95_ms;
}

/* A scenario's text before and after the model's name. */
struct text {
	const char *head, *tail;
};

/* Runs replication `rep` of the scenario text with the model named `model`. */
static void run_model(struct run *r, struct text text, const char *model, uint64_t rep)
{
	char *json = xasprintf("%s%s%s", text.head, model, text.tail);
	char *path = testutil_write_temp(json, ".json");
	struct diag d;
	diag_init(&d);
	pricing_init(&r->prices);
	r->nminutes = 0;
	int rc = scenario_load(&r->sc, path, &d);
	if (rc == 0)
		rc = pricing_load(&r->prices, "data/pricing.csv", &d);
	struct run_sink sink = {r, on_minute, NULL};
	if (rc == 0)
		rc = replication_run(&r->sc, &r->prices, rep, &sink, &r->m, &d);
	if (rc)
		diag_write(&d, stderr);
	assert_int_equal(rc, 0);
	diag_release(&d);
	scenario_release(&r->sc);
	pricing_release(&r->prices);
	unlink(path);
	free(path);
	free(json);
}

/* Mean and 99 % half width over n replications, REPS or SPIKE_REPS. */
static void mean_ci(const double *x, int n, double *mean, double *half)
{
	double sum = 0, ss = 0;
	for (int i = 0; i < n; i++)
		sum += x[i];
	*mean = sum / n;
	for (int i = 0; i < n; i++)
		ss += (x[i] - *mean) * (x[i] - *mean);
	double t = n == REPS ? 3.499 : 2.744; /* t quantile 0.995, 7 or 31 degrees of freedom */
	*half = t * sqrt(ss / (n - 1) / n);
}

#define FLEET                                                                                      \
	"\"taskDefinition\": {\"cpu\": \"1024\", \"memory\": \"2048\"}, "                          \
	"\"startup\": {\"provisioning\": \"0s\", \"pull\": \"0s\", \"app_start\": \"0s\"}, "       \
	"\"service\": {\"desiredCount\": 1, \"launchType\": \"FARGATE\"}, "

/*
 * 8 slots of 100 ms exponential service (80 requests/s), 60 requests/s
 * with a spike to 100/s from 1 h to 1 h 05, timeout 30 s, 2 hours. The
 * fluid backlog fills its cap of 2400 in 120 s, abandons 20/s for 180 s
 * and drains in 120 s after the spike.
 */
static const struct text spike_text = {
    "{\"duration\": \"2h\", \"seed\": 5, " FLEET
    "\"workload\": {\"type\": \"requests\", \"model\": \"",
    "\", \"rate\": {\"kind\": \"spikes\", \"base_rps\": 60, \"spikes\": [{\"at\": \"1h\", "
    "\"duration\": \"5m\", \"rps\": 100}]}, \"service_time\": \"exponential(100ms)\", "
    "\"concurrency_per_task\": 8, \"timeout\": \"30s\"}}"};

/* Minute 66 (1 h 05 to 1 h 06) drains the backlog: its p95 is far above minute 59's. */
static void assert_drains_after_spike(const struct run *r)
{
	assert_true(r->nminutes == 120);
	assert_true(r->p95_ms[65] > 10 * r->p95_ms[58]);
	assert_true(r->p95_ms[80] < 2 * r->p95_ms[58]); /* and it is gone 15 minutes later */
}

static void test_spike_matches_per_request(void **state)
{
	(void)state;
	struct run f, s, p;
	double drop[SPIKE_REPS], p95[SPIKE_REPS], dm, dh, pm, ph;
	run_model(&f, spike_text, "fluid", 0);
	run_model(&s, spike_text, "steady_state", 0);
	assert_drains_after_spike(&f);
	for (int i = 0; i < SPIKE_REPS; i++) {
		run_model(&p, spike_text, "per_request", (uint64_t)i);
		drop[i] = p.m.dropped_fraction;
		p95[i] = p.m.p95_latency_s;
		assert_drains_after_spike(&p);
	}
	mean_ci(drop, SPIKE_REPS, &dm, &dh);
	mean_ci(p95, SPIKE_REPS, &pm, &ph);
	printf("  dropped: per request %.5f +- %.5f, fluid %.5f, steady_state %.5f\n", dm, dh,
	       f.m.dropped_fraction, s.m.dropped_fraction);
	printf("  p95: per request %.3f +- %.3f s, fluid %.3f s, steady_state %.3f s\n", pm, ph,
	       f.m.p95_latency_s, s.m.p95_latency_s);
	assert_true(dh < 0.05 * dm && ph < 0.05 * pm); /* a tight estimate */
	assert_true(fabs(f.m.dropped_fraction - dm) <= 0.15 * dm);
	assert_true(fabs(f.m.p95_latency_s - pm) <= 0.15 * pm);
	/* the steady-state model misses both by more */
	assert_true(s.m.dropped_fraction > 1.4 * dm && s.m.p95_latency_s > 1.4 * pm);
}

/* 100 requests/s on 12 slots of 100 ms (10 erlangs), 2 hours. */
static const struct text steady_text = {
    "{\"duration\": \"2h\", \"seed\": 11, " FLEET
    "\"workload\": {\"type\": \"requests\", \"model\": \"",
    "\", \"rate\": {\"kind\": \"constant\", \"rps\": 100}, \"service_time\": "
    "\"exponential(100ms)\", \"concurrency_per_task\": 12, \"cpu_idle_percent\": 3}}"};

static void assert_in_ci(const char *what, const double *x, double fluid)
{
	double mean, half;
	mean_ci(x, REPS, &mean, &half);
	printf("  %s: per request %.5f +- %.5f, fluid %.5f\n", what, mean, half, fluid);
	assert_true(fabs(mean - fluid) <= half && half < 0.1 * fluid);
}

static void test_below_capacity_matches(void **state)
{
	(void)state;
	struct run f, s, p;
	double pw[REPS], wq[REPS], p95[REPS];
	run_model(&f, steady_text, "fluid", 0);
	run_model(&s, steady_text, "steady_state", 0);
	assert_true(f.m.p_wait == s.m.p_wait && f.m.mean_wait_s == s.m.mean_wait_s &&
		    f.m.p95_latency_s == s.m.p95_latency_s &&
		    f.m.dropped_fraction == s.m.dropped_fraction && f.m.requests == s.m.requests);
	assert_true(f.nminutes == 120 && s.nminutes == 120);
	assert_memory_equal(f.p95_ms, s.p95_ms, f.nminutes * sizeof(f.p95_ms[0]));
	for (int i = 0; i < REPS; i++) {
		run_model(&p, steady_text, "per_request", (uint64_t)i);
		pw[i] = p.m.p_wait;
		wq[i] = p.m.mean_wait_s;
		p95[i] = p.m.p95_latency_s;
	}
	assert_in_ci("P(wait)", pw, f.m.p_wait);
	assert_in_ci("mean wait", wq, f.m.mean_wait_s);
	assert_in_ci("p95 latency", p95, f.m.p95_latency_s);
}

int main(void)
{
	rng_global_init();
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_spike_matches_per_request),
	    cmocka_unit_test(test_below_capacity_matches),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
