/*
 * metric_display — the table of metric names, units and decimals for
 * people (see metric_display.h).
 */
#include "spotsim/output/metric_display.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#define COUNT (-1)

static const struct metric_display table[] = {
    {"cost_usd", "Cost over the run", "USD", "USD", 1, 2,
     "the run's whole cost, for its duration (not per month: see Cost per 30 days)"},
    {"cost_fargate_usd", "Cost on Fargate (on-demand)", "USD", "USD", 1, 2, NULL},
    {"cost_spot_usd", "Cost on Fargate Spot", "USD", "USD", 1, 2, NULL},
    {"cost_per_million_requests_usd", "Cost per million requests", "USD", "USD", 1, 3, NULL},
    {"savings_vs_on_demand_pct", "Savings against all on-demand", "%", "pp", 1, 1, NULL},
    {"task_hours_fargate", "Task-hours on Fargate", "h", "h", 1, 1, NULL},
    {"task_hours_spot", "Task-hours on Fargate Spot", "h", "h", 1, 1, NULL},
    {"interruptions", "Spot interruptions", "", "", 1, COUNT, NULL},
    {"capacity_reclaims", "Capacity reclaims", "", "", 1, COUNT, NULL},
    {"tasks_launched", "Tasks launched", "", "", 1, COUNT, NULL},
    {"placement_failures", "Placement failures", "", "", 1, COUNT, NULL},
    {"scaling_activities", "Scaling activities", "", "", 1, COUNT, NULL},
    {"no_step_adjustment", "Alarms with no step to apply", "", "", 1, COUNT, NULL},
    {"requests", "Requests", "", "", 1, COUNT, NULL},
    {"dropped_fraction", "Dropped requests", "%", "pp", 100, 3, NULL},
    {"p_wait", "Requests that wait", "%", "pp", 100, 2, NULL},
    {"mean_wait_s", "Mean wait", "ms", "ms", 1000, 1, NULL},
    {"p95_latency_s", "p95 latency", "ms", "ms", 1000, 1, NULL},
    {"p99_latency_s", "p99 latency", "ms", "ms", 1000, 1, NULL},
    {"slo_violation_minutes", "Minutes breaking the SLO", "min", "min", 1, COUNT, NULL},
    {"availability", "Minutes meeting the SLO", "%", "pp", 100, 3,
     "the share of the run's minutes that met the SLO (latency and dropped requests within "
     "the objectives; for a queue, no message waiting without a worker); not uptime"},
    {"mean_running_tasks", "Mean running tasks", "tasks", "tasks", 1, 2, NULL},
    {"deployments", "Deployments", "", "", 1, COUNT, NULL},
    {"deployment_seconds", "Time in deployments", "s", "s", 1, 0, NULL},
    {"deployment_extra_cost_usd", "Extra cost of deployments", "USD", "USD", 1, 2, NULL},
    {"deployment_min_serving", "Fewest tasks serving in a deployment", "tasks", "tasks", 1, 1,
     NULL},
    {"deployment_slo_minutes", "Minutes breaking the SLO in deployments", "min", "min", 1, COUNT,
     NULL},
    {"jobs_completed", "Jobs completed", "", "", 1, COUNT, NULL},
    {"mean_job_latency_s", "Mean job latency", "s", "s", 1, 1, NULL},
    {"p95_job_latency_s", "p95 job latency", "s", "s", 1, 1, NULL},
    {"lost_work_hours", "Work lost", "h", "h", 1, 2, NULL},
    {"max_backlog", "Largest backlog", "messages", "messages", 1, COUNT, NULL},
    {"lost_work_hours_spot", "Work lost to Spot interruptions", "h", "h", 1, 2, NULL},
    {"lost_work_hours_capacity_reclaim", "Work lost to capacity reclaims", "h", "h", 1, 2, NULL},
    {"lost_work_hours_scale_in", "Work lost to scale-in", "h", "h", 1, 2, NULL},
    {"lost_work_hours_deployment", "Work lost to deployments", "h", "h", 1, 2, NULL},
    {"jobs_rerun", "Jobs run again", "", "", 1, COUNT, NULL},
    {"jobs_rerun_spot", "Jobs run again after Spot interruptions", "", "", 1, COUNT, NULL},
    {"jobs_rerun_capacity_reclaim", "Jobs run again after capacity reclaims", "", "", 1, COUNT,
     NULL},
    {"jobs_rerun_scale_in", "Jobs run again after scale-in", "", "", 1, COUNT, NULL},
    {"jobs_rerun_deployment", "Jobs run again after deployments", "", "", 1, COUNT, NULL},
    {"jobs_finished_after_notice", "Jobs finished after a stop notice", "", "", 1, COUNT, NULL},
    {"jobs_finished_after_notice_spot", "Jobs finished after a Spot notice", "", "", 1, COUNT,
     NULL},
    {"jobs_finished_after_notice_capacity_reclaim", "Jobs finished after a capacity-reclaim notice",
     "", "", 1, COUNT, NULL},
    {"jobs_finished_after_notice_scale_in", "Jobs finished after a scale-in notice", "", "", 1,
     COUNT, NULL},
    {"jobs_finished_after_notice_deployment", "Jobs finished after a deployment notice", "", "", 1,
     COUNT, NULL},
    {"monthly_cost_usd", "Cost per 30 days", "USD", "USD", 1, 2,
     "the run's cost scaled to a 30-day month"},
    {"over_budget", "Chance of going over budget", "%", "pp", 100, 1, NULL},
    {"slo_breach", "Chance of breaking the SLO", "%", "pp", 100, 1, NULL},
    {"outage_seconds", "Time with no task running", "min", "min", 1.0 / 60, 1,
     "no task RUNNING (zero healthy targets), counted from the first time a task ran"},
    {"tasks_launched_per_hour", "Tasks launched per hour", "per h", "per h", 1, 2, NULL},
    {"billed_vcpu_hours", "Billed vCPU-hours", "vCPU-h", "vCPU-h", 1, 1,
     "vCPU x billed seconds, the 60 s minimum included"},
    {"billed_vcpu_hours_fargate", "Billed vCPU-hours on Fargate (on-demand)", "vCPU-h", "vCPU-h", 1,
     1, NULL},
    {"billed_vcpu_hours_spot", "Billed vCPU-hours on Fargate Spot", "vCPU-h", "vCPU-h", 1, 1, NULL},
    {"savings_plan_cost_usd", "Savings Plan commitment paid", "USD", "USD", 1, 2,
     "the commitment paid over the run, used or not"},
    {"cost_with_savings_plan_usd", "Cost over the run with the Savings Plan", "USD", "USD", 1, 2,
     NULL},
    {"savings_plan_utilization", "Savings Plan commitment used", "%", "pp", 100, 1, NULL},
    {"savings_plan_coverage", "On-demand spend the Savings Plan covers", "%", "pp", 100, 1, NULL},
    {"cost_per_thousand_jobs_usd", "Cost per 1,000 jobs", "USD", "USD", 1, 3, NULL},
    {"monthly_cost_with_savings_plan_usd", "Cost per 30 days with the Savings Plan", "USD", "USD",
     1, 2, NULL},
};

#define NTABLE (sizeof(table) / sizeof(table[0]))

/* From the CSV unit alone, for a metric the table does not know. */
static void from_unit(const char *metric, const char *unit, struct metric_display *out)
{
	*out = (struct metric_display){metric, metric, unit, unit, 1, 2, NULL};
	if (!strcmp(unit, "fraction") || !strcmp(unit, "probability"))
		*out = (struct metric_display){metric, metric, "%", "pp", 100, 2, NULL};
	else if (!strcmp(unit, "count"))
		*out = (struct metric_display){metric, metric, "", "", 1, COUNT, NULL};
	else if (!strcmp(unit, "s"))
		out->decimals = 3;
}

/* The table's entry for `metric`, NULL when it has none. */
static const struct metric_display *find(const char *metric)
{
	for (size_t i = 0; i < NTABLE; i++)
		if (!strcmp(table[i].metric, metric))
			return &table[i];
	return NULL;
}

bool metric_display_known(const char *metric)
{
	return find(metric) != NULL;
}

void metric_display_of(const char *metric, const char *csv_unit, struct metric_display *out)
{
	const struct metric_display *m = find(metric);

	if (m)
		*out = *m;
	else
		from_unit(metric, csv_unit ? csv_unit : "", out);
}

/* Inserts a comma every three digits of the whole part of buf, from 10,000. */
static void group_thousands(char *buf, size_t size)
{
	char *digits = buf + (*buf == '-' || *buf == '+');
	size_t whole = strspn(digits, "0123456789"), len = strlen(buf);
	size_t commas = whole > 4 ? (whole - 1) / 3 : 0;

	if (!commas || len + commas + 1 > size)
		return;
	memmove(digits + whole + commas, digits + whole, strlen(digits + whole) + 1);
	for (size_t i = whole, out = whole + commas, n = 0; i > 0; i--) {
		digits[--out] = digits[i - 1];
		if (++n % 3 == 0 && i > 1)
			digits[--out] = ',';
	}
}

const char *metric_display_format(char *buf, size_t size, const struct metric_display *m, double v,
				  bool diff)
{
	int decimals = m->decimals;
	double shown = v * m->scale;

	if (!isfinite(v)) {
		snprintf(buf, size, "n/a");
		return buf;
	}
	if (decimals == COUNT)
		decimals = fabs(shown - round(shown)) < 1e-9 ? 0 : 1;
	if (fabs(shown) < 1e-9 || fabs(shown) < 0.5 * pow(10, -decimals))
		shown = 0;
	snprintf(buf, size, diff && shown > 0 ? "+%.*f" : "%.*f", decimals, shown);
	group_thousands(buf, size);
	return buf;
}
