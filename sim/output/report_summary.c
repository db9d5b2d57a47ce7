/*
 * report_summary — the figures of the replications added so far and the
 * human summary printed from them (see report_summary in report.h).
 *
 * The figures are, per metric, the sum, minimum, maximum and count of the
 * replications where the metric applies (not NAN), in four struct
 * run_metrics of the report addressed through run_metric_defs' offsets:
 * memory does not grow with the number of replications.
 */
#include "report_internal.h"

#include "spotsim/experiment/stats.h"
#include "spotsim/experiment/verdict.h"
#include "spotsim/util/numfmt.h"

#include <math.h>

/* The files of a run, in the order the report opens and commits them and the summary lists them. */
const char *const report_file_names[FILE_COUNT] = {
    "timeseries.csv", "events.csv", "replications.csv", "summary.csv", "comparison.csv"};

static double *field(struct run_metrics *m, size_t offset)
{
	return (double *)(void *)((char *)m + offset);
}

void report_summary_reset(struct report *r)
{
	memset(&r->sum, 0, sizeof(r->sum));
	memset(&r->cnt, 0, sizeof(r->cnt));
	memset(&r->min, 0, sizeof(r->min));
	memset(&r->max, 0, sizeof(r->max));
	r->runs = 0;
}

void report_summary_add(struct report *r, const struct run_metrics *m)
{
	for (const struct metric_def *def = run_metric_defs; def->name; def++) {
		double v = run_metric_value(m, def);
		double *cnt = field(&r->cnt, def->offset);
		double *lo = field(&r->min, def->offset), *hi = field(&r->max, def->offset);

		if (isnan(v))
			continue;
		if (*cnt == 0 || v < *lo)
			*lo = v;
		if (*cnt == 0 || v > *hi)
			*hi = v;
		*field(&r->sum, def->offset) += v;
		*cnt += 1;
	}
	r->runs++;
}

/* One line of the summary: a metric, scaled and shown in a unit. */
struct summary_line {
	const char *label;
	size_t offset;
	double scale;
	char conv; /* printf conversion, 'f' or 'g' */
	int prec;
	const char *unit;
	/*
	 * SHOW_APPLIES: left out when it does not apply (requests vs queue
	 * metrics); SHOW_NONZERO: left out unless a replication's value is not 0
	 */
	enum {
		SHOW_ALWAYS,
		SHOW_APPLIES,
		SHOW_NONZERO
	} show;
};

static const struct summary_line summary_lines[] = {
    {"cost FARGATE", METRIC(cost_fargate_usd), 1, 'f', 2, "USD", SHOW_ALWAYS},
    {"cost FARGATE_SPOT", METRIC(cost_spot_usd), 1, 'f', 2, "USD", SHOW_ALWAYS},
    {"cost total", METRIC(cost_usd), 1, 'f', 2, "USD", SHOW_ALWAYS},
    {"savings vs on-demand", METRIC(savings_vs_on_demand_pct), 1, 'f', 1, "%", SHOW_ALWAYS},
    {"monthly cost (30 days)", METRIC(monthly_cost_usd), 1, 'f', 2, "USD", SHOW_ALWAYS},
    {"savings plan paid", METRIC(savings_plan_cost_usd), 1, 'f', 2, "USD", SHOW_APPLIES},
    {"cost with plan", METRIC(cost_with_savings_plan_usd), 1, 'f', 2, "USD", SHOW_APPLIES},
    {"monthly cost with plan", METRIC(monthly_cost_with_savings_plan_usd), 1, 'f', 2, "USD",
     SHOW_APPLIES},
    {"plan utilization", METRIC(savings_plan_utilization), 100, 'f', 1, "%", SHOW_APPLIES},
    {"plan coverage", METRIC(savings_plan_coverage), 100, 'f', 1, "%", SHOW_APPLIES},
    {"interruptions", METRIC(interruptions), 1, 'g', 6, "", SHOW_ALWAYS},
    {"tasks launched", METRIC(tasks_launched), 1, 'g', 6, "", SHOW_ALWAYS},
    {"tasks launched / hour", METRIC(tasks_launched_per_hour), 1, 'f', 2, "", SHOW_ALWAYS},
    {"billed vCPU-hours", METRIC(billed_vcpu_hours), 1, 'f', 2, "", SHOW_ALWAYS},
    {"placement failures", METRIC(placement_failures), 1, 'g', 6, "", SHOW_ALWAYS},
    {"availability", METRIC(availability), 100, 'f', 2, "%", SHOW_ALWAYS},
    {"outage (no task)", METRIC(outage_seconds), 1, 'f', 0, "s", SHOW_ALWAYS},
    {"p95 latency", METRIC(p95_latency_s), 1000, 'f', 1, "ms", SHOW_APPLIES},
    {"dropped fraction", METRIC(dropped_fraction), 1, 'f', 6, "", SHOW_APPLIES},
    {"jobs completed", METRIC(jobs_completed), 1, 'f', 0, "", SHOW_APPLIES},
    {"mean job latency", METRIC(mean_job_latency_s), 1, 'f', 1, "s", SHOW_APPLIES},
    {"p95 job latency", METRIC(p95_job_latency_s), 1, 'f', 1, "s", SHOW_APPLIES},
    {"lost work", METRIC(lost_work_hours), 1, 'f', 2, "h", SHOW_APPLIES},
    {"max backlog", METRIC(max_backlog), 1, 'f', 0, "messages", SHOW_APPLIES},
    {"jobs re-run", METRIC(jobs_rerun), 1, 'f', 1, "", SHOW_APPLIES},
    {"finished after notice", METRIC(jobs_finished_after_notice), 1, 'f', 1, "", SHOW_APPLIES},
    {"scaling activities", METRIC(scaling_activities), 1, 'g', 6, "", SHOW_ALWAYS},
    {"no step adjustment", METRIC(no_step_adjustment), 1, 'g', 6, "min", SHOW_NONZERO},
    {"mean running tasks", METRIC(mean_running_tasks), 1, 'f', 2, "", SHOW_ALWAYS},
};

#define NSUMMARY (sizeof(summary_lines) / sizeof(summary_lines[0]))

/* `v` as line `l` shows it into buf, floating noise as 0 and a rounded-away "-0.00" unsigned. */
static const char *fmt_value(char *buf, size_t size, const struct summary_line *l, double v)
{
	v = numfmt_denoise(v * l->scale, v * l->scale); /* also turns -0 into 0 */
	snprintf(buf, size, l->conv == 'g' ? "%.*g" : "%.*f", l->prec, v);
	numfmt_unsign_zero(buf);
	return buf;
}

static void summary_line(const struct report *r, FILE *out, const struct summary_line *l)
{
	double n = report_metric_get(&r->cnt, l->offset);
	char mean[64], lo[64], hi[64], shown[80];

	if (l->show == SHOW_NONZERO && report_metric_get(&r->max, l->offset) == 0 &&
	    report_metric_get(&r->min, l->offset) == 0)
		return;
	if (n == 0) {
		if (l->show == SHOW_ALWAYS)
			fprintf(out, "  %-22s %12s\n", l->label, "n/a");
		return;
	}
	fmt_value(mean, sizeof(mean), l, report_metric_get(&r->sum, l->offset) / n);
	snprintf(shown, sizeof(shown), "%12s%s%s", mean, *l->unit ? " " : "", l->unit);
	if (r->runs < 2) {
		fprintf(out, "  %-22s %s\n", l->label, shown);
		return;
	}
	fmt_value(lo, sizeof(lo), l, report_metric_get(&r->min, l->offset));
	fmt_value(hi, sizeof(hi), l, report_metric_get(&r->max, l->offset));
	fprintf(out, "  %-22s %-16s  (min %s, max %s)\n", l->label, shown, lo, hi);
}

/*
 * The verdict of the one configuration: whether its P(SLO breach), the share
 * of replications whose slo_breach is 1, is at most `max_breach`, with the
 * Wilson interval of that share (README "The verdict").
 */
static void summary_verdict(const struct report *r, FILE *out, double max_breach)
{
	double n = report_metric_get(&r->cnt, METRIC(slo_breach));
	double k = report_metric_get(&r->sum, METRIC(slo_breach));
	double lo, hi;

	if (n == 0) {
		fputs("verdict: no SLO set (slo.p95_latency, p99_latency, max_dropped_fraction or "
		      "max_job_latency)\n",
		      out);
		return;
	}
	stats_wilson(k, n, &lo, &hi);
	fprintf(out,
		"verdict: %s the SLO: breached in %.0f of %.0f replications, P(SLO breach) "
		"%.2f [%.2f, %.2f] (at most %g allowed)\n",
		verdict_meets(k / n, max_breach) ? "meets" : "does not meet", k, n, k / n, lo, hi,
		max_breach);
}

void report_summary(const struct report *r, FILE *out, const char *shown_dir, double max_breach)
{
	size_t n = strlen(shown_dir);

	summary_verdict(r, out, max_breach);
	if (r->runs > 1)
		fprintf(out, "mean of %zu replications (min, max):\n", r->runs);
	else
		fprintf(out, "%zu replication%s:\n", r->runs, r->runs == 1 ? "" : "s");
	for (size_t i = 0; i < NSUMMARY; i++)
		summary_line(r, out, &summary_lines[i]);
	fprintf(out, "written to %s%s:", shown_dir, n && shown_dir[n - 1] == '/' ? "" : "/");
	for (int i = 0; i < FILE_COUNT; i++)
		fprintf(out, "%s %s", i ? "," : "", report_file_names[i]);
	if (r->hourly)
		fputs(", " REPORT_HOURLY_USAGE, out);
	fputc('\n', out);
}
