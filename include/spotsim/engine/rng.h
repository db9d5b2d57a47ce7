#ifndef SPOTSIM_RNG_H
#define SPOTSIM_RNG_H
/*
 * rng — independent random streams, one per stochastic component.
 *
 * A stream is named by the triple (scenario seed, replication index,
 * component). The same triple always yields the same sequence, whatever
 * other streams exist, in what order they were created, or which thread
 * uses them. Each stochastic part of the model draws only from its own
 * component's stream, so changing a policy in one variant does not move
 * the arrivals or interruptions another variant sees: comparisons between
 * variants use common random numbers and are paired (SPEC 4.1).
 *
 * How a triple becomes a stream is fixed and documented at rng_stream_key
 * below; changing it changes every result, so it is part of the file
 * format in effect.
 *
 * This module is the adapter around GSL's random generators and samplers;
 * no other model module includes GSL. A `struct rng` is not thread-safe:
 * one replication, one thread, its own streams.
 *
 *     rng_global_init();
 *     struct rng r;
 *     rng_init(&r, seed, rep, RNG_ARRIVALS);
 *     double gap = rng_exponential(&r, 1.0 / rate);
 *     rng_release(&r);
 *
 * Parameters are checked with assert: callers (dist, the model) validate
 * user input before sampling.
 */
#include <stdbool.h>
#include <stdint.h>

enum rng_component {
	RNG_ARRIVALS,	     /* request and job arrivals */
	RNG_STARTUP,	     /* provisioning, image pull, app start latencies */
	RNG_INTERRUPTIONS,   /* Spot interruption times */
	RNG_CAPACITY,	     /* Spot capacity availability periods */
	RNG_JOB_SIZES,	     /* queue job sizes */
	RNG_NOISE,	     /* noise factor on the arrival rate */
	RNG_WAVES,	     /* correlated interruption waves */
	RNG_SERVICE,	     /* the service scheduler's random choices (which tasks a wave hits) */
	RNG_RECLAIM,	     /* which Spot tasks a capacity shortage reclaims */
	RNG_REQUEST_SERVICE, /* per-request mode: each request's service time */
	RNG_ROUTING,	     /* per-request mode: the load balancer's random routing */
	RNG_COMPONENT_COUNT
};

struct rng {
	void *gen;    /* owned gsl_rng; NULL before rng_init and after rng_release */
	uint64_t key; /* the stream key it was seeded from */
};

/*
 * Sets up the GSL side once per process: turns GSL's abort-on-error handler
 * off (we check statuses ourselves). Idempotent; call it from the main
 * thread before starting worker threads. main and the tests call it.
 */
void rng_global_init(void);

/*
 * The 64-bit key of stream (seed, replication, component):
 *
 *     mix(x)        = splitmix64's finaliser (a bijection of 64-bit words)
 *     absorb(h, x)  = mix(h ^ mix(x + 0x9e3779b97f4a7c15))
 *     key           = absorb(absorb(absorb(0x73706f7473696d31, seed), replication), component)
 *
 * For a fixed prefix each step is a bijection, so two components of one
 * replication, or two replications of one seed, never share a key; other
 * pairs collide with probability about 2^-64.
 */
uint64_t rng_stream_key(uint64_t seed, uint64_t replication, enum rng_component component);

/* Seeds `r` (caller storage) with the stream of the triple. Aborts only when out of memory. */
void rng_init(struct rng *r, uint64_t seed, uint64_t replication, enum rng_component component);

/* Seeds `r` from a key made by rng_stream_key (or any 64-bit value). */
void rng_init_key(struct rng *r, uint64_t key);

/* Frees the generator; `r` may be released twice or never initialised if zeroed. */
void rng_release(struct rng *r);

/* Uniform on the open interval (0, 1): never exactly 0 or 1. */
double rng_uniform(struct rng *r);

/* Uniform integer on [0, n), 1 <= n <= 2^32 - 1, without modulo bias. */
uint32_t rng_uniform_int(struct rng *r, uint32_t n);

/* Exponential with mean `mean` >= 0 (0 gives 0). */
double rng_exponential(struct rng *r, double mean);

/* Log-normal: exp(N(ln median, sigma^2)); median > 0, sigma >= 0. */
double rng_lognormal(struct rng *r, double median, double sigma);

/* Normal (Gaussian) with mean `mean` and standard deviation sd >= 0. */
double rng_normal(struct rng *r, double mean, double sd);

/* Weibull with scale > 0 and shape > 0: P(X > x) = exp(-(x/scale)^shape). */
double rng_weibull(struct rng *r, double scale, double shape);

/* Poisson count with mean `mean` >= 0. */
unsigned rng_poisson(struct rng *r, double mean);

/* True with probability p, 0 <= p <= 1. */
bool rng_bernoulli(struct rng *r, double p);

#endif
