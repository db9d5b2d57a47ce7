/*
 * test_evq — the event calendar: scripted cases, a randomized comparison
 * against a simple oracle, and the pool's promise not to allocate.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include "spotsim/engine/evq.h"

#include <string.h>

/* ---- scripted cases ---- */

enum op {
	PUSH,
	POP,
	CANCEL,
	RESCHEDULE,
	PEEK,
	SIZE,
	FREE,
	END
};

/*
 * One step of a script. Events are named by small ids; `want` is the id
 * expected from POP/PEEK (-1: none), the result of CANCEL (0/1), the
 * size for SIZE.
 */
struct step {
	enum op op;
	int id;
	sim_time t;
	int want;
};

struct script {
	const char *name;
	struct step steps[24];
};

#define MAX_IDS 8

/* clang-format off */
static const struct script scripts[] = {
	{"ordered by time", {
		{PUSH, 0, 30, 0}, {PUSH, 1, 10, 0}, {PUSH, 2, 20, 0}, {POP, 0, 0, 1},
		{POP, 0, 0, 2}, {POP, 0, 0, 0}, {POP, 0, 0, -1}, {END, 0, 0, 0}}},
	{"same time runs in push order", {
		{PUSH, 3, 5, 0}, {PUSH, 1, 5, 0}, {PUSH, 4, 5, 0}, {PUSH, 0, 4, 0},
		{PUSH, 2, 5, 0}, {POP, 0, 0, 0}, {POP, 0, 0, 3}, {POP, 0, 0, 1}, {POP, 0, 0, 4},
		{POP, 0, 0, 2}, {END, 0, 0, 0}}},
	{"cancel the head", {
		{PUSH, 0, 1, 0}, {PUSH, 1, 2, 0}, {PUSH, 2, 3, 0}, {PEEK, 0, 0, 0},
		{CANCEL, 0, 0, 1}, {PEEK, 0, 0, 1}, {SIZE, 0, 0, 2}, {POP, 0, 0, 1},
		{POP, 0, 0, 2}, {POP, 0, 0, -1}, {END, 0, 0, 0}}},
	{"cancel a middle event", {
		{PUSH, 0, 1, 0}, {PUSH, 1, 2, 0}, {PUSH, 2, 3, 0}, {PUSH, 3, 4, 0},
		{PUSH, 4, 5, 0}, {CANCEL, 2, 0, 1}, {POP, 0, 0, 0}, {POP, 0, 0, 1},
		{POP, 0, 0, 3}, {POP, 0, 0, 4}, {POP, 0, 0, -1}, {END, 0, 0, 0}}},
	{"cancel the latest event, then a middle one", {
		{PUSH, 0, 9, 0}, {PUSH, 1, 1, 0}, {PUSH, 2, 5, 0}, {PUSH, 3, 3, 0},
		{PUSH, 4, 2, 0}, {PUSH, 5, 7, 0},
		{CANCEL, 0, 0, 1}, {CANCEL, 5, 0, 1}, {SIZE, 0, 0, 4}, {POP, 0, 0, 1},
		{POP, 0, 0, 4}, {POP, 0, 0, 3}, {POP, 0, 0, 2}, {POP, 0, 0, -1}, {END, 0, 0, 0}}},
	{"cancel twice, cancel after pop", {
		{PUSH, 0, 1, 0}, {PUSH, 1, 2, 0}, {CANCEL, 1, 0, 1}, {CANCEL, 1, 0, 0},
		{POP, 0, 0, 0}, {CANCEL, 0, 0, 0}, {SIZE, 0, 0, 0}, {END, 0, 0, 0}}},
	{"reschedule earlier and later", {
		{PUSH, 0, 10, 0}, {PUSH, 1, 20, 0}, {PUSH, 2, 30, 0}, {RESCHEDULE, 2, 5, 0},
		{RESCHEDULE, 0, 40, 0}, {SIZE, 0, 0, 3}, {POP, 0, 0, 2}, {POP, 0, 0, 1},
		{POP, 0, 0, 0}, {END, 0, 0, 0}}},
	{"reschedule to the same time moves behind its peers", {
		{PUSH, 0, 7, 0}, {PUSH, 1, 7, 0}, {PUSH, 2, 7, 0}, {RESCHEDULE, 0, 7, 0},
		{POP, 0, 0, 1}, {POP, 0, 0, 2}, {POP, 0, 0, 0}, {END, 0, 0, 0}}},
	{"reschedule of a popped event pushes it", {
		{PUSH, 0, 1, 0}, {POP, 0, 0, 0}, {RESCHEDULE, 0, 3, 0}, {PUSH, 1, 2, 0},
		{SIZE, 0, 0, 2}, {POP, 0, 0, 1}, {POP, 0, 0, 0}, {END, 0, 0, 0}}},
	{"free of a pending event cancels it", {
		{PUSH, 0, 1, 0}, {PUSH, 1, 2, 0}, {FREE, 0, 0, 0}, {SIZE, 0, 0, 1},
		{POP, 0, 0, 1}, {END, 0, 0, 0}}},
	{"negative and extreme times", {
		{PUSH, 0, SIM_TIME_MAX, 0}, {PUSH, 1, -5, 0}, {PUSH, 2, 0, 0},
		{PUSH, 3, INT64_MIN, 0}, {POP, 0, 0, 3}, {POP, 0, 0, 1}, {POP, 0, 0, 2},
		{POP, 0, 0, 0}, {END, 0, 0, 0}}},
	{"empty calendar", {
		{PEEK, 0, 0, -1}, {POP, 0, 0, -1}, {SIZE, 0, 0, 0}, {END, 0, 0, 0}}},
};
/* clang-format on */

static int id_of(struct event *const *ev, const struct event *e)
{
	if (!e)
		return -1;
	for (int i = 0; i < MAX_IDS; i++)
		if (ev[i] == e)
			return i;
	fail_msg("unknown event %p", (const void *)e);
	return -2;
}

static void run_step(struct evq *q, struct event **ev, const struct step *s)
{
	switch (s->op) {
	case PUSH:
		evq_push(q, ev[s->id], s->t);
		break;
	case POP:
		assert_int_equal(id_of(ev, evq_pop(q)), s->want);
		break;
	case CANCEL:
		assert_int_equal(evq_cancel(q, ev[s->id]), s->want);
		assert_false(evq_pending(ev[s->id]));
		break;
	case RESCHEDULE:
		evq_reschedule(q, ev[s->id], s->t);
		assert_int_equal(ev[s->id]->time, s->t);
		break;
	case PEEK:
		assert_int_equal(id_of(ev, evq_peek(q)), s->want);
		break;
	case SIZE:
		assert_int_equal(evq_size(q), s->want);
		break;
	case FREE:
		evq_event_free(q, ev[s->id]);
		ev[s->id] = NULL;
		break;
	case END:
		break;
	}
}

static void test_scripts(void **state)
{
	(void)state;
	for (size_t k = 0; k < sizeof(scripts) / sizeof(scripts[0]); k++) {
		struct evq q;
		struct event *ev[MAX_IDS];
		evq_init(&q);
		for (int i = 0; i < MAX_IDS; i++)
			ev[i] = evq_event_new(&q);
		print_message("script: %s\n", scripts[k].name);
		for (const struct step *s = scripts[k].steps; s->op != END; s++) {
			run_step(&q, ev, s);
			assert_true(evq_check(&q));
		}
		evq_release(&q);
	}
}

static void test_new_event_is_clean(void **state)
{
	struct evq q;
	(void)state;
	evq_init(&q);
	struct event *e = evq_event_new(&q);
	e->type = 7;
	e->arg = 9;
	e->data = &q;
	evq_push(&q, e, 3);
	assert_ptr_equal(evq_pop(&q), e);
	evq_event_free(&q, e);
	evq_event_free(&q, NULL);
	e = evq_event_new(&q);
	assert_int_equal(e->type, 0);
	assert_int_equal(e->arg, 0);
	assert_null(e->data);
	assert_false(evq_pending(e));
	evq_release(&q);
	assert_int_equal(evq_size(&q), 0);
}

/* ---- randomized comparison with an oracle ---- */

/* The oracle: an unsorted array, minimum by (time, order of scheduling). */
struct entry {
	struct event *ev;
	sim_time t;
	uint64_t order;
};

struct oracle {
	struct entry e[4096];
	size_t nr;
	uint64_t next;
};

static uint64_t next_random(uint64_t *s)
{
	uint64_t z = (*s += 0x9e3779b97f4a7c15ULL);
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

/* Many ties (small range) mixed with a wide spread of times. */
static sim_time random_time(uint64_t *s)
{
	uint64_t r = next_random(s);
	return r & 1 ? (sim_time)(r >> 1) % 64 : (sim_time)(r >> 1) % 1000000000;
}

static size_t oracle_min(const struct oracle *o)
{
	size_t m = 0;
	for (size_t i = 1; i < o->nr; i++)
		if (o->e[i].t < o->e[m].t ||
		    (o->e[i].t == o->e[m].t && o->e[i].order < o->e[m].order))
			m = i;
	return m;
}

static void oracle_remove(struct oracle *o, size_t i)
{
	o->e[i] = o->e[--o->nr];
}

static void random_push(struct evq *q, struct oracle *o, sim_time t)
{
	struct event *e = evq_event_new(q);
	evq_push(q, e, t);
	o->e[o->nr++] = (struct entry){e, t, o->next++};
}

static void random_pop(struct evq *q, struct oracle *o)
{
	struct event *e = evq_pop(q);
	if (!o->nr) {
		assert_null(e);
		return;
	}
	size_t m = oracle_min(o);
	assert_ptr_equal(e, o->e[m].ev);
	assert_int_equal(e->time, o->e[m].t);
	oracle_remove(o, m);
	evq_event_free(q, e);
}

static void random_step(struct evq *q, struct oracle *o, uint64_t *s)
{
	unsigned r = (unsigned)(next_random(s) % 100);
	size_t k = o->nr ? next_random(s) % o->nr : 0;

	if (r < 40 + (o->nr < 300 ? 10 : -10))
		random_push(q, o, random_time(s));
	else if (r < 70)
		random_pop(q, o);
	else if (r < 80 && o->nr) {
		assert_true(evq_cancel(q, o->e[k].ev));
		evq_event_free(q, o->e[k].ev);
		oracle_remove(o, k);
	} else if (r < 95 && o->nr) {
		sim_time t = random_time(s);
		evq_reschedule(q, o->e[k].ev, t);
		o->e[k].t = t;
		o->e[k].order = o->next++;
	} else if (o->nr) {
		random_push(q, o, o->e[oracle_min(o)].t); /* a tie with the head */
	}
}

static void test_random_against_oracle(void **state)
{
	static struct oracle o;
	struct evq q;
	uint64_t seed = 20240611;
	(void)state;

	evq_init(&q);
	o.nr = 0;
	o.next = 0;
	for (int i = 0; i < 100000; i++) {
		random_step(&q, &o, &seed);
		assert_int_equal(evq_size(&q), o.nr);
		if (i % 997 == 0)
			assert_true(evq_check(&q));
	}
	assert_true(evq_check(&q));
	while (o.nr)
		random_pop(&q, &o);
	assert_null(evq_pop(&q));
	evq_release(&q);
}

/* ---- growth and the pool ---- */

static void test_large_heap_sorted(void **state)
{
	struct evq q;
	uint64_t seed = 7;
	sim_time last = INT64_MIN;
	uint64_t last_seq = 0;
	(void)state;

	evq_init(&q);
	for (int i = 0; i < 100000; i++)
		evq_push(&q, evq_event_new(&q), (sim_time)(next_random(&seed) % 5000));
	assert_true(evq_check(&q));
	for (int i = 0; i < 100000; i++) {
		struct event *e = evq_pop(&q);
		assert_non_null(e);
		assert_true(e->time > last || (e->time == last && e->seq > last_seq));
		last = e->time;
		last_seq = e->seq;
	}
	assert_int_equal(evq_size(&q), 0);
	evq_release(&q); /* frees the popped events too: valgrind checks */
}

static void test_pool_does_not_grow_in_steady_state(void **state)
{
	struct evq q;
	struct event *held[1000];
	uint64_t seed = 99;
	(void)state;

	evq_init(&q);
	for (int i = 0; i < 1000; i++) /* warm-up to the largest size used below */
		evq_push(&q, evq_event_new(&q), (sim_time)i);
	while (evq_size(&q))
		evq_event_free(&q, evq_pop(&q));
	size_t warm = q.allocations;
	assert_true(warm > 0);

	for (int round = 0; round < 100; round++) {
		for (int i = 0; i < 1000; i++) {
			held[i] = evq_event_new(&q);
			evq_push(&q, held[i], (sim_time)(next_random(&seed) % 100));
		}
		for (int i = 0; i < 1000; i += 2)
			evq_event_free(&q, held[i]); /* pending: cancelled and pooled */
		while (evq_size(&q))
			evq_event_free(&q, evq_pop(&q));
	}
	assert_int_equal(q.allocations, warm);

	/* the counter is live: a bigger pool, then a bigger heap, both count */
	struct event **many = test_malloc(5000 * sizeof(*many));
	for (int i = 0; i < 5000; i++)
		many[i] = evq_event_new(&q);
	size_t pooled = q.allocations;
	assert_true(pooled > warm);
	for (int i = 0; i < 5000; i++)
		evq_push(&q, many[i], 0);
	assert_true(q.allocations > pooled);
	test_free(many);
	evq_release(&q);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_scripts),
	    cmocka_unit_test(test_new_event_is_clean),
	    cmocka_unit_test(test_random_against_oracle),
	    cmocka_unit_test(test_large_heap_sorted),
	    cmocka_unit_test(test_pool_does_not_grow_in_steady_state),
	};
	return cmocka_run_group_tests_name("evq", tests, NULL, NULL);
}
