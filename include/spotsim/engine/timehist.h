#ifndef SPOTSIM_TIMEHIST_H
#define SPOTSIM_TIMEHIST_H
/*
 * timehist — a histogram of durations (sim_time microseconds) whose
 * quantiles are within 0.4 % of the exact sample quantiles, in a fixed
 * amount of memory whatever the number of values.
 *
 * Buckets, in whole microseconds:
 *   - below 256 us, one bucket per microsecond: exact;
 *   - above, each power of two [2^e, 2^(e+1)) is cut into 128 buckets of
 *     width 2^(e-7), so a bucket is at most 1/128 of its lower edge wide;
 *   - values of 2^47 us (about 4.5 years) and more share the last bucket,
 *     whose quantiles are answered by the largest value.
 * A quantile is answered by the middle of its bucket, so it is off by at
 * most half a bucket: 1/256 of the value (0.39 %). The smallest and the
 * largest value are kept exactly, and an answer is clamped between them:
 * q = 0 and q = 1 are exact, and so is every quantile of values that are
 * all equal.
 *
 * The q-quantile of n values is the k-th smallest with k = ceil(q n)
 * (k = 1 for q = 0): the smallest value with at least q n values at or
 * below it.
 *
 * Memory: 5,248 counters (42 KB). Adding is O(1); a quantile or a reset
 * walks only the buckets between the smallest and the largest used since
 * the last reset.
 *
 *     struct timehist h;
 *     timehist_init(&h);
 *     timehist_add(&h, 40 * SIM_MSEC);
 *     sim_time p95 = timehist_quantile(&h, 0.95);
 *     timehist_release(&h);
 */
#include <stddef.h>
#include <stdint.h>

#include "spotsim/engine/simtime.h"

struct timehist {
	uint64_t *counts; /* owned, TIMEHIST_BUCKETS of them */
	uint64_t n;	  /* values added since the last reset */
	sim_time min, max;
	size_t lo, hi; /* the used buckets lie in [lo, hi]; lo > hi when empty */
};

/* Prepares an empty histogram in caller storage. Aborts only when out of memory. */
void timehist_init(struct timehist *h);

/* Frees the counters; `h` may be released twice, or never initialised if zeroed. */
void timehist_release(struct timehist *h);

/* Empties `h`, keeping its storage. */
void timehist_reset(struct timehist *h);

/* Adds one value; negative values count as 0. */
void timehist_add(struct timehist *h, sim_time v);

/* Number of values added since the last reset. */
static inline uint64_t timehist_count(const struct timehist *h)
{
	return h->n;
}

/* The q-quantile (0 <= q <= 1) as described above; -1 when empty or q is out of range. */
sim_time timehist_quantile(const struct timehist *h, double q);

#endif
