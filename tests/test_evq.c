/*
 * test_evq — the event calendar: scripted cases, FIFO order of equal
 * times, cancellation, a randomized comparison against a sorted array,
 * renumbering of ranks, and the promise of bounded memory that stops
 * allocating in a steady state.
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

/* ---- helpers ---- */

static uint64_t next_random(uint64_t *s)
{
	uint64_t z = (*s += 0x9e3779b97f4a7c15ULL);
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

/* A delay: often 0 or tiny (ties), else spread over many powers of two. */
static sim_time random_delay(uint64_t *s)
{
	uint64_t r = next_random(s);
	switch (r & 3) {
	case 0:
		return 0;
	case 1:
		return (sim_time)(r >> 2) % 8;
	case 2:
		return (sim_time)(r >> 2) % 100000;
	default:
		return (sim_time)((r >> 2) % 1000000000) >> ((r >> 40) % 30);
	}
}

/* Pops everything, checking (time, seq) order; returns the number popped. */
static size_t drain_in_order(struct evq *q)
{
	struct event *e;
	size_t n = 0;
	sim_time last = INT64_MIN;
	uint64_t last_seq = 0;

	while ((e = evq_pop(q))) {
		assert_true(n == 0 || e->time > last || (e->time == last && e->seq > last_seq));
		last = e->time;
		last_seq = e->seq;
		evq_event_free(q, e);
		n++;
	}
	return n;
}

/* ---- FIFO order of equal times ---- */

/*
 * Many events at a few times, pushed from far below so they travel down
 * through several buckets, interleaved with pops and with pushes at the
 * current time and later ones: each time's events come out in push order.
 */
static void test_equal_times_fifo(void **state)
{
	enum {
		N = 20000,
		MAX = 2 * N,
		TIMES = 5
	};
	static int time_of[MAX], order[MAX];
	struct evq q;
	uint64_t seed = 5;
	int nr = 0, next[TIMES] = {0}, nr_at[TIMES] = {0};
	const sim_time at[TIMES] = {1000, 1000 + 1, 70000, 70000 + 4096, (sim_time)1 << 40};
	(void)state;

	evq_init(&q);
	while (nr < N) {
		int t = (int)(next_random(&seed) % TIMES);
		struct event *e = evq_event_new(&q);
		e->arg = nr;
		time_of[nr] = t;
		order[nr++] = nr_at[t]++;
		evq_push(&q, e, at[t]);
	}
	assert_true(evq_check(&q));
	for (int popped = 0; evq_size(&q); popped++) {
		struct event *e = evq_pop(&q);
		int i = (int)e->arg, t = time_of[i];
		assert_int_equal(e->time, at[t]);
		assert_int_equal(order[i], next[t]++);
		for (int k = 0; k < t; k++) /* every earlier time is done */
			assert_int_equal(next[k], nr_at[k]);
		if (nr < MAX && next_random(&seed) % 4 == 0) { /* now or later */
			int t2 = t + (int)(next_random(&seed) % (uint64_t)(TIMES - t));
			e->arg = nr;
			time_of[nr] = t2;
			order[nr++] = nr_at[t2]++;
			evq_push(&q, e, at[t2]);
		} else {
			evq_event_free(&q, e);
		}
		if (popped % 1000 == 0)
			assert_true(evq_check(&q));
	}
	for (int t = 0; t < TIMES; t++)
		assert_int_equal(next[t], nr_at[t]);
	assert_true(nr > N + N / 10);
	assert_null(evq_pop(&q));
	evq_release(&q);
}

/* Events pushed at the current time, from handlers of that time, run after those already due. */
static void test_pushes_at_now_run_last(void **state)
{
	struct evq q;
	int64_t want = 0;
	(void)state;

	evq_init(&q);
	for (int i = 0; i < 100; i++) {
		struct event *e = evq_event_new(&q);
		e->arg = i;
		evq_push(&q, e, 42);
	}
	for (int i = 0; i < 1000; i++) {
		struct event *e = evq_pop(&q);
		assert_int_equal(e->time, 42);
		assert_int_equal(e->arg, want++);
		if (i < 900) { /* each one schedules a successor at the same time */
			e->arg = i + 100;
			evq_push(&q, e, 42);
		} else {
			evq_event_free(&q, e);
		}
		assert_int_equal(evq_size(&q), i < 900 ? 100 : 999 - i);
	}
	assert_null(evq_pop(&q));
	evq_release(&q);
}

/* ---- cancellation ---- */

static void test_cancel_the_minimum_again_and_again(void **state)
{
	enum {
		N = 5000
	};
	struct evq q;
	uint64_t seed = 11;
	(void)state;

	evq_init(&q);
	for (int i = 0; i < N; i++)
		evq_push(&q, evq_event_new(&q), (sim_time)(next_random(&seed) % 1000000));
	struct event *prev = NULL;
	for (int i = 0; i < N; i++) {
		struct event *head = evq_peek(&q);
		assert_non_null(head);
		if (prev) /* the next minimum is never earlier than the one cancelled */
			assert_true(head->time > prev->time ||
				    (head->time == prev->time && head->seq > prev->seq));
		assert_true(evq_cancel(&q, head));
		assert_false(evq_pending(head));
		assert_false(evq_cancel(&q, head));
		assert_int_equal(evq_size(&q), N - 1 - i);
		if (i % 250 == 0)
			assert_true(evq_check(&q));
		prev = head; /* still allocated: cancelled, not freed */
	}
	assert_null(evq_peek(&q));
	assert_null(evq_pop(&q));
	assert_int_equal(q.nr, 0); /* no cancelled node left behind */
	evq_release(&q);
}

static void test_cancel_then_push_again(void **state)
{
	struct evq q;
	struct event *a, *b, *c;
	(void)state;

	evq_init(&q);
	a = evq_event_new(&q);
	b = evq_event_new(&q);
	c = evq_event_new(&q);
	evq_push(&q, a, 10);
	evq_push(&q, b, 10);
	evq_push(&q, c, 10);
	assert_true(evq_cancel(&q, a));
	evq_push(&q, a, 10); /* same time: now behind its peers */
	assert_true(evq_check(&q));
	assert_ptr_equal(evq_pop(&q), b);
	assert_true(evq_cancel(&q, c));
	evq_push(&q, c, 5000); /* later */
	assert_true(evq_cancel(&q, a));
	evq_push(&q, a, 10);
	assert_true(evq_cancel(&q, a));
	evq_push(&q, a, 10); /* cancelled twice, pushed back at the time of the last pop */
	assert_int_equal(evq_size(&q), 2);
	assert_true(evq_check(&q));
	assert_ptr_equal(evq_pop(&q), a);
	assert_ptr_equal(evq_pop(&q), c);
	assert_null(evq_pop(&q));

	/* a cancelled and freed event is reused at once and must not be confused with its stale node */
	evq_push(&q, a, 6000);
	evq_push(&q, b, 7000);
	evq_event_free(&q, a);
	struct event *d = evq_event_new(&q);
	assert_ptr_equal(d, a); /* LIFO pool */
	evq_push(&q, d, 8000);
	assert_true(evq_check(&q));
	assert_ptr_equal(evq_pop(&q), b);
	assert_ptr_equal(evq_pop(&q), d);
	assert_null(evq_pop(&q));
	evq_release(&q);
}

static void test_cancel_everything(void **state)
{
	enum {
		N = 3000
	};
	static struct event *ev[N];
	struct evq q;
	uint64_t seed = 3;
	sim_time now = 0;
	(void)state;

	evq_init(&q);
	for (int round = 0; round < 3; round++) {
		for (int i = 0; i < N; i++) {
			ev[i] = evq_event_new(&q);
			evq_push(&q, ev[i], now + random_delay(&seed));
		}
		if (round == 1) /* some pops first, so that the floor moves */
			for (int i = 0; i < 10; i++) {
				struct event *e = evq_pop(&q);
				now = e->time;
				evq_push(&q, e, now + (1 << 30));
			}
		for (int i = N; i-- > 0;) { /* latest first, so the head goes last */
			assert_true(evq_cancel(&q, ev[i]));
			evq_event_free(&q, ev[i]);
			assert_true(2 * q.cancelled <= q.nr);
		}
		assert_true(evq_check(&q));
		assert_int_equal(evq_size(&q), 0);
		assert_int_equal(q.nr, 0);
		assert_null(evq_peek(&q));
		assert_null(evq_pop(&q));
	}
	evq_release(&q);
}

/* Pops after cancels: the cancelled nodes left behind never outnumber the pending ones. */
static void test_bound_holds_while_draining(void **state)
{
	enum {
		N = 4000
	};
	static struct event *ev[N];
	struct evq q;
	uint64_t seed = 17;
	(void)state;

	evq_init(&q);
	for (int i = 0; i < N; i++) {
		ev[i] = evq_event_new(&q);
		evq_push(&q, ev[i], (sim_time)(next_random(&seed) % 1000000));
	}
	for (int i = 0; i < N; i += 3) /* a third, scattered through the calendar */
		evq_event_free(&q, ev[i]);
	size_t left = evq_size(&q);
	while (left--) {
		evq_event_free(&q, evq_pop(&q));
		assert_true(2 * q.cancelled <= q.nr);
		assert_int_equal(evq_size(&q), left);
		if (left % 100 == 0)
			assert_true(evq_check(&q));
	}
	assert_int_equal(q.nr, 0);
	evq_release(&q);
}

/* ---- randomized comparison with a sorted array ---- */

/* The reference: every pending event, sorted by (time, order of scheduling). */
struct entry {
	struct event *ev;
	sim_time t;
	uint64_t order;
};

struct reference {
	struct entry e[8192];
	size_t nr;
	uint64_t next;
	sim_time now; /* time of the last pop */
};

static bool entry_before(const struct entry *a, sim_time t, uint64_t order)
{
	return a->t < t || (a->t == t && a->order < order);
}

static void ref_insert(struct reference *r, struct event *ev, sim_time t)
{
	size_t lo = 0, hi = r->nr;
	uint64_t order = r->next++;

	while (lo < hi) {
		size_t mid = (lo + hi) / 2;
		if (entry_before(&r->e[mid], t, order))
			lo = mid + 1;
		else
			hi = mid;
	}
	assert_true(r->nr < sizeof(r->e) / sizeof(r->e[0]));
	memmove(&r->e[lo + 1], &r->e[lo], (r->nr - lo) * sizeof(r->e[0]));
	r->e[lo] = (struct entry){ev, t, order};
	r->nr++;
}

static void ref_remove(struct reference *r, size_t i)
{
	memmove(&r->e[i], &r->e[i + 1], (r->nr - i - 1) * sizeof(r->e[0]));
	r->nr--;
}

static void random_push(struct evq *q, struct reference *r, sim_time t)
{
	struct event *e = evq_event_new(q);
	evq_push(q, e, t);
	ref_insert(r, e, t);
}

static void random_pop(struct evq *q, struct reference *r)
{
	struct event *e = evq_pop(q);
	if (!r->nr) {
		assert_null(e);
		return;
	}
	assert_ptr_equal(e, r->e[0].ev);
	assert_int_equal(e->time, r->e[0].t);
	r->now = e->time;
	ref_remove(r, 0);
	evq_event_free(q, e);
}

static void random_step(struct evq *q, struct reference *r, uint64_t *s)
{
	unsigned op = (unsigned)(next_random(s) % 100);
	size_t k = r->nr ? next_random(s) % r->nr : 0;

	if (op < 40 + (r->nr < 300 ? 10 : -10)) {
		random_push(q, r, r->now + random_delay(s));
	} else if (op < 70) {
		random_pop(q, r);
	} else if (op < 80 && r->nr) {
		struct event *e = r->e[k].ev;
		assert_true(evq_cancel(q, e));
		evq_event_free(q, e);
		ref_remove(r, k);
	} else if (op < 83 && r->nr) { /* cancel the next event */
		struct event *e = r->e[0].ev;
		assert_ptr_equal(evq_peek(q), e);
		assert_true(evq_cancel(q, e));
		evq_event_free(q, e);
		ref_remove(r, 0);
	} else if (op < 95 && r->nr) {
		struct event *e = r->e[k].ev;
		sim_time t = r->now + random_delay(s);
		evq_reschedule(q, e, t);
		ref_remove(r, k);
		ref_insert(r, e, t);
	} else if (r->nr) {
		random_push(q, r, r->e[0].t); /* a tie with the head */
	}
}

static void compare_with_reference(uint64_t seed, uint32_t rank_limit)
{
	static struct reference r;
	struct evq q;

	evq_init(&q);
	q.rank_limit = rank_limit;
	r.nr = 0;
	r.next = 0;
	r.now = 0;
	for (int i = 0; i < 100000; i++) {
		random_step(&q, &r, &seed);
		assert_int_equal(evq_size(&q), r.nr);
		assert_ptr_equal(evq_peek(&q), r.nr ? r.e[0].ev : NULL);
		if (i % 997 == 0)
			assert_true(evq_check(&q));
	}
	assert_true(evq_check(&q));
	while (r.nr)
		random_pop(&q, &r);
	assert_null(evq_pop(&q));
	evq_release(&q);
}

static void test_random_against_sorted_array(void **state)
{
	(void)state;
	compare_with_reference(20240611, EVQ_NOT_PENDING);
	compare_with_reference(77, EVQ_NOT_PENDING);
}

/* Ranks run out every few thousand pushes: renumbering must keep the order. */
static void test_random_with_renumbering(void **state)
{
	(void)state;
	compare_with_reference(1234, 5000);
}

/* ---- memory ---- */

static void test_large_calendar_sorted(void **state)
{
	struct evq q;
	uint64_t seed = 7;
	(void)state;

	evq_init(&q);
	for (int i = 0; i < 100000; i++)
		evq_push(&q, evq_event_new(&q), (sim_time)(next_random(&seed) % 5000));
	assert_true(evq_check(&q));
	assert_int_equal(drain_in_order(&q), 100000);
	assert_int_equal(evq_size(&q), 0);
	evq_release(&q); /* frees the popped events too: valgrind checks */
}

/*
 * A long hold with cancellations: N pending events; each step pops the
 * next one and pushes it back, and reschedules or cancels-and-replaces a
 * random pending one far ahead, so that cancelled nodes pile up where
 * pops do not reach them. The calendar never holds more than twice the
 * pending events, and stops allocating once warm.
 */
static void test_bounded_under_hold_with_cancels(void **state)
{
	enum {
		N = 2000,
		STEPS = 400000
	};
	static struct event *ev[N];
	struct evq q;
	uint64_t seed = 99;
	size_t warm = 0, most = 0;
	(void)state;

	evq_init(&q);
	for (int i = 0; i < N; i++) {
		ev[i] = evq_event_new(&q);
		ev[i]->arg = i;
		evq_push(&q, ev[i], random_delay(&seed));
	}
	for (int step = 0; step < STEPS; step++) {
		struct event *e = evq_pop(&q);
		sim_time now = e->time;
		evq_push(&q, e, now + random_delay(&seed));
		int k = (int)(next_random(&seed) % N);
		if (step % 2) {
			evq_reschedule(&q, ev[k], now + (sim_time)1000000000);
		} else { /* free and replace: the pool reuses the event at once */
			evq_event_free(&q, ev[k]);
			ev[k] = evq_event_new(&q);
			ev[k]->arg = k;
			evq_push(&q, ev[k], now + (sim_time)2000000000);
		}
		assert_int_equal(evq_size(&q), N);
		assert_true(q.nr <= 2 * N);
		if (q.nr > most)
			most = q.nr;
		if (step == STEPS / 4)
			warm = q.allocations;
		if (step % 50000 == 0)
			assert_true(evq_check(&q));
	}
	assert_true(most > N); /* cancelled nodes did pile up */
	assert_int_equal(q.allocations, warm);
	assert_true(evq_check(&q));
	assert_int_equal(drain_in_order(&q), N);
	evq_release(&q);
}

static void test_pool_does_not_grow_in_steady_state(void **state)
{
	struct evq q;
	struct event *held[1000];
	uint64_t seed = 99;
	sim_time now = 0;
	size_t warm = 0;
	(void)state;

	evq_init(&q);
	for (int round = 0; round < 100; round++) {
		if (round == 1)
			warm = q.allocations; /* after one round of the same pattern */
		for (int i = 0; i < 1000; i++) {
			held[i] = evq_event_new(&q);
			evq_push(&q, held[i], now + (sim_time)(next_random(&seed) % 100));
		}
		for (int i = 0; i < 1000; i += 2)
			evq_event_free(&q, held[i]); /* pending: cancelled and pooled */
		while (evq_size(&q)) {
			struct event *e = evq_pop(&q);
			now = e->time;
			evq_event_free(&q, e);
		}
	}
	assert_true(warm > 0);
	assert_int_equal(q.allocations, warm);

	/* the counter is live: a bigger pool, then more nodes, both count */
	struct event **many = test_malloc(5000 * sizeof(*many));
	for (int i = 0; i < 5000; i++)
		many[i] = evq_event_new(&q);
	size_t pooled = q.allocations;
	assert_true(pooled > warm);
	for (int i = 0; i < 5000; i++)
		evq_push(&q, many[i], now);
	assert_true(q.allocations > pooled);
	test_free(many);
	evq_release(&q);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_scripts),
	    cmocka_unit_test(test_new_event_is_clean),
	    cmocka_unit_test(test_equal_times_fifo),
	    cmocka_unit_test(test_pushes_at_now_run_last),
	    cmocka_unit_test(test_cancel_the_minimum_again_and_again),
	    cmocka_unit_test(test_cancel_then_push_again),
	    cmocka_unit_test(test_cancel_everything),
	    cmocka_unit_test(test_bound_holds_while_draining),
	    cmocka_unit_test(test_random_against_sorted_array),
	    cmocka_unit_test(test_random_with_renumbering),
	    cmocka_unit_test(test_large_calendar_sorted),
	    cmocka_unit_test(test_bounded_under_hold_with_cancels),
	    cmocka_unit_test(test_pool_does_not_grow_in_steady_state),
	};
	return cmocka_run_group_tests_name("evq", tests, NULL, NULL);
}
