/*
 * Tests for workload: rate shapes, noise, and the
 * M/M/c accounting at its edges (no task, no load, overload).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "spotsim/util/diag.h"
#include "spotsim/util/error.h"
#include "spotsim/model/queueing.h"
#include "spotsim/engine/rng.h"
#include "spotsim/model/workload.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define MONDAY_2026_01_05 INT64_C(1767571200)

static void check_rel(double got, double want, double tol, const char *what)
{
	if (!(fabs(got - want) <= tol * fabs(want)))
		fail_msg("%s: got %.17g, want %.17g (relative tolerance %g)", what, got, want, tol);
}

/* ---- rate shapes ---- */

static void test_kind_names(void **state)
{
	(void)state;
	enum rate_kind k;
	const char *names[] = {"constant", "diurnal", "steps", "spikes", "trace"};
	for (int i = 0; i < 5; i++) {
		assert_true(rate_kind_parse(names[i], &k));
		assert_int_equal(k, i);
		assert_string_equal(rate_kind_name(k), names[i]);
	}
	assert_false(rate_kind_parse("sine", &k));
	assert_false(rate_kind_parse(NULL, &k));
	assert_null(rate_kind_name((enum rate_kind)42));
}

static void test_constant(void **state)
{
	(void)state;
	struct rate_shape r = {.kind = RATE_CONSTANT, .rps = 42.5};
	assert_true(rate_shape_at(&r, 0, MONDAY_2026_01_05) == 42.5);
	assert_true(rate_shape_at(&r, 30 * SIM_DAY, MONDAY_2026_01_05) == 42.5);
}

static void test_diurnal(void **state)
{
	(void)state;
	struct rate_shape r = {
	    .kind = RATE_DIURNAL, .min_rps = 100, .max_rps = 1000, .peak = 14 * SIM_HOUR};
	int64_t s = MONDAY_2026_01_05;
	check_rel(rate_shape_at(&r, 14 * SIM_HOUR, s), 1000, 1e-12, "max at peak");
	check_rel(rate_shape_at(&r, 26 * SIM_HOUR, s), 100, 1e-12, "min at peak + 12h");
	check_rel(rate_shape_at(&r, 2 * SIM_HOUR, s), 100, 1e-12, "min at peak - 12h");
	check_rel(rate_shape_at(&r, 20 * SIM_HOUR, s), 550, 1e-12, "midpoint at peak + 6h");
	/* the time of day comes from the start, not from t = 0 */
	check_rel(rate_shape_at(&r, 12 * SIM_HOUR, s + 2 * 3600), 1000, 1e-12, "start at 02:00");
	for (sim_time t = 0; t < 2 * SIM_DAY; t += 7 * SIM_MIN) {
		double v = rate_shape_at(&r, t, s);
		assert_true(v >= 100 - 1e-9 && v <= 1000 + 1e-9);
	}
}

static void test_diurnal_weekly(void **state)
{
	(void)state;
	struct rate_shape r = {.kind = RATE_DIURNAL,
			       .min_rps = 100,
			       .max_rps = 1000,
			       .peak = 14 * SIM_HOUR,
			       .weekly_factor = {1.0, 0.9, 0.8, 0.7, 0.6, 0.5, 0.4},
			       .has_weekly = true};
	int64_t s = MONDAY_2026_01_05;
	check_rel(rate_shape_at(&r, 14 * SIM_HOUR, s), 1000, 1e-12, "Monday peak");
	check_rel(rate_shape_at(&r, 26 * SIM_HOUR, s), 90, 1e-12, "Tuesday 02:00");
	check_rel(rate_shape_at(&r, 4 * SIM_DAY + 14 * SIM_HOUR, s), 600, 1e-12, "Friday peak");
	check_rel(rate_shape_at(&r, 6 * SIM_DAY + 14 * SIM_HOUR, s), 400, 1e-12, "Sunday peak");
	check_rel(rate_shape_at(&r, 7 * SIM_DAY + 14 * SIM_HOUR, s), 1000, 1e-12,
		  "next Monday peak");
	/* a start on Wednesday 2026-01-07 makes t = 14h a Wednesday */
	check_rel(rate_shape_at(&r, 14 * SIM_HOUR, s + 2 * 86400), 800, 1e-12, "Wednesday start");
}

/*
 * A diurnal workload read every 20 seconds (as a replication's ticks do),
 * with now and then a read between ticks, answers exactly what the shape
 * does: its remembered rates are found by stepping from the previous read.
 */
static void test_diurnal_reads_in_steps(void **state)
{
	static const struct request_model model = {0.04, 4, 10, 3, 0, 0, false};
	struct rate_shape daily = {
	    .kind = RATE_DIURNAL, .min_rps = 200, .max_rps = 2000, .peak = 14 * SIM_HOUR};
	struct rate_shape weekly = daily;
	const int64_t starts[] = {MONDAY_2026_01_05, MONDAY_2026_01_05 + 7,
				  MONDAY_2026_01_05 - 3601};
	(void)state;
	weekly.has_weekly = true;
	for (int k = 0; k < 7; k++)
		weekly.weekly_factor[k] = 1.0 - 0.07 * k;
	for (int i = 0; i < 6; i++) {
		const struct rate_shape *r = i % 2 ? &weekly : &daily;
		int64_t start = starts[i / 2];
		struct workload *w = workload_new(r, &model, start, 1, 0);
		for (sim_time t = 0; t < 9 * SIM_DAY; t += 20 * SIM_SEC) {
			assert_true(workload_rate(w, t) == rate_shape_at(r, t, start));
			if (t % (997 * 20 * SIM_SEC) == 0) /* an event between ticks */
				assert_true(workload_rate(w, t + 3 * SIM_SEC) ==
					    rate_shape_at(r, t + 3 * SIM_SEC, start));
		}
		workload_free(w);
	}
}

static void test_steps(void **state)
{
	(void)state;
	struct rate_point pts[] = {{SIM_HOUR, 100}, {3 * SIM_HOUR, 300}, {5 * SIM_HOUR, 0}};
	struct rate_shape r = {.kind = RATE_STEPS, .points = pts, .npoints = 3};
	assert_true(rate_shape_at(&r, 0, 0) == 0);
	assert_true(rate_shape_at(&r, SIM_HOUR - 1, 0) == 0);
	assert_true(rate_shape_at(&r, SIM_HOUR, 0) == 100);
	assert_true(rate_shape_at(&r, 3 * SIM_HOUR - 1, 0) == 100);
	assert_true(rate_shape_at(&r, 3 * SIM_HOUR, 0) == 300);
	assert_true(rate_shape_at(&r, 5 * SIM_HOUR, 0) == 0);
	assert_true(rate_shape_at(&r, 100 * SIM_HOUR, 0) == 0);
	struct rate_shape empty = {.kind = RATE_STEPS};
	assert_true(rate_shape_at(&empty, SIM_HOUR, 0) == 0);
}

static void test_spikes(void **state)
{
	(void)state;
	struct rate_spike sp[] = {
	    {.at = SIM_HOUR, .duration = 10 * SIM_MIN, .rps = 500, .has_rps = true},
	    {.at = SIM_HOUR + 5 * SIM_MIN, .duration = 10 * SIM_MIN, .factor = 3},
	    {.at = 2 * SIM_HOUR, .duration = SIM_MIN, .rps = 50, .has_rps = true},
	};
	struct rate_shape r = {.kind = RATE_SPIKES, .base_rps = 100, .spikes = sp, .nspikes = 3};
	assert_true(rate_shape_at(&r, SIM_HOUR - 1, 0) == 100);
	assert_true(rate_shape_at(&r, SIM_HOUR, 0) == 500);
	/* overlap: the largest wins, whatever the order */
	assert_true(rate_shape_at(&r, SIM_HOUR + 7 * SIM_MIN, 0) == 500);
	assert_true(rate_shape_at(&r, SIM_HOUR + 12 * SIM_MIN, 0) == 300);
	assert_true(rate_shape_at(&r, SIM_HOUR + 15 * SIM_MIN, 0) == 100); /* end excluded */
	/* a spike sets the rate, even below the base */
	assert_true(rate_shape_at(&r, 2 * SIM_HOUR + 30 * SIM_SEC, 0) == 50);
	assert_true(rate_shape_at(&r, 2 * SIM_HOUR + SIM_MIN, 0) == 100);
	struct rate_spike swapped[] = {sp[1], sp[0]};
	r.spikes = swapped;
	r.nspikes = 2;
	assert_true(rate_shape_at(&r, SIM_HOUR + 7 * SIM_MIN, 0) == 500);
}

/* Where each shape says its rate may change next. */
static void test_next_change(void **state)
{
	(void)state;
	struct rate_shape c = {.kind = RATE_CONSTANT, .rps = 5};
	assert_true(rate_shape_next_change(&c, 0) == SIM_TIME_MAX);
	struct rate_shape d = {.kind = RATE_DIURNAL, .min_rps = 1, .max_rps = 2};
	assert_true(rate_shape_next_change(&d, 7 * SIM_SEC) == 7 * SIM_SEC + 1);
	struct rate_point pts[] = {{SIM_HOUR, 100}, {3 * SIM_HOUR, 300}};
	struct rate_shape st = {.kind = RATE_STEPS, .points = pts, .npoints = 2};
	assert_true(rate_shape_next_change(&st, 0) == SIM_HOUR);
	assert_true(rate_shape_next_change(&st, SIM_HOUR) == 3 * SIM_HOUR);
	assert_true(rate_shape_next_change(&st, 3 * SIM_HOUR) == SIM_TIME_MAX);
	struct rate_spike sp[] = {
	    {.at = SIM_HOUR, .duration = 10 * SIM_MIN, .rps = 500, .has_rps = true},
	    {.at = SIM_HOUR + 5 * SIM_MIN, .duration = 10 * SIM_MIN, .factor = 3},
	};
	struct rate_shape spk = {.kind = RATE_SPIKES, .base_rps = 1, .spikes = sp, .nspikes = 2};
	assert_true(rate_shape_next_change(&spk, 0) == SIM_HOUR);
	assert_true(rate_shape_next_change(&spk, SIM_HOUR) == SIM_HOUR + 5 * SIM_MIN);
	assert_true(rate_shape_next_change(&spk, SIM_HOUR + 5 * SIM_MIN) ==
		    SIM_HOUR + 10 * SIM_MIN);
	assert_true(rate_shape_next_change(&spk, SIM_HOUR + 14 * SIM_MIN) ==
		    SIM_HOUR + 15 * SIM_MIN);
	assert_true(rate_shape_next_change(&spk, SIM_HOUR + 15 * SIM_MIN) == SIM_TIME_MAX);
	/* a trace of 0..3 min repeating: rows at 1 and 2 min, then its period */
	struct rate_point tp[] = {{SIM_MIN, 10}, {2 * SIM_MIN, 20}};
	struct rate_shape tr = {
	    .kind = RATE_TRACE, .points = tp, .npoints = 2, .trace_period = 3 * SIM_MIN};
	assert_true(rate_shape_next_change(&tr, 0) == SIM_MIN);
	assert_true(rate_shape_next_change(&tr, 2 * SIM_MIN) == 3 * SIM_MIN);
	assert_true(rate_shape_next_change(&tr, 3 * SIM_MIN) == 4 * SIM_MIN);
	assert_true(rate_shape_next_change(&tr, 5 * SIM_MIN + 1) == 6 * SIM_MIN);
	/* between two changes the rate is what it was at the first */
	const struct rate_shape *shapes[] = {&st, &spk, &tr};
	for (size_t i = 0; i < 3; i++) {
		for (sim_time t = 0; t < 4 * SIM_HOUR; t = rate_shape_next_change(shapes[i], t)) {
			sim_time next = rate_shape_next_change(shapes[i], t);
			sim_time mid = next == SIM_TIME_MAX ? t + SIM_HOUR : t + (next - t) / 2;
			assert_true(rate_shape_at(shapes[i], mid, 0) ==
				    rate_shape_at(shapes[i], t, 0));
			assert_true(rate_shape_at(shapes[i], next - 1, 0) ==
					rate_shape_at(shapes[i], t, 0) ||
				    next == SIM_TIME_MAX);
		}
	}
}

/* ---- noise ---- */

static const struct request_model web = {
    .service_time_s = 0.040,
    .concurrency = 4,
    .timeout_s = 10,
    .cpu_idle_percent = 5,
    .memory_base_percent = 20,
    .memory_per_rps = 0.1,
};

/* The same service with the steady-state model: each interval a steady M/M/c queue. */
static const struct request_model web_steady = {
    .service_time_s = 0.040,
    .concurrency = 4,
    .timeout_s = 10,
    .cpu_idle_percent = 5,
    .memory_base_percent = 20,
    .memory_per_rps = 0.1,
    .steady_state = true,
};

#define NOISE_PERIODS 20000

static struct rate_shape noisy(double sd)
{
	return (struct rate_shape){
	    .kind = RATE_CONSTANT, .rps = 100, .noise_sd = sd, .noise_period = SIM_MIN};
}

static void test_noise_mean_and_sd(void **state)
{
	(void)state;
	struct rate_shape r = noisy(0.3);
	struct workload *w = workload_new(&r, &web, 0, 7, 0);
	double sum = 0, sum2 = 0;
	for (int n = 0; n < NOISE_PERIODS; n++) {
		double f = workload_rate(w, n * SIM_MIN) / 100;
		assert_true(f > 0);
		sum += f;
		sum2 += f * f;
	}
	double mean = sum / NOISE_PERIODS;
	double sd = sqrt(sum2 / NOISE_PERIODS - mean * mean);
	/* the mean's standard error is 0.3 / sqrt(20000) = 0.0021: 0.015 is 7 of them */
	assert_true(fabs(mean - 1) < 0.015);
	assert_true(fabs(sd - 0.3) < 0.03);
	workload_free(w);
}

static void test_noise_streams(void **state)
{
	(void)state;
	struct rate_shape r = noisy(0.2);
	struct workload *a = workload_new(&r, &web, 0, 7, 0);
	struct workload *b = workload_new(&r, &web, 0, 7, 0);
	struct workload *other_rep = workload_new(&r, &web, 0, 7, 1);
	struct workload *other_seed = workload_new(&r, &web, 0, 8, 0);
	int same_rep = 0, same_seed = 0;
	for (int n = 0; n < 50; n++) {
		sim_time t = n * SIM_MIN;
		double fa = workload_rate(a, t);
		assert_true(fa == workload_rate(b, t));
		same_rep += fa == workload_rate(other_rep, t);
		same_seed += fa == workload_rate(other_seed, t);
	}
	assert_int_equal(same_rep, 0);
	assert_int_equal(same_seed, 0);
	workload_free(a);
	workload_free(b);
	workload_free(other_rep);
	workload_free(other_seed);
}

static void test_noise_independent_of_calls(void **state)
{
	(void)state;
	struct rate_shape r = noisy(0.5);
	r.noise_period = 5 * SIM_MIN;
	struct workload *once = workload_new(&r, &web, 0, 3, 2);
	struct workload *often = workload_new(&r, &web, 0, 3, 2);
	struct workload *skip = workload_new(&r, &web, 0, 3, 2);
	struct workload *back = workload_new(&r, &web, 0, 3, 2);
	double first[40];
	for (int n = 0; n < 40; n++) {
		first[n] = workload_rate(once, n * r.noise_period + 2 * SIM_MIN);
		for (int k = 0; k < 7; k++) {
			double f = workload_rate(often, n * r.noise_period + k * 40 * SIM_SEC);
			assert_true(f == first[n]);
		}
	}
	/* jumping straight to period 33 draws the same factor */
	assert_true(workload_rate(skip, 33 * r.noise_period) == first[33]);
	assert_true(workload_rate(skip, 39 * r.noise_period + 1) == first[39]);
	/* going back (callers should not) still answers the same */
	assert_true(workload_rate(back, 20 * r.noise_period) == first[20]);
	assert_true(workload_rate(back, 3 * r.noise_period) == first[3]);
	assert_true(workload_rate(back, 21 * r.noise_period) == first[21]);
	workload_free(once);
	workload_free(often);
	workload_free(skip);
	workload_free(back);
}

static void test_no_noise(void **state)
{
	(void)state;
	struct rate_shape r = noisy(0);
	struct workload *w = workload_new(&r, &web, 0, 7, 0);
	for (int n = 0; n < 10; n++)
		assert_true(workload_rate(w, n * SIM_HOUR) == 100);
	workload_free(w);
}

/* ---- accounting ---- */

static void test_no_serving_task(void **state)
{
	(void)state;
	struct rate_shape r = {.kind = RATE_CONSTANT, .rps = 100};
	struct workload *w = workload_new(&r, &web, 0, 1, 0);
	struct workload_instant in;
	workload_instant(w, &in); /* before any advance */
	assert_true(in.lambda == 0 && isnan(in.cpu_pct) && isnan(workload_instant_p95(w)));
	workload_advance(w, 0, SIM_MIN, 0);
	const struct workload_totals *tot = workload_totals(w);
	check_rel(tot->requests, 6000, 1e-12, "requests");
	check_rel(tot->dropped, 6000, 1e-12, "dropped");
	assert_true(tot->served == 0 && tot->serving_seconds == 0);
	workload_instant(w, &in);
	assert_true(in.lambda == 100 && in.dropped_rate == 100);
	assert_true(isnan(in.cpu_pct) && isnan(in.mem_pct) && isnan(workload_instant_p95(w)) &&
		    isnan(in.p_wait));
	struct workload_minute m;
	workload_take_minute(w, &m);
	assert_true(m.dropped == 6000 && m.served == 0);
	assert_true(isnan(m.cpu_pct) && isnan(m.mem_pct) && isnan(m.p95_s));
	assert_true(isnan(workload_latency_quantile(w, 0.95)));
	workload_free(w);
}

static void test_zero_load(void **state)
{
	(void)state;
	struct rate_shape r = {.kind = RATE_CONSTANT, .rps = 0};
	struct workload *w = workload_new(&r, &web, 0, 1, 0);
	for (sim_time t = 0; t < SIM_MIN; t += 20 * SIM_SEC)
		workload_advance(w, t, t + 20 * SIM_SEC, 2);
	const struct workload_totals *tot = workload_totals(w);
	assert_true(tot->requests == 0 && tot->served == 0 && tot->dropped == 0);
	check_rel(tot->serving_seconds, 60, 1e-12, "serving seconds");
	check_rel(tot->cpu_pct_seconds, 5 * 60, 1e-12, "cpu integral");
	struct workload_instant in;
	workload_instant(w, &in);
	assert_true(in.cpu_pct == 5 && in.mem_pct == 20 && in.p_wait == 0);
	/* an idle service still answers the service time's p95 */
	check_rel(workload_instant_p95(w), -log(0.05) * 0.040, 1e-9, "idle p95");
	struct workload_minute m;
	workload_take_minute(w, &m);
	assert_true(m.requests == 0 && m.cpu_pct == 5 && m.mem_pct == 20);
	assert_true(isnan(m.p95_s));
	workload_free(w);
}

static void test_constant_load_erlang(void **state)
{
	(void)state;
	/* 250/s, 40 ms, 3 tasks x 4 workers: a = 10 erlangs on c = 12 */
	struct rate_shape r = {.kind = RATE_CONSTANT, .rps = 250};
	struct workload *w = workload_new(&r, &web, MONDAY_2026_01_05, 1, 0);
	struct workload_minute m;
	double p95 = mmc_response_quantile(12, 250, 25, 0.95);
	for (int minute = 0; minute < 10; minute++) {
		for (int k = 0; k < 3; k++) {
			sim_time t0 = minute * SIM_MIN + k * 20 * SIM_SEC;
			workload_advance(w, t0, t0 + 20 * SIM_SEC, 3);
		}
		workload_take_minute(w, &m);
		check_rel(m.served, 250 * 60, 1e-12, "minute served");
		check_rel(m.p95_s, p95, 1e-9, "minute p95");
	}
	const struct workload_totals *tot = workload_totals(w);
	check_rel(tot->requests, 250 * 600, 1e-12, "requests");
	check_rel(tot->served, 250 * 600, 1e-12, "served");
	assert_true(tot->dropped == 0);
	check_rel(tot->waited / tot->served, 0.449388, 1e-6, "p_wait");
	check_rel(tot->waited / tot->served, mmc_erlang_c(12, 10), 1e-12, "p_wait exact");
	check_rel(tot->wait_sum_s / tot->served, mmc_mean_wait(12, 250, 25), 1e-6, "mean wait");
	check_rel(workload_latency_quantile(w, 0.95), p95, 1e-9, "run p95");
	double cpu = 5 + 100.0 * 250 / 300, mem = 20 + 0.1 * 250 / 3;
	check_rel(m.cpu_pct, cpu, 1e-12, "minute cpu");
	check_rel(m.mem_pct, mem, 1e-12, "minute mem");
	check_rel(tot->cpu_pct_seconds / tot->serving_seconds, cpu, 1e-12, "run cpu");
	struct workload_instant in;
	workload_instant(w, &in);
	check_rel(in.p_wait, mmc_erlang_c(12, 10), 1e-12, "instant p_wait");
	check_rel(workload_instant_p95(w), p95, 1e-12, "instant p95");
	assert_true(in.dropped_rate == 0);
	workload_free(w);
}

static void test_overload_steady_state(void **state)
{
	(void)state;
	/* 400/s against a capacity of 12 x 25 = 300/s */
	struct rate_shape r = {.kind = RATE_CONSTANT, .rps = 400};
	struct workload *w = workload_new(&r, &web_steady, 0, 1, 0);
	workload_advance(w, 0, 30 * SIM_SEC, 3);
	workload_advance(w, 30 * SIM_SEC, SIM_MIN, 3);
	const struct workload_totals *tot = workload_totals(w);
	check_rel(tot->requests, 400 * 60, 1e-12, "requests");
	check_rel(tot->dropped, 100 * 60, 1e-12, "dropped = (lambda - c mu) dt");
	check_rel(tot->served, 300 * 60, 1e-12, "served at capacity");
	check_rel(tot->waited, tot->served, 1e-12, "all served waited");
	check_rel(tot->wait_sum_s, 10 * tot->served, 1e-12, "waited the timeout");
	check_rel(workload_latency_quantile(w, 0.5), 10 + log(2) * 0.040, 1e-9, "p50");
	struct workload_instant in;
	workload_instant(w, &in);
	assert_true(in.cpu_pct == 100 && in.p_wait == 1);
	check_rel(in.dropped_rate, 100, 1e-12, "instant dropped rate");
	check_rel(workload_instant_p95(w), 10 + log(20) * 0.040, 1e-12, "instant p95");
	check_rel(in.mem_pct, 20 + 0.1 * 400 / 3, 1e-12, "memory follows lambda");
	workload_free(w);
}

/* ---- the fluid backlog ---- */

/* 400/s for a minute, then 200/s, against 3 tasks x 4 x 25 = 300/s; cap 300 x 10 s = 3000. */
static const struct rate_point surge_points[] = {{0, 400}, {SIM_MIN, 200}};

static struct rate_shape surge(void)
{
	return (struct rate_shape){
	    .kind = RATE_STEPS, .points = (struct rate_point *)surge_points, .npoints = 2};
}

/*
 * From empty at 400/s the backlog grows at 100/s and reaches its cap of
 * 3000 after 30 s; arrivals are all served meanwhile, their waits rising
 * 0 to 10 s; from the cap the excess abandons and the served wait 10 s.
 * The same sums whether the minute comes in one advance or 20-second ones.
 */
static void test_fluid_growth_and_cap(void **state)
{
	(void)state;
	struct rate_shape r = surge();
	struct workload *w = workload_new(&r, &web, 0, 1, 0);
	struct workload *w20 = workload_new(&r, &web, 0, 1, 0);
	assert_true(workload_backlog_change(w, 0, 3) == 30 * SIM_SEC);
	workload_advance(w, 0, 10 * SIM_SEC, 3);
	check_rel(workload_backlog(w), 1000, 1e-12, "growth at lambda - c mu");
	assert_true(workload_backlog_change(w, 10 * SIM_SEC, 3) == 30 * SIM_SEC);
	workload_advance(w, 10 * SIM_SEC, SIM_MIN, 3);
	for (sim_time t = 0; t < SIM_MIN; t += 20 * SIM_SEC)
		workload_advance(w20, t, t + 20 * SIM_SEC, 3);
	check_rel(workload_backlog(w), 3000, 1e-12, "capped at c mu timeout");
	assert_true(workload_backlog_change(w, SIM_MIN - 1, 3) == SIM_TIME_MAX); /* at rest */
	struct workload_minute m, m20;
	workload_take_minute(w, &m);
	workload_take_minute(w20, &m20);
	check_rel(m.dropped, 100 * 30, 1e-12, "abandoned from the cap on");
	check_rel(m20.dropped, m.dropped, 1e-12, "20-second advances");
	const struct workload_totals *tot = workload_totals(w);
	check_rel(tot->requests, 400 * 60, 1e-12, "requests");
	check_rel(tot->served, 400 * 30 + 300 * 30, 1e-12, "served");
	check_rel(tot->waited, tot->served, 1e-12, "all waited");
	check_rel(tot->wait_sum_s, 400 * 30 * 5.0 + 300 * 30 * 10.0, 1e-12, "fluid waits");
	check_rel(workload_totals(w20)->wait_sum_s, tot->wait_sum_s, 1e-12, "20 s: waits");
	/* latency: 12000 uniform 0..10 s, 9000 at 10 s, plus S; p50 is in the uniform part */
	double p50 = workload_latency_quantile(w, 0.5);
	assert_true(p50 > 8 && p50 < 9);
	struct workload_instant in;
	workload_instant(w, &in);
	check_rel(in.dropped_rate, 100, 1e-12, "instant dropped rate at the cap");
	assert_true(in.p_wait == 1 && in.cpu_pct == 100);
	check_rel(workload_instant_p95(w), 10 + log(20) * 0.040, 1e-12, "instant p95");
	workload_free(w);
	workload_free(w20);
}

/*
 * After the surge, at 200/s the backlog of 3000 drains at c mu - lambda =
 * 100/s: empty at 90 s, the moment workload_backlog_change gives; its
 * arrivals wait 10 s down to 0; then Erlang C, as the steady-state model.
 */
static void test_fluid_drain(void **state)
{
	(void)state;
	struct rate_shape r = surge();
	struct workload *w = workload_new(&r, &web, 0, 1, 0);
	struct workload_minute m;
	workload_advance(w, 0, SIM_MIN, 3);
	workload_take_minute(w, &m);
	double served0 = workload_totals(w)->served, wait0 = workload_totals(w)->wait_sum_s;
	assert_true(workload_backlog_change(w, SIM_MIN, 3) == 90 * SIM_SEC);
	workload_advance(w, SIM_MIN, 80 * SIM_SEC, 3);
	check_rel(workload_backlog(w), 1000, 1e-12, "drains at c mu - lambda");
	workload_advance(w, 80 * SIM_SEC, 2 * SIM_MIN, 3);
	assert_true(workload_backlog(w) == 0);
	workload_take_minute(w, &m);
	double c = mmc_erlang_c(12, 200 / 25.0);
	const struct workload_totals *tot = workload_totals(w);
	check_rel(m.served, 200 * 60, 1e-12, "all served");
	assert_true(m.dropped == 0);
	check_rel(tot->wait_sum_s - wait0, 200 * 30 * 5.0 + c / 100 * 200 * 30, 1e-9, "waits");
	check_rel(tot->served - served0, 200 * 60, 1e-12, "served");
	double steady = mmc_response_quantile(12, 200, 25, 0.95);
	assert_true(m.p95_s > steady + 1); /* the backlog's waits show in the minute */
	/* the next minute is the steady one, exactly */
	workload_advance(w, 2 * SIM_MIN, 3 * SIM_MIN, 3);
	workload_take_minute(w, &m);
	check_rel(m.p95_s, steady, 1e-9, "steady again");
	struct workload_instant in;
	workload_instant(w, &in);
	assert_true(in.dropped_rate == 0 && in.p_wait == c);
	workload_free(w);
}

/*
 * A task that stops mid-backlog takes its share B / serving with it, and
 * its share of the busy workers; a smaller fleet's lower cap lets the
 * excess abandon at once.
 */
static void test_fluid_task_stop(void **state)
{
	(void)state;
	struct rate_shape r = {.kind = RATE_CONSTANT, .rps = 400};
	struct workload *w = workload_new(&r, &web, 0, 1, 0);
	workload_advance(w, 0, SIM_MIN, 3);
	double dropped = workload_totals(w)->dropped;
	/* 3000 queued: one of 3 tasks takes 1000, and 4 in service (window 0) */
	check_rel(workload_lose_inflight(w, 3, 0), 1004, 1e-12, "share of backlog and slots");
	check_rel(workload_backlog(w), 2000, 1e-12, "backlog left");
	check_rel(workload_totals(w)->dropped - dropped, 1004, 1e-12, "counted dropped");
	/* 2 tasks: capacity 200/s, cap 2000: at its cap, dropping 200/s */
	assert_true(workload_backlog_change(w, SIM_MIN, 2) == SIM_TIME_MAX);
	workload_advance(w, SIM_MIN, 2 * SIM_MIN, 2);
	check_rel(workload_totals(w)->dropped - dropped, 1004 + 200 * 60, 1e-12, "dropped");
	/* down to 1 task without notice: the backlog above the cap of 1000 abandons */
	workload_advance(w, 2 * SIM_MIN, 3 * SIM_MIN, 1);
	check_rel(workload_totals(w)->dropped - dropped, 1004 + 200 * 60 + 1000 + 300 * 60, 1e-12,
		  "cap lowered");
	check_rel(workload_backlog(w), 1000, 1e-12, "at the new cap");
	workload_free(w);
}

/* Below capacity the fluid model is the steady-state model, bit for bit. */
static void test_fluid_equals_steady_state_below_capacity(void **state)
{
	(void)state;
	struct rate_shape r = {
	    .kind = RATE_DIURNAL, .min_rps = 50, .max_rps = 280, .peak = 14 * SIM_HOUR};
	struct workload *f = workload_new(&r, &web, MONDAY_2026_01_05, 1, 0);
	struct workload *s = workload_new(&r, &web_steady, MONDAY_2026_01_05, 1, 0);
	struct workload_minute mf, ms;
	for (sim_time t = 0; t < SIM_DAY; t += 20 * SIM_SEC) {
		workload_advance(f, t, t + 20 * SIM_SEC, 3);
		workload_advance(s, t, t + 20 * SIM_SEC, 3);
		assert_true(workload_backlog_change(f, t + 20 * SIM_SEC, 3) == SIM_TIME_MAX);
		if ((t + 20 * SIM_SEC) % SIM_MIN == 0) {
			workload_take_minute(f, &mf);
			workload_take_minute(s, &ms);
			assert_memory_equal(&mf, &ms, sizeof(mf));
		}
	}
	workload_lose_inflight(f, 3, SIM_SEC);
	workload_lose_inflight(s, 3, SIM_SEC);
	assert_memory_equal(workload_totals(f), workload_totals(s), sizeof(struct workload_totals));
	assert_true(workload_latency_quantile(f, 0.95) == workload_latency_quantile(s, 0.95));
	workload_free(f);
	workload_free(s);
}

/*
 * Serving tasks by time: days of 25, 25 again, 30, 25 and 30, a change
 * inside a minute on day 2.
 */
static long ticks_serving(sim_time t)
{
	if (t >= 2 * SIM_DAY + 13 * SIM_HOUR + 20 * SIM_SEC && t < 3 * SIM_DAY)
		return 26;
	return t / SIM_DAY == 2 || t / SIM_DAY == 4 ? 30 : 25;
}

/* One tick of `w` from t, as the replication's general path: advance, then the sample. */
static void one_tick(struct workload *w, sim_time t, double *cpu, double *mem)
{
	long n = ticks_serving(t);
	if (t == 3 * SIM_DAY + 10 * SIM_HOUR) { /* an event between ticks */
		workload_advance(w, t, t + 7 * SIM_SEC, n);
		workload_advance(w, t + 7 * SIM_SEC, t + 20 * SIM_SEC, n);
	} else {
		workload_advance(w, t, t + 20 * SIM_SEC, n);
	}
	workload_utilization(w, cpu, mem);
}

/*
 * workload_advance_ticks (whole minutes from minute entries, or ticks one by
 * one) gives what workload_advance gives tick by tick: the same samples, the
 * same minutes and totals to the bit; the latency mixture takes the same sums
 * in another order.
 */
static void test_advance_ticks_as_one_by_one(void **state)
{
	(void)state;
	struct rate_shape r = {
	    .kind = RATE_DIURNAL, .min_rps = 200, .max_rps = 2000, .peak = 14 * SIM_HOUR};
	struct workload *a = workload_new(&r, &web, MONDAY_2026_01_05, 1, 0);
	struct workload *b = workload_new(&r, &web, MONDAY_2026_01_05, 1, 0);
	struct workload_minute ma, mb;
	long batched = 0;
	assert_true(workload_has_usual_ticks(b));
	for (sim_time t = 0; t < 5 * SIM_DAY; t += SIM_MIN) {
		double ca[3], qa[3], cb[3], qb[3];
		int n = 0;
		for (int k = 0; k < 3; k++)
			one_tick(a, t + k * 20 * SIM_SEC, &ca[k], &qa[k]);
		if (ticks_serving(t) == ticks_serving(t + 40 * SIM_SEC) &&
		    t != 3 * SIM_DAY + 10 * SIM_HOUR) /* not where the event is */
			n = workload_advance_ticks(b, t, 3, ticks_serving(t), cb, qb);
		batched += n;
		for (int k = n; k < 3; k++)
			one_tick(b, t + k * 20 * SIM_SEC, &cb[k], &qb[k]);
		assert_memory_equal(ca, cb, sizeof(ca));
		assert_memory_equal(qa, qb, sizeof(qa));
		workload_take_minute(a, &ma);
		workload_take_minute(b, &mb);
		assert_memory_equal(&ma, &mb, offsetof(struct workload_minute, p95_s));
		check_rel(mb.p95_s, ma.p95_s, 1e-12, "minute p95");
	}
	assert_true(batched > 2 * 3 * 1440); /* most minutes from day 2, where c repeats */
	assert_memory_equal(workload_totals(a), workload_totals(b), sizeof(struct workload_totals));
	check_rel(workload_latency_quantile(b, 0.95), workload_latency_quantile(a, 0.95), 1e-12,
		  "run p95");
	workload_free(a);
	workload_free(b);
}

/*
 * workload_usual_minute gives what workload_advance_ticks then
 * workload_take_minute give, whole minutes at once: the same samples,
 * minutes and totals to the bit, with the minute's latency kept (its p95)
 * or not (a minute entry's minute is then taken once and kept).
 */
static void usual_minutes_as_one_by_one(bool keep_latency, bool weekly, int days)
{
	struct rate_shape r = {.kind = RATE_DIURNAL,
			       .min_rps = 200,
			       .max_rps = 2000,
			       .peak = 14 * SIM_HOUR,
			       .weekly_factor = {1, 1.1, 0.9, 1, 1.2, 0.5, 0.6},
			       .has_weekly = weekly};
	struct workload *a = workload_new(&r, &web, MONDAY_2026_01_05, 1, 0);
	struct workload *b = workload_new(&r, &web, MONDAY_2026_01_05, 1, 0);
	struct workload_minute ma, mb;
	static struct {
		uint64_t fill;
		double cpu[3], mem[3];
		struct workload_minute m;
	} seen[WORKLOAD_MINUTE_SLOTS];
	long usual = 0, again = 0;
	memset(seen, 0, sizeof(seen));
	workload_keep_minute_latency(a, keep_latency);
	workload_keep_minute_latency(b, keep_latency);
	for (sim_time t = 0; t < days * SIM_DAY; t += SIM_MIN) {
		double ca[3], qa[3], cb[3], qb[3];
		long serving = ticks_serving(t);
		bool alike = serving == ticks_serving(t + 40 * SIM_SEC) &&
			     t != 3 * SIM_DAY + 10 * SIM_HOUR; /* not where the event is */
		int n = alike ? workload_advance_ticks(a, t, 3, serving, ca, qa) : 0;
		for (int k = n; k < 3; k++)
			one_tick(a, t + k * 20 * SIM_SEC, &ca[k], &qa[k]);
		workload_take_minute(a, &ma);
		struct workload_minute_id id;
		if (alike && workload_usual_minute(b, t, serving, cb, qb, &mb, &id)) {
			assert_int_equal(n, 3); /* usual exactly where the ticks go at once */
			usual++;
			assert_true(id.slot >= 0 && id.slot < WORKLOAD_MINUTE_SLOTS);
			assert_true(keep_latency ? id.fill == 0 : id.fill > 0);
			if (id.fill && seen[id.slot].fill == id.fill) { /* alike: the same again */
				assert_memory_equal(cb, seen[id.slot].cpu, sizeof(cb));
				assert_memory_equal(qb, seen[id.slot].mem, sizeof(qb));
				assert_memory_equal(&mb, &seen[id.slot].m,
						    offsetof(struct workload_minute, p95_s));
				again++;
			}
			seen[id.slot].fill = id.fill;
			memcpy(seen[id.slot].cpu, cb, sizeof(cb));
			memcpy(seen[id.slot].mem, qb, sizeof(qb));
			seen[id.slot].m = mb;
		} else {
			assert_true(n < 3 || !alike);
			for (int k = 0; k < 3; k++)
				one_tick(b, t + k * 20 * SIM_SEC, &cb[k], &qb[k]);
			workload_take_minute(b, &mb);
		}
		assert_memory_equal(ca, cb, sizeof(ca));
		assert_memory_equal(qa, qb, sizeof(qa));
		assert_memory_equal(&ma, &mb, offsetof(struct workload_minute, p95_s));
		if (keep_latency)
			check_rel(mb.p95_s, ma.p95_s, 1e-12, "minute p95");
		else
			assert_true(isnan(ma.p95_s) && isnan(mb.p95_s));
	}
	/* most minutes from day 2, where c repeats; day 1 repeats day 0's c, so
	 * its minutes are day 0's kept minutes when the latency is not kept */
	if (weekly) { /* a slot's key is its day's: none is read a week ahead */
		assert_true(usual == 0 && again == 0);
	} else {
		assert_true(usual > 2 * 1440);
		assert_true(keep_latency ? again == 0 : again > 1000);
	}
	assert_memory_equal(workload_totals(a), workload_totals(b), sizeof(struct workload_totals));
	assert_true(workload_latency_quantile(b, 0.95) == workload_latency_quantile(a, 0.95));
	workload_free(a);
	workload_free(b);
}
static void test_usual_minute_as_one_by_one(void **state)
{
	(void)state;
	usual_minutes_as_one_by_one(true, false, 5);
	usual_minutes_as_one_by_one(false, false, 5);
	/* a day of slots for a week's days: each day's keys replace the last's */
	usual_minutes_as_one_by_one(false, true, 9);
}

static void test_memory_capped(void **state)
{
	(void)state;
	struct request_model heavy = web;
	heavy.memory_per_rps = 5;
	struct rate_shape r = {.kind = RATE_CONSTANT, .rps = 100};
	struct workload *w = workload_new(&r, &heavy, 0, 1, 0);
	workload_advance(w, 0, SIM_SEC, 1);
	struct workload_instant in;
	workload_instant(w, &in);
	assert_true(in.mem_pct == 100);
	workload_free(w);
}

static void test_minute_serving_part(void **state)
{
	(void)state;
	/* 30 s on 3 tasks, then 30 s with none: the minute's CPU is over the serving part */
	struct rate_shape r = {.kind = RATE_CONSTANT, .rps = 150};
	struct workload *w = workload_new(&r, &web, 0, 1, 0);
	workload_advance(w, 0, 30 * SIM_SEC, 3);
	workload_advance(w, 30 * SIM_SEC, SIM_MIN, 0);
	struct workload_minute m;
	workload_take_minute(w, &m);
	check_rel(m.requests, 150 * 60, 1e-12, "requests");
	check_rel(m.served, 150 * 30, 1e-12, "served");
	check_rel(m.dropped, 150 * 30, 1e-12, "dropped");
	check_rel(m.cpu_pct, 5 + 100.0 * 150 / 300, 1e-12, "cpu over serving part");
	check_rel(m.p95_s, mmc_response_quantile(12, 150, 25, 0.95), 1e-9, "p95");
	/* the next minute starts empty */
	workload_take_minute(w, &m);
	assert_true(m.requests == 0 && isnan(m.cpu_pct) && isnan(m.p95_s));
	workload_free(w);
}

/* Noise adds its period boundaries to the shape's changes. */
static void test_next_change_noise(void **state)
{
	(void)state;
	struct rate_shape r = noisy(0.1);
	struct workload *w = workload_new(&r, &web, 0, 7, 0);
	assert_true(workload_next_change(w, 0) == SIM_MIN);
	assert_true(workload_next_change(w, SIM_MIN) == 2 * SIM_MIN);
	assert_true(workload_next_change(w, 90 * SIM_SEC) == 2 * SIM_MIN);
	workload_free(w);
	struct rate_shape quiet = noisy(0);
	w = workload_new(&quiet, &web, 0, 7, 0);
	assert_true(workload_next_change(w, SIM_MIN) == SIM_TIME_MAX);
	workload_free(w);
}

/*
 * How often a steady stretch is advanced does not change a bit: 20-second
 * advances with a minute taken at each minute's end, against one advance
 * and all the minutes taken at once; with requests lost in flight between.
 */
static void test_take_minutes(void **state)
{
	(void)state;
	const long serving[] = {3, 2, 0, 3, 0}; /* queueing, overloaded, none */
	struct rate_shape r = {.kind = RATE_CONSTANT, .rps = 250};
	for (size_t k = 0; k < 5; k++) {
		/* the fluid model's overload is not steady: a backlog grows (test_fluid_*) */
		const struct request_model *m = k < 3 ? &web_steady : &web;
		struct workload *a = workload_new(&r, m, 0, 1, 0);
		struct workload *b = workload_new(&r, m, 0, 1, 0);
		struct workload_minute ma, mb;
		for (sim_time t = 0; t < 45 * SIM_MIN; t += 20 * SIM_SEC) {
			workload_advance(a, t, t + 20 * SIM_SEC, serving[k]);
			if ((t + 20 * SIM_SEC) % SIM_MIN == 0)
				workload_take_minute(a, &ma);
		}
		workload_advance(a, 45 * SIM_MIN, 45 * SIM_MIN + 7 * SIM_SEC, serving[k]);
		workload_lose_inflight(a, serving[k], SIM_SEC);
		workload_advance(a, 45 * SIM_MIN + 7 * SIM_SEC, 46 * SIM_MIN, serving[k] + 1);
		assert_true(workload_minute_empty(b));
		workload_advance(b, 0, 45 * SIM_MIN, serving[k]);
		workload_take_minutes(b, 45, &mb);
		assert_true(workload_minute_empty(b));
		assert_memory_equal(&ma, &mb, sizeof(ma));
		workload_take_minute(a, &ma);
		workload_advance(b, 45 * SIM_MIN, 45 * SIM_MIN + 7 * SIM_SEC, serving[k]);
		workload_lose_inflight(b, serving[k], SIM_SEC);
		workload_advance(b, 45 * SIM_MIN + 7 * SIM_SEC, 46 * SIM_MIN, serving[k] + 1);
		workload_take_minute(b, &mb);
		assert_memory_equal(&ma, &mb, sizeof(ma));
		assert_memory_equal(workload_totals(a), workload_totals(b),
				    sizeof(struct workload_totals));
		check_rel(workload_totals(a)->requests, 250 * 46 * 60, 1e-12, "requests");
		if (serving[k] == 3) {
			check_rel(ma.served, 250 * 60 - workload_totals(a)->dropped, 1e-12, "lost");
			assert_true(workload_latency_quantile(a, 0.95) ==
				    workload_latency_quantile(b, 0.95));
		}
		struct workload_instant ia, ib;
		workload_instant(a, &ia);
		workload_instant(b, &ib);
		assert_memory_equal(&ia, &ib, sizeof(ia));
		workload_free(a);
		workload_free(b);
	}
}

/* A minute's p95 only when asked for; its counts either way; the open minute's state. */
static void test_minute_latency_off(void **state)
{
	(void)state;
	struct rate_shape r = {.kind = RATE_CONSTANT, .rps = 250};
	struct workload *w = workload_new(&r, &web, 0, 1, 0);
	struct workload_minute m;
	workload_keep_minute_latency(w, false);
	workload_advance(w, 0, 0, 3);
	assert_true(workload_minute_empty(w)); /* an empty interval adds nothing */
	workload_advance(w, 0, SIM_MIN, 3);
	assert_false(workload_minute_empty(w));
	workload_take_minute(w, &m);
	assert_true(isnan(m.p95_s));
	check_rel(m.served, 250 * 60, 1e-12, "served");
	check_rel(workload_latency_quantile(w, 0.95), mmc_response_quantile(12, 250, 25, 0.95),
		  1e-9, "the run's p95 is kept");
	assert_true(workload_lose_inflight(w, 3, 0) > 0);
	assert_false(workload_minute_empty(w)); /* lost requests belong to the open minute */
	workload_keep_minute_latency(w, true);
	workload_take_minute(w, &m);
	workload_advance(w, SIM_MIN, 2 * SIM_MIN, 3);
	workload_take_minute(w, &m);
	check_rel(m.p95_s, mmc_response_quantile(12, 250, 25, 0.95), 1e-9, "minute p95");
	workload_free(w);
}

int main(void)
{
	rng_global_init();
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_kind_names),
	    cmocka_unit_test(test_constant),
	    cmocka_unit_test(test_diurnal),
	    cmocka_unit_test(test_diurnal_weekly),
	    cmocka_unit_test(test_diurnal_reads_in_steps),
	    cmocka_unit_test(test_steps),
	    cmocka_unit_test(test_spikes),
	    cmocka_unit_test(test_next_change),
	    cmocka_unit_test(test_noise_mean_and_sd),
	    cmocka_unit_test(test_noise_streams),
	    cmocka_unit_test(test_noise_independent_of_calls),
	    cmocka_unit_test(test_no_noise),
	    cmocka_unit_test(test_no_serving_task),
	    cmocka_unit_test(test_zero_load),
	    cmocka_unit_test(test_constant_load_erlang),
	    cmocka_unit_test(test_overload_steady_state),
	    cmocka_unit_test(test_fluid_growth_and_cap),
	    cmocka_unit_test(test_fluid_drain),
	    cmocka_unit_test(test_fluid_task_stop),
	    cmocka_unit_test(test_fluid_equals_steady_state_below_capacity),
	    cmocka_unit_test(test_advance_ticks_as_one_by_one),
	    cmocka_unit_test(test_usual_minute_as_one_by_one),
	    cmocka_unit_test(test_memory_capped),
	    cmocka_unit_test(test_minute_serving_part),
	    cmocka_unit_test(test_next_change_noise),
	    cmocka_unit_test(test_take_minutes),
	    cmocka_unit_test(test_minute_latency_off),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
