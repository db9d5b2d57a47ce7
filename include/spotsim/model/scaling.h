#ifndef SPOTSIM_SCALING_H
#define SPOTSIM_SCALING_H
/*
 * scaling — Application Auto Scaling for an ECS service's desired count, and
 * the CloudWatch alarms that drive it (SPEC §4.7–4.8; README "Autoscaling").
 *
 * Inputs, once per simulated minute: one datapoint per metric (the minute's
 * statistics, or missing), the RUNNING count and the current desired count.
 * Output: the new desired count (or none), with every alarm state change
 * and scaling activity reported through a callback for events.csv.
 *
 * Documented AWS behaviour reproduced here:
 *  - Step scaling: the policy's own alarm (threshold, comparison, Period,
 *    EvaluationPeriods, DatapointsToAlarm, Statistic); step bounds relative
 *    to the threshold, lower bound inclusive above the threshold and upper
 *    bound inclusive below it; ChangeInCapacity, ExactCapacity,
 *    PercentChangeInCapacity rounded as AWS does (above 1 down, 0..1 -> 1,
 *    -1..0 -> -1, below -1 toward zero), MinAdjustmentMagnitude;
 *    MetricAggregationType (default Average) over the alarm's datapoints.
 *  - Cooldowns (default 300 s): during a scale-out cooldown a further
 *    scale-out only adds what exceeds the capacity the previous one asked
 *    for (a step policy's calculation then starts from the capacity that
 *    scale-out started from, so "+2, then +3" adds 1); a scale-in cooldown
 *    blocks scale-in, not scale-out, and a scale-out ends it. Cooldowns
 *    belong to the scalable target, set by the policy that acted. Scheduled
 *    actions ignore cooldowns and start none.
 *  - Several policies: out if any asks, in only if all target-tracking
 *    policies with scale-in enabled ask (a step policy's alarm decides its
 *    own scale-in); the largest resulting capacity wins. Calculations start
 *    from the RUNNING count, not the desired count, so a scale-out while
 *    tasks cannot start may lower desired (10 desired, 7 running, +30 %
 *    -> 9). The result is clamped to [Min, Max]; a scale-out while desired
 *    is below Min goes to Min, above Max does nothing; a scale-in while
 *    above Max goes to Max, below Min does nothing (scaling_settle).
 *  - A step policy whose alarm is in ALARM but whose steps cover no
 *    interval holding the breach does nothing: AWS reports "No step
 *    adjustment found". The scaler reports it as a NO_STEP_ADJUSTMENT
 *    event every minute it happens and counts it (not while dynamic
 *    scaling is suspended both ways: then no policy is tried).
 *  - Alarms are judged when a period ends (periods align to multiples of
 *    their length from time 0), with TreatMissingData = missing: ALARM when
 *    at least DatapointsToAlarm of the last EvaluationPeriods periods breach,
 *    OK when at least DatapointsToAlarm are present and fewer breach, else
 *    the state is kept; INSUFFICIENT_DATA when no period in the window has
 *    data (also at the start). A policy acts every minute its alarm is in
 *    ALARM, but never when the alarm's newest period is missing: missing
 *    data never triggers scaling.
 *  - SuspendedState: with dynamic scale-in (or scale-out) suspended, alarms
 *    still change state but no policy scales in (out); with scheduled
 *    scaling suspended, scheduled actions do not run at all.
 * Observed, not documented (a model, configurable): target tracking creates
 * AlarmHigh (metric > target for 3 of 3 one-minute datapoints) and AlarmLow
 * (metric < 0.9 x target for 15 of 15); while AlarmHigh is in ALARM the new
 * capacity is ceil(running x metric / target), while AlarmLow is in ALARM it
 * is the same formula rounded so as not to undershoot the target (capacity
 * only falls when the metric is low enough); metric = the newest datapoint.
 * Scale from zero: with no task running, current capacity is taken as 1 for
 * the multiplicative formulas (target tracking, PercentChangeInCapacity);
 * ChangeInCapacity adds to 0.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "spotsim/engine/simtime.h"

enum metric_name {
	METRIC_CPU,		    /* ECSServiceAverageCPUUtilization / CPUUtilization, % */
	METRIC_MEMORY,		    /* ECSServiceAverageMemoryUtilization / MemoryUtilization, % */
	METRIC_REQUESTS_PER_TARGET, /* ALBRequestCountPerTarget: requests per serving task per minute */
	METRIC_BACKLOG_PER_TASK, /* queue: visible messages / running tasks */
	METRIC_REQUEST_COUNT,	 /* requests per minute */
	METRIC_BACKLOG,		 /* queue: visible messages */
	METRIC_COUNT
};

/* The bit of metric `name` in a set of metrics (metrics_keep, scaler_metrics_read). */
#define METRIC_BIT(name) (1u << (name))

enum statistic {
	STAT_AVERAGE,
	STAT_MINIMUM,
	STAT_MAXIMUM,
	STAT_SUM,
	STAT_SAMPLE_COUNT
};
enum comparison {
	CMP_GE,
	CMP_GT,
	CMP_LT,
	CMP_LE
};
enum alarm_state {
	ALARM_INSUFFICIENT_DATA,
	ALARM_OK,
	ALARM_ALARM
};

/* A metric's one-minute datapoint, from the 20-second samples. */
struct datapoint {
	bool present; /* false: no task ran, no data */
	double average, minimum, maximum, sum, sample_count;
};

struct alarm_config {
	enum metric_name metric;
	enum statistic statistic; /* default Average */
	int period_minutes;	  /* Period / 60, default 1 */
	int evaluation_periods;	  /* default 1 */
	int datapoints_to_alarm;  /* default = evaluation_periods */
	double threshold;
	enum comparison comparison;
};

enum policy_type {
	POLICY_TARGET_TRACKING,
	POLICY_STEP
};
enum adjustment_type {
	ADJUST_CHANGE,
	ADJUST_PERCENT,
	ADJUST_EXACT
};

struct step_adjustment {
	bool has_lower, has_upper; /* false = -infinity / +infinity */
	double lower, upper;	   /* relative to the alarm threshold */
	long adjustment;
};

struct scaling_policy {
	char *name; /* owned */
	int index;  /* its element of scaling.ScalingPolicies (0 in a policy file) */
	enum policy_type type;
	/* target tracking */
	double target;
	enum metric_name metric;
	sim_time scale_out_cooldown, scale_in_cooldown; /* default 300 s */
	bool disable_scale_in;
	struct alarm_config high, low; /* derived: > target 3 of 3; < 0.9 target 15 of 15 */
	/* step scaling */
	bool has_alarm; /* an "Alarm" was given (spotsim scale may take --threshold instead) */
	struct alarm_config alarm;
	char *alarm_name; /* owned: the alarm's AlarmName, or NULL when it has none */
	enum adjustment_type adjustment_type;
	struct step_adjustment *steps; /* owned */
	size_t nsteps;
	long min_adjustment_magnitude; /* 0 = none */
	sim_time cooldown;	       /* default 300 s */
	enum statistic aggregation;    /* MetricAggregationType, default Average */
};

/* A scheduled action, already expanded into its times within the run. */
struct scheduled_action {
	sim_time at;
	bool has_min, has_max;
	long min_capacity, max_capacity;
	char *name; /* owned */
};

struct scaling_config {
	bool enabled; /* a "scaling" section was given */
	long min_capacity, max_capacity;
	/* the scalable target's SuspendedState: which activities do not happen */
	bool scale_in_suspended;  /* DynamicScalingInSuspended: policies never scale in */
	bool scale_out_suspended; /* DynamicScalingOutSuspended: policies never scale out */
	bool scheduled_suspended; /* ScheduledScalingSuspended: scheduled actions never run */
	struct scaling_policy *policies; /* owned */
	size_t npolicies;
	struct scheduled_action *actions; /* owned, sorted by `at` (then file order) */
	size_t nactions;
};

void scaling_config_release(struct scaling_config *c);
/* Frees what one policy owns (name, steps); the struct itself is the caller's. */
void scaling_policy_release(struct scaling_policy *p);

/*
 * Fills a target-tracking policy's derived alarms from p->target and
 * p->metric: high = metric > target for 3 of 3 one-minute periods, low =
 * metric < 0.9 x target for 15 of 15, both with statistic `stat`.
 */
void scaling_target_alarms(struct scaling_policy *p, enum statistic stat);

/* Whether `value` breaches the alarm's threshold under its comparison. */
bool scaling_alarm_breaches(const struct alarm_config *a, double value);

/*
 * Names as AWS writes them; lookups return false for unknown text.
 * scaling_metric_name gives the target-tracking name where there is one
 * (ECSServiceAverageCPUUtilization); scaling_metric_parse also takes the
 * CloudWatch metric names (CPUUtilization, MemoryUtilization).
 */
const char *scaling_metric_name(enum metric_name m);
bool scaling_metric_parse(const char *aws_name, enum metric_name *out);
const char *scaling_alarm_state_name(enum alarm_state s);
const char *scaling_statistic_name(enum statistic s);
bool scaling_statistic_parse(const char *aws_name, enum statistic *out);
const char *scaling_comparison_name(enum comparison c);	  /* GreaterThanOrEqualToThreshold */
const char *scaling_comparison_symbol(enum comparison c); /* ">=" */
bool scaling_comparison_parse(const char *aws_name, enum comparison *out);
const char *scaling_adjustment_name(enum adjustment_type t); /* ChangeInCapacity */
bool scaling_adjustment_parse(const char *aws_name, enum adjustment_type *out);

/* ---- one decision, as `spotsim scale` shows it ---- */

struct scaling_decision {
	long from;	   /* the capacity the calculation started from */
	long to;	   /* the result before clamping */
	long clamped;	   /* after [Min, Max] */
	int step;	   /* index of the step used, -1 for none / target tracking */
	double raw;	   /* the unrounded adjustment or capacity */
	char explain[256]; /* the arithmetic in words, e.g. "+30 % of 11 = 3.3, rounded to 3" */
};

/* AWS's rounding of a PercentChangeInCapacity adjustment of `pct` % on `current`. */
long scaling_percent_adjustment(double pct, long current, long min_magnitude);

/*
 * A step policy's decision for an aggregated metric value: picks the step
 * by (metric - threshold). Returns false when no step applies (between
 * steps' coverage, or the alarm does not breach).
 */
bool scaling_step_decide(const struct scaling_policy *p, long current, double metric,
			 long min_capacity, long max_capacity, struct scaling_decision *out);

/* Target tracking's capacity for a metric value (ceil(current x metric / target)). */
bool scaling_target_decide(const struct scaling_policy *p, long current, double metric,
			   long min_capacity, long max_capacity, struct scaling_decision *out);

/*
 * The desired count after a policy asks for capacity `to` (its calculation,
 * started from the RUNNING count) as a scale-out (`out`) or a scale-in,
 * with the desired count now `desired`; -1 for no change. AWS's rules:
 * a scale-out does nothing while desired is above `max_capacity` and goes
 * to `min_capacity` first while desired is below it; a scale-in does
 * nothing below Min and goes to Max first above it; otherwise the result
 * is `to` held to [Min, Max]. Since the calculation starts from RUNNING, a
 * scale-out may set a desired count below the current one (desired 10,
 * running 7, +30 % gives 9). A scale-in never raises the desired count.
 * Cooldowns are the running scaler's business, not this one's.
 */
long scaling_settle(bool out, long to, long desired, long min_capacity, long max_capacity);

/* ---- what a step policy can match ---- */

enum step_coverage {
	SCALING_COVER_ALL,  /* every breach of the alarm is in a step */
	SCALING_COVER_PART, /* some breaches are in no step */
	SCALING_COVER_NONE  /* no breach is in any step: the policy never acts */
};

/*
 * Which breaches of step policy `p`'s alarm its steps can match. A breach
 * of GreaterThan(OrEqualTo)Threshold has metric - threshold > 0 (>= 0), of
 * LessThan(OrEqualTo)Threshold < 0 (<= 0); a step holds it as the scaler
 * picks steps (lower bound inclusive above the threshold, upper below).
 * Unless every breach is held, writes into `why` (truncated to `size`)
 * what is not, e.g. "no step can match a breach of its alarm
 * (LessThanThreshold alarm, step MetricIntervalLowerBound 0 covers only
 * values above the threshold): this policy will never scale in", or for
 * a part "no step matches a breach of its alarm with metric - threshold in
 * [0, 10) (...)"; else `why` is "". This is the template bug that leaves a
 * service never scaling in: AWS accepts the policy and reports "No step
 * adjustment found" at every alarm.
 */
enum step_coverage scaling_step_coverage(const struct scaling_policy *p, char *why, size_t size);

/* ---- the running scaler ---- */

struct scaling_event {
	sim_time t;
	const char *event; /* ALARM_STATE, SCALING_ACTIVITY, SCHEDULED_ACTION, NO_STEP_ADJUSTMENT */
	const char *detail; /* key=value;... */
};

typedef void (*scaling_event_fn)(void *ctx, const struct scaling_event *ev);

struct scaler;

/* Borrows `c`; `on_event` may be NULL. Explanations are on (scaler_set_explain). */
struct scaler *scaler_new(const struct scaling_config *c, scaling_event_fn on_event, void *ctx);
void scaler_free(struct scaler *s);

/*
 * Whether events carry their detail text (default true). Off, every event
 * is still reported, at the same time and with the same name, but with
 * detail "" and nothing formatted: for a run whose events nobody writes.
 * With no `on_event` nothing is formatted either way. Decisions are the
 * same whichever is set.
 */
void scaler_set_explain(struct scaler *s, bool explain);

/* The metrics the alarms of the scaler's policies read, as a set of METRIC_BITs. */
unsigned scaler_metrics_read(const struct scaler *s);

/*
 * One minute's evaluation at `now` (a whole minute): every alarm takes the
 * datapoints, then every policy whose alarm is in ALARM decides, cooldowns
 * and combination rules apply, and the result is settled against `desired`
 * (scaling_settle). Calculations start from `running`, the RUNNING count.
 * Returns the new desired count, or -1 for no change.
 */
long scaler_minute(struct scaler *s, sim_time now, const struct datapoint dp[METRIC_COUNT],
		   long running, long desired);

/*
 * Applies every scheduled action due at or before `now` that has not run;
 * returns the new desired count (clamped into the new bounds), or -1. An
 * action that sets MinCapacity above MaxCapacity (or the reverse) moves the
 * other bound with it: the bound the action sets wins. With scheduled
 * scaling suspended nothing runs: always -1.
 */
long scaler_scheduled(struct scaler *s, sim_time now, long desired);

/* The next scheduled action's time, or SIM_TIME_MAX (also while scheduled scaling is suspended). */
sim_time scaler_next_scheduled(const struct scaler *s);

/* Scaling activities so far (scale-outs, scale-ins and scheduled changes of desired). */
long scaler_activities(const struct scaler *s);

/*
 * Minutes a step policy's alarm was in ALARM with a breach that no step
 * holds (NO_STEP_ADJUSTMENT events, detail policy=;metric=;threshold=;breach=
 * with breach = metric - threshold): AWS's "No step adjustment found".
 */
long scaler_no_step_adjustments(const struct scaler *s);

#endif
