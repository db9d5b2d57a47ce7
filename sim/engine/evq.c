/*
 * evq — the event calendar (see evq.h).
 *
 * Representation: a radix heap on time, read in digits of D =
 * EVQ_DIGIT_BITS bits. `floor` is the time of the last pop, and no push
 * goes below it. A node due at t sits in bucket bucket_of(floor, t): 0
 * when t == floor; otherwise, with L the highest digit in which t and
 * floor differ and d the value of t's digit L (d > floor's, so d >= 1),
 * bucket L * (2^D - 1) + d. Every time in a bucket is below every time in
 * a higher one, so the next event is in the lowest bucket in use. Popping
 * it from bucket k > 0 moves floor up to its time and spreads bucket k
 * over the (empty) buckets below. The new floor agrees with the old one
 * above digit L, so no other bucket changes. A node only ever moves to a
 * lower level: a delay of x costs about log_16(x) moves, each a
 * sequential copy of 16 bytes, where a heap takes a dependent step per
 * level that misses the cache once the heap outgrows it.
 *
 * Order among equal times: buckets are FIFO. Nodes enter a bucket either
 * from a push (the newest rank so far) or when a higher bucket is spread,
 * which happens only when every lower bucket is empty, in that bucket's
 * order. So the pending nodes of every bucket are in scheduling order, and
 * bucket 0 (all due at floor) pops from the front.
 *
 * Invariants:
 *   every node is in bucket_of(floor, its time); bucket 0 holds times ==
 *   floor, from slot `front` of its first chunk;
 *   the pending nodes of each bucket are in increasing seq;
 *   used has bit k-1 set exactly when bucket k > 0 holds nodes;
 *   a chunk is full unless it is its bucket's last;
 *   in a bucket k > 0 that holds nodes, `min` is the first of its nodes
 *   with the smallest time, pending or cancelled (checked before use);
 *   head is the next pending node: the front of bucket 0 if it holds a
 *   pending node, else the minimum of the lowest bucket in use. When head
 *   is in bucket k > 0, buckets 0 .. k-1 are empty and no node of bucket
 *   k is due before it;
 *   a node is pending when its event's rank equals the node's rank;
 *   `cancelled` counts the others and 2 * cancelled <= nr.
 * Ranks of cancelled nodes are never handed out again before a
 * renumbering, and renumbering drops every cancelled node first, so a
 * freed and reused event never matches its stale node. Cancelled nodes
 * travel with the others until bucket 0, a compaction, or a bucket whose
 * minimum they are, drops them: testing each would read its event.
 *
 * At 100,000 pending an event is a cache miss of about 80 ns on the
 * development machine, paid by the caller that reads the popped event. So
 * a spread of a few nodes (the next few to pop) prefetches their events,
 * and a pop prefetches the next head's. A head alone in its bucket, the
 * common case when few events are pending, is popped without a spread.
 *
 * Measured with bench/bench_evq (hold, 100,000 pending, CPU time): the
 * 4-ary heap with back-pointers in the events, 3.3 M ops/s; a 4-ary heap
 * of 16-byte nodes without them, 7.7 M (8-ary: 7.0 M); this radix heap
 * with 1-bit digits, 7.5 M, 12.5 M with the prefetches; digits of 2, 3,
 * 4, 5, 6 bits: 13, 15, 17, 15, 17 M. Four bits keep struct evq to 241
 * buckets (10 KiB). With the 20 to 30 events a simulated service keeps
 * pending (bench_run, bench_queue) the calendar costs what the heap did,
 * within a few percent: fewer instructions, more mispredicted branches.
 *
 * Storage: buckets are lists of 1 KiB chunks taken from one spare list,
 * so memory follows the number of nodes (at most nr / 63 + 242 chunks),
 * not the number of buckets times their largest size. The event pool
 * hands out events from blocks that double in size (64 .. 8192 events);
 * block b holds ids b << EVQ_BLOCK_SHIFT onwards. Freed events and chunks
 * go on LIFO lists, so recently used (cache warm) memory is reused first.
 * Blocks are freed only by evq_release.
 */
#include "spotsim/engine/evq.h"

#include "spotsim/util/xalloc.h"

#include <assert.h>
#include <stdlib.h>

#if defined(__GNUC__)
#define PREFETCH(p) __builtin_prefetch(p)
#else
#define PREFETCH(p) ((void)0)
#endif

#define SOON	     32 /* a spread of at most this many nodes prefetches their events */
#define FIRST_BLOCK  64
#define MAX_BLOCK    (1u << EVQ_BLOCK_SHIFT)
#define CHUNK	     63 /* nodes per chunk: 1 KiB with its header */
#define CHUNKS_BLOCK 16 /* chunks per allocation */

struct evq_chunk {
	struct evq_chunk *next;
	uint32_t nr;
	struct evq_node node[CHUNK];
};

#define DIGIT_MASK ((UINT64_C(1) << EVQ_DIGIT_BITS) - 1)

_Static_assert(sizeof(struct evq_node) == 16, "nodes are 16 bytes");

static inline uint32_t rank_of(struct evq_node n)
{
	return (uint32_t)(n.tag >> 32);
}

static inline uint32_t id_of(struct evq_node n)
{
	return (uint32_t)n.tag;
}

static inline struct evq_node node_of(const struct event *ev)
{
	return (struct evq_node){ev->time, (uint64_t)ev->rank << 32 | ev->id};
}

static inline bool is_live(const struct evq *q, struct evq_node n)
{
	return evq_event_at(q, id_of(n))->rank == rank_of(n);
}

static inline unsigned highest_bit(uint64_t x)
{
#if defined(__GNUC__)
	return 63 - (unsigned)__builtin_clzll(x);
#else
	unsigned b = 0;
	while (x >>= 1)
		b++;
	return b;
#endif
}

static inline unsigned lowest_bit(uint64_t x)
{
#if defined(__GNUC__)
	return (unsigned)__builtin_ctzll(x);
#else
	unsigned b = 0;
	while (!(x & 1)) {
		x >>= 1;
		b++;
	}
	return b;
#endif
}

/*
 * The bucket of time t >= floor. Digits are read with the sign bit
 * flipped, which turns signed order into unsigned order.
 */
static inline unsigned bucket_of(sim_time floor, sim_time t)
{
	uint64_t x = (uint64_t)t ^ (uint64_t)floor;
	if (!x)
		return 0;
	unsigned level = highest_bit(x) / EVQ_DIGIT_BITS;
	uint64_t digit =
	    (((uint64_t)t ^ ((uint64_t)1 << 63)) >> (level * EVQ_DIGIT_BITS)) & DIGIT_MASK;
	return level * (unsigned)DIGIT_MASK + (unsigned)digit;
}

static inline void mark_used(struct evq *q, unsigned k)
{
	q->used[(k - 1) / 64] |= (uint64_t)1 << ((k - 1) % 64);
}

static inline void mark_unused(struct evq *q, unsigned k)
{
	q->used[(k - 1) / 64] &= ~((uint64_t)1 << ((k - 1) % 64));
}

static inline bool is_used(const struct evq *q, unsigned k)
{
	return q->used[(k - 1) / 64] >> ((k - 1) % 64) & 1;
}

/* The lowest bucket k >= 1 in use, or 0 when there is none. */
static inline unsigned lowest_used(const struct evq *q)
{
	for (unsigned w = 0; w < EVQ_USED_WORDS; w++)
		if (q->used[w])
			return w * 64 + lowest_bit(q->used[w]) + 1;
	return 0;
}

/* ---- chunks ---- */

static void chunks_grow(struct evq *q)
{
	size_t had = q->alloc_chunk_blocks;
	struct evq_chunk *blk = xmalloc(CHUNKS_BLOCK * sizeof(*blk));

	XALLOC_GROW(q->chunk_blocks, q->nr_chunk_blocks + 1, q->alloc_chunk_blocks);
	q->allocations += 1 + (q->alloc_chunk_blocks != had);
	q->chunk_blocks[q->nr_chunk_blocks++] = blk;
	for (size_t i = CHUNKS_BLOCK; i-- > 0;) {
		blk[i].next = q->spare_chunks;
		q->spare_chunks = &blk[i];
	}
}

static inline void chunk_put(struct evq *q, struct evq_chunk *c)
{
	c->next = q->spare_chunks;
	q->spare_chunks = c;
}

/* Puts back the chunks from c to the end of its list. */
static void chunks_put(struct evq *q, struct evq_chunk *c)
{
	while (c) {
		struct evq_chunk *next = c->next;
		chunk_put(q, c);
		c = next;
	}
}

/* ---- buckets ---- */

/* Appends n to bucket k, keeping its minimum; the caller counts the node in q->nr. */
static inline void append(struct evq *q, unsigned k, struct evq_node n)
{
	struct evq_bucket *b = &q->bucket[k];
	struct evq_chunk *c = b->last;

	if (!c || c->nr == CHUNK) {
		if (!q->spare_chunks)
			chunks_grow(q);
		struct evq_chunk *fresh = q->spare_chunks;
		q->spare_chunks = fresh->next;
		fresh->next = NULL;
		fresh->nr = 0;
		if (c)
			c->next = fresh;
		else
			b->first = fresh;
		b->last = c = fresh;
	}
	c->node[c->nr++] = n;
	if (!b->nr++) {
		b->min = n;
		if (k)
			mark_used(q, k);
	} else if (n.time < b->min.time) {
		b->min = n;
	}
}

/* Empties bucket k's bookkeeping; its chunks are the caller's. */
static void bucket_clear(struct evq *q, unsigned k)
{
	q->bucket[k] = (struct evq_bucket){NULL, NULL, 0, {0, 0}};
	if (k)
		mark_unused(q, k);
	else
		q->front = 0;
}

/* Removes the front node of bucket 0 (which holds one); the caller fixes q->nr and cancelled. */
static void pop_front(struct evq *q)
{
	struct evq_bucket *b = &q->bucket[0];
	struct evq_chunk *c = b->first;

	b->nr--;
	if (++q->front < c->nr)
		return;
	if (c == b->last) {
		chunk_put(q, c);
		bucket_clear(q, 0);
		return;
	}
	b->first = c->next;
	chunk_put(q, c);
	q->front = 0;
}

/*
 * Drops the cancelled nodes of bucket k, keeping the order of the others,
 * and recomputes its minimum. O(size of the bucket).
 */
static void bucket_filter(struct evq *q, unsigned k)
{
	struct evq_bucket *b = &q->bucket[k];
	struct evq_chunk *w = b->first;
	uint32_t wi = 0, ri = k ? 0 : q->front;
	size_t kept = 0;

	for (struct evq_chunk *r = b->first; r; r = r->next, ri = 0)
		for (; ri < r->nr; ri++) {
			struct evq_node n = r->node[ri];
			if (!is_live(q, n))
				continue;
			if (wi == CHUNK) {
				w = w->next;
				wi = 0;
			}
			w->node[wi++] = n;
			if (!kept++ || n.time < b->min.time)
				b->min = n;
		}
	q->cancelled -= b->nr - kept;
	q->nr -= b->nr - kept;
	if (!kept) {
		chunks_put(q, b->first);
		bucket_clear(q, k);
		return;
	}
	chunks_put(q, w->next);
	w->next = NULL;
	w->nr = wi;
	b->last = w;
	b->nr = kept;
	if (!k)
		q->front = 0;
}

/*
 * Moves floor up to `to`, the time of the next event, which is in bucket
 * k, and spreads bucket k over the buckets below, which are empty.
 * Cancelled nodes move along: checking each would read its event.
 */
static void spread(struct evq *q, unsigned k, sim_time to)
{
	struct evq_chunk *c = q->bucket[k].first;
	size_t nr = q->bucket[k].nr;

	bucket_clear(q, k);
	q->floor = to;
	for (struct evq_chunk *r = c; r; r = r->next)
		for (uint32_t i = 0; i < r->nr; i++) {
			if (nr <= SOON) /* all of them will be popped soon */
				PREFETCH(evq_event_at(q, id_of(r->node[i])));
			append(q, bucket_of(to, r->node[i].time), r->node[i]);
		}
	chunks_put(q, c);
}

/* Finds the next pending node and makes it head, dropping cancelled nodes in the way. */
static void find_head(struct evq *q)
{
	struct evq_bucket *b0 = &q->bucket[0];

	while (b0->nr) {
		struct evq_node n = b0->first->node[q->front];
		if (!q->cancelled || is_live(q, n)) {
			q->head = n;
			return;
		}
		pop_front(q);
		q->cancelled--;
		q->nr--;
	}
	for (unsigned k; (k = lowest_used(q));) {
		struct evq_bucket *b = &q->bucket[k];
		if (q->cancelled && !is_live(q, b->min))
			bucket_filter(q, k);
		if (b->nr) {
			q->head = b->min;
			return;
		}
	}
}

/* Drops every cancelled node. O(n), after n/2 cancels: O(1) per cancel. */
static void compact(struct evq *q)
{
	for (unsigned k = 0; k < EVQ_BUCKETS; k++)
		if (q->bucket[k].nr)
			bucket_filter(q, k);
}

/* Gives the pending nodes the ranks 0 .. n-1; ranks only tell pushes apart, so any order does. */
static void renumber(struct evq *q)
{
	uint32_t r = 0;

	compact(q);
	assert(q->nr < q->rank_limit);
	for (unsigned k = 0; k < EVQ_BUCKETS; k++) {
		struct evq_bucket *b = &q->bucket[k];
		uint32_t i = k ? 0 : q->front;
		for (struct evq_chunk *c = b->first; c; c = c->next, i = 0)
			for (; i < c->nr; i++) {
				struct event *ev = evq_event_at(q, id_of(c->node[i]));
				ev->rank = r++;
				c->node[i] = node_of(ev);
			}
		if (b->nr)
			b->min = node_of(evq_event_at(q, id_of(b->min)));
	}
	if (evq_size(q))
		q->head = node_of(evq_event_at(q, id_of(q->head)));
	q->next_rank = r;
}

/* ---- the pool ---- */

void evq_init(struct evq *q)
{
	*q = (struct evq)EVQ_INIT;
}

void evq_release(struct evq *q)
{
	for (size_t i = 0; i < q->nr_blocks; i++)
		free(q->blocks[i]);
	free(q->blocks);
	for (size_t i = 0; i < q->nr_chunk_blocks; i++)
		free(q->chunk_blocks[i]);
	free(q->chunk_blocks);
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

/* ---- the calendar ---- */

void evq_push(struct evq *q, struct event *ev, sim_time time)
{
	assert(ev->rank == EVQ_NOT_PENDING);
	assert(evq_event_at(q, ev->id) == ev);
	assert(time >= q->floor);
	if (q->next_rank >= q->rank_limit)
		renumber(q);
	ev->time = time;
	ev->seq = q->next_seq++;
	ev->rank = q->next_rank++;
	struct evq_node n = node_of(ev);
	append(q, bucket_of(q->floor, time), n);
	if (q->nr++ == q->cancelled || time < q->head.time)
		q->head = n;
}

struct event *evq_pop(struct evq *q)
{
	if (!evq_size(q))
		return NULL;
	struct evq_node h = q->head;
	if (h.time == q->floor) {
		assert(q->bucket[0].first->node[q->front].tag == h.tag);
		pop_front(q);
	} else {
		unsigned k = bucket_of(q->floor, h.time);
		struct evq_bucket *b = &q->bucket[k];
		if (b->nr == 1) { /* the head alone: no need to spread */
			chunk_put(q, b->first);
			bucket_clear(q, k);
			q->floor = h.time;
		} else {
			spread(q, k, h.time);
			assert(q->bucket[0].first->node[q->front].tag == h.tag);
			pop_front(q);
		}
	}
	q->nr--;
	struct event *ev = evq_event_at(q, id_of(h));
	ev->rank = EVQ_NOT_PENDING;
	if (q->cancelled && 2 * q->cancelled > q->nr)
		compact(q);
	find_head(q);
	if (evq_size(q)) /* most likely the next event popped */
		PREFETCH(evq_event_at(q, id_of(q->head)));
	return ev;
}

bool evq_cancel(struct evq *q, struct event *ev)
{
	if (ev->rank == EVQ_NOT_PENDING)
		return false;
	uint64_t tag = node_of(ev).tag;

	ev->rank = EVQ_NOT_PENDING;
	q->cancelled++;
	if (2 * q->cancelled > q->nr)
		compact(q);
	if (q->head.tag == tag)
		find_head(q);
	return true;
}

void evq_reschedule(struct evq *q, struct event *ev, sim_time time)
{
	evq_cancel(q, ev);
	evq_push(q, ev, time);
}

/* ---- checking ---- */

/*
 * Checks node n of bucket k. A cancelled one is counted in *cancelled; a
 * pending one must come after the last pending one seen, whose seq + 1 is
 * *after (0 before the first).
 */
static bool check_node(const struct evq *q, unsigned k, struct evq_node n, size_t *cancelled,
		       uint64_t *after)
{
	const struct event *ev = evq_event_at(q, id_of(n));

	if (ev->id != id_of(n) || rank_of(n) >= q->next_rank || n.time < q->floor ||
	    bucket_of(q->floor, n.time) != k)
		return false;
	if (ev->rank != rank_of(n)) {
		(*cancelled)++;
		return true;
	}
	if (ev->time != n.time || ev->seq >= q->next_seq || ev->seq < *after)
		return false;
	*after = ev->seq + 1;
	return true;
}

/* Checks bucket k; counts its cancelled nodes and keeps in *best the first pending node due first. */
static bool check_bucket(const struct evq *q, unsigned k, size_t *cancelled, struct evq_node *best,
			 bool *found)
{
	const struct evq_bucket *b = &q->bucket[k];
	uint32_t i = k ? 0 : q->front;
	size_t nr = 0, had = *cancelled;
	uint64_t after = 0;
	bool min_seen = false;
	sim_time smallest = 0;

	for (const struct evq_chunk *c = b->first; c; c = c->next, i = 0) {
		if ((c->next && c->nr != CHUNK) || (!c->next && c != b->last) || !c->nr)
			return false;
		for (; i < c->nr; i++, nr++) {
			struct evq_node n = c->node[i];
			if (!check_node(q, k, n, cancelled, &after))
				return false;
			if (!nr || n.time < smallest) {
				smallest = n.time;
				min_seen = n.tag == b->min.tag;
			}
			if (*cancelled == had && (!*found || n.time < best->time)) {
				*best = n;
				*found = true;
			}
			had = *cancelled;
		}
	}
	if (nr != b->nr || (k && is_used(q, k) != !!nr))
		return false;
	return !k || !nr || (min_seen && b->min.time == smallest); /* bucket 0 pops its front */
}

bool evq_check(const struct evq *q)
{
	size_t cancelled = 0, nr = 0;
	struct evq_node best = {0, 0};
	bool found = false;

	for (unsigned k = 0; k < EVQ_BUCKETS; k++) {
		if (!check_bucket(q, k, &cancelled, &best, &found))
			return false;
		nr += q->bucket[k].nr;
	}
	if (nr != q->nr || cancelled != q->cancelled || 2 * cancelled > nr)
		return false;
	if (found != (evq_size(q) > 0))
		return false;
	if (!found)
		return true;
	unsigned k = bucket_of(q->floor, q->head.time);
	for (unsigned below = 0; below < k; below++)
		if (q->bucket[below].nr)
			return false;
	return best.time == q->head.time && best.tag == q->head.tag &&
	       (!k || q->bucket[k].min.time == q->head.time);
}
