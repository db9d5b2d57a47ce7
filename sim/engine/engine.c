/*
 * engine — clock, calendar and dispatch (see engine.h).
 *
 * Representation: the calendar (evq) owns every event; the handler table
 * is a dense array indexed by event type, grown on registration.
 *
 * Invariants:
 *   now never decreases; every pending event has time >= now;
 *   `current` is the event whose handler is running (NULL between
 *   events). It is out of the calendar unless the handler rescheduled it,
 *   and it is returned to the pool only after the handler, so a handler
 *   may reschedule or cancel its own event without a dangling pointer.
 *
 * The tick. An event that re-arms itself at the end of its handler takes
 * the calendar's next seq at that moment; every event scheduled earlier
 * has a smaller seq, every later one a larger. The tick keeps that number
 * as `mark` (the engine sees every scheduling, so `pushed` is always the
 * next seq) and, before each event, passes the ticks that such an event
 * would have run first: those due earlier, and the one due at the same
 * time when the event's seq is at least `mark`. Silent ticks between two
 * events pass at once, with the same mark, as no code runs between them.
 */
#include "spotsim/engine/engine.h"

#include "spotsim/util/xalloc.h"

#include <assert.h>
#include <stdlib.h>
#include <string.h>

void engine_init(struct engine *e)
{
	e->now = 0;
	evq_init(&e->q);
	e->handlers = NULL;
	e->nr_handlers = 0;
	e->current = NULL;
	e->stop = false;
	e->dispatched = 0;
	e->pushed = 0;
	e->until = 0;
	e->tick = (struct engine_tick){SIM_TIME_MAX, 0, 0, 0, 1, 1, NULL, NULL};
}

void engine_release(struct engine *e)
{
	evq_release(&e->q);
	free(e->handlers);
	engine_init(e);
}

void engine_on(struct engine *e, int type, engine_handler_fn fn, void *ctx)
{
	assert(type >= 0);
	size_t want = (size_t)type + 1;
	if (want > e->nr_handlers) {
		e->handlers = xrealloc(e->handlers, want * sizeof(*e->handlers));
		memset(e->handlers + e->nr_handlers, 0,
		       (want - e->nr_handlers) * sizeof(*e->handlers));
		e->nr_handlers = want;
	}
	e->handlers[type] = (struct engine_handler){fn, ctx};
}

struct event *engine_at(struct engine *e, sim_time t, int type, void *data, int64_t arg)
{
	assert(t >= e->now);
	struct event *ev = evq_event_new(&e->q);
	ev->type = type;
	ev->data = data;
	ev->arg = arg;
	evq_push(&e->q, ev, t);
	e->pushed = ev->seq + 1;
	return ev;
}

struct event *engine_after(struct engine *e, sim_time delay, int type, void *data, int64_t arg)
{
	assert(delay >= 0);
	return engine_at(e, e->now + delay, type, data, arg);
}

void engine_reschedule_at(struct engine *e, struct event *ev, sim_time t)
{
	assert(t >= e->now);
	assert(evq_pending(ev) || ev == e->current);
	evq_reschedule(&e->q, ev, t);
	e->pushed = ev->seq + 1;
}

void engine_reschedule_after(struct engine *e, struct event *ev, sim_time delay)
{
	assert(delay >= 0);
	engine_reschedule_at(e, ev, e->now + delay);
}

bool engine_cancel(struct engine *e, struct event *ev)
{
	if (!evq_pending(ev))
		return false;
	if (ev == e->current)
		evq_cancel(&e->q, ev); /* dispatch frees it when the handler returns */
	else
		evq_event_free(&e->q, ev);
	return true;
}

static void dispatch(struct engine *e, struct event *ev)
{
	assert(ev->type >= 0 && (size_t)ev->type < e->nr_handlers);
	const struct engine_handler *h = &e->handlers[ev->type];
	assert(h->fn);

	e->now = ev->time;
	e->current = ev;
	h->fn(e, ev, h->ctx);
	e->current = NULL;
	e->dispatched++;
	if (!evq_pending(ev))
		evq_event_free(&e->q, ev);
}

/* Whether the tick is due before `ev` (NULL: no event is due by `until`). */
static bool tick_first(const struct engine_tick *k, const struct event *ev, sim_time until)
{
	if (k->period <= 0)
		return false;
	if (!ev)
		return k->next <= until;
	return k->next < ev->time || (k->next == ev->time && ev->seq >= k->mark);
}

/* Whether the next tick runs fn. */
static bool tick_calls(const struct engine_tick *k)
{
	return k->fn && k->due_in == 1;
}

/*
 * Passes the silent ticks due before `ev` (or up to `until`), up to the
 * next that runs fn. A tick due with ev passes first only when it is the
 * next one: after earlier ticks pass now, the mark is above ev's seq, so
 * ev comes first.
 */
static void tick_skip(struct engine *e, const struct event *ev, sim_time until)
{
	struct engine_tick *k = &e->tick;
	int64_t n;
	if (!ev)
		n = (until - k->next) / k->period + 1;
	else if (k->next == ev->time)
		n = ev->seq >= k->mark;
	else
		n = (ev->time - 1 - k->next) / k->period + 1;
	if (k->fn) {
		n = n < k->due_in - 1 ? n : k->due_in - 1;
		k->due_in -= n;
	}
	assert(n > 0); /* tick_first said a silent tick is due */
	k->count += n;
	k->next += n * k->period;
	k->mark = e->pushed;
}

/* Runs the tick with a function, due now. */
static void tick_run(struct engine *e)
{
	struct engine_tick *k = &e->tick;
	k->count++;
	k->due_in = k->every;
	e->now = k->next;
	k->fn(e, k->ctx);
	k->next += k->period;
	k->mark = e->pushed;
}

bool engine_tick_next(struct engine *e)
{
	struct engine_tick *k = &e->tick;
	assert(k->fn && e->now == k->next && k->due_in == k->every); /* inside tick_run */
	if (e->stop || k->next > e->until - k->every * k->period)
		return false;
	sim_time at = k->next + k->every * k->period;
	const struct event *ev = evq_peek(&e->q);
	if (ev && ev->time <= at)
		return false; /* at its time an event scheduled before comes first */
	/* the rest of tick_run, tick_skip over the silent ticks, tick_run's start */
	k->count += k->every;
	k->next = at;
	k->mark = e->pushed;
	e->now = at;
	return true;
}

bool engine_run(struct engine *e, sim_time until)
{
	struct event *ev;

	assert(until >= e->now);
	e->stop = false;
	e->until = until;
	for (;;) {
		ev = evq_peek(&e->q);
		if (ev && ev->time > until)
			ev = NULL;
		if (tick_first(&e->tick, ev, until)) {
			if (tick_calls(&e->tick)) {
				tick_run(e);
				if (e->stop)
					return true;
			} else {
				tick_skip(e, ev, until);
			}
			continue;
		}
		if (!ev)
			break;
		evq_pop(&e->q);
		dispatch(e, ev);
		if (e->stop)
			return true;
	}
	e->now = until;
	return false;
}

void engine_tick_start(struct engine *e, sim_time first, sim_time period, int64_t every,
		       engine_tick_fn fn, void *ctx)
{
	assert(first >= e->now && period > 0 && every >= 1);
	e->tick = (struct engine_tick){first, period, e->pushed, 0, every, every, fn, ctx};
}

void engine_stop(struct engine *e)
{
	e->stop = true;
}
