/*
 * spot — interruption and capacity models of one replication (see spot.h).
 *
 * Every model here is spotsim's own: AWS publishes no interruption or
 * capacity data for Fargate Spot (README "Spot models").
 *
 * Representation. A `struct spot` borrows its config and owns three GSL
 * streams (through rng.h), one per component, so that per-task lifetimes,
 * waves and capacity periods never consume each other's numbers.
 *
 * Reclaim events. Each waves / trace / scripted entry has a cursor holding
 * its next pending reclaim (`live` false once the entry has nothing left
 * before the horizon). spot_next_reclaim returns the earliest pending
 * reclaim, the lowest entry index on ties, and advances only that cursor;
 * so the events come out in time order, ties in config order, and a waves
 * entry draws its next gap (then its zone) only when its previous wave has
 * been handed out. Memory is one cursor per entry, whatever the horizon.
 *
 * Capacity. `alternating` keeps only the current period [start, end) and
 * whether it is available; a query at t >= end draws the following periods
 * until one contains t. A query before the current period (callers should
 * not) restarts the stream, so the answer for a time depends only on
 * (seed, replication, time). `trace` answers by binary search over the
 * windows and keeps no state.
 */
#include "spotsim/model/spot.h"

#include "spotsim/util/xalloc.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#define DEFAULT_AZS 3

struct cursor {
	bool live;
	size_t next_index;   /* trace, scripted: the entry's next time */
	struct reclaim next; /* the pending reclaim when live */
};

struct spot {
	const struct spot_config *c;
	uint64_t seed, replication;
	sim_time horizon;
	struct rng interruptions, waves, capacity;
	struct cursor *cursors; /* one per interruption entry */

	/* alternating capacity: the current period [cap_start, cap_end) */
	bool cap_available;
	sim_time cap_start, cap_end;
};

void spot_config_release(struct spot_config *c)
{
	if (!c)
		return;
	for (size_t i = 0; i < c->ninterruptions; i++)
		free(c->interruptions[i].times);
	free(c->interruptions);
	free(c->capacity.windows);
	c->interruptions = NULL;
	c->ninterruptions = 0;
	c->capacity.windows = NULL;
	c->capacity.nwindows = 0;
}

static const struct {
	const char *band;
	double monthly_fraction;
} advisor_bands[] = {
    {"<5%", 0.025}, {"5-10%", 0.075}, {"10-15%", 0.125}, {"15-20%", 0.175}, {">20%", 0.25},
};

bool spot_advisor_band(const char *band, double *monthly_fraction)
{
	if (!band)
		return false;
	for (size_t i = 0; i < sizeof(advisor_bands) / sizeof(advisor_bands[0]); i++) {
		if (!strcmp(band, advisor_bands[i].band)) {
			*monthly_fraction = advisor_bands[i].monthly_fraction;
			return true;
		}
	}
	return false;
}

double spot_hazard_from_monthly(double p)
{
	if (!(p > 0))
		return 0;
	if (p >= 1)
		return HUGE_VAL;
	return -log1p(-p) / 720.0;
}

/* A drawn duration in microseconds as a sim_time, saturating at SIM_TIME_MAX. */
static sim_time to_sim_time(double usec)
{
	if (!(usec > 0))
		return 0;
	if (usec >= (double)SIM_TIME_MAX)
		return SIM_TIME_MAX;
	return (sim_time)llround(usec);
}

/* t + d without overflow: SIM_TIME_MAX stands for "never". */
static sim_time add_saturating(sim_time t, sim_time d)
{
	return d >= SIM_TIME_MAX - t ? SIM_TIME_MAX : t + d;
}

/* ---- per-task lifetimes ---- */

static sim_time draw_lifetime(struct spot *s, const struct interruption_config *m)
{
	switch (m->model) {
	case INTERRUPTION_POISSON:
		/* a hazard of 0 (or not a number) never interrupts */
		if (!(m->hazard_per_hour > 0))
			return SIM_TIME_MAX;
		return to_sim_time(
		    rng_exponential(&s->interruptions, (double)SIM_HOUR / m->hazard_per_hour));
	case INTERRUPTION_WEIBULL:
		if (m->weibull_scale <= 0 || !(m->weibull_shape > 0))
			return SIM_TIME_MAX;
		return to_sim_time(
		    rng_weibull(&s->interruptions, (double)m->weibull_scale, m->weibull_shape));
	default:
		return SIM_TIME_MAX;
	}
}

sim_time spot_task_lifetime(struct spot *s)
{
	sim_time life = SIM_TIME_MAX;
	for (size_t i = 0; i < s->c->ninterruptions; i++) {
		sim_time t = draw_lifetime(s, &s->c->interruptions[i]);
		if (t < life)
			life = t;
	}
	return life;
}

/* ---- reclaim events ---- */

/* Draws the wave after `after`; a mean interval of 0 or less means no waves. */
static void next_wave(struct spot *s, const struct interruption_config *m, struct cursor *cur,
		      sim_time after)
{
	cur->live = false;
	if (m->wave_interval <= 0 || after >= s->horizon)
		return;
	double gap = rng_exponential(&s->waves, (double)m->wave_interval);
	if (!(gap < (double)(s->horizon - after)))
		return;
	sim_time at = after + to_sim_time(gap);
	if (at >= s->horizon)
		return;
	cur->next.at = at;
	cur->next.fraction = m->wave_fraction >= 0 ? m->wave_fraction : -1;
	cur->next.count = m->wave_fraction >= 0 ? 0 : m->wave_count;
	cur->next.az = -1;
	cur->next.shortage = m->wave_shortage;
	if (m->per_az) {
		int azs = m->azs > 0 ? m->azs : DEFAULT_AZS;
		cur->next.az = (int)rng_uniform_int(&s->waves, (uint32_t)azs);
	}
	cur->live = true;
}

static void next_listed(struct spot *s, const struct interruption_config *m, struct cursor *cur)
{
	cur->live = false;
	while (m->times && cur->next_index < m->ntimes) {
		const struct reclaim *r = &m->times[cur->next_index++];
		if (r->at >= s->horizon) {
			/* the list is sorted: nothing more before the horizon */
			cur->next_index = m->ntimes;
			return;
		}
		if (r->at < 0)
			continue;
		cur->next = *r;
		cur->live = true;
		return;
	}
}

static void advance(struct spot *s, size_t i)
{
	const struct interruption_config *m = &s->c->interruptions[i];
	struct cursor *cur = &s->cursors[i];
	switch (m->model) {
	case INTERRUPTION_WAVES:
		next_wave(s, m, cur, cur->live ? cur->next.at : 0);
		break;
	case INTERRUPTION_TRACE:
	case INTERRUPTION_SCRIPTED:
		next_listed(s, m, cur);
		break;
	default:
		cur->live = false;
		break;
	}
}

bool spot_next_reclaim(struct spot *s, struct reclaim *out)
{
	size_t best = s->c->ninterruptions;
	for (size_t i = 0; i < s->c->ninterruptions; i++) {
		const struct cursor *cur = &s->cursors[i];
		if (cur->live &&
		    (best == s->c->ninterruptions || cur->next.at < s->cursors[best].next.at))
			best = i;
	}
	if (best == s->c->ninterruptions)
		return false;
	*out = s->cursors[best].next;
	advance(s, best);
	return true;
}

/* ---- capacity ---- */

/*
 * Starts the period at `start`. A mean of 0 or less for unavailable periods
 * means capacity never runs out; for available periods (with shortages
 * possible) it means capacity never comes back.
 */
static void start_period(struct spot *s, sim_time start, bool available)
{
	const struct capacity_config *cc = &s->c->capacity;
	sim_time mean = available ? cc->mean_available : cc->mean_unavailable;
	s->cap_available = available;
	s->cap_start = start;
	if (cc->mean_unavailable <= 0 || (!available && cc->mean_available <= 0)) {
		s->cap_end = SIM_TIME_MAX;
		return;
	}
	if (mean <= 0) {
		s->cap_end = start; /* an available period that lasts no time */
		return;
	}
	sim_time len = to_sim_time(rng_exponential(&s->capacity, (double)mean));
	/* at least 1 us, so that a run of tiny periods still moves forward */
	s->cap_end = add_saturating(start, len > 0 ? len : 1);
}

static void restart_capacity(struct spot *s)
{
	rng_release(&s->capacity);
	rng_init(&s->capacity, s->seed, s->replication, RNG_CAPACITY);
	start_period(s, 0, true);
}

static bool alternating_at(struct spot *s, sim_time t, sim_time *next_change)
{
	if (t < s->cap_start)
		restart_capacity(s);
	while (t >= s->cap_end && s->cap_end != SIM_TIME_MAX)
		start_period(s, s->cap_end, !s->cap_available);
	*next_change = s->cap_end;
	return s->cap_available;
}

static bool trace_at(const struct capacity_config *cc, sim_time t, sim_time *next_change)
{
	size_t lo = 0, hi = cc->nwindows;
	/* the first window that ends after t */
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (cc->windows[mid].end <= t)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (lo == cc->nwindows) {
		*next_change = SIM_TIME_MAX;
		return true;
	}
	if (t < cc->windows[lo].start) {
		*next_change = cc->windows[lo].start;
		return true;
	}
	/* windows that touch make one shortage */
	sim_time end = cc->windows[lo].end;
	for (size_t i = lo + 1; i < cc->nwindows && cc->windows[i].start <= end; i++)
		if (cc->windows[i].end > end)
			end = cc->windows[i].end;
	*next_change = end;
	return false;
}

bool spot_capacity_at(struct spot *s, sim_time t, sim_time *next_change)
{
	sim_time dummy;
	if (!next_change)
		next_change = &dummy;
	switch (s->c->capacity.model) {
	case CAPACITY_ALTERNATING:
		return alternating_at(s, t, next_change);
	case CAPACITY_TRACE:
		return trace_at(&s->c->capacity, t, next_change);
	case CAPACITY_ALWAYS:
	default:
		*next_change = SIM_TIME_MAX;
		return true;
	}
}

/* ---- life cycle ---- */

struct spot *spot_new(const struct spot_config *c, uint64_t seed, uint64_t replication,
		      sim_time horizon)
{
	struct spot *s = xcalloc(1, sizeof(*s));
	s->c = c;
	s->seed = seed;
	s->replication = replication;
	s->horizon = horizon;
	rng_init(&s->interruptions, seed, replication, RNG_INTERRUPTIONS);
	rng_init(&s->waves, seed, replication, RNG_WAVES);
	rng_init(&s->capacity, seed, replication, RNG_CAPACITY);
	s->cursors = xcalloc(c->ninterruptions ? c->ninterruptions : 1, sizeof(*s->cursors));
	for (size_t i = 0; i < c->ninterruptions; i++)
		advance(s, i);
	if (c->capacity.model == CAPACITY_ALTERNATING)
		start_period(s, 0, true);
	return s;
}

void spot_free(struct spot *s)
{
	if (!s)
		return;
	rng_release(&s->interruptions);
	rng_release(&s->waves);
	rng_release(&s->capacity);
	free(s->cursors);
	free(s);
}
