/*
 * plot_series — every variant's time series held in bounded memory (see
 * `struct series` in plot_internal.h).
 *
 * A figure is about 1,000 pixels wide, so a month of minutes (43,200 rows
 * a variant) cannot be seen row by row. Each variant keeps at most
 * SERIES_MAX buckets of whole minutes: when a new bucket would pass that,
 * neighbouring buckets are merged in pairs and the width doubles (1, 2, 4,
 * 8 ... minutes). Merging loses nothing the figures show: task counts and
 * CPU are means over the bucket (task-minutes are kept), the latency is
 * the bucket's worst minute, the backlog its largest, the cost its last
 * value; a bucket whose minutes all lack a value (no task ran: timeseries.csv
 * leaves cpu_pct and p95_ms empty) stays without one. Spot shortages and
 * the minutes without CPU utilization are kept to the minute as bands,
 * and events as their times, whatever the width.
 */
#include "plot_internal.h"

#include "spotsim/util/xalloc.h"

#include <stdlib.h>
#include <string.h>

static void bucket_merge(struct bucket *a, const struct bucket *b)
{
	a->t_last = b->t_last;
	a->n += b->n;
	a->run_f += b->run_f;
	a->run_s += b->run_s;
	a->desired += b->desired;
	a->ndesired += b->ndesired;
	a->cpu += b->cpu;
	a->ncpu += b->ncpu;
	a->p95 = fmax(a->p95, b->p95);
	a->backlog = fmax(a->backlog, b->backlog);
	if (isfinite(b->cost))
		a->cost = b->cost;
}

/* Merges the buckets in pairs: half as many, twice as wide. */
static void series_halve(struct series *s)
{
	size_t k = 0;

	for (size_t i = 0; i < s->nb; i += 2, k++) {
		s->b[k] = s->b[i];
		if (i + 1 < s->nb)
			bucket_merge(&s->b[k], &s->b[i + 1]);
	}
	s->nb = k;
	s->width *= 2;
}

void series_widen(struct series *s, int width)
{
	while (s->width < width)
		series_halve(s);
}

/* Adds the minute that ends at `t` to `b` when `on`. */
static void bands_track(struct bands *b, double t, bool on)
{
	if (on) {
		b->minutes++;
		if (b->open) {
			b->v[b->n - 1].t1 = t;
		} else {
			XALLOC_GROW(b->v, b->n + 1, b->alloc);
			b->v[b->n++] = (struct band){t - 60, t};
		}
	}
	b->open = on;
}

/* The bucket the next row goes to: the last one, or a new one. */
static struct bucket *series_slot(struct series *s, double t)
{
	if (s->nb && s->b[s->nb - 1].n < s->width)
		return &s->b[s->nb - 1];
	if (s->nb == SERIES_MAX)
		series_halve(s);
	if (s->nb && s->b[s->nb - 1].n < s->width)
		return &s->b[s->nb - 1];
	XALLOC_GROW(s->b, s->nb + 1, s->ab);
	struct bucket *b = &s->b[s->nb++];
	memset(b, 0, sizeof(*b));
	b->t_first = t;
	b->p95 = b->backlog = b->cost = NAN;
	return b;
}

void series_add(struct series *s, double t, double run_f, double run_s, double desired, double cpu,
		double p95, double backlog, double cost, bool spot_off)
{
	struct bucket *b = series_slot(s, t);

	b->t_last = t;
	b->n++;
	b->run_f += run_f;
	b->run_s += run_s;
	if (isfinite(desired)) {
		b->desired += desired;
		b->ndesired++;
	}
	if (isfinite(cpu)) {
		b->cpu += cpu;
		b->ncpu++;
	}
	b->p95 = fmax(b->p95, p95);
	b->backlog = fmax(b->backlog, backlog);
	if (isfinite(cost))
		b->cost = cost;
	s->rows++;
	bands_track(&s->off, t, spot_off);
	bands_track(&s->idle, t, !isfinite(cpu));
}

struct series *facts_find(const struct facts *fx, const char *name)
{
	for (size_t i = 0; i < fx->nv; i++)
		if (!strcmp(fx->v[i].variant, name))
			return &fx->v[i];
	return NULL;
}

struct series *facts_variant(struct facts *fx, const char *name)
{
	struct series *s = fx->nv ? &fx->v[fx->nv - 1] : NULL;

	if (s && !strcmp(s->variant, name))
		return s; /* rows of a variant come together: the usual case */
	if ((s = facts_find(fx, name)))
		return s;
	XALLOC_GROW(fx->v, fx->nv + 1, fx->av);
	s = &fx->v[fx->nv++];
	memset(s, 0, sizeof(*s));
	s->variant = xstrdup(name);
	s->width = 1;
	return s;
}

void series_release(struct series *s)
{
	free(s->variant);
	free(s->b);
	free(s->off.v);
	free(s->idle.v);
	free(s->intr);
	free(s->scale);
}
