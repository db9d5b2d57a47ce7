/*
 * test_engine — dispatch order, the run-until limit, cancellation, self-
 * rescheduling handlers and stop; the periodic tick against an event that
 * re-arms itself.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include "spotsim/engine/engine.h"

enum {
	EV_LOG,
	EV_TICK,
	EV_CANCELLER,
	EV_STOPPER,
	EV_SPAWN,
	EV_SELF_CANCEL
};

/* What the handlers saw, in order. */
struct log {
	sim_time when[64];
	int64_t arg[64];
	int nr;
	struct event *victim; /* for EV_CANCELLER */
	bool cancelled;
};

static void on_log(struct engine *e, struct event *ev, void *ctx)
{
	struct log *l = ctx;
	assert_int_equal(engine_now(e), ev->time);
	assert_ptr_equal(e->current, ev);
	assert_true(l->nr < 64);
	l->when[l->nr] = e->now;
	l->arg[l->nr++] = ev->arg;
}

static void on_tick(struct engine *e, struct event *ev, void *ctx)
{
	on_log(e, ev, ctx);
	engine_reschedule_after(e, ev, 10 * SIM_SEC);
}

static void on_canceller(struct engine *e, struct event *ev, void *ctx)
{
	struct log *l = ctx;
	on_log(e, ev, ctx);
	l->cancelled = engine_cancel(e, l->victim);
}

static void on_stopper(struct engine *e, struct event *ev, void *ctx)
{
	on_log(e, ev, ctx);
	engine_stop(e);
}

/* Schedules a follow-up at the same time: it must run after events already due now. */
static void on_spawn(struct engine *e, struct event *ev, void *ctx)
{
	on_log(e, ev, ctx);
	engine_after(e, 0, EV_LOG, NULL, ev->arg + 100);
}

/* Re-arms itself, then thinks better of it. */
static void on_self_cancel(struct engine *e, struct event *ev, void *ctx)
{
	on_log(e, ev, ctx);
	engine_reschedule_after(e, ev, SIM_SEC);
	assert_true(engine_cancel(e, ev));
	assert_false(engine_cancel(e, ev));
}

static void setup_engine(struct engine *e, struct log *l)
{
	*l = (struct log){0};
	engine_init(e);
	engine_on(e, EV_LOG, on_log, l);
	engine_on(e, EV_TICK, on_tick, l);
	engine_on(e, EV_CANCELLER, on_canceller, l);
	engine_on(e, EV_STOPPER, on_stopper, l);
	engine_on(e, EV_SPAWN, on_spawn, l);
	engine_on(e, EV_SELF_CANCEL, on_self_cancel, l);
}

static void test_dispatch_order(void **state)
{
	struct engine e;
	struct log l;
	(void)state;

	setup_engine(&e, &l);
	engine_at(&e, 30, EV_LOG, NULL, 3);
	engine_at(&e, 10, EV_LOG, NULL, 1);
	engine_at(&e, 20, EV_SPAWN, NULL, 2);
	engine_at(&e, 20, EV_LOG, NULL, 22); /* scheduled before the spawn's follow-up */
	engine_at(&e, 0, EV_LOG, NULL, 0);
	assert_false(engine_run(&e, 100));

	const int64_t want_arg[] = {0, 1, 2, 22, 102, 3};
	const sim_time want_when[] = {0, 10, 20, 20, 20, 30};
	assert_int_equal(l.nr, 6);
	for (int i = 0; i < 6; i++) {
		assert_int_equal(l.arg[i], want_arg[i]);
		assert_int_equal(l.when[i], want_when[i]);
	}
	assert_int_equal(e.dispatched, 6);
	assert_int_equal(engine_pending(&e), 0);
	engine_release(&e);
}

static void test_run_until_limit(void **state)
{
	struct engine e;
	struct log l;
	(void)state;

	setup_engine(&e, &l);
	engine_at(&e, 5 * SIM_SEC, EV_LOG, NULL, 1);
	engine_at(&e, 10 * SIM_SEC, EV_LOG, NULL, 2); /* exactly at the limit: runs */
	engine_at(&e, 10 * SIM_SEC + 1, EV_LOG, NULL, 3);
	assert_false(engine_run(&e, 10 * SIM_SEC));
	assert_int_equal(l.nr, 2);
	assert_int_equal(engine_now(&e), 10 * SIM_SEC);
	assert_int_equal(engine_pending(&e), 1);

	/* after: relative to the new clock */
	engine_after(&e, SIM_SEC, EV_LOG, NULL, 4);
	assert_false(engine_run(&e, 20 * SIM_SEC));
	assert_int_equal(l.nr, 4);
	assert_int_equal(l.arg[2], 3);
	assert_int_equal(l.when[3], 11 * SIM_SEC);
	assert_int_equal(engine_now(&e),
			 20 * SIM_SEC); /* empty calendar: clock ends at the limit */

	assert_false(engine_run(&e, 20 * SIM_SEC)); /* a zero-length run is fine */
	assert_int_equal(l.nr, 4);
	engine_release(&e);
}

static void test_cancel(void **state)
{
	struct engine e;
	struct log l;
	(void)state;

	setup_engine(&e, &l);
	struct event *doomed = engine_at(&e, 50, EV_LOG, NULL, 1);
	engine_at(&e, 60, EV_LOG, NULL, 2);
	assert_true(engine_cancel(&e, doomed));
	assert_int_equal(engine_pending(&e), 1);

	/* due at the same time as the canceller but scheduled after it: still pending */
	engine_at(&e, 40, EV_CANCELLER, NULL, 4);
	l.victim = engine_at(&e, 40, EV_LOG, NULL, 3);
	engine_at(&e, 45, EV_SELF_CANCEL, NULL, 5);
	assert_false(engine_run(&e, 100));

	assert_true(l.cancelled);
	assert_int_equal(l.nr, 3);
	assert_int_equal(l.arg[0], 4);
	assert_int_equal(l.arg[1], 5);
	assert_int_equal(l.arg[2], 2);
	assert_int_equal(engine_pending(&e), 0);
	assert_int_equal(e.dispatched, 3);
	engine_release(&e);
}

static void test_periodic_timer_reuses_its_event(void **state)
{
	struct engine e;
	struct log l;
	(void)state;

	setup_engine(&e, &l);
	struct event *tick = engine_at(&e, 0, EV_TICK, NULL, 0);
	assert_false(engine_run(&e, 55 * SIM_SEC));
	assert_int_equal(l.nr, 6); /* 0, 10, ..., 50 s */
	assert_int_equal(l.when[5], 50 * SIM_SEC);
	assert_int_equal(engine_pending(&e), 1);
	assert_ptr_equal(evq_peek(&e.q), tick); /* the same event, re-armed */
	assert_int_equal(tick->time, 60 * SIM_SEC);

	size_t allocations = e.q.allocations;
	l.nr = 0;
	for (int i = 0; i < 100; i++) {
		engine_after(&e, SIM_SEC, EV_LOG, NULL, i);
		assert_false(engine_run(&e, engine_now(&e) + 2 * SIM_SEC));
		l.nr = 0;
	}
	assert_int_equal(e.q.allocations, allocations); /* fired events went back to the pool */
	assert_true(engine_cancel(&e, tick));
	engine_release(&e);
}

static void test_stop(void **state)
{
	struct engine e;
	struct log l;
	(void)state;

	setup_engine(&e, &l);
	engine_at(&e, 10, EV_LOG, NULL, 1);
	engine_at(&e, 30, EV_STOPPER, NULL, 2);
	engine_at(&e, 30, EV_LOG, NULL, 3);
	engine_at(&e, 40, EV_LOG, NULL, 4);
	assert_true(engine_run(&e, 100));
	assert_int_equal(engine_now(&e), 30);
	assert_int_equal(l.nr, 2);
	assert_int_equal(engine_pending(&e), 2);

	assert_false(engine_run(&e, 100)); /* the stop flag does not stick */
	assert_int_equal(l.nr, 4);
	assert_int_equal(l.arg[2], 3);
	assert_int_equal(engine_now(&e), 100);
	engine_release(&e);
}

static void test_release_with_pending_events(void **state)
{
	struct engine e;
	struct log l;
	(void)state;

	setup_engine(&e, &l);
	for (int i = 0; i < 1000; i++)
		engine_at(&e, i, EV_LOG, NULL, i);
	engine_release(&e); /* valgrind: nothing leaks */
	assert_int_equal(engine_pending(&e), 0);
	assert_int_equal(engine_now(&e), 0);
}

/* ---- the periodic tick against a self-rescheduling event ---- */

#define TICK_PERIOD 20
#define MAX_STEPS   4000

enum {
	EV_RANDOM = 10,
	EV_HEAP_TICK
};

/*
 * A model that schedules at random, on and off the tick's grid, from its
 * events and from its tick. Run once with the tick as a calendar event that
 * re-arms itself at the end of its handler and once with engine_tick_start,
 * it must make the same draws in the same order and log the same steps.
 * The tick's code runs at every `every`-th tick (never when every is 0);
 * events log the ticks passed so far.
 */
struct tick_model {
	uint64_t lcg;
	bool heap_tick;
	bool run_on; /* the tick's code goes on to the next tick (engine_tick_next) */
	int64_t every;
	int runs_on; /* ticks done that way */
	int nr;
	int64_t step[MAX_STEPS]; /* time * 8 + what, and the tick counts seen by events */
	int64_t heap_ticks;	 /* ticks passed, when the tick is an event */
};

static int64_t draw(struct tick_model *m, int64_t n)
{
	m->lcg = m->lcg * 6364136223846793005ULL + 1442695040888963407ULL;
	return (int64_t)((m->lcg >> 33) % (uint64_t)n);
}

/* 0 to 2 new events (0.75 on average): now, on the grid, or anywhere soon. */
static void spawn(struct engine *e, struct tick_model *m)
{
	for (int64_t k = draw(m, 4) - 1; k > 0; k--) {
		int64_t how = draw(m, 3);
		sim_time at = how == 0	 ? e->now
			      : how == 1 ? (e->now / TICK_PERIOD + 1 + draw(m, 3)) * TICK_PERIOD
					 : e->now + draw(m, 70);
		engine_at(e, at, EV_RANDOM, NULL, 0);
	}
}

static void log_step(struct tick_model *m, int64_t v)
{
	assert_true(m->nr < MAX_STEPS);
	m->step[m->nr++] = v;
}

static void on_random(struct engine *e, struct event *ev, void *ctx)
{
	struct tick_model *m = ctx;
	(void)ev;
	log_step(m, e->now * 8 + 1);
	log_step(m, m->heap_tick ? m->heap_ticks : engine_ticks(e));
	spawn(e, m);
}

/* The tick's code; with the event-driven tick, only at the ticks it is due. */
static void model_tick(struct engine *e, struct tick_model *m)
{
	log_step(m, e->now * 8 + 2);
	spawn(e, m);
}

static void on_heap_tick(struct engine *e, struct event *ev, void *ctx)
{
	struct tick_model *m = ctx;
	m->heap_ticks++;
	if (m->every && m->heap_ticks % m->every == 0)
		model_tick(e, m);
	engine_reschedule_after(e, ev, TICK_PERIOD);
}

static void on_engine_tick(struct engine *e, void *ctx)
{
	struct tick_model *m = ctx;
	for (;;) {
		assert_int_equal(engine_ticks(e) % m->every, 0);
		model_tick(e, m);
		if (!m->run_on || !engine_tick_next(e))
			break;
		m->runs_on++;
	}
}

static void run_tick_model(struct tick_model *m, uint64_t seed, bool heap_tick, int64_t every,
			   bool run_on)
{
	struct engine e;
	*m = (struct tick_model){
	    .lcg = seed, .heap_tick = heap_tick, .run_on = run_on, .every = every};
	engine_init(&e);
	engine_on(&e, EV_RANDOM, on_random, m);
	engine_on(&e, EV_HEAP_TICK, on_heap_tick, m);
	for (int i = 0; i < 60; i++) /* half on the tick's grid */
		engine_at(&e, i % 2 ? draw(m, 150) * TICK_PERIOD : draw(m, 3000), EV_RANDOM, NULL,
			  0);
	if (heap_tick)
		engine_at(&e, TICK_PERIOD, EV_HEAP_TICK, NULL, 0);
	else
		engine_tick_start(&e, TICK_PERIOD, TICK_PERIOD, every ? every : 1,
				  every ? on_engine_tick : NULL, m);
	assert_false(engine_run(&e, 3000));
	log_step(m, heap_tick ? m->heap_ticks : engine_ticks(&e));
	engine_release(&e);
}

/*
 * The tick's code at every tick, at every third, or never (silent): the
 * same steps and tick counts as with the event-driven tick.
 */
static void test_tick_orders_like_an_event(void **state)
{
	(void)state;
	static struct tick_model a, b;
	const int64_t every[] = {1, 3, 0};
	for (size_t k = 0; k < 3; k++) {
		for (uint64_t seed = 1; seed <= 50; seed++) {
			run_tick_model(&a, seed, true, every[k], false);
			run_tick_model(&b, seed, false, every[k], false);
			assert_true(a.nr > 100); /* many events, many at a tick's time */
			assert_int_equal(a.nr, b.nr);
			assert_memory_equal(a.step, b.step, (size_t)a.nr * sizeof(a.step[0]));
			assert_int_equal(b.step[b.nr - 1], 3000 / TICK_PERIOD); /* 20, ..., 3000 */
		}
	}
}

/*
 * The tick's code going on to the next tick itself while no event comes
 * first (engine_tick_next): the same steps and tick counts again, the run's
 * end included.
 */
static void test_tick_runs_on_like_an_event(void **state)
{
	(void)state;
	static struct tick_model a, b;
	const int64_t every[] = {1, 3};
	int runs_on = 0;
	for (size_t k = 0; k < 2; k++) {
		for (uint64_t seed = 1; seed <= 50; seed++) {
			run_tick_model(&a, seed, true, every[k], false);
			run_tick_model(&b, seed, false, every[k], true);
			assert_int_equal(a.nr, b.nr);
			assert_memory_equal(a.step, b.step, (size_t)a.nr * sizeof(a.step[0]));
			runs_on += b.runs_on;
		}
	}
	assert_true(runs_on > 100); /* the model leaves gaps between events */
}

static void on_tick_stopper(struct engine *e, void *ctx)
{
	int *n = ctx;
	if (++*n == 3)
		engine_stop(e);
}

/* Stops at its third call and would otherwise go on to the next tick (engine_tick_next). */
static void on_tick_running_on_stopper(struct engine *e, void *ctx)
{
	int *n = ctx;
	do {
		if (++*n == 3)
			engine_stop(e);
	} while (engine_tick_next(e));
}

/* A tick that goes on by itself stops when it stops the run, as one that returns does. */
static void test_tick_running_on_stops(void **state)
{
	struct engine e;
	int n = 0;
	(void)state;
	engine_init(&e);
	engine_tick_start(&e, 10, 10, 1, on_tick_running_on_stopper, &n);
	assert_true(engine_run(&e, 100));
	assert_int_equal(n, 3);
	assert_int_equal(engine_now(&e), 30);
	assert_int_equal(engine_ticks(&e), 3);
	assert_false(engine_run(&e, 100)); /* and goes on to the end of the next run, no further */
	assert_int_equal(n, 10);
	assert_int_equal(engine_now(&e), 100);
	assert_int_equal(engine_ticks(&e), 10);
	engine_release(&e);
}

/* A tick may stop the run; the clock stays at its time and the next run goes on. */
static void test_tick_stop(void **state)
{
	struct engine e;
	struct log l;
	int n = 0;
	(void)state;

	setup_engine(&e, &l);
	engine_at(&e, 35, EV_LOG, NULL, 1);
	engine_tick_start(&e, 10, 10, 1, on_tick_stopper, &n);
	assert_true(engine_run(&e, 100));
	assert_int_equal(engine_now(&e), 30);
	assert_int_equal(engine_ticks(&e), 3);
	assert_int_equal(l.nr, 0);
	assert_false(engine_run(&e, 100));
	assert_int_equal(l.nr, 1);
	assert_int_equal(n, 10);
	assert_int_equal(engine_now(&e), 100);
	assert_int_equal(e.dispatched, 1); /* ticks are not calendar events */
	engine_release(&e);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_dispatch_order),
	    cmocka_unit_test(test_run_until_limit),
	    cmocka_unit_test(test_cancel),
	    cmocka_unit_test(test_periodic_timer_reuses_its_event),
	    cmocka_unit_test(test_stop),
	    cmocka_unit_test(test_release_with_pending_events),
	    cmocka_unit_test(test_tick_orders_like_an_event),
	    cmocka_unit_test(test_tick_runs_on_like_an_event),
	    cmocka_unit_test(test_tick_stop),
	    cmocka_unit_test(test_tick_running_on_stops),
	};
	return cmocka_run_group_tests_name("engine", tests, NULL, NULL);
}
