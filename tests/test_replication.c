/*
 * Tests for one replication end to end: billing, the queueing model against
 * Erlang C, Spot interruptions and capacity, fallback, determinism.
 * Scenarios are written to temporary files so each test states its model.
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

/* ---- what the sink saw ---- */

#define MAX_EVENTS  200000
#define MAX_MINUTES 20000

struct seen_event {
	double t;
	char event[32];
	int64_t task;
	char provider[16];
	char detail[96];
};

struct seen {
	struct seen_event *events;
	size_t nevents;
	struct minute_row *minutes;
	size_t nminutes;
	uint64_t hash; /* of every row, for determinism */
};

static void hash_bytes(struct seen *s, const void *p, size_t n)
{
	const unsigned char *b = p;
	for (size_t i = 0; i < n; i++)
		s->hash = (s->hash ^ b[i]) * 1099511628211ULL;
}

static void on_event(void *ctx, const struct event_row *row)
{
	struct seen *s = ctx;
	hash_bytes(s, &row->t, sizeof(row->t));
	hash_bytes(s, row->event, strlen(row->event));
	hash_bytes(s, row->detail, strlen(row->detail));
	if (s->nevents == MAX_EVENTS)
		return;
	struct seen_event *e = &s->events[s->nevents++];
	e->t = (double)row->t / 1e6;
	snprintf(e->event, sizeof(e->event), "%s", row->event);
	e->task = row->task_id;
	snprintf(e->provider, sizeof(e->provider), "%s", row->provider);
	snprintf(e->detail, sizeof(e->detail), "%s", row->detail);
}

static void on_minute(void *ctx, const struct minute_row *row)
{
	struct seen *s = ctx;
	/* field by field: the struct's padding bytes are not part of the row */
	double v[] = {(double)row->t,
		      row->load_rps,
		      (double)row->desired,
		      (double)row->running[0],
		      (double)row->running[1],
		      (double)row->pending[0],
		      (double)row->pending[1],
		      (double)row->draining,
		      row->cpu_pct,
		      row->mem_pct,
		      row->dropped,
		      row->p95_ms,
		      row->cost_usd_cum,
		      (double)row->spot_available};
	hash_bytes(s, v, sizeof(v));
	if (s->nminutes < MAX_MINUTES)
		s->minutes[s->nminutes++] = *row;
}

static void seen_init(struct seen *s)
{
	s->events = xcalloc(MAX_EVENTS, sizeof(*s->events));
	s->minutes = xcalloc(MAX_MINUTES, sizeof(*s->minutes));
	s->nevents = s->nminutes = 0;
	s->hash = 1469598103934665603ULL;
}

static void seen_release(struct seen *s)
{
	free(s->events);
	free(s->minutes);
}

/* ---- running a scenario text ---- */

struct run {
	struct scenario sc;
	struct price_table prices;
	struct run_metrics m;
	struct seen seen;
};

static void run_file(struct run *r, const char *path, uint64_t replication)
{
	struct diag d;
	diag_init(&d);
	pricing_init(&r->prices);
	seen_init(&r->seen);
	int rc = scenario_load(&r->sc, path, &d);
	if (rc == 0)
		rc = pricing_load(&r->prices, "data/pricing.csv", &d);
	struct run_sink sink = {&r->seen, on_minute, on_event};
	if (rc == 0)
		rc = replication_run(&r->sc, &r->prices, replication, &sink, &r->m, &d);
	if (rc)
		diag_write(&d, stderr);
	assert_int_equal(rc, 0);
	diag_release(&d);
}

static void run_text(struct run *r, const char *json, uint64_t replication)
{
	char *path = testutil_write_temp(json, ".json");
	run_file(r, path, replication);
	unlink(path);
	free(path);
}

static void run_release(struct run *r)
{
	scenario_release(&r->sc);
	pricing_release(&r->prices);
	seen_release(&r->seen);
}

static long count_events(const struct run *r, const char *name)
{
	long n = 0;
	for (size_t i = 0; i < r->seen.nevents; i++)
		n += !strcmp(r->seen.events[i].event, name);
	return n;
}

#define TASK_1VCPU_2GB "\"taskDefinition\": {\"cpu\": \"1024\", \"memory\": \"2048\"}, "
#define INSTANT	       "\"startup\": {\"provisioning\": \"0s\", \"pull\": \"0s\", \"app_start\": \"0s\"}, "

/* ---- billing ---- */

/*
 * The run's cost equals the sum over BILLED rows of billed seconds x the
 * hourly rates copied here by hand from data/pricing.csv (us-east-1, Linux
 * x86): FARGATE 0.0404784 /vCPU-h + 0.004446 /GB-h, Spot 0.01264355 +
 * 0.00138835; a 1 vCPU / 2 GB task.
 */
static void test_cost_conservation(void **state)
{
	(void)state;
	struct run r;
	run_text(&r,
		 "{\"duration\": \"7d\", \"seed\": 5, " TASK_1VCPU_2GB
		 "\"service\": {\"desiredCount\": 6, \"capacityProviderStrategy\": ["
		 "{\"capacityProvider\": \"FARGATE\", \"base\": 1, \"weight\": 1},"
		 "{\"capacityProvider\": \"FARGATE_SPOT\", \"weight\": 2}]},"
		 "\"spot\": {\"interruptions\": {\"model\": \"poisson\", \"monthly_fraction\": "
		 "0.9}, \"capacity\": {\"model\": \"alternating\", \"mean_available\": \"1d\", "
		 "\"mean_unavailable\": \"1h\"}}}",
		 0);
	const double fargate = 0.0404784 + 2 * 0.004446, spot = 0.01264355 + 2 * 0.00138835;
	double sum = 0, seconds = 0;
	for (size_t i = 0; i < r.seen.nevents; i++) {
		const struct seen_event *e = &r.seen.events[i];
		long long billed;
		if (strcmp(e->event, "BILLED"))
			continue;
		assert_int_equal(sscanf(e->detail, "billed_seconds=%lld", &billed), 1);
		assert_true(billed >= 60); /* the Linux minimum */
		sum += (double)billed / 3600.0 * (!strcmp(e->provider, "FARGATE") ? fargate : spot);
		seconds += (double)billed;
	}
	assert_true(r.m.interruptions > 0);
	assert_true(count_events(&r, "BILLED") > 6);
	assert_true(fabs(sum - r.m.cost_usd) <= 1e-9 * r.m.cost_usd);
	assert_true(fabs(seconds / 3600.0 - r.m.task_hours_fargate - r.m.task_hours_spot) < 1e-6);
	/* the running total of the last minute is the cost before end-of-run rounding */
	double cum = r.seen.minutes[r.seen.nminutes - 1].cost_usd_cum;
	assert_true(fabs(cum - r.m.cost_usd) < 0.001 * r.m.cost_usd);
	run_release(&r);
}

/* ---- the queueing model against the analytic Erlang C ---- */

static double erlang_c(int c, double a)
{
	double term = 1, sum = 1; /* sum_{k<c} a^k/k! */
	for (int k = 1; k < c; k++) {
		term *= a / k;
		sum += term;
	}
	double last = term * a / c * c / (c - a);
	return last / (sum + last);
}

/* 10 erlangs on 12 servers: 250 requests/s, 40 ms, 4 tasks x 3 workers. */
static void test_erlang_c_agreement(void **state)
{
	(void)state;
	struct run r;
	run_text(&r,
		 "{\"duration\": \"1d\", " TASK_1VCPU_2GB INSTANT
		 "\"service\": {\"desiredCount\": 4, \"launchType\": \"FARGATE\"},"
		 "\"workload\": {\"type\": \"requests\", \"rate\": {\"kind\": \"constant\", "
		 "\"rps\": 250}, \"service_time\": \"40ms\", \"concurrency_per_task\": 3}}",
		 0);
	double c = erlang_c(12, 10.0);
	assert_true(fabs(c - 0.449388) < 1e-6);
	assert_true(fabs(r.m.p_wait - c) <= 1e-6 * c);
	double wq = c / (12 * 25.0 - 250.0);
	assert_true(fabs(r.m.mean_wait_s - wq) <= 1e-6 * wq);
	assert_true(r.m.dropped_fraction == 0);
	/* p95 of the response time: P(T > t) = 0.05, solved here by bisection */
	double lo = 0, hi = 10, gamma = 50, mu = 25;
	for (int i = 0; i < 200; i++) {
		double t = (lo + hi) / 2;
		double k = c * mu / (gamma - mu);
		double tail = (1 + k) * exp(-mu * t) - k * exp(-gamma * t);
		if (tail > 0.05)
			lo = t;
		else
			hi = t;
	}
	assert_true(fabs(r.m.p95_latency_s - lo) <= 1e-6 * lo);
	assert_true(fabs(r.m.availability - 1.0) < 1e-12);
	run_release(&r);
}

/* ---- Spot interruptions ---- */

/* monthly_fraction 0.10: about 10 % of Spot tasks are interrupted within 30 days. */
static void test_monthly_fraction(void **state)
{
	(void)state;
	struct run r;
	run_text(&r,
		 "{\"duration\": \"30d\", \"seed\": 9, " TASK_1VCPU_2GB INSTANT
		 "\"service\": {\"desiredCount\": 200, \"capacityProviderStrategy\": ["
		 "{\"capacityProvider\": \"FARGATE_SPOT\", \"weight\": 1}]},"
		 "\"spot\": {\"interruptions\": {\"model\": \"poisson\", "
		 "\"monthly_fraction\": 0.10}}}",
		 0);
	long first = 0;
	for (size_t i = 0; i < r.seen.nevents; i++)
		first += !strcmp(r.seen.events[i].event, "SPOT_INTERRUPTION") &&
			 r.seen.events[i].task <= 200;
	/* Binomial(200, 0.10): 99 % of outcomes lie in [9, 31] */
	print_message("first-generation tasks interrupted: %ld of 200\n", first);
	assert_true(first >= 9 && first <= 31);
	run_release(&r);
}

/* Over a year the count matches its Poisson expectation within a 99 % interval. */
static void test_poisson_count(void **state)
{
	(void)state;
	struct run r;
	run_text(&r,
		 "{\"duration\": \"365d\", \"seed\": 21, " TASK_1VCPU_2GB INSTANT
		 "\"service\": {\"desiredCount\": 100, \"capacityProviderStrategy\": ["
		 "{\"capacityProvider\": \"FARGATE_SPOT\", \"weight\": 1}]},"
		 "\"spot\": {\"interruptions\": {\"model\": \"poisson\", "
		 "\"monthly_fraction\": 0.10}}}",
		 0);
	double expect = 100 * (-log(0.9) / 720.0) * 365 * 24; /* 128.2 */
	double sd = sqrt(expect);
	print_message("interruptions: %.0f, expected %.1f\n", r.m.interruptions, expect);
	assert_true(fabs(r.m.interruptions - expect) <= 2.576 * sd);
	run_release(&r);
}

/* ---- Spot capacity ---- */

#define MIX_6                                                                                      \
	"\"service\": {\"desiredCount\": 6, \"capacityProviderStrategy\": ["                       \
	"{\"capacityProvider\": \"FARGATE\", \"base\": 2, \"weight\": 1},"                         \
	"{\"capacityProvider\": \"FARGATE_SPOT\", \"weight\": 3}]},"
#define NEVER                                                                                      \
	"\"capacity\": {\"model\": \"alternating\", \"mean_available\": 0, "                       \
	"\"mean_unavailable\": \"1h\"}"

static const struct minute_row *last_minute(const struct run *r)
{
	return &r->seen.minutes[r->seen.nminutes - 1];
}

/* Never any Spot capacity: the Spot share never runs and costs nothing. */
static void test_spot_never_available(void **state)
{
	(void)state;
	struct run r;
	run_text(&r, "{\"duration\": \"1d\", " TASK_1VCPU_2GB MIX_6 "\"spot\": {" NEVER "}}", 0);
	const struct minute_row *m = last_minute(&r);
	assert_int_equal(m->running[PROVIDER_FARGATE], 3);
	assert_int_equal(m->running[PROVIDER_FARGATE_SPOT], 0);
	assert_int_equal(m->pending[PROVIDER_FARGATE_SPOT], 3);
	assert_false(m->spot_available);
	assert_true(r.m.cost_spot_usd == 0);
	assert_true(r.m.task_hours_spot == 0);
	assert_true(r.m.cost_fargate_usd > 0);
	assert_true(r.m.placement_failures > 3);
	assert_int_equal((long)r.m.tasks_launched, 3);
	run_release(&r);
}

/* With the fallback, the shortfall runs on FARGATE after the delay. */
static void test_fallback_runs_on_fargate(void **state)
{
	(void)state;
	struct run r;
	run_text(&r,
		 "{\"duration\": \"1d\", " TASK_1VCPU_2GB MIX_6 "\"spot\": {" NEVER
		 ", \"fallback\": {\"after\": \"2m\", \"to\": \"FARGATE\"}}}",
		 0);
	const struct minute_row *m = last_minute(&r);
	assert_int_equal(m->running[PROVIDER_FARGATE], 6);
	assert_int_equal(m->running[PROVIDER_FARGATE_SPOT], 0);
	assert_int_equal(count_events(&r, "FALLBACK"), 3);
	for (size_t i = 0; i < r.seen.nevents; i++)
		if (!strcmp(r.seen.events[i].event, "FALLBACK"))
			assert_true(fabs(r.seen.events[i].t - 120.0) < 1e-6);
	assert_true(r.m.cost_spot_usd == 0);
	run_release(&r);
}

/* ... and returns to Spot once capacity is back for revert_after. */
static void test_fallback_returns_to_spot(void **state)
{
	(void)state;
	struct run r;
	char *csv = testutil_write_temp("start,end\n0,2h\n", ".csv");
	char *json = xasprintf(
	    "{\"duration\": \"6h\", " TASK_1VCPU_2GB MIX_6
	    "\"spot\": {\"capacity\": {\"model\": \"trace\", \"file\": \"%s\"}, "
	    "\"fallback\": {\"after\": \"2m\", \"to\": \"FARGATE\", \"revert_after\": \"10m\"}}}",
	    csv);
	run_text(&r, json, 0);
	/* at 1h the shortfall runs on FARGATE */
	const struct minute_row *at1h = &r.seen.minutes[59];
	assert_int_equal(at1h->t, SIM_HOUR);
	assert_int_equal(at1h->running[PROVIDER_FARGATE], 6);
	/* at the end Spot runs its share again and the fallback tasks are gone */
	const struct minute_row *m = last_minute(&r);
	assert_int_equal(m->running[PROVIDER_FARGATE], 3);
	assert_int_equal(m->running[PROVIDER_FARGATE_SPOT], 3);
	assert_int_equal(count_events(&r, "FALLBACK_REVERT"), 3);
	assert_true(r.m.cost_spot_usd > 0);
	unlink(csv);
	free(csv);
	free(json);
	run_release(&r);
}

/*
 * An interruption at the same instant as capacity disappears: the
 * replacement waits. With reclaim_running 0 the shortage takes no running
 * task, so one of the two runs through it; by default (1) it takes both.
 */
static double interruption_as_capacity_goes(const char *reclaim, long running_at_2h30)
{
	struct run r;
	char *csv = testutil_write_temp("start,end\n2h,3h\n", ".csv");
	char *json =
	    xasprintf("{\"duration\": \"4h\", " TASK_1VCPU_2GB INSTANT
		      "\"service\": {\"desiredCount\": 2, \"capacityProviderStrategy\": "
		      "[{\"capacityProvider\": \"FARGATE_SPOT\", \"weight\": 1}]},"
		      "\"spot\": {\"capacity\": {\"model\": \"trace\", \"file\": \"%s\"%s}, "
		      "\"interruptions\": {\"model\": \"scripted\", \"at\": [\"2h\"]}}}",
		      csv, reclaim);
	run_text(&r, json, 0);
	bool failed_at_2h = false;
	for (size_t i = 0; i < r.seen.nevents; i++)
		if (!strcmp(r.seen.events[i].event, "PLACEMENT_FAILURE") &&
		    fabs(r.seen.events[i].t - 7200) < 1e-6)
			failed_at_2h = true;
	assert_true(failed_at_2h);
	assert_int_equal(r.seen.minutes[150 - 1].running[PROVIDER_FARGATE_SPOT], /* 2h30 */
			 running_at_2h30);
	assert_int_equal(last_minute(&r)->running[PROVIDER_FARGATE_SPOT], 2);
	double availability = r.m.availability;
	unlink(csv);
	free(csv);
	free(json);
	run_release(&r);
	return availability;
}

static void test_interruption_as_capacity_goes(void **state)
{
	(void)state;
	double reclaimed = interruption_as_capacity_goes("", 0);
	double sailed = interruption_as_capacity_goes(", \"reclaim_running\": 0", 1);
	/*
	 * Availability follows: reclaiming both tasks leaves no task serving
	 * from their stop until capacity returns at 3h (about an hour of 4h),
	 * while the task that sails through keeps the service up.
	 */
	assert_true(sailed > 0.99);
	assert_true(reclaimed < 0.80 && reclaimed > 0.70);
}

/* A service with one Spot task is down from the notice until the replacement runs. */
static void test_single_spot_task_down(void **state)
{
	(void)state;
	struct run r;
	run_text(&r,
		 "{\"duration\": \"2h\", " TASK_1VCPU_2GB
		 "\"startup\": {\"provisioning\": \"10s\", \"pull\": \"20s\", \"app_start\": "
		 "\"5s\"},"
		 "\"service\": {\"desiredCount\": 1, \"capacityProviderStrategy\": ["
		 "{\"capacityProvider\": \"FARGATE_SPOT\", \"weight\": 1}]},"
		 "\"workload\": {\"type\": \"requests\", \"rate\": {\"kind\": \"constant\", "
		 "\"rps\": 10}, \"service_time\": \"10ms\", \"concurrency_per_task\": 4},"
		 "\"spot\": {\"interruptions\": {\"model\": \"scripted\", \"at\": [\"1h\"]}}}",
		 0);
	/* 35 s of start-up at the beginning and 35 s after the notice: 700 requests lost */
	double dropped = r.m.dropped_fraction * r.m.requests;
	assert_true(fabs(dropped - 700) < 1e-6);
	assert_int_equal((long)r.m.interruptions, 1);
	assert_int_equal((long)r.m.slo_violation_minutes, 2); /* the two minutes with drops */
	run_release(&r);
}

/*
 * Requests in flight when a task is interrupted fail if still running at
 * STOPPED. An overloaded task has all 4 workers busy (2 s service); with
 * shutdown 0 all 4 fail, with 2 s a fraction e^{-1} of them.
 */
static double dropped_with_shutdown(const char *shutdown)
{
	struct run r;
	char *json =
	    xasprintf("{\"duration\": \"2h\", " TASK_1VCPU_2GB INSTANT
		      "\"service\": {\"desiredCount\": 1, \"capacityProviderStrategy\": ["
		      "{\"capacityProvider\": \"FARGATE_SPOT\", \"weight\": 1}]},"
		      "\"workload\": {\"type\": \"requests\", \"rate\": {\"kind\": \"constant\", "
		      "\"rps\": 10}, \"service_time\": \"2s\", \"concurrency_per_task\": 4, "
		      "\"shutdown\": \"%s\"},"
		      "\"spot\": {\"interruptions\": {\"model\": \"scripted\", \"at\": [\"1h\"]}}}",
		      shutdown);
	run_text(&r, json, 0);
	double dropped = r.m.dropped_fraction * r.m.requests;
	free(json);
	run_release(&r);
	return dropped;
}

static void test_inflight_lost_at_stop(void **state)
{
	(void)state;
	double none = dropped_with_shutdown("0s"), two = dropped_with_shutdown("2s");
	/* the default stopTimeout, 30 s, caps the shutdown: e^{-15} of the 4 fail */
	double base = dropped_with_shutdown("120s");
	assert_true(fabs((none - base) - 4.0 * (1 - exp(-15.0))) < 1e-9);
	assert_true(fabs((two - base) - 4.0 * (exp(-1.0) - exp(-15.0))) < 1e-9);
}

/* ---- recorded SkyPilot traces (skipped where ../shared/traces is absent) ---- */

#define PREEMPTION                                                                                 \
	"../shared/traces/skypilot/preemption/1-node/aws-04-19-2023/us-east-1b_intel_64.json"
#define AVAILABILITY                                                                               \
	"../shared/traces/skypilot/availability/1-node/aws-02-15-2023/us-east-1a_v100_1.json"

static void test_recorded_traces(void **state)
{
	(void)state;
	char pre[4096], avail[4096];
	if (!realpath(PREEMPTION, pre) || !realpath(AVAILABILITY, avail))
		skip();
	struct run r;
	char *json =
	    xasprintf("{\"duration\": \"7d\", " TASK_1VCPU_2GB INSTANT
		      "\"service\": {\"desiredCount\": 3, \"capacityProviderStrategy\": "
		      "[{\"capacityProvider\": \"FARGATE_SPOT\", \"weight\": 1}]},"
		      "\"spot\": {\"interruptions\": {\"model\": \"trace\", \"file\": \"%s\"}}}",
		      pre);
	run_text(&r, json, 0);
	/* the trace holds 66 preemptions in 6.3 days; each takes one running task */
	assert_int_equal((long)r.m.interruptions, 66);
	free(json);
	run_release(&r);

	json = xasprintf("{\"duration\": \"7d\", " TASK_1VCPU_2GB INSTANT MIX_6
			 "\"spot\": {\"capacity\": {\"model\": \"trace\", \"file\": \"%s\"}}}",
			 avail);
	run_text(&r, json, 0);
	long unavailable = 0;
	for (size_t i = 0; i < r.seen.nminutes; i++)
		unavailable += !r.seen.minutes[i].spot_available;
	print_message("minutes without Spot capacity: %ld of %zu\n", unavailable, r.seen.nminutes);
	assert_true(unavailable > 0 && (size_t)unavailable < r.seen.nminutes);
	assert_true(r.m.placement_failures > 0);
	assert_true(r.m.cost_spot_usd > 0);
	free(json);
	run_release(&r);
}

/* ---- autoscaling in a full run ---- */

static double first_event_after(const struct run *r, const char *name, double after)
{
	for (size_t i = 0; i < r->seen.nevents; i++)
		if (!strcmp(r->seen.events[i].event, name) && r->seen.events[i].t > after)
			return r->seen.events[i].t;
	return -1;
}

/*
 * CPU target 50 %: 2 tasks at 95 % from the start, then from 1 h a load
 * that puts them far below 45 %. AlarmHigh needs 3 breaching one-minute
 * datapoints (at 60, 120, 180 s), AlarmLow 15 (the 15th after the drop);
 * in between, 4 tasks run at 47.5 %, inside the band, so neither alarm fires.
 */
static void test_target_tracking_timing(void **state)
{
	(void)state;
	struct run r;
	run_text(&r,
		 "{\"duration\": \"3h\", " TASK_1VCPU_2GB INSTANT
		 "\"service\": {\"desiredCount\": 2, \"launchType\": \"FARGATE\"},"
		 "\"scaling\": {\"MinCapacity\": 1, \"MaxCapacity\": 20, \"ScalingPolicies\": [{"
		 "\"PolicyName\": \"cpu50\", \"PolicyType\": \"TargetTrackingScaling\","
		 "\"TargetTrackingScalingPolicyConfiguration\": {\"TargetValue\": 50,"
		 "\"PredefinedMetricSpecification\": {\"PredefinedMetricType\": "
		 "\"ECSServiceAverageCPUUtilization\"}}}]},"
		 "\"workload\": {\"type\": \"requests\", \"rate\": {\"kind\": \"steps\", "
		 "\"steps\": [{\"at\": 0, \"rps\": 190}, {\"at\": \"1h\", \"rps\": 20}]}, "
		 "\"service_time\": \"100ms\", \"concurrency_per_task\": 10}}",
		 0);
	/* 190 rps on 2 x 10 workers at 10/s each: 95 % CPU; out to ceil(2 x 95 / 50) = 4 */
	double out = first_event_after(&r, "SCALING_ACTIVITY", 0);
	assert_true(fabs(out - 180) < 1e-6);
	assert_true(first_event_after(&r, "SCALING_ACTIVITY", 180) > 3600);
	/* the drop at 3600 s: 15 low datapoints, the 15th at 3600 + 900 s */
	double in = first_event_after(&r, "SCALING_ACTIVITY", 3600);
	assert_true(fabs(in - 4500) < 1e-6);
	/* later scale-ins keep the default 300 s scale-in cooldown */
	double prev = in;
	for (double t = first_event_after(&r, "SCALING_ACTIVITY", in); t > 0;
	     t = first_event_after(&r, "SCALING_ACTIVITY", t)) {
		assert_true(t - prev >= 300 - 1e-6);
		prev = t;
	}
	assert_true(r.m.scaling_activities >= 2);
	assert_int_equal(last_minute(&r)->desired, 1); /* ceil(4 x 5 / 50) */
	run_release(&r);
}

/* The detail of the first event `name`, or NULL. */
static const char *first_detail(const struct run *r, const char *name)
{
	for (size_t i = 0; i < r->seen.nevents; i++)
		if (!strcmp(r->seen.events[i].event, name))
			return r->seen.events[i].detail;
	return NULL;
}

/*
 * Desired 10 with a quota of 7 vCPU: 7 tasks run, 3 wait in PROVISIONING.
 * CPU at 90 % breaches at the first minute; +30 % starts from the 7
 * running tasks, as AWS does: 7 + 2 = 9, below the desired 10.
 */
static void test_scale_out_from_running_count(void **state)
{
	(void)state;
	struct run r;
	run_text(&r,
		 "{\"duration\": \"10m\", " TASK_1VCPU_2GB INSTANT
		 "\"service\": {\"desiredCount\": 10, \"launchType\": \"FARGATE\"},"
		 "\"limits\": {\"fargate_vcpu\": 7},"
		 "\"scaling\": {\"MinCapacity\": 1, \"MaxCapacity\": 20, \"ScalingPolicies\": [{"
		 "\"PolicyName\": \"out30\", \"PolicyType\": \"StepScaling\","
		 "\"StepScalingPolicyConfiguration\": {\"AdjustmentType\": "
		 "\"PercentChangeInCapacity\", \"Cooldown\": 3600, \"StepAdjustments\": ["
		 "{\"MetricIntervalLowerBound\": 0, \"ScalingAdjustment\": 30}]},"
		 "\"Alarm\": {\"MetricName\": \"CPUUtilization\", \"Threshold\": 50,"
		 "\"ComparisonOperator\": \"GreaterThanOrEqualToThreshold\"}}]},"
		 "\"workload\": {\"type\": \"requests\", \"rate\": {\"kind\": \"constant\", "
		 "\"rps\": 630}, \"service_time\": \"100ms\", \"concurrency_per_task\": 10}}",
		 0);
	const struct minute_row *first = &r.seen.minutes[0];
	assert_int_equal(first->desired, 10);
	assert_int_equal(first->running[0], 7);
	assert_int_equal(first->pending[0], 3);
	const char *d = first_detail(&r, "SCALING_ACTIVITY");
	assert_non_null(d);
	assert_true(!strncmp(d, "policy=out30;from=10;to=9;", 26));
	assert_int_equal(r.m.scaling_activities, 1);
	assert_int_equal(last_minute(&r)->desired, 9);
	assert_int_equal(last_minute(&r)->running[0], 7);
	run_release(&r);
}

/* ---- deployments ---- */

/* CPU target tracking at 50 % and a deployment at 10 min whose new tasks turn healthy after 30 min. */
#define DEPLOY_SCALED(desired, steps)                                                              \
	"{\"duration\": \"3h\", " TASK_1VCPU_2GB INSTANT                                           \
	"\"service\": {\"desiredCount\": " #desired ", \"launchType\": \"FARGATE\"},"              \
	"\"deployments\": [{\"at\": \"10m\", \"health_check_grace\": \"30m\"}],"                   \
	"\"scaling\": {\"MinCapacity\": 1, \"MaxCapacity\": 20, \"ScalingPolicies\": [{"           \
	"\"PolicyName\": \"cpu50\", \"PolicyType\": \"TargetTrackingScaling\","                    \
	"\"TargetTrackingScalingPolicyConfiguration\": {\"TargetValue\": 50,"                      \
	"\"PredefinedMetricSpecification\": {\"PredefinedMetricType\": "                           \
	"\"ECSServiceAverageCPUUtilization\"}}}]},"                                                \
	"\"workload\": {\"type\": \"requests\", \"rate\": {\"kind\": \"steps\", \"steps\": " steps \
	"}, \"service_time\": \"100ms\", \"concurrency_per_task\": 10}}"

/* The DESIRED_COUNT values seen in (from, to], in order; returns how many. */
static size_t desired_between(const struct run *r, double from, double to, long *out, size_t max)
{
	size_t n = 0;
	for (size_t i = 0; i < r->seen.nevents && n < max; i++) {
		const struct seen_event *e = &r->seen.events[i];
		if (!strcmp(e->event, "DESIRED_COUNT") && e->t > from && e->t <= to)
			out[n++] = atol(e->detail + strlen("desired="));
	}
	return n;
}

/*
 * A light load on 4 tasks: AlarmLow asks to scale in from 15 min on, while
 * the deployment (10 min to about 10 + 30 min + the old tasks' stop) is in
 * progress. Application Auto Scaling's scale-in is off meanwhile: the
 * decisions are logged as SCALE_IN_SUSPENDED and not counted; the first
 * scale-in comes after the deployment.
 */
static void test_deployment_suspends_scale_in(void **state)
{
	(void)state;
	struct run r;
	long desired[16];
	run_text(&r, DEPLOY_SCALED(4, "[{\"at\": 0, \"rps\": 20}]"), 0);
	double done = first_event_after(&r, "DEPLOYMENT_COMPLETED", 0);
	double first_in = first_event_after(&r, "SCALE_IN_SUSPENDED", 600);
	print_message("completed at %.0f s, first suspended scale-in at %.0f s\n", done, first_in);
	assert_true(done > 600 + 1800);
	assert_true(first_in > 600 && first_in < done);
	assert_int_equal(desired_between(&r, 600, done, desired, 16), 0);
	size_t n = desired_between(&r, done, 3 * 3600, desired, 16);
	assert_true(n >= 1);
	assert_true(desired[0] < 4);
	assert_true(r.m.scaling_activities >= 1);
	assert_true(r.m.scaling_activities == (double)(count_events(&r, "SCALING_ACTIVITY") -
						       count_events(&r, "SCALE_IN_SUSPENDED")));
	assert_true(r.m.deployments == 1);
	assert_true(fabs(r.m.deployment_seconds - (done - 600)) < 1e-6);
	assert_true(r.m.deployment_min_serving == 4);
	assert_true(r.m.deployment_slo_minutes == 0);
	run_release(&r);
}

/*
 * The load rises during the deployment: 380 rps on the 4 tasks then
 * serving (2 old, 2 new) is 95 % CPU; AlarmHigh fires and the scale-out
 * goes ahead in the middle of the deployment, with new tasks (while the
 * light load before asked for scale-ins, which were held back).
 */
static void test_deployment_lets_scale_out(void **state)
{
	(void)state;
	struct run r;
	long desired[16];
	run_text(
	    &r, DEPLOY_SCALED(2, "[{\"at\": 0, \"rps\": 20}, {\"at\": \"20m\", \"rps\": 380}]"), 0);
	double done = first_event_after(&r, "DEPLOYMENT_COMPLETED", 0);
	size_t n = desired_between(&r, 600, done, desired, 16);
	assert_true(n >= 1);
	assert_true(desired[0] > 2);
	/* before the load rises, AlarmLow's scale-ins were held back */
	double held = first_event_after(&r, "SCALE_IN_SUSPENDED", 0);
	assert_true(held > 600 && held < 1200);
	run_release(&r);
}

/*
 * minimumHealthyPercent 0, maximumPercent 100: both old tasks stop at
 * once and the new ones take 90 s to start, so from 30:00 to 31:30 the
 * service serves nothing: the deployment's fewest serving is 0 and its SLO
 * minutes are the two minutes ending at 31:00 and 32:00. The run's other
 * two bad minutes are its first, before the first tasks run.
 */
static void test_deployment_slo_minutes(void **state)
{
	(void)state;
	struct run r;
	run_text(
	    &r,
	    "{\"duration\": \"2h\", " TASK_1VCPU_2GB
	    "\"startup\": {\"provisioning\": \"0s\", \"pull\": \"90s\", \"app_start\": \"0s\"},"
	    "\"service\": {\"desiredCount\": 2, \"launchType\": \"FARGATE\","
	    " \"deploymentConfiguration\": {\"maximumPercent\": 100, \"minimumHealthyPercent\": "
	    "0}},"
	    "\"deployments\": [{\"at\": \"30m\"}],"
	    "\"workload\": {\"type\": \"requests\", \"rate\": {\"kind\": \"constant\", \"rps\": "
	    "20}, \"service_time\": \"100ms\", \"concurrency_per_task\": 10}}",
	    0);
	print_message(
	    "deployment: %.0f s, %g SLO minutes, fewest serving %g; run: %g bad minutes\n",
	    r.m.deployment_seconds, r.m.deployment_slo_minutes, r.m.deployment_min_serving,
	    r.m.slo_violation_minutes);
	assert_true(r.m.deployment_min_serving == 0);
	assert_true(r.m.deployment_slo_minutes == 2);
	assert_true(r.m.slo_violation_minutes == 4);
	const char *d = first_detail(&r, "DEPLOYMENT_COMPLETED");
	assert_non_null(d);
	assert_non_null(strstr(d, "min_serving=0"));
	run_release(&r);
}

/* No deployment: the count is 0 and the others do not apply. */
/* A request service has no queue: its queue columns are empty. */
static void check_no_queue_columns(const struct run_metrics *m)
{
	assert_true(isnan(m->lost_work_hours_spot) && isnan(m->jobs_rerun));
	assert_true(isnan(m->jobs_finished_after_notice_deployment));
}

static void test_no_deployment_metrics(void **state)
{
	(void)state;
	struct run r;
	run_text(&r,
		 "{\"duration\": \"1h\", " TASK_1VCPU_2GB
		 "\"service\": {\"desiredCount\": 1, \"launchType\": \"FARGATE\"}}",
		 0);
	assert_true(r.m.deployments == 0);
	assert_true(isnan(r.m.deployment_seconds));
	assert_true(isnan(r.m.deployment_min_serving));
	assert_true(r.m.capacity_reclaims == 0);
	check_no_queue_columns(&r.m);
	run_release(&r);
}

/* SCALING_ACTIVITY events whose detail starts with `prefix`. */
static long count_activities(const struct run *r, const char *prefix)
{
	long n = 0;
	for (size_t i = 0; i < r->seen.nevents; i++)
		n += !strcmp(r->seen.events[i].event, "SCALING_ACTIVITY") &&
		     !strncmp(r->seen.events[i].detail, prefix, strlen(prefix));
	return n;
}

/*
 * The template bug: a scale-in step with MetricIntervalLowerBound 0 on a
 * LessThanThreshold alarm. The service never scales in; every minute the
 * alarm acts is a NO_STEP_ADJUSTMENT, counted in no_step_adjustment. With
 * the step corrected (MetricIntervalUpperBound 0) it scales in, and never
 * finds no step.
 */
static void test_step_template_bug(void **state)
{
	(void)state;
	struct run bug, fixed;
	long peak = 0;

	run_file(&bug, "scenarios/step-module-template-bug.json", 0);
	assert_int_equal(count_activities(&bug, "policy=cpu-below-30;"), 0);
	assert_true(count_activities(&bug, "policy=cpu-above-70;") > 0);
	for (size_t i = 1; i < bug.seen.nminutes; i++)
		assert_true(bug.seen.minutes[i].desired >= bug.seen.minutes[i - 1].desired);
	long none = count_events(&bug, "NO_STEP_ADJUSTMENT");
	print_message("no step adjustment: %ld minutes; desired %ld at the end\n", none,
		      last_minute(&bug)->desired);
	assert_true(none > 100);
	assert_true(bug.m.no_step_adjustment == (double)none);
	assert_true(
	    !strncmp(first_detail(&bug, "NO_STEP_ADJUSTMENT"), "policy=cpu-below-30;metric=", 27));
	for (size_t i = 0; i < bug.seen.nminutes; i++)
		peak = bug.seen.minutes[i].desired > peak ? bug.seen.minutes[i].desired : peak;
	assert_int_equal(last_minute(&bug)->desired, peak);

	run_file(&fixed, "scenarios/step-module-fixed.json", 0);
	assert_true(count_activities(&fixed, "policy=cpu-below-30;") > 0);
	assert_int_equal(count_events(&fixed, "NO_STEP_ADJUSTMENT"), 0);
	assert_true(fixed.m.no_step_adjustment == 0);
	assert_true(last_minute(&fixed)->desired < peak);
	assert_true(fixed.m.cost_usd < bug.m.cost_usd);
	run_release(&bug);
	run_release(&fixed);
}

/* A scheduled action applies at its exact minute, whatever the cooldowns. */
static void test_scheduled_action_minute(void **state)
{
	(void)state;
	struct run r;
	run_text(&r,
		 "{\"duration\": \"3h\", " TASK_1VCPU_2GB INSTANT
		 "\"service\": {\"desiredCount\": 2, \"launchType\": \"FARGATE\"},"
		 "\"scaling\": {\"MinCapacity\": 1, \"MaxCapacity\": 20, \"ScheduledActions\": [{"
		 "\"ScheduledActionName\": \"morning\", \"Schedule\": \"cron(30 1 * * ? *)\","
		 "\"ScalableTargetAction\": {\"MinCapacity\": 6}}]}}",
		 0);
	double at = first_event_after(&r, "SCHEDULED_ACTION", 0);
	assert_true(fabs(at - 5400) < 1e-6);		 /* 01:30 UTC on the start day */
	assert_int_equal(r.seen.minutes[89].desired, 6); /* the row closing 01:30 */
	assert_int_equal(r.seen.minutes[88].desired, 2);
	run_release(&r);
}

static long max_desired(const struct run *r)
{
	long m = 0;
	for (size_t i = 0; i < r->seen.nminutes; i++)
		if (r->seen.minutes[i].desired > m)
			m = r->seen.minutes[i].desired;
	return m;
}

/*
 * 2,850 requests/s on tasks that serve 100/s each at full CPU, with a CPU
 * target of 50 %: the load wants 57 tasks. The service pasted from
 * describe-services, with its describe-scalable-targets output (MaxCapacity
 * 20), stops at 20; without the target it goes to 57. The steady-state
 * request model keeps that arithmetic exact: with the fluid model the
 * backlog built on 4 tasks keeps CPU at 100 % while it drains, and target
 * tracking overshoots (81 tasks; the per-request model 75).
 */
#define WANTS_57                                                                                   \
	"{\"duration\": \"3h\", " TASK_1VCPU_2GB INSTANT                                           \
	"\"service\": {\"services\": [{\"serviceName\": \"api\", \"clusterArn\": "                 \
	"\"arn:aws:ecs:us-east-1:1:cluster/prod\", \"desiredCount\": 4, \"launchType\": "          \
	"\"FARGATE\"}]},"                                                                          \
	"\"workload\": {\"type\": \"requests\", \"model\": \"steady_state\", \"rate\": "           \
	"{\"kind\": \"constant\", \"rps\": 2850}, \"service_time\": \"100ms\", "                   \
	"\"concurrency_per_task\": 10},"                                                           \
	"\"scaling\": {%s\"ScalingPolicies\": [{\"PolicyName\": \"cpu50\", \"PolicyType\": "       \
	"\"TargetTrackingScaling\", \"TargetTrackingScalingPolicyConfiguration\": "                \
	"{\"TargetValue\": 50, \"PredefinedMetricSpecification\": {\"PredefinedMetricType\": "     \
	"\"ECSServiceAverageCPUUtilization\"}, \"ScaleOutCooldown\": 60}}]}}"

static void run_wants_57(struct run *r, const char *target)
{
	char *text = xasprintf(WANTS_57, target);
	run_text(r, text, 0);
	free(text);
}

static void test_scalable_target_max(void **state)
{
	(void)state;
	struct run r;
	run_wants_57(&r, "\"ScalableTargets\": [{\"ResourceId\": \"service/prod/web\", "
			 "\"MinCapacity\": 1, \"MaxCapacity\": 100}, {\"ResourceId\": "
			 "\"service/prod/api\", \"MinCapacity\": 2, \"MaxCapacity\": 20}], ");
	assert_int_equal(max_desired(&r), 20);
	assert_int_equal(last_minute(&r)->desired, 20);
	run_release(&r);
	run_wants_57(&r, "");
	assert_int_equal(max_desired(&r), 57);
	run_release(&r);
}

/* SuspendedState in a run: scale-out suspended holds the desired count; scale-in too. */
static void test_suspended_state_run(void **state)
{
	(void)state;
	struct run r;
	run_wants_57(&r, "\"ScalableTargets\": [{\"ResourceId\": \"service/prod/api\", "
			 "\"MinCapacity\": 1, \"MaxCapacity\": 100, \"SuspendedState\": "
			 "{\"DynamicScalingOutSuspended\": true}}], ");
	assert_int_equal(max_desired(&r), 4);
	assert_int_equal(r.m.scaling_activities, 0);
	assert_true(count_events(&r, "ALARM_STATE") > 0); /* the alarms still fire */
	run_release(&r);

	/* the load of test_target_tracking_timing drops after 1 h: no scale-in follows */
	run_text(&r,
		 "{\"duration\": \"3h\", " TASK_1VCPU_2GB INSTANT
		 "\"service\": {\"desiredCount\": 2, \"launchType\": \"FARGATE\"},"
		 "\"scaling\": {\"ScalableTargets\": [{\"MinCapacity\": 1, \"MaxCapacity\": 20, "
		 "\"SuspendedState\": {\"DynamicScalingInSuspended\": true, "
		 "\"ScheduledScalingSuspended\": true}}], \"ScalingPolicies\": [{"
		 "\"PolicyName\": \"cpu50\", \"PolicyType\": \"TargetTrackingScaling\","
		 "\"TargetTrackingScalingPolicyConfiguration\": {\"TargetValue\": 50,"
		 "\"PredefinedMetricSpecification\": {\"PredefinedMetricType\": "
		 "\"ECSServiceAverageCPUUtilization\"}}}], \"ScheduledActions\": [{"
		 "\"ScheduledActionName\": \"night\", \"Schedule\": \"cron(0 2 * * ? *)\","
		 "\"ScalableTargetAction\": {\"MaxCapacity\": 1}}]},"
		 "\"workload\": {\"type\": \"requests\", \"rate\": {\"kind\": \"steps\", "
		 "\"steps\": [{\"at\": 0, \"rps\": 190}, {\"at\": \"1h\", \"rps\": 20}]}, "
		 "\"service_time\": \"100ms\", \"concurrency_per_task\": 10}}",
		 0);
	assert_int_equal(max_desired(&r), 4);
	assert_int_equal(last_minute(&r)->desired, 4);
	assert_int_equal(count_events(&r, "SCHEDULED_ACTION"), 0);
	assert_int_equal(r.m.scaling_activities, 1);
	run_release(&r);
}

/* Queue workers in a full run: Little's law over the whole run. */
static void test_queue_littles_law(void **state)
{
	(void)state;
	struct run r;
	run_text(&r,
		 "{\"duration\": \"10d\", \"seed\": 4, " TASK_1VCPU_2GB INSTANT
		 "\"service\": {\"desiredCount\": 4, \"launchType\": \"FARGATE\"},"
		 "\"workload\": {\"type\": \"queue\", \"rate\": {\"kind\": \"constant\", "
		 "\"rps\": 2}, \"job_size\": \"exponential(1s)\", \"concurrency_per_task\": 1}}",
		 0);
	assert_true(r.m.jobs_completed > 1.7e6);
	/* L = lambda W: mean jobs in system against 2/s x the mean time in system */
	double w = r.m.mean_job_latency_s;
	assert_true(w > 1.0 && w < 1.5); /* M/M/4 at 50 %: about 1.087 s */
	assert_true(fabs(r.m.availability - 1) < 1e-12);
	run_release(&r);
}

/* The four causes of lost work add up to lost_work_hours (to rounding), and so on. */
static void check_causes_add_up(const struct run_metrics *m)
{
	double lost = m->lost_work_hours_spot + m->lost_work_hours_capacity_reclaim +
		      m->lost_work_hours_scale_in + m->lost_work_hours_deployment;
	assert_true(fabs(lost - m->lost_work_hours) <= 1e-12 * m->lost_work_hours);
	assert_true(m->jobs_rerun_spot + m->jobs_rerun_capacity_reclaim + m->jobs_rerun_scale_in +
			m->jobs_rerun_deployment ==
		    m->jobs_rerun);
	assert_true(
	    m->jobs_finished_after_notice_spot + m->jobs_finished_after_notice_capacity_reclaim +
		m->jobs_finished_after_notice_scale_in + m->jobs_finished_after_notice_deployment ==
	    m->jobs_finished_after_notice);
}

/*
 * Four workers take four of eight 30-minute jobs at 10 min; at 00:20 a
 * scheduled action sets MaxCapacity 1. Without protection three busy tasks
 * stop 30 s later: 3 x 630 s of work lost to scale-in. With
 * scale_in_protection the busy tasks are protected, take the other four
 * jobs at 40 min, and are stopped only when idle at 70 min: nothing lost.
 */
static void test_queue_scale_in_protection(void **state)
{
	(void)state;
	static const char json[] =
	    "{\"duration\": \"3h\", " TASK_1VCPU_2GB INSTANT
	    "\"service\": {\"desiredCount\": 4, \"launchType\": \"FARGATE\"},"
	    "\"scaling\": {\"MinCapacity\": 1, \"MaxCapacity\": 4, \"ScheduledActions\": [{"
	    "\"ScheduledActionName\": \"in\", \"Schedule\": \"cron(20 0 * * ? *)\","
	    "\"ScalableTargetAction\": {\"MaxCapacity\": 1}}]},"
	    "\"workload\": {\"type\": \"queue\", \"job_size\": \"fixed(1800s)\", "
	    "\"batches\": [{\"at\": \"10m\", \"count\": 8}]%s}}";
	struct run plain, kept;
	char *a = xasprintf(json, ""), *b = xasprintf(json, ", \"scale_in_protection\": true");
	run_text(&plain, a, 0);
	run_text(&kept, b, 0);

	assert_true(fabs(plain.m.lost_work_hours_scale_in - 3 * 630 / 3600.0) < 1e-12);
	assert_true(plain.m.jobs_rerun_scale_in == 3);
	check_causes_add_up(&plain.m);

	assert_true(kept.m.lost_work_hours_scale_in == 0 && kept.m.lost_work_hours == 0);
	assert_true(kept.m.jobs_rerun == 0);
	assert_true(kept.m.jobs_completed == 8);
	assert_true(kept.m.mean_job_latency_s == (4 * 1800 + 4 * 3600) / 8.0);
	check_causes_add_up(&kept.m);
	/* the three tasks stop at 70 min, when their last jobs end */
	assert_int_equal(count_events(&kept, "DEACTIVATING"), 3);
	assert_true(fabs(first_event_after(&kept, "DEACTIVATING", 0) - 4200) < 1e-6);
	free(a);
	free(b);
	run_release(&plain);
	run_release(&kept);
}

/*
 * A rolling deployment at 20 min while four tasks work on 30-minute jobs
 * (four more wait; the new tasks take them at once). Without protection the
 * old tasks stop once the new ones are healthy (40 s) and exit 30 s later:
 * 4 x 670 s lost to the deployment. With protection they finish their jobs
 * first and stop idle at 40 min: nothing lost, and the deployment completes
 * when they have exited.
 */
static void test_queue_deployment_protection(void **state)
{
	(void)state;
	static const char json[] =
	    "{\"duration\": \"3h\", " TASK_1VCPU_2GB INSTANT
	    "\"service\": {\"desiredCount\": 4, \"launchType\": \"FARGATE\"},"
	    "\"deployments\": [{\"at\": \"20m\"}],"
	    "\"workload\": {\"type\": \"queue\", \"job_size\": \"fixed(1800s)\", "
	    "\"batches\": [{\"at\": \"10m\", \"count\": 8}]%s}}";
	struct run plain, kept;
	char *a = xasprintf(json, ""), *b = xasprintf(json, ", \"scale_in_protection\": true");
	run_text(&plain, a, 0);
	run_text(&kept, b, 0);
	assert_true(fabs(plain.m.lost_work_hours_deployment - 4 * 670 / 3600.0) < 1e-12);
	assert_true(plain.m.jobs_rerun_deployment == 4 && plain.m.lost_work_hours_scale_in == 0);
	check_causes_add_up(&plain.m);
	assert_true(kept.m.lost_work_hours == 0 && kept.m.jobs_rerun == 0);
	assert_true(kept.m.jobs_completed == 8);
	/* the old tasks stop at 40 min, idle, and exit 30 s later */
	assert_true(fabs(kept.m.deployment_seconds - 1230) < 1e-6);
	free(a);
	free(b);
	run_release(&plain);
	run_release(&kept);
}

/*
 * Two Spot tasks, 40-second jobs, scripted interruptions (2 tasks each) and
 * a 30-second exit. Batch A at 60 s runs 60-100 s; the notice at 90 s
 * leaves it time to finish: 2 jobs finished after the notice. Batch B at
 * 200 s runs on the replacements from 200 s; the notice at 205 s stops them
 * at 235 s: 2 x 35 s lost, 2 jobs re-run, visible at 265 s and done at 305 s.
 */
static void test_queue_spot_causes(void **state)
{
	(void)state;
	struct run r;
	run_text(&r,
		 "{\"duration\": \"1h\", " TASK_1VCPU_2GB INSTANT
		 "\"service\": {\"desiredCount\": 2, \"capacityProviderStrategy\": ["
		 "{\"capacityProvider\": \"FARGATE_SPOT\", \"weight\": 1}]},"
		 "\"spot\": {\"interruptions\": {\"model\": \"scripted\", \"at\": ["
		 "{\"at\": \"90s\", \"count\": 2}, {\"at\": \"205s\", \"count\": 2}]}},"
		 "\"workload\": {\"type\": \"queue\", \"job_size\": \"fixed(40s)\", "
		 "\"batches\": [{\"at\": \"60s\", \"count\": 2}, {\"at\": \"200s\", "
		 "\"count\": 2}]}}",
		 0);
	assert_true(r.m.interruptions == 4);
	assert_true(r.m.jobs_completed == 4);
	assert_true(r.m.jobs_finished_after_notice_spot == 2);
	assert_true(r.m.jobs_finished_after_notice == 2);
	assert_true(r.m.jobs_rerun_spot == 2 && r.m.jobs_rerun == 2);
	assert_true(fabs(r.m.lost_work_hours_spot - 70 / 3600.0) < 1e-15);
	assert_true(r.m.lost_work_hours_scale_in == 0 && r.m.lost_work_hours_deployment == 0);
	assert_true(r.m.lost_work_hours_capacity_reclaim == 0);
	assert_true(r.m.mean_job_latency_s == (40 + 40 + 105 + 105) / 4.0);
	check_causes_add_up(&r.m);
	run_release(&r);
}

/* ---- determinism ---- */

static const char busy[] =
    "{\"duration\": \"3d\", \"seed\": %d, " TASK_1VCPU_2GB MIX_6
    "\"startup\": {\"provisioning\": \"lognormal(12s, 0.3)\", \"pull\": \"exponential(20s)\"},"
    "\"workload\": {\"type\": \"requests\", \"rate\": {\"kind\": \"diurnal\", \"min_rps\": 50, "
    "\"max_rps\": 400}, \"noise\": {\"sd\": 0.1}, \"service_time\": \"40ms\", "
    "\"concurrency_per_task\": 4},"
    "\"spot\": {\"interruptions\": [{\"model\": \"poisson\", \"monthly_fraction\": 0.5}, "
    "{\"model\": \"waves\", \"mean_interval\": \"1d\", \"fraction\": 0.5}], "
    "\"capacity\": {\"model\": \"alternating\", \"mean_available\": \"12h\", "
    "\"mean_unavailable\": \"30m\"}}}";

static uint64_t run_hash(int seed, uint64_t replication, struct run_metrics *m)
{
	struct run r;
	char *json = xasprintf(busy, seed);
	run_text(&r, json, replication);
	uint64_t h = r.seen.hash;
	*m = r.m;
	free(json);
	run_release(&r);
	return h;
}

static void test_determinism(void **state)
{
	(void)state;
	struct run_metrics a, b, c, d;
	uint64_t h1 = run_hash(42, 0, &a), h2 = run_hash(42, 0, &b);
	assert_true(h1 == h2);
	assert_memory_equal(&a, &b, sizeof(a));
	assert_true(run_hash(43, 0, &c) != h1); /* another seed */
	assert_true(run_hash(42, 1, &d) != h1); /* another replication */
	assert_true(a.cost_usd != c.cost_usd);
}

/* ---- quiet and sampled runs ---- */

static void ignore_minute(void *ctx, const struct minute_row *row)
{
	(void)ctx;
	(void)row;
}

static void ignore_event(void *ctx, const struct event_row *row)
{
	(void)ctx;
	(void)row;
}

/* The metrics of replication 1 of `json`: with no sink, events only, or minute rows too. */
static void metrics_with_sink(const char *json, int sink_kind, struct run_metrics *m)
{
	char *path = testutil_write_temp(json, ".json");
	struct scenario sc;
	struct price_table prices;
	struct diag d;
	struct run_sink events = {NULL, NULL, ignore_event},
			all = {NULL, ignore_minute, ignore_event};
	const struct run_sink *sinks[] = {NULL, &events, &all};
	diag_init(&d);
	pricing_init(&prices);
	int rc = scenario_load(&sc, path, &d);
	unlink(path);
	free(path);
	if (rc == 0)
		rc = pricing_load(&prices, "data/pricing.csv", &d);
	if (rc == 0)
		rc = replication_run(&sc, &prices, 1, sinks[sink_kind], m, &d);
	if (rc)
		diag_write(&d, stderr);
	assert_int_equal(rc, 0);
	scenario_release(&sc);
	pricing_release(&prices);
	diag_release(&d);
}

/*
 * A run that writes minute rows handles every minute; one without closes
 * its minutes as the load is accounted, many at once. The metrics are the
 * same to the bit: steps off the 20-second grid, interruptions exactly at
 * a minute's end (where the order of the minute and the notice matters),
 * tasks that start serving on the grid, noise, overload, an SLO on the p95,
 * a service with no workload at all, and deployments (one off the grid,
 * one superseded), whose SLO minutes are counted as minutes close.
 */
static void test_quiet_equals_sampled(void **state)
{
	(void)state;
	static const char *const scenarios[] = {
	    "{\"duration\": \"1d\", \"seed\": 3, " TASK_1VCPU_2GB INSTANT
	    "\"service\": {\"desiredCount\": 4, \"capacityProviderStrategy\": ["
	    "{\"capacityProvider\": \"FARGATE\", \"base\": 1, \"weight\": 1},"
	    "{\"capacityProvider\": \"FARGATE_SPOT\", \"weight\": 2}]},"
	    "\"workload\": {\"type\": \"requests\", \"rate\": {\"kind\": \"steps\", \"steps\": "
	    "[{\"at\": 0, \"rps\": 150}, {\"at\": \"90s\", \"rps\": 260}, {\"at\": \"2h\", "
	    "\"rps\": 380}, {\"at\": \"5h\", \"rps\": 80}]}, \"service_time\": \"40ms\", "
	    "\"concurrency_per_task\": 4, \"timeout\": \"10s\"},"
	    "\"spot\": {\"interruptions\": [{\"model\": \"scripted\", \"at\": [\"1h\", \"3h\", "
	    "\"6h\"]}, {\"model\": \"poisson\", \"monthly_fraction\": 0.9}]},"
	    "\"slo\": {\"p95_latency\": \"200ms\", \"max_dropped_fraction\": 0.001}}",
	    "{\"duration\": \"2d\", \"seed\": 8, " TASK_1VCPU_2GB MIX_6
	    "\"workload\": {\"type\": \"requests\", \"rate\": {\"kind\": \"diurnal\", "
	    "\"min_rps\": 50, \"max_rps\": 400}, \"noise\": {\"sd\": 0.1, \"period\": \"5m\"}, "
	    "\"service_time\": \"40ms\", \"concurrency_per_task\": 4},"
	    "\"spot\": {\"interruptions\": [{\"model\": \"poisson\", \"monthly_fraction\": 0.9}, "
	    "{\"model\": \"waves\", \"mean_interval\": \"12h\", \"fraction\": 0.5}], "
	    "\"capacity\": {\"model\": \"alternating\", \"mean_available\": \"6h\", "
	    "\"mean_unavailable\": \"30m\"}}}",
	    "{\"duration\": \"1d\", \"seed\": 2, " TASK_1VCPU_2GB
	    "\"service\": {\"desiredCount\": 2, \"capacityProviderStrategy\": ["
	    "{\"capacityProvider\": \"FARGATE_SPOT\", \"weight\": 1}]},"
	    "\"workload\": {\"type\": \"requests\", \"rate\": {\"kind\": \"spikes\", "
	    "\"base_rps\": 100, \"spikes\": [{\"at\": \"3h\", \"duration\": \"10m\", "
	    "\"factor\": 4}, {\"at\": \"3h 00:05:07\", \"duration\": \"1h\", \"rps\": 300}]}, "
	    "\"service_time\": \"40ms\", \"concurrency_per_task\": 4, \"timeout\": \"5s\"},"
	    "\"spot\": {\"interruptions\": {\"model\": \"poisson\", \"monthly_fraction\": 0.99}},"
	    "\"slo\": {\"max_dropped_fraction\": 0.01}}",
	    "{\"duration\": \"2d\", \"seed\": 6, " TASK_1VCPU_2GB
	    "\"service\": {\"desiredCount\": 1, \"capacityProviderStrategy\": ["
	    "{\"capacityProvider\": \"FARGATE_SPOT\", \"weight\": 1}]},"
	    "\"spot\": {\"interruptions\": {\"model\": \"poisson\", \"rate_per_task_hour\": 0.2}, "
	    "\"capacity\": {\"model\": \"alternating\", \"mean_available\": \"6h\", "
	    "\"mean_unavailable\": \"1h\"}}}",
	    "{\"duration\": \"1d\", \"seed\": 4, " TASK_1VCPU_2GB
	    "\"service\": {\"desiredCount\": 3, \"capacityProviderStrategy\": ["
	    "{\"capacityProvider\": \"FARGATE\", \"base\": 1, \"weight\": 1},"
	    "{\"capacityProvider\": \"FARGATE_SPOT\", \"weight\": 1}],"
	    "\"deploymentConfiguration\": {\"maximumPercent\": 100, \"minimumHealthyPercent\": 0}},"
	    "\"deployments\": [{\"at\": \"3h 00:00:07\"}, {\"at\": \"8h\", \"taskDefinition\": "
	    "{\"cpu\": \"2048\", \"memory\": \"4096\"}}, {\"at\": \"8h 00:01:00\"}],"
	    "\"workload\": {\"type\": \"requests\", \"rate\": {\"kind\": \"steps\", \"steps\": "
	    "[{\"at\": 0, \"rps\": 150}, {\"at\": \"5h\", \"rps\": 200}]}, "
	    "\"service_time\": \"40ms\", \"concurrency_per_task\": 4},"
	    "\"spot\": {\"interruptions\": {\"model\": \"poisson\", \"monthly_fraction\": 0.9}},"
	    "\"slo\": {\"max_dropped_fraction\": 0.001}}",
	};
	/* the first notice falls at a minute's end, before its tick: it is that minute's loss */
	static const char inflight[] =
	    "{\"duration\": \"3h\", " TASK_1VCPU_2GB INSTANT
	    "\"service\": {\"desiredCount\": 2, \"capacityProviderStrategy\": ["
	    "{\"capacityProvider\": \"FARGATE_SPOT\", \"weight\": 1}]},"
	    "\"workload\": {\"type\": \"requests\", \"rate\": {\"kind\": \"constant\", "
	    "\"rps\": 3}, \"service_time\": \"2s\", \"concurrency_per_task\": 4, "
	    "\"shutdown\": \"0s\"},"
	    "\"spot\": {\"interruptions\": {\"model\": \"scripted\", \"at\": [\"1h\", "
	    "\"3630s\"]}},"
	    "\"slo\": {\"max_dropped_fraction\": 0.0001}}";
	struct run_metrics quiet, sampled;
	metrics_with_sink(inflight, 0, &quiet);
	metrics_with_sink(inflight, 2, &sampled);
	assert_int_equal((long)sampled.slo_violation_minutes, 2);
	assert_memory_equal(&quiet, &sampled, sizeof(quiet));
	for (size_t i = 0; i < sizeof(scenarios) / sizeof(scenarios[0]); i++) {
		struct run_metrics events;
		metrics_with_sink(scenarios[i], 0, &quiet);
		metrics_with_sink(scenarios[i], 1, &events);
		metrics_with_sink(scenarios[i], 2, &sampled);
		assert_true(sampled.slo_violation_minutes > 0 && sampled.availability > 0.5);
		assert_memory_equal(&quiet, &sampled, sizeof(quiet));
		assert_memory_equal(&events, &sampled, sizeof(quiet));
	}
	assert_true(sampled.deployments == 3 && sampled.deployment_slo_minutes > 0);
}

/*
 * A target-tracking service on a diurnal load without noise closes most
 * minutes as usual ones, and from the second day takes a minute's samples
 * and SLO verdict from the same minute of an earlier day (its identity):
 * with minute rows (every minute's latency kept, so none is kept) and
 * without, the metrics are the same to the bit, and with a policy on memory
 * too (both datapoints kept).
 */
static void test_usual_minutes_kept(void **state)
{
	(void)state;
	static const char *const policies[] = {
	    "{\"PredefinedMetricType\": \"ECSServiceAverageCPUUtilization\"}, "
	    "\"TargetValue\": 50",
	    "{\"PredefinedMetricType\": \"ECSServiceAverageMemoryUtilization\"}, "
	    "\"TargetValue\": 35",
	};
	for (size_t i = 0; i < 2; i++) {
		char *json = xasprintf(
		    "{\"duration\": \"4d\", \"seed\": 5, " TASK_1VCPU_2GB MIX_6
		    "\"scaling\": {\"MinCapacity\": 2, \"MaxCapacity\": 30, \"ScalingPolicies\": [{"
		    "\"PolicyName\": \"t\", \"PolicyType\": \"TargetTrackingScaling\", "
		    "\"TargetTrackingScalingPolicyConfiguration\": "
		    "{\"PredefinedMetricSpecification\": "
		    "%s, \"ScaleOutCooldown\": 60, \"ScaleInCooldown\": 300}}]},"
		    "\"workload\": {\"type\": \"requests\", \"rate\": {\"kind\": \"diurnal\", "
		    "\"min_rps\": 100, \"max_rps\": 900}, \"service_time\": \"40ms\", "
		    "\"concurrency_per_task\": 4, \"timeout\": \"5s\", \"memory_base_percent\": "
		    "20, \"memory_per_rps\": 0.4},"
		    "\"spot\": {\"interruptions\": {\"model\": \"poisson\", "
		    "\"monthly_fraction\": 0.9}},"
		    "\"slo\": {\"max_dropped_fraction\": 0.00001}}",
		    policies[i]);
		struct run_metrics quiet, events, rows;
		metrics_with_sink(json, 0, &quiet);
		metrics_with_sink(json, 1, &events);
		metrics_with_sink(json, 2, &rows);
		free(json);
		assert_true(rows.scaling_activities > 10 && rows.interruptions > 0);
		assert_memory_equal(&quiet, &rows, sizeof(quiet));
		assert_memory_equal(&events, &rows, sizeof(quiet));
	}
}

/* ---- the per-request model against the analytic one ---- */

#define PER_REQUEST_REPS 8

static const char central_text[] =
    "{\"duration\": \"2h\", \"seed\": 11, " TASK_1VCPU_2GB INSTANT
    "\"service\": {\"desiredCount\": 1, \"launchType\": \"FARGATE\"},"
    "\"workload\": {\"type\": \"requests\", \"model\": \"%s\", \"rate\": {\"kind\": "
    "\"constant\", \"rps\": 100}, \"service_time\": \"exponential(100ms)\", "
    "\"concurrency_per_task\": 12, \"cpu_idle_percent\": 3}}";

/* Mean and 99 % half width over replications. */
static void mean_ci(const double *x, int n, double *mean, double *half)
{
	double sum = 0, ss = 0;
	for (int i = 0; i < n; i++)
		sum += x[i];
	*mean = sum / n;
	for (int i = 0; i < n; i++)
		ss += (x[i] - *mean) * (x[i] - *mean);
	*half = 3.499 * sqrt(ss / (n - 1) / n); /* t quantile 0.995, 7 degrees of freedom */
}

static void assert_analytic_in_ci(const char *what, const double *x, double analytic)
{
	double mean, half;
	mean_ci(x, PER_REQUEST_REPS, &mean, &half);
	printf("  %s: per request %.5f +- %.5f, analytic %.5f\n", what, mean, half, analytic);
	assert_true(fabs(mean - analytic) <= half);
	assert_true(half < 0.1 * analytic);
}

/*
 * Below capacity, one task of 12 slots (a central queue: what the analytic
 * model assumes of all slots): P(wait), mean wait and p95 of the
 * per-request replications bracket the analytic values, and utilization
 * and minute rows mean the same.
 */
static void test_per_request_matches_analytic(void **state)
{
	(void)state;
	double pw[PER_REQUEST_REPS], wq[PER_REQUEST_REPS], p95[PER_REQUEST_REPS];
	double cpu = 0;
	struct run a, r;
	char *json = xasprintf(central_text, "analytic");
	run_text(&a, json, 0);
	free(json);
	json = xasprintf(central_text, "per_request");
	for (int i = 0; i < PER_REQUEST_REPS; i++) {
		run_text(&r, json, (uint64_t)i);
		pw[i] = r.m.p_wait;
		wq[i] = r.m.mean_wait_s;
		p95[i] = r.m.p95_latency_s;
		assert_true(fabs(r.m.requests - 720000) < 5 * sqrt(720000));
		assert_true(r.m.dropped_fraction == 0 && r.m.availability == 1);
		assert_int_equal(r.seen.nminutes, 120);
		for (size_t m = 0; m < r.seen.nminutes; m++) {
			cpu += r.seen.minutes[m].cpu_pct / (120.0 * PER_REQUEST_REPS);
			assert_true(r.seen.minutes[m].p95_ms > 100 &&
				    r.seen.minutes[m].p95_ms < 800);
		}
		run_release(&r);
	}
	free(json);
	assert_analytic_in_ci("P(wait)", pw, a.m.p_wait);
	assert_analytic_in_ci("mean wait", wq, a.m.mean_wait_s);
	assert_analytic_in_ci("p95 latency", p95, a.m.p95_latency_s);
	printf("  cpu: per request %.3f %%, analytic %.3f %%\n", cpu, a.seen.minutes[60].cpu_pct);
	assert_true(fabs(cpu - a.seen.minutes[60].cpu_pct) < 0.5);
	run_release(&a);
}

/*
 * A Spot notice with shutdown 0: the requests the task holds are lost
 * (dropped); with 30 s to shut down, 10 s requests all finish.
 */
static double per_request_dropped(const char *shutdown)
{
	struct run r;
	char *json = xasprintf(
	    "{\"duration\": \"2h\", " TASK_1VCPU_2GB INSTANT
	    "\"service\": {\"desiredCount\": 1, \"capacityProviderStrategy\": ["
	    "{\"capacityProvider\": \"FARGATE_SPOT\", \"weight\": 1}]},"
	    "\"workload\": {\"type\": \"requests\", \"model\": \"per_request\", \"rate\": "
	    "{\"kind\": \"constant\", \"rps\": 1}, \"service_time\": \"fixed(10s)\", "
	    "\"concurrency_per_task\": 40, \"shutdown\": \"%s\"},"
	    "\"spot\": {\"interruptions\": {\"model\": \"scripted\", \"at\": [\"1h\"]}}}",
	    shutdown);
	run_text(&r, json, 0);
	double dropped = r.m.dropped_fraction * r.m.requests;
	assert_int_equal((long)r.m.interruptions, 1);
	free(json);
	run_release(&r);
	return dropped;
}

static void test_per_request_interruption(void **state)
{
	(void)state;
	double none = per_request_dropped("0s"), enough = per_request_dropped("120s");
	printf("  dropped: shutdown 0 s %.0f, 30 s %.0f\n", none, enough);
	assert_true(none >= 3 && none <= 20); /* about 10 in flight */
	assert_true(enough == 0);
}

/* Both models drive target tracking through CPU alike: the same scale-out, near enough. */
static void test_per_request_autoscaling(void **state)
{
	(void)state;
	static const char text[] =
	    "{\"duration\": \"2h\", " TASK_1VCPU_2GB INSTANT
	    "\"service\": {\"desiredCount\": 2, \"launchType\": \"FARGATE\"},"
	    "\"scaling\": {\"MinCapacity\": 1, \"MaxCapacity\": 20, \"ScalingPolicies\": [{"
	    "\"PolicyName\": \"cpu50\", \"PolicyType\": \"TargetTrackingScaling\","
	    "\"TargetTrackingScalingPolicyConfiguration\": {\"TargetValue\": 50,"
	    "\"PredefinedMetricSpecification\": {\"PredefinedMetricType\": "
	    "\"ECSServiceAverageCPUUtilization\"}}}]},"
	    "\"workload\": {\"type\": \"requests\", \"model\": \"%s\", \"rate\": {\"kind\": "
	    "\"steps\", \"steps\": [{\"at\": 0, \"rps\": 60}, {\"at\": \"30m\", \"rps\": 200}]}, "
	    "\"service_time\": \"100ms\", \"concurrency_per_task\": 10, \"cpu_idle_percent\": 2}}";
	struct run a, r;
	char *json = xasprintf(text, "analytic");
	run_text(&a, json, 0);
	free(json);
	json = xasprintf(text, "per_request");
	run_text(&r, json, 0);
	free(json);
	long da = last_minute(&a)->desired, dr = last_minute(&r)->desired;
	printf("  desired at the end: analytic %ld, per request %ld; mean tasks %.2f, %.2f\n", da,
	       dr, a.m.mean_running_tasks, r.m.mean_running_tasks);
	assert_true(da >= 4 && labs(da - dr) <= 1);
	assert_true(fabs(a.m.mean_running_tasks - r.m.mean_running_tasks) <
		    0.1 * a.m.mean_running_tasks);
	assert_true(r.m.scaling_activities >= 1);
	run_release(&a);
	run_release(&r);
}

/* ---- outage seconds, billed vCPU-hours, launches per hour ---- */

/*
 * One Spot task, 35 s of start-up (10 + 20 + 5): interrupted at 1 h, it
 * stops serving at the notice and its replacement, started then, runs 35 s
 * later; the initial start-up does not count. Two interruptions: 70 s.
 */
static void test_outage_seconds(void **state)
{
	(void)state;
	struct run r;
	run_text(&r,
		 "{\"duration\": \"3h\", " TASK_1VCPU_2GB
		 "\"startup\": {\"provisioning\": \"10s\", \"pull\": \"20s\", \"app_start\": "
		 "\"5s\"},"
		 "\"service\": {\"desiredCount\": 1, \"capacityProviderStrategy\": ["
		 "{\"capacityProvider\": \"FARGATE_SPOT\", \"weight\": 1}]},"
		 "\"spot\": {\"interruptions\": {\"model\": \"scripted\", \"at\": [\"1h\", "
		 "\"2h\"]}}}",
		 0);
	assert_int_equal((long)r.m.interruptions, 2);
	assert_true(fabs(r.m.outage_seconds - 70) < 1e-9);
	run_release(&r);
	/* a FARGATE base keeps one task serving through the same interruptions */
	run_text(&r,
		 "{\"duration\": \"3h\", " TASK_1VCPU_2GB
		 "\"startup\": {\"provisioning\": \"10s\", \"pull\": \"20s\", \"app_start\": "
		 "\"5s\"},"
		 "\"service\": {\"desiredCount\": 2, \"capacityProviderStrategy\": ["
		 "{\"capacityProvider\": \"FARGATE\", \"base\": 1, \"weight\": 0},"
		 "{\"capacityProvider\": \"FARGATE_SPOT\", \"weight\": 1}]},"
		 "\"spot\": {\"interruptions\": {\"model\": \"scripted\", \"at\": [\"1h\", "
		 "\"2h\"]}}}",
		 0);
	assert_true(r.m.outage_seconds == 0);
	run_release(&r);
}

/*
 * 0.5 vCPU tasks for 1 h, instant start-up: one FARGATE (3600 s) and one
 * Spot task interrupted at 10 s, stopped 30 s later (stopTimeout) and
 * billed the 60 s minimum, its replacement from 10 s to the end (3590 s).
 * vCPU-hours: FARGATE 0.5, Spot 0.5 x 3650 / 3600; 3 launches in 1 h.
 */
static void test_billed_vcpu_hours(void **state)
{
	(void)state;
	struct run r;
	run_text(&r,
		 "{\"duration\": \"1h\", \"taskDefinition\": {\"cpu\": \"512\", \"memory\": "
		 "\"1024\"}, " INSTANT
		 "\"service\": {\"desiredCount\": 2, \"capacityProviderStrategy\": ["
		 "{\"capacityProvider\": \"FARGATE\", \"base\": 1, \"weight\": 0},"
		 "{\"capacityProvider\": \"FARGATE_SPOT\", \"weight\": 1}]},"
		 "\"spot\": {\"interruptions\": {\"model\": \"scripted\", \"at\": [\"10s\"]}}}",
		 0);
	assert_true(fabs(r.m.billed_vcpu_hours_fargate - 0.5) < 1e-12);
	assert_true(fabs(r.m.billed_vcpu_hours_spot - 0.5 * 3650 / 3600) < 1e-12);
	assert_true(fabs(r.m.billed_vcpu_hours - (0.5 + 0.5 * 3650 / 3600)) < 1e-12);
	assert_true(fabs(r.m.tasks_launched_per_hour - 3) < 1e-12);
	assert_true(r.m.outage_seconds == 0);
	run_release(&r);
}

/* ---- edge cases ---- */

static void test_zero_tasks(void **state)
{
	(void)state;
	struct run r;
	run_text(&r,
		 "{\"duration\": \"1h\", " TASK_1VCPU_2GB
		 "\"service\": {\"desiredCount\": 0, \"launchType\": \"FARGATE\"},"
		 "\"workload\": {\"type\": \"requests\", \"rate\": {\"kind\": \"constant\", "
		 "\"rps\": 5}, \"service_time\": \"10ms\"}}",
		 0);
	assert_true(r.m.cost_usd == 0);
	assert_true(r.m.dropped_fraction == 1);
	assert_true(r.m.availability == 0);
	assert_true(isnan(r.m.p95_latency_s));
	assert_int_equal((long)r.m.tasks_launched, 0);
	run_release(&r);
}

static void test_zero_load(void **state)
{
	(void)state;
	struct run r;
	run_text(&r,
		 "{\"duration\": \"1h\", " TASK_1VCPU_2GB INSTANT
		 "\"service\": {\"desiredCount\": 2, \"launchType\": \"FARGATE\"},"
		 "\"workload\": {\"type\": \"requests\", \"rate\": {\"kind\": \"constant\", "
		 "\"rps\": 0}, \"service_time\": \"10ms\", \"cpu_idle_percent\": 4}}",
		 0);
	assert_true(r.m.requests == 0);
	assert_true(isnan(r.m.dropped_fraction));
	assert_true(r.m.availability == 1);
	assert_true(fabs(r.seen.minutes[5].cpu_pct - 4) < 1e-9);
	/* 2 tasks x 1 h at 0.0493704 USD per task-hour */
	assert_true(fabs(r.m.cost_usd - 2 * 0.0493704) < 1e-9);
	run_release(&r);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_cost_conservation),
	    cmocka_unit_test(test_erlang_c_agreement),
	    cmocka_unit_test(test_monthly_fraction),
	    cmocka_unit_test(test_poisson_count),
	    cmocka_unit_test(test_spot_never_available),
	    cmocka_unit_test(test_fallback_runs_on_fargate),
	    cmocka_unit_test(test_fallback_returns_to_spot),
	    cmocka_unit_test(test_interruption_as_capacity_goes),
	    cmocka_unit_test(test_single_spot_task_down),
	    cmocka_unit_test(test_inflight_lost_at_stop),
	    cmocka_unit_test(test_recorded_traces),
	    cmocka_unit_test(test_target_tracking_timing),
	    cmocka_unit_test(test_scheduled_action_minute),
	    cmocka_unit_test(test_scale_out_from_running_count),
	    cmocka_unit_test(test_deployment_suspends_scale_in),
	    cmocka_unit_test(test_deployment_lets_scale_out),
	    cmocka_unit_test(test_deployment_slo_minutes),
	    cmocka_unit_test(test_no_deployment_metrics),
	    cmocka_unit_test(test_step_template_bug),
	    cmocka_unit_test(test_scalable_target_max),
	    cmocka_unit_test(test_suspended_state_run),
	    cmocka_unit_test(test_queue_littles_law),
	    cmocka_unit_test(test_queue_scale_in_protection),
	    cmocka_unit_test(test_queue_spot_causes),
	    cmocka_unit_test(test_queue_deployment_protection),
	    cmocka_unit_test(test_determinism),
	    cmocka_unit_test(test_quiet_equals_sampled),
	    cmocka_unit_test(test_usual_minutes_kept),
	    cmocka_unit_test(test_per_request_matches_analytic),
	    cmocka_unit_test(test_per_request_interruption),
	    cmocka_unit_test(test_per_request_autoscaling),
	    cmocka_unit_test(test_zero_tasks),
	    cmocka_unit_test(test_zero_load),
	    cmocka_unit_test(test_outage_seconds),
	    cmocka_unit_test(test_billed_vcpu_hours),
	};
	rng_global_init();
	return cmocka_run_group_tests_name("replication", tests, NULL, NULL);
}
