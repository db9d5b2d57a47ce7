/*
 * Tests for the per-request model driven directly on an engine: the test
 * plays the service, calling per_request_task_* at chosen times.
 *
 * By failure mode: queueing laws on long stable runs, against Erlang C
 * and Erlang B within batch-means confidence intervals (the central queue,
 * random splitting, round robin and least outstanding requests, service
 * time variance, the loss system); overload and abandonment; tasks that
 * drain and stop (requests lost, counted); the arrival process (exact
 * pieces, thinning); accounting (minutes, samples, utilization);
 * edges (no task, unknown tasks, routing names); determinism and common
 * random numbers.
 *
 * Seeds are fixed, so every statistical check gives the same answer on
 * every run; the intervals are 99 % batch-means intervals, wide enough
 * that a legitimate change of generator would rarely trip them.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "spotsim/model/per_request.h"
#include "spotsim/model/queueing.h"
#include "spotsim/engine/rng.h"
#include "spotsim/util/strbuf.h"

#include <gsl/gsl_cdf.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define SEED	 20260302
#define EV_TEST	 900 /* arg: task id * OPS + op */
#define EV_BATCH 901
#define MAXBATCH 64
#define WARMUP	 1 /* batches dropped at the start */
#define LEVEL	 0.995

enum {
	OP_RUNNING,
	OP_DRAINING,
	OP_STOPPED,
	OPS
};

/* A rate source: constant, a list of exact steps, or a sine through thinning. */
struct rate {
	double rps;
	const sim_time *step_at; /* steps: rps[i] from step_at[i] to step_at[i + 1] */
	const double *step_rps;
	size_t nsteps;
	sim_time period; /* sine: rps (1 + sin(2 pi t / period)), bound 2 rps */
	sim_time piece_len;
};

struct batch {
	double served, waited, wait_sum;
};

struct rig {
	struct engine e;
	struct per_request_config c;
	struct rate rate;
	struct per_request *p;
	sim_time batch_len;
	struct batch b[MAXBATCH];
	int nb;
	struct per_request_totals prev;
};

static void constant_piece(void *ctx, sim_time t, struct per_request_piece *out)
{
	const struct rate *r = ctx;
	(void)t;
	*out = (struct per_request_piece){SIM_TIME_MAX, r->rps, true};
}

static void steps_piece(void *ctx, sim_time t, struct per_request_piece *out)
{
	const struct rate *r = ctx;
	size_t i = 0;
	while (i + 1 < r->nsteps && r->step_at[i + 1] <= t)
		i++;
	out->end = i + 1 < r->nsteps ? r->step_at[i + 1] : SIM_TIME_MAX;
	out->bound = r->step_rps[i];
	out->exact = true;
}

static void sine_piece(void *ctx, sim_time t, struct per_request_piece *out)
{
	const struct rate *r = ctx;
	*out = (struct per_request_piece){t + r->piece_len, 2 * r->rps, false};
}

static double sine_at(void *ctx, sim_time t)
{
	const struct rate *r = ctx;
	return r->rps * (1 + sin(2 * M_PI * (double)t / (double)r->period));
}

static void on_test(struct engine *e, struct event *ev, void *ctx)
{
	struct rig *r = ctx;
	int64_t task = ev->arg / OPS;
	(void)e;
	switch (ev->arg % OPS) {
	case OP_RUNNING:
		per_request_task_running(r->p, task);
		break;
	case OP_DRAINING:
		per_request_task_draining(r->p, task);
		break;
	default:
		per_request_task_stopped(r->p, task);
	}
}

static void on_batch(struct engine *e, struct event *ev, void *ctx)
{
	struct rig *r = ctx;
	const struct per_request_totals *t = per_request_totals(r->p);
	if (r->nb < MAXBATCH) {
		struct batch *b = &r->b[r->nb++];
		b->served = t->served - r->prev.served;
		b->waited = t->waited - r->prev.waited;
		b->wait_sum = t->wait_sum_s - r->prev.wait_sum_s;
	}
	r->prev = *t;
	engine_reschedule_after(e, ev, r->batch_len);
}

/* A rig with a constant rate, exponential service of `service`, `c` slots per task. */
static void rig_init(struct rig *r, double rps, const char *service, long c,
		     enum per_request_routing routing)
{
	struct strbuf why = STRBUF_INIT;
	memset(r, 0, sizeof(*r));
	assert_int_equal(dist_parse(service, NULL, &r->c.service_time, &why), 0);
	strbuf_release(&why);
	r->c.concurrency = c;
	r->c.timeout = 60 * SIM_SEC;
	r->c.routing = routing;
	r->rate.rps = rps;
	engine_init(&r->e);
	engine_on(&r->e, EV_TEST, on_test, r);
	engine_on(&r->e, EV_BATCH, on_batch, r);
}

static void rig_start(struct rig *r, void (*piece)(void *, sim_time, struct per_request_piece *),
		      double (*at)(void *, sim_time))
{
	struct per_request_rate rate = {&r->rate, piece, at};
	r->p = per_request_new(&r->e, &r->c, &rate, SEED, 0);
	per_request_start(r->p);
}

static void rig_tasks(struct rig *r, int n)
{
	for (int i = 1; i <= n; i++)
		per_request_task_running(r->p, i);
}

static void at(struct rig *r, sim_time t, int64_t task, int op)
{
	engine_at(&r->e, t, EV_TEST, NULL, task * OPS + op);
}

static void rig_release(struct rig *r)
{
	per_request_free(r->p);
	engine_release(&r->e);
	per_request_config_release(&r->c);
}

/* Runs `n` batches of `len` (plus the warm-up) and keeps the batch sums. */
static void run_batches(struct rig *r, int n, sim_time len)
{
	assert_true(n + WARMUP <= MAXBATCH);
	r->batch_len = len;
	engine_at(&r->e, len, EV_BATCH, NULL, 0);
	engine_run(&r->e, (sim_time)(n + WARMUP) * len);
}

/* The batch-means mean and 99 % half width of P(wait) (which = 0) or the mean wait (1). */
static void batch_ci(const struct rig *r, int which, double *mean, double *half)
{
	double x[MAXBATCH], sum = 0, ss = 0;
	int n = 0;
	for (int i = WARMUP; i < r->nb; i++) {
		const struct batch *b = &r->b[i];
		x[n] = (which == 0 ? b->waited : b->wait_sum) / b->served;
		sum += x[n++];
	}
	*mean = sum / n;
	for (int i = 0; i < n; i++)
		ss += (x[i] - *mean) * (x[i] - *mean);
	*half = gsl_cdf_tdist_Pinv(LEVEL, n - 1) * sqrt(ss / (n - 1) / n);
}

/* Asserts that `exact` lies in the batch-means interval, and that the interval is narrow. */
static void assert_in_ci(const struct rig *r, int which, double exact, double max_rel_half)
{
	double mean, half;
	batch_ci(r, which, &mean, &half);
	printf("  %s: simulated %.5f +- %.5f, exact %.5f\n", which ? "mean wait" : "P(wait)", mean,
	       half, exact);
	assert_true(fabs(mean - exact) <= half);
	assert_true(half <= max_rel_half * exact);
}

/* ---- queueing laws ---- */

/* One task of 12 slots with least outstanding requests is M/M/12: Erlang C. */
static void test_central_queue_erlang_c(void **state)
{
	struct rig r;
	(void)state;
	rig_init(&r, 100, "exponential(100ms)", 12, ROUTING_LEAST_OUTSTANDING);
	rig_start(&r, constant_piece, NULL);
	rig_tasks(&r, 1);
	run_batches(&r, 24, 15 * SIM_MIN);
	assert_in_ci(&r, 0, mmc_erlang_c(12, 10), 0.05);
	assert_in_ci(&r, 1, mmc_mean_wait(12, 100, 10), 0.08);
	/* the response time's p95 too, within the histogram's and sampling's few % */
	double p95 = per_request_latency_quantile(r.p, 0.95);
	double exact = mmc_response_quantile(12, 100, 10, 0.95);
	printf("  p95 latency: simulated %.5f, exact %.5f\n", p95, exact);
	assert_true(fabs(p95 - exact) <= 0.02 * exact);
	rig_release(&r);
}

/* Random routing splits Poisson arrivals: each task is an M/M/3 at a quarter of the rate. */
static void test_random_split_per_task_mmk(void **state)
{
	struct rig r;
	(void)state;
	rig_init(&r, 100, "exponential(100ms)", 3, ROUTING_RANDOM);
	rig_start(&r, constant_piece, NULL);
	rig_tasks(&r, 4);
	run_batches(&r, 24, 15 * SIM_MIN);
	assert_in_ci(&r, 0, mmc_erlang_c(3, 2.5), 0.05);
	assert_in_ci(&r, 1, mmc_mean_wait(3, 25, 10), 0.08);
	rig_release(&r);
}

/* Mean wait of 100 requests/s on `tasks` tasks of 12 / tasks slots (10 erlangs). */
static double mean_wait_of(enum per_request_routing routing, const char *service, int tasks,
			   double *p95)
{
	struct rig r;
	rig_init(&r, 100, service, 12 / tasks, routing);
	rig_start(&r, constant_piece, NULL);
	rig_tasks(&r, tasks);
	run_batches(&r, 12, 15 * SIM_MIN);
	const struct per_request_totals *t = per_request_totals(r.p);
	double w = t->wait_sum_s / t->served;
	if (p95)
		*p95 = per_request_wait_quantile(r.p, 0.95);
	rig_release(&r);
	return w;
}

/*
 * Round robin gives each task more regular arrivals than random splitting:
 * less waiting than the per-task M/M/3, more than the central M/M/12;
 * least outstanding requests waits less still.
 */
static void test_round_robin_and_least_outstanding(void **state)
{
	(void)state;
	double rr = mean_wait_of(ROUTING_ROUND_ROBIN, "exponential(100ms)", 4, NULL);
	double lor = mean_wait_of(ROUTING_LEAST_OUTSTANDING, "exponential(100ms)", 4, NULL);
	double per_task = mmc_mean_wait(3, 25, 10), central = mmc_mean_wait(12, 100, 10);
	printf("  mean wait: round robin %.5f, least outstanding %.5f, M/M/3 %.5f, M/M/12 %.5f\n",
	       rr, lor, per_task, central);
	assert_true(rr < 0.8 * per_task);
	assert_true(rr > central);
	assert_true(lor < rr);
	assert_true(lor > central);
}

/* Same mean service time, more variance: longer waits (fixed < exponential < lognormal). */
static void test_service_variance_raises_waits(void **state)
{
	double p95_fixed, p95_exp, p95_logn;
	(void)state;
	/* lognormal(median, 1) has mean median x e^0.5: 60.6531 ms gives 100 ms */
	double fixed = mean_wait_of(ROUTING_LEAST_OUTSTANDING, "fixed(100ms)", 1, &p95_fixed);
	double expo = mean_wait_of(ROUTING_LEAST_OUTSTANDING, "exponential(100ms)", 1, &p95_exp);
	double logn =
	    mean_wait_of(ROUTING_LEAST_OUTSTANDING, "lognormal(60.6531ms, 1)", 1, &p95_logn);
	printf("  mean wait: fixed %.5f, exponential %.5f, lognormal %.5f\n", fixed, expo, logn);
	printf("  p95 wait:  fixed %.5f, exponential %.5f, lognormal %.5f\n", p95_fixed, p95_exp,
	       p95_logn);
	assert_true(fixed < 0.8 * expo);
	assert_true(logn > 1.1 * expo);
	assert_true(p95_logn > 1.1 * p95_exp);
	assert_true(p95_fixed < p95_exp);
}

/* Erlang B recursion. */
static double erlang_b(long c, double a)
{
	double b = 1;
	for (long k = 1; k <= c; k++)
		b = a * b / ((double)k + a * b);
	return b;
}

/* timeout 0: a request that finds every slot busy is dropped; M/M/12/12 drops Erlang B. */
static void test_no_waiting_is_erlang_b(void **state)
{
	struct rig r;
	(void)state;
	rig_init(&r, 100, "exponential(100ms)", 12, ROUTING_LEAST_OUTSTANDING);
	r.c.timeout = 0;
	rig_start(&r, constant_piece, NULL);
	rig_tasks(&r, 1);
	engine_run(&r.e, 2 * SIM_HOUR);
	const struct per_request_totals *t = per_request_totals(r.p);
	double b = erlang_b(12, 10), frac = t->dropped / t->requests;
	double sd = sqrt(b * (1 - b) / t->requests);
	printf("  dropped %.5f, Erlang B %.5f\n", frac, b);
	assert_true(fabs(frac - b) < 8 * sd); /* dropping is correlated in time: wide */
	assert_true(t->waited == 0 && t->wait_sum_s == 0);
	assert_true(t->abandoned == t->dropped);
	rig_release(&r);
}

/* ---- overload and abandonment ---- */

static void test_overload_abandonment(void **state)
{
	struct rig r;
	(void)state;
	rig_init(&r, 150, "exponential(100ms)", 12, ROUTING_LEAST_OUTSTANDING);
	r.c.timeout = 2 * SIM_SEC;
	rig_start(&r, constant_piece, NULL);
	rig_tasks(&r, 1);
	engine_run(&r.e, SIM_HOUR);
	const struct per_request_totals *t = per_request_totals(r.p);
	double throughput = t->served / 3600, frac = t->dropped / t->requests;
	printf("  served %.3f/s (c mu 120), dropped %.4f (1 - c mu / lambda 0.2), max wait %.6f\n",
	       throughput, frac, per_request_wait_quantile(r.p, 1));
	assert_true(fabs(throughput - 120) < 0.01 * 120);
	assert_true(fabs(frac - 0.2) < 0.01);
	assert_true(per_request_wait_quantile(r.p, 1) < 2.0);
	assert_true(per_request_wait_quantile(r.p, 0.5) > 1.5); /* nearly everyone waits long */
	assert_true(t->abandoned == t->dropped && t->rejected == 0 && t->lost == 0);
	/* what is left: at most 12 in service and about 2 s of arrivals queued */
	assert_true(per_request_in_system(r.p) <= 12 + 400);
	assert_true(t->requests == t->served + t->dropped + (double)per_request_in_system(r.p));
	rig_release(&r);
}

/* ---- tasks that drain and stop ---- */

static const sim_time burst_at[] = {0, 10 * SIM_SEC};
static const double burst_rps[] = {10, 0};

/* A task that stops loses what it serves and what waits at it, all counted. */
static void test_stop_loses_inflight_and_queued(void **state)
{
	struct rig r;
	(void)state;
	rig_init(&r, 0, "fixed(1h)", 4, ROUTING_ROUND_ROBIN);
	r.c.timeout = 2 * SIM_HOUR;
	r.rate.step_at = burst_at;
	r.rate.step_rps = burst_rps;
	r.rate.nsteps = 2;
	rig_start(&r, steps_piece, NULL);
	rig_tasks(&r, 1);
	at(&r, 20 * SIM_SEC, 1, OP_STOPPED);
	engine_run(&r.e, 19 * SIM_SEC);
	const struct per_request_totals *t = per_request_totals(r.p);
	double n = t->requests;
	assert_true(n > 60 && n < 140); /* Poisson(100) */
	assert_int_equal(per_request_outstanding(r.p, 1), (long)n);
	assert_int_equal(per_request_in_system(r.p), (long)n);
	engine_run(&r.e, 30 * SIM_SEC);
	t = per_request_totals(r.p);
	assert_true(t->lost == n && t->dropped == n && t->served == 0);
	assert_int_equal(per_request_in_system(r.p), 0);
	assert_int_equal(per_request_outstanding(r.p, 1), 0);
	rig_release(&r);
}

/*
 * A draining task takes no new request but serves those it holds; new
 * requests go to the others; with no task left, requests are rejected.
 */
static void test_drain_then_reject(void **state)
{
	struct rig r;
	(void)state;
	/* each task gets 2.5 requests/s and serves 1/s: their queues grow */
	rig_init(&r, 5, "fixed(1s)", 1, ROUTING_ROUND_ROBIN);
	r.c.timeout = SIM_HOUR;
	rig_start(&r, constant_piece, NULL);
	rig_tasks(&r, 2);
	at(&r, 30 * SIM_SEC, 1, OP_DRAINING);
	at(&r, 200 * SIM_SEC, 2, OP_DRAINING);
	engine_run(&r.e, 30 * SIM_SEC);
	long held = per_request_outstanding(r.p, 1);
	assert_true(held > 20);
	/* one finishes every second; the one in service ends within (30 s, 31 s] */
	engine_run(&r.e, 30 * SIM_SEC + held * SIM_SEC - 1500 * SIM_MSEC);
	assert_true(per_request_outstanding(r.p, 1) >= 1);
	engine_run(&r.e, 30 * SIM_SEC + held * SIM_SEC);
	assert_int_equal(per_request_outstanding(r.p, 1), 0);
	assert_true(per_request_outstanding(r.p, 2) > 100);
	engine_run(&r.e, 200 * SIM_SEC);
	assert_true(per_request_totals(r.p)->rejected == 0);
	engine_run(&r.e, 260 * SIM_SEC);
	const struct per_request_totals *t = per_request_totals(r.p);
	printf("  held %ld at the drain; rejected %.0f in the last minute\n", held, t->rejected);
	assert_true(fabs(t->rejected - 300) < 5 * sqrt(300));
	assert_true(t->lost == 0 && t->abandoned == 0);
	rig_release(&r);
}

/* Calls about tasks the model does not know, or twice, change nothing. */
static void test_unknown_and_repeated_tasks(void **state)
{
	struct rig r;
	(void)state;
	rig_init(&r, 50, "exponential(100ms)", 2, ROUTING_LEAST_OUTSTANDING);
	rig_start(&r, constant_piece, NULL);
	per_request_task_stopped(r.p, 7);
	per_request_task_draining(r.p, 7);
	rig_tasks(&r, 3);
	per_request_task_running(r.p, 2);
	at(&r, 10 * SIM_SEC, 2, OP_DRAINING);
	at(&r, 11 * SIM_SEC, 2, OP_DRAINING);
	at(&r, 12 * SIM_SEC, 2, OP_STOPPED);
	at(&r, 13 * SIM_SEC, 2, OP_STOPPED);
	at(&r, 14 * SIM_SEC, 2, OP_RUNNING); /* a new life, empty */
	engine_run(&r.e, 20 * SIM_MIN);
	const struct per_request_totals *t = per_request_totals(r.p);
	assert_true(t->requests == t->served + t->dropped + (double)per_request_in_system(r.p));
	assert_true(t->rejected == 0);
	assert_true(t->served > 0.99 * t->requests);
	rig_release(&r);
}

/* ---- arrivals ---- */

static const sim_time step_at[] = {0, 10 * SIM_MIN, 20 * SIM_MIN};
static const double step_rps[] = {0, 200, 50};

/* Exact pieces: nothing where the rate is 0, the right counts elsewhere, per minute. */
static void test_exact_pieces_per_minute(void **state)
{
	struct rig r;
	double counts[3] = {0, 0, 0};
	struct per_request_minute m;
	(void)state;
	rig_init(&r, 0, "exponential(10ms)", 100, ROUTING_ROUND_ROBIN);
	r.rate.step_at = step_at;
	r.rate.step_rps = step_rps;
	r.rate.nsteps = 3;
	rig_start(&r, steps_piece, NULL);
	rig_tasks(&r, 1);
	for (int minute = 1; minute <= 60; minute++) {
		engine_run(&r.e, minute * SIM_MIN);
		per_request_take_minute(r.p, &m);
		counts[minute <= 10 ? 0 : minute <= 20 ? 1 : 2] += m.requests;
		if (minute <= 10)
			assert_true(m.requests == 0 && isnan(m.p95_s));
	}
	assert_true(counts[0] == 0);
	assert_true(fabs(counts[1] - 120000) < 5 * sqrt(120000));
	assert_true(fabs(counts[2] - 120000) < 5 * sqrt(120000));
	rig_release(&r);
}

/* Thinning against a bound gives the sine's expected counts, high and low half-periods apart. */
static void test_thinning_follows_the_rate(void **state)
{
	struct rig r;
	struct per_request_minute m;
	double high = 0, low = 0;
	(void)state;
	rig_init(&r, 50, "exponential(10ms)", 100, ROUTING_ROUND_ROBIN);
	r.rate.period = 10 * SIM_MIN;
	r.rate.piece_len = 7 * SIM_SEC; /* pieces that do not line up with the period */
	rig_start(&r, sine_piece, sine_at);
	rig_tasks(&r, 1);
	for (int minute = 1; minute <= 600; minute++) {
		engine_run(&r.e, minute * SIM_MIN);
		per_request_take_minute(r.p, &m);
		if ((minute - 1) % 10 < 5)
			high += m.requests;
		else
			low += m.requests;
	}
	/* each half-period: 50 x 300 s +- 50 x 600 s / pi, 60 of each */
	double swing = 50 * 600 / M_PI;
	double e_high = 60 * (15000 + swing), e_low = 60 * (15000 - swing);
	printf("  high %.0f (expect %.0f), low %.0f (expect %.0f)\n", high, e_high, low, e_low);
	assert_true(fabs(high - e_high) < 5 * sqrt(e_high));
	assert_true(fabs(low - e_low) < 5 * sqrt(e_low));
	rig_release(&r);
}

/* ---- accounting ---- */

/* Minutes add up to the totals; utilization is idle + 100 rho and base + per_rps x rate per task. */
static void test_minutes_and_utilization(void **state)
{
	struct rig r;
	struct per_request_minute m;
	double req = 0, served = 0, dropped = 0, cpu = 0, mem = 0, cpu_s = 0, mem_s = 0;
	(void)state;
	rig_init(&r, 100, "exponential(100ms)", 6, ROUTING_ROUND_ROBIN);
	r.c.cpu_idle_percent = 3;
	r.c.memory_base_percent = 20;
	r.c.memory_per_rps = 0.5;
	rig_start(&r, constant_piece, NULL);
	rig_tasks(&r, 2);
	for (int s = 1; s <= 3 * 120; s++) {
		double c, mm;
		engine_run(&r.e, s * 20 * SIM_SEC);
		per_request_sample(r.p, &c, &mm);
		cpu_s += c;
		mem_s += mm;
		if (s % 3)
			continue;
		per_request_take_minute(r.p, &m);
		req += m.requests;
		served += m.served;
		dropped += m.dropped;
		cpu += m.cpu_pct;
		mem += m.mem_pct;
		assert_true(m.p95_s > 0.2 && m.p95_s < 2);
	}
	const struct per_request_totals *t = per_request_totals(r.p);
	assert_true(req == t->requests && served == t->served && dropped == t->dropped);
	printf("  cpu %.3f %% (samples %.3f), mem %.3f %% (samples %.3f); expect 86.333, 45\n",
	       cpu / 120, cpu_s / 360, mem / 120, mem_s / 360);
	assert_true(fabs(cpu / 120 - (3 + 100 * 10.0 / 12)) < 1.0);
	assert_true(fabs(cpu_s / 360 - cpu / 120) < 1e-9);
	assert_true(fabs(mem / 120 - (20 + 0.5 * 50)) < 0.3);
	assert_true(fabs(t->busy_slot_seconds / t->task_seconds / 6 * 100 + 3 - cpu / 120) < 1e-9);
	assert_true(fabs(t->serving_seconds - 7200) < 1e-6 && fabs(t->task_seconds - 14400) < 1e-6);
	assert_true(t->routed == t->requests);
	rig_release(&r);
}

/* No task ever: every request rejected, utilization NAN, no latency. */
static void test_no_task(void **state)
{
	struct rig r;
	struct per_request_minute m;
	double cpu, mem;
	(void)state;
	rig_init(&r, 10, "exponential(100ms)", 1, ROUTING_RANDOM);
	rig_start(&r, constant_piece, NULL);
	engine_run(&r.e, SIM_MIN);
	per_request_take_minute(r.p, &m);
	per_request_sample(r.p, &cpu, &mem);
	assert_true(m.requests > 0 && m.dropped == m.requests && m.served == 0);
	assert_true(isnan(m.cpu_pct) && isnan(m.mem_pct) && isnan(m.p95_s));
	assert_true(isnan(cpu) && isnan(mem));
	assert_true(isnan(per_request_latency_quantile(r.p, 0.5)));
	assert_true(per_request_totals(r.p)->rejected == m.requests);
	rig_release(&r);
}

/* A zero rate for ever: no arrival event at all. */
static void test_zero_rate(void **state)
{
	struct rig r;
	(void)state;
	rig_init(&r, 0, "exponential(100ms)", 1, ROUTING_ROUND_ROBIN);
	rig_start(&r, constant_piece, NULL);
	assert_int_equal(engine_pending(&r.e), 0);
	engine_run(&r.e, SIM_DAY);
	assert_true(per_request_totals(r.p)->requests == 0);
	rig_release(&r);
}

static void test_routing_names(void **state)
{
	enum per_request_routing r;
	(void)state;
	for (int i = ROUTING_ROUND_ROBIN; i <= ROUTING_RANDOM; i++) {
		assert_true(per_request_routing_parse(per_request_routing_name(i), &r));
		assert_int_equal(r, i);
		assert_non_null(strstr(per_request_routing_names(), per_request_routing_name(i)));
	}
	assert_false(per_request_routing_parse("least_connections", &r));
	assert_false(per_request_routing_parse(NULL, &r));
	assert_null(per_request_routing_name((enum per_request_routing)7));
}

/* ---- determinism ---- */

static struct per_request_totals run_totals(enum per_request_routing routing, long c, int tasks)
{
	struct rig r;
	rig_init(&r, 80, "lognormal(50ms, 0.8)", c, routing);
	rig_start(&r, constant_piece, NULL);
	rig_tasks(&r, tasks);
	engine_run(&r.e, 10 * SIM_MIN);
	struct per_request_totals t = *per_request_totals(r.p);
	rig_release(&r);
	return t;
}

/* The same seed gives the same run; other tasks and routing see the same requests. */
static void test_determinism_and_common_random_numbers(void **state)
{
	(void)state;
	struct per_request_totals a = run_totals(ROUTING_RANDOM, 2, 3);
	struct per_request_totals b = run_totals(ROUTING_RANDOM, 2, 3);
	struct per_request_totals c = run_totals(ROUTING_ROUND_ROBIN, 5, 2);
	assert_memory_equal(&a, &b, sizeof(a));
	assert_true(a.requests == c.requests);
	assert_true(a.wait_sum_s != c.wait_sum_s);
}

int main(void)
{
	rng_global_init();
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_central_queue_erlang_c),
	    cmocka_unit_test(test_random_split_per_task_mmk),
	    cmocka_unit_test(test_round_robin_and_least_outstanding),
	    cmocka_unit_test(test_service_variance_raises_waits),
	    cmocka_unit_test(test_no_waiting_is_erlang_b),
	    cmocka_unit_test(test_overload_abandonment),
	    cmocka_unit_test(test_stop_loses_inflight_and_queued),
	    cmocka_unit_test(test_drain_then_reject),
	    cmocka_unit_test(test_unknown_and_repeated_tasks),
	    cmocka_unit_test(test_exact_pieces_per_minute),
	    cmocka_unit_test(test_thinning_follows_the_rate),
	    cmocka_unit_test(test_minutes_and_utilization),
	    cmocka_unit_test(test_no_task),
	    cmocka_unit_test(test_zero_rate),
	    cmocka_unit_test(test_routing_names),
	    cmocka_unit_test(test_determinism_and_common_random_numbers),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
