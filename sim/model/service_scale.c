/*
 * service_scale — the scheduler pass: launches up to the desired count and
 * chooses the tasks a scale-in stops (see service_internal.h).
 */
#include "service_internal.h"

#include "spotsim/model/placement.h"
#include "spotsim/util/xalloc.h"

static void launch_one(struct service *s)
{
	const struct strategy *st = &s->cfg.service->strategy;
	size_t item = placement_pick(st, s->active);
	service_task_create(s, (int)item, st->items[item].provider);
}

/* Walks active tasks from the newest, over one item's list or merging all of them. */
struct newest_walk {
	struct task *at[FARGATE_MAX_STRATEGY_ITEMS];
	size_t n;
};

static void newest_init(struct newest_walk *w, const struct service *s, int item)
{
	w->n = 0;
	for (size_t i = 0; i < s->cfg.service->strategy.nr; i++)
		if (item < 0 || (int)i == item)
			w->at[w->n++] = s->by_item[i].tail;
}

static struct task *newest_next(struct newest_walk *w)
{
	size_t best = w->n;
	for (size_t i = 0; i < w->n; i++)
		if (w->at[i] && (best == w->n || w->at[i]->id > w->at[best]->id))
			best = i;
	if (best == w->n)
		return NULL;
	struct task *t = w->at[best];
	w->at[best] = t->item_prev;
	return t;
}

/*
 * Fills s->cand with the first `n` active tasks of `item` (of every item
 * when negative) in stop order: not yet RUNNING first, then the newest,
 * passing over tasks that scale-in protection keeps. Returns how many.
 * Walks from the newest end, so it costs about the number it stops (and
 * the protected tasks it passes), not the number of tasks.
 */
static size_t stop_candidates(struct service *s, int item, long n)
{
	long waiting = 0, k = 0;
	for (size_t i = 0; i < s->cfg.service->strategy.nr; i++)
		if (item < 0 || (int)i == item)
			waiting += s->active[i] - s->active_running[i];
	XALLOC_GROW(s->cand, s->nlive + 1, s->cand_alloc);
	for (int running = 0; running < 2; running++) {
		long want = running ? n : (waiting < n ? waiting : n);
		struct newest_walk w;
		struct task *t;
		newest_init(&w, s, item);
		while (k < want && (t = newest_next(&w)))
			if ((t->state == TASK_RUNNING) == (running == 1) &&
			    !(running && service_protected_until(s, t)))
				s->cand[k++] = t;
	}
	return (size_t)k;
}

/* How many tasks each item should lose so `keep` remain, by the scale-in order. */
static void plan_scale_in(const struct service *s, long keep, long *lose)
{
	const struct strategy *st = &s->cfg.service->strategy;
	long target[FARGATE_MAX_STRATEGY_ITEMS], excess = service_active_total(s) - keep;
	enum scale_in_order order = s->cfg.scale_in_order;
	placement_split(st, keep, target);
	for (size_t i = 0; i < st->nr; i++)
		lose[i] = 0;
	for (int pass = 0; pass < 2 && excess > 0; pass++) {
		for (size_t i = 0; i < st->nr && excess > 0; i++) {
			bool spot = st->items[i].provider == PROVIDER_FARGATE_SPOT;
			if (order == SCALE_IN_SPOT_FIRST && pass == 0 && !spot)
				continue;
			if (order == SCALE_IN_ON_DEMAND_FIRST && pass == 0 && spot)
				continue;
			long want = order == SCALE_IN_BALANCED && pass == 0
					? s->active[i] - target[i]
					: s->active[i] - lose[i];
			if (want > excess)
				want = excess;
			if (want > 0) {
				lose[i] += want;
				excess -= want;
			}
		}
	}
}

/* Stops up to n active tasks of `item` (every item when negative); returns how many. */
static long stop_some(struct service *s, int item, long n)
{
	size_t k = stop_candidates(s, item, n);
	for (size_t i = 0; i < k; i++)
		service_stop_task(s, s->cand[i], STOP_SCALE_IN);
	return (long)k;
}

/*
 * Stops tasks until `keep` remain active: in the scale-in order, then, when
 * protected tasks stood in the way, any unprotected task, newest first;
 * what protection still holds back waits for it to end.
 */
static void scale_in(struct service *s, long keep)
{
	long lose[FARGATE_MAX_STRATEGY_ITEMS], need = service_active_total(s) - keep, done = 0;
	s->protect_min = 0;
	if (s->cfg.scale_in_order == SCALE_IN_NEWEST) {
		done = stop_some(s, -1, need);
	} else {
		plan_scale_in(s, keep, lose);
		for (size_t i = 0; i < s->cfg.service->strategy.nr; i++)
			done += stop_some(s, (int)i, lose[i]);
	}
	if (done < need && s->protect_min)
		done += stop_some(s, -1, need - done);
	if (done < need && s->protect_min)
		service_protection_wait(s, s->protect_min);
}

void service_on_reconcile(struct engine *e, struct event *ev, void *ctx)
{
	struct service *s = ctx;
	(void)e;
	(void)ev;
	s->reconcile = NULL;
	s->protect_wait = false; /* set again below while protection holds a stop back */
	if (service_active_total(s) > s->desired)
		scale_in(s, s->desired);
	if (s->dep.on)
		service_deploy_stop_old(s);
	/* maximumPercent holds back replacements, never a scale-out (service_bounded) */
	while (service_active_total(s) < s->desired && service_bounded(s) < service_max_total(s))
		launch_one(s);
	if (s->dep.on)
		service_deploy_check(s);
}
