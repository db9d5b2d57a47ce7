#ifndef SPOTSIM_EVQ_H
#define SPOTSIM_EVQ_H
/*
 * evq — the event calendar: a priority queue of pending events.
 *
 * Events are ordered by (time, seq). `seq` is taken from a 64-bit counter
 * each time an event is pushed or rescheduled, so events due at the same
 * time come out in the order they were scheduled (FIFO), and a run is
 * deterministic whatever the layout inside.
 *
 * The clock is monotone: an event may not be pushed earlier than the time
 * of the last event popped (the engine never schedules before `now`).
 * The calendar is a radix heap that relies on this (see sim/engine/evq.c):
 * a push costs O(1), and an event's 16-byte node moves about once per
 * 4-bit digit of its delay (at most 16 times) before it is popped.
 *
 * Events are pooled. evq_event_new hands out an event from the calendar's
 * free list, evq_event_free puts it back; the pool grows in blocks and
 * gives memory back only at evq_release. Pushing, popping, cancelling and
 * rescheduling never allocate once the pool and the calendar have reached
 * the largest size the run needs (see `allocations`).
 *
 * Cancelling is lazy: the event is marked not pending at once, and its
 * node is dropped when it comes near the front or when the calendar is
 * compacted, which happens as soon as cancelled nodes outnumber pending
 * ones. The calendar therefore never holds more than twice as many nodes
 * as pending events, and a cancelled event may be freed and reused at
 * once.
 *
 * Ownership: an event belongs to the calendar it came from and may only be
 * pushed to that calendar. While pending it is in the calendar; the caller
 * holds a borrowed pointer that stays valid until the event is freed or
 * the calendar released. A popped or cancelled event is not pending but is
 * still allocated: the caller pushes it again or frees it.
 *
 * The calendar knows nothing about what events mean: `type`, `arg` and
 * `data` belong to the layer above (the engine dispatches on `type`).
 *
 *     struct evq q;
 *     evq_init(&q);
 *     struct event *ev = evq_event_new(&q);
 *     ev->type = 1;
 *     evq_push(&q, ev, 5 * SIM_SEC);
 *     while ((ev = evq_pop(&q)))
 *             evq_event_free(&q, ev);
 *     evq_release(&q);
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "spotsim/engine/simtime.h"

/* The data structure, in words, for benchmarks to name. */
#define EVQ_DESIGN                                                                                 \
	"radix heap on 4-bit digits of time, 241 FIFO buckets of 16-byte nodes, lazy cancel"

/*
 * The radix heap reads times in digits of EVQ_DIGIT_BITS bits. Bucket 0
 * holds events due at the time of the last pop; the others are due later,
 * one bucket per (highest digit in which the time differs from the last
 * pop's, value of that digit).
 */
#define EVQ_DIGIT_BITS 4
#define EVQ_LEVELS     ((64 + EVQ_DIGIT_BITS - 1) / EVQ_DIGIT_BITS)
#define EVQ_BUCKETS    (1 + EVQ_LEVELS * ((1 << EVQ_DIGIT_BITS) - 1))
#define EVQ_USED_WORDS ((EVQ_BUCKETS - 1 + 63) / 64)

/* `rank` of an event that is not in the calendar. */
#define EVQ_NOT_PENDING UINT32_MAX

/* Pool blocks hold at most 1 << EVQ_BLOCK_SHIFT events; event ids are (block << shift) | slot. */
#define EVQ_BLOCK_SHIFT 13

struct event {
	sim_time time; /* when it is due; kept after pop, undefined before the first push */
	uint64_t seq;  /* scheduling order; breaks ties between equal times */
	int64_t arg;   /* payload for the layer above */
	union {
		void *data;		 /* payload for the layer above, never touched by evq */
		struct event *next_free; /* free-list link while the event is pooled */
	};
	uint32_t rank; /* evq's: the rank of its node, or EVQ_NOT_PENDING */
	uint32_t id;   /* evq's: its place in the pool, fixed */
	int type;      /* the layer above's event kind */
};

/*
 * A node stands for one push of an event: its time, and `tag` = rank << 32
 * | id. Ranks are handed out one per push, so a node whose rank is no
 * longer its event's was cancelled. They are 32 bits and renumbered
 * before the counter runs out.
 */
struct evq_node {
	sim_time time;
	uint64_t tag;
};

struct evq_chunk; /* a run of nodes, private to evq.c */

struct evq_bucket {
	struct evq_chunk *first, *last; /* nodes in scheduling order; NULL when empty */
	size_t nr;			/* nodes, pending or cancelled */
	struct evq_node min;		/* the first node with the smallest time, when nr > 0 */
};

struct evq {
	struct evq_bucket bucket[EVQ_BUCKETS];
	uint64_t used[EVQ_USED_WORDS]; /* bit k-1 set when bucket k >= 1 holds nodes */
	uint32_t front;		       /* bucket 0 starts at this slot of its first chunk */
	sim_time floor;		       /* the time of the last pop; buckets are relative to it */
	struct evq_node head;	       /* the next event's node, when any event is pending */
	size_t nr;		       /* nodes, pending or cancelled */
	size_t cancelled;	       /* nodes whose event was cancelled since */
	uint64_t next_seq;	       /* seq of the next push */
	uint32_t next_rank;	       /* rank of the next push */
	uint32_t rank_limit; /* ranks are renumbered when next_rank reaches it (tests lower it) */
	struct evq_chunk *spare_chunks;
	void **chunk_blocks; /* chunk storage, owned */
	size_t nr_chunk_blocks, alloc_chunk_blocks;
	struct event *free_list;
	struct event **blocks; /* pool blocks, owned; block b holds ids b << EVQ_BLOCK_SHIFT ... */
	size_t nr_blocks, alloc_blocks;
	size_t allocations; /* allocator calls so far (event and chunk blocks, their tables) */
};

#define EVQ_INIT                                                                                   \
	{                                                                                          \
		.floor = INT64_MIN, .rank_limit = EVQ_NOT_PENDING                                  \
	}

/* Prepares an empty calendar in caller storage. Does not allocate. */
void evq_init(struct evq *q);

/*
 * Frees the calendar and every pooled event, pending or not. Every event
 * pointer obtained from `q` is dead afterwards; `q` is empty and usable.
 */
void evq_release(struct evq *q);

/*
 * Returns an event from the pool, not pending, with type 0, arg 0 and
 * data NULL. It belongs to `q` and must be pushed to `q` or freed with
 * evq_event_free. Allocates only when the pool is empty.
 */
struct event *evq_event_new(struct evq *q);

/*
 * Returns `ev` to the pool; a pending event is cancelled first.
 * evq_event_free(q, NULL) is a no-op. O(1) amortized.
 */
void evq_event_free(struct evq *q, struct event *ev);

/*
 * Schedules `ev`, which must not be pending, at `time`, which must not be
 * before the time of the last pop, and gives it the next sequence number.
 * O(1) amortized; allocates only when the calendar's storage is full.
 */
void evq_push(struct evq *q, struct event *ev, sim_time time);

/* The event with pool id `id`. */
static inline struct event *evq_event_at(const struct evq *q, uint32_t id)
{
	return q->blocks[id >> EVQ_BLOCK_SHIFT] + (id & ((1u << EVQ_BLOCK_SHIFT) - 1));
}

/* Number of pending events. */
static inline size_t evq_size(const struct evq *q)
{
	return q->nr - q->cancelled;
}

/* The next event (smallest time, then smallest seq), left in place; NULL when empty. O(1). */
static inline struct event *evq_peek(const struct evq *q)
{
	return evq_size(q) ? evq_event_at(q, (uint32_t)q->head.tag) : NULL;
}

/*
 * Removes and returns the next event, now not pending; NULL when empty.
 * O(1) amortized, plus the moves described above.
 */
struct event *evq_pop(struct evq *q);

/*
 * Takes `ev` out of the calendar if it is pending; the event stays
 * allocated. Returns whether it was pending. O(1) amortized, except for
 * the next event, whose successor may have to be found by scanning the
 * bucket it was in (the events due within the same digit of time).
 */
bool evq_cancel(struct evq *q, struct event *ev);

/*
 * Moves `ev` to `time` (not before the last pop) with a new sequence
 * number, exactly as a cancel followed by a push would (so it runs after
 * events already scheduled at that time); pushes it when it is not
 * pending.
 */
void evq_reschedule(struct evq *q, struct event *ev, sim_time time);

/*
 * Verifies every invariant of the calendar (bucket of every node, order,
 * counts, the cached minimums and the next event); returns false on the
 * first violation. O(n): for tests and debugging only.
 */
bool evq_check(const struct evq *q);

/* Whether `ev` is in a calendar. */
static inline bool evq_pending(const struct event *ev)
{
	return ev->rank != EVQ_NOT_PENDING;
}

#endif
