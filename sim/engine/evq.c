/*
 * evq — the event calendar (see evq.h).
 *
 * Representation: an implicit 4-ary min-heap. Slot i has children
 * 4i+1 .. 4i+4 and parent (i-1)/4. It is stored as two parallel arrays,
 * key[i] = (time, seq) and ev[i] = the event, so the comparisons that
 * decide a sift read one dense array of 16-byte keys and never follow an
 * event pointer. Both arrays start 3 slots into a 64-byte-aligned
 * allocation, which puts every sibling group key[4i+1 .. 4i+4] in exactly
 * one cache line, and the four groups of grandchildren in four adjacent
 * lines (prefetched while the children are compared).
 *
 * Invariants, for every slot i < nr:
 *   ev[i]->pos == i, key[i].time == ev[i]->time, key[i].seq == ev[i]->seq;
 *   no child of i sorts before i under (time, seq);
 *   (time, seq) pairs are unique because seq is never reused.
 * An event that is not in the heap has pos == EVQ_NOT_PENDING.
 *
 * Measured with tests/bench_evq.c (hold model): at 100,000 pending the
 * 4-ary layout beats a binary heap by about 20% (half the depth, so half
 * the `pos` writes) and an 8-ary one is no faster; picking the smallest
 * child with branch-free selects on a 128-bit key beats branches (whose
 * outcome is a coin toss in a heap) by about 30% at 10,000 pending. What
 * remains at 100,000 is memory: the moved events' `pos` writes land on
 * scattered cache lines, and the heap plus the events outgrow the cache.
 *
 * The pool hands out events from blocks that double in size (64 .. 8192
 * events). Freed events go on a LIFO free list, so a recently used (cache
 * warm) event is reused first. Blocks are freed only by evq_release.
 */
#include "spotsim/engine/evq.h"

#include "spotsim/util/xalloc.h"

#include <assert.h>
#include <stdlib.h>
#include <string.h>

#define ARITY	    EVQ_ARITY
#define FIRST_BLOCK 64
#define MAX_BLOCK   8192
#define LINE	    64
#define SLOT_SHIFT  (ARITY - 1) /* array offset that aligns sibling groups */

_Static_assert(ARITY == 4, "min_child compares exactly four children");

#if defined(__GNUC__)
#define PREFETCH(p) __builtin_prefetch(p)
#else
#define PREFETCH(p) ((void)0)
#endif

#if defined(__SIZEOF_INT128__)
/* One 128-bit comparison (cmp + sbb): no branch for the selects below to turn into. */
__extension__ typedef unsigned __int128 key128;

static inline key128 wide(const struct evq_key *k)
{
	return ((key128)((uint64_t)k->time ^ ((uint64_t)1 << 63)) << 64) | k->seq;
}

static inline bool before(const struct evq_key *a, const struct evq_key *b)
{
	return wide(a) < wide(b);
}
#else
static inline bool before(const struct evq_key *a, const struct evq_key *b)
{
	return a->time < b->time || (a->time == b->time && a->seq < b->seq);
}
#endif

/* The smaller of slots a and b, chosen with a mask rather than a branch. */
static inline size_t lesser(const struct evq_key *key, size_t a, size_t b)
{
	size_t take_b = -(size_t)before(&key[b], &key[a]);
	return a ^ ((a ^ b) & take_b);
}

static inline void put(struct evq *q, size_t i, struct evq_key k, struct event *ev)
{
	q->key[i] = k;
	q->ev[i] = ev;
	ev->pos = (uint32_t)i;
}

static void sift_up(struct evq *q, size_t i, struct evq_key k, struct event *ev)
{
	while (i > 0) {
		size_t p = (i - 1) / ARITY;
		if (!before(&k, &q->key[p]))
			break;
		put(q, i, q->key[p], q->ev[p]);
		i = p;
	}
	put(q, i, k, ev);
}

/* The smallest child of a node whose first child is c (c < nr). */
static inline size_t min_child(const struct evq *q, size_t c)
{
	const struct evq_key *key = q->key;

	if (c + ARITY <= q->nr) {
		if (ARITY * (c + ARITY) < q->alloc)
			for (size_t g = 0; g < ARITY; g++)
				PREFETCH(&key[ARITY * (c + g) + 1]);
		return lesser(key, lesser(key, c, c + 1), lesser(key, c + 2, c + 3));
	}
	size_t m = c;
	for (size_t k = c + 1; k < q->nr; k++)
		m = lesser(key, m, k);
	return m;
}

static void sift_down(struct evq *q, size_t i, struct evq_key k, struct event *ev)
{
	size_t c;

	while ((c = ARITY * i + 1) < q->nr) {
		size_t m = min_child(q, c);
		if (!before(&q->key[m], &k))
			break;
		put(q, i, q->key[m], q->ev[m]);
		i = m;
	}
	put(q, i, k, ev);
}

/* Takes slot i out of the heap, filling the hole with the last slot. */
static void remove_at(struct evq *q, size_t i)
{
	size_t last = --q->nr;

	q->ev[i]->pos = EVQ_NOT_PENDING;
	if (i == last)
		return;
	if (i > 0 && before(&q->key[last], &q->key[(i - 1) / ARITY]))
		sift_up(q, i, q->key[last], q->ev[last]);
	else
		sift_down(q, i, q->key[last], q->ev[last]);
}

/* Reallocates one array of `n` slots of `size` bytes, LINE-aligned at slot -SLOT_SHIFT. */
static void *grow_array(void **mem, void *old, size_t used, size_t n, size_t size)
{
	void *raw = xmalloc((n + SLOT_SHIFT) * size + LINE);
	char *base = (char *)raw + (LINE - (uintptr_t)raw % LINE) % LINE;
	char *arr = base + SLOT_SHIFT * size;

	if (used)
		memcpy(arr, old, used * size);
	free(*mem);
	*mem = raw;
	return arr;
}

static void heap_grow(struct evq *q)
{
	size_t n = q->alloc ? 2 * q->alloc : 256;

	assert(n < EVQ_NOT_PENDING);
	q->key = grow_array(&q->key_mem, q->key, q->nr, n, sizeof(*q->key));
	q->ev = grow_array(&q->ev_mem, q->ev, q->nr, n, sizeof(*q->ev));
	q->alloc = n;
	q->allocations += 2;
}

void evq_init(struct evq *q)
{
	*q = (struct evq)EVQ_INIT;
}

void evq_release(struct evq *q)
{
	for (size_t i = 0; i < q->nr_blocks; i++)
		free(q->blocks[i]);
	free(q->blocks);
	free(q->key_mem);
	free(q->ev_mem);
	evq_init(q);
}

static void pool_grow(struct evq *q)
{
	size_t n = q->block_size ? q->block_size : FIRST_BLOCK;
	size_t had = q->alloc_blocks;
	struct event *blk = xmalloc(n * sizeof(*blk));

	XALLOC_GROW(q->blocks, q->nr_blocks + 1, q->alloc_blocks);
	q->allocations += 1 + (q->alloc_blocks != had);
	q->blocks[q->nr_blocks++] = blk;
	for (size_t i = n; i-- > 0;) {
		blk[i].next_free = q->free_list;
		q->free_list = &blk[i];
	}
	q->block_size = n < MAX_BLOCK ? 2 * n : n;
}

struct event *evq_event_new(struct evq *q)
{
	if (!q->free_list)
		pool_grow(q);
	struct event *ev = q->free_list;
	q->free_list = ev->next_free;
	*ev = (struct event){.pos = EVQ_NOT_PENDING};
	return ev;
}

void evq_event_free(struct evq *q, struct event *ev)
{
	if (!ev)
		return;
	evq_cancel(q, ev);
	ev->next_free = q->free_list;
	q->free_list = ev;
}

void evq_push(struct evq *q, struct event *ev, sim_time time)
{
	assert(ev->pos == EVQ_NOT_PENDING);
	if (q->nr == q->alloc)
		heap_grow(q);
	ev->time = time;
	ev->seq = q->next_seq++;
	sift_up(q, q->nr++, (struct evq_key){time, ev->seq}, ev);
}

struct event *evq_pop(struct evq *q)
{
	if (!q->nr)
		return NULL;
	struct event *top = q->ev[0];
	remove_at(q, 0);
	if (q->nr)
		PREFETCH(q->ev[0]); /* the caller will soon pop and read it */
	return top;
}

bool evq_cancel(struct evq *q, struct event *ev)
{
	if (ev->pos == EVQ_NOT_PENDING)
		return false;
	assert(ev->pos < q->nr && q->ev[ev->pos] == ev);
	remove_at(q, ev->pos);
	return true;
}

void evq_reschedule(struct evq *q, struct event *ev, sim_time time)
{
	if (ev->pos == EVQ_NOT_PENDING) {
		evq_push(q, ev, time);
		return;
	}
	/* in place: one sift instead of a removal and an insertion */
	size_t i = ev->pos;
	ev->time = time;
	ev->seq = q->next_seq++;
	struct evq_key k = {time, ev->seq};
	if (i > 0 && before(&k, &q->key[(i - 1) / ARITY]))
		sift_up(q, i, k, ev);
	else
		sift_down(q, i, k, ev);
}

bool evq_check(const struct evq *q)
{
	for (size_t i = 0; i < q->nr; i++) {
		const struct event *ev = q->ev[i];
		if (ev->pos != i || q->key[i].time != ev->time || q->key[i].seq != ev->seq)
			return false;
		if (ev->seq >= q->next_seq)
			return false;
		if (i > 0 && before(&q->key[i], &q->key[(i - 1) / ARITY]))
			return false;
	}
	return true;
}
