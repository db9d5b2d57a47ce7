/*
 * evq — the event calendar (see evq.h).
 *
 * Representation: an implicit ARITY-ary min-heap of 16-byte nodes
 * (time, tag), tag = rank << 32 | id. Slot i has children ARITY*i+1 ..
 * ARITY*i+ARITY and parent (i-1)/ARITY. The array starts ARITY-1 slots
 * into an allocation aligned to one sibling group, so every group of
 * siblings fills whole cache lines, and the groups of grandchildren are
 * adjacent (prefetched while the children are compared).
 *
 * Invariants:
 *   no child sorts before its parent under (time, tag);
 *   a node is live when its event's rank equals the node's rank, and
 *   cancelled otherwise; `cancelled` counts the cancelled nodes, and is
 *   at most the number of live ones plus one;
 *   node[0], when nr > 0, is live: pops and peeks never look further;
 *   every pending event has exactly one live node; ranks of live nodes
 *   are unique, below next_rank, and ordered as the events' seq.
 * Ranks of cancelled nodes are never handed out again before a
 * renumbering, and renumbering drops every cancelled node first, so a
 * freed and reused event never matches its stale node.
 *
 * Why no back-pointers: with one slot per event stored in the event, each
 * step of a sift writes to a random event, a cache miss of its own at
 * 100,000 pending. Here a sift touches only the heap's lines; cancelling
 * costs a mark, plus an O(n) compaction after n/2 cancels.
 *
 * The pool hands out events from blocks that double in size (64 .. 8192
 * events); block b holds ids b << EVQ_BLOCK_SHIFT onwards. Freed events go
 * on a LIFO free list, so a recently used (cache warm) event is reused
 * first. Blocks are freed only by evq_release.
 */
#include "spotsim/engine/evq.h"

#include "spotsim/util/xalloc.h"

#include <assert.h>
#include <stdlib.h>
#include <string.h>

#define ARITY	    EVQ_ARITY
#define FIRST_BLOCK 64
#define MAX_BLOCK   (1u << EVQ_BLOCK_SHIFT)
#define GROUP	    (ARITY * sizeof(struct evq_node)) /* bytes of one sibling group */
#define SLOT_SHIFT  (ARITY - 1)			      /* array offset that aligns sibling groups */

_Static_assert(ARITY == 4 || ARITY == 8, "min_child compares four or eight children");
_Static_assert(sizeof(struct evq_node) == 16, "nodes are 16 bytes");

#if defined(__GNUC__)
#define PREFETCH(p) __builtin_prefetch(p)
#else
#define PREFETCH(p) ((void)0)
#endif

static inline uint32_t rank_of(struct evq_node n)
{
	return (uint32_t)(n.tag >> 32);
}

static inline uint32_t id_of(struct evq_node n)
{
	return (uint32_t)n.tag;
}

#if defined(__SIZEOF_INT128__)
/* One 128-bit comparison (cmp + sbb): no branch for the selects below to turn into. */
__extension__ typedef unsigned __int128 key128;

static inline key128 wide(const struct evq_node *n)
{
	return ((key128)((uint64_t)n->time ^ ((uint64_t)1 << 63)) << 64) | n->tag;
}

static inline bool before(const struct evq_node *a, const struct evq_node *b)
{
	return wide(a) < wide(b);
}
#else
static inline bool before(const struct evq_node *a, const struct evq_node *b)
{
	return a->time < b->time || (a->time == b->time && a->tag < b->tag);
}
#endif

/* The smaller of slots a and b, chosen with a mask rather than a branch. */
static inline size_t lesser(const struct evq_node *node, size_t a, size_t b)
{
	size_t take_b = -(size_t)before(&node[b], &node[a]);
	return a ^ ((a ^ b) & take_b);
}

static inline bool is_live(const struct evq *q, struct evq_node n)
{
	return evq_event_at(q, id_of(n))->rank == rank_of(n);
}

static void sift_up(struct evq_node *node, size_t i, struct evq_node k)
{
	while (i > 0) {
		size_t p = (i - 1) / ARITY;
		if (!before(&k, &node[p]))
			break;
		node[i] = node[p];
		i = p;
	}
	node[i] = k;
}

/* The smallest child of a node whose first child is c (c < nr). */
static inline size_t min_child(const struct evq_node *node, size_t nr, size_t c)
{
	if (c + ARITY <= nr) {
		for (size_t g = 0; g < ARITY; g++)
			PREFETCH(&node[ARITY * (c + g) + 1]);
		size_t m = lesser(node, lesser(node, c, c + 1), lesser(node, c + 2, c + 3));
		if (ARITY == 8)
			m = lesser(
			    node, m,
			    lesser(node, lesser(node, c + 4, c + 5), lesser(node, c + 6, c + 7)));
		return m;
	}
	size_t m = c;
	for (size_t k = c + 1; k < nr; k++)
		m = lesser(node, m, k);
	return m;
}

/* Places k at or below slot i of the heap node[0 .. nr). */
static void sift_down(struct evq_node *node, size_t nr, size_t i, struct evq_node k)
{
	size_t c;

	while ((c = ARITY * i + 1) < nr) {
		size_t m = min_child(node, nr, c);
		if (!before(&node[m], &k))
			break;
		node[i] = node[m];
		i = m;
	}
	node[i] = k;
}

/*
 * Drops node[0], live or not; the caller fixes the counts. The hole goes
 * down the path of smallest children to a leaf without comparing with the
 * last node, which then rises from there: it came from the bottom and
 * rarely rises far.
 */
static void remove_top(struct evq *q)
{
	struct evq_node *node = q->node;
	size_t last = --q->nr;
	size_t i = 0, c;

	if (!last)
		return;
	while ((c = ARITY * i + 1) < last) {
		size_t m = min_child(node, last, c);
		node[i] = node[m];
		i = m;
	}
	sift_up(node, i, node[last]);
}

/* Drops every cancelled node and rebuilds the heap in O(n). */
static void compact(struct evq *q)
{
	size_t n = 0;

	for (size_t i = 0; i < q->nr; i++)
		if (is_live(q, q->node[i]))
			q->node[n++] = q->node[i];
	q->nr = n;
	q->cancelled = 0;
	for (size_t i = n / ARITY + 1; i-- > 0;)
		if (ARITY * i + 1 < n)
			sift_down(q->node, n, i, q->node[i]);
}

/*
 * Restores the invariants after the heap shrank or a node was cancelled:
 * a live top, and no more cancelled nodes than live ones. Compacting
 * after n/2 cancels costs O(n), so O(1) per cancel.
 */
static void tidy(struct evq *q)
{
	if (!q->cancelled)
		return;
	while (q->nr && !is_live(q, q->node[0])) {
		q->cancelled--;
		remove_top(q);
	}
	if (2 * q->cancelled > q->nr)
		compact(q);
}

/*
 * Gives the live nodes the ranks 0 .. n-1 in (time, rank) order, which
 * keeps the order of every pair of nodes. Sorting in place (heapsort to
 * descending, then reversed) leaves an ascending array: still a heap.
 */
static void renumber(struct evq *q)
{
	struct evq_node *node = q->node;

	compact(q);
	assert(q->nr < q->rank_limit);
	for (size_t n = q->nr; n > 1; n--) {
		struct evq_node min = node[0];
		sift_down(node, n - 1, 0, node[n - 1]);
		node[n - 1] = min;
	}
	for (size_t i = 0, j = q->nr; i + 1 < j; i++, j--) {
		struct evq_node t = node[i];
		node[i] = node[j - 1];
		node[j - 1] = t;
	}
	for (size_t i = 0; i < q->nr; i++) {
		node[i].tag = (uint64_t)i << 32 | id_of(node[i]);
		evq_event_at(q, id_of(node[i]))->rank = (uint32_t)i;
	}
	q->next_rank = (uint32_t)q->nr;
}

static void heap_grow(struct evq *q)
{
	size_t n = q->alloc ? 2 * q->alloc : 256;
	void *raw = xmalloc((n + SLOT_SHIFT) * sizeof(struct evq_node) + GROUP);
	char *base = (char *)raw + (GROUP - (uintptr_t)raw % GROUP) % GROUP;
	struct evq_node *node = (struct evq_node *)base + SLOT_SHIFT;

	assert(n <= EVQ_NOT_PENDING);
	if (q->nr)
		memcpy(node, q->node, q->nr * sizeof(*node));
	free(q->node_mem);
	q->node_mem = raw;
	q->node = node;
	q->alloc = n;
	q->allocations++;
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
	free(q->node_mem);
	evq_init(q);
}

static void pool_grow(struct evq *q)
{
	size_t b = q->nr_blocks;
	size_t n = b < EVQ_BLOCK_SHIFT ? (size_t)FIRST_BLOCK << b : MAX_BLOCK;
	size_t had = q->alloc_blocks;

	if (n > MAX_BLOCK)
		n = MAX_BLOCK;
	assert(b < ((size_t)1 << (32 - EVQ_BLOCK_SHIFT)));
	struct event *blk = xmalloc(n * sizeof(*blk));
	XALLOC_GROW(q->blocks, q->nr_blocks + 1, q->alloc_blocks);
	q->allocations += 1 + (q->alloc_blocks != had);
	q->blocks[q->nr_blocks++] = blk;
	for (size_t i = n; i-- > 0;) {
		blk[i].id = (uint32_t)(b << EVQ_BLOCK_SHIFT | i);
		blk[i].next_free = q->free_list;
		q->free_list = &blk[i];
	}
}

struct event *evq_event_new(struct evq *q)
{
	if (!q->free_list)
		pool_grow(q);
	struct event *ev = q->free_list;
	q->free_list = ev->next_free;
	*ev = (struct event){.rank = EVQ_NOT_PENDING, .id = ev->id};
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
	assert(ev->rank == EVQ_NOT_PENDING);
	assert(evq_event_at(q, ev->id) == ev);
	if (q->next_rank >= q->rank_limit)
		renumber(q);
	if (q->nr == q->alloc)
		heap_grow(q);
	ev->time = time;
	ev->seq = q->next_seq++;
	ev->rank = q->next_rank++;
	sift_up(q->node, q->nr++, (struct evq_node){time, (uint64_t)ev->rank << 32 | ev->id});
}

struct event *evq_pop(struct evq *q)
{
	if (!q->nr)
		return NULL;
	struct event *top = evq_event_at(q, id_of(q->node[0]));
	top->rank = EVQ_NOT_PENDING;
	remove_top(q);
	tidy(q);
	if (q->nr)
		PREFETCH(evq_event_at(q, id_of(q->node[0]))); /* the caller will soon read it */
	return top;
}

bool evq_cancel(struct evq *q, struct event *ev)
{
	if (ev->rank == EVQ_NOT_PENDING)
		return false;
	ev->rank = EVQ_NOT_PENDING;
	q->cancelled++;
	tidy(q); /* drops the node at once if it is the top */
	return true;
}

void evq_reschedule(struct evq *q, struct event *ev, sim_time time)
{
	evq_cancel(q, ev);
	evq_push(q, ev, time);
}

bool evq_check(const struct evq *q)
{
	size_t cancelled = 0;

	if (q->nr && !is_live(q, q->node[0]))
		return false;
	for (size_t i = 0; i < q->nr; i++) {
		struct evq_node n = q->node[i];
		const struct event *ev = evq_event_at(q, id_of(n));
		if (ev->id != id_of(n) || rank_of(n) >= q->next_rank)
			return false;
		if (ev->rank != rank_of(n))
			cancelled++;
		else if (ev->time != n.time || ev->seq >= q->next_seq)
			return false;
		if (i > 0 && before(&n, &q->node[(i - 1) / ARITY]))
			return false;
	}
	return cancelled == q->cancelled && 2 * cancelled <= q->nr;
}
