#ifndef SPOTSIM_QUEUEING_MIX_H
#define SPOTSIM_QUEUEING_MIX_H
/*
 * queueing_mix — private to the model layer: the latency mixture's layout
 * (see queueing.c, "The mixture") and its add, inline, for the workload,
 * which feeds the run's mixture once per interval (every 20 seconds of a
 * diurnal load). latency_mix_add_erlang is this same function.
 */
#include <assert.h>
#include <float.h>
#include <math.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "spotsim/model/queueing.h"

#define BUCKET_BITS 7

struct gamma_bucket {
	uint64_t key;
	double wc;  /* sum of w C */
	double wcg; /* sum of w C gamma */
};

struct rate_group {
	double mu;
	double inv_mu; /* 1 / mu, divided once */
	double weight; /* requests served below capacity at this mu */
	struct gamma_bucket *buckets;
	size_t nr, alloc;
	size_t last; /* index of the bucket added to last: consecutive adds often share it */
};

struct overload_group {
	double mu, timeout, weight;
};

/* Requests whose waits are uniform on [lo, hi] (a fluid backlog), then S ~ Exp(mu). */
struct uniform_group {
	double mu, lo, hi, weight;
};

struct latency_mix {
	struct rate_group *groups;
	size_t ngroups, agroups;
	struct overload_group *over;
	size_t nover, aover;
	struct uniform_group *unif;
	size_t nunif, aunif;
	double weight;
	double mean_sum; /* sum of w E[T]: where doubling starts */
	size_t last;	 /* index of the group added to last */
};

/* The group of `mu`, added when missing (queueing.c); it becomes the last one. */
struct rate_group *latency_mix_group(struct latency_mix *m, double mu);

/* The bucket with `key`, inserted in order when missing (queueing.c); it becomes the last one. */
struct gamma_bucket *latency_mix_bucket(struct rate_group *g, uint64_t key);

/* For positive doubles the bit pattern orders like the value. */
static inline uint64_t latency_mix_bucket_key(double gamma)
{
	uint64_t bits;
	memcpy(&bits, &gamma, sizeof(bits));
	return bits >> (DBL_MANT_DIG - 1 - BUCKET_BITS);
}

/*
 * The last group and bucket used, and the bucket's neighbours, are tried
 * before a search: a load that moves slowly (diurnal) walks from bucket to
 * bucket.
 */
static inline struct gamma_bucket *latency_mix_bucket_near(struct rate_group *g, uint64_t key)
{
	size_t last = g->last;
	if (last < g->nr) {
		if (g->buckets[last].key == key)
			return &g->buckets[last];
		size_t next = g->buckets[last].key < key ? last + 1 : last - 1;
		if (next < g->nr && g->buckets[next].key == key) { /* last - 1 wraps when 0 */
			g->last = next;
			return &g->buckets[next];
		}
	}
	return latency_mix_bucket(g, key);
}

/* The group of `mu`: the last one used when it is that, else latency_mix_group's. */
static inline struct rate_group *latency_mix_group_near(struct latency_mix *m, double mu)
{
	if (m->last < m->ngroups && m->groups[m->last].mu == mu)
		return &m->groups[m->last];
	return latency_mix_group(m, mu);
}

/*
 * latency_mix_put_erlang for a caller that knows mu > 0, gamma > 0 and
 * finite, and p_wait in [0, 1] (a piece below capacity): the same sums.
 */
static inline void latency_mix_put_stable(struct latency_mix *m, double served, double mu,
					  double gamma, double p_wait)
{
	if (!(served > 0))
		return;
	struct rate_group *g = latency_mix_group_near(m, mu);
	g->weight += served;
	m->weight += served;
	m->mean_sum += served * (p_wait / gamma + g->inv_mu);
	if (p_wait > 0) {
		struct gamma_bucket *b = latency_mix_bucket_near(g, latency_mix_bucket_key(gamma));
		b->wc += served * p_wait;
		b->wcg += served * p_wait * gamma;
	}
}

/*
 * latency_mix_put_stable of several pieces at one mu whose gammas share a
 * bucket (`key`), in one add: the sums of their served counts, of served x
 * p_wait / gamma, of served x p_wait and of served x p_wait x gamma. The
 * same sums as one add per piece, in another order (the last bits may
 * differ).
 */
static inline void latency_mix_put_sums(struct latency_mix *m, double mu, uint64_t key,
					double served, double wq, double wc, double wcg)
{
	if (!(served > 0))
		return;
	struct rate_group *g = latency_mix_group_near(m, mu);
	g->weight += served;
	m->weight += served;
	m->mean_sum += wq + served * g->inv_mu;
	if (wc > 0) {
		struct gamma_bucket *b = latency_mix_bucket_near(g, key);
		b->wc += wc;
		b->wcg += wcg;
	}
}

/* latency_mix_add_erlang (queueing.h). */
static inline void latency_mix_put_erlang(struct latency_mix *m, double served, double mu,
					  double gamma, double p_wait)
{
	assert(mu > 0 && gamma > 0 && p_wait >= 0 && p_wait <= 1);
	if (!(served > 0 && mu > 0 && gamma > 0 && isfinite(gamma)))
		return;
	latency_mix_put_stable(m, served, mu, gamma, p_wait);
}

#endif
