/*
 * Tests for the service scheduler driven directly on an engine: scale-in
 * orders, maximumPercent, launch throttling and its queues, vCPU quotas,
 * and an interruption at the same instant as a desired-count change.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "testutil.h"

#include "spotsim/engine/rng.h"
#include "spotsim/model/service.h"
#include "spotsim/scenario/scenario.h"
#include "spotsim/util/xalloc.h"

#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

enum {
	EV_SET_DESIRED = 900,
	EV_PROBE
};

struct rig {
	struct scenario sc;
	struct price_table prices;
	struct engine e;
	struct spot *spot;
	struct service *svc;
	long placed_by[4]; /* PENDING events by 1 s, 20 s, 60 s, 61 s */
	char log[8192];	   /* "EVENT:task " ... for order checks */
	struct service_counts probe;
	long fallbacks;		 /* FALLBACK events */
	sim_time fallback_at[2]; /* the first's and the last's time */
	/* every PENDING event in order, when `launches` is set (room for max_launches) */
	struct launch_row {
		int64_t task;
		sim_time t;
		bool spot;
	} * launches;
	size_t nlaunches, max_launches;
	/* while `watch` is set: the fewest RUNNING and the most PROVISIONING/PENDING/RUNNING */
	bool watch;
	long min_serving, max_up;
	long capacity_reclaims; /* SPOT_INTERRUPTION rows with cause=capacity_reclaim */
	sim_time reclaim_at[2]; /* the first's and the last's time */
	sim_time deploy_started, deploy_completed; /* -1 until seen */
	long deploy_blocked;
	bool deploying_seen; /* service_deployment_in_progress() was true at a probe */
	char completed[256]; /* the DEPLOYMENT_COMPLETED row's detail */
};

/* Follows the counts at every row while a deployment is watched. */
static void watch_counts(struct rig *r)
{
	struct service_counts c;
	if (!r->watch || !r->svc)
		return;
	service_counts(r->svc, &c);
	long up = c.running[0] + c.running[1] + c.pending[0] + c.pending[1];
	if (c.serving < r->min_serving)
		r->min_serving = c.serving;
	if (up > r->max_up)
		r->max_up = up;
}

static void on_deployment_row(struct rig *r, const struct event_row *row)
{
	if (!strcmp(row->event, "DEPLOYMENT_STARTED")) {
		r->deploy_started = row->t;
		r->watch = true;
		r->min_serving = LONG_MAX;
		r->max_up = 0;
	} else if (!strcmp(row->event, "DEPLOYMENT_COMPLETED")) {
		r->deploy_completed = row->t;
		r->watch = false;
		snprintf(r->completed, sizeof(r->completed), "%s", row->detail);
	} else if (!strcmp(row->event, "DEPLOYMENT_BLOCKED")) {
		r->deploy_blocked++;
	}
}

static void on_event(void *ctx, const struct event_row *row)
{
	struct rig *r = ctx;
	double t = (double)row->t / 1e6;
	if (!strcmp(row->event, "PENDING") && r->launches && r->nlaunches < r->max_launches)
		r->launches[r->nlaunches++] = (struct launch_row){
		    row->task_id, row->t, !strcmp(row->provider, "FARGATE_SPOT")};
	if (!strcmp(row->event, "FALLBACK")) {
		r->fallback_at[r->fallbacks++ > 0] = row->t;
	}
	if (!strcmp(row->event, "SPOT_INTERRUPTION") &&
	    !strncmp(row->detail, "cause=capacity_reclaim", 22))
		r->reclaim_at[r->capacity_reclaims++ > 0] = row->t;
	on_deployment_row(r, row);
	watch_counts(r);
	if (!strcmp(row->event, "PENDING")) {
		r->placed_by[0] += t < 1;
		r->placed_by[1] += t <= 20;
		r->placed_by[2] += t < 60;
		r->placed_by[3] += t <= 61;
	}
	size_t n = strlen(r->log);
	if (n + 64 < sizeof(r->log))
		snprintf(r->log + n, sizeof(r->log) - n, "%s:%lld@%.0f ", row->event,
			 (long long)row->task_id, t);
}

static void set_desired(struct engine *e, struct event *ev, void *ctx)
{
	(void)e;
	service_set_desired(((struct rig *)ctx)->svc, ev->arg);
}

static void probe(struct engine *e, struct event *ev, void *ctx)
{
	(void)e;
	(void)ev;
	struct rig *r = ctx;
	service_counts(r->svc, &r->probe);
	r->deploying_seen |= service_deployment_in_progress(r->svc);
}

static void rig_init(struct rig *r, const char *json)
{
	char *path = testutil_write_temp(json, ".json");
	struct diag d;
	memset(r, 0, sizeof(*r));
	r->deploy_started = r->deploy_completed = -1;
	diag_init(&d);
	pricing_init(&r->prices);
	int rc = scenario_load(&r->sc, path, &d);
	unlink(path);
	free(path);
	if (rc == 0)
		rc = pricing_load(&r->prices, "data/pricing.csv", &d);
	if (rc)
		diag_write(&d, stderr);
	assert_int_equal(rc, 0);
	diag_release(&d);
	const struct price_rate *rates[PROVIDER_COUNT];
	for (int p = 0; p < PROVIDER_COUNT; p++)
		rates[p] =
		    pricing_find(&r->prices, "us-east-1", (enum provider)p, OS_LINUX, ARCH_X86_64);
	struct service_hooks hooks = {.ctx = r, .event = on_event};
	engine_init(&r->e);
	r->spot = spot_new(&r->sc.spot, r->sc.seed, 0, r->sc.duration);
	struct service_config cfg = scenario_service_config(&r->sc);
	r->svc = service_new(&r->e, &cfg, rates, r->spot, 0, &hooks);
	engine_on(&r->e, EV_SET_DESIRED, set_desired, r);
	engine_on(&r->e, EV_PROBE, probe, r);
	service_start(r->svc);
}

static void rig_release(struct rig *r)
{
	struct service_totals t;
	service_finish(r->svc, &t);
	service_free(r->svc);
	spot_free(r->spot);
	engine_release(&r->e);
	scenario_release(&r->sc);
	pricing_release(&r->prices);
}

#define BASE                                                                                       \
	"\"taskDefinition\": {\"cpu\": \"256\", \"memory\": \"512\"}, "                            \
	"\"startup\": {\"provisioning\": \"0s\", \"pull\": \"0s\", \"app_start\": \"0s\"}, "
#define MIX(n)                                                                                     \
	"\"service\": {\"desiredCount\": " #n ", \"capacityProviderStrategy\": ["                  \
	"{\"capacityProvider\": \"FARGATE\", \"base\": 2, \"weight\": 1},"                         \
	"{\"capacityProvider\": \"FARGATE_SPOT\", \"weight\": 3}]}"

/* Scale 10 -> 4 and look at what is left running. */
static void scale_in_leaves(const char *order, long fargate, long spot)
{
	struct rig r;
	char *json = xasprintf(
	    "{\"duration\": \"2h\", \"scale_in_order\": \"%s\", " BASE MIX(10) "}", order);
	rig_init(&r, json);
	engine_at(&r.e, SIM_HOUR, EV_SET_DESIRED, NULL, 4);
	engine_at(&r.e, 90 * SIM_MIN, EV_PROBE, NULL, 0);
	engine_run(&r.e, 2 * SIM_HOUR);
	print_message("%s: %ld FARGATE, %ld FARGATE_SPOT\n", order, r.probe.running[0],
		      r.probe.running[1]);
	assert_int_equal(r.probe.running[PROVIDER_FARGATE], fargate);
	assert_int_equal(r.probe.running[PROVIDER_FARGATE_SPOT], spot);
	assert_int_equal(r.probe.draining, 0);
	free(json);
	rig_release(&r);
}

static void test_scale_in_orders(void **state)
{
	(void)state;
	/* 10 tasks are 4/6; the placement split of 4 is 3/1 */
	scale_in_leaves("balanced", 3, 1);
	scale_in_leaves("spot_first", 4, 0);
	scale_in_leaves("on_demand_first", 0, 4);
	/* newest first: launched F F F S S S F S S S, so tasks 1-4 (3 F, 1 S) stay */
	scale_in_leaves("newest", 3, 1);
}

/* maximumPercent 100: the replacement of an interrupted task waits for it to stop. */
static void test_maximum_percent(void **state)
{
	(void)state;
	struct rig r;
	rig_init(&r, "{\"duration\": \"2h\", " BASE
		     "\"service\": {\"desiredCount\": 2, \"capacityProviderStrategy\": "
		     "[{\"capacityProvider\": \"FARGATE_SPOT\", \"weight\": 1}], "
		     "\"deploymentConfiguration\": {\"maximumPercent\": 100}},"
		     "\"spot\": {\"interruptions\": {\"model\": \"scripted\", \"at\": [\"1h\"]}}}");
	engine_at(&r.e, SIM_HOUR + 10 * SIM_SEC, EV_PROBE, NULL, 0);
	engine_run(&r.e, 2 * SIM_HOUR);
	/* 10 s after the notice the old task is STOPPING (30 s default) and nothing new started */
	assert_int_equal(r.probe.running[PROVIDER_FARGATE_SPOT], 1);
	assert_int_equal(r.probe.pending[PROVIDER_FARGATE_SPOT], 0);
	assert_int_equal(r.probe.draining, 1);
	assert_non_null(strstr(r.log, "STOPPED:"));
	assert_non_null(strstr(r.log, "PROVISIONING:3@3630"));
	rig_release(&r);
}

/* With the default 200 %, the replacement starts at the notice. */
static void test_replacement_at_notice(void **state)
{
	(void)state;
	struct rig r;
	rig_init(&r, "{\"duration\": \"2h\", " BASE
		     "\"service\": {\"desiredCount\": 2, \"capacityProviderStrategy\": "
		     "[{\"capacityProvider\": \"FARGATE_SPOT\", \"weight\": 1}]},"
		     "\"spot\": {\"interruptions\": {\"model\": \"scripted\", \"at\": [\"1h\"]}}}");
	engine_run(&r.e, 2 * SIM_HOUR);
	assert_non_null(strstr(r.log, "PROVISIONING:3@3600"));
	rig_release(&r);
}

/*
 * 1,000 tasks at once: a burst of 100, then 20 a second (119 within the first
 * second: 100 + one every 50 ms), and no more than 500 in any minute.
 */
static void test_launch_throttling(void **state)
{
	(void)state;
	struct rig r;
	rig_init(&r, "{\"duration\": \"10m\", " BASE
		     "\"service\": {\"desiredCount\": 1000, \"launchType\": \"FARGATE\"}}");
	engine_run(&r.e, 10 * SIM_MIN);
	print_message("placed by 1 s: %ld, 20 s: %ld, 60 s: %ld, 61 s: %ld\n", r.placed_by[0],
		      r.placed_by[1], r.placed_by[2], r.placed_by[3]);
	assert_int_equal(r.placed_by[0], 119);
	assert_int_equal(r.placed_by[1], 500);
	assert_int_equal(r.placed_by[2], 500);
	assert_true(r.placed_by[3] > 500);
	rig_release(&r);
}

/*
 * On-demand and Spot launches draw from separate buckets: with a 1:1
 * strategy, 119 tasks start on each within the first second (238 in all,
 * against 119 from one bucket above).
 */
static void test_throttling_buckets_per_provider(void **state)
{
	(void)state;
	struct rig r;
	rig_init(&r, "{\"duration\": \"10m\", " BASE
		     "\"service\": {\"desiredCount\": 1000, \"capacityProviderStrategy\": ["
		     "{\"capacityProvider\": \"FARGATE\", \"weight\": 1},"
		     "{\"capacityProvider\": \"FARGATE_SPOT\", \"weight\": 1}]}}");
	engine_run(&r.e, 10 * SIM_MIN);
	assert_int_equal(r.placed_by[0], 238);
	assert_int_equal(r.placed_by[2], 500); /* the service's 500 a minute still holds */
	rig_release(&r);
}

/*
 * When the k-th task of a scale-out from 0 to 3,500 at T0 launches (k = 1
 * for the first; FIFO, so the k-th task by id launches k-th). Both limits
 * at once: the bucket (100 tasks, then one per 50 ms) and 500 launches in
 * any 60 s.
 *   minute 0: tasks 1-100 at T0 (the full bucket); then one per 50 ms:
 *             task 100 + j at T0 + j x 50 ms, so task 500 at T0 + 20 s.
 *             Task 501 finds 500 launches in the last 60 s and waits.
 *   minute 1: at T0 + 60 s the 100 launches of T0 leave the window, and
 *             the bucket has refilled to 100 (40 s idle x 20/s, capped),
 *             so tasks 501-600 launch at T0 + 60 s; from then on each
 *             launch of minute 0 (one per 50 ms) leaving the window lets
 *             one more through, as does the bucket: task 600 + j at
 *             T0 + 60 s + j x 50 ms, task 1,000 at T0 + 80 s.
 *   minute m repeats minute 0 shifted by 60 m s: task 500 m + r launches at
 *             T0 + 60 m s when r <= 100, else at T0 + 60 m s + (r - 100) x 50 ms.
 * So task 3,500 = 500 x 6 + 500 launches at T0 + 360 s + 400 x 50 ms = T0 + 380 s.
 */
static sim_time expected_launch(sim_time t0, long k)
{
	long m = (k - 1) / 500, r = (k - 1) % 500 + 1;
	return t0 + m * SIM_MIN + (r <= 100 ? 0 : (r - 100) * 50 * SIM_MSEC);
}

static void rig_record_launches(struct rig *r, size_t max)
{
	r->launches = xcalloc(max, sizeof(*r->launches));
	r->max_launches = max;
}

/* 0 -> 3,500 tasks on FARGATE: every launch when the throttle's rules say, in FIFO order. */
static void test_throttled_scale_out_timing(void **state)
{
	(void)state;
	struct rig r;
	const sim_time t0 = 5 * SIM_MIN;
	rig_init(&r, "{\"duration\": \"1h\", " BASE
		     "\"service\": {\"desiredCount\": 0, \"launchType\": \"FARGATE\"}}");
	rig_record_launches(&r, 4000);
	engine_at(&r.e, t0, EV_SET_DESIRED, NULL, 3500);
	engine_run(&r.e, 30 * SIM_MIN);
	assert_int_equal(r.nlaunches, 3500);
	for (size_t i = 0; i < r.nlaunches; i++) {
		assert_int_equal(r.launches[i].task, (int64_t)i + 1);
		assert_int_equal(r.launches[i].t, expected_launch(t0, (long)i + 1));
	}
	print_message("task 3500 launched at T0 + %.2f s\n",
		      simtime_seconds(r.launches[3499].t - t0));
	assert_int_equal(r.launches[3499].t, t0 + 380 * SIM_SEC);
	free(r.launches);
	rig_release(&r);
}

/*
 * The service quota is adjustable: at 10,000 launches a minute it never
 * binds on 3,500 tasks, and only the bucket does: 100 at once, then one per
 * 50 ms, so task 3,500 launches at T0 + (3,500 - 100) / 20 s = T0 + 170 s.
 */
static void test_launches_per_minute_quota(void **state)
{
	(void)state;
	struct rig r;
	const sim_time t0 = 5 * SIM_MIN;
	rig_init(&r, "{\"duration\": \"1h\", " BASE
		     "\"limits\": {\"service_launches_per_minute\": 10000},"
		     "\"service\": {\"desiredCount\": 0, \"launchType\": \"FARGATE\"}}");
	rig_record_launches(&r, 4000);
	engine_at(&r.e, t0, EV_SET_DESIRED, NULL, 3500);
	engine_run(&r.e, 30 * SIM_MIN);
	assert_int_equal(r.nlaunches, 3500);
	for (size_t i = 0; i < r.nlaunches; i++) {
		long k = (long)i + 1;
		assert_int_equal(r.launches[i].t, t0 + (k <= 100 ? 0 : (k - 100) * 50 * SIM_MSEC));
	}
	print_message("task 3500 launched at T0 + %.2f s\n",
		      simtime_seconds(r.launches[3499].t - t0));
	assert_int_equal(r.launches[3499].t, t0 + 170 * SIM_SEC);
	free(r.launches);
	rig_release(&r);
}

/*
 * Tasks held back by the throttle are served first come, first served:
 * 100 tasks arriving while 500 wait go behind them, and the 50 a scale-in
 * then stops (the newest, not yet RUNNING) leave the queue without ever
 * launching.
 */
static void test_throttle_queue_fifo(void **state)
{
	(void)state;
	struct rig r;
	rig_init(&r, "{\"duration\": \"1h\", " BASE
		     "\"service\": {\"desiredCount\": 0, \"launchType\": \"FARGATE\"}}");
	rig_record_launches(&r, 1000);
	engine_at(&r.e, SIM_MIN, EV_SET_DESIRED, NULL, 600);
	engine_at(&r.e, SIM_MIN + SIM_SEC, EV_SET_DESIRED, NULL, 700);
	engine_at(&r.e, SIM_MIN + 2 * SIM_SEC, EV_SET_DESIRED, NULL, 650);
	engine_at(&r.e, 10 * SIM_MIN, EV_PROBE, NULL, 0);
	engine_run(&r.e, 20 * SIM_MIN);
	assert_int_equal(r.nlaunches, 650);
	for (size_t i = 0; i < r.nlaunches; i++) {
		assert_int_equal(r.launches[i].task, (int64_t)i + 1);
		assert_int_equal(r.launches[i].t, expected_launch(SIM_MIN, (long)i + 1));
	}
	assert_int_equal(r.probe.running[PROVIDER_FARGATE], 650);
	assert_int_equal(r.probe.pending[PROVIDER_FARGATE], 0);
	free(r.launches);
	rig_release(&r);
}

/*
 * With two buckets, each provider's tasks launch in the order they came;
 * once the service's 500 a minute holds both back, the two queues are
 * served together in order of arrival.
 */
static void test_throttle_queues_share_the_minute(void **state)
{
	(void)state;
	struct rig r;
	int64_t last[2] = {0, 0}, last_any = 0;
	rig_init(&r, "{\"duration\": \"1h\", " BASE
		     "\"service\": {\"desiredCount\": 1000, \"capacityProviderStrategy\": ["
		     "{\"capacityProvider\": \"FARGATE\", \"weight\": 1},"
		     "{\"capacityProvider\": \"FARGATE_SPOT\", \"weight\": 3}]}}");
	rig_record_launches(&r, 2000);
	engine_run(&r.e, 30 * SIM_MIN);
	assert_int_equal(r.nlaunches, 1000);
	for (size_t i = 0; i < r.nlaunches; i++) {
		const struct launch_row *l = &r.launches[i];
		assert_true(l->task > last[l->spot]);
		last[l->spot] = l->task;
		if (l->t >= SIM_MIN) { /* past the first minute: the service limit binds */
			assert_true(l->task > last_any);
			last_any = l->task;
		}
	}
	assert_true(last_any > 0);
	free(r.launches);
	rig_release(&r);
}

/*
 * A Spot task can wait on the throttle longer than the fallback's `after`:
 * 1,000 Spot tasks at 0 s, 500 launched by 20 s and the rest held back by
 * the 500 a minute until 60 s, when capacity has been gone since 30 s. Each
 * then fails its placement with its `after` (10 s) long past, so it falls
 * back at once, and the fallback's launches on FARGATE go at the rate of
 * that bucket (100 at once, one per 50 ms). reclaim_running 0 leaves the
 * 500 running Spot tasks alone through the shortage.
 */
static void test_fallback_after_throttle_wait(void **state)
{
	(void)state;
	struct rig r;
	char *trace = testutil_write_temp("start,end\n30s,1h\n", ".csv");
	char *json =
	    xasprintf("{\"duration\": \"2h\", " BASE
		      "\"service\": {\"desiredCount\": 1000, \"capacityProviderStrategy\": "
		      "[{\"capacityProvider\": \"FARGATE_SPOT\", \"weight\": 1}]},"
		      "\"spot\": {\"capacity\": {\"model\": \"trace\", \"file\": \"%s\","
		      " \"reclaim_running\": 0},"
		      "\"fallback\": {\"after\": \"10s\", \"to\": \"FARGATE\"}}}",
		      trace);
	rig_init(&r, json);
	engine_at(&r.e, 60 * SIM_SEC + 1, EV_PROBE, NULL, 0);
	engine_run(&r.e, 2 * SIM_HOUR);
	unlink(trace);
	assert_int_equal(r.fallbacks, 500);
	assert_int_equal(r.fallback_at[0], 60 * SIM_SEC);
	assert_int_equal(r.fallback_at[1], 60 * SIM_SEC);
	assert_int_equal(r.probe.running[PROVIDER_FARGATE_SPOT], 500);
	assert_int_equal(r.probe.running[PROVIDER_FARGATE], 100);
	assert_int_equal(r.probe.pending[PROVIDER_FARGATE], 400);
	free(json);
	free(trace);
	rig_release(&r);
}

/* A vCPU quota of 1 with 0.25 vCPU tasks: 4 run, the rest wait in PROVISIONING. */
static void test_vcpu_quota(void **state)
{
	(void)state;
	struct rig r;
	rig_init(&r, "{\"duration\": \"1h\", " BASE "\"limits\": {\"fargate_vcpu\": 1},"
		     "\"service\": {\"desiredCount\": 6, \"launchType\": \"FARGATE\"}}");
	engine_at(&r.e, 30 * SIM_MIN, EV_PROBE, NULL, 0);
	engine_run(&r.e, SIM_HOUR);
	assert_int_equal(r.probe.running[PROVIDER_FARGATE], 4);
	assert_int_equal(r.probe.pending[PROVIDER_FARGATE], 2);
	assert_non_null(strstr(r.log, "PLACEMENT_FAILURE:5@0"));
	rig_release(&r);
}

/* An interruption and a desired-count change at the same instant. */
static void test_interruption_with_scaling(void **state)
{
	(void)state;
	struct rig r;
	rig_init(&r, "{\"duration\": \"2h\", " BASE MIX(
			 10) ", \"spot\": {\"interruptions\": {\"model\": \"scripted\", \"at\": "
			     "[{\"at\": \"1h\", \"count\": 3}]}}}");
	engine_at(&r.e, SIM_HOUR, EV_SET_DESIRED, NULL, 4);
	engine_at(&r.e, 90 * SIM_MIN, EV_PROBE, NULL, 0);
	engine_run(&r.e, 2 * SIM_HOUR);
	/* whichever runs first, the service settles at the split of 4 with nothing left over */
	assert_int_equal(r.probe.running[PROVIDER_FARGATE] + r.probe.running[PROVIDER_FARGATE_SPOT],
			 4);
	assert_int_equal(r.probe.running[PROVIDER_FARGATE], 3);
	assert_int_equal(r.probe.pending[0] + r.probe.pending[1] + r.probe.draining, 0);
	rig_release(&r);
}

/* Runs the rig's engine up to `t` (events at t included) and takes the counts. */
static void counts_at(struct rig *r, sim_time t, struct service_counts *c)
{
	engine_run(&r->e, t);
	service_counts(r->svc, c);
}

#define ALL_SPOT(n)                                                                                \
	"\"service\": {\"desiredCount\": " #n ", \"capacityProviderStrategy\": "                   \
	"[{\"capacityProvider\": \"FARGATE_SPOT\", \"weight\": 1}]}"

/*
 * An all-Spot service of 4 tasks through a shortage from 1h to 2h (`extra`
 * goes into spot.capacity, `fallback` into spot). Returns the rig, run to
 * 1h30, for the caller to look at and then release.
 */
static void through_shortage(struct rig *r, char **trace, const char *extra, const char *fallback)
{
	*trace = testutil_write_temp("start,end\n1h,2h\n", ".csv");
	char *json = xasprintf("{\"duration\": \"4h\", " BASE ALL_SPOT(
				   4) ", \"spot\": {\"capacity\": {\"model\": \"trace\", "
				      "\"file\": \"%s\"%s}%s}}",
			       *trace, extra, fallback);
	rig_init(r, json);
	free(json);
}

static void release_shortage(struct rig *r, char *trace)
{
	unlink(trace);
	free(trace);
	rig_release(r);
}

/*
 * By default a shortage reclaims every running Spot task: each gets the
 * notice as capacity goes (1h) and stops 30 s later; the replacements wait
 * in PROVISIONING until capacity is back (2h), then start within the
 * retry back-off (at most 120 s).
 */
static void test_capacity_reclaims_running(void **state)
{
	(void)state;
	struct rig r;
	struct service_counts c;
	char *trace;
	through_shortage(&r, &trace, "", "");
	counts_at(&r, SIM_HOUR + 10 * SIM_SEC, &c);
	assert_int_equal(r.capacity_reclaims, 4);
	assert_int_equal(r.reclaim_at[0], SIM_HOUR);
	assert_int_equal(r.reclaim_at[1], SIM_HOUR);
	assert_int_equal(c.serving, 0);
	assert_int_equal(c.draining, 4);
	assert_int_equal(c.pending[PROVIDER_FARGATE_SPOT], 4); /* replacements, waiting */
	counts_at(&r, 90 * SIM_MIN, &c);
	assert_int_equal(c.serving, 0);
	assert_int_equal(c.pending[PROVIDER_FARGATE_SPOT], 4);
	counts_at(&r, 2 * SIM_HOUR - 1, &c);
	assert_int_equal(c.serving, 0);
	counts_at(&r, 2 * SIM_HOUR + 2 * SIM_MIN, &c);
	assert_int_equal(c.running[PROVIDER_FARGATE_SPOT], 4);
	assert_non_null(strstr(r.log, "SPOT_INTERRUPTION:1@3600"));
	release_shortage(&r, trace);
}

/* reclaim_running 0: today's behaviour, running tasks sail through; 0.5 takes exactly 2 of 4. */
static void test_capacity_reclaim_share(void **state)
{
	(void)state;
	struct rig r;
	struct service_counts c;
	char *trace;
	through_shortage(&r, &trace, ", \"reclaim_running\": 0", "");
	counts_at(&r, 90 * SIM_MIN, &c);
	assert_int_equal(r.capacity_reclaims, 0);
	assert_int_equal(c.running[PROVIDER_FARGATE_SPOT], 4);
	release_shortage(&r, trace);

	through_shortage(&r, &trace, ", \"reclaim_running\": 0.5", "");
	counts_at(&r, 90 * SIM_MIN, &c);
	assert_int_equal(r.capacity_reclaims, 2);
	assert_int_equal(c.running[PROVIDER_FARGATE_SPOT], 2);
	assert_int_equal(c.pending[PROVIDER_FARGATE_SPOT], 2);
	release_shortage(&r, trace);
}

/* With the fallback, the reclaimed tasks' replacements run on FARGATE after `after`. */
static void test_capacity_reclaim_fallback(void **state)
{
	(void)state;
	struct rig r;
	struct service_counts c;
	char *trace;
	through_shortage(&r, &trace, "",
			 ", \"fallback\": {\"after\": \"2m\", \"to\": \"FARGATE\"}");
	counts_at(&r, SIM_HOUR + 2 * SIM_MIN - 1, &c);
	assert_int_equal(c.serving, 0);
	counts_at(&r, SIM_HOUR + 3 * SIM_MIN, &c);
	assert_int_equal(c.running[PROVIDER_FARGATE], 4);
	assert_int_equal(c.running[PROVIDER_FARGATE_SPOT], 0);
	assert_int_equal(r.fallbacks, 4);
	release_shortage(&r, trace);
}

/*
 * A wave with a shortage: the wave at 1h takes half of the 4 Spot tasks,
 * and Spot capacity is then gone for 30 minutes, so their replacements
 * wait; the two left run on (a wave's shortage reclaims no more).
 */
static void test_wave_shortage(void **state)
{
	(void)state;
	struct rig r;
	struct service_counts c;
	struct reclaim first;
	rig_init(&r,
		 "{\"duration\": \"30d\", \"seed\": 3, " BASE ALL_SPOT(
		     4) ", \"spot\": {\"interruptions\": {\"model\": \"waves\", "
			"\"mean_interval\": \"5d\", \"fraction\": 0.5, \"shortage\": \"30m\"}}}");
	/* the same spot model, seed and replication: its first wave is the service's */
	struct spot *twin = spot_new(&r.sc.spot, r.sc.seed, 0, r.sc.duration);
	assert_true(spot_next_reclaim(twin, &first));
	spot_free(twin);
	assert_int_equal(first.shortage, 30 * SIM_MIN);
	counts_at(&r, first.at, &c);
	assert_false(service_spot_available(r.svc));
	assert_int_equal(r.capacity_reclaims,
			 0); /* the wave took its share, the shortage no more */
	assert_int_equal(c.running[PROVIDER_FARGATE_SPOT], 2);
	counts_at(&r, first.at + 29 * SIM_MIN, &c);
	assert_false(service_spot_available(r.svc));
	assert_int_equal(c.running[PROVIDER_FARGATE_SPOT], 2);
	assert_int_equal(c.pending[PROVIDER_FARGATE_SPOT], 2);
	counts_at(&r, first.at + 30 * SIM_MIN, &c);
	assert_true(service_spot_available(r.svc));
	counts_at(&r, first.at + 33 * SIM_MIN, &c);
	assert_int_equal(c.running[PROVIDER_FARGATE_SPOT], 4);
	rig_release(&r);
}

/*
 * maximumPercent bounds replacements, not scale-outs: scaled 10 -> 2, the
 * 8 stopped tasks drain for the target group's 300 s; scaled 2 -> 4 two
 * minutes later, the two new tasks start at once (maximumPercent 100 would
 * otherwise count the draining tasks against the new count).
 */
static void scale_out_while_draining(int maximum_percent)
{
	struct rig r;
	struct service_counts c;
	char *json =
	    xasprintf("{\"duration\": \"2h\", " BASE
		      "\"workload\": {\"type\": \"requests\", \"rate\": {\"kind\": \"constant\", "
		      "\"rps\": 1}, \"service_time\": \"40ms\"},"
		      "\"service\": {\"desiredCount\": 10, \"launchType\": \"FARGATE\", "
		      "\"deploymentConfiguration\": {\"maximumPercent\": %d}}}",
		      maximum_percent);
	rig_init(&r, json);
	free(json);
	engine_at(&r.e, SIM_HOUR, EV_SET_DESIRED, NULL, 2);
	engine_at(&r.e, SIM_HOUR + 2 * SIM_MIN, EV_SET_DESIRED, NULL, 4);
	counts_at(&r, SIM_HOUR + 2 * SIM_MIN, &c);
	assert_int_equal(c.draining, 8);
	assert_int_equal(c.running[PROVIDER_FARGATE], 4); /* BASE starts tasks in no time */
	assert_non_null(strstr(r.log, "PROVISIONING:11@3720"));
	assert_non_null(strstr(r.log, "PROVISIONING:12@3720"));
	rig_release(&r);
}

static void test_scale_out_while_draining(void **state)
{
	(void)state;
	scale_out_while_draining(200); /* the default */
	scale_out_while_draining(100);
}

/* Start-up 10 s + 25 s + 5 s (the defaults), no load balancer: stops take the 30 s stopTimeout. */
#define PLAIN_10                                                                                   \
	"\"taskDefinition\": {\"cpu\": \"256\", \"memory\": \"512\"}, "                            \
	"\"service\": {\"desiredCount\": 10, \"launchType\": \"FARGATE\", "                        \
	"\"deploymentConfiguration\": {\"maximumPercent\": %d, \"minimumHealthyPercent\": %d}}, "

/* A deployment of 10 tasks at 1h, watched to its end. */
static void deploy_10(struct rig *r, int max_pct, int min_pct, const char *extra)
{
	char *json =
	    xasprintf("{\"duration\": \"3h\", " PLAIN_10 "\"deployments\": [{\"at\": \"1h\"%s}]}",
		      max_pct, min_pct, extra);
	rig_init(r, json);
	free(json);
	engine_at(&r->e, SIM_HOUR + 30 * SIM_SEC, EV_PROBE, NULL, 0);
	engine_run(&r->e, 3 * SIM_HOUR);
	print_message("%d/%d: %.0f s, serving >= %ld, up <= %ld; %s\n", max_pct, min_pct,
		      simtime_seconds(r->deploy_completed - r->deploy_started), r->min_serving,
		      r->max_up, r->completed);
}

/*
 * maximumPercent 200, minimumHealthyPercent 100: ten new tasks at once,
 * the old ones drain when the new are healthy: start-up 40 s + grace 40 s
 * + the old ones' 30 s stop = 110 s; never fewer than 10 serving.
 */
static void test_deployment_200_100(void **state)
{
	(void)state;
	struct rig r;
	deploy_10(&r, 200, 100, "");
	assert_int_equal(r.deploy_started, SIM_HOUR);
	assert_int_equal(r.deploy_completed, SIM_HOUR + 110 * SIM_SEC);
	assert_int_equal(r.min_serving, 10);
	assert_int_equal(r.max_up, 20);
	assert_true(r.deploying_seen);
	assert_false(service_deployment_in_progress(r.svc));
	assert_non_null(strstr(r.completed, "min_serving=10"));
	assert_non_null(strstr(r.completed, "seconds=110.000"));
	rig_release(&r);
}

/*
 * maximumPercent 100, minimumHealthyPercent 50: five old tasks stop at
 * once, five new start in their room; when those are healthy (80 s) the
 * other five go and five more start, RUNNING at 120 s. Never more than 10
 * tasks PROVISIONING, PENDING or RUNNING, never fewer than 5 serving.
 */
static void test_deployment_100_50(void **state)
{
	(void)state;
	struct rig r;
	deploy_10(&r, 100, 50, "");
	assert_int_equal(r.deploy_completed, SIM_HOUR + 120 * SIM_SEC);
	assert_int_equal(r.min_serving, 5);
	assert_int_equal(r.max_up, 10);
	assert_non_null(strstr(r.completed, "min_serving=5"));
	rig_release(&r);
}

/* A scale-out during a deployment starts at once, as new tasks. */
static void test_deployment_scale_out(void **state)
{
	(void)state;
	struct rig r;
	char *json = xasprintf(
	    "{\"duration\": \"3h\", " PLAIN_10 "\"deployments\": [{\"at\": \"1h\"}]}", 200, 100);
	rig_init(&r, json);
	free(json);
	engine_at(&r.e, SIM_HOUR + 20 * SIM_SEC, EV_SET_DESIRED, NULL, 12);
	engine_run(&r.e, 3 * SIM_HOUR);
	assert_non_null(strstr(r.log, "DESIRED_COUNT:0@3620 PROVISIONING:21@3620 "
				      "PROVISIONING:22@3620"));
	assert_true(r.deploy_completed > 0);
	assert_int_equal(r.min_serving, 10);
	rig_release(&r);
}

/* 100 / 100 with one task leaves nothing to stop or start: ECS's deployment is stuck. */
static void test_deployment_blocked(void **state)
{
	(void)state;
	struct rig r;
	struct service_counts c;
	rig_init(&r, "{\"duration\": \"3h\", " BASE
		     "\"service\": {\"desiredCount\": 1, \"launchType\": \"FARGATE\", "
		     "\"deploymentConfiguration\": {\"maximumPercent\": 100}},"
		     "\"deployments\": [{\"at\": \"1h\"}]}");
	counts_at(&r, 2 * SIM_HOUR, &c);
	assert_int_equal(r.deploy_blocked, 1);
	assert_int_equal(r.deploy_completed, -1);
	assert_true(service_deployment_in_progress(r.svc));
	assert_int_equal(c.running[PROVIDER_FARGATE], 1);
	struct service_totals t;
	service_finish(r.svc, &t);
	assert_int_equal(t.deployments, 1);
	assert_true(fabs(t.deployment_seconds - 3600) < 1e-6); /* counted up to the end */
	service_free(r.svc);
	spot_free(r.spot);
	engine_release(&r.e);
	scenario_release(&r.sc);
	pricing_release(&r.prices);
}

/*
 * A new size: 0.5 vCPU / 1 GB after 0.25 vCPU / 0.5 GB costs twice as
 * much per hour, and the new stopTimeout (120 s) is what a later stop
 * waits for.
 */
static void test_deployment_new_size(void **state)
{
	(void)state;
	struct rig r;
	rig_init(&r,
		 "{\"duration\": \"5h\", " BASE
		 "\"service\": {\"desiredCount\": 2, \"launchType\": \"FARGATE\"},"
		 "\"deployments\": [{\"at\": \"1h\", \"taskDefinition\": {\"cpu\": \"512\", "
		 "\"memory\": \"1024\", \"containerDefinitions\": [{\"stopTimeout\": 120}]}}]}");
	engine_run(&r.e, 10 * SIM_MIN);
	double c0 = service_cost_accrued(r.svc);
	engine_run(&r.e, 40 * SIM_MIN);
	double before = service_cost_accrued(r.svc) - c0;
	engine_run(&r.e, 2 * SIM_HOUR);
	double c1 = service_cost_accrued(r.svc);
	engine_run(&r.e, 2 * SIM_HOUR + 30 * SIM_MIN);
	double after = service_cost_accrued(r.svc) - c1;
	print_message("USD per 30 min: %.6f before, %.6f after\n", before, after);
	assert_true(fabs(after / before - 2.0) < 1e-9);
	engine_at(&r.e, 3 * SIM_HOUR, EV_SET_DESIRED, NULL, 0);
	engine_run(&r.e, 5 * SIM_HOUR);
	assert_non_null(strstr(r.log, "STOPPING:3@10800"));
	assert_non_null(strstr(r.log, "STOPPED:3@10920"));
	rig_release(&r);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_scale_in_orders),
	    cmocka_unit_test(test_maximum_percent),
	    cmocka_unit_test(test_replacement_at_notice),
	    cmocka_unit_test(test_launch_throttling),
	    cmocka_unit_test(test_throttling_buckets_per_provider),
	    cmocka_unit_test(test_throttled_scale_out_timing),
	    cmocka_unit_test(test_launches_per_minute_quota),
	    cmocka_unit_test(test_throttle_queue_fifo),
	    cmocka_unit_test(test_throttle_queues_share_the_minute),
	    cmocka_unit_test(test_fallback_after_throttle_wait),
	    cmocka_unit_test(test_vcpu_quota),
	    cmocka_unit_test(test_interruption_with_scaling),
	    cmocka_unit_test(test_capacity_reclaims_running),
	    cmocka_unit_test(test_capacity_reclaim_share),
	    cmocka_unit_test(test_capacity_reclaim_fallback),
	    cmocka_unit_test(test_wave_shortage),
	    cmocka_unit_test(test_scale_out_while_draining),
	    cmocka_unit_test(test_deployment_200_100),
	    cmocka_unit_test(test_deployment_100_50),
	    cmocka_unit_test(test_deployment_scale_out),
	    cmocka_unit_test(test_deployment_blocked),
	    cmocka_unit_test(test_deployment_new_size),
	};
	rng_global_init();
	return cmocka_run_group_tests_name("service", tests, NULL, NULL);
}
