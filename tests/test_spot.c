/*
 * Tests for spot: the per-task lifetime models against their distributions,
 * waves against a Poisson process, the merge of reclaim events, capacity
 * periods, common random numbers between streams, and the trace readers on
 * every format and every malformed case (the recorded SkyPilot traces too,
 * when ../shared/traces is there).
 *
 * Seeds are fixed, so each statistical check gives the same answer on
 * every run. Where the check is a 99 % interval it says so; elsewhere the
 * tolerance is four standard errors.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "spotsim/util/diag.h"
#include "spotsim/util/error.h"
#include "spotsim/engine/rng.h"
#include "spotsim/model/spot.h"
#include "spotsim/scenario/spot_trace.h"
#include "spotsim/util/strbuf.h"
#include "spotsim/util/xalloc.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define N	 200000
#define Z99	 2.5758 /* two-sided 99 % normal quantile */
#define SEED	 20260302
#define HOURS(x) ((sim_time)((x) * (double)SIM_HOUR))

#define REAL_PREEMPTION                                                                            \
	"../shared/traces/skypilot/preemption/1-node/aws-04-19-2023/us-east-1b_intel_64.json"
#define REAL_AVAILABILITY                                                                          \
	"../shared/traces/skypilot/availability/1-node/aws-02-15-2023/us-east-1a_v100_1.json"

static char tmpdir[64];

static struct spot_config one_model(struct interruption_config *m)
{
	return (struct spot_config){.interruptions = m, .ninterruptions = 1};
}

static void check_within(double got, double want, double tol, const char *what)
{
	if (!(fabs(got - want) <= tol))
		fail_msg("%s: got %.9g, want %.9g +- %.3g", what, got, want, tol);
}

/* ---- conversions ---- */

static void test_advisor_bands(void **state)
{
	(void)state;
	const char *bands[] = {"<5%", "5-10%", "10-15%", "15-20%", ">20%"};
	const double want[] = {0.025, 0.075, 0.125, 0.175, 0.25};
	double p = -1;
	for (int i = 0; i < 5; i++) {
		assert_true(spot_advisor_band(bands[i], &p));
		assert_true(p == want[i]);
	}
	p = -1;
	assert_false(spot_advisor_band("5%", &p));
	assert_false(spot_advisor_band("", &p));
	assert_false(spot_advisor_band("<5 %", &p));
	assert_false(spot_advisor_band(NULL, &p));
	assert_true(p == -1);
}

static void test_hazard_from_monthly(void **state)
{
	(void)state;
	double h = spot_hazard_from_monthly(0.10);
	check_within(h, -log(0.9) / 720, 1e-18, "hazard of 10 % a month");
	/* the fraction interrupted within 720 h comes back */
	check_within(1 - exp(-720 * h), 0.10, 1e-12, "round trip");
	assert_true(spot_hazard_from_monthly(0) == 0);
	assert_true(spot_hazard_from_monthly(-0.5) == 0);
	assert_true(spot_hazard_from_monthly(NAN) == 0);
	assert_true(isinf(spot_hazard_from_monthly(1)));
	assert_true(spot_hazard_from_monthly(0.5) > spot_hazard_from_monthly(0.25));
}

/* ---- per-task lifetimes ---- */

static void test_poisson_monthly_fraction(void **state)
{
	(void)state;
	struct interruption_config m = {.model = INTERRUPTION_POISSON,
					.hazard_per_hour = spot_hazard_from_monthly(0.10)};
	struct spot_config c = one_model(&m);
	struct spot *s = spot_new(&c, SEED, 0, 30 * SIM_DAY);
	long within = 0;
	for (int i = 0; i < N; i++)
		within += spot_task_lifetime(s) <= 720 * SIM_HOUR;
	spot_free(s);
	/* binomial 99 % interval around p = 0.10 */
	check_within((double)within / N, 0.10, Z99 * sqrt(0.10 * 0.90 / N),
		     "fraction interrupted within 30 days");
}

static void test_poisson_mean(void **state)
{
	(void)state;
	struct interruption_config m = {.model = INTERRUPTION_POISSON, .hazard_per_hour = 0.01};
	struct spot_config c = one_model(&m);
	struct spot *s = spot_new(&c, SEED, 1, SIM_DAY);
	double sum = 0;
	for (int i = 0; i < N; i++) {
		sim_time t = spot_task_lifetime(s);
		assert_true(t >= 0 && t < SIM_TIME_MAX);
		sum += (double)t / SIM_HOUR;
	}
	spot_free(s);
	/* exponential: sd = mean */
	check_within(sum / N, 100, 4 * 100 / sqrt(N), "mean lifetime, hours");
}

static void test_weibull_mean(void **state)
{
	(void)state;
	const double scale_h = 10, shape = 0.7;
	struct interruption_config m = {
	    .model = INTERRUPTION_WEIBULL, .weibull_scale = HOURS(scale_h), .weibull_shape = shape};
	struct spot_config c = one_model(&m);
	struct spot *s = spot_new(&c, SEED, 2, SIM_DAY);
	double sum = 0;
	for (int i = 0; i < N; i++)
		sum += (double)spot_task_lifetime(s) / SIM_HOUR;
	spot_free(s);
	double g1 = tgamma(1 + 1 / shape), g2 = tgamma(1 + 2 / shape);
	double sd = scale_h * sqrt(g2 - g1 * g1);
	check_within(sum / N, scale_h * g1, 4 * sd / sqrt(N), "weibull mean, hours");
}

static void test_combined_survival(void **state)
{
	(void)state;
	/* the lifetime is the first of two independent clocks: survivals multiply */
	const double h = 0.01, scale_h = 100, shape = 1.5;
	struct interruption_config m[2] = {
	    {.model = INTERRUPTION_POISSON, .hazard_per_hour = h},
	    {.model = INTERRUPTION_WEIBULL,
	     .weibull_scale = HOURS(scale_h),
	     .weibull_shape = shape},
	};
	struct spot_config c = {.interruptions = m, .ninterruptions = 2};
	struct spot *s = spot_new(&c, SEED, 3, SIM_DAY);
	const double at_h[] = {10, 50, 100};
	long alive[3] = {0};
	for (int i = 0; i < N; i++) {
		sim_time t = spot_task_lifetime(s);
		for (int k = 0; k < 3; k++)
			alive[k] += t > HOURS(at_h[k]);
	}
	spot_free(s);
	for (int k = 0; k < 3; k++) {
		double p = exp(-h * at_h[k]) * exp(-pow(at_h[k] / scale_h, shape));
		char what[64];
		snprintf(what, sizeof(what), "survival at %g h", at_h[k]);
		check_within((double)alive[k] / N, p, 4 * sqrt(p * (1 - p) / N), what);
	}
}

static void test_combined_is_min_of_draws(void **state)
{
	(void)state;
	/* the documented stream: one draw per per-task entry, in config order */
	struct interruption_config m[3] = {
	    {.model = INTERRUPTION_POISSON, .hazard_per_hour = 0.02},
	    {.model = INTERRUPTION_WAVES, .wave_interval = SIM_HOUR, .wave_count = 1},
	    {.model = INTERRUPTION_WEIBULL, .weibull_scale = 30 * SIM_HOUR, .weibull_shape = 0.8},
	};
	struct spot_config c = {.interruptions = m, .ninterruptions = 3};
	struct spot *s = spot_new(&c, SEED, 4, SIM_DAY);
	struct rng r;
	rng_init(&r, SEED, 4, RNG_INTERRUPTIONS);
	int poisson_first = 0;
	for (int i = 0; i < 10000; i++) {
		double a = rng_exponential(&r, (double)SIM_HOUR / 0.02);
		double b = rng_weibull(&r, (double)(30 * SIM_HOUR), 0.8);
		sim_time want = (sim_time)llround(a < b ? a : b);
		assert_true(spot_task_lifetime(s) == want);
		poisson_first += a < b;
	}
	/* both clocks do win sometimes */
	assert_true(poisson_first > 100 && poisson_first < 9900);
	rng_release(&r);
	spot_free(s);
}

static void test_no_per_task_model(void **state)
{
	(void)state;
	struct spot_config none = {0};
	struct spot *s = spot_new(&none, SEED, 0, SIM_DAY);
	assert_true(spot_task_lifetime(s) == SIM_TIME_MAX);
	spot_free(s);

	struct interruption_config zero = {.model = INTERRUPTION_POISSON, .hazard_per_hour = 0};
	struct spot_config c = one_model(&zero);
	s = spot_new(&c, SEED, 0, SIM_DAY);
	for (int i = 0; i < 100; i++)
		assert_true(spot_task_lifetime(s) == SIM_TIME_MAX);
	spot_free(s);

	struct reclaim at = {.at = SIM_HOUR, .count = 1, .fraction = -1, .az = -1};
	struct interruption_config scripted = {
	    .model = INTERRUPTION_SCRIPTED, .times = &at, .ntimes = 1};
	c = one_model(&scripted);
	s = spot_new(&c, SEED, 0, SIM_DAY);
	assert_true(spot_task_lifetime(s) == SIM_TIME_MAX);
	spot_free(s);
	spot_free(NULL);
}

/* ---- reclaim events ---- */

static void test_waves_count_and_zones(void **state)
{
	(void)state;
	const sim_time horizon = 1000 * SIM_DAY;
	struct interruption_config m = {.model = INTERRUPTION_WAVES,
					.wave_interval = SIM_HOUR,
					.wave_fraction = 0.3,
					.per_az = true,
					.azs = 3};
	struct spot_config c = one_model(&m);
	struct spot *s = spot_new(&c, SEED, 0, horizon);
	struct reclaim r;
	long n = 0, per_az[3] = {0};
	sim_time last = -1;
	while (spot_next_reclaim(s, &r)) {
		assert_true(r.at >= last && r.at < horizon);
		assert_true(r.fraction == 0.3);
		assert_true(r.az >= 0 && r.az < 3);
		per_az[r.az]++;
		last = r.at;
		n++;
	}
	assert_false(spot_next_reclaim(s, &r)); /* stays exhausted */
	spot_free(s);
	/* Poisson count with mean horizon / interval: 99 % interval */
	double mean = (double)horizon / SIM_HOUR;
	check_within((double)n, mean, Z99 * sqrt(mean), "number of waves");
	/* zones uniform: chi-square with 2 degrees of freedom below its 99 % point */
	double chi2 = 0;
	for (int k = 0; k < 3; k++)
		chi2 += pow(per_az[k] - n / 3.0, 2) / (n / 3.0);
	if (chi2 > 9.21)
		fail_msg("zones not uniform: %ld %ld %ld (chi2 %.2f)", per_az[0], per_az[1],
			 per_az[2], chi2);
}

static void test_waves_count_and_any_zone(void **state)
{
	(void)state;
	struct interruption_config m = {.model = INTERRUPTION_WAVES,
					.wave_interval = 6 * SIM_HOUR,
					.wave_fraction = -1,
					.wave_count = 4,
					.azs = 5};
	struct spot_config c = one_model(&m);
	struct spot *s = spot_new(&c, SEED, 0, 30 * SIM_DAY);
	struct reclaim r;
	int n = 0;
	while (spot_next_reclaim(s, &r)) {
		assert_true(r.count == 4 && r.fraction < 0 && r.az == -1);
		n++;
	}
	assert_true(n > 60 && n < 190); /* mean 120 */
	spot_free(s);

	/* per_az with an unset zone count uses 3 zones; no interval means no waves */
	struct interruption_config m2[2] = {
	    {.model = INTERRUPTION_WAVES,
	     .wave_interval = SIM_HOUR,
	     .wave_count = 1,
	     .wave_fraction = -1,
	     .per_az = true},
	    {.model = INTERRUPTION_WAVES, .wave_interval = 0, .wave_count = 1, .wave_fraction = -1},
	};
	struct spot_config c2 = {.interruptions = m2, .ninterruptions = 2};
	s = spot_new(&c2, SEED, 0, 100 * SIM_DAY);
	int seen[3] = {0};
	while (spot_next_reclaim(s, &r)) {
		assert_true(r.az >= 0 && r.az < 3);
		seen[r.az] = 1;
	}
	assert_true(seen[0] && seen[1] && seen[2]);
	spot_free(s);

	s = spot_new(&c2, SEED, 0, 0); /* horizon 0: nothing at all */
	assert_false(spot_next_reclaim(s, &r));
	spot_free(s);
}

static void test_merge_order(void **state)
{
	(void)state;
	struct reclaim a[] = {
	    {.at = 1 * SIM_HOUR, .count = 1, .fraction = -1, .az = -1},
	    {.at = 5 * SIM_HOUR, .count = 2, .fraction = -1, .az = -1},
	    {.at = 5 * SIM_HOUR, .count = 0, .fraction = 0.5, .az = 1},
	    {.at = 30 * SIM_HOUR, .count = 9, .fraction = -1, .az = -1}, /* past the horizon */
	};
	struct reclaim b[] = {
	    {.at = 0, .count = 3, .fraction = -1, .az = -1},
	    {.at = 2 * SIM_HOUR, .count = 4, .fraction = -1, .az = -1},
	    {.at = 5 * SIM_HOUR, .count = 7, .fraction = -1, .az = 2},
	    {.at = 24 * SIM_HOUR, .count = 8, .fraction = -1, .az = -1}, /* at the horizon */
	};
	struct interruption_config m[3] = {
	    {.model = INTERRUPTION_SCRIPTED, .times = a, .ntimes = 4},
	    {.model = INTERRUPTION_POISSON, .hazard_per_hour = 1},
	    {.model = INTERRUPTION_TRACE, .times = b, .ntimes = 4},
	};
	struct spot_config c = {.interruptions = m, .ninterruptions = 3};
	struct spot *s = spot_new(&c, SEED, 0, 24 * SIM_HOUR);
	const long want_count[] = {3, 1, 4, 2, 0, 7};
	const sim_time want_at[] = {0,		 SIM_HOUR, 2 * SIM_HOUR, 5 * SIM_HOUR, 5 * SIM_HOUR,
				    5 * SIM_HOUR};
	struct reclaim r;
	for (int i = 0; i < 6; i++) {
		assert_true(spot_next_reclaim(s, &r));
		assert_true(r.at == want_at[i]);
		assert_int_equal(r.count, want_count[i]);
	}
	assert_false(spot_next_reclaim(s, &r));
	spot_free(s);

	/* the fraction and zone of a listed reclaim come through */
	s = spot_new(&c, SEED, 0, 24 * SIM_HOUR);
	for (int i = 0; i < 5; i++)
		assert_true(spot_next_reclaim(s, &r));
	assert_true(r.fraction == 0.5 && r.az == 1);
	spot_free(s);
}

static void test_merge_waves_with_trace(void **state)
{
	(void)state;
	struct reclaim t[50];
	for (int i = 0; i < 50; i++)
		t[i] = (struct reclaim){
		    .at = i * 3 * SIM_HOUR, .count = 100, .fraction = -1, .az = -1};
	struct interruption_config m[2] = {
	    {.model = INTERRUPTION_WAVES,
	     .wave_interval = 2 * SIM_HOUR,
	     .wave_count = 1,
	     .wave_fraction = -1},
	    {.model = INTERRUPTION_TRACE, .times = t, .ntimes = 50},
	};
	struct spot_config c = {.interruptions = m, .ninterruptions = 2};
	struct spot *s = spot_new(&c, SEED, 0, 100 * SIM_HOUR);
	struct reclaim r;
	sim_time last = -1;
	int listed = 0, waves = 0;
	while (spot_next_reclaim(s, &r)) {
		assert_true(r.at >= last && r.at < 100 * SIM_HOUR);
		last = r.at;
		if (r.count == 100)
			listed++;
		else
			waves++;
	}
	assert_int_equal(listed, 34); /* 0, 3h, ..., 99h */
	assert_true(waves > 20 && waves < 85);
	spot_free(s);
}

/* ---- determinism and common random numbers ---- */

static struct interruption_config mixed[3] = {
    {.model = INTERRUPTION_POISSON, .hazard_per_hour = 0.05},
    {.model = INTERRUPTION_WAVES,
     .wave_interval = 3 * SIM_HOUR,
     .wave_fraction = 0.2,
     .per_az = true,
     .azs = 3},
    {.model = INTERRUPTION_WEIBULL, .weibull_scale = 20 * SIM_HOUR, .weibull_shape = 0.6},
};

static struct spot_config mixed_config(void)
{
	return (struct spot_config){.interruptions = mixed,
				    .ninterruptions = 3,
				    .capacity = {.model = CAPACITY_ALTERNATING,
						 .mean_available = 2 * SIM_DAY,
						 .mean_unavailable = 30 * SIM_MIN}};
}

/* A fingerprint of the first draws of every stream. */
struct trail {
	sim_time life[200];
	struct reclaim waves[200];
	int nwaves;
	sim_time changes[50];
};

static void record(struct spot *s, struct trail *t, bool lifetimes_first)
{
	memset(t, 0, sizeof(*t));
	if (lifetimes_first)
		for (int i = 0; i < 200; i++)
			t->life[i] = spot_task_lifetime(s);
	for (t->nwaves = 0; t->nwaves < 200 && spot_next_reclaim(s, &t->waves[t->nwaves]);)
		t->nwaves++;
	sim_time at = 0;
	for (int i = 0; i < 50; i++) {
		spot_capacity_at(s, at, &t->changes[i]);
		at = t->changes[i];
	}
	if (!lifetimes_first)
		for (int i = 0; i < 200; i++)
			t->life[i] = spot_task_lifetime(s);
}

static bool same_waves(const struct trail *a, const struct trail *b)
{
	if (a->nwaves != b->nwaves)
		return false;
	for (int i = 0; i < a->nwaves; i++)
		if (a->waves[i].at != b->waves[i].at || a->waves[i].az != b->waves[i].az)
			return false;
	return true;
}

static void test_determinism(void **state)
{
	(void)state;
	struct spot_config c = mixed_config();
	struct trail *a = xcalloc(3, sizeof(*a)), *b = a + 1, *other = a + 2;
	struct spot *s = spot_new(&c, SEED, 7, 60 * SIM_DAY);
	record(s, a, true);
	spot_free(s);
	/* the same (seed, replication), used in another order: the same numbers */
	s = spot_new(&c, SEED, 7, 60 * SIM_DAY);
	record(s, b, false);
	spot_free(s);
	assert_memory_equal(a->life, b->life, sizeof(a->life));
	assert_true(same_waves(a, b));
	assert_memory_equal(a->changes, b->changes, sizeof(a->changes));
	assert_true(a->nwaves > 100);

	/* another replication differs in every stream */
	s = spot_new(&c, SEED, 8, 60 * SIM_DAY);
	record(s, other, true);
	spot_free(s);
	int same_life = 0;
	for (int i = 0; i < 200; i++)
		same_life += a->life[i] == other->life[i];
	assert_true(same_life < 5);
	assert_false(same_waves(a, other));
	assert_true(a->changes[0] != other->changes[0]);

	/* another seed too */
	s = spot_new(&c, SEED + 1, 7, 60 * SIM_DAY);
	record(s, other, true);
	spot_free(s);
	assert_true(a->life[0] != other->life[0] || a->life[1] != other->life[1]);
	assert_false(same_waves(a, other));
	free(a);
}

static void test_streams_independent(void **state)
{
	(void)state;
	/* drawing many lifetimes does not move the waves or the capacity periods */
	struct spot_config c = mixed_config();
	struct spot *quiet = spot_new(&c, SEED, 3, 60 * SIM_DAY);
	struct spot *busy = spot_new(&c, SEED, 3, 60 * SIM_DAY);
	struct reclaim rq, rb;
	for (int i = 0; i < 5000; i++)
		(void)spot_task_lifetime(busy);
	for (int i = 0; i < 100; i++) {
		sim_time nq, nb;
		bool aq = spot_capacity_at(quiet, i * SIM_HOUR * 6, &nq);
		bool ab = spot_capacity_at(busy, i * SIM_HOUR * 6, &nb);
		assert_true(aq == ab && nq == nb);
		bool have = spot_next_reclaim(quiet, &rq);
		assert_true(have == spot_next_reclaim(busy, &rb));
		if (have)
			assert_true(rq.at == rb.at && rq.az == rb.az);
		(void)spot_task_lifetime(busy);
	}
	spot_free(quiet);
	spot_free(busy);
}

/* ---- capacity ---- */

static void test_capacity_always(void **state)
{
	(void)state;
	struct spot_config c = {0};
	struct spot *s = spot_new(&c, SEED, 0, SIM_DAY);
	sim_time next = 0;
	assert_true(spot_capacity_at(s, 0, &next));
	assert_true(next == SIM_TIME_MAX);
	assert_true(spot_capacity_at(s, 400 * SIM_DAY, &next));
	assert_true(spot_capacity_at(s, SIM_TIME_MAX, NULL));
	spot_free(s);
}

static void test_capacity_alternating_long_run(void **state)
{
	(void)state;
	const double ma = 10, mu = 2; /* hours */
	const int cycles = 20000;
	struct spot_config c = {.capacity = {.model = CAPACITY_ALTERNATING,
					     .mean_available = HOURS(ma),
					     .mean_unavailable = HOURS(mu)}};
	struct spot *s = spot_new(&c, SEED, 0, SIM_DAY);
	sim_time t = 0, next, down = 0;
	bool expect = true;
	for (int i = 0; i < 2 * cycles; i++) {
		bool avail = spot_capacity_at(s, t, &next);
		assert_true(avail == expect); /* starts available, then alternates */
		assert_true(next > t);	      /* strictly increasing */
		if (!avail)
			down += next - t;
		/* a query inside the period gives the same answer */
		sim_time mid;
		assert_true(spot_capacity_at(s, t + (next - t) / 2, &mid) == avail);
		assert_true(mid == next);
		t = next;
		expect = !expect;
	}
	spot_free(s);
	/*
	 * Renewal-reward: the estimate's sd is about
	 * sqrt((mu^2 (1-f)^2 + ma^2 f^2) / n) / (ma + mu), here 0.0014.
	 */
	double f = mu / (ma + mu);
	double sd = sqrt((mu * mu * (1 - f) * (1 - f) + ma * ma * f * f) / cycles) / (ma + mu);
	check_within((double)down / (double)t, f, 4 * sd, "long-run unavailable fraction");
}

static void test_capacity_alternating_any_query_times(void **state)
{
	(void)state;
	struct spot_config c = {.capacity = {.model = CAPACITY_ALTERNATING,
					     .mean_available = 3 * SIM_HOUR,
					     .mean_unavailable = 40 * SIM_MIN}};
	enum {
		CHANGES = 400
	};
	sim_time change[CHANGES];
	struct spot *ref = spot_new(&c, SEED, 5, SIM_DAY);
	sim_time t = 0;
	for (int i = 0; i < CHANGES; i++) {
		spot_capacity_at(ref, t, &change[i]);
		t = change[i];
	}
	spot_free(ref);

	/* queried every 7 minutes instead: the same periods */
	struct spot *s = spot_new(&c, SEED, 5, SIM_DAY);
	int k = 0;
	for (t = 0; t < change[CHANGES - 1]; t += 7 * SIM_MIN) {
		sim_time next;
		bool avail = spot_capacity_at(s, t, &next);
		while (change[k] <= t)
			k++;
		assert_true(next == change[k]);
		assert_true(avail == (k % 2 == 0));
	}
	/* a step back restarts the stream: the same answers again */
	sim_time next;
	assert_true(spot_capacity_at(s, 0, &next));
	assert_true(next == change[0]);
	assert_false(spot_capacity_at(s, change[0], &next));
	assert_true(next == change[1]);
	spot_free(s);
}

static void test_capacity_alternating_edges(void **state)
{
	(void)state;
	sim_time next;
	/* no unavailable periods: always there */
	struct spot_config c = {.capacity = {.model = CAPACITY_ALTERNATING,
					     .mean_available = SIM_HOUR,
					     .mean_unavailable = 0}};
	struct spot *s = spot_new(&c, SEED, 0, SIM_DAY);
	assert_true(spot_capacity_at(s, 0, &next) && next == SIM_TIME_MAX);
	assert_true(spot_capacity_at(s, 100 * SIM_DAY, &next) && next == SIM_TIME_MAX);
	spot_free(s);
	/* no available periods: never there */
	c.capacity.mean_available = 0;
	c.capacity.mean_unavailable = SIM_HOUR;
	s = spot_new(&c, SEED, 0, SIM_DAY);
	assert_false(spot_capacity_at(s, 0, &next));
	assert_true(next == SIM_TIME_MAX);
	assert_false(spot_capacity_at(s, 100 * SIM_DAY, &next));
	spot_free(s);
	/* periods of a microsecond on average still move forward */
	c.capacity.mean_available = 1;
	c.capacity.mean_unavailable = 1;
	s = spot_new(&c, SEED, 0, SIM_DAY);
	(void)spot_capacity_at(s, 100000, &next);
	assert_true(next > 100000);
	spot_free(s);
}

static void test_capacity_trace(void **state)
{
	(void)state;
	struct window w[] = {{10 * SIM_SEC, 20 * SIM_SEC},
			     {20 * SIM_SEC, 30 * SIM_SEC},
			     {50 * SIM_SEC, 60 * SIM_SEC}};
	struct spot_config c = {.capacity = {.model = CAPACITY_TRACE, .windows = w, .nwindows = 3}};
	struct spot *s = spot_new(&c, SEED, 0, SIM_DAY);
	const struct {
		sim_time t;
		bool avail;
		sim_time next;
	} cases[] = {
	    {0, true, 10 * SIM_SEC},
	    {10 * SIM_SEC - 1, true, 10 * SIM_SEC},
	    {10 * SIM_SEC, false, 30 * SIM_SEC}, /* touching windows are one shortage */
	    {25 * SIM_SEC, false, 30 * SIM_SEC},
	    {30 * SIM_SEC, true, 50 * SIM_SEC},
	    {55 * SIM_SEC, false, 60 * SIM_SEC},
	    {60 * SIM_SEC, true, SIM_TIME_MAX},
	    {5 * SIM_SEC, true, 10 * SIM_SEC}, /* any order */
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		sim_time next;
		assert_true(spot_capacity_at(s, cases[i].t, &next) == cases[i].avail);
		assert_true(next == cases[i].next);
	}
	spot_free(s);

	c.capacity.nwindows = 0;
	s = spot_new(&c, SEED, 0, SIM_DAY);
	sim_time next;
	assert_true(spot_capacity_at(s, 0, &next) && next == SIM_TIME_MAX);
	spot_free(s);
}

static void test_config_release(void **state)
{
	(void)state;
	struct spot_config c = {0};
	c.ninterruptions = 2;
	c.interruptions = xcalloc(2, sizeof(*c.interruptions));
	c.interruptions[0].model = INTERRUPTION_SCRIPTED;
	c.interruptions[0].times = xcalloc(3, sizeof(struct reclaim));
	c.interruptions[0].ntimes = 3;
	c.interruptions[1].model = INTERRUPTION_POISSON;
	c.capacity.model = CAPACITY_TRACE;
	c.capacity.windows = xcalloc(4, sizeof(struct window));
	c.capacity.nwindows = 4;
	spot_config_release(&c);
	assert_null(c.interruptions);
	assert_int_equal(c.ninterruptions, 0);
	assert_null(c.capacity.windows);
	assert_int_equal(c.capacity.nwindows, 0);
	spot_config_release(&c); /* twice is fine */
	spot_config_release(NULL);
}

/* ---- trace files ---- */

static char *tmp_path(const char *name)
{
	return xasprintf("%s/%s", tmpdir, name);
}

static char *write_bytes(const char *name, const char *content, size_t len)
{
	char *path = tmp_path(name);
	FILE *f = fopen(path, "wb");
	assert_non_null(f);
	assert_int_equal(fwrite(content, 1, len, f), len);
	fclose(f);
	return path;
}

static char *write_text(const char *name, const char *content)
{
	return write_bytes(name, content, strlen(content));
}

static int setup(void **state)
{
	(void)state;
	snprintf(tmpdir, sizeof(tmpdir), "/tmp/test_spot.XXXXXX");
	return mkdtemp(tmpdir) ? 0 : -1;
}

static int teardown(void **state)
{
	(void)state;
	char *cmd = xasprintf("rm -rf '%s'", tmpdir);
	int rc = system(cmd);
	free(cmd);
	return rc;
}

/* Fails unless some diagnostic line contains `want`; lists them all if not. */
static void expect_diag(const struct diag *d, const char *want)
{
	struct strbuf all = STRBUF_INIT;
	for (size_t i = 0; i < d->nr; i++) {
		char *line = diag_line(d, i);
		bool hit = strstr(line, want) != NULL;
		strbuf_addf(&all, "\n  %s", line);
		free(line);
		if (hit) {
			strbuf_release(&all);
			return;
		}
	}
	fail_msg("no diagnostic contains \"%s\"; got:%s", want, all.buf);
}

static struct reclaim *preemptions(const char *name, const char *content, size_t *n)
{
	struct diag d;
	struct reclaim *r = NULL;
	diag_init(&d);
	char *path = write_text(name, content);
	int rc = spot_read_preemptions(path, &r, n, &d);
	if (rc || diag_failed(&d)) {
		char *line = d.nr ? diag_line(&d, 0) : xstrdup("(none)");
		fail_msg("%s: rc %d: %s", name, rc, line);
	}
	diag_release(&d);
	free(path);
	return r;
}

static struct window *windows(const char *name, const char *content, size_t *n)
{
	struct diag d;
	struct window *w = NULL;
	diag_init(&d);
	char *path = write_text(name, content);
	int rc = spot_read_unavailable(path, &w, n, &d);
	if (rc || diag_failed(&d)) {
		char *line = d.nr ? diag_line(&d, 0) : xstrdup("(none)");
		fail_msg("%s: rc %d: %s", name, rc, line);
	}
	diag_release(&d);
	free(path);
	return w;
}

static void test_read_preemptions_csv(void **state)
{
	(void)state;
	size_t n;
	struct reclaim *r = preemptions("p1.csv", "3600\n7200\n7200\n", &n);
	assert_int_equal(n, 3);
	assert_true(r[0].at == SIM_HOUR && r[1].at == 2 * SIM_HOUR && r[2].at == 2 * SIM_HOUR);
	for (size_t i = 0; i < n; i++)
		assert_true(r[i].count == 1 && r[i].fraction < 0 && r[i].az == -1);
	free(r);

	/* a header, durations, CRLF line ends, a blank line and a byte order mark */
	r = preemptions("p3.csv", "\xEF\xBB\xBFtime\r\n26h\r\n\r\n2d 02:00 \r\n", &n);
	assert_int_equal(n, 2);
	assert_true(r[0].at == 26 * SIM_HOUR && r[1].at == 2 * SIM_DAY + 2 * SIM_HOUR);
	free(r);

	/* a byte order mark before a number is not a header */
	r = preemptions("p4.csv",
			"\xEF\xBB\xBF"
			"60\n120\n",
			&n);
	assert_int_equal(n, 2);
	assert_true(r[0].at == SIM_MIN);
	free(r);
}

static void test_read_preemptions_json(void **state)
{
	(void)state;
	size_t n;
	struct reclaim *r = preemptions(
	    "p1.json",
	    "  \n{\"metadata\": {\"gap_seconds\": 10}, \"data\": [0, 1, 1, 0, 0, 1, 0, 1],"
	    " \"prices\": [1, 2]}",
	    &n);
	assert_int_equal(n, 2);
	assert_true(r[0].at == 30 * SIM_SEC && r[1].at == 60 * SIM_SEC);
	for (size_t i = 0; i < n; i++)
		assert_true(r[i].count == 1 && r[i].fraction < 0 && r[i].az == -1);
	free(r);

	/* several nodes: a drop takes as many tasks as it loses */
	r = preemptions("p2.json",
			"{\"metadata\": {\"gap_seconds\": 0.5}, \"data\": [4, 4, 2, 2, 3, 0]}", &n);
	assert_int_equal(n, 2);
	assert_true(r[0].at == SIM_SEC && r[0].count == 2);
	assert_true(r[1].at == 2500 * SIM_MSEC && r[1].count == 3);
	free(r);

	/* no preemption at all is a valid trace */
	r = preemptions("p3.json", "{\"data\": [1, 1, 1], \"metadata\": {\"gap_seconds\": 60}}",
			&n);
	assert_int_equal(n, 0);
	free(r);
}

static void test_read_unavailable(void **state)
{
	(void)state;
	size_t n;
	struct window *w = windows(
	    "a1.json", "{\"metadata\": {\"gap_seconds\": 60}, \"data\": [1, 0, 0, 1, 0, 1, 1, 0]}",
	    &n);
	assert_int_equal(n, 3);
	assert_true(w[0].start == SIM_MIN && w[0].end == 3 * SIM_MIN);
	assert_true(w[1].start == 4 * SIM_MIN && w[1].end == 5 * SIM_MIN);
	assert_true(w[2].start == 7 * SIM_MIN && w[2].end == 8 * SIM_MIN);
	free(w);

	w = windows("a2.json", "{\"metadata\": {\"gap_seconds\": 60}, \"data\": [2, 1, 3]}", &n);
	assert_int_equal(n, 0);
	free(w);

	/* touching windows merge into one */
	w = windows("w1.csv", "start,end\n1h,2h\n7200,3h\n5h,6h\n", &n);
	assert_int_equal(n, 2);
	assert_true(w[0].start == SIM_HOUR && w[0].end == 3 * SIM_HOUR);
	assert_true(w[1].start == 5 * SIM_HOUR && w[1].end == 6 * SIM_HOUR);
	free(w);

	w = windows("w2.csv", "0,90\n1d 02:00,1d 03:00\n", &n);
	assert_int_equal(n, 2);
	assert_true(w[0].start == 0 && w[0].end == 90 * SIM_SEC);
	assert_true(w[1].start == 26 * SIM_HOUR);
	free(w);
}

struct bad_case {
	const char *name;
	const char *content;
	const char *message; /* a part of the diagnostic that must appear */
};

/* deeper than cJSON's nesting limit */
#define DEEP10	 "[[[[[[[[[["
#define DEEP100	 DEEP10 DEEP10 DEEP10 DEEP10 DEEP10 DEEP10 DEEP10 DEEP10 DEEP10 DEEP10
#define DEEP1000 DEEP100 DEEP100 DEEP100 DEEP100 DEEP100 DEEP100 DEEP100 DEEP100 DEEP100 DEEP100
#define DEEP	 "{\"data\": " DEEP1000 DEEP1000

static const struct bad_case bad_preemptions[] = {
    {"empty.csv", "", "the file is empty (accepted: a CSV file, or a SkyPilot trace"},
    {"blank.json", " \n\t\r\n", "the file is empty"},
    {"no_meta.json", "{\"data\": [1, 0]}",
     "metadata.gap_seconds: is missing (accepted: the seconds between two ticks, a number above "
     "0)"},
    {"no_gap.json", "{\"metadata\": {\"gap\": 5}, \"data\": [1, 0]}",
     "metadata.gap_seconds: is missing"},
    {"gap_zero.json", "{\"metadata\": {\"gap_seconds\": 0}, \"data\": [1, 0]}",
     "metadata.gap_seconds: 0 is not above 0 (accepted:"},
    {"gap_neg.json", "{\"metadata\": {\"gap_seconds\": -30}, \"data\": [1, 0]}",
     "metadata.gap_seconds: -30 is not above 0"},
    {"gap_text.json", "{\"metadata\": {\"gap_seconds\": \"60\"}, \"data\": [1, 0]}",
     "metadata.gap_seconds: is a string (accepted: the seconds between two ticks"},
    {"gap_huge.json", "{\"metadata\": {\"gap_seconds\": 1e300}, \"data\": [1, 0]}", "is too long"},
    {"no_data.json", "{\"metadata\": {\"gap_seconds\": 5}}",
     "data: is missing (accepted: an array of non-negative numbers, one per tick)"},
    {"data_obj.json", "{\"metadata\": {\"gap_seconds\": 5}, \"data\": {\"a\": 1}}",
     "data: is an object (accepted: an array of non-negative numbers"},
    {"data_empty.json", "{\"metadata\": {\"gap_seconds\": 5}, \"data\": []}", "data: is empty"},
    {"data_neg.json", "{\"metadata\": {\"gap_seconds\": 5}, \"data\": [1, -1, 0]}",
     "data[1]: -1 is negative (accepted: an array of non-negative numbers, one per tick)"},
    {"data_str.json", "{\"metadata\": {\"gap_seconds\": 5}, \"data\": [1, 0, \"1\"]}",
     "data[2]: is a string"},
    {"data_null.json", "{\"metadata\": {\"gap_seconds\": 5}, \"data\": [null]}",
     "data[0]: is null"},
    {"data_nested.json", "{\"metadata\": {\"gap_seconds\": 5}, \"data\": [[1]]}",
     "data[0]: is an array"},
    {"data_inf.json", "{\"metadata\": {\"gap_seconds\": 5}, \"data\": [1e999]}",
     "data[0]: is not a finite number"},
    {"root_array.json", "[1, 0, 1]",
     "the file holds an array (accepted: a CSV file, or a "
     "SkyPilot trace"},
    {"cut.json", "{\"metadata\": {\"gap_seconds\": 5}, \"data\": [1, 0",
     "JSON syntax error: unexpected end of file"},
    {"comma.json", "{\"metadata\": {\"gap_seconds\": 5}, \"data\": [1, 0,]}",
     "line 1, column 48: JSON syntax error near \"]}\""},
    {"deep.json", DEEP, "JSON syntax error"},
    {"big_drop.csv", "1e999\n", "line 1: time 1e999 is negative or too large"},
    {"tail.json", "{\"metadata\": {\"gap_seconds\": 5}, \"data\": [1]} x", "JSON syntax error"},
    {"unsorted.csv", "7200\n3600\n",
     "line 2: time 3600 is before the previous row's (accepted: rows sorted by time)"},
    {"word.csv", "3600\nsoon\n",
     "line 2: time \"soon\" is not a time (accepted: seconds from the start or a duration"},
    {"negative.csv", "time\n-5\n", "line 2: time -5 is negative or too large"},
    {"two.csv", "3600,1\n", "line 1: 2 fields, expected 1 (one interruption time per row)"},
    {"header_only.csv", "time\n", "the file has no data rows (accepted: one interruption time"},
    {"quote.csv", "3600\n\"7200\n", "malformed CSV"},
};

static const struct bad_case bad_windows[] = {
    {"w_empty.csv", "", "the file is empty"},
    {"w_backwards.csv", "start,end\n2h,1h\n",
     "line 2: end 1h is not after start 2h (accepted: start < end)"},
    {"w_zero.csv", "3600,3600\n", "line 1: end 3600 is not after start 3600"},
    {"w_overlap.csv", "1h,3h\n2h,4h\n",
     "line 2: window 2h,4h overlaps the previous one, which ends at 3h (accepted: windows that "
     "do not overlap)"},
    {"w_unsorted.csv", "5h,6h\n1h,2h\n",
     "line 2: start 1h is before the previous window's start (accepted: windows sorted by "
     "start)"},
    {"w_one.csv", "1h,2h\n3h\n", "line 2: 1 field, expected 2 (start,end"},
    {"w_bad_end.csv", "1h,later\n", "line 1: end \"later\" is not a time"},
    {"w_header_only.csv", "start,end\n", "the file has no data rows (accepted: start,end rows"},
    {"w_gap.json", "{\"metadata\": {}, \"data\": [0]}", "metadata.gap_seconds: is missing"},
    {"w_data.json", "{\"metadata\": {\"gap_seconds\": 5}, \"data\": 0}",
     "data: is a number (accepted: an array of non-negative numbers"},
};

static void check_bad(const struct bad_case *c, bool windows_reader)
{
	struct diag d;
	static struct reclaim stale_r;
	static struct window stale_w;
	struct reclaim *r = &stale_r; /* the readers must reset these */
	struct window *w = &stale_w;
	size_t n = 42;
	diag_init(&d);
	char *path = write_text(c->name, c->content);
	int rc = windows_reader ? spot_read_unavailable(path, &w, &n, &d)
				: spot_read_preemptions(path, &r, &n, &d);
	if (rc >= 0)
		fail_msg("%s: accepted (rc %d)", c->name, rc);
	assert_true(diag_failed(&d));
	expect_diag(&d, c->message);
	/* every line names the file */
	for (size_t i = 0; i < d.nr; i++) {
		char *line = diag_line(&d, i);
		assert_true(strncmp(line, path, strlen(path)) == 0);
		free(line);
	}
	assert_int_equal(n, 0);
	assert_null(windows_reader ? (void *)w : (void *)r);
	diag_release(&d);
	free(path);
}

static void test_read_malformed(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(bad_preemptions) / sizeof(bad_preemptions[0]); i++)
		check_bad(&bad_preemptions[i], false);
	for (size_t i = 0; i < sizeof(bad_windows) / sizeof(bad_windows[0]); i++)
		check_bad(&bad_windows[i], true);
}

static void test_read_io_errors(void **state)
{
	(void)state;
	struct diag d;
	struct reclaim *r;
	struct window *w;
	size_t n;
	diag_init(&d);
	char *missing = tmp_path("missing.json");
	assert_int_equal(spot_read_preemptions(missing, &r, &n, &d), SPOTSIM_ENOENT);
	expect_diag(&d, "missing.json: cannot open file: no such file or directory (accepted: a "
			"readable file)");
	assert_null(r);
	free(missing);
	diag_release(&d);

	char *dir = tmp_path("a-dir");
	assert_int_equal(mkdir(dir, 0700), 0);
	assert_true(spot_read_unavailable(dir, &w, &n, &d) < 0);
	expect_diag(&d, "is a folder (accepted: a regular file of at most 64 MiB)");
	assert_null(w);
	free(dir);
	diag_release(&d);

	char *nul = write_bytes("nul.json", "{\"data\": [1,\0 0]}", 16);
	assert_int_equal(spot_read_preemptions(nul, &r, &n, &d), SPOTSIM_ESYNTAX);
	expect_diag(&d, "contains a NUL byte");
	free(nul);
	diag_release(&d);
}

static void test_read_many_problems(void **state)
{
	(void)state;
	struct diag d;
	struct reclaim *r;
	struct strbuf sb = STRBUF_INIT;
	size_t n;
	diag_init(&d);
	/* CSV: ten problems listed, the rest counted (the diag's limit per file) */
	strbuf_adds(&sb, "time\n");
	for (int i = 0; i < 1000; i++)
		strbuf_adds(&sb, "-1\n");
	char *path = write_text("many.csv", sb.buf);
	assert_int_equal(spot_read_preemptions(path, &r, &n, &d), SPOTSIM_EINVAL);
	assert_int_equal(d.nr, 11);
	expect_diag(&d, "line 11: time -1 is negative");
	expect_diag(&d,
		    "many.csv: 990 more errors not listed (accepted: fix the first 10 and check "
		    "again)");
	assert_int_equal(d.errors, 1000);
	free(path);
	diag_release(&d);

	/* JSON: ten listed, the rest counted */
	strbuf_reset(&sb);
	strbuf_adds(&sb, "{\"metadata\": {\"gap_seconds\": 5}, \"data\": [");
	for (int i = 0; i < 30; i++)
		strbuf_adds(&sb, i ? ", -2" : "-2");
	strbuf_adds(&sb, "]}");
	path = write_text("many.json", sb.buf);
	assert_int_equal(spot_read_preemptions(path, &r, &n, &d), SPOTSIM_EINVAL);
	assert_int_equal(d.nr, 11);
	expect_diag(&d, "data[9]: -2 is negative");
	expect_diag(&d, "20 more errors not listed");
	free(path);
	diag_release(&d);
	strbuf_release(&sb);
}

/* Random text made of trace-like pieces: the readers never crash and agree with their diag. */
static void test_read_garbage(void **state)
{
	(void)state;
	static const char *const pieces[] = {"{",
					     "}",
					     "[",
					     "]",
					     ",",
					     ":",
					     "\"metadata\"",
					     "\"gap_seconds\"",
					     "\"data\"",
					     "0",
					     "1",
					     "-1",
					     "1e9",
					     "2.5",
					     "\"",
					     "\n",
					     " ",
					     "h",
					     "26h",
					     "2d 02:00",
					     "null",
					     "true",
					     "\r\n",
					     "\xEF\xBB\xBF",
					     "1e999",
					     "3600",
					     "x",
					     "\\",
					     "},{",
					     "\"a\""};
	struct rng g;
	struct strbuf sb = STRBUF_INIT;
	rng_init(&g, SEED, 0, RNG_NOISE);
	for (int round = 0; round < 600; round++) {
		strbuf_reset(&sb);
		int len = (int)rng_uniform_int(&g, 40);
		for (int i = 0; i < len; i++)
			strbuf_adds(&sb,
				    pieces[rng_uniform_int(&g, sizeof(pieces) / sizeof(*pieces))]);
		char *path = write_text(round % 2 ? "g.csv" : "g.json", sb.buf);
		struct diag d;
		struct reclaim *r;
		struct window *w;
		size_t n, m;
		diag_init(&d);
		int rc = spot_read_preemptions(path, &r, &n, &d);
		assert_true((rc == 0) == !diag_failed(&d));
		for (size_t i = 1; i < n; i++)
			assert_true(r[i].at >= r[i - 1].at);
		free(r);
		diag_release(&d);
		rc = spot_read_unavailable(path, &w, &m, &d);
		assert_true((rc == 0) == !diag_failed(&d));
		for (size_t i = 0; i < m; i++) {
			assert_true(w[i].start < w[i].end);
			if (i)
				assert_true(w[i].start > w[i - 1].end);
		}
		free(w);
		diag_release(&d);
		free(path);
	}
	rng_release(&g);
	strbuf_release(&sb);
}

/* ---- the bundled samples and the recorded SkyPilot traces ---- */

static void test_bundled_samples(void **state)
{
	(void)state;
	struct diag d;
	struct reclaim *r;
	struct window *w;
	size_t n;
	diag_init(&d);
	assert_int_equal(spot_read_preemptions("data/traces/preemption-sample.json", &r, &n, &d),
			 0);
	assert_int_equal(n, 10);
	assert_true(r[0].at == 4140 * SIM_SEC && r[n - 1].at == 54180 * SIM_SEC);
	free(r);
	assert_int_equal(spot_read_preemptions("data/traces/interruptions.csv", &r, &n, &d), 0);
	assert_int_equal(n, 7);
	assert_true(r[0].at == 90 * SIM_MIN && r[3].at == r[4].at);
	free(r);
	assert_int_equal(spot_read_unavailable("data/traces/availability-sample.json", &w, &n, &d),
			 0);
	assert_int_equal(n, 11);
	assert_true(w[0].start == 540 * SIM_SEC && w[0].end == 3600 * SIM_SEC);
	free(w);
	assert_int_equal(spot_read_unavailable("data/traces/spot-outages.csv", &w, &n, &d), 0);
	assert_int_equal(n, 5);
	assert_true(w[0].start == 7 * SIM_HOUR && w[0].end == 7 * SIM_HOUR + 45 * SIM_MIN);
	free(w);
	assert_int_equal(d.nr, 0);
	diag_release(&d);
}

static void test_real_preemption_trace(void **state)
{
	(void)state;
	if (access(REAL_PREEMPTION, R_OK) != 0)
		skip();
	struct diag d;
	struct reclaim *r;
	size_t n;
	diag_init(&d);
	assert_int_equal(spot_read_preemptions(REAL_PREEMPTION, &r, &n, &d), 0);
	assert_int_equal(d.nr, 0);
	/* a week of r5.16xlarge in us-east-1b, one tick every 34 s */
	assert_true(n > 0 && n < 1000);
	for (size_t i = 0; i < n; i++) {
		assert_true(r[i].at > 0 && r[i].at < 8 * SIM_DAY);
		assert_true(r[i].count == 1 && r[i].fraction < 0 && r[i].az == -1);
		assert_true(r[i].at % (34 * SIM_SEC) == 0);
		if (i)
			assert_true(r[i].at > r[i - 1].at);
	}
	print_message("%s: %zu preemptions, the last at %.1f h\n", REAL_PREEMPTION, n,
		      (double)r[n - 1].at / SIM_HOUR);

	/* replayed through the spot module: the same events, cut at the horizon */
	struct interruption_config m = {.model = INTERRUPTION_TRACE, .times = r, .ntimes = n};
	struct spot_config c = one_model(&m);
	struct spot *s = spot_new(&c, SEED, 0, r[n / 2].at);
	struct reclaim e;
	size_t k = 0;
	while (spot_next_reclaim(s, &e))
		assert_true(e.at == r[k++].at);
	assert_int_equal(k, n / 2);
	spot_free(s);
	free(r);
	diag_release(&d);
}

static void test_real_availability_trace(void **state)
{
	(void)state;
	if (access(REAL_AVAILABILITY, R_OK) != 0)
		skip();
	struct diag d;
	struct window *w;
	size_t n;
	diag_init(&d);
	assert_int_equal(spot_read_unavailable(REAL_AVAILABILITY, &w, &n, &d), 0);
	assert_int_equal(d.nr, 0);
	/* 45 days of p3.2xlarge in us-east-1a, one tick every 195 s */
	assert_true(n > 0);
	sim_time down = 0;
	for (size_t i = 0; i < n; i++) {
		assert_true(w[i].start < w[i].end && w[i].end <= 50 * SIM_DAY);
		assert_true(w[i].start % (195 * SIM_SEC) == 0 && w[i].end % (195 * SIM_SEC) == 0);
		if (i)
			assert_true(w[i].start > w[i - 1].end); /* merged: never touching */
		down += w[i].end - w[i].start;
	}
	print_message("%s: %zu unavailable windows, %.1f %% of the time until the last\n",
		      REAL_AVAILABILITY, n, 100.0 * (double)down / (double)w[n - 1].end);

	struct spot_config c = {.capacity = {.model = CAPACITY_TRACE, .windows = w, .nwindows = n}};
	struct spot *s = spot_new(&c, SEED, 0, 50 * SIM_DAY);
	sim_time t = 0, next, down2 = 0;
	size_t shortages = 0;
	while (t < SIM_TIME_MAX) {
		if (!spot_capacity_at(s, t, &next)) {
			down2 += next - t;
			shortages++;
		}
		assert_true(next > t);
		t = next;
	}
	assert_int_equal(shortages, n);
	assert_true(down2 == down);
	spot_free(s);
	free(w);
	diag_release(&d);
}

int main(void)
{
	rng_global_init();
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_advisor_bands),
	    cmocka_unit_test(test_hazard_from_monthly),
	    cmocka_unit_test(test_poisson_monthly_fraction),
	    cmocka_unit_test(test_poisson_mean),
	    cmocka_unit_test(test_weibull_mean),
	    cmocka_unit_test(test_combined_survival),
	    cmocka_unit_test(test_combined_is_min_of_draws),
	    cmocka_unit_test(test_no_per_task_model),
	    cmocka_unit_test(test_waves_count_and_zones),
	    cmocka_unit_test(test_waves_count_and_any_zone),
	    cmocka_unit_test(test_merge_order),
	    cmocka_unit_test(test_merge_waves_with_trace),
	    cmocka_unit_test(test_determinism),
	    cmocka_unit_test(test_streams_independent),
	    cmocka_unit_test(test_capacity_always),
	    cmocka_unit_test(test_capacity_alternating_long_run),
	    cmocka_unit_test(test_capacity_alternating_any_query_times),
	    cmocka_unit_test(test_capacity_alternating_edges),
	    cmocka_unit_test(test_capacity_trace),
	    cmocka_unit_test(test_config_release),
	    cmocka_unit_test(test_read_preemptions_csv),
	    cmocka_unit_test(test_read_preemptions_json),
	    cmocka_unit_test(test_read_unavailable),
	    cmocka_unit_test(test_read_malformed),
	    cmocka_unit_test(test_read_io_errors),
	    cmocka_unit_test(test_read_many_problems),
	    cmocka_unit_test(test_read_garbage),
	    cmocka_unit_test(test_bundled_samples),
	    cmocka_unit_test(test_real_preemption_trace),
	    cmocka_unit_test(test_real_availability_trace),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
