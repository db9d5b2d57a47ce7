#ifndef SPOTSIM_ENGINE_H
#define SPOTSIM_ENGINE_H
/*
 * engine — the simulation clock, its event calendar and dispatch.
 *
 * The engine knows nothing about AWS. The model registers one handler per
 * event type (a small non-negative int it chooses) and schedules events;
 * engine_run pops them in (time, scheduling order) and calls the handler
 * of each, with the clock set to the event's time.
 *
 * Event life cycle and ownership. engine_at and engine_after take an event
 * from the calendar's pool and schedule it; the returned pointer is
 * borrowed, for cancelling or rescheduling it later. The engine owns every
 * event:
 *
 *   - pending: in the calendar until it fires or is cancelled;
 *   - firing: engine_run pops it and passes it to its handler. When the
 *     handler returns, the event goes back to the pool unless the handler
 *     rescheduled it (engine_reschedule_*: a periodic timer re-arms itself
 *     this way, without allocating);
 *   - cancelled: engine_cancel returns it to the pool at once.
 *
 * A pointer to an event is therefore valid only while the event is
 * pending, or during its own handler. Code that keeps a pointer to a
 * pending event (a task's stop timer, say) must forget it when the event
 * fires or is cancelled.
 *
 * Scheduling before `now` is a programming error and fails an assert;
 * scheduling at `now` is allowed and runs after the events already due now.
 *
 *     struct engine e;
 *     engine_init(&e);
 *     engine_on(&e, EV_ARRIVAL, on_arrival, model);
 *     engine_after(&e, 0, EV_ARRIVAL, NULL, 0);
 *     engine_run(&e, 30 * SIM_DAY);
 *     engine_release(&e);
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "spotsim/engine/evq.h"
#include "spotsim/engine/simtime.h"

struct engine;

/* Handles one event; `ctx` is the pointer given to engine_on. */
typedef void (*engine_handler_fn)(struct engine *e, struct event *ev, void *ctx);

/* Handles one periodic tick (see engine_tick_start); the clock is at the tick's time. */
typedef void (*engine_tick_fn)(struct engine *e, void *ctx);

/*
 * The periodic tick: due at `next`, then every `period`. An event at the
 * same time runs before the tick when its seq is below `mark` (it was
 * scheduled before the previous tick passed), after it otherwise.
 */
struct engine_tick {
	sim_time next; /* SIM_TIME_MAX: no tick */
	sim_time period;
	uint64_t mark;
	int64_t count;	/* ticks passed */
	int64_t every;	/* fn runs at ticks every, 2 every, ...; the others are silent */
	int64_t due_in; /* ticks up to and including the next that runs fn */
	engine_tick_fn fn;
	void *ctx;
};

struct engine_handler {
	engine_handler_fn fn;
	void *ctx;
};

struct engine {
	sim_time now;			 /* the clock: the time of the event being handled */
	struct evq q;			 /* pending events */
	struct engine_handler *handlers; /* indexed by event type, owned */
	size_t nr_handlers;
	struct event *current; /* the event whose handler is running, or NULL */
	bool stop;	       /* set by engine_stop, cleared by engine_run */
	uint64_t dispatched;   /* events handled so far */
	uint64_t pushed;       /* 1 + the seq of the latest event scheduled */
	sim_time until;	       /* of the engine_run in progress */
	struct engine_tick tick;
};

/* Prepares an engine at time 0 with an empty calendar and no handlers. */
void engine_init(struct engine *e);

/* Frees the calendar, every event and the handler table; `e` can be initialised again. */
void engine_release(struct engine *e);

/*
 * Registers `fn` (with `ctx`, borrowed) as the handler of events of `type`
 * (>= 0), replacing any earlier one.
 */
void engine_on(struct engine *e, int type, engine_handler_fn fn, void *ctx);

/*
 * Schedules a new event of `type` with payload (data, arg) at absolute
 * time `t` >= now. Returns the event, borrowed (see above).
 */
struct event *engine_at(struct engine *e, sim_time t, int type, void *data, int64_t arg);

/* Same as engine_at(e, e->now + delay, ...); delay >= 0. */
struct event *engine_after(struct engine *e, sim_time delay, int type, void *data, int64_t arg);

/*
 * Moves `ev` to time `t` >= now. `ev` is pending, or is the event being
 * handled (which then stays in the calendar instead of returning to the
 * pool). Like a new scheduling, it runs after events already due at `t`.
 */
void engine_reschedule_at(struct engine *e, struct event *ev, sim_time t);

/* Same as engine_reschedule_at(e, ev, e->now + delay); delay >= 0. */
void engine_reschedule_after(struct engine *e, struct event *ev, sim_time delay);

/*
 * Cancels a pending event: it will not fire and returns to the pool (for
 * the event being handled, once its handler returns). Returns whether it
 * was pending; an event that is not pending is left alone.
 */
bool engine_cancel(struct engine *e, struct event *ev);

/*
 * Handles events in order until none is due at or before `until`
 * (>= now), or until a handler calls engine_stop. Events due exactly at
 * `until` run. Returns true when stopped by engine_stop, with the clock at
 * the stopping event's time; otherwise the clock ends at `until`.
 */
bool engine_run(struct engine *e, sim_time until);

/* Makes engine_run return after the current handler. */
void engine_stop(struct engine *e);

/*
 * Starts a periodic tick beside the calendar: due at `first` (>= now), then
 * every `period` (> 0), for the rest of the run; a second call replaces
 * the tick. It takes no room in the calendar and costs no calendar work,
 * yet it is ordered against events exactly as one event that re-arms itself
 * at the end of its handler: at equal times it runs after the events
 * scheduled before the previous tick passed (before engine_tick_start, for
 * the first), and before those scheduled later.
 *
 * With `fn`, engine_run calls fn(e, ctx) at every `every`-th tick (>= 1:
 * the every-th, the 2 every-th, ...), with the clock at the tick's time; fn
 * may schedule, cancel and stop as a handler may. The other ticks, and all
 * of them when fn is NULL, are silent: they are only counted
 * (engine_ticks), and any number of them passes between two events in
 * constant time. A silent tick lets a caller that accounts lazily tell,
 * inside a handler at time t, whether the tick due at t has passed.
 */
void engine_tick_start(struct engine *e, sim_time first, sim_time period, int64_t every,
		       engine_tick_fn fn, void *ctx);

/*
 * Only from the tick's fn: when the next tick that runs fn comes before
 * every pending event and by the `until` of the engine_run in progress,
 * passes the ticks up to it as engine_run would and sets the clock to its
 * time, for fn to do that tick's work now instead of returning and being
 * called again (a run of quiet minutes in one call). Returns false, having
 * done nothing, otherwise (an event due by then, even at that time, or
 * engine_stop called).
 */
bool engine_tick_next(struct engine *e);

/* Ticks passed so far (during fn: counting the one being handled). */
static inline int64_t engine_ticks(const struct engine *e)
{
	return e->tick.count;
}

/* The current simulated time. */
static inline sim_time engine_now(const struct engine *e)
{
	return e->now;
}

/* Number of pending events. */
static inline size_t engine_pending(const struct engine *e)
{
	return evq_size(&e->q);
}

#endif
