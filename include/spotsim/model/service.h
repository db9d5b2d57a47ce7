#ifndef SPOTSIM_SERVICE_H
#define SPOTSIM_SERVICE_H
/*
 * service — the ECS service scheduler for one replication (SPEC §4.3–4.5).
 *
 * It keeps `desired` tasks active (PROVISIONING, PENDING or RUNNING and not
 * being stopped or replaced): it launches tasks with the capacity provider
 * strategy when there are fewer, stops tasks when there are more, and
 * replaces every task that stops.
 *
 * maximumPercent and minimumHealthyPercent as the ECS API defines them:
 * they bound deployments and replacements, never a scale-out. A launch
 * waits while the tasks PROVISIONING, PENDING or RUNNING, with interrupted
 * tasks not yet stopped (RUNNING to ECS until then), number
 * floor(desired x maximumPercent / 100) or more; that count exceeds the
 * active tasks only while tasks are being replaced (an interrupted task, a
 * fallback task awaiting its Spot replacement, a deployment's old tasks),
 * so draining tasks never delay a scale-out. minimumHealthyPercent bounds
 * the old tasks a deployment may stop: the healthy tasks left must number
 * ceil(desired x minimumHealthyPercent / 100) or more.
 *
 * Deployments (cfg.deployments; README "Deployments"): at each one's time
 * every task not being stopped is outdated; new tasks (of the deployment's
 * size, when it gives one) start in their place within maximumPercent, and
 * outdated tasks stop as minimumHealthyPercent allows, counting a new task
 * healthy once RUNNING for the deployment's health_check_grace (ECS: 40 s
 * without load balancer or container health checks). Rows
 * DEPLOYMENT_STARTED, DEPLOYMENT_COMPLETED (duration, extra cost, fewest
 * serving, SLO minutes lost), DEPLOYMENT_BLOCKED (minimumHealthyPercent and
 * maximumPercent leave nothing to do, as ECS's service event says) and
 * DEPLOYMENT_STOPPED (superseded, or cut off by the end of the run). Each
 * task keeps the size it started with, and is billed at its price.
 *
 * Each launch is a placement attempt: a FARGATE_SPOT task finds no capacity
 * while Spot capacity is unavailable, and a task that would exceed its
 * provider's vCPU quota finds none either; both stay in PROVISIONING,
 * unbilled, log a PLACEMENT_FAILURE (reason RESOURCE:FARGATE, as ECS's
 * service event does) and are retried with back-off: 10 s, doubling, at most
 * 120 s (spotsim's model: ECS documents retrying, not the schedule). Launch
 * throttling delays attempts without failing them: a token bucket per
 * provider of 100 tasks refilled at 20 per second, and at most
 * limits.launches_per_minute (default 500) launches in any 60 s per
 * service. The attempts it holds back wait first come, first served, in a
 * queue per bucket: a new attempt goes behind the tasks
 * already waiting on its bucket, and when both buckets' queues may go at
 * the same time (they share the per-minute limit) their heads go in order
 * of arrival (spotsim's model: AWS documents the rates, not the order).
 * The work per task event (a placement attempt, a state change, a stop)
 * does not grow with the number of tasks; a reclaim wave or a fallback
 * revert looks over the live tasks once.
 *
 * Spot interruptions: at the notice the task takes no new work and gets
 * SIGTERM; it is STOPPED min(shutdown, stopTimeout) later (never more than
 * 120 s); the replacement is launched at the notice, on FARGATE_SPOT, if
 * maximumPercent leaves room (else when the interrupted task stops). A
 * PENDING task that is interrupted or stopped stops at once. A stop for
 * scale-in: DEACTIVATING for the deregistration delay, then STOPPING for
 * min(shutdown, stopTimeout). The SPOT_INTERRUPTION row's detail says why:
 * cause=interruption (model=per_task or model=reclaim for a wave, trace or
 * scripted reclaim) or cause=capacity_reclaim.
 *
 * Spot capacity is available when the capacity model says so and no wave's
 * `shortage` is on. When the capacity model's capacity runs out, the share
 * spot.capacity.reclaim_running of the PENDING and RUNNING Spot tasks gets
 * the notice at that instant (AWS reclaims the capacity the tasks run on):
 * exactly round(share x n) of them, at least one when the share is above
 * 0, chosen uniformly from the RNG_RECLAIM stream, as a wave chooses. A
 * wave's shortage reclaims nothing beyond the wave's own share.
 *
 * With the fallback option a Spot task that has waited `after` for capacity
 * is launched on FARGATE instead (marked fallback), at once if its first
 * failed placement comes later than that (it waited on the throttle);
 * `revert_after` after Spot capacity returns, each fallback task gets a
 * Spot replacement and is stopped once that replacement is RUNNING.
 *
 * Scale-in (a model, README "Scale-in"): the tasks to stop are chosen by
 * scenario.scale_in_order; the default leaves the placement split of the new
 * count; within a provider, tasks not yet RUNNING go first, then the newest.
 *
 * ECS task scale-in protection (the protected_until hook, when set): a
 * RUNNING task protected now is not stopped by a scale-in or a deployment
 * (AWS, developer guide "task scale-in protection"; aws-facts §5.1). A
 * scale-in stops unprotected tasks in its order, then any other unprotected
 * task, newest first; what it still lacks waits, as a deployment's old
 * task does, until a protection ends: at its expiry (a timer) or when the
 * caller says so (service_protection_ended). Spot interruptions and the
 * fallback's revert ignore protection. The stop_cause hook tells why each
 * RUNNING task is being stopped, before its state changes.
 *
 * The service logs every state change through the hooks and calls
 * `before_change` just before the number of serving tasks changes, so the
 * caller can account the load up to that moment; it calls it too as a
 * deployment starts and ends, so that the minutes ended by then are judged
 * (service_note_minutes) before it counts them.
 */
#include <stdbool.h>
#include <stdint.h>

#include "spotsim/engine/engine.h"
#include "spotsim/model/pricing.h"
#include "spotsim/engine/dist.h"
#include "spotsim/model/event_log.h"
#include "spotsim/model/fargate.h"
#include "spotsim/model/placement.h"
#include "spotsim/model/spot.h"

/* Which tasks a scale-in stops (a model: AWS does not document it; README "Scale-in"). */
enum scale_in_order {
	SCALE_IN_BALANCED, /* keep the survivors at the placement split (default) */
	SCALE_IN_NEWEST,
	SCALE_IN_SPOT_FIRST,
	SCALE_IN_ON_DEMAND_FIRST,
};

struct task_definition {
	int cpu_units;	    /* CPU units: 1024 = 1 vCPU */
	int memory_mib;	    /* MiB */
	int storage_gib;    /* ephemeralStorage.sizeInGiB, 20 when not set */
	enum os_family os;  /* runtimePlatform.operatingSystemFamily, LINUX by default */
	enum cpu_arch arch; /* runtimePlatform.cpuArchitecture, X86_64 by default */
	int stop_timeout_s; /* the largest container stopTimeout, 30 s when none is set */
};

struct service_definition {
	long desired_count;
	struct strategy strategy;    /* launchType FARGATE becomes FARGATE weight 1 */
	int minimum_healthy_percent; /* default 100 */
	int maximum_percent;	     /* default 200 */
};

/*
 * A rolling update (scenario "deployments"): at `at` every task is replaced
 * by one of the new definition (the same one when `new_task` is false).
 */
struct deployment {
	sim_time at;
	bool new_task;		     /* `task` and `shutdown` replace the service's */
	struct task_definition task; /* the new size when new_task */
	sim_time shutdown;	     /* app exit after SIGTERM with the new definition */
	sim_time health_check_grace; /* RUNNING this long before a new task counts healthy */
};

/* ECS: without load balancer or container health checks, healthy 40 s after RUNNING. */
#define SERVICE_DEFAULT_HEALTH_CHECK_GRACE (40 * SIM_SEC)

struct startup_model {
	struct dist provisioning, pull, app_start; /* default 10s, 25s, 5s fixed */
};

/* ECS's quota "Rate of tasks launched by a service on AWS Fargate", per minute. */
#define SERVICE_DEFAULT_LAUNCHES_PER_MINUTE 500

/* Account and service limits (SPEC §4.5). */
struct service_limits {
	long vcpu_quota[PROVIDER_COUNT]; /* "limits.fargate_vcpu" / "fargate_spot_vcpu"; 0 = none */
	bool launch_throttling;		 /* the buckets and the per-minute quota below */
	long launches_per_minute;	 /* "limits.service_launches_per_minute" (default 500) */
};

/*
 * What the scheduler needs from a scenario. The pointers are borrowed for the
 * scheduler's lifetime (the scenario loader fills the structs they point to).
 */
struct service_config {
	const struct task_definition *task;
	const struct service_definition *service;
	const struct startup_model *startup;
	const struct service_limits *limits;
	const struct spot_config *spot;
	enum scale_in_order scale_in_order;
	const struct deployment *deployments; /* sorted by `at`; may be NULL when none */
	size_t ndeployments;
	sim_time deregistration_delay; /* ALB deregistration delay before SIGTERM */
	sim_time shutdown;	       /* app exit after SIGTERM */
	uint64_t seed;
};

struct service_hooks {
	void *ctx;
	void (*before_change)(void *ctx); /* serving count about to change (see above) */
	void (*event)(void *ctx, const struct event_row *row); /* may be NULL */
	/* a RUNNING task stops serving and exits `window` later; may be NULL */
	void (*stops_serving)(void *ctx, long serving, sim_time window);
	/* a task entered `state` (queue workers follow their tasks); may be NULL */
	void (*task_state)(void *ctx, int64_t task_id, int state);
	/* a RUNNING task is being stopped for `cause` (enum service_stop_cause); may be NULL */
	void (*stop_cause)(void *ctx, int64_t task_id, int cause);
	/* scale-in protection: until when the task is protected, 0 if it is not; may be NULL */
	sim_time (*protected_until)(void *ctx, int64_t task_id);
};

/* Why the service stops a RUNNING task (the stop_cause hook). */
enum service_stop_cause {
	SERVICE_STOP_SPOT_INTERRUPTION,
	SERVICE_STOP_CAPACITY_RECLAIM, /* a Spot capacity shortage reclaimed it */
	SERVICE_STOP_SCALE_IN,
	SERVICE_STOP_DEPLOYMENT,
	SERVICE_STOP_FALLBACK_REVERT, /* a fallback task replaced by Spot */
};

struct service_counts {
	long desired;
	long running[PROVIDER_COUNT];
	long pending[PROVIDER_COUNT]; /* PROVISIONING + PENDING */
	long draining;		      /* DEACTIVATING + STOPPING */
	long serving;		      /* = running[0] + running[1] */
};

struct service_totals {
	double cost[PROVIDER_COUNT];	       /* USD */
	double billed_seconds[PROVIDER_COUNT]; /* task-seconds */
	double running_task_seconds;	       /* integral of the RUNNING count */
	long interruptions, tasks_launched, placement_failures;
	/* of the interruptions, those a Spot capacity shortage caused */
	long capacity_reclaims;
	/* the billed time of every task size priced on FARGATE; NAN without a FARGATE rate */
	double on_demand_usd;
	/* deployments started; one unfinished at the end counts up to the end */
	long deployments;
	double deployment_seconds;	  /* summed over deployments */
	double deployment_extra_cost_usd; /* summed over deployments */
	long deployment_min_serving;	  /* fewest RUNNING tasks during any; -1 with none */
	long deployment_slo_minutes;	  /* bad minutes (service_note_minutes) during them */
	/*
	 * seconds with no task RUNNING (zero healthy targets), counted from the
	 * first time a task is RUNNING, so the initial start-up is not an outage
	 */
	double outage_seconds;
	double billed_vcpu_seconds[PROVIDER_COUNT]; /* vCPU x billed seconds (60 s minimum) */
};

struct service;

/*
 * Creates the scheduler. Borrows everything: the engine, the configuration, the
 * rates (one per provider; NULL for a provider the strategy never uses), the
 * spot model and the hooks. Registers its event types with the engine.
 */
struct service *service_new(struct engine *e, const struct service_config *cfg,
			    const struct price_rate *const rates[PROVIDER_COUNT], struct spot *spot,
			    uint64_t replication, const struct service_hooks *hooks);
void service_free(struct service *s);

/* Launches the initial tasks and arms the Spot events; call once at time 0. */
void service_start(struct service *s);

/* Sets the desired count (clamped at 0) and lets the scheduler act on it. */
void service_set_desired(struct service *s, long desired);

void service_counts(const struct service *s, struct service_counts *out);
bool service_spot_available(const struct service *s);

/*
 * True while a deployment replaces tasks: Application Auto Scaling turns
 * scale-in off meanwhile (the caller's part; scale-out continues).
 */
bool service_deployment_in_progress(const struct service *s);

/*
 * The caller judged `n` minutes, ended by now, against the SLO; a deployment
 * in progress counts the bad ones (minutes that end while it is in progress).
 */
void service_note_minutes(struct service *s, long n, bool slo_met);

/*
 * A task's scale-in protection ended before its expiry: a scale-in or a
 * deployment waiting for protection looks again (cheap when none waits).
 */
void service_protection_ended(struct service *s);

/* USD accrued up to now, billing running tasks up to now (minimums apply at stop). */
double service_cost_accrued(const struct service *s);

/*
 * The same for the tasks of provider `p` alone, by line item (vCPU, memory,
 * storage, OS licence, total): what a Savings Plan can cover is the vCPU
 * and memory of FARGATE tasks. All zero when `p` has no rate.
 */
void service_usage_accrued(const struct service *s, enum provider p, struct cost_items *out);

/*
 * Ends the run at the engine's current time: bills every task still alive
 * as if it stopped now (logged as BILLED with end_of_run=1) and fills the
 * totals.
 */
void service_finish(struct service *s, struct service_totals *out);

#endif
