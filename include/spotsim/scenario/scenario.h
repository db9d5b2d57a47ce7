#ifndef SPOTSIM_SCENARIO_H
#define SPOTSIM_SCENARIO_H
/*
 * scenario — reads and validates a scenario file (SPEC §3) into plain,
 * immutable data. The only module that sees cJSON.
 *
 * Validation is complete rather than fail-fast: every problem in the file is
 * added to the caller's `struct diag`, each with the file name, the JSON
 * path, what is wrong and what is accepted:
 *
 *   web.json: taskDefinition.memory: 3072 MiB is not valid with cpu 256 (allowed: 512, 1024, 2048)
 *   web.json: line 12, column 5: JSON syntax error: expected ',' or '}'
 *   web.json: spot.interuptions: unknown key (did you mean "interruptions"?)
 *
 * Two kinds of object:
 *  - spotsim's own sections (snake_case): unknown keys are errors, with a
 *    "did you mean" hint when a known key is close;
 *  - AWS-shaped objects (`taskDefinition`, `service`, `scaling` policies and
 *    actions), written with AWS's key names so that describe-* output can be
 *    pasted: keys spotsim does not model are accepted and listed once, in a
 *    single note. The wrapped forms {"taskDefinition": {...}} from
 *    describe-task-definition and {"services": [{...}]} from describe-services
 *    are accepted too; in `scaling`, "ScalableTargets" from
 *    describe-scalable-targets (the element whose ResourceId is the
 *    service's gives MinCapacity, MaxCapacity and SuspendedState), and
 *    "alarms" holding describe-alarms output (inline, or {"file": ...}) for
 *    the alarms that step policies name in their "Alarms" list.
 *
 * Sections that later versions simulate in full (`workload`, `spot`,
 * `scaling`, `variants`, `sweep`, `slo`, `startup`) are checked as far as
 * their shape goes: key names, types, ranges, enumerations, durations and
 * distributions.
 *
 * Relative file paths in a scenario (traces, empirical distributions, price
 * files) are resolved against the folder of the scenario file.
 *
 * The name (given, or the file's) must name the output folder out/NAME:
 * no '/', not "." or "..", at most SCENARIO_MAX_NAME bytes, no control
 * characters. The loader checks it, so `validate` and `run` agree.
 *
 * A "terraform" link ({"file": "plan.json", "service": ...}) gives the
 * scenario the sections `spotsim import terraform` would write
 * (import_terraform.h), read from that file at every load; a section given
 * both by the link and by the scenario is an error.
 */
#include <stdbool.h>
#include <stdint.h>

#include "spotsim/util/diag.h"
#include "spotsim/engine/dist.h"
#include "spotsim/model/fargate.h"
#include "spotsim/model/per_request.h"
#include "spotsim/model/placement.h"
#include "spotsim/model/pricing.h"
#include "spotsim/model/savings_plan.h"
#include "spotsim/model/queue.h"
#include "spotsim/model/scaling.h"
#include "spotsim/model/service.h"
#include "spotsim/engine/simtime.h"
#include "spotsim/model/spot.h"
#include "spotsim/model/workload.h"

#define SCENARIO_DEFAULT_REGION	  "us-east-1"
#define SCENARIO_DEFAULT_DURATION (30 * SIM_DAY)
#define SCENARIO_DEFAULT_SEED	  1
#define SCENARIO_MAX_REPLICATIONS 100000
#define SCENARIO_MAX_DESIRED	  5000 /* ECS quota: tasks per service */
#define SCENARIO_MAX_NAME	  200  /* bytes: out/NAME-shard-K-of-N stays within NAME_MAX */

struct slo {
	bool has_p95_latency, has_p99_latency, has_max_dropped, has_budget;
	bool has_max_job_latency;
	sim_time p95_latency, p99_latency, max_job_latency;
	double max_dropped_fraction;
	double monthly_budget_usd;
	/* the largest P(SLO breach) a configuration may have to meet the SLO; default 0.05 */
	double max_breach_probability;
};

/* What the outputs call the base scenario, and the default slo.max_breach_probability. */
#define SCENARIO_DEFAULT_BASE_NAME  "base"
#define SCENARIO_DEFAULT_MAX_BREACH 0.05
/*
 * pricing.savings_plan: a Compute Savings Plan (README "Compute Savings
 * Plans"). The discount is the row of the Savings Plans rate table for the
 * scenario's region, OS, architecture, term and payment.
 */
struct savings_plan_config {
	bool enabled;
	double commitment_usd_per_hour;
	enum sp_term term;
	enum sp_payment payment;
	double discount;  /* fraction off the On-Demand vCPU and memory rates */
	bool derived;	  /* the table marks the discount as inferred or assumed */
	char *rates_file; /* owned: the table the discount came from */
	char *as_of;	  /* owned: its as_of */
	char *source;	  /* owned: its source */
	/*
	 * owned: the error when the table has no row for the plan, reported by
	 * scenario_check_prices after the price table's own checks (a region
	 * without prices says so first); NULL when the row was found
	 */
	char *missing_rate;
};

enum workload_type {
	WORKLOAD_NONE,
	WORKLOAD_REQUESTS,
	WORKLOAD_QUEUE
};

/* workload.model of a "requests" workload: how the load is simulated. */
enum workload_model {
	WORKLOAD_ANALYTIC,    /* "fluid" (default), "steady_state"; "analytic" is fluid */
	WORKLOAD_PER_REQUEST, /* "per_request": every request an event, per_request.h */
};

struct scenario {
	char *file;	   /* owned: the path as given */
	char *dir;	   /* owned: folder of the file, for relative paths */
	char *name;	   /* owned: "name", or the file name without ".json"; always
			      usable as one folder name (see scenario_load) */
	char *description; /* owned; "" when absent */
	char *base_name;   /* owned: "base_name", what the outputs call the base; "base" */
	char *region;	   /* owned */
	sim_time duration;
	char *start;	    /* owned: ISO-8601 UTC start, default 2026-01-05T00:00:00Z (a Monday) */
	int64_t start_unix; /* the same in seconds since the epoch */
	uint64_t seed;
	long replications;
	struct task_definition task;
	struct service_definition service;
	enum scale_in_order scale_in_order;
	struct startup_model startup;
	struct slo slo;
	char *prices_file; /* owned, resolved; NULL = the default table */
	struct price_override rate_override[PROVIDER_COUNT];
	enum workload_type workload_type;
	struct rate_shape rate;	       /* workload.rate (and noise) */
	struct request_model requests; /* workload of type "requests" */
	struct queue_config queue;     /* workload of type "queue" */
	sim_time deregistration_delay; /* default 300 s (requests), 0 (queue) */
	sim_time shutdown;	       /* app exit after SIGTERM; default the stopTimeout */
	struct spot_config spot;       /* interruptions, capacity, fallback */
	struct scaling_config scaling; /* the `scaling` section; .enabled when given */
	char *scalable_target; /* owned: "ScalableTargets[i] <ResourceId>" when the bounds come
				  from pasted describe-scalable-targets output, else NULL */
	struct service_limits limits;
	struct deployment *deployments; /* owned, sorted by time */
	size_t ndeployments;
	/* workload.model of a "requests" workload, and its configuration when per_request */
	enum workload_model workload_model;
	struct per_request_config per_request;
	bool has_workload, has_spot, has_scaling;
	long variants, sweep_points; /* counts, for the summary */
	char *terraform; /* owned: the "terraform" link as "FILE" or "FILE, service S"; NULL */
	/* given in the file (else defaulted: spotsim run says what it assumed) */
	bool has_placement_tie, has_startup;
	struct savings_plan_config savings_plan; /* pricing.savings_plan; .enabled when given */
};

/*
 * What a scenario file says about itself, read without loading the rest:
 * for the copy of a scenario in an output folder, whose relative data files
 * (traces, distributions, price tables) need not resolve there, and whose
 * facts a report still shows. No data file is opened but the "terraform"
 * link's plan and an alarms file, for the scaling policies; when those do
 * not resolve, `unread` names the file (as written) and the policies are
 * only those written in the scenario itself.
 */
struct scenario_facts {
	char *name;	   /* owned: "name"; NULL when absent */
	char *description; /* owned: "" when absent */
	struct slo slo;	   /* as the loader reads it; max_breach_probability defaulted */
	sim_time duration; /* of every run; 0 when variants or the sweep change it */
	struct scaling_policy *policies; /* owned: the ScalingPolicies that load */
	size_t npolicies;
	char *unread; /* owned: the file the scaling comes from that did not resolve; NULL */
};

/*
 * Fills `f` from the file at `path`. Returns 0, or a negative SPOTSIM_* code
 * with the reason in `d` when the file cannot be read or is not a JSON
 * object. Keys that are missing or mistyped are simply absent from `f`.
 * scenario_facts_release is always safe to call.
 */
int scenario_peek(const char *path, struct scenario_facts *f, struct diag *d);
void scenario_facts_release(struct scenario_facts *f);

/* The text of an enum, as scenario files write it. */
const char *scenario_scale_in_order_name(enum scale_in_order o);

/*
 * Reads and validates `path` (borrowed) into `sc`. Every problem goes to `d`
 * as an error; keys spotsim ignores go to `d` as one note. Returns 0 when the
 * file is valid, or a negative SPOTSIM_* code (EINVAL for invalid content,
 * ENOENT/EIO when it cannot be read). On failure `sc` holds nothing that needs
 * releasing beyond scenario_release, which is always safe to call.
 */
int scenario_load(struct scenario *sc, const char *path, struct diag *d);

/*
 * Checks that the price table has a row for the scenario's region, OS and
 * architecture for every provider its strategy uses, and a FARGATE row when
 * spot.fallback moves tasks there. Problems go to `d`.
 */
bool scenario_check_prices(const struct scenario *sc, const struct price_table *t, struct diag *d);

/*
 * Adds a warning to `d` for what a scenario that loaded without errors
 * allows but surely does not mean: a step policy whose steps cannot hold
 * (part of) the breaches of its alarm, which AWS accepts and then answers
 * with "No step adjustment found" (scaling_step_coverage), as
 * "FILE: scaling.ScalingPolicies[i]: warning: ...".
 */
void scenario_scaling_warnings(const struct scenario *sc, struct diag *d);

void scenario_release(struct scenario *sc);

/* The scheduler's view of `sc`: pointers into `sc`, valid while `sc` is. */
struct service_config scenario_service_config(const struct scenario *sc);

/*
 * Reads one scaling policy (for `spotsim scale`) from `path`: an object in
 * the shape of put-scaling-policy / describe-scaling-policies, or
 * {"ScalingPolicies": [one]}. A step policy may carry its "Alarm" (then
 * out->has_alarm). Returns 0, or a negative SPOTSIM_* code with every problem
 * in `d`; `out` is always safe to pass to scaling_policy_release.
 */
int scenario_load_policy(const char *path, struct scaling_policy *out, struct diag *d);

#endif
