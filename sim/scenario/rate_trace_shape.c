/*
 * rate_trace_shape — a trace on a scenario's clock (rate_trace_shape in
 * rate_trace.h).
 *
 * The rate shape of workload.h reads points from time 0 and, with a
 * trace_period, repeats them from 0 every period. So a timestamped trace is
 * cut where the scenario starts (the point in effect then moves to 0) and
 * ends with a point of 0 at its end; a repeating one is rotated instead, so
 * that the copy in effect at the scenario's start begins at 0 and the
 * copies stay where the timestamps put them. A trace from the start keeps
 * its points as they are, so traces read before timestamps existed give the
 * same shape as they did.
 */
#include "spotsim/scenario/rate_trace.h"

#include "rate_trace_internal.h"
#include "spotsim/util/error.h"
#include "spotsim/util/xalloc.h"

#include <stdlib.h>

#define TIME_TEXT 48

static sim_time floor_mod(sim_time a, sim_time b)
{
	sim_time m = a % b;
	return m < 0 ? m + b : m;
}

/* The last point at or before t on the trace's clock; npoints when none is. */
static size_t in_effect(const struct rate_trace *t, sim_time at)
{
	size_t lo = 0, hi = t->npoints;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (t->points[mid].at <= at)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo ? lo - 1 : t->npoints;
}

/* Without repeat: the points from `origin` on, then 0 from the trace's end (out: npoints + 1). */
static size_t cut(const struct rate_trace *t, sim_time origin, struct rate_point *out)
{
	size_t k = in_effect(t, origin), n = 0;
	if (k == t->npoints) {
		k = 0; /* the trace starts after the scenario: 0 until then */
	} else {
		out[n++] = (struct rate_point){0, t->points[k].rps};
		k++;
	}
	for (; k < t->npoints; k++)
		out[n++] = (struct rate_point){t->points[k].at - origin, t->points[k].rps};
	out[n++] = (struct rate_point){t->end - origin, 0};
	return n;
}

/*
 * With repeat: the copy in effect at `origin` from 0, its earlier part after
 * its later (out: npoints + 1).
 */
static size_t rotate(const struct rate_trace *t, sim_time origin, sim_time base, sim_time len,
		     struct rate_point *out)
{
	sim_time phase = floor_mod(origin - base, len);
	size_t k = in_effect(t, base + phase), n = 0;
	if (k == t->npoints) {
		/* before the first point of a trace from the start: 0 there, as before */
		for (size_t i = 0; i < t->npoints; i++)
			out[n++] =
			    (struct rate_point){t->points[i].at - base - phase, t->points[i].rps};
		return n;
	}
	out[n++] = (struct rate_point){0, t->points[k].rps};
	for (size_t i = k + 1; i < t->npoints; i++)
		out[n++] = (struct rate_point){t->points[i].at - base - phase, t->points[i].rps};
	/* the point cut at `phase` starts again, whole, in the next copy */
	for (size_t i = 0; i < k || (i == k && t->points[k].at - base < phase); i++)
		out[n++] =
		    (struct rate_point){t->points[i].at - base - phase + len, t->points[i].rps};
	return n;
}

static void note_edges(const struct rate_trace *t, sim_time origin, sim_time duration,
		       struct diag *d)
{
	char at[TIME_TEXT], after[TIME_TEXT], before[TIME_TEXT];
	sim_time first = t->points[0].at;
	if (t->timestamps && first - origin >= SIM_SEC)
		diag_note(d, t->path, NULL,
			  t->repeat ? "the trace starts at %s, %s after the scenario does: with "
				      "repeat, the time before it replays the trace's end"
				    : "the trace starts at %s, %s after the scenario does: no "
				      "requests before it",
			  rt_format_time(first, true, at, sizeof(at)),
			  simtime_format(first - origin, after, sizeof(after)));
	if (!t->repeat && t->end - origin < duration)
		diag_note(d, t->path, NULL,
			  "the trace ends at %s, %s before the scenario does: no requests after "
			  "it (\"repeat\": true replays it)",
			  rt_format_time(t->end, t->timestamps, at, sizeof(at)),
			  simtime_format(duration - (t->end - origin), before, sizeof(before)));
}

static void no_overlap(const struct rate_trace *t, sim_time origin, sim_time duration,
		       struct diag *d)
{
	char from[TIME_TEXT], to[TIME_TEXT], start[TIME_TEXT], end[TIME_TEXT];
	diag_error(d, t->path, NULL,
		   "the trace covers %s to %s, which does not overlap the scenario's %s to %s "
		   "(accepted: %s)",
		   rt_format_time(t->points[0].at, t->timestamps, from, sizeof(from)),
		   rt_format_time(t->end, t->timestamps, to, sizeof(to)),
		   rt_format_time(origin, t->timestamps, start, sizeof(start)),
		   rt_format_time(origin + duration, t->timestamps, end, sizeof(end)),
		   t->timestamps ? "a scenario \"start\" within the trace, or \"start\": \"trace\""
				 : "a trace that starts before the scenario ends");
}

int rate_trace_shape(const struct rate_trace *t, int64_t start_unix, sim_time duration,
		     struct rate_shape *r, struct diag *d)
{
	sim_time origin = t->timestamps ? start_unix * SIM_SEC : 0;
	sim_time base = t->timestamps ? t->points[0].at : 0;
	if (t->points[0].at >= origin + duration || t->end <= origin) {
		no_overlap(t, origin, duration, d);
		return SPOTSIM_EINVAL;
	}
	struct rate_point *points = xmalloc((t->npoints + 2) * sizeof(*points));
	size_t n =
	    t->repeat ? rotate(t, origin, base, t->end - base, points) : cut(t, origin, points);
	note_edges(t, origin, duration, d);
	free(r->points);
	r->points = points;
	r->npoints = n;
	r->trace_period = t->repeat ? t->end - base : 0;
	return 0;
}
