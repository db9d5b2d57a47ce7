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
 * Every event knows its own slot in the heap (`pos`), so any pending event
 * can be cancelled or moved in O(log n) without a search.
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

/* Children per heap node (4: measured faster than 2, see sim/evq.c). */
#define EVQ_ARITY 4

/* The data structure, in words, for benchmarks to name. */
#define EVQ_DESIGN "4-ary heap of 16-byte (time, seq) keys with event back-pointers"

/* `pos` of an event that is not in the calendar. */
#define EVQ_NOT_PENDING UINT32_MAX

struct event {
	sim_time time; /* when it is due; kept after pop, undefined before the first push */
	uint64_t seq;  /* scheduling order; breaks ties between equal times */
	int64_t arg;   /* payload for the layer above */
	union {
		void *data;		 /* payload for the layer above, never touched by evq */
		struct event *next_free; /* free-list link while the event is pooled */
	};
	uint32_t pos; /* slot in the heap, or EVQ_NOT_PENDING */
	int type;     /* the layer above's event kind */
};

/* A heap key. Keys live in their own array, apart from the event pointers. */
struct evq_key {
	sim_time time;
	uint64_t seq;
};

struct evq {
	/*
	 * The EVQ_ARITY-ary min-heap on (time, seq) as two parallel arrays:
	 * key[i] is the key of slot i, ev[i] its event; slot 0 is the next
	 * event. key and ev point into key_mem and ev_mem (owned), offset so
	 * that every group of siblings shares one cache line.
	 */
	struct evq_key *key;
	struct event **ev;
	void *key_mem, *ev_mem;
	size_t nr, alloc;
	uint64_t next_seq;
	struct event *free_list;
	struct event **blocks; /* pool blocks, owned */
	size_t nr_blocks, alloc_blocks;
	size_t block_size;  /* events in the next block */
	size_t allocations; /* calls to the allocator so far (pool blocks and heap growth) */
};

#define EVQ_INIT                                                                                   \
	{                                                                                          \
		NULL, NULL, NULL, NULL, 0, 0, 0, NULL, NULL, 0, 0, 0, 0                            \
	}

/* Prepares an empty calendar in caller storage. Does not allocate. */
void evq_init(struct evq *q);

/*
 * Frees the heap and every pooled event, pending or not. Every event
 * pointer obtained from `q` is dead afterwards; `q` is empty and usable.
 */
void evq_release(struct evq *q);

/*
 * Returns an event from the pool with pos EVQ_NOT_PENDING, type 0, arg 0
 * and data NULL. It belongs to `q` and must be pushed to `q` or freed with
 * evq_event_free. Allocates only when the pool is empty.
 */
struct event *evq_event_new(struct evq *q);

/*
 * Returns `ev` to the pool; a pending event is cancelled first.
 * evq_event_free(q, NULL) is a no-op. O(1), or O(log n) when pending.
 */
void evq_event_free(struct evq *q, struct event *ev);

/*
 * Schedules `ev`, which must not be pending, at `time` and gives it the
 * next sequence number. O(log n); allocates only when the heap is full.
 */
void evq_push(struct evq *q, struct event *ev, sim_time time);

/* The next event (smallest time, then smallest seq), left in place; NULL when empty. O(1). */
static inline struct event *evq_peek(const struct evq *q)
{
	return q->nr ? q->ev[0] : NULL;
}

/* Removes and returns the next event, now not pending; NULL when empty. O(log n). */
struct event *evq_pop(struct evq *q);

/*
 * Removes `ev` from the calendar if it is pending; the event stays
 * allocated. Returns whether it was pending. O(log n).
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
	return q->nr;
}

/*
 * Verifies the heap order and every back-pointer; returns false on the
 * first violation. O(n): for tests and debugging only.
 */
bool evq_check(const struct evq *q);

/* Whether `ev` is in a calendar. */
static inline bool evq_pending(const struct event *ev)
{
	return ev->pos != EVQ_NOT_PENDING;
}

#endif
