#ifndef SPOTSIM_REQUEST_RATE_H
#define SPOTSIM_REQUEST_RATE_H
/*
 * request_rate — a workload's arrival rate (workload.h: the rate shape times
 * its noise) as the pieces the per-request model draws its arrivals from
 * (per_request.h).
 *
 * Where the rate is piecewise constant (constant, steps, spikes and trace
 * shapes; noise, drawn per period), a piece runs from t to the rate's next
 * change (workload_next_change) with its exact rate. The diurnal shape
 * moves all the time: its pieces are at most one minute long, end at UTC
 * midnight (where a weekly factor jumps) and at the end of a noise period,
 * and are bounded by the largest of the rate at the piece's two ends and at
 * the day's peak when the peak falls inside. Within a day the curve has one
 * maximum, at the peak, so on a stretch without it the rate is largest at
 * an end: the bound holds, and arrivals drawn at it and thinned are exact.
 * The acceptance is above 99.7 % (a minute moves the curve by at most
 * pi / 1440 of its swing).
 */
#include <stdint.h>

#include "spotsim/engine/simtime.h"
#include "spotsim/model/per_request.h"
#include "spotsim/model/workload.h"

struct request_rate {
	struct workload *w;
	const struct rate_shape *shape;
	int64_t start_unix;
};

/*
 * Fills `r` (caller storage). Borrows `w` (for lambda with its noise) and
 * `shape`, the one `w` was made with; start_unix as for workload_new.
 */
void request_rate_init(struct request_rate *r, struct workload *w, const struct rate_shape *shape,
		       int64_t start_unix);

/* The source to give per_request_new; it borrows `r`, which must outlive the model. */
struct per_request_rate request_rate_source(struct request_rate *r);

#endif
