/*
 * timehist — log-bucketed histogram of durations (see timehist.h).
 *
 * Bucket index of v >= 256: with e = floor(log2 v) and s = e - 7, the top
 * eight bits m = v >> s lie in [128, 256); the index is
 * 256 + 128 (s - 1) + (m - 128). Below 256 the index is v itself. The
 * inverse gives a bucket's lower edge m << s and its width 2^s.
 */
#include "spotsim/engine/timehist.h"

#include "spotsim/util/xalloc.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#define LINEAR	 256 /* values below are their own bucket */
#define SUB	 128 /* buckets per power of two above */
#define TOP_BITS 47  /* values from 2^47 us share the last bucket */
#define BUCKETS	 (LINEAR + SUB * (TOP_BITS - 8))

static size_t bucket_of(sim_time v)
{
	uint64_t u = v > 0 ? (uint64_t)v : 0;
	if (u < LINEAR)
		return (size_t)u;
	if (u >> TOP_BITS)
		return BUCKETS - 1;
	int e = 63 - __builtin_clzll(u);
	int s = e - 7;
	return LINEAR + (size_t)SUB * (size_t)(s - 1) + (size_t)((u >> s) - SUB);
}

/* The middle of bucket i, in whole microseconds. */
static sim_time bucket_middle(size_t i)
{
	if (i < LINEAR)
		return (sim_time)i;
	size_t k = i - LINEAR;
	int s = (int)(k / SUB) + 1;
	uint64_t lo = (uint64_t)(SUB + k % SUB) << s;
	return (sim_time)(lo + (((uint64_t)1 << s) - 1) / 2);
}

void timehist_init(struct timehist *h)
{
	h->counts = xcalloc(BUCKETS, sizeof(*h->counts));
	h->n = 0;
	h->min = h->max = 0;
	h->lo = BUCKETS;
	h->hi = 0;
}

void timehist_release(struct timehist *h)
{
	free(h->counts);
	h->counts = NULL;
	h->n = 0;
}

void timehist_reset(struct timehist *h)
{
	if (h->n)
		memset(h->counts + h->lo, 0, (h->hi - h->lo + 1) * sizeof(*h->counts));
	h->n = 0;
	h->min = h->max = 0;
	h->lo = BUCKETS;
	h->hi = 0;
}

void timehist_add(struct timehist *h, sim_time v)
{
	size_t i = bucket_of(v);
	if (v < 0)
		v = 0;
	h->counts[i]++;
	if (!h->n++) {
		h->min = h->max = v;
	} else {
		h->min = v < h->min ? v : h->min;
		h->max = v > h->max ? v : h->max;
	}
	h->lo = i < h->lo ? i : h->lo;
	h->hi = i > h->hi ? i : h->hi;
}

sim_time timehist_quantile(const struct timehist *h, double q)
{
	if (!h->n || !(q >= 0 && q <= 1))
		return -1;
	/* rank k = ceil(q n), at least 1; the tiny margin keeps 0.95 x 100 at 95 */
	double x = ceil(q * (double)h->n * (1 - 1e-12));
	uint64_t k = x < 1 ? 1 : (uint64_t)x;
	uint64_t seen = 0;
	size_t i = h->lo;
	for (; i < h->hi; i++) {
		seen += h->counts[i];
		if (seen >= k)
			break;
	}
	if (i == BUCKETS - 1) /* the bucket of huge values has no middle */
		return h->max;
	sim_time v = bucket_middle(i);
	return v < h->min ? h->min : v > h->max ? h->max : v;
}
