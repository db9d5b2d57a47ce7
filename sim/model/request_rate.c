/*
 * request_rate — pieces of a workload's arrival rate (see request_rate.h).
 *
 * The rate is read in non-decreasing time within a piece's noise period
 * only: the piece's start, the peak, the piece's last microsecond, then
 * the thinning's candidates, all inside one noise period, so the workload
 * never redraws its noise stream.
 */
#include "spotsim/model/request_rate.h"

#define PIECE SIM_MIN /* longest piece of a moving rate */
#define SLACK 1e-9    /* relative margin on a bound, against rounding in cos */

void request_rate_init(struct request_rate *r, struct workload *w, const struct rate_shape *shape,
		       int64_t start_unix)
{
	r->w = w;
	r->shape = shape;
	r->start_unix = start_unix;
}

static sim_time day_of(sim_time abs_t)
{
	sim_time mod = abs_t % SIM_DAY;
	return abs_t - (mod < 0 ? mod + SIM_DAY : mod);
}

static sim_time min_time(sim_time a, sim_time b)
{
	return a < b ? a : b;
}

/* The end of a diurnal piece from t: a minute, midnight UTC or the noise period, if sooner. */
static sim_time moving_end(const struct request_rate *r, sim_time t)
{
	sim_time origin = r->start_unix * SIM_SEC;
	sim_time end = min_time(t + PIECE, day_of(origin + t) + SIM_DAY - origin);
	if (r->shape->noise_sd > 0) {
		sim_time period = r->shape->noise_period > 0 ? r->shape->noise_period : SIM_MIN;
		end = min_time(end, ((t > 0 ? t / period : 0) + 1) * period);
	}
	return end;
}

static void piece(void *ctx, sim_time t, struct per_request_piece *out)
{
	struct request_rate *r = ctx;
	double lambda = workload_rate(r->w, t);
	if (r->shape->kind != RATE_DIURNAL) {
		*out = (struct per_request_piece){workload_next_change(r->w, t), lambda, true};
		return;
	}
	sim_time end = moving_end(r, t), origin = r->start_unix * SIM_SEC;
	sim_time peak = day_of(origin + t) + r->shape->peak - origin;
	double bound = lambda;
	if (peak > t && peak < end - 1) {
		double v = workload_rate(r->w, peak);
		bound = v > bound ? v : bound;
	}
	double last = workload_rate(r->w, end - 1);
	bound = last > bound ? last : bound;
	*out = (struct per_request_piece){end, bound * (1 + SLACK), false};
}

static double at(void *ctx, sim_time t)
{
	struct request_rate *r = ctx;
	return workload_rate(r->w, t);
}

struct per_request_rate request_rate_source(struct request_rate *r)
{
	return (struct per_request_rate){r, piece, at};
}
