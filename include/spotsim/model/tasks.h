#ifndef SPOTSIM_TASKS_H
#define SPOTSIM_TASKS_H
/*
 * tasks — one Fargate task's life and bill (SPEC §4.2).
 *
 *   PROVISIONING  placed, waiting for capacity and its ENI; not billed
 *   PENDING       image pull (billing starts here), then app start
 *   RUNNING       healthy and serving; the running count scaling starts from
 *   DEACTIVATING  takes no new work; load-balancer deregistration delay
 *   STOPPING      SIGTERM sent; the app exits within stopTimeout
 *   STOPPED       billed from pull start, rounded up to the second, with the
 *                 Linux 60 s / Windows 300 s minimum
 *
 * A task is a plain record; the service module moves it between states and
 * keeps the two times that matter: when it was created (for the fallback
 * delay) and when its image pull started (billing). Billing is computed
 * here so that the run's cost, the events.csv BILLED rows and `spotsim
 * cost` all use one rule. The record also carries the service's links (its
 * slot among the live tasks, its place in its strategy item's list and in a
 * launch queue), so that the service adds, finds and drops a task in O(1).
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "spotsim/model/fargate.h"
#include "spotsim/engine/simtime.h"

enum task_state {
	TASK_PROVISIONING,
	TASK_PENDING,
	TASK_RUNNING,
	TASK_DEACTIVATING,
	TASK_STOPPING,
	TASK_STOPPED,
};

/* Why a task stopped (AWS's TaskStopCode where one fits). */
enum task_stop_reason {
	STOP_NONE,
	STOP_SCALE_IN,		/* ServiceSchedulerInitiated: desired count lowered */
	STOP_SPOT_INTERRUPTION, /* SpotInterruption */
	STOP_FALLBACK_REVERT,	/* spotsim fallback: back to Spot */
	STOP_DEPLOYMENT,	/* ServiceSchedulerInitiated: replaced by a deployment */
	STOP_END_OF_RUN,	/* still running when the simulation ended */
};

struct event;

struct task {
	int64_t id;		/* 1, 2, ... in launch order */
	enum provider provider; /* where it runs */
	int item;		/* the strategy item whose share it fills */
	int az;			/* availability zone index, round robin */
	enum task_state state;
	enum task_stop_reason stop_reason;
	bool fallback;		  /* a FARGATE task standing in for Spot */
	int cls;		  /* the service's task size (task definition) it runs with */
	bool outdated;		  /* a deployment replaces it */
	bool healthy;		  /* RUNNING for the deployment's health-check grace */
	bool noticed;		  /* got a Spot interruption notice while RUNNING */
	sim_time created_at;	  /* entered PROVISIONING */
	sim_time pull_started_at; /* entered PENDING; -1 before */
	struct event *timer;	  /* the pending state transition, if any */
	struct event *notice;	  /* the pending per-task interruption, if any */
	int retries;		  /* placement attempts that failed */
	bool placed;		  /* passed placement: holds its vCPU against the quota */
	bool replaces_pending;	  /* fallback task with a Spot replacement on the way */
	struct task *replaces;	  /* fallback: the task this one will replace when RUNNING */
	struct task *replaced_by; /* the reverse link: the task with `replaces` = this one */

	/* The service's indexes, so that it finds and drops a task in O(1): */
	size_t live_slot;		    /* index in the service's array of live tasks */
	struct task *item_prev, *item_next; /* its strategy item's active tasks, by id */
	struct task *wait_prev, *wait_next; /* its provider's launch queue */
	uint64_t wait_seq;		    /* order of arrival in a launch queue; 0 = not queued */
};

/* "PROVISIONING", ... as ECS names the states. */
const char *task_state_name(enum task_state s);

/* True while the task counts toward the desired count (not being stopped). */
bool task_is_active(const struct task *t);
/* True while the task serves load (RUNNING). */
bool task_is_serving(const struct task *t);
/*
 * Billed whole seconds of a task that stopped (or was cut off) at `end`:
 * 0 if it never started pulling, else ceil(end - pull start) with the OS
 * minimum.
 */
int64_t task_billed_seconds(const struct task *t, sim_time end, enum os_family os);

#endif
