#ifndef SPOTSIM_EVQ_H
#define SPOTSIM_EVQ_H
/*
 * evq — the event calendar: a priority queue of pending events.
 *
 * Events are ordered by (time, seq). `seq` is taken from a 64-bit counter
 * each time an event is pushed or rescheduled, so events due at the same
 * time come out in the order they were scheduled (FIFO), and a run is
 * deterministic whatever the heap layout.
 *
 * Events are pooled. evq_event_new hands out an event from the calendar's
 * free list, evq_event_free puts it back; the pool grows in blocks and
 * gives memory back only at evq_release. Pushing, popping, cancelling and
 * rescheduling never allocate once the heap and the pool have reached the
 * largest size the run needs (see `allocations`).
 *
 * The heap holds small nodes (time, rank, event id), not the events: a
 * sift moves 16 bytes and never writes to an event. Cancelling is lazy:
 * the event is marked not pending at once, and its node is dropped when it
 * reaches the top or when the heap is compacted, which happens as soon as
 * cancelled nodes outnumber pending ones. The heap therefore never holds
 * more than twice the pending events (plus one), and the pool never holds
 * more events than were allocated at once: a cancelled event may be freed
 * and reused at once.
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

/* Children per heap node (see sim/engine/evq.c for the measurements). */
#define EVQ_ARITY 4

/* The data structure, in words, for benchmarks to name. */
#define EVQ_DESIGN "4-ary heap of 16-byte (time, rank, id) nodes, lazy cancel"

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
	uint32_t rank; /* evq's: the rank of its node in the heap, or EVQ_NOT_PENDING */
	uint32_t id;   /* evq's: its place in the pool, fixed */
	int type;      /* the layer above's event kind */
};

/*
 * A heap node: the event's time, and `tag` = rank << 32 | id. Ranks are
 * handed out in scheduling order, so (time, tag) sorts exactly as
 * (time, seq) does; they are 32 bits and are renumbered, keeping their
 * order, before the counter runs out.
 */
struct evq_node {
	sim_time time;
	uint64_t tag;
};

struct evq {
	/*
	 * The EVQ_ARITY-ary min-heap on (time, tag): node[0] is the next
	 * event. node points into node_mem (owned), offset so that every
	 * group of siblings shares one cache line.
	 */
	struct evq_node *node;
	void *node_mem;
	size_t nr;	     /* nodes in the heap, pending or cancelled */
	size_t cancelled;    /* nodes whose event was cancelled since */
	size_t alloc;	     /* node slots */
	uint64_t next_seq;   /* seq of the next push */
	uint32_t next_rank;  /* rank of the next push */
	uint32_t rank_limit; /* ranks are renumbered when next_rank reaches it (tests lower it) */
	struct event *free_list;
	struct event **blocks; /* pool blocks, owned; block b holds ids b << EVQ_BLOCK_SHIFT ... */
	size_t nr_blocks, alloc_blocks;
	size_t allocations; /* calls to the allocator so far (pool blocks and heap growth) */
};

#define EVQ_INIT                                                                                   \
	{                                                                                          \
		NULL, NULL, 0, 0, 0, 0, 0, EVQ_NOT_PENDING, NULL, NULL, 0, 0, 0                    \
	}

/* Prepares an empty calendar in caller storage. Does not allocate. */
void evq_init(struct evq *q);

/*
 * Frees the heap and every pooled event, pending or not. Every event
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
 * Schedules `ev`, which must not be pending, at `time` and gives it the
 * next sequence number. O(log n); allocates only when the heap is full.
 */
void evq_push(struct evq *q, struct event *ev, sim_time time);

/* The event with pool id `id`. */
static inline struct event *evq_event_at(const struct evq *q, uint32_t id)
{
	return q->blocks[id >> EVQ_BLOCK_SHIFT] + (id & ((1u << EVQ_BLOCK_SHIFT) - 1));
}

/* The next event (smallest time, then smallest seq), left in place; NULL when empty. O(1). */
static inline struct event *evq_peek(const struct evq *q)
{
	return q->nr ? evq_event_at(q, (uint32_t)q->node[0].tag) : NULL;
}

/* Removes and returns the next event, now not pending; NULL when empty. O(log n). */
struct event *evq_pop(struct evq *q);

/*
 * Takes `ev` out of the calendar if it is pending; the event stays
 * allocated. Returns whether it was pending. O(1) amortized, O(log n)
 * when `ev` is the next event.
 */
bool evq_cancel(struct evq *q, struct event *ev);

/*
 * Moves `ev` to `time` with a new sequence number, exactly as a cancel
 * followed by a push would (so it runs after events already scheduled at
 * that time); pushes it when it is not pending. O(log n).
 */
void evq_reschedule(struct evq *q, struct event *ev, sim_time time);

/* Number of pending events. */
static inline size_t evq_size(const struct evq *q)
{
	return q->nr - q->cancelled;
}

/*
 * Verifies the heap order, the ranks, the count of cancelled nodes and
 * that the top is pending; returns false on the first violation. O(n):
 * for tests and debugging only.
 */
bool evq_check(const struct evq *q);

/* Whether `ev` is in a calendar. */
static inline bool evq_pending(const struct event *ev)
{
	return ev->rank != EVQ_NOT_PENDING;
}

#endif
