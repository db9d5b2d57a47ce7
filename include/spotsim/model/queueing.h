#ifndef SPOTSIM_QUEUEING_H
#define SPOTSIM_QUEUEING_H
/*
 * queueing — the M/M/c formulas behind the request workload (SPEC §4.6); the
 * GSL adapter for root finding.
 *
 * Between events a request service is treated as an M/M/c queue: Poisson
 * arrivals at rate lambda (per second), c = serving tasks x concurrency
 * identical servers, exponential service at rate mu = 1 / mean service time,
 * first come first served, unlimited waiting room.
 *
 * With a = lambda / mu (offered load in erlangs) and rho = a / c < 1:
 *   Erlang C   C(c, a) = P(wait > 0)
 *   mean wait  Wq = C / (c mu - lambda)
 *   waiting    P(W > t) = C exp(-(c mu - lambda) t)
 *   response   T = W + S, with gamma = c mu - lambda:
 *              P(T > t) = (1 + C mu / (gamma - mu)) e^{-mu t} - C mu / (gamma - mu) e^{-gamma t}
 *              and, when gamma = mu, P(T > t) = (1 + C mu t) e^{-mu t}.
 * Erlang C is computed by the numerically stable Erlang B recursion, so
 * c in the hundreds of thousands is fine.
 *
 * Latency over a whole run is a mixture of such distributions weighted by
 * the requests served in each interval; `struct latency_mix` accumulates it
 * in bounded memory and answers quantiles by root finding (GSL Brent).
 */
#include <stdbool.h>
#include <stddef.h>

/* Erlang C probability of waiting; 1 when a >= c; 0 when a == 0. c >= 1. */
double mmc_erlang_c(long c, double a);

/* Mean waiting time in seconds (INFINITY when lambda >= c mu). */
double mmc_mean_wait(long c, double lambda, double mu);

/* P(T > t) for the response time (wait + service); NAN unless 0 <= lambda < c mu. */
double mmc_response_tail(long c, double lambda, double mu, double t);

/*
 * The q-quantile (0 < q < 1) of the response time in seconds, by root
 * finding; NAN unless 0 <= lambda < c mu and 0 < q < 1, or if the solver
 * fails (it has not been seen to).
 */
double mmc_response_quantile(long c, double lambda, double mu, double q);

/*
 * A mixture of response-time distributions. Each interval adds its served
 * requests with its (c, lambda, mu). Overloaded intervals (lambda >= c mu)
 * add the requests served at capacity as having waited `timeout` seconds:
 * T = timeout + S. Memory is bounded: the e^{-mu t} terms are pooled per
 * distinct mu, the e^{-gamma t} terms in nearly log-spaced buckets of gamma
 * 0.4 to 0.8 % wide (weighted mean gamma kept per bucket, so a run with one
 * gamma is exact), the overloaded terms per (mu, timeout). The uniform-wait
 * terms of a fluid backlog (latency_mix_add_uniform) are the exception: one
 * per interval during which a backlog grows or drains, a few per overload
 * episode (a load that hovers around capacity for days adds thousands).
 */
struct latency_mix;

/* Returns an owned, empty mixture; latency_mix_free(NULL) is a no-op. */
struct latency_mix *latency_mix_new(void);
void latency_mix_free(struct latency_mix *m);
/*
 * Adds `served` requests of an M/M/c interval (served <= 0 adds nothing).
 * Requires mu > 0 and 0 <= lambda < c mu, checked with assert (without
 * asserts, such an interval adds nothing).
 */
void latency_mix_add(struct latency_mix *m, double served, long c, double lambda, double mu);
/* Adds `served` requests that waited `timeout` >= 0 seconds, then S ~ Exp(mu). */
void latency_mix_add_overloaded(struct latency_mix *m, double served, double mu, double timeout);
/*
 * Adds `served` requests whose waits are spread uniformly between w0 and
 * w1 >= 0 seconds (either order), then S ~ Exp(mu): the arrivals of an
 * interval during which a fluid backlog grows or drains linearly. w0 == w1
 * is latency_mix_add_overloaded with timeout w0. Consecutive adds of the
 * same (mu, w0, w1) pool; otherwise one entry per add (a few per overload).
 */
void latency_mix_add_uniform(struct latency_mix *m, double served, double mu, double w0, double w1);
/*
 * latency_mix_add with Erlang C already known (callers that cache it):
 * `served` requests wait with probability `p_wait`, their waits being
 * exponential at rate gamma = c mu - lambda > 0.
 */
void latency_mix_add_erlang(struct latency_mix *m, double served, double mu, double gamma,
			    double p_wait);
/* Empties the mixture, keeping its storage for reuse (per-minute mixes). */
void latency_mix_reset(struct latency_mix *m);
/* Total requests added. */
double latency_mix_weight(const struct latency_mix *m);
/* P(T > t) over the mixture (0 when empty). */
double latency_mix_tail(const struct latency_mix *m, double t);
/* The q-quantile (0 < q < 1) of the mixture in seconds; NAN when empty. */
double latency_mix_quantile(const struct latency_mix *m, double q);

/*
 * A remembered quantile. latency_mix_quantile_memo answers exactly as
 * latency_mix_quantile does, but when `m` holds the very components (bit
 * for bit) and q it held at the previous call with the same memo, it
 * returns the previous answer without root finding: a run of alike
 * minutes costs one solve. The memo keeps a copy of the last mixture.
 */
struct latency_memo;

/* Returns an owned, empty memo; latency_memo_free(NULL) is a no-op. */
struct latency_memo *latency_memo_new(void);
void latency_memo_free(struct latency_memo *memo);
double latency_mix_quantile_memo(const struct latency_mix *m, double q, struct latency_memo *memo);

#endif
