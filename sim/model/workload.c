/*
 * workload — rate shapes and the M/M/c accounting of a request load (see
 * workload.h).
 *
 * Rate shapes are a table of {name, ops} indexed by enum rate_kind; each
 * `at` function is pure, so one shape can serve every replication.
 *
 * Noise. Period n (n = t / noise_period) has the factor
 * exp(sigma Z_n - sigma^2 / 2), sigma^2 = ln(1 + sd^2), whose mean is 1 and
 * whose relative sd is `sd`; Z_n is the n-th normal drawn from the
 * replication's RNG_NOISE stream. Factors are drawn in order and the latest
 * is cached, so the factor of period n depends only on (seed, replication,
 * n), not on how often or where inside a period the rate is asked for. A
 * jump ahead draws the skipped periods; a step back (callers should not)
 * restarts the stream.
 *
 * Fluid backlog (the default model). A piece also carries the backlog b0
 * at its start. A piece is `dynamic` while its backlog moves (grows below
 * its cap, drains above 0) or holds between them; its trajectory is
 * linear up to its event (empty or full, fluid_event) and at rest after
 * it, so any stretch of it is added in closed form (piece_add_between): the
 * moving part with uniform waits, the rest as a steady piece. An advance
 * that starts at or past the event opens a new, steady piece, so that
 * below capacity with no backlog every piece is exactly the steady-state
 * model's.
 *
 * Accounting. Each advance is an M/M/c piece at lambda(t0); an advance that
 * continues the open interval (it starts where that ends, with the same
 * serving count, and lambda(t0) is the same) only extends it. Sums are
 * added late and in one go: an interval's whole length to the run's totals
 * and latency mixture when it ends (a new piece, or a read of the totals),
 * its part in a minute to the minute's sums when the minute is taken, when
 * requests in flight are lost, or when it ends. So the sums depend only on
 * where pieces and minutes begin and end, not on how often the caller
 * advances between them: a caller that advances every 20 seconds and one
 * that advances only at changes get the same bits. The minute's mixture is
 * not fed at all when no one reads a minute's p95. Erlang C is remembered
 * per (c, lambda) in a small direct-mapped table, and a minute's p95 per
 * latency mixture (latency_memo): a steady or daily-repeating load computes
 * each once.
 */
#include "spotsim/model/workload.h"

#include "spotsim/model/queueing.h"
#include "spotsim/util/xalloc.h"

#include "queueing_mix.h"

#include <assert.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#define P95 0.95

/* ---- rate shapes ---- */

struct rate_ops {
	const char *name;
	double (*at)(const struct rate_shape *r, sim_time t, int64_t start_unix);
	/* the first time after t at which `at` may answer differently */
	sim_time (*next)(const struct rate_shape *r, sim_time t);
};

static int64_t floor_div(int64_t a, int64_t b)
{
	int64_t q = a / b;
	return (a % b != 0 && (a < 0) != (b < 0)) ? q - 1 : q;
}

static int64_t floor_mod(int64_t a, int64_t b)
{
	return a - floor_div(a, b) * b;
}

static double constant_at(const struct rate_shape *r, sim_time t, int64_t start_unix)
{
	(void)t;
	(void)start_unix;
	return r->rps;
}

static double diurnal_at(const struct rate_shape *r, sim_time t, int64_t start_unix)
{
	sim_time abs_t = start_unix * SIM_SEC + t;
	double phase = (double)(floor_mod(abs_t, SIM_DAY) - r->peak) / (double)SIM_DAY;
	double v = r->min_rps + (r->max_rps - r->min_rps) * (1 + cos(2 * M_PI * phase)) / 2;
	if (r->has_weekly) {
		/* 1970-01-01 was a Thursday: day 0 is index 3, Monday first */
		int64_t weekday = floor_mod(floor_div(abs_t, SIM_DAY) + 3, 7);
		v *= r->weekly_factor[weekday];
	}
	return v;
}

/* The index of the first point after t (n when none): points are sorted by `at`. */
static size_t points_after(const struct rate_point *p, size_t n, sim_time t)
{
	size_t lo = 0, hi = n;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (p[mid].at <= t)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

/* The rps of the last point at or before t; 0 before the first. */
static double points_at(const struct rate_point *p, size_t n, sim_time t)
{
	size_t i = points_after(p, n, t);
	return i ? p[i - 1].rps : 0;
}

static double steps_at(const struct rate_shape *r, sim_time t, int64_t start_unix)
{
	(void)start_unix;
	return points_at(r->points, r->npoints, t);
}

static double spikes_at(const struct rate_shape *r, sim_time t, int64_t start_unix)
{
	(void)start_unix;
	bool in_spike = false;
	double v = 0;
	for (size_t i = 0; i < r->nspikes; i++) {
		const struct rate_spike *s = &r->spikes[i];
		if (t < s->at || t - s->at >= s->duration)
			continue;
		double rps = s->has_rps ? s->rps : r->base_rps * s->factor;
		v = in_spike && v > rps ? v : rps;
		in_spike = true;
	}
	return in_spike ? v : r->base_rps;
}

static double trace_at(const struct rate_shape *r, sim_time t, int64_t start_unix)
{
	(void)start_unix;
	if (r->trace_period > 0)
		t = floor_mod(t, r->trace_period);
	return points_at(r->points, r->npoints, t);
}

static sim_time constant_next(const struct rate_shape *r, sim_time t)
{
	(void)r;
	(void)t;
	return SIM_TIME_MAX;
}

static sim_time diurnal_next(const struct rate_shape *r, sim_time t)
{
	(void)r;
	return t + 1; /* continuous */
}

/* The first point after t; SIM_TIME_MAX when none. */
static sim_time points_next(const struct rate_point *p, size_t n, sim_time t)
{
	size_t i = points_after(p, n, t);
	return i < n ? p[i].at : SIM_TIME_MAX;
}

static sim_time steps_next(const struct rate_shape *r, sim_time t)
{
	return points_next(r->points, r->npoints, t);
}

static sim_time spikes_next(const struct rate_shape *r, sim_time t)
{
	sim_time next = SIM_TIME_MAX;
	for (size_t i = 0; i < r->nspikes; i++) {
		const struct rate_spike *s = &r->spikes[i];
		if (s->at > t && s->at < next)
			next = s->at;
		if (s->duration <= SIM_TIME_MAX - s->at && s->at + s->duration > t &&
		    s->at + s->duration < next)
			next = s->at + s->duration;
	}
	return next;
}

/* The next point in this repetition of the trace, else the start of the next one. */
static sim_time trace_next(const struct rate_shape *r, sim_time t)
{
	if (r->trace_period <= 0)
		return points_next(r->points, r->npoints, t);
	sim_time offset = floor_mod(t, r->trace_period), base = t - offset;
	sim_time next = points_next(r->points, r->npoints, offset);
	return base + (next < r->trace_period ? next : r->trace_period);
}

static const struct rate_ops rate_table[] = {
    [RATE_CONSTANT] = {"constant", constant_at, constant_next},
    [RATE_DIURNAL] = {"diurnal", diurnal_at, diurnal_next},
    [RATE_STEPS] = {"steps", steps_at, steps_next},
    [RATE_SPIKES] = {"spikes", spikes_at, spikes_next},
    [RATE_TRACE] = {"trace", trace_at, trace_next},
};

#define NRATE_KINDS (sizeof(rate_table) / sizeof(rate_table[0]))

const char *rate_kind_name(enum rate_kind k)
{
	return (size_t)k < NRATE_KINDS ? rate_table[k].name : NULL;
}

bool rate_kind_parse(const char *name, enum rate_kind *out)
{
	for (size_t i = 0; name && i < NRATE_KINDS; i++) {
		if (!strcmp(name, rate_table[i].name)) {
			*out = (enum rate_kind)i;
			return true;
		}
	}
	return false;
}

double rate_shape_at(const struct rate_shape *r, sim_time t, int64_t start_unix)
{
	if ((size_t)r->kind >= NRATE_KINDS)
		return 0;
	return rate_table[r->kind].at(r, t, start_unix);
}

sim_time rate_shape_next_change(const struct rate_shape *r, sim_time t)
{
	if ((size_t)r->kind >= NRATE_KINDS)
		return SIM_TIME_MAX;
	return rate_table[r->kind].next(r, t);
}

void rate_shape_release(struct rate_shape *r)
{
	free(r->points);
	free(r->spikes);
	r->points = NULL;
	r->npoints = 0;
	r->spikes = NULL;
	r->nspikes = 0;
	r->trace_period = 0;
}

/* ---- the workload of one replication ---- */

/*
 * Erlang C memo: sets of two (c, lambda), 2^bits sets; it starts small and
 * grows fourfold, up to ERLANG_MEMO_MAX_BITS, each time it has missed twice
 * as often as it has entries (a diurnal load under autoscaling meets some
 * ten thousand pairs a month; a steady one a handful).
 */
#define ERLANG_MEMO_MIN_BITS 4
#define ERLANG_MEMO_MAX_BITS 12

struct minute_sums {
	double requests, served, dropped;
	double cpu_pct_seconds, mem_pct_seconds, serving_seconds;
};

struct erlang_entry {
	long c; /* 0: empty */
	double lambda, value;
};

/*
 * One interval: lambda at its start and the servers over it; with the
 * fluid model, the backlog b0 at its start and its cap (capacity x timeout).
 */
struct piece {
	double lambda, capacity, erlang; /* erlang: C when 0 < lambda < capacity */
	double cpu_pct, mem_pct;	 /* when c > 0 */
	double b0, cap;			 /* requests; 0 with the steady-state model */
	long serving, c;
	bool overloaded;
	bool dynamic; /* fluid and the backlog moves or sits between 0 and its cap */
};

/*
 * A diurnal rate depends only on the time of day (of week, with weekly
 * factors): a rate read once is kept by that time, in a day of slots of 20
 * seconds (the period at which callers read it anew), so a day's reads fall
 * into distinct slots, in order; the last two Erlang C computed at that
 * rate (by c) are kept beside it, with the CPU and memory utilization of c
 * servers at that rate (the same computations as piece_at's, so the same
 * values, without their divisions). A time read off those points takes the
 * slot of its 20 seconds over, a week's days share a slot; a miss only
 * costs a new computation.
 */
#define DAILY_SLOT_SPAN (20 * SIM_SEC)
#define DAILY_SLOTS	(SIM_DAY / DAILY_SLOT_SPAN)

/* A piece's values at a slot's rate with c servers, below capacity. */
struct slot_piece {
	long c; /* 0: none */
	double erlang, cpu_pct, mem_pct;
};

struct daily_entry {
	sim_time key; /* time of day (of week) + 1; 0: empty */
	double rps;
	struct slot_piece at[2]; /* the last two c, the newest first */
};

/* What dt seconds of a piece add, the same to the run and to the minute. */
struct share {
	double requests, served, dropped, waited, wait_sum_s;
	double cpu_pct_seconds, mem_pct_seconds, serving_seconds;
};

/*
 * A minute of three slots (its ticks' reads) under the same c servers, all
 * below capacity, each rate another than the one before: what its first
 * two pieces add to the run and to the minute (steady_add_both's values),
 * their latency mixture's sums summed by bucket (the same sums as piece by
 * piece, in another order: the last bits may differ), and the utilizations
 * of the three. Kept beside the day of slots, one per three slots (a run's
 * minutes start at slots of one residue modulo 3).
 */
struct minute_bucket {
	uint64_t key; /* the gammas' latency bucket */
	double served, wq, wc, wcg;
};
struct minute_entry {
	sim_time key[3]; /* the slots' keys; key[0] 0: empty */
	long c;
	double rps0, rps2; /* the first and last slot's rates */
	struct share s[3]; /* each piece's 20 s */
	int nbuckets;	   /* 1 when both pieces' gammas share a bucket, else 2 */
	struct minute_bucket b[2];
	double erlang3; /* the third piece's Erlang C */
	double cpu_pct[3], mem_pct[3];
	/* what workload_take_minute gave for these three pieces alone (the
	 * minute empty before them, its latency not kept), once it has */
	bool has_minute;
	struct workload_minute minute;
	uint64_t fill; /* the workload's fills so far, this one's included */
};
#define MINUTE_SLOTS (DAILY_SLOTS / 3)
static_assert(MINUTE_SLOTS == WORKLOAD_MINUTE_SLOTS, "a minute entry per minute of a day");

struct workload {
	const struct rate_shape *shape;
	const struct request_model *model;
	int64_t start_unix;
	double mu;
	struct daily_entry *daily;    /* diurnal shapes only */
	struct minute_entry *minutes; /* beside daily: MINUTE_SLOTS */
	uint64_t fills;		      /* minute entries filled so far */
	struct daily_entry *read;     /* the entry of the last shape_rate, or NULL */
	sim_time daily_period;	      /* SIM_DAY, or SIM_WEEK with weekly factors */
	sim_time read_t, read_key;    /* the time of the last diurnal read and its key */

	struct rng noise;
	uint64_t seed, replication;
	double sigma; /* 0: no noise */
	sim_time noise_period;
	int64_t noise_n; /* period of noise_factor; -1 before the first draw */
	double noise_factor;

	struct erlang_entry (*erlang_memo)[2]; /* 2^memo_bits sets, most recent first */
	int memo_bits;
	long memo_misses; /* since the table last grew */

	/*
	 * The open interval: `cur` from open_at to end, of which the part from
	 * `flushed` on is not yet in the minute's sums. `cur` stays after the
	 * interval ends: the last advance's piece, whose values are the
	 * instant ones (workload_instant); no task and no load before the first.
	 */
	bool open;
	struct piece cur;
	double b_lost; /* backlog lost since the end of `cur` (workload_lose_inflight) */
	sim_time open_at, end, flushed;
	bool run_share_ok;	/* run_share is the share of cur from open_at to end */
	struct share run_share; /* see flush_minute */

	struct workload_totals totals;
	struct minute_sums minute;
	bool minute_touched; /* the open minute has received something */
	bool minute_latency; /* feed minute_mix (workload_keep_minute_latency) */
	struct latency_mix *mix, *minute_mix;
	struct latency_memo *p95_memo;
};

struct workload *workload_new(const struct rate_shape *shape, const struct request_model *model,
			      int64_t start_unix, uint64_t seed, uint64_t replication)
{
	assert(model->service_time_s > 0 && model->concurrency >= 1);
	struct workload *w = xcalloc(1, sizeof(*w));
	w->shape = shape;
	w->model = model;
	w->start_unix = start_unix;
	w->mu = 1 / model->service_time_s;
	w->seed = seed;
	w->replication = replication;
	if (shape->noise_sd > 0) {
		w->sigma = sqrt(log1p(shape->noise_sd * shape->noise_sd));
		w->noise_period = shape->noise_period > 0 ? shape->noise_period : SIM_MIN;
		rng_init(&w->noise, seed, replication, RNG_NOISE);
	}
	w->noise_n = -1;
	w->noise_factor = 1;
	if (shape->kind == RATE_DIURNAL) {
		w->daily = xcalloc(DAILY_SLOTS, sizeof(*w->daily));
		if (w->sigma == 0) /* workload_advance_ticks' minutes: a rate without noise */
			w->minutes = xcalloc(MINUTE_SLOTS, sizeof(*w->minutes));
		w->daily_period = shape->has_weekly ? SIM_WEEK : SIM_DAY;
		w->read_t = SIM_TIME_MAX; /* no read yet */
	}
	w->memo_bits = ERLANG_MEMO_MIN_BITS;
	w->erlang_memo = xcalloc((size_t)1 << w->memo_bits, sizeof(*w->erlang_memo));
	w->minute_latency = true;
	w->mix = latency_mix_new();
	w->minute_mix = latency_mix_new();
	w->p95_memo = latency_memo_new();
	w->cur = (struct piece){0, 0, 1, NAN, NAN, 0, 0, 0, 0, false, false};
	return w;
}

void workload_free(struct workload *w)
{
	if (!w)
		return;
	rng_release(&w->noise);
	free(w->daily);
	free(w->minutes);
	free(w->erlang_memo);
	latency_mix_free(w->mix);
	latency_mix_free(w->minute_mix);
	latency_memo_free(w->p95_memo);
	free(w);
}

void workload_keep_minute_latency(struct workload *w, bool keep)
{
	w->minute_latency = keep;
	latency_mix_reset(w->minute_mix);
}

static double noise_factor(struct workload *w, sim_time t)
{
	int64_t n = t > 0 ? t / w->noise_period : 0;
	if (n < w->noise_n) {
		rng_release(&w->noise);
		rng_init(&w->noise, w->seed, w->replication, RNG_NOISE);
		w->noise_n = -1;
	}
	while (w->noise_n < n) {
		double z = rng_normal(&w->noise, 0, 1);
		w->noise_factor = exp(w->sigma * z - w->sigma * w->sigma / 2);
		w->noise_n++;
	}
	return w->noise_factor;
}

/* The time of day (of week, with weekly factors) of t, plus 1: 0 marks an empty slot. */
static sim_time daily_key(const struct workload *w, sim_time t)
{
	sim_time abs_t = w->start_unix * SIM_SEC + t;
	return (w->shape->has_weekly ? floor_mod(abs_t, SIM_WEEK) : floor_mod(abs_t, SIM_DAY)) + 1;
}

/*
 * The shape's rate at t; a diurnal one from the slot of its time of day when there.
 * A read one slot after the previous one (every 20-second tick) steps the
 * key and the slot from there: key + span, less the period past its end,
 * and the next slot (the period is a whole number of days of slots), the
 * very key and slot the divisions give.
 */
static inline double shape_rate(struct workload *w, sim_time t)
{
	if (!w->daily)
		return rate_shape_at(w->shape, t, w->start_unix);
	sim_time key;
	struct daily_entry *e;
	if (w->read && t == w->read_t) /* read again (workload_backlog_change, then the advance) */
		return w->read->rps;
	if (w->read && t - DAILY_SLOT_SPAN == w->read_t) {
		key = w->read_key + DAILY_SLOT_SPAN;
		key -= key > w->daily_period ? w->daily_period : 0;
		e = w->read + 1 < w->daily + DAILY_SLOTS ? w->read + 1 : w->daily;
	} else {
		key = daily_key(w, t);
		e = &w->daily[(key / DAILY_SLOT_SPAN) % DAILY_SLOTS];
	}
	if (e->key != key)
		*e = (struct daily_entry){
		    key, rate_shape_at(w->shape, t, w->start_unix), {{0, 0, 0, 0}, {0, 0, 0, 0}}};
	w->read = e;
	w->read_t = t;
	w->read_key = key;
	return e->rps;
}

static double rate_at_any(struct workload *w, sim_time t)
{
	double lambda = shape_rate(w, t);
	return w->sigma > 0 ? lambda * noise_factor(w, t) : lambda;
}

/*
 * lambda(t). The usual read first, inline: a diurnal rate without noise
 * read a slot after the last read, and that slot kept (as shape_rate
 * steps there).
 */
static inline double rate_at(struct workload *w, sim_time t)
{
	if (w->read && w->sigma == 0 && t - DAILY_SLOT_SPAN == w->read_t) {
		sim_time key = w->read_key + DAILY_SLOT_SPAN;
		struct daily_entry *e =
		    w->read + 1 < w->daily + DAILY_SLOTS ? w->read + 1 : w->daily;
		key -= key > w->daily_period ? w->daily_period : 0;
		if (e->key == key) {
			w->read = e;
			w->read_t = t;
			w->read_key = key;
			return e->rps;
		}
	}
	return rate_at_any(w, t);
}

double workload_rate(struct workload *w, sim_time t)
{
	return rate_at(w, t);
}

sim_time workload_next_change(const struct workload *w, sim_time t)
{
	/* a diurnal rate moves all the time: diurnal_next without the table */
	sim_time next = w->daily ? t + 1 : rate_shape_next_change(w->shape, t);
	if (w->sigma > 0) {
		sim_time period_end = ((t > 0 ? t / w->noise_period : 0) + 1) * w->noise_period;
		next = period_end < next ? period_end : next;
	}
	return next;
}

static void erlang_memo_grow(struct workload *w)
{
	w->memo_misses = 0;
	if (w->memo_bits >= ERLANG_MEMO_MAX_BITS)
		return;
	w->memo_bits += 2;
	free(w->erlang_memo);
	w->erlang_memo = xcalloc((size_t)1 << w->memo_bits, sizeof(*w->erlang_memo));
}

/*
 * Erlang C, remembered: a diurnal load meets the same (c, lambda) day after
 * day, a steady one at every interval. A hit returns the very value a new
 * computation would.
 */
static double erlang_c_memo(struct workload *w, long c, double lambda)
{
	uint64_t bits;
	memcpy(&bits, &lambda, sizeof(bits));
	uint64_t h = (bits ^ ((uint64_t)c * 0x9e3779b97f4a7c15ULL)) * 0xff51afd7ed558ccdULL;
	struct erlang_entry *set = w->erlang_memo[h >> (64 - w->memo_bits)];
	if (set[0].c == c && set[0].lambda == lambda)
		return set[0].value;
	struct erlang_entry e = {c, lambda, 0};
	if (set[1].c == c && set[1].lambda == lambda) {
		e.value = set[1].value;
	} else {
		e.value = mmc_erlang_c(c, lambda / w->mu);
		if (++w->memo_misses > (2L << w->memo_bits)) {
			erlang_memo_grow(w);
			return e.value;
		}
	}
	set[1] = set[0];
	set[0] = e;
	return e.value;
}

static double cap_percent(double pct)
{
	return pct < 100 ? pct : 100;
}

/* The CPU utilization (%) of c servers (c > 0) at `lambda`. */
static inline double cpu_percent(const struct workload *w, long c, double lambda)
{
	double capacity = (double)c * w->mu;
	return cap_percent(w->model->cpu_idle_percent + 100 * lambda / capacity);
}

/* The memory utilization (%) of `serving` tasks (> 0) at `lambda`. */
static inline double mem_percent(const struct workload *w, long serving, double lambda)
{
	const struct request_model *m = w->model;
	return cap_percent(m->memory_base_percent + m->memory_per_rps * lambda / (double)serving);
}

/*
 * Erlang C at the rate just read: from beside a diurnal rate when lambda is
 * that rate (no noise), else from the memo.
 */
static double erlang_c_at(struct workload *w, long c, double lambda)
{
	struct daily_entry *d = w->read;
	if (!d || d->rps != lambda)
		return erlang_c_memo(w, c, lambda);
	if (d->at[0].c == c)
		return d->at[0].erlang;
	if (d->at[1].c == c)
		return d->at[1].erlang;
	d->at[1] = d->at[0];
	d->at[0] =
	    (struct slot_piece){c, mmc_erlang_c(c, lambda / w->mu), cpu_percent(w, c, lambda),
				mem_percent(w, c / w->model->concurrency, lambda)};
	return d->at[0].erlang;
}

/*
 * Whether a fluid piece's backlog is not at rest: it grows, drains or
 * holds between 0 and its cap (at rest: empty below capacity, at the cap
 * above it; and no serving task, which freezes it).
 */
static bool fluid_dynamic(double lambda, double capacity, double b0, double cap)
{
	if (capacity <= 0)
		return false;
	return !(b0 <= 0 && lambda < capacity) && !(b0 >= cap && lambda > capacity);
}

/* The interval starting at t0 at `lambda` with `serving` tasks and backlog b0 (<= its cap). */
static void piece_at(struct workload *w, double lambda, long serving, double b0, struct piece *p)
{
	const struct request_model *m = w->model;
	long c = serving > 0 ? serving * m->concurrency : 0;
	double capacity = (double)c * w->mu;
	p->lambda = lambda;
	p->capacity = capacity;
	p->erlang = 1;
	p->serving = serving;
	p->c = c;
	p->overloaded = c > 0 && lambda >= capacity;
	p->b0 = m->steady_state ? 0 : b0;
	p->cap = capacity * m->timeout_s;
	p->dynamic = !m->steady_state && fluid_dynamic(lambda, capacity, p->b0, p->cap);
	if (c == 0) {
		p->cpu_pct = p->mem_pct = NAN;
		return;
	}
	if (!p->overloaded)
		p->erlang = erlang_c_at(w, c, lambda);
	p->cpu_pct = cpu_percent(w, c, lambda);
	p->mem_pct = mem_percent(w, serving, lambda);
}

/*
 * simtime_seconds, inlined: the same value, on the path taken every 20
 * seconds. A whole number of seconds below 2^53 microseconds (the usual
 * lengths) is that number exactly, with no floating-point division: t
 * converts exactly and t / 10^6, a whole number, is the correctly rounded
 * quotient.
 */
static inline double seconds(sim_time t)
{
	if (t % SIM_SEC == 0 && t >= -(INT64_C(1) << 53) && t <= INT64_C(1) << 53)
		return (double)(t / SIM_SEC);
	return (double)t / (double)SIM_SEC;
}

/*
 * The fluid backlog of a dynamic piece: B(s) = b0 + (lambda - capacity) s
 * until it empties or reaches its cap, `fluid_event` seconds in (INFINITY
 * when it never does: lambda = capacity), then 0 or the cap.
 */
static double fluid_event(const struct piece *p)
{
	double slope = p->lambda - p->capacity;
	if (!p->dynamic || slope == 0)
		return INFINITY;
	return slope > 0 ? (p->cap - p->b0) / slope : p->b0 / -slope;
}

static double backlog_at(const struct piece *p, double s)
{
	if (!p->dynamic)
		return p->b0;
	double slope = p->lambda - p->capacity;
	if (s >= fluid_event(p))
		return slope > 0 ? p->cap : 0;
	return p->b0 + slope * s;
}

/* Where a piece's requests and utilization go: the run, the open minute, or both. */
enum {
	TO_RUN = 1,
	TO_MINUTE = 2
};

/*
 * Overloaded: served at capacity, the excess dropped, the served count as
 * having waited `timeout`. No serving task: everything dropped.
 */
static void share_of(const struct workload *w, const struct piece *p, double dt, struct share *out)
{
	double served;
	if (p->c == 0) {
		*out = (struct share){p->lambda * dt, 0, p->lambda * dt, 0, 0, 0, 0, 0};
		return;
	}
	double cpu = p->cpu_pct * dt, mem = p->mem_pct * dt;
	if (p->overloaded) {
		served = p->capacity * dt;
		*out = (struct share){p->lambda * dt,
				      served,
				      (p->lambda - p->capacity) * dt,
				      served,
				      served * w->model->timeout_s,
				      cpu,
				      mem,
				      dt};
	} else {
		served = p->lambda * dt;
		double gamma = p->capacity - p->lambda;
		*out = (struct share){
		    served, served, 0, p->erlang * served, p->erlang / gamma * served,
		    cpu,    mem,    dt};
	}
}

static inline void add_share(struct workload_totals *t, const struct share *s, bool serving)
{
	t->requests += s->requests;
	t->served += s->served;
	t->dropped += s->dropped;
	if (!serving)
		return;
	t->waited += s->waited;
	t->wait_sum_s += s->wait_sum_s;
	t->cpu_pct_seconds += s->cpu_pct_seconds;
	t->mem_pct_seconds += s->mem_pct_seconds;
	t->serving_seconds += s->serving_seconds;
}

static inline void add_minute_share(struct minute_sums *m, const struct share *s)
{
	m->requests += s->requests;
	m->served += s->served;
	m->dropped += s->dropped;
	m->cpu_pct_seconds += s->cpu_pct_seconds;
	m->mem_pct_seconds += s->mem_pct_seconds;
	m->serving_seconds += s->serving_seconds;
}

static void mix_add(struct latency_mix *m, const struct workload *w, const struct piece *p,
		    double served)
{
	if (p->overloaded)
		latency_mix_add_overloaded(m, served, w->mu, w->model->timeout_s);
	else
		latency_mix_put_erlang(m, served, w->mu, p->capacity - p->lambda, p->erlang);
}

/*
 * Adds share `s` of piece p to the run's totals, to the open minute, or
 * to both. The sums first, the mixtures last: a call keeps nothing in the
 * floating-point registers, so the share is not saved around it.
 */
static inline void share_add(struct workload *w, int to, const struct piece *p,
			     const struct share *s)
{
	if (to & TO_RUN)
		add_share(&w->totals, s, p->c > 0);
	if (to & TO_MINUTE) {
		w->minute_touched = true;
		add_minute_share(&w->minute, s);
	}
	if (p->c == 0)
		return;
	if ((to & TO_MINUTE) && w->minute_latency)
		mix_add(w->minute_mix, w, p, s->served);
	if (to & TO_RUN)
		mix_add(w->mix, w, p, s->served);
}

/* Adds `dt` > 0 seconds of piece p to the run's totals, to the open minute, or to both. */
static void piece_add(struct workload *w, int to, const struct piece *p, double dt)
{
	struct share s;
	share_of(w, p, dt, &s);
	share_add(w, to, p, &s);
}

/*
 * Seconds a to b of a dynamic piece, before its event: every arrival is
 * served (the backlog is below its cap) after the fluid wait B / (c mu),
 * which moves linearly from B(a) / (c mu) to B(b) / (c mu); the servers
 * are all busy.
 */
static void backlog_add(struct workload *w, int to, const struct piece *p, double a, double b)
{
	double dt = b - a, served = p->lambda * dt;
	double w0 = backlog_at(p, a) / p->capacity, w1 = backlog_at(p, b) / p->capacity;
	double cpu = cap_percent(w->model->cpu_idle_percent + 100);
	struct share s = {served,   served,	     0, served, served * (w0 + w1) / 2,
			  cpu * dt, p->mem_pct * dt, dt};
	if (to & TO_RUN)
		add_share(&w->totals, &s, true);
	if (to & TO_MINUTE) {
		w->minute_touched = true;
		add_minute_share(&w->minute, &s);
	}
	if ((to & TO_MINUTE) && w->minute_latency)
		latency_mix_add_uniform(w->minute_mix, served, w->mu, w0, w1);
	if (to & TO_RUN)
		latency_mix_add_uniform(w->mix, served, w->mu, w0, w1);
}

/*
 * Seconds a to b (a < b) from the start of piece p: a dynamic piece's
 * backlog part, then, past its event, the part at rest, which is what a
 * steady piece adds (Erlang C below capacity, the timeout at the cap).
 */
static void piece_add_between(struct workload *w, int to, const struct piece *p, double a, double b)
{
	if (!p->dynamic) {
		piece_add(w, to, p, b - a);
		return;
	}
	double te = fluid_event(p);
	if (a < te)
		backlog_add(w, to, p, a, b < te ? b : te);
	if (b > te)
		piece_add(w, to, p, b - (a > te ? a : te));
}

/*
 * Moves the open interval's part not yet in the minute's sums there. When
 * that part is the whole interval so far (a piece that ends with its
 * minute), its share is also what the run takes should the interval end
 * there: it is kept (run_share) for close_interval.
 */
static void flush_minute(struct workload *w)
{
	if (!w->open || w->end <= w->flushed)
		return;
	if (w->cur.dynamic) {
		piece_add_between(w, TO_MINUTE, &w->cur, seconds(w->flushed - w->open_at),
				  seconds(w->end - w->open_at));
	} else if (w->flushed != w->open_at) {
		piece_add(w, TO_MINUTE, &w->cur, seconds(w->end - w->flushed));
	} else {
		if (!w->run_share_ok) /* else kept already (advance_minute) */
			share_of(w, &w->cur, seconds(w->end - w->flushed), &w->run_share);
		share_add(w, TO_MINUTE, &w->cur, &w->run_share);
		w->run_share_ok = true;
	}
	w->flushed = w->end;
}

/*
 * Ends the open interval: the rest of it to the minute, all of it to the
 * run (in one go when none of it is in the minute yet, the usual case).
 */
static void close_interval(struct workload *w)
{
	if (!w->open)
		return;
	if (w->cur.dynamic && w->end > w->open_at) {
		int to = w->flushed == w->open_at ? TO_RUN | TO_MINUTE : TO_RUN;
		if (to == TO_RUN)
			flush_minute(w);
		piece_add_between(w, to, &w->cur, 0, seconds(w->end - w->open_at));
	} else if (w->end > w->open_at && w->flushed == w->open_at) {
		piece_add(w, TO_RUN | TO_MINUTE, &w->cur, seconds(w->end - w->open_at));
	} else if (w->end > w->open_at) {
		flush_minute(w);
		if (w->run_share_ok)
			share_add(w, TO_RUN, &w->cur, &w->run_share);
		else
			piece_add(w, TO_RUN, &w->cur, seconds(w->end - w->open_at));
	}
	w->flushed = w->end;
	w->open = false;
	w->run_share_ok = false;
}

/* The fluid backlog at the end of the last advance (0 with the steady-state model). */
static inline double backlog_now(const struct workload *w)
{
	if (!w->cur.dynamic && w->b_lost == 0)
		return w->cur.b0; /* at rest */
	double b = backlog_at(&w->cur, seconds(w->end - w->open_at)) - w->b_lost;
	return b > 0 ? b : 0;
}

/* Requests counted as served that turn out dropped (lost backlog or in flight). */
static void served_to_dropped(struct workload *w, double n)
{
	w->totals.served -= n;
	w->totals.dropped += n;
	w->minute.served -= n;
	w->minute.dropped += n;
	w->minute_touched = true;
}

/*
 * A new piece: its backlog is the last one's at its end; what exceeds the
 * new cap (fewer servers) abandons now.
 */
static void open_piece(struct workload *w, double lambda, long serving)
{
	double b = backlog_now(w);
	close_interval(w);
	long c = serving > 0 ? serving * w->model->concurrency : 0;
	double cap = (double)c * w->mu * w->model->timeout_s;
	if (c > 0 && b > cap) {
		served_to_dropped(w, b - cap);
		b = cap;
	}
	piece_at(w, lambda, serving, b, &w->cur);
	w->b_lost = 0;
}

/*
 * A whole steady piece below capacity with tasks serving, `dt` seconds, to
 * the run and to the open minute: what piece_add(w, TO_RUN | TO_MINUTE, p,
 * dt) adds there, the same operations on the same values, without its
 * cases (and without adding its +0 drops: the sums of drops are never -0,
 * so x + 0 is x).
 */
static void steady_add_both(struct workload *w, const struct piece *p, double dt)
{
	double served = p->lambda * dt, gamma = p->capacity - p->lambda;
	double waited = p->erlang * served, wait_sum = p->erlang / gamma * served;
	double cpu = p->cpu_pct * dt, mem = p->mem_pct * dt;
	struct workload_totals *t = &w->totals;
	struct minute_sums *m = &w->minute;
	t->requests += served;
	t->served += served;
	t->waited += waited;
	t->wait_sum_s += wait_sum;
	t->cpu_pct_seconds += cpu;
	t->mem_pct_seconds += mem;
	t->serving_seconds += dt;
	m->requests += served;
	m->served += served;
	m->cpu_pct_seconds += cpu;
	m->mem_pct_seconds += mem;
	m->serving_seconds += dt;
	w->minute_touched = true;
	if (w->minute_latency)
		latency_mix_put_stable(w->minute_mix, served, w->mu, gamma, p->erlang);
	latency_mix_put_stable(w->mix, served, w->mu, gamma, p->erlang);
}

/* share_add(w, TO_RUN, p, s) of a steady piece below capacity with tasks serving. */
static inline void steady_add_run(struct workload *w, const struct piece *p, const struct share *s)
{
	add_share(&w->totals, s, true);
	latency_mix_put_stable(w->mix, s->served, w->mu, p->capacity - p->lambda, p->erlang);
}

/*
 * The open interval, a steady piece below capacity with tasks serving, to
 * what close_interval gives it: whole to the run and the minute, or its
 * kept share to the run when the minute has it already. Returns false,
 * having done nothing, when neither holds.
 */
static bool steady_close(struct workload *w)
{
	if (w->flushed == w->open_at)
		steady_add_both(w, &w->cur, seconds(w->end - w->open_at));
	else if (w->flushed == w->end && w->run_share_ok)
		steady_add_run(w, &w->cur, &w->run_share);
	else
		return false;
	return true;
}

/*
 * The usual advance of a load read every 20 seconds: the open interval is
 * a steady piece below capacity, with tasks serving, that ends at t0, and
 * the same tasks serve on at the new rate `lambda`. What close_interval
 * and open_piece do there, the same operations on the same values (the
 * interval whole to the run and the minute, or its kept share to the run
 * when the minute has it already; then the piece's rate-dependent values),
 * without their cases. Returns false, having done nothing, in any other
 * case.
 */
static bool continue_steady(struct workload *w, sim_time t0, double lambda, long serving)
{
	struct piece *p = &w->cur;
	const struct request_model *m = w->model;
	if (!w->open || t0 != w->end || serving != p->serving || p->c == 0 || p->dynamic ||
	    p->overloaded || w->b_lost != 0 || w->end <= w->open_at)
		return false;
	if (!steady_close(w))
		return false;
	/* c, capacity, cap and the backlog (none: steady below capacity) stay */
	p->lambda = lambda;
	p->overloaded = lambda >= p->capacity;
	if (p->overloaded) {
		p->dynamic = !m->steady_state && fluid_dynamic(lambda, p->capacity, p->b0, p->cap);
		p->erlang = 1;
	} else { /* below capacity from an empty backlog: at rest (fluid_dynamic) */
		p->dynamic = false;
	}
	const struct daily_entry *d = w->read;
	if (!p->overloaded && d && d->at[0].c == p->c && d->rps == lambda) {
		p->erlang = d->at[0].erlang; /* the values beside the rate read */
		p->cpu_pct = d->at[0].cpu_pct;
		p->mem_pct = d->at[0].mem_pct;
	} else {
		if (!p->overloaded)
			p->erlang = erlang_c_at(w, p->c, lambda);
		p->cpu_pct = cpu_percent(w, p->c, lambda);
		p->mem_pct = mem_percent(w, serving, lambda);
	}
	w->open_at = w->end = w->flushed = t0;
	w->run_share_ok = false;
	return true;
}

void workload_advance(struct workload *w, sim_time t0, sim_time t1, long serving)
{
	double lambda = rate_at(w, t0);
	if (lambda != w->cur.lambda && continue_steady(w, t0, lambda, serving)) {
		w->end = t1 > t0 ? t1 : t0;
		return;
	}
	bool same = w->open && t0 == w->end && serving == w->cur.serving && lambda == w->cur.lambda;
	/* a dynamic piece ends at its event: from there a steady piece, as if anew */
	if (same && w->cur.dynamic && seconds(t0 - w->open_at) >= fluid_event(&w->cur))
		same = false;
	if (!same) {
		open_piece(w, lambda, serving);
		w->open = true;
		w->open_at = w->end = w->flushed = t0;
	}
	if (t1 > w->end) {
		w->end = t1;
		w->run_share_ok = false; /* the interval grew: its share is another */
	}
}

/*
 * The slot piece of a steady piece below capacity at the diurnal rate of
 * entry e with c servers: what continue_steady takes or computes there (at
 * the older one, erlang_c_at returns its Erlang C, and cpu_percent and
 * mem_percent give its utilizations again: c is serving x concurrency);
 * NULL when the entry has neither.
 */
static inline const struct slot_piece *slot_piece_of(const struct daily_entry *e, long c)
{
	return e->at[0].c == c ? &e->at[0] : e->at[1].c == c ? &e->at[1] : NULL;
}
/* The entry after e (whose key is *key) and its key, as rate_at steps there. */
static inline struct daily_entry *step_entry(const struct workload *w, struct daily_entry *e,
					     sim_time *key)
{
	*key += DAILY_SLOT_SPAN;
	*key -= *key > w->daily_period ? w->daily_period : 0;
	return e + 1 < w->daily + DAILY_SLOTS ? e + 1 : w->daily;
}
/* The entry after the last read and its key, as rate_at steps there. */
static inline struct daily_entry *next_entry(const struct workload *w, sim_time *key)
{
	*key = w->read_key;
	return step_entry(w, w->read, key);
}
/*
 * A piece's part of a minute entry: its share of 20 s (share_of's values)
 * and, for the first two, its latency sums in their bucket.
 */
static void minute_entry_add(struct minute_entry *me, int i, double lambda, double capacity,
			     const struct slot_piece *sp)
{
	double dt = seconds(DAILY_SLOT_SPAN);
	double served = lambda * dt, gamma = capacity - lambda;
	double waited = sp->erlang * served, wq = sp->erlang / gamma * served;
	uint64_t key = latency_mix_bucket_key(gamma);
	struct minute_bucket *b = &me->b[me->nbuckets > 0 ? me->nbuckets - 1 : 0];
	me->s[i] =
	    (struct share){served, served, 0, waited, wq, sp->cpu_pct * dt, sp->mem_pct * dt, dt};
	me->cpu_pct[i] = sp->cpu_pct;
	me->mem_pct[i] = sp->mem_pct;
	if (i == 2)
		return;
	if (me->nbuckets == 0 || b->key != key) {
		b = &me->b[me->nbuckets++];
		b->key = key;
	}
	b->served += served;
	b->wq += wq;
	b->wc += waited;
	b->wcg += waited * gamma;
}
/*
 * Fills `me` for slots e[0..2] and the open piece's c and capacity; false,
 * leaving it as it was, when a slot has no piece for c, is at capacity or
 * repeats the rate before it (the first one's is checked by the caller).
 */
static bool minute_entry_fill(struct workload *w, struct minute_entry *me,
			      struct daily_entry *const *e)
{
	const struct piece *p = &w->cur;
	const struct slot_piece *sp[3];
	for (int i = 0; i < 3; i++) {
		if (!(e[i]->rps < p->capacity) || (i > 0 && e[i]->rps == e[i - 1]->rps) ||
		    !(sp[i] = slot_piece_of(e[i], p->c)))
			return false;
	}
	memset(me, 0, sizeof(*me));
	me->fill = ++w->fills;
	for (int i = 0; i < 3; i++)
		me->key[i] = e[i]->key;
	me->rps0 = e[0]->rps;
	me->rps2 = e[2]->rps;
	me->c = p->c;
	for (int i = 0; i < 3; i++)
		minute_entry_add(me, i, e[i]->rps, p->capacity, sp[i]);
	me->erlang3 = sp[2]->erlang;
	return true;
}
/*
 * The minute entry of the three slots after the last read (e[0..2]), for
 * the open piece's c and capacity (filled when missing); NULL when a slot
 * is unread, or the minute is not usual (minute_entry_fill), or its first
 * rate is the open piece's. An entry's slots keep their rates while they
 * keep their keys.
 */
static struct minute_entry *minute_entry_of(struct workload *w, struct daily_entry **e)
{
	const struct piece *p = &w->cur;
	sim_time key[3], k = w->read_key;
	struct daily_entry *d = w->read;
	for (int i = 0; i < 3; i++) {
		d = step_entry(w, d, &k);
		e[i] = d;
		key[i] = k;
	}
	struct minute_entry *me = &w->minutes[(size_t)(e[0] - w->daily) / 3];
	/* a kept entry of these keys holds their rates: of the slots, only the
	 * last is read (it becomes the last read) */
	if (me->key[0] == key[0] && me->key[1] == key[1] && me->key[2] == key[2] && me->c == p->c &&
	    e[2]->key == key[2])
		return me->rps0 == p->lambda ? NULL : me;
	if (e[0]->key != key[0] || e[1]->key != key[1] || e[2]->key != key[2] ||
	    e[0]->rps == p->lambda)
		return NULL;
	return minute_entry_fill(w, me, e) ? me : NULL;
}
/*
 * The first two pieces of a minute entry to the run and to the open minute
 * (their +0 drops add nothing: see steady_add_both).
 */
static void minute_entry_put(struct workload *w, const struct minute_entry *me, bool to_minute)
{
	for (int i = 0; i < 2; i++) {
		add_share(&w->totals, &me->s[i], true);
		if (to_minute)
			add_minute_share(&w->minute, &me->s[i]);
	}
	w->minute_touched |= to_minute;
	for (int i = 0; i < me->nbuckets; i++) {
		const struct minute_bucket *b = &me->b[i];
		if (w->minute_latency && to_minute)
			latency_mix_put_sums(w->minute_mix, w->mu, b->key, b->served, b->wq, b->wc,
					     b->wcg);
		latency_mix_put_sums(w->mix, w->mu, b->key, b->served, b->wq, b->wc, b->wcg);
	}
}
/*
 * The three ticks of the minute from t, as workload_advance_ticks does
 * them one by one, the first two pieces summed (minute_entry), to the run
 * and, when `to_minute`, to the open minute (else the entry must hold its
 * minute: has_minute). Returns the entry, or NULL, having done nothing,
 * unless the open piece (the last minute's third) is in the minute's sums
 * and its share kept (run_share), and the minute's slots have an entry.
 */
static struct minute_entry *advance_minute_to(struct workload *w, sim_time t, double *cpu_pct,
					      double *mem_pct, bool to_minute)
{
	struct piece *p = &w->cur;
	struct daily_entry *e[3];
	if (w->flushed != w->end || !w->run_share_ok)
		return NULL;
	struct minute_entry *me = minute_entry_of(w, e);
	if (!me || (!to_minute && !me->has_minute))
		return NULL;
	steady_add_run(w, p, &w->run_share);
	minute_entry_put(w, me, to_minute);
	w->read = e[2];
	w->read_t = t + 2 * DAILY_SLOT_SPAN;
	w->read_key = me->key[2];
	p->lambda = me->rps2;
	p->erlang = me->erlang3;
	p->cpu_pct = me->cpu_pct[2];
	p->mem_pct = me->mem_pct[2];
	w->open_at = w->flushed = t + 2 * DAILY_SLOT_SPAN;
	w->end = t + 3 * DAILY_SLOT_SPAN;
	w->run_share = me->s[2]; /* share_of's, for flush_minute */
	w->run_share_ok = true;
	for (int i = 0; i < 3; i++) {
		cpu_pct[i] = me->cpu_pct[i];
		mem_pct[i] = me->mem_pct[i];
	}
	return me;
}
/* advance_minute_to, the minute's pieces to the run and to the minute. */
static bool advance_minute(struct workload *w, sim_time t, double *cpu_pct, double *mem_pct)
{
	return advance_minute_to(w, t, cpu_pct, mem_pct, true) != NULL;
}
bool workload_has_usual_ticks(const struct workload *w)
{
	return w->minutes != NULL;
}
/* Whether the open piece goes on as usual under `serving` tasks (workload_advance_ticks). */
static inline bool usual_piece(const struct workload *w, long serving)
{
	const struct piece *p = &w->cur;
	return w->minutes && w->open && serving == p->serving && p->c != 0 && !p->dynamic &&
	       !p->overloaded && w->b_lost == 0;
}
/* Whether the tick at t follows the last read as usual (workload_advance_ticks). */
static inline bool usual_tick(const struct workload *w, sim_time t)
{
	return w->read && t - DAILY_SLOT_SPAN == w->read_t && t == w->end && w->end > w->open_at;
}
int workload_advance_ticks(struct workload *w, sim_time t0, int n, long serving, double *cpu_pct,
			   double *mem_pct)
{
	struct piece *p = &w->cur;
	int k = 0;
	if (!usual_piece(w, serving))
		return 0;
	for (sim_time t = t0; k < n; k++, t += DAILY_SLOT_SPAN) {
		sim_time key;
		if (!usual_tick(w, t))
			break;
		if (t % SIM_MIN == 0 && n - k >= 3 &&
		    advance_minute(w, t, cpu_pct + k, mem_pct + k)) {
			k += 2;
			t += 2 * DAILY_SLOT_SPAN;
			continue;
		}
		struct daily_entry *e = next_entry(w, &key);
		if (e->key != key || e->rps == p->lambda || !(e->rps < p->capacity))
			break;
		const struct slot_piece *sp = slot_piece_of(e, p->c);
		if (!sp)
			break;
		if (!steady_close(w))
			break;
		w->read = e;
		w->read_t = t;
		w->read_key = key;
		p->lambda = e->rps;
		p->erlang = sp->erlang;
		p->cpu_pct = cpu_pct[k] = sp->cpu_pct;
		p->mem_pct = mem_pct[k] = sp->mem_pct;
		w->open_at = w->flushed = t;
		w->end = t + DAILY_SLOT_SPAN;
		w->run_share_ok = false;
	}
	return k;
}
static void close_minute(struct workload *w, struct workload_minute *out)
{
	const struct minute_sums *s = &w->minute;
	out->requests = s->requests;
	out->served = s->served;
	out->dropped = s->dropped;
	out->cpu_pct = s->serving_seconds > 0 ? s->cpu_pct_seconds / s->serving_seconds : NAN;
	out->mem_pct = s->serving_seconds > 0 ? s->mem_pct_seconds / s->serving_seconds : NAN;
	out->p95_s =
	    w->minute_latency ? latency_mix_quantile_memo(w->minute_mix, P95, w->p95_memo) : NAN;
	memset(&w->minute, 0, sizeof(w->minute));
	w->minute_touched = false;
	if (w->minute_latency) /* else it is not fed (workload_keep_minute_latency emptied it) */
		latency_mix_reset(w->minute_mix);
}

bool workload_usual_minute(struct workload *w, sim_time t0, long serving, double cpu_pct[3],
			   double mem_pct[3], struct workload_minute *out,
			   struct workload_minute_id *id)
{
	struct minute_entry *me;
	if (t0 % SIM_MIN != 0 || !usual_piece(w, serving) || !usual_tick(w, t0))
		return false;
	/* a minute that starts empty, without its latency, is its entry's
	 * alone: taken once, then only its pieces go to the run */
	bool alone = !w->minute_touched && !w->minute_latency;
	if (alone && (me = advance_minute_to(w, t0, cpu_pct, mem_pct, false))) {
		w->flushed = w->end; /* flush_minute: the kept third share is the minute's */
		*out = me->minute;
	} else if ((me = advance_minute_to(w, t0, cpu_pct, mem_pct, true))) {
		workload_take_minute(w, out);
		if (alone) {
			me->minute = *out;
			me->has_minute = true;
		}
	} else {
		return false;
	}
	id->slot = (int)(me - w->minutes);
	id->fill = alone ? me->fill : 0;
	return true;
}

void workload_take_minute(struct workload *w, struct workload_minute *out)
{
	flush_minute(w);
	close_minute(w, out);
}

void workload_take_minutes(struct workload *w, int64_t n, struct workload_minute *out)
{
	assert(n >= 1 && w->open && !w->minute_touched && w->end - w->flushed == n * SIM_MIN);
	assert(n == 1 || !w->cur.dynamic || w->cur.lambda == w->cur.capacity);
	if (w->cur.dynamic) {
		double a = seconds(w->flushed - w->open_at);
		piece_add_between(w, TO_MINUTE, &w->cur, a, a + seconds(SIM_MIN));
	} else {
		piece_add(w, TO_MINUTE, &w->cur, seconds(SIM_MIN));
	}
	close_minute(w, out);
	w->flushed = w->end;
}

bool workload_minute_empty(const struct workload *w)
{
	return !w->minute_touched && !(w->open && w->end > w->flushed);
}

double workload_lose_inflight(struct workload *w, long serving, sim_time window)
{
	if (serving <= 0 || w->cur.c == 0)
		return 0;
	double b = backlog_now(w), queued = b / (double)serving;
	/* mean busy workers: all of them while a backlog waits */
	double busy = b > 0 ? (double)w->cur.c : fmin(w->cur.lambda, w->cur.capacity) / w->mu;
	double lost = busy / (double)serving * exp(-w->mu * simtime_seconds(window));
	if (lost < 1e-9)
		lost = 0; /* e.g. e^-300 of a request: none, and none printed as 1e-130 */
	if (lost + queued <= 0)
		return 0;
	if (queued > 0) {
		close_interval(w); /* the backlog steps down: a new piece from here */
		w->b_lost += queued;
	} else {
		flush_minute(w); /* the minute's sums in time order, however it is sampled */
	}
	/* they arrived and were counted as served: now they fail */
	served_to_dropped(w, lost + queued);
	return lost + queued;
}

void workload_instant(const struct workload *w, struct workload_instant *out)
{
	const struct piece *p = &w->cur;
	if (p->c == 0) {
		*out = (struct workload_instant){p->lambda, NAN, NAN, p->lambda, NAN};
		return;
	}
	*out = (struct workload_instant){p->lambda, p->cpu_pct, p->mem_pct,
					 p->overloaded ? p->lambda - p->capacity : 0, p->erlang};
	if (w->model->steady_state)
		return;
	double b = backlog_now(w);
	out->dropped_rate = p->overloaded && b >= p->cap ? p->lambda - p->capacity : 0;
	if (b > 0) {
		out->cpu_pct = cap_percent(w->model->cpu_idle_percent + 100);
		out->p_wait = 1;
	}
}

void workload_utilization(const struct workload *w, double *cpu_pct, double *mem_pct)
{
	*cpu_pct = w->cur.cpu_pct;
	*mem_pct = w->cur.mem_pct;
	if (w->cur.dynamic && backlog_now(w) > 0)
		*cpu_pct = cap_percent(w->model->cpu_idle_percent + 100);
}

double workload_backlog(const struct workload *w)
{
	return backlog_now(w);
}

sim_time workload_backlog_change(struct workload *w, sim_time t, long serving)
{
	if (w->model->steady_state || serving <= 0)
		return SIM_TIME_MAX;
	double lambda = workload_rate(w, t), b = backlog_now(w);
	double capacity = (double)(serving * w->model->concurrency) * w->mu;
	double cap = capacity * w->model->timeout_s, slope = lambda - capacity;
	b = b < cap ? b : cap;
	if (!fluid_dynamic(lambda, capacity, b, cap) || slope == 0)
		return SIM_TIME_MAX;
	double te = slope > 0 ? (cap - b) / slope : b / -slope;
	if (te >= seconds(SIM_MIN))
		return t + SIM_MIN;
	sim_time dt = (sim_time)ceil(te * (double)SIM_SEC);
	return t + (dt > 0 ? dt : 1);
}

double workload_instant_p95(const struct workload *w)
{
	if (w->cur.c == 0)
		return NAN;
	double b = w->model->steady_state ? 0 : backlog_now(w);
	if (b > 0)
		return b / w->cur.capacity - log(1 - P95) / w->mu;
	if (w->cur.overloaded && w->model->steady_state)
		return w->model->timeout_s - log(1 - P95) / w->mu;
	if (w->cur.overloaded) /* a backlog that starts from empty */
		return -log(1 - P95) / w->mu;
	return mmc_response_quantile(w->cur.c, w->cur.lambda, w->mu, P95);
}

const struct workload_totals *workload_totals(struct workload *w)
{
	close_interval(w);
	return &w->totals;
}

double workload_latency_quantile(struct workload *w, double q)
{
	close_interval(w);
	return latency_mix_quantile(w->mix, q);
}
