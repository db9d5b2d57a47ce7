#ifndef SPOTSIM_DIST_H
#define SPOTSIM_DIST_H
/*
 * dist — distributions of durations, as scenario files write them.
 *
 *   "5s", "40ms", "90"            a fixed duration (a bare number is seconds)
 *   fixed(d)                      always d
 *   uniform(a, b)                 uniform on [a, b], a <= b
 *   exponential(mean)             exponential, mean >= 0
 *   lognormal(median, sigma)      exp(N(ln median, sigma^2)), median > 0, sigma > 0
 *   normal(mean, sd)              normal truncated at 0: negative draws are
 *                                 drawn again, so the shape above 0 is kept
 *                                 and no mass piles up at 0; mean >= 0
 *   weibull(scale, shape)         P(X > x) = exp(-(x/scale)^shape), both > 0
 *   empirical(path.csv)           one of the file's values, each equally likely
 *
 * Durations (d, a, b, mean, median, sd, scale) use simtime_parse syntax
 * ("12s", "40ms", "1h30m", or a bare number of seconds); sigma and shape
 * are plain numbers. Names are lowercase; spaces around arguments are
 * ignored.
 *
 * An empirical file is CSV with one value per row, a duration or a number
 * of seconds; a first row that is not a value is taken as a header and
 * skipped. A relative path is resolved against `base_dir` (the folder of
 * the scenario file). The values are read once, at parse time.
 *
 * Samples are sim_time microseconds, rounded to the nearest microsecond,
 * never negative.
 *
 * A struct dist owns its storage (the empirical values and path):
 * release it with dist_release, copy it with dist_copy, never by
 * assignment. A zeroed struct dist (DIST_INIT) is empty: releasing it is
 * a no-op, sampling it is an error.
 */
#include <stddef.h>

#include "spotsim/engine/rng.h"
#include "spotsim/engine/simtime.h"
#include "spotsim/util/strbuf.h"

struct dist_type; /* one kind of distribution; private to dist.c */

struct dist {
	const struct dist_type *type; /* NULL when empty */
	sim_time p[2];		      /* duration parameters, in the order written */
	double x;	  /* the plain-number parameter: lognormal sigma, weibull shape */
	sim_time *values; /* empirical: owned values, in file order */
	size_t nr;	  /* number of values */
	char *path;	  /* empirical: owned, the path as written */
};

#define DIST_INIT                                                                                  \
	{                                                                                          \
		NULL, {0, 0}, 0, NULL, 0, NULL                                                     \
	}

/*
 * Parses `text` (borrowed) into *out, which need not be initialised and is
 * overwritten. `base_dir` (borrowed; may be NULL or "") anchors relative
 * empirical paths. Returns 0; or a negative SPOTSIM_* code after appending
 * one lowercase message to `why` saying what is wrong and what is
 * accepted, e.g.
 *
 *     "lognormal(12s)" needs 2 arguments: lognormal(median, sigma)
 *
 * SPOTSIM_ESYNTAX for text that is not a distribution, SPOTSIM_EINVAL for
 * an unknown name or a wrong number of arguments, SPOTSIM_ERANGE for a
 * parameter out of range, and csvio's codes for an unreadable file. On
 * failure *out is empty.
 */
int dist_parse(const char *text, const char *base_dir, struct dist *out, struct strbuf *why);

/*
 * Makes *out a fixed distribution of `seconds` (a JSON number). Returns 0,
 * or SPOTSIM_ERANGE for a negative, non-finite or too large value (*out
 * is then empty).
 */
int dist_from_seconds(double seconds, struct dist *out);

/* Makes *dst (overwritten) an independent copy of `src`. */
void dist_copy(struct dist *dst, const struct dist *src);

/* Frees what `d` owns and leaves it empty. */
void dist_release(struct dist *d);

/* Draws one duration from `d` (not empty) with stream `r`. */
sim_time dist_sample(const struct dist *d, struct rng *r);

/* The mean in seconds (for normal, the mean of the truncated distribution). */
double dist_mean_seconds(const struct dist *d);

/* The name as written: "fixed", "uniform", ...; "" when empty. */
const char *dist_name(const struct dist *d);

/*
 * Appends the canonical text of `d` to `sb`, e.g. "lognormal(12s, 0.3)".
 * dist_parse reads it back to an identical distribution (an empirical
 * one reads its file again).
 */
void dist_describe(const struct dist *d, struct strbuf *sb);

#endif
