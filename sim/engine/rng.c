/*
 * rng — random streams over GSL (see rng.h).
 *
 * Generator choice. GSL's built-in generators take at most 32 bits of seed:
 * gsl_rng_mt19937 masks the seed to 32 bits, ranlxd uses 31. A study draws
 * replications x 8 streams, and with 32-bit seeds a birthday collision (two
 * streams that are the same sequence, silently correlating two
 * replications) gets likely in the thousands of streams: about 1 in 130 at
 * 8,000. So spotsim registers its own gsl_rng_type, xoshiro256** (Blackman
 * and Vigna, 2018: 256-bit state, period 2^256 - 1, passes BigCrush and
 * PractRand), whose whole state is filled from the 64-bit stream key with
 * splitmix64, as its authors recommend. GSL's samplers (gsl_ran_*) accept
 * any gsl_rng_type, so every distribution still comes from GSL.
 *
 * The type reports 32-bit integers (max 2^32 - 1, the upper half of each
 * output) because some GSL samplers were written for 32-bit generators;
 * gsl_rng_uniform gets the full 53-bit double from the upper bits instead.
 *
 * Streams are seeded independently rather than jumped apart: the chance
 * that two of a few million random starting points in a 2^256 cycle come
 * within a run's length of each other is negligible.
 *
 * A `struct rng` holds a gsl_rng built here with xmalloc (not gsl_rng_alloc)
 * so allocation goes through the house wrapper.
 */
#include "spotsim/engine/rng.h"

#include "spotsim/util/xalloc.h"

#include <assert.h>
#include <math.h>
#include <stdlib.h>

#include <gsl/gsl_errno.h>
#include <gsl/gsl_randist.h>
#include <gsl/gsl_rng.h>

#define GOLDEN_GAMMA 0x9e3779b97f4a7c15ULL
#define KEY_DOMAIN   0x73706f7473696d31ULL /* "spotsim1" */

struct xoshiro {
	uint64_t s[4];
};

/* splitmix64's finaliser (Stafford's variant 13): a bijection with full avalanche. */
static uint64_t mix64(uint64_t z)
{
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

static uint64_t absorb(uint64_t h, uint64_t x)
{
	return mix64(h ^ mix64(x + GOLDEN_GAMMA));
}

static inline uint64_t rotl(uint64_t x, int k)
{
	return (x << k) | (x >> (64 - k));
}

static uint64_t xoshiro_next(struct xoshiro *x)
{
	uint64_t *s = x->s;
	uint64_t result = rotl(s[1] * 5, 7) * 9;
	uint64_t t = s[1] << 17;

	s[2] ^= s[0];
	s[3] ^= s[1];
	s[1] ^= s[2];
	s[0] ^= s[3];
	s[2] ^= t;
	s[3] = rotl(s[3], 45);
	return result;
}

/* Four consecutive splitmix64 outputs are distinct, so the state is never all zero. */
static void xoshiro_seed(struct xoshiro *x, uint64_t key)
{
	for (int i = 0; i < 4; i++) {
		key += GOLDEN_GAMMA;
		x->s[i] = mix64(key);
	}
}

static void xo_set(void *state, unsigned long seed)
{
	xoshiro_seed(state, (uint64_t)seed);
}

static unsigned long xo_get(void *state)
{
	return (unsigned long)(xoshiro_next(state) >> 32);
}

static double xo_get_double(void *state)
{
	return (double)(xoshiro_next(state) >> 11) * 0x1.0p-53;
}

static const gsl_rng_type xoshiro_type = {
    "xoshiro256**", 0xffffffffUL, 0, sizeof(struct xoshiro), xo_set, xo_get, xo_get_double,
};

void rng_global_init(void)
{
	gsl_set_error_handler_off();
}

uint64_t rng_stream_key(uint64_t seed, uint64_t replication, enum rng_component component)
{
	assert(component >= 0 && component < RNG_COMPONENT_COUNT);
	return absorb(absorb(absorb(KEY_DOMAIN, seed), replication), (uint64_t)component);
}

void rng_init_key(struct rng *r, uint64_t key)
{
	gsl_rng *g = xmalloc(sizeof(*g));
	g->type = &xoshiro_type;
	g->state = xmalloc(sizeof(struct xoshiro));
	xoshiro_seed(g->state, key);
	r->gen = g;
	r->key = key;
}

void rng_init(struct rng *r, uint64_t seed, uint64_t replication, enum rng_component component)
{
	rng_init_key(r, rng_stream_key(seed, replication, component));
}

void rng_release(struct rng *r)
{
	gsl_rng *g = r->gen;
	if (g) {
		free(g->state);
		free(g);
	}
	r->gen = NULL;
}

double rng_uniform(struct rng *r)
{
	return gsl_rng_uniform_pos(r->gen);
}

uint32_t rng_uniform_int(struct rng *r, uint32_t n)
{
	assert(n >= 1);
	return (uint32_t)gsl_rng_uniform_int(r->gen, n);
}

double rng_exponential(struct rng *r, double mean)
{
	assert(mean >= 0);
	return gsl_ran_exponential(r->gen, mean);
}

double rng_lognormal(struct rng *r, double median, double sigma)
{
	assert(median > 0 && sigma >= 0);
	return gsl_ran_lognormal(r->gen, log(median), sigma);
}

double rng_normal(struct rng *r, double mean, double sd)
{
	assert(sd >= 0);
	return mean + gsl_ran_gaussian_ziggurat(r->gen, sd);
}

double rng_weibull(struct rng *r, double scale, double shape)
{
	assert(scale > 0 && shape > 0);
	return gsl_ran_weibull(r->gen, scale, shape);
}

unsigned rng_poisson(struct rng *r, double mean)
{
	assert(mean >= 0);
	return gsl_ran_poisson(r->gen, mean);
}

bool rng_bernoulli(struct rng *r, double p)
{
	assert(p >= 0 && p <= 1);
	return gsl_ran_bernoulli(r->gen, p) != 0;
}
