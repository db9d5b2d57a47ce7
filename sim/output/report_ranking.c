/*
 * report_ranking — the printed verdict and table of an experiment's
 * configurations, cheapest first, and the paired differences against each
 * baseline (see report_ranking in report.h).
 *
 * The figures of every configuration are computed first (struct ranked),
 * the verdict taken from them (verdict.h) and printed, then the rows are
 * sorted and formatted cell by cell (struct cells) twice: once to measure
 * each column's width (struct layout), once to print, so that column widths
 * fit the widest cell. Widths are measured in characters, not bytes.
 *
 * With a Compute Savings Plan in any configuration, the ranking and the
 * verdict go by the monthly cost with the plan
 * (monthly_cost_with_savings_plan_usd; a configuration without a plan by
 * its list monthly cost), which is what the holder of the plan pays; the
 * list-price monthly cost is shown beside it.
 *
 * Intervals are the bounded ones of summary.csv (stats_summarize_scaled):
 * the monthly cost's lower bound is not below 0, P(SLO breach) has its
 * Wilson interval. A figure whose replications all agree says so instead
 * of showing an empty interval.
 */
#include "report_internal.h"

#include "spotsim/experiment/stats.h"
#include "spotsim/experiment/verdict.h"
#include "spotsim/util/numfmt.h"
#include "spotsim/util/xalloc.h"

#include <math.h>
#include <stdlib.h>

#define NO_VARIATION "no variation across replications"

/* The figures of one configuration that the ranking shows (means over replications). */
struct ranked {
	size_t config;
	struct metric_summary cost;   /* what the ranking goes by (see rank_offset) */
	struct metric_summary list;   /* monthly_cost_usd, the list price */
	struct metric_summary breach; /* slo_breach: P(SLO breach) */
	double savings, availability, over_budget;
	double latency;					  /* s: the p95 latency */
	double job_latency, lost_work, per_thousand_jobs; /* queue workers */
	bool queue;
	bool plan; /* the configuration has a Savings Plan */
};

enum {
	COL_RANK,
	COL_VARIANT,
	COL_SWEEP,
	COL_MEETS,
	COL_BREACH,
	COL_COST,
	COL_LIST,
	COL_SAVINGS,
	COL_AVAILABILITY,
	COL_LATENCY,
	COL_JOB_LATENCY,
	COL_LOST_WORK,
	COL_PER_JOBS,
	COL_OVER_BUDGET,
	NCOLS
};

#define CELL_MAX 96

/* One line of the table: each cell's text, borrowed from `buf` or the experiment. */
struct cells {
	const char *text[NCOLS];
	char buf[NCOLS][CELL_MAX];
};

/* The columns shown and their widths in characters. */
struct layout {
	bool shown[NCOLS];
	size_t width[NCOLS];
};

static void summary_of(const struct experiment *x, size_t config, size_t offset,
		       enum stats_scale scale, double *v, struct metric_summary *out)
{
	report_gather(x, config, offset, v);
	stats_summarize_scaled(v, x->nreps, scale, out);
}

static double mean_over_reps(const struct experiment *x, size_t config, size_t offset, double *v)
{
	struct metric_summary s;

	summary_of(x, config, offset, STATS_REAL, v, &s);
	return s.mean;
}

/*
 * The monthly cost the ranking goes by: with the plan when the
 * configuration has one (the metric applies to all its replications or
 * none), else the list price.
 */
static size_t rank_offset(const struct experiment *x, size_t config, double *v)
{
	report_gather(x, config, METRIC(monthly_cost_with_savings_plan_usd), v);
	for (size_t r = 0; r < x->nreps; r++)
		if (!isnan(v[r]))
			return METRIC(monthly_cost_with_savings_plan_usd);
	return METRIC(monthly_cost_usd);
}

static void figures(const struct experiment *x, size_t config, double *v, struct ranked *out)
{
	size_t by = rank_offset(x, config, v);

	out->config = config;
	out->plan = by != METRIC(monthly_cost_usd);
	summary_of(x, config, by, STATS_NONNEGATIVE, v, &out->cost);
	summary_of(x, config, METRIC(monthly_cost_usd), STATS_NONNEGATIVE, v, &out->list);
	summary_of(x, config, METRIC(slo_breach), STATS_PROBABILITY, v, &out->breach);
	out->savings = mean_over_reps(x, config, METRIC(savings_vs_on_demand_pct), v);
	out->availability = mean_over_reps(x, config, METRIC(availability), v);
	out->over_budget = mean_over_reps(x, config, METRIC(over_budget), v);
	out->latency = mean_over_reps(x, config, METRIC(p95_latency_s), v);
	/* the queue metrics apply only to queue workers */
	out->queue = !isnan(mean_over_reps(x, config, METRIC(jobs_completed), v));
	out->job_latency = mean_over_reps(x, config, METRIC(p95_job_latency_s), v);
	out->lost_work = mean_over_reps(x, config, METRIC(lost_work_hours), v);
	out->per_thousand_jobs = mean_over_reps(x, config, METRIC(cost_per_thousand_jobs_usd), v);
}

/* Cheapest first; costs that do not apply last; ties in configuration order. */
static int by_cost(const void *a, const void *b)
{
	const struct ranked *p = a, *q = b;
	bool pn = isnan(p->cost.mean), qn = isnan(q->cost.mean);

	if (pn != qn)
		return pn ? 1 : -1;
	if (!pn && p->cost.mean != q->cost.mean)
		return p->cost.mean < q->cost.mean ? -1 : 1;
	return (p->config > q->config) - (p->config < q->config);
}

/*
 * `v` with %.*f (%+.*f when `plus`) and " unit" into buf; "n/a" for NAN.
 * Floating noise is 0 (numfmt_denoise), and a sign on a value that rounds
 * to zero ("-0.00") is dropped.
 */
static const char *fmt_fixed(char *buf, size_t size, double v, int prec, bool plus,
			     const char *unit)
{
	char num[CELL_MAX];

	if (isnan(v)) {
		snprintf(buf, size, "n/a");
		return buf;
	}
	snprintf(num, sizeof(num), plus ? "%+.*f" : "%.*f", prec, numfmt_denoise(v, 1));
	numfmt_unsign_zero(num);
	snprintf(buf, size, "%.40s%s%.16s", num, *unit ? " " : "", unit);
	return buf;
}

/* Whether the replications of `s` all agree (two or more of them). */
static bool no_variation(const struct metric_summary *s)
{
	return s->n >= 2 && s->sd == 0;
}

/*
 * "12.34 [12.00, 12.70]" (the 95 % interval, scaled by `scale`), "12.34,
 * no variation across replications" when sd is 0 and `say_agree`, or the
 * mean alone when there is no interval. `plus` signs the numbers.
 */
static void fmt_interval_cell(char *buf, size_t size, const struct metric_summary *s, double scale,
			      int prec, bool plus, bool say_agree)
{
	char mean[28], lo[28], hi[28];

	fmt_fixed(mean, sizeof(mean), s->mean * scale, prec, plus, "");
	if (isnan(s->mean) || isnan(s->ci95_low) || isnan(s->ci95_high)) {
		snprintf(buf, size, "%s", mean);
		return;
	}
	if (say_agree && no_variation(s)) {
		snprintf(buf, size, "%s, " NO_VARIATION, mean);
		return;
	}
	fmt_fixed(lo, sizeof(lo), s->ci95_low * scale, prec, plus, "");
	fmt_fixed(hi, sizeof(hi), s->ci95_high * scale, prec, plus, "");
	snprintf(buf, size, "%s [%s, %s]", mean, lo, hi);
}

static const char *meets_text(const struct experiment *x, const struct ranked *f)
{
	if (isnan(f->breach.mean))
		return "no SLO set";
	return verdict_meets(f->breach.mean, x->max_breach) ? "yes" : "no";
}

static void format_cells(const struct experiment *x, const struct ranked *f, size_t rank,
			 struct cells *c)
{
	snprintf(c->buf[COL_RANK], CELL_MAX, "%zu", rank);
	fmt_interval_cell(c->buf[COL_BREACH], CELL_MAX, &f->breach, 1, 2, false, false);
	fmt_interval_cell(c->buf[COL_COST], CELL_MAX, &f->cost, 1, 2, false, true);
	fmt_interval_cell(c->buf[COL_LIST], CELL_MAX, &f->list, 1, 2, false, true);
	fmt_fixed(c->buf[COL_SAVINGS], CELL_MAX, f->savings, 1, false, "%");
	fmt_fixed(c->buf[COL_AVAILABILITY], CELL_MAX, f->availability * 100, 2, false, "%");
	fmt_fixed(c->buf[COL_LATENCY], CELL_MAX, f->latency * 1000, 1, false, "ms");
	fmt_fixed(c->buf[COL_JOB_LATENCY], CELL_MAX, f->job_latency, 1, false, "s");
	fmt_fixed(c->buf[COL_LOST_WORK], CELL_MAX, f->lost_work, 2, false, "h");
	fmt_fixed(c->buf[COL_PER_JOBS], CELL_MAX, f->per_thousand_jobs, 4, false, "");
	fmt_fixed(c->buf[COL_OVER_BUDGET], CELL_MAX, f->over_budget, 2, false, "");
	for (int i = 0; i < NCOLS; i++)
		c->text[i] = c->buf[i];
	c->text[COL_VARIANT] = x->variant[f->config];
	c->text[COL_SWEEP] = x->sweep[f->config] ? x->sweep[f->config] : "";
	c->text[COL_MEETS] = meets_text(x, f);
}

/* Whether some configuration has a Savings Plan: the ranking then goes by the cost with it. */
static bool any_plan(const struct experiment *x, const struct ranked *rows)
{
	for (size_t i = 0; i < x->nconfigs; i++)
		if (rows[i].plan)
			return true;
	return false;
}

static void header_cells(struct cells *c, bool plan)
{
	static const char *const names[NCOLS] = {"#",
						 "variant",
						 "sweep",
						 "meets SLO",
						 "P(SLO breach)",
						 "monthly cost USD",
						 "list monthly cost USD",
						 "savings",
						 "availability",
						 "p95 latency",
						 "p95 job latency",
						 "lost work",
						 "USD per 1,000 jobs",
						 "P(over budget)"};

	for (int i = 0; i < NCOLS; i++)
		c->text[i] = names[i];
	if (plan)
		c->text[COL_COST] = "monthly cost with plan USD";
}

/* Characters, not bytes: UTF-8 continuation bytes do not count. */
static size_t text_width(const char *s)
{
	size_t w = 0;

	for (; *s; s++)
		w += ((unsigned char)*s & 0xC0) != 0x80;
	return w;
}

static void widen(struct layout *l, const struct cells *c)
{
	for (int i = 0; i < NCOLS; i++) {
		size_t w = text_width(c->text[i]);
		if (w > l->width[i])
			l->width[i] = w;
	}
}

static void print_cells(FILE *out, const struct layout *l, const struct cells *c)
{
	for (int i = 0; i < NCOLS; i++) {
		bool left = i == COL_VARIANT || i == COL_SWEEP || i == COL_MEETS;
		int pad;

		if (!l->shown[i])
			continue;
		pad = (int)(l->width[i] - text_width(c->text[i]));
		fprintf(out, "  %*s%s%*s", left ? 0 : pad, "", c->text[i], left ? pad : 0, "");
	}
	fputc('\n', out);
}

/* Which columns apply: the SLO's when one is set, requests' and queues' when some row is one. */
static void choose_columns(const struct experiment *x, const struct ranked *rows, struct layout *l)
{
	bool slo = false, queue = false, requests = false, sweep = false;

	for (size_t i = 0; i < x->nconfigs; i++) {
		slo |= !isnan(rows[i].breach.mean);
		queue |= rows[i].queue;
		requests |= !rows[i].queue;
		sweep |= x->sweep[i] && *x->sweep[i];
	}
	for (int i = 0; i < NCOLS; i++) {
		l->shown[i] = true;
		l->width[i] = 0;
	}
	l->shown[COL_SWEEP] = sweep;
	l->shown[COL_MEETS] = l->shown[COL_BREACH] = slo;
	l->shown[COL_AVAILABILITY] = l->shown[COL_LATENCY] = requests;
	l->shown[COL_JOB_LATENCY] = l->shown[COL_LOST_WORK] = l->shown[COL_PER_JOBS] = queue;
	l->shown[COL_OVER_BUDGET] = !isnan(x->budget_usd);
	l->shown[COL_LIST] = any_plan(x, rows);
}

static void layout_columns(const struct experiment *x, const struct ranked *rows, struct layout *l,
			   const struct cells *header)
{
	struct cells c;

	choose_columns(x, rows, l);
	widen(l, header);
	for (size_t i = 0; i < x->nconfigs; i++) {
		format_cells(x, &rows[i], i + 1, &c);
		widen(l, &c);
	}
}

static void print_table(const struct experiment *x, const struct ranked *rows, FILE *out)
{
	struct layout l;
	struct cells header, c;

	header_cells(&header, any_plan(x, rows));
	layout_columns(x, rows, &l, &header);
	fprintf(out,
		"%zu configuration%s ranked by mean monthly cost%s over %zu replication%s%s:\n",
		x->nconfigs, x->nconfigs == 1 ? "" : "s",
		any_plan(x, rows) ? " with the Savings Plan" : "", x->nreps,
		x->nreps == 1 ? "" : "s", x->nreps > 1 ? " (95 % intervals in brackets)" : "");
	print_cells(out, &l, &header);
	for (size_t i = 0; i < x->nconfigs; i++) {
		format_cells(x, &rows[i], i + 1, &c);
		print_cells(out, &l, &c);
	}
}

/* ---- the verdict ---- */

/* "variant" or "variant sweep". */
static void print_label(const struct experiment *x, size_t config, FILE *out)
{
	const char *sweep = x->sweep[config] ? x->sweep[config] : "";

	fprintf(out, "%s%s%s", x->variant[config], *sweep ? " " : "", sweep);
}

/* The figures of the configuration the verdict names, on one indented line. */
static void print_verdict_figures(const struct experiment *x, const struct ranked *f, FILE *out)
{
	char breach[CELL_MAX], cost[CELL_MAX], num[CELL_MAX];

	fputs("  ", out);
	if (!isnan(f->breach.mean)) {
		fmt_interval_cell(breach, sizeof(breach), &f->breach, 1, 2, false, false);
		fprintf(out, "P(SLO breach) %s (at most %g allowed); ", breach, x->max_breach);
	}
	fmt_interval_cell(cost, sizeof(cost), &f->cost, 1, 2, false, true);
	fprintf(out, "monthly cost %sUSD %s; ", f->plan ? "with plan " : "", cost);
	if (f->plan) {
		fmt_interval_cell(cost, sizeof(cost), &f->list, 1, 2, false, true);
		fprintf(out, "list monthly cost USD %s; ", cost);
	}
	fprintf(out, "savings %s against all on-demand",
		fmt_fixed(num, sizeof(num), f->savings, 1, false, "%"));
	if (f->queue) {
		fprintf(out, "; %s USD per 1,000 jobs",
			fmt_fixed(num, sizeof(num), f->per_thousand_jobs, 4, false, ""));
		fprintf(out, "; p95 job latency %s",
			fmt_fixed(num, sizeof(num), f->job_latency, 1, false, "s"));
		fprintf(out, "; lost work %s",
			fmt_fixed(num, sizeof(num), f->lost_work, 2, false, "h"));
	}
	fputc('\n', out);
}

/* The recommendation's lines; `rows` in configuration order. */
static void print_verdict(const struct experiment *x, const struct ranked *rows, FILE *out)
{
	double *p = xcalloc(x->nconfigs, sizeof(*p)), *cost = xcalloc(x->nconfigs, sizeof(*cost));
	struct verdict v;

	for (size_t i = 0; i < x->nconfigs; i++) {
		p[i] = rows[i].breach.mean;
		cost[i] = rows[i].cost.mean;
	}
	v = verdict_pick(p, cost, x->nconfigs, x->max_breach);
	fputs("recommendation: ", out);
	if (v.kind == VERDICT_MEETS) {
		print_label(x, v.pick, out);
		fputs(", the cheapest configuration that meets the SLO\n", out);
	} else if (v.kind == VERDICT_NONE_MEETS) {
		fprintf(out,
			"none meets the SLO (P(SLO breach) at most %g); closest: ", x->max_breach);
		print_label(x, v.pick, out);
		fputc('\n', out);
	} else {
		fputs("no SLO set, ranked by cost alone; cheapest: ", out);
		print_label(x, v.pick, out);
		fputc('\n', out);
	}
	print_verdict_figures(x, &rows[v.pick], out);
	free(cost);
	free(p);
}

/* ---- paired differences ---- */

static size_t label_width(const struct experiment *x, size_t config)
{
	const char *sweep = x->sweep[config] ? x->sweep[config] : "";

	return text_width(x->variant[config]) + (*sweep ? 1 + text_width(sweep) : 0);
}

/* Paired difference of the metric at `offset`: configuration minus its baseline. */
static void paired(const struct experiment *x, size_t config, size_t offset, enum stats_scale s,
		   double *v, double *base, struct metric_summary *out)
{
	report_gather(x, config, offset, v);
	report_gather(x, x->baseline[config], offset, base);
	stats_paired_scaled(v, base, x->nreps, s, out);
}

/* The same for the monthly cost the ranking goes by, each side with its plan if it has one. */
static void paired_cost(const struct experiment *x, size_t config, double *v, double *base,
			struct metric_summary *out)
{
	report_gather(x, config, rank_offset(x, config, v), v);
	report_gather(x, x->baseline[config], rank_offset(x, x->baseline[config], base), base);
	stats_paired_scaled(v, base, x->nreps, STATS_REAL, out);
}

/* ", name +1.23 unit [lo, hi]", or the difference alone / with NO_VARIATION. */
static void print_difference(const struct metric_summary *d, const char *name, double scale,
			     const char *unit, FILE *out)
{
	char mean[CELL_MAX], lo[CELL_MAX], hi[CELL_MAX];

	fprintf(out, "%s %s", name, fmt_fixed(mean, sizeof(mean), d->mean * scale, 2, true, unit));
	if (isnan(d->mean) || isnan(d->ci95_low))
		return;
	if (no_variation(d)) {
		fputs(" (" NO_VARIATION ")", out);
		return;
	}
	fprintf(out, " [%s, %s]", fmt_fixed(lo, sizeof(lo), d->ci95_low * scale, 2, true, ""),
		fmt_fixed(hi, sizeof(hi), d->ci95_high * scale, 2, true, ""));
}

static void print_paired_line(const struct experiment *x, const struct ranked *f, size_t width,
			      double *v, double *base, FILE *out)
{
	size_t c = f->config;
	struct metric_summary d;

	fputs("  ", out);
	print_label(x, c, out);
	fprintf(out, "%*s  ", (int)(width - label_width(x, c)), "");
	paired_cost(x, c, v, base, &d);
	print_difference(&d, f->plan ? "monthly cost with plan" : "monthly cost", 1, "USD", out);
	fputs(", ", out);
	if (f->queue) {
		paired(x, c, METRIC(lost_work_hours), STATS_REAL, v, base, &d);
		print_difference(&d, "lost work", 1, "h", out);
	} else {
		paired(x, c, METRIC(availability), STATS_FRACTION, v, base, &d);
		print_difference(&d, "availability", 100, "pp", out);
	}
	fputc('\n', out);
}

/* `rows` in configuration order. */
static void print_paired(const struct experiment *x, const struct ranked *rows, FILE *out,
			 double *v, double *base)
{
	size_t width = 0, first = x->nconfigs;

	for (size_t c = 0; c < x->nconfigs; c++) {
		if (x->baseline[c] == c)
			continue;
		if (first == x->nconfigs)
			first = c;
		if (label_width(x, c) > width)
			width = label_width(x, c);
	}
	if (first == x->nconfigs)
		return;
	fprintf(out, "paired against %s:\n", x->variant[x->baseline[first]]);
	for (size_t c = 0; c < x->nconfigs; c++)
		if (x->baseline[c] != c)
			print_paired_line(x, &rows[c], width, v, base, out);
}

void report_ranking(const struct experiment *x, FILE *out)
{
	struct ranked *rows, *sorted;
	double *v, *base;

	if (x->nconfigs == 0) {
		fputs("no configurations to rank\n", out);
		return;
	}
	rows = xcalloc(x->nconfigs, sizeof(*rows));
	sorted = xcalloc(x->nconfigs, sizeof(*sorted));
	v = xcalloc(x->nreps + 1, sizeof(*v));
	base = xcalloc(x->nreps + 1, sizeof(*base));
	for (size_t c = 0; c < x->nconfigs; c++)
		figures(x, c, v, &rows[c]);
	print_verdict(x, rows, out);
	memcpy(sorted, rows, x->nconfigs * sizeof(*rows));
	qsort(sorted, x->nconfigs, sizeof(*sorted), by_cost);
	print_table(x, sorted, out);
	print_paired(x, rows, out, v, base);
	free(base);
	free(v);
	free(sorted);
	free(rows);
}
