#ifndef SPOTSIM_SERVICE_INTERNAL_H
#define SPOTSIM_SERVICE_INTERNAL_H
/*
 * service_internal — private to the service module: the scheduler's state
 * and what its files share beyond the contract in spotsim/model/service.h.
 * The module's files, each calling only the ones below it:
 *
 *   service.c         the public side: life cycle, counts, cost, the end
 *   service_scale.c   the scheduler pass: launches up to the desired count,
 *                     the scale-in walk
 *   service_deploy.c  rolling updates: outdated tasks, health, completion
 *   service_spot.c    Spot reclaims, capacity changes, the fallback
 *   service_launch.c  placement attempts, the launch throttle and its queues
 *   service_task.c    task life: counters, state changes, stops, billing
 *
 * Representation: every task not yet STOPPED is in `live` (an array of
 * owned task pointers; a task knows its slot, and removal moves the last
 * task into the hole, so the array's order is a pure function of the
 * history). A STOPPED task is billed, logged and freed at once, so memory
 * follows the number of tasks alive, not simulated time. Everything done
 * per event is O(1) in the number of tasks; what scans them runs once per
 * reclaim, scale-in or fallback revert, not per task.
 *
 * Invariants:
 *  - active[item] = tasks of that strategy item in PROVISIONING, PENDING or
 *    RUNNING that are not being replaced; placement picks from these. They
 *    are also linked in by_item[item], oldest (smallest id) first, and
 *    active_running[item] of them are RUNNING, so a scale-in walks from
 *    the newest end instead of sorting every task.
 *  - nstate[state][provider] counts live tasks by state, for the samples.
 *  - a task's `timer` is its one pending state transition (or NULL); a
 *    handler clears it first, since the engine recycles the event after.
 *  - launch throttling: a placement attempt the throttle delays joins
 *    queue[provider] (FIFO, no event of its own); queue[p].wake is armed,
 *    at the earliest time the throttle lets the head go, exactly when the
 *    queue is not empty. The wake-up serves heads while the throttle allows
 *    and re-arms once: each attempt costs O(1), however many wait.
 *  - a replacement link is kept both ways (replaces / replaced_by).
 *  - ninterrupted = live tasks with `noticed` (STOPPING after a Spot
 *    notice); service_bounded counts them as ECS counts them, RUNNING.
 *  - deployments: an outdated task never counts as active; those not yet
 *    stopping are linked in `old` (through their item links, which an
 *    outdated task no longer needs), oldest first; old_alive counts the
 *    outdated tasks not yet STOPPED, old_running those RUNNING. nhealthy =
 *    RUNNING tasks marked healthy; a RUNNING task's `timer`, when set, is
 *    its health-check grace.
 *  - billing is kept per task size (struct task_class), so a deployment's
 *    new size is billed at its own price.
 *  - billing: per task size, billed_now[p] tasks are billed, whose pull
 *    starts sum to start_sum[p] (seconds), so the cost accrued so far is
 *    O(1) to compute.
 *
 * Scheduling work is coalesced: any change asks for one RECONCILE event at
 * the current time, which then launches or stops tasks. Same-time events
 * run in the order they were scheduled (engine), so an interruption and a
 * scaling action at one instant resolve deterministically.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "spotsim/engine/engine.h"
#include "spotsim/engine/rng.h"
#include "spotsim/model/service.h"
#include "spotsim/model/tasks.h"

enum {
	EV_RECONCILE = 1,
	EV_PLACE,
	EV_PROVISIONED,
	EV_RUNNING,
	EV_DRAINED,
	EV_STOPPED,
	EV_NOTICE,
	EV_RECLAIM,
	EV_CAPACITY,
	EV_FALLBACK,
	EV_REVERT,
	EV_WAKE,
	EV_SHORTAGE_END,
	EV_DEPLOY,
	EV_HEALTHY,
	EV_PROTECTION,
};

#define RETRY_FIRST	(10 * SIM_SEC)
#define RETRY_MAX	(120 * SIM_SEC)
#define BUCKET_BURST	100.0
#define BUCKET_REFILL	20.0 /* tasks per second */
#define THROTTLE_WINDOW SIM_MIN

/* A doubly linked list of tasks through one pair of link fields. */
struct task_list {
	struct task *head, *tail;
};

/* Placement attempts the launch throttle holds back on one provider. */
struct launch_queue {
	struct task_list tasks; /* linked by wait_prev / wait_next, first come first */
	struct event *wake;	/* pending wake-up; NULL when the queue is empty */
	sim_time wake_at;
};

/*
 * A task size the service has run with: the scenario's task definition
 * (class 0), then each deployment's new one. Billing is kept per class so
 * that the cost accrued stays O(1) to compute.
 */
struct task_class {
	struct task_definition def;
	sim_time shutdown; /* app exit after SIGTERM */
	double vcpu;
	double hour_usd[PROVIDER_COUNT];       /* one task for one hour */
	long billed_now[PROVIDER_COUNT];       /* tasks being billed */
	double start_sum[PROVIDER_COUNT];      /* their pull starts, in seconds */
	double billed_seconds[PROVIDER_COUNT]; /* of the tasks stopped so far */
};

/* The deployment in progress (dep.on). */
struct deploy_run {
	bool on, blocked;
	size_t index; /* into cfg.deployments */
	sim_time start, grace;
	double cost_at_start, usd_per_hour_at_start;
	long min_serving, slo_minutes;
};

struct service {
	struct engine *e;
	struct service_config cfg; /* the pointers inside are borrowed */
	struct spot *spot;
	struct service_hooks hooks;
	const struct price_rate *rate[PROVIDER_COUNT];
	struct task_class *cls; /* owned, room for every deployment's */
	size_t ncls, cur_cls;	/* new tasks run with cls[cur_cls] */
	long desired;

	struct task **live;
	size_t nlive, alloc;
	int64_t next_id;
	long active[FARGATE_MAX_STRATEGY_ITEMS];
	long active_running[FARGATE_MAX_STRATEGY_ITEMS];
	struct task_list by_item[FARGATE_MAX_STRATEGY_ITEMS];
	long nstate[TASK_STOPPED + 1][PROVIDER_COUNT];
	double placed_vcpu[PROVIDER_COUNT];
	long nfallback;	   /* live tasks marked fallback */
	long ninterrupted; /* tasks STOPPING after a Spot notice: RUNNING to ECS until STOPPED */
	struct task **cand;
	size_t cand_alloc;

	double tokens[PROVIDER_COUNT];
	sim_time tokens_at[PROVIDER_COUNT];
	sim_time *launches; /* ring of the last per_minute launch times */
	size_t per_minute, launch_next, nlaunches;
	struct launch_queue queue[PROVIDER_COUNT];
	uint64_t wait_seq;

	bool spot_available;	 /* cap_model and no wave's shortage */
	bool cap_model;		 /* what the capacity model says */
	sim_time shortage_until; /* end of the latest wave's shortage */
	struct reclaim next_reclaim;
	struct event *reconcile;
	struct rng startup, choice, reclaim;
	int next_az, azs;

	size_t next_deploy; /* the next of cfg.deployments to start */
	struct deploy_run dep;
	struct task_list old; /* outdated tasks not yet stopping, oldest first (item links) */
	long old_alive;	      /* outdated tasks not yet STOPPED */
	long old_running;     /* outdated tasks RUNNING */
	long nhealthy;	      /* RUNNING tasks marked healthy */

	/* scale-in protection: a scale-in or deployment waits for it to end */
	bool protect_wait;
	sim_time protect_min;	     /* earliest expiry seen by this pass; 0: none */
	struct event *protect_timer; /* at the earliest expiry among the tasks waited for */

	sim_time running_since;
	struct service_totals totals;
	bool served_once; /* a task has been RUNNING: outages count from then */
};

/* ---- task life (service_task.c) ---- */

/* Logs a row through the event hook (t may be NULL, detail may be NULL). */
void service_log_event(struct service *s, const char *event, const struct task *t,
		       const char *detail);

/* Whether events go anywhere: callers format an event's detail only then. */
static inline bool service_logs_events(const struct service *s)
{
	return s->hooks.event != NULL;
}
/* Adds the RUNNING task-seconds up to now to the totals. */
void service_account_running(struct service *s);
/* t starts (stops) counting toward the desired count. */
void service_active_add(struct service *s, struct task *t);
void service_active_drop(struct service *s, struct task *t);
/* Moves t to `state`, keeping every counter true; logs the state. */
void service_set_state(struct service *s, struct task *t, enum task_state state);
/* Adds a task size (its price per task-hour from the service's rates); returns its index. */
size_t service_class_add(struct service *s, const struct task_definition *def, sim_time shutdown);
/* Tasks counting toward the desired count, over every strategy item. */
long service_active_total(const struct service *s);
/* Tasks RUNNING now. */
long service_serving(const struct service *s);
/*
 * What maximumPercent bounds: tasks PROVISIONING, PENDING or RUNNING, and
 * interrupted tasks until they stop (RUNNING to ECS meanwhile).
 */
long service_bounded(const struct service *s);
/* floor(desired x maximumPercent / 100), never below desired. */
long service_max_total(const struct service *s);
/* ceil(desired x minimumHealthyPercent / 100). */
long service_min_healthy(const struct service *s);
/* Links t at the end of the list of outdated tasks (through its item links). */
void service_old_append(struct service *s, struct task *t);
/* USD accrued up to now, and the rate it accrues at now (USD per hour). */
double service_cost_now(const struct service *s);
double service_usd_per_hour(const struct service *s);
/* Asks for one scheduler pass at the current time (coalesced). */
void service_request_reconcile(struct service *s);
/* A new task in PROVISIONING on provider p for strategy item `item`; its placement is due now. */
struct task *service_task_create(struct service *s, int item, enum provider p);
/* Takes t out of its provider's launch queue; an emptied queue needs no wake-up. */
void service_queue_remove(struct service *s, struct task *t);
/* Drops t's pending placement attempt, whether an event or a place in a launch queue. */
void service_cancel_attempt(struct service *s, struct task *t);
/* Cancels every pending event of t. */
void service_cancel_timers(struct service *s, struct task *t);
/* Bills t up to now and logs its BILLED row (nothing if it never started pulling). */
void service_bill(struct service *s, struct task *t, bool end_of_run);
/* Frees t (its timers already cancelled); the last live task takes its slot. */
void service_remove_live(struct service *s, struct task *t);
/* Scale-in or replacement: drain, SIGTERM, stop (SPEC §4.2). */
void service_stop_task(struct service *s, struct task *t, enum task_stop_reason why);
/* A Spot interruption notice: no new work and SIGTERM now (SPEC §4.4); `capacity`: a reclaim. */
void service_interrupt(struct service *s, struct task *t, const char *why, bool capacity);
/*
 * Until when scale-in protection keeps the RUNNING task t from being stopped
 * (0: it does not); a protected task's expiry lowers s->protect_min.
 */
sim_time service_protected_until(struct service *s, const struct task *t);
/* Something waits for protection: look again at `until` (the protection's expiry). */
void service_protection_wait(struct service *s, sim_time until);
/* A start-up duration from the startup stream. */
sim_time service_sample(struct service *s, const struct dist *d);

/* ---- deployments (service_deploy.c) ---- */

/* Schedules the next deployment of cfg.deployments, if any is left. */
void service_deploy_arm(struct service *s);
/* The deployment's part of a scheduler pass: stops old tasks, notes completion. */
void service_deploy_stop_old(struct service *s);
void service_deploy_check(struct service *s);
/* The end of the run: a deployment still in progress counts up to now. */
void service_deploy_finish(struct service *s);

/* ---- Spot (service_spot.c) ---- */

/* Schedules the next reclaim event of the spot model, if any is left. */
void service_arm_reclaim(struct service *s);
/* Reads Spot capacity now and schedules its next change. */
void service_arm_capacity(struct service *s);

/* ---- event handlers, registered by service_new ---- */

void service_on_reconcile(struct engine *e, struct event *ev, void *ctx);
void service_on_place(struct engine *e, struct event *ev, void *ctx);
void service_on_wake(struct engine *e, struct event *ev, void *ctx);
void service_on_provisioned(struct engine *e, struct event *ev, void *ctx);
void service_on_running(struct engine *e, struct event *ev, void *ctx);
void service_on_drained(struct engine *e, struct event *ev, void *ctx);
void service_on_stopped(struct engine *e, struct event *ev, void *ctx);
void service_on_notice(struct engine *e, struct event *ev, void *ctx);
void service_on_reclaim(struct engine *e, struct event *ev, void *ctx);
void service_on_capacity(struct engine *e, struct event *ev, void *ctx);
void service_on_fallback(struct engine *e, struct event *ev, void *ctx);
void service_on_revert(struct engine *e, struct event *ev, void *ctx);
void service_on_shortage_end(struct engine *e, struct event *ev, void *ctx);
void service_on_deploy(struct engine *e, struct event *ev, void *ctx);
void service_on_healthy(struct engine *e, struct event *ev, void *ctx);
void service_on_protection(struct engine *e, struct event *ev, void *ctx);

#endif
