/*
 * Tests for queueing: Erlang C against published and closed-form values,
 * the response-time tail and quantiles, and the latency mixture.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "spotsim/model/queueing.h"
#include "spotsim/engine/rng.h"

#include <math.h>

static void check_rel(double got, double want, double tol, const char *what)
{
	if (!(fabs(got - want) <= tol * fabs(want)))
		fail_msg("%s: got %.17g, want %.17g (relative tolerance %g)", what, got, want, tol);
}

/* The textbook Erlang B recursion, in long double, as an independent reference. */
static double erlang_c_reference(long c, double a)
{
	long double b = 1, la = a;
	for (long k = 1; k <= c; k++)
		b = la * b / ((long double)k + la * b);
	long double rho = la / (long double)c;
	return (double)(b / (1 - rho * (1 - b)));
}

/* ---- Erlang C ---- */

static void test_erlang_c_published(void **state)
{
	(void)state;
	/* c = 12 servers, 10 erlangs: P(wait) = 0.449388 in the usual tables */
	check_rel(mmc_erlang_c(12, 10), 0.449388, 1e-6, "C(12, 10)");
	check_rel(mmc_erlang_c(12, 10), 0.44938822429827086, 1e-12, "C(12, 10) exact");
	check_rel(mmc_erlang_c(2, 1), 1.0 / 3, 1e-14, "C(2, 1)");
	check_rel(mmc_erlang_c(4, 2), 4.0 / 23, 1e-14, "C(4, 2)");
}

static void test_erlang_c_mm1(void **state)
{
	(void)state;
	for (double rho = 0.05; rho < 1; rho += 0.1)
		check_rel(mmc_erlang_c(1, rho), rho, 1e-14, "M/M/1 C = rho");
}

static void test_erlang_c_edges(void **state)
{
	(void)state;
	assert_true(mmc_erlang_c(1, 0) == 0);
	assert_true(mmc_erlang_c(1000, 0) == 0);
	assert_true(mmc_erlang_c(12, 12) == 1);
	assert_true(mmc_erlang_c(12, 50) == 1);
	assert_true(isnan(mmc_erlang_c(3, NAN)));
	/* far below capacity C underflows to 0, never NaN */
	assert_true(mmc_erlang_c(100000, 10) == 0);
	double tiny = mmc_erlang_c(200, 10);
	assert_true(tiny >= 0 && tiny < 1e-100);
}

static void test_erlang_c_large_c(void **state)
{
	(void)state;
	double c_big = mmc_erlang_c(100000, 99000);
	assert_true(isfinite(c_big) && c_big > 0 && c_big < 1);
	check_rel(c_big, erlang_c_reference(100000, 99000), 1e-9, "C(100000, 99000)");
	check_rel(mmc_erlang_c(5000, 4990), erlang_c_reference(5000, 4990), 1e-10, "C(5000, 4990)");
	check_rel(mmc_erlang_c(300, 250.5), erlang_c_reference(300, 250.5), 1e-12, "C(300, 250.5)");
}

/* ---- mean wait, tail, quantiles ---- */

static void test_mean_wait(void **state)
{
	(void)state;
	/* lambda = 250/s, 40 ms service, 12 servers: a = 10 */
	check_rel(mmc_mean_wait(12, 250, 25), 0.44938822429827086 / 50, 1e-12, "Wq M/M/12");
	/* M/M/1: Wq = rho / (mu - lambda) */
	check_rel(mmc_mean_wait(1, 15, 25), 0.6 / 10, 1e-14, "Wq M/M/1");
	assert_true(mmc_mean_wait(3, 0, 25) == 0);
	assert_true(isinf(mmc_mean_wait(3, 75, 25)));
	assert_true(isinf(mmc_mean_wait(3, 100, 25)));
}

static void test_mm1_response_exponential(void **state)
{
	(void)state;
	double lambda = 15, mu = 25, rate = mu - lambda;
	for (double t = 0.01; t < 2; t *= 1.7)
		check_rel(mmc_response_tail(1, lambda, mu, t), exp(-rate * t), 1e-12, "M/M/1 tail");
	const double qs[] = {0.01, 0.5, 0.9, 0.95, 0.99, 0.999};
	for (size_t i = 0; i < sizeof(qs) / sizeof(qs[0]); i++)
		check_rel(mmc_response_quantile(1, lambda, mu, qs[i]), -log(1 - qs[i]) / rate, 1e-9,
			  "M/M/1 quantile");
}

static void test_response_tail_formula(void **state)
{
	(void)state;
	/* the header's closed form, with gamma = 50 far from mu = 25 */
	double mu = 25, gamma = 50, cw = 0.44938822429827086;
	double k = cw * mu / (gamma - mu);
	for (double t = 0.001; t < 1; t *= 2)
		check_rel(mmc_response_tail(12, 250, 25, t),
			  (1 + k) * exp(-mu * t) - k * exp(-gamma * t), 1e-12, "M/M/12 tail");
	assert_true(mmc_response_tail(12, 250, 25, 0) == 1);
	assert_true(mmc_response_tail(12, 250, 25, -1) == 1);
	assert_true(isnan(mmc_response_tail(12, 300, 25, 1)));
	assert_true(isnan(mmc_response_quantile(12, 300, 25, 0.5)));
	assert_true(isnan(mmc_response_quantile(12, 250, 25, 0)));
	assert_true(isnan(mmc_response_quantile(12, 250, 25, 1)));
}

static void test_gamma_equals_mu(void **state)
{
	(void)state;
	/* c = 2, mu = 1, lambda = 1: gamma = 1 = mu, C = 1/3, P(T > t) = (1 + t/3) e^{-t} */
	for (double t = 0.01; t < 30; t *= 1.9) {
		double exact = (1 + t / 3) * exp(-t);
		check_rel(mmc_response_tail(2, 1, 1, t), exact, 1e-13, "gamma == mu");
		/* continuity: a hair either side of gamma == mu moves the tail a hair */
		double below = mmc_response_tail(2, 1 - 1e-9, 1, t);
		double above = mmc_response_tail(2, 1 + 1e-9, 1, t);
		check_rel(below, exact, 1e-7, "gamma just above mu");
		check_rel(above, exact, 1e-7, "gamma just below mu");
	}
	double q = mmc_response_quantile(2, 1, 1, 0.95);
	check_rel(mmc_response_tail(2, 1, 1, q), 0.05, 1e-9, "quantile at gamma == mu");
}

/* ---- the mixture ---- */

static void test_mix_empty(void **state)
{
	(void)state;
	struct latency_mix *m = latency_mix_new();
	assert_true(latency_mix_weight(m) == 0);
	assert_true(latency_mix_tail(m, 1) == 0);
	assert_true(isnan(latency_mix_quantile(m, 0.5)));
	latency_mix_add(m, 0, 12, 250, 25); /* nothing served adds nothing */
	assert_true(latency_mix_weight(m) == 0);
	latency_mix_add(m, 100, 12, 250, 25);
	assert_true(latency_mix_weight(m) == 100);
	assert_true(isnan(latency_mix_quantile(m, 0)));
	assert_true(isnan(latency_mix_quantile(m, 1.5)));
	latency_mix_reset(m);
	assert_true(latency_mix_weight(m) == 0);
	assert_true(isnan(latency_mix_quantile(m, 0.5)));
	latency_mix_free(m);
	latency_mix_free(NULL);
}

static void test_mix_one_component(void **state)
{
	(void)state;
	struct latency_mix *m = latency_mix_new();
	/* the same interval added in pieces is still one component */
	for (int i = 0; i < 7; i++)
		latency_mix_add(m, 1000.0 / 7, 12, 250, 25);
	const double qs[] = {0.05, 0.5, 0.9, 0.95, 0.99, 0.9999};
	for (size_t i = 0; i < sizeof(qs) / sizeof(qs[0]); i++)
		check_rel(latency_mix_quantile(m, qs[i]), mmc_response_quantile(12, 250, 25, qs[i]),
			  1e-9, "one-component mix quantile");
	for (double t = 0.001; t < 2; t *= 3)
		check_rel(latency_mix_tail(m, t), mmc_response_tail(12, 250, 25, t), 1e-12,
			  "one-component mix tail");
	latency_mix_free(m);
}

static void test_mix_two_mm1(void **state)
{
	(void)state;
	struct latency_mix *m = latency_mix_new();
	latency_mix_add(m, 500, 1, 10, 25); /* T ~ Exp(15) */
	latency_mix_add(m, 500, 1, 20, 25); /* T ~ Exp(5) */
	for (double t = 0.001; t < 5; t *= 2.5)
		check_rel(latency_mix_tail(m, t), (exp(-15 * t) + exp(-5 * t)) / 2, 1e-12,
			  "two M/M/1 mix tail");
	double q95 = latency_mix_quantile(m, 0.95);
	check_rel((exp(-15 * q95) + exp(-5 * q95)) / 2, 0.05, 1e-9, "two M/M/1 mix p95");
	latency_mix_free(m);
}

static void test_mix_two_service_rates(void **state)
{
	(void)state;
	struct latency_mix *m = latency_mix_new();
	latency_mix_add(m, 300, 4, 60, 25);
	latency_mix_add(m, 100, 2, 15, 10);
	for (double t = 0.001; t < 3; t *= 2.5) {
		double want = (300 * mmc_response_tail(4, 60, 25, t) +
			       100 * mmc_response_tail(2, 15, 10, t)) /
			      400;
		check_rel(latency_mix_tail(m, t), want, 1e-12, "two service rates");
	}
	latency_mix_free(m);
}

static void test_mix_overloaded(void **state)
{
	(void)state;
	struct latency_mix *m = latency_mix_new();
	latency_mix_add_overloaded(m, 400, 25, 10);
	latency_mix_add_overloaded(m, 600, 25, 10);
	assert_true(latency_mix_weight(m) == 1000);
	assert_true(latency_mix_tail(m, 9.99) == 1);
	check_rel(latency_mix_quantile(m, 0.5), 10 + log(2) / 25, 1e-9, "overloaded p50");
	check_rel(latency_mix_quantile(m, 0.95), 10 + log(20) / 25, 1e-9, "overloaded p95");
	/* half overloaded, half M/M/1: the tail is the average */
	latency_mix_add(m, 1000, 1, 20, 25);
	double t = 10.05;
	check_rel(latency_mix_tail(m, t), (exp(-25 * (t - 10)) + exp(-5 * t)) / 2, 1e-12,
		  "half overloaded");
	latency_mix_free(m);
}

/* The exact mixture over many distinct gammas, for the bucket test. */
struct exact_mix {
	double w[400], lambda[400];
	int n;
};

static double exact_tail(const struct exact_mix *e, double t)
{
	double sum = 0, wsum = 0;
	for (int i = 0; i < e->n; i++) {
		sum += e->w[i] * mmc_response_tail(20, e->lambda[i], 25, t);
		wsum += e->w[i];
	}
	return sum / wsum;
}

static void test_mix_buckets_accuracy(void **state)
{
	(void)state;
	struct exact_mix e = {.n = 400};
	struct latency_mix *m = latency_mix_new();
	for (int i = 0; i < e.n; i++) {
		e.lambda[i] = 100 + 399.0 * i / e.n; /* up to 99.75 % of 500/s capacity */
		e.w[i] = 1 + i % 7;
		latency_mix_add(m, e.w[i], 20, e.lambda[i], 25);
	}
	const double qs[] = {0.5, 0.95, 0.99};
	for (size_t i = 0; i < sizeof(qs) / sizeof(qs[0]); i++) {
		double q = latency_mix_quantile(m, qs[i]);
		/* pooling gammas in 0.5 % buckets moves the tail by far less than 0.5 % */
		check_rel(exact_tail(&e, q), 1 - qs[i], 1e-6, "bucketed mix quantile");
	}
	latency_mix_free(m);
}

/*
 * The shortcut that reports P(wait) < 1e-12 as 0 never hides a larger value:
 * compare against the plain Erlang B recursion over a grid of loads.
 */
static void test_negligible_shortcut(void **state)
{
	(void)state;
	for (long c = 64; c <= 2048; c *= 2) {
		for (double rho = 0.05; rho < 0.999; rho += 0.01) {
			double a = rho * (double)c, b = 1;
			for (long k = 1; k <= c; k++)
				b = a * b / ((double)k + a * b);
			double exact = b / (1 - rho * (1 - b));
			double got = mmc_erlang_c(c, a);
			if (got == 0)
				assert_true(exact < 1e-12);
			else
				assert_true(fabs(got - exact) <= 1e-9 * exact);
		}
	}
}

/* A remembered quantile is the quantile; a changed mixture is solved again. */
static void test_quantile_memo(void **state)
{
	(void)state;
	struct latency_mix *m = latency_mix_new(), *other = latency_mix_new();
	struct latency_memo *memo = latency_memo_new();
	for (int round = 0; round < 3; round++) {
		latency_mix_reset(m);
		latency_mix_add(m, 500, 12, 250, 25);
		latency_mix_add_overloaded(m, 10, 25, 10);
		double want = latency_mix_quantile(m, 0.95);
		assert_true(latency_mix_quantile_memo(m, 0.95, memo) == want);
		assert_true(latency_mix_quantile_memo(m, 0.5, memo) ==
			    latency_mix_quantile(m, 0.5));
	}
	/* one more request: another answer */
	latency_mix_add(m, 1, 12, 250, 25);
	assert_true(latency_mix_quantile_memo(m, 0.5, memo) == latency_mix_quantile(m, 0.5));
	/* a second mixture with other groups and more buckets, then the first again */
	latency_mix_add(other, 300, 4, 60, 25);
	latency_mix_add(other, 100, 2, 15, 10);
	latency_mix_add(other, 100, 2, 5, 10);
	assert_true(latency_mix_quantile_memo(other, 0.95, memo) ==
		    latency_mix_quantile(other, 0.95));
	assert_true(latency_mix_quantile_memo(m, 0.95, memo) == latency_mix_quantile(m, 0.95));
	latency_mix_reset(m);
	assert_true(isnan(latency_mix_quantile_memo(m, 0.95, memo)));
	latency_memo_free(memo);
	latency_memo_free(NULL);
	latency_mix_free(m);
	latency_mix_free(other);
}

/*
 * Waits uniform on [2, 6] s then S ~ Exp(mu = 10): the tail against a
 * midpoint-rule integral of e^{-mu (t - u)} over the waits; the median of
 * U + S lies near U's (4 s) plus a little; w0 == w1 is the overloaded term;
 * the memo sees a changed uniform part.
 */
static void test_mix_uniform_wait(void **state)
{
	(void)state;
	struct latency_mix *m = latency_mix_new();
	latency_mix_add_uniform(m, 1000, 10, 6, 2); /* either order */
	const double ts[] = {0.5, 2, 3.3, 6, 6.4};
	for (size_t k = 0; k < sizeof(ts) / sizeof(ts[0]); k++) {
		double t = ts[k], sum = 0;
		for (int i = 0; i < 400000; i++) {
			double u = 2 + 4 * (i + 0.5) / 400000;
			sum += u >= t ? 1 : exp(-10 * (t - u));
		}
		double want = sum / 400000, got = latency_mix_tail(m, t);
		if (fabs(got - want) > 1e-9)
			fail_msg("tail at %g: got %.12g want %.12g", t, got, want);
	}
	double q = latency_mix_quantile(m, 0.5);
	assert_true(fabs(latency_mix_tail(m, q) - 0.5) < 1e-9 && q > 4 && q < 4.2);
	assert_true(latency_mix_weight(m) == 1000);
	struct latency_mix *o = latency_mix_new();
	latency_mix_add_uniform(o, 10, 10, 3, 3);
	struct latency_mix *p = latency_mix_new();
	latency_mix_add_overloaded(p, 10, 10, 3);
	assert_true(latency_mix_quantile(o, 0.9) == latency_mix_quantile(p, 0.9));
	struct latency_memo *memo = latency_memo_new();
	double a = latency_mix_quantile_memo(m, 0.95, memo);
	latency_mix_add_uniform(m, 1000, 10, 20, 30);
	double b = latency_mix_quantile_memo(m, 0.95, memo);
	assert_true(a < 6.3 && b > 20 && b == latency_mix_quantile(m, 0.95));
	latency_mix_reset(m);
	assert_true(latency_mix_weight(m) == 0 && isnan(latency_mix_quantile(m, 0.5)));
	latency_memo_free(memo);
	latency_mix_free(m);
	latency_mix_free(o);
	latency_mix_free(p);
}

int main(void)
{
	rng_global_init();
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_negligible_shortcut),
	    cmocka_unit_test(test_erlang_c_published),
	    cmocka_unit_test(test_erlang_c_mm1),
	    cmocka_unit_test(test_erlang_c_edges),
	    cmocka_unit_test(test_erlang_c_large_c),
	    cmocka_unit_test(test_mean_wait),
	    cmocka_unit_test(test_mm1_response_exponential),
	    cmocka_unit_test(test_response_tail_formula),
	    cmocka_unit_test(test_gamma_equals_mu),
	    cmocka_unit_test(test_mix_empty),
	    cmocka_unit_test(test_mix_one_component),
	    cmocka_unit_test(test_mix_two_mm1),
	    cmocka_unit_test(test_mix_two_service_rates),
	    cmocka_unit_test(test_mix_overloaded),
	    cmocka_unit_test(test_mix_buckets_accuracy),
	    cmocka_unit_test(test_quantile_memo),
	    cmocka_unit_test(test_mix_uniform_wait),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
