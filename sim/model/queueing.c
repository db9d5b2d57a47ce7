/*
 * queueing — M/M/c formulas and the latency mixture (see queueing.h).
 *
 * Erlang C. The Erlang B recursion B(k) = a B(k-1) / (k + a B(k-1)) is run
 * in its reciprocal form r(k) = 1 / B(k) = 1 + (k / a) r(k-1), r(0) = 1:
 * the same recursion without a division per step, every term positive, so
 * the relative error stays below about 2 c DBL_EPSILON. r only grows once
 * k > a; when it passes 1e40, B is below 1e-40 and C is taken as 0. Far below a the
 * recursion forgets where it started, which bounds the work by about
 * 50 sqrt(a) steps for large loads (see mmc_erlang_c).
 * C = B / (1 - rho (1 - B)).
 *
 * Response-time tail of one M/M/c interval, with gamma = c mu - lambda:
 *     P(T > t) = e^{-mu t} + C mu h(t),  h(t) = (e^{-mu t} - e^{-gamma t}) / (gamma - mu)
 * h is evaluated as e^{-mu t} t (1 - e^{-d t}) / (d t) with d = gamma - mu
 * (expm1) when |d t| is small, so gamma == mu (h = t e^{-mu t}) and its
 * neighbourhood need no special case and lose no digits.
 *
 * The mixture. A run adds one component per interval, far too many to keep.
 * Components with the same mu share the e^{-mu t} term, so per distinct mu
 * (mu is constant in a run; a short list covers the rest) a group keeps the
 * weight w of its requests and, for the C mu h(t) terms, buckets of gamma
 * holding sum(w C) and sum(w C gamma); a bucket stands for one component of
 * rate sum(w C gamma) / sum(w C), exact when all its gammas are equal. A
 * bucket is a gamma's exponent and top BUCKET_BITS mantissa bits: 128 per
 * octave, 0.4 to 0.8 % wide, nearly log-spaced, found without a logarithm.
 * Buckets live in an array sorted by key. Overloaded requests
 * (T = timeout + S) are kept as one weight per (mu, timeout). Memory is
 * bounded by the range of gamma, not by the length of the run. The layout
 * and the add of an interval are in the private queueing_mix.h, inline for
 * the workload, which adds one interval every 20 seconds of a diurnal load.
 *
 * Quantiles solve ln P(T > t) = ln(1 - q) with GSL's Brent solver. The
 * bracket comes from bounds on each component's quantile (struct bounds),
 * which keep it within a factor of about two and the iterations few; should
 * rounding ever make it miss the root, it is found again by doubling from
 * the mean. The solver's state lives in a stack buffer so that the solver
 * does not allocate outside xalloc.
 */
#include "spotsim/model/queueing.h"

#include "queueing_mix.h"

#include "spotsim/util/xalloc.h"

#include <assert.h>
#include <float.h>
#include <math.h>
#include <stdalign.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_errno.h>
#include <gsl/gsl_roots.h>
#include <gsl/gsl_sf_gamma.h>

#define SOLVER_EPSABS  1e-15 /* seconds */
#define SOLVER_EPSREL  1e-12
#define SOLVER_MAXITER 200
#define MAX_DOUBLINGS  2000
#define BRACKET_MARGIN 1e-6 /* relative widening of a computed bracket */

/* ---- Erlang C ---- */

/*
 * r(k) for k = k0 + 1 .. c, four steps per trip: r(k + 3) = A + B r(k - 1)
 * with A and B products of x_i = i / a, independent of r, so the loop's
 * critical path is one multiply-add per four steps. Returns INFINITY as soon
 * as r passes 1e40: B is then below 1e-40 and C below 1e-40 / (1 - rho),
 * reported as 0; stopping there rather than at overflow saves most of the
 * work for the many-server, light-load intervals of a busy service.
 */
static double erlang_b_reciprocal(long k0, long c, double a, double r)
{
	double inv_a = 1 / a;
	long k = k0 + 1;
	for (; k + 3 <= c; k += 4) {
		double x1 = (double)k * inv_a, x2 = (double)(k + 1) * inv_a;
		double x3 = (double)(k + 2) * inv_a, x4 = (double)(k + 3) * inv_a;
		double p43 = x4 * x3, p432 = p43 * x2;
		r = (1 + x4 + p43 + p432) + p432 * x1 * r;
		if (r > 1e40)
			return INFINITY;
	}
	for (; k <= c; k++)
		r = 1 + (double)k * inv_a * r;
	return r;
}

/*
 * A cheap upper bound first: with c >= a the Poisson(a) median is at most c,
 * so P(X <= c) >= 1/2 and B(c, a) = P(X = c) / P(X <= c) <= 2 P(X = c), and
 * C <= B / (1 - rho). When that bound is below 1e-12 the probability of
 * waiting is reported as 0, which spares the recursion for the lightly
 * loaded many-server intervals that dominate an autoscaled service.
 */
/*
 * ln c!, remembered per thread in a small table by c: a run meets few
 * distinct c, each many times. A hit is the very value GSL gave.
 */
#define LOG_FACTORIAL_SLOTS 256

static double log_factorial(long c)
{
	static _Thread_local struct {
		long c;
		double value;
	} memo[LOG_FACTORIAL_SLOTS];
	unsigned long slot = (unsigned long)c % LOG_FACTORIAL_SLOTS;
	if (memo[slot].c != c) {
		memo[slot].c = c;
		memo[slot].value = gsl_sf_lngamma((double)c + 1);
	}
	return memo[slot].value;
}

static bool erlang_c_negligible(long c, double a)
{
	double rho = a / (double)c;
	if (c < 64)
		return false; /* the recursion is cheap there */
	double log_pmf = (double)c * log(a) - a - log_factorial(c);
	return log_pmf + log(2.0 / (1 - rho)) < -27.631; /* ln 1e-12 */
}

double mmc_erlang_c(long c, double a)
{
	assert(c >= 1);
	if (isnan(a))
		return NAN;
	if (a <= 0)
		return 0;
	if (a >= (double)c)
		return 1;
	if (erlang_c_negligible(c, a))
		return 0;
	/*
	 * An error in r(k0) shrinks by the product of k / a up to a: below e^-50
	 * from k0 = a - 10 sqrt(a). Start there, from the fixed point
	 * 1 / (1 - k0 / a) rather than from nothing.
	 */
	long k0 = 0;
	double r = 1;
	if (a > 100) {
		k0 = (long)floor(a - 10 * sqrt(a));
		r = 1 / (1 - (double)k0 / a);
	}
	r = erlang_b_reciprocal(k0, c, a, r);
	if (isinf(r))
		return 0;
	double b = 1 / r, rho = a / (double)c;
	return b / (1 - rho * (1 - b));
}

double mmc_mean_wait(long c, double lambda, double mu)
{
	double capacity = (double)c * mu;
	if (!(lambda < capacity))
		return INFINITY;
	if (lambda <= 0)
		return 0;
	return mmc_erlang_c(c, lambda / mu) / (capacity - lambda);
}

/* ---- response-time tails ---- */

/*
 * (e^{-mu t} - e^{-gamma t}) / (gamma - mu) for t >= 0, without
 * cancellation; e_mu is e^{-mu t}, which callers share between terms.
 */
static double wait_kernel(double mu, double gamma, double t, double e_mu)
{
	double d = gamma - mu, x = d * t;
	if (fabs(x) < 0.5)
		return x == 0 ? t * e_mu : e_mu * t * (-expm1(-x) / x);
	return (e_mu - exp(-gamma * t)) / d;
}

/* P(T > t) of one component; c_mu = C mu. */
static double component_tail(double mu, double gamma, double c_mu, double t)
{
	double e_mu = exp(-mu * t);
	return e_mu + c_mu * wait_kernel(mu, gamma, t, e_mu);
}

static bool mmc_stable(long c, double lambda, double mu)
{
	return mu > 0 && lambda >= 0 && lambda < (double)c * mu;
}

double mmc_response_tail(long c, double lambda, double mu, double t)
{
	if (!mmc_stable(c, lambda, mu))
		return NAN;
	if (t <= 0)
		return 1;
	double erlang = mmc_erlang_c(c, lambda / mu);
	return component_tail(mu, (double)c * mu - lambda, erlang * mu, t);
}

/* ---- quantiles by root finding ---- */

typedef double (*tail_fn)(const void *obj, double t);

struct tail_problem {
	tail_fn tail;
	const void *obj;
	double p; /* the tail probability sought, 1 - q */
	double log_p;
};

/*
 * ln P(T > t) - ln p: nearly linear in t once one exponential dominates,
 * which Brent's interpolation steps exploit. The floor keeps it finite
 * where the tail underflows (GSL rejects infinite values).
 */
static double tail_gap(double t, void *params)
{
	const struct tail_problem *tp = params;
	double tail = tp->tail(tp->obj, t);
	return log(tail > DBL_MIN ? tail : DBL_MIN) - tp->log_p;
}

/* Brackets the root by doubling: lo with tail > p (t = 0), hi from `guess` until tail <= p. */
static int bracket_by_doubling(const struct tail_problem *tp, double guess, double *lo, double *hi)
{
	*lo = 0;
	*hi = guess > 0 && isfinite(guess) ? guess : 1;
	for (int i = 0; tp->tail(tp->obj, *hi) > tp->p; i++) {
		if (i == MAX_DOUBLINGS || !isfinite(*hi))
			return -1;
		*lo = *hi;
		*hi *= 2;
	}
	return 0;
}

/* Runs Brent on [lo, hi]; returns the root or NAN (endpoints not straddling, no convergence). */
static double brent(struct tail_problem *tp, double lo, double hi)
{
	gsl_function f = {tail_gap, tp};
	const gsl_root_fsolver_type *type = gsl_root_fsolver_brent;
	alignas(max_align_t) unsigned char small[256];
	void *state = type->size <= sizeof(small) ? (void *)small : xmalloc(type->size);
	gsl_root_fsolver s = {.type = type, .state = state};
	double root = NAN;

	int status = gsl_root_fsolver_set(&s, &f, lo, hi);
	for (int i = 0; status == GSL_SUCCESS && i < SOLVER_MAXITER; i++) {
		status = gsl_root_fsolver_iterate(&s);
		if (status != GSL_SUCCESS)
			break;
		status = gsl_root_test_interval(gsl_root_fsolver_x_lower(&s),
						gsl_root_fsolver_x_upper(&s), SOLVER_EPSABS,
						SOLVER_EPSREL);
		if (status == GSL_SUCCESS) {
			root = gsl_root_fsolver_root(&s);
			break;
		}
		status = status == GSL_CONTINUE ? GSL_SUCCESS : status;
	}
	if (state != small)
		free(state);
	return root;
}

/*
 * Bounds on the p-tail point (the quantile at q = 1 - p). For one component
 * T = S + W, S ~ Exp(mu), P(W > 0) = C and W ~ Exp(gamma) when positive: T
 * exceeds both S and W, so its quantile is at least theirs; and
 * P(S + W > a + b) <= P(S > a) + P(W > b), so a and b at p / 2 each give an
 * upper bound. A mixture's quantile lies between its components' smallest
 * lower and largest upper bound.
 */
struct bounds {
	double lp, lp2; /* -ln p, -ln(p / 2) */
	double lo, hi;
};

static struct bounds bounds_start(double p)
{
	double lp = -log(p);
	return (struct bounds){lp, lp + M_LN2, INFINITY, 0};
}

/* Widens `b` to cover a component with log_c = ln C (-INFINITY for C = 0). */
static void bounds_add(struct bounds *b, double mu, double gamma, double log_c)
{
	double w_lo = log_c + b->lp > 0 ? (log_c + b->lp) / gamma : 0;
	double w_hi = log_c + b->lp2 > 0 ? (log_c + b->lp2) / gamma : 0;
	double s_lo = b->lp / mu, lo = s_lo > w_lo ? s_lo : w_lo;
	double hi = b->lp2 / mu + w_hi;
	b->lo = lo < b->lo ? lo : b->lo;
	b->hi = hi > b->hi ? hi : b->hi;
}

static void bounds_add_exact(struct bounds *b, double t)
{
	b->lo = t < b->lo ? t : b->lo;
	b->hi = t > b->hi ? t : b->hi;
}

/*
 * The quantile of `tail` at q, 0 < q < 1: Brent on the bounds' bracket, or,
 * should it not straddle the root (it should, but bounds are computed in
 * floating point), on one found by doubling from `guess`.
 */
static double solve_tail(tail_fn tail, const void *obj, double q, const struct bounds *b,
			 double guess)
{
	struct tail_problem tp = {tail, obj, 1 - q, log(1 - q)};
	double lo = b->lo, hi = b->hi;
	if (lo > 0 && hi >= lo && isfinite(hi)) {
		double root = brent(&tp, lo * (1 - BRACKET_MARGIN), hi * (1 + BRACKET_MARGIN));
		if (!isnan(root))
			return root;
	}
	if (bracket_by_doubling(&tp, guess, &lo, &hi) != 0)
		return NAN;
	return brent(&tp, lo, hi);
}

struct mmc_params {
	double mu, gamma, c_mu;
};

static double mmc_tail(const void *obj, double t)
{
	const struct mmc_params *p = obj;
	return t <= 0 ? 1 : component_tail(p->mu, p->gamma, p->c_mu, t);
}

double mmc_response_quantile(long c, double lambda, double mu, double q)
{
	if (!mmc_stable(c, lambda, mu) || !(q > 0 && q < 1))
		return NAN;
	double erlang = mmc_erlang_c(c, lambda / mu);
	struct mmc_params p = {mu, (double)c * mu - lambda, erlang * mu};
	struct bounds b = bounds_start(1 - q);
	bounds_add(&b, mu, p.gamma, log(erlang));
	return solve_tail(mmc_tail, &p, q, &b, erlang / p.gamma + 1 / mu);
}

/* ---- the mixture ---- */

struct latency_mix *latency_mix_new(void)
{
	return xcalloc(1, sizeof(struct latency_mix));
}

void latency_mix_free(struct latency_mix *m)
{
	if (!m)
		return;
	for (size_t i = 0; i < m->ngroups; i++)
		free(m->groups[i].buckets);
	free(m->groups);
	free(m->over);
	free(m->unif);
	free(m);
}

void latency_mix_reset(struct latency_mix *m)
{
	for (size_t i = 0; i < m->ngroups; i++) {
		m->groups[i].weight = 0;
		m->groups[i].nr = 0;
		m->groups[i].last = 0;
	}
	m->nover = 0;
	m->nunif = 0;
	m->weight = 0;
	m->mean_sum = 0;
	m->last = 0;
}

struct rate_group *latency_mix_group(struct latency_mix *m, double mu)
{
	for (size_t i = 0; i < m->ngroups; i++) {
		if (m->groups[i].mu == mu) {
			m->last = i;
			return &m->groups[i];
		}
	}
	XALLOC_GROW(m->groups, m->ngroups + 1, m->agroups);
	m->last = m->ngroups;
	struct rate_group *g = &m->groups[m->ngroups++];
	memset(g, 0, sizeof(*g));
	g->mu = mu;
	g->inv_mu = 1 / mu;
	return g;
}

struct gamma_bucket *latency_mix_bucket(struct rate_group *g, uint64_t key)
{
	size_t lo = 0, hi = g->nr;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (g->buckets[mid].key < key)
			lo = mid + 1;
		else
			hi = mid;
	}
	g->last = lo;
	if (lo < g->nr && g->buckets[lo].key == key)
		return &g->buckets[lo];
	XALLOC_GROW(g->buckets, g->nr + 1, g->alloc);
	memmove(&g->buckets[lo + 1], &g->buckets[lo], (g->nr - lo) * sizeof(*g->buckets));
	g->nr++;
	g->buckets[lo] = (struct gamma_bucket){key, 0, 0};
	return &g->buckets[lo];
}

void latency_mix_add_erlang(struct latency_mix *m, double served, double mu, double gamma,
			    double p_wait)
{
	latency_mix_put_erlang(m, served, mu, gamma, p_wait);
}

void latency_mix_add(struct latency_mix *m, double served, long c, double lambda, double mu)
{
	assert(mmc_stable(c, lambda, mu));
	if (!mmc_stable(c, lambda, mu))
		return;
	latency_mix_add_erlang(m, served, mu, (double)c * mu - lambda,
			       mmc_erlang_c(c, lambda / mu));
}

void latency_mix_add_overloaded(struct latency_mix *m, double served, double mu, double timeout)
{
	assert(mu > 0 && timeout >= 0);
	if (!(served > 0 && mu > 0 && timeout >= 0))
		return;
	m->weight += served;
	m->mean_sum += served * (timeout + 1 / mu);
	for (size_t i = 0; i < m->nover; i++) {
		if (m->over[i].mu == mu && m->over[i].timeout == timeout) {
			m->over[i].weight += served;
			return;
		}
	}
	XALLOC_GROW(m->over, m->nover + 1, m->aover);
	m->over[m->nover++] = (struct overload_group){mu, timeout, served};
}

void latency_mix_add_uniform(struct latency_mix *m, double served, double mu, double w0, double w1)
{
	assert(mu > 0 && w0 >= 0 && w1 >= 0);
	double lo = w0 < w1 ? w0 : w1, hi = w0 < w1 ? w1 : w0;
	if (!(served > 0 && mu > 0 && lo >= 0))
		return;
	if (lo == hi) {
		latency_mix_add_overloaded(m, served, mu, lo);
		return;
	}
	m->weight += served;
	m->mean_sum += served * ((lo + hi) / 2 + 1 / mu);
	if (m->nunif) {
		struct uniform_group *u = &m->unif[m->nunif - 1];
		if (u->mu == mu && u->lo == lo && u->hi == hi) {
			u->weight += served;
			return;
		}
	}
	XALLOC_GROW(m->unif, m->nunif + 1, m->aunif);
	m->unif[m->nunif++] = (struct uniform_group){mu, lo, hi, served};
}

/*
 * P(U + S > t), U uniform on [lo, hi] (lo < hi), S ~ Exp(mu): the part of
 * [lo, hi] at or past t counts whole, the part below t with e^{-mu (t - u)}.
 */
static double uniform_tail(const struct uniform_group *u, double t)
{
	double whole = t < u->lo ? u->hi - u->lo : t < u->hi ? u->hi - t : 0;
	double top = t < u->hi ? t : u->hi, part = 0;
	if (t > u->lo)
		part = (exp(-u->mu * (t - top)) - exp(-u->mu * (t - u->lo))) / u->mu;
	return (whole + part) / (u->hi - u->lo);
}

double latency_mix_weight(const struct latency_mix *m)
{
	return m->weight;
}

static double group_tail(const struct rate_group *g, double t)
{
	double e_mu = exp(-g->mu * t), waits = 0;
	for (size_t i = 0; i < g->nr; i++) {
		const struct gamma_bucket *b = &g->buckets[i];
		waits += b->wc * wait_kernel(g->mu, b->wcg / b->wc, t, e_mu);
	}
	return g->weight * e_mu + g->mu * waits;
}

double latency_mix_tail(const struct latency_mix *m, double t)
{
	if (!(m->weight > 0))
		return 0;
	if (t <= 0)
		return 1;
	double sum = 0;
	for (size_t i = 0; i < m->ngroups; i++)
		if (m->groups[i].weight > 0)
			sum += group_tail(&m->groups[i], t);
	for (size_t i = 0; i < m->nover; i++) {
		const struct overload_group *o = &m->over[i];
		sum += o->weight * (t <= o->timeout ? 1 : exp(-o->mu * (t - o->timeout)));
	}
	for (size_t i = 0; i < m->nunif; i++)
		sum += m->unif[i].weight * uniform_tail(&m->unif[i], t);
	return sum / m->weight;
}

static double mix_tail(const void *obj, double t)
{
	return latency_mix_tail(obj, t);
}

/*
 * A group, for the bounds, is buckets that always wait (C = 1, their
 * gamma) plus requests that never wait (C = 0).
 */
static void mix_bounds(const struct latency_mix *m, struct bounds *b)
{
	for (size_t i = 0; i < m->ngroups; i++) {
		const struct rate_group *g = &m->groups[i];
		if (!(g->weight > 0))
			continue;
		bounds_add(b, g->mu, 1, -INFINITY);
		for (size_t k = 0; k < g->nr; k++)
			bounds_add(b, g->mu, g->buckets[k].wcg / g->buckets[k].wc, 0);
	}
	for (size_t i = 0; i < m->nover; i++)
		bounds_add_exact(b, m->over[i].timeout + b->lp / m->over[i].mu);
	/* lo + S's quantile at p is below, hi + S's above */
	for (size_t i = 0; i < m->nunif; i++) {
		bounds_add_exact(b, m->unif[i].lo + b->lp / m->unif[i].mu);
		bounds_add_exact(b, m->unif[i].hi + b->lp / m->unif[i].mu);
	}
}

double latency_mix_quantile(const struct latency_mix *m, double q)
{
	if (!(m->weight > 0) || !(q > 0 && q < 1))
		return NAN;
	struct bounds b = bounds_start(1 - q);
	mix_bounds(m, &b);
	return solve_tail(mix_tail, m, q, &b, m->mean_sum / m->weight);
}

/* ---- remembered quantiles ---- */

struct latency_memo {
	struct latency_mix last; /* a copy of the mixture last solved */
	double q, value;
	bool valid;
};

struct latency_memo *latency_memo_new(void)
{
	return xcalloc(1, sizeof(struct latency_memo));
}

void latency_memo_free(struct latency_memo *memo)
{
	if (!memo)
		return;
	for (size_t i = 0; i < memo->last.agroups; i++)
		free(memo->last.groups[i].buckets);
	free(memo->last.groups);
	free(memo->last.over);
	free(memo->last.unif);
	free(memo);
}

static bool group_equal(const struct rate_group *a, const struct rate_group *b)
{
	return a->mu == b->mu && a->weight == b->weight && a->nr == b->nr &&
	       (!a->nr || !memcmp(a->buckets, b->buckets, a->nr * sizeof(*a->buckets)));
}

static bool mix_equal(const struct latency_mix *a, const struct latency_mix *b)
{
	if (a->weight != b->weight || a->mean_sum != b->mean_sum || a->ngroups != b->ngroups ||
	    a->nover != b->nover || a->nunif != b->nunif)
		return false;
	if (a->nunif && memcmp(a->unif, b->unif, a->nunif * sizeof(*a->unif)))
		return false;
	for (size_t i = 0; i < a->ngroups; i++)
		if (!group_equal(&a->groups[i], &b->groups[i]))
			return false;
	return !a->nover || !memcmp(a->over, b->over, a->nover * sizeof(*a->over));
}

/*
 * Copies src into dst, reusing dst's storage. dst's groups beyond ngroups
 * keep their bucket arrays (agroups counts the groups whose storage exists).
 */
static void mix_copy(struct latency_mix *dst, const struct latency_mix *src)
{
	if (src->ngroups > dst->agroups) {
		dst->groups = xrealloc(dst->groups, src->ngroups * sizeof(*dst->groups));
		memset(dst->groups + dst->agroups, 0,
		       (src->ngroups - dst->agroups) * sizeof(*dst->groups));
		dst->agroups = src->ngroups;
	}
	for (size_t i = 0; i < src->ngroups; i++) {
		struct rate_group *d = &dst->groups[i];
		const struct rate_group *g = &src->groups[i];
		if (g->nr > d->alloc) {
			d->buckets = xrealloc(d->buckets, g->nr * sizeof(*d->buckets));
			d->alloc = g->nr;
		}
		if (g->nr)
			memcpy(d->buckets, g->buckets, g->nr * sizeof(*d->buckets));
		d->mu = g->mu;
		d->inv_mu = g->inv_mu;
		d->weight = g->weight;
		d->nr = g->nr;
		d->last = 0;
	}
	dst->ngroups = src->ngroups;
	if (src->nover > dst->aover) {
		dst->over = xrealloc(dst->over, src->nover * sizeof(*dst->over));
		dst->aover = src->nover;
	}
	if (src->nover)
		memcpy(dst->over, src->over, src->nover * sizeof(*dst->over));
	dst->nover = src->nover;
	if (src->nunif > dst->aunif) {
		dst->unif = xrealloc(dst->unif, src->nunif * sizeof(*dst->unif));
		dst->aunif = src->nunif;
	}
	if (src->nunif)
		memcpy(dst->unif, src->unif, src->nunif * sizeof(*dst->unif));
	dst->nunif = src->nunif;
	dst->weight = src->weight;
	dst->mean_sum = src->mean_sum;
}

double latency_mix_quantile_memo(const struct latency_mix *m, double q, struct latency_memo *memo)
{
	if (memo->valid && memo->q == q && mix_equal(m, &memo->last))
		return memo->value;
	memo->value = latency_mix_quantile(m, q);
	memo->q = q;
	memo->valid = true;
	mix_copy(&memo->last, m);
	return memo->value;
}
