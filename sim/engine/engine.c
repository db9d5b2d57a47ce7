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

bool engine_run(struct engine *e, sim_time until)
{
	struct event *ev;

	assert(until >= e->now);
	e->stop = false;
	while ((ev = evq_peek(&e->q)) && ev->time <= until) {
		evq_pop(&e->q);
		dispatch(e, ev);
		if (e->stop)
			return true;
	}
	e->now = until;
	return false;
}

void engine_stop(struct engine *e)
{
	e->stop = true;
}
