#ifndef SPOTSIM_SPOT_H
#define SPOTSIM_SPOT_H
/*
 * spot — when Fargate Spot takes tasks back, and when it has no capacity
 * (SPEC §4.4). AWS publishes no interruption data for Fargate Spot, so every
 * model here is spotsim's (README "Spot models"); the two-minute notice and
 * what the scheduler does with it live in the service module.
 *
 * Interruption models (several may be combined; each is one entry):
 *   poisson   constant hazard per Spot task: `rate_per_task_hour`, or
 *             `monthly_fraction` p (hazard = -ln(1 - p) / 720 per hour), or an
 *             EC2 Spot-advisor band (<5% 5-10% 10-15% 15-20% >20%, taken as the
 *             monthly fraction at the band's middle: 2.5, 7.5, 12.5, 17.5, 25 %)
 *   weibull   lifetime of a Spot task drawn from Weibull(scale, shape)
 *   waves     reclaim events in a Poisson process (mean_interval); each takes
 *             a fraction or a count of the running Spot tasks at once,
 *             optionally of one availability zone only (per_az, azs), and
 *             optionally leaves no Spot capacity for `shortage` after it
 *   trace     times replayed from a file: a CSV with one time per row (seconds
 *             from the start or a duration), or a SkyPilot preemption trace
 *             (a 1 -> 0 step is a preemption; in a multi-node trace a drop
 *             from a to b takes a - b tasks); each takes `count` tasks
 *             (default 1) or a `fraction`
 *   scripted  times given in the scenario, each with a count (default 1) or
 *             a fraction
 * poisson and weibull are per-task: spot_task_lifetime draws, at the moment
 * a Spot task starts (image pull), how long it may live. waves, trace and
 * scripted are reclaim events: spot_next_reclaim lists them in time order,
 * ties in config order. A hazard of 0 and a wave interval of 0 mean never.
 *
 * Capacity models:
 *   always       Spot capacity is always there (default)
 *   alternating  exponential available / unavailable periods (means given),
 *                starting available; mean_unavailable 0 = always available,
 *                mean_available 0 = never available
 *   trace        a SkyPilot availability trace (a tick with 0 = no capacity
 *                for that tick) or a CSV of start,end unavailable windows
 * `reclaim_running` (any model, default 1) is the share of the running Spot
 * tasks that the service interrupts when capacity runs out (service.h).
 *
 * Randomness: per-task lifetimes from the RNG_INTERRUPTIONS stream, waves
 * (times and choices) from RNG_WAVES, capacity periods from RNG_CAPACITY;
 * so a variant with another strategy sees the same waves and shortages.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "spotsim/util/diag.h"
#include "spotsim/engine/rng.h"
#include "spotsim/engine/simtime.h"

enum interruption_model {
	INTERRUPTION_POISSON,
	INTERRUPTION_WEIBULL,
	INTERRUPTION_WAVES,
	INTERRUPTION_TRACE,
	INTERRUPTION_SCRIPTED,
};

/* One reclaim at a given time: how many running Spot tasks it takes. */
struct reclaim {
	sim_time at;
	long count; /* used when fraction < 0 */
	double
	    fraction; /* of running Spot tasks (rounded to nearest, at least 1 if any run); <0 = use count */
	int az;		   /* -1 = any zone */
	sim_time shortage; /* no Spot capacity for this long after it (waves); 0 = none */
};

/* Plain data, filled by the scenario loader. Owned arrays freed by spot_config_release. */
struct interruption_config {
	enum interruption_model model;
	double hazard_per_hour; /* poisson, already converted */
	sim_time weibull_scale; /* weibull */
	double weibull_shape;
	sim_time wave_interval; /* waves: mean time between waves */
	double wave_fraction;	/* waves: <0 = use wave_count */
	long wave_count;
	sim_time wave_shortage; /* waves: Spot capacity gone this long after each; 0 = none */
	bool per_az;
	int azs;	       /* default 3 */
	struct reclaim *times; /* trace and scripted: sorted by `at` */
	size_t ntimes;
};

enum capacity_model {
	CAPACITY_ALWAYS,
	CAPACITY_ALTERNATING,
	CAPACITY_TRACE
};

struct window {
	sim_time start, end; /* [start, end) with no Spot capacity */
};

struct capacity_config {
	enum capacity_model model;
	double
	    reclaim_running; /* share of PENDING/RUNNING Spot tasks a shortage takes (default 1) */
	sim_time mean_available, mean_unavailable; /* alternating */
	struct window *windows;			   /* trace: sorted, not overlapping (may touch) */
	size_t nwindows;
};

struct fallback_config {
	bool enabled;
	sim_time after;	       /* Spot tasks unplaced this long go to FARGATE */
	sim_time revert_after; /* capacity back this long: move back to Spot */
};

struct spot_config {
	struct interruption_config *interruptions;
	size_t ninterruptions;
	struct capacity_config capacity;
	struct fallback_config fallback;
};

void spot_config_release(struct spot_config *c);

/* Converts an advisor band text to a monthly fraction; false if unknown. */
bool spot_advisor_band(const char *band, double *monthly_fraction);
/* hazard per task-hour for a monthly fraction p in [0, 1). */
double spot_hazard_from_monthly(double p);

/* One replication's Spot behaviour. */
struct spot;

/* Borrows `c` for its lifetime; `horizon` is the end of the simulation. */
struct spot *spot_new(const struct spot_config *c, uint64_t seed, uint64_t replication,
		      sim_time horizon);
void spot_free(struct spot *s);

/* How long a Spot task starting now may live (SIM_TIME_MAX: no per-task model). */
sim_time spot_task_lifetime(struct spot *s);

/* The next reclaim event after the previous one returned; false when none is left before the horizon. */
bool spot_next_reclaim(struct spot *s, struct reclaim *out);

/* Whether Spot capacity exists at t, and when that next changes (SIM_TIME_MAX: never). */
bool spot_capacity_at(struct spot *s, sim_time t, sim_time *next_change);

#endif
