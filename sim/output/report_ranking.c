/*
 * report_ranking — the printed table of an experiment's configurations,
 * cheapest first, and the paired differences against each baseline (see
 * report_ranking in report.h).
 *
 * The figures of every configuration are computed first (struct ranked),
 * sorted, then formatted cell by cell (struct cells) twice: once to measure
 * each column's width (struct layout), once to print, so that column widths
 * fit the widest cell. Widths are measured in characters, not bytes: the
 * cost cell holds "±", two bytes in UTF-8.
 */
#include "report_internal.h"

#include "spotsim/experiment/stats.h"
#include "spotsim/util/xalloc.h"

#include <math.h>
#include <stdlib.h>

/* The figures of one configuration that the ranking shows (means over replications). */
struct ranked {
	size_t config;
	struct metric_summary cost;
	double savings, availability, over_budget;
	double latency; /* s: the p95 latency, or the mean job latency for a queue */
	bool queue;
};

enum {
	COL_RANK,
	COL_VARIANT,
	COL_SWEEP,
	COL_COST,
	COL_SAVINGS,
	COL_AVAILABILITY,
	COL_LATENCY,
	COL_OVER_BUDGET,
	NCOLS
};

#define CELL_MAX 64

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

static double mean_over_reps(const struct experiment *x, size_t config, size_t offset, double *v)
{
	struct metric_summary s;

	report_gather(x, config, offset, v);
	stats_summarize(v, x->nreps, &s);
	return s.mean;
}

static void figures(const struct experiment *x, size_t config, double *v, struct ranked *out)
{
	out->config = config;
	report_gather(x, config, METRIC(cost_usd), v);
	stats_summarize(v, x->nreps, &out->cost);
	out->savings = mean_over_reps(x, config, METRIC(savings_vs_on_demand_pct), v);
	out->availability = mean_over_reps(x, config, METRIC(availability), v);
	out->over_budget = mean_over_reps(x, config, METRIC(over_budget), v);
	/* the queue metrics apply only to queue workers */
	out->queue = !isnan(mean_over_reps(x, config, METRIC(jobs_completed), v));
	out->latency = mean_over_reps(
	    x, config, out->queue ? METRIC(mean_job_latency_s) : METRIC(p95_latency_s), v);
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
 * `v` with %.*f (%+.*f when `plus`) and " unit" into buf; "n/a" for NAN. A
 * sign on a value that rounds to zero ("-0.00") is dropped.
 */
static const char *fmt_fixed(char *buf, size_t size, double v, int prec, bool plus,
			     const char *unit)
{
	char num[CELL_MAX];

	if (isnan(v)) {
		snprintf(buf, size, "n/a");
		return buf;
	}
	snprintf(num, sizeof(num), plus ? "%+.*f" : "%.*f", prec, v);
	if ((num[0] == '-' || num[0] == '+') && strspn(num + 1, "0.") == strlen(num + 1))
		memmove(num, num + 1, strlen(num));
	snprintf(buf, size, "%.40s%s%.16s", num, *unit ? " " : "", unit);
	return buf;
}

/* "12.34 ± 0.56" (the 95 % half-width), or the mean alone when there is no interval. */
static void fmt_cost(char *buf, size_t size, const struct metric_summary *cost)
{
	char mean[24], half[24];

	fmt_fixed(mean, sizeof(mean), cost->mean, 2, false, "");
	if (isnan(cost->ci95_high)) {
		snprintf(buf, size, "%s", mean);
		return;
	}
	fmt_fixed(half, sizeof(half), (cost->ci95_high - cost->ci95_low) / 2, 2, false, "");
	snprintf(buf, size, "%s \u00b1 %s", mean, half);
}

static void format_cells(const struct experiment *x, const struct ranked *f, size_t rank,
			 struct cells *c)
{
	snprintf(c->buf[COL_RANK], CELL_MAX, "%zu", rank);
	fmt_cost(c->buf[COL_COST], CELL_MAX, &f->cost);
	fmt_fixed(c->buf[COL_SAVINGS], CELL_MAX, f->savings, 1, false, "%");
	fmt_fixed(c->buf[COL_AVAILABILITY], CELL_MAX, f->availability * 100, 2, false, "%");
	if (f->queue)
		fmt_fixed(c->buf[COL_LATENCY], CELL_MAX, f->latency, 1, false, "s");
	else
		fmt_fixed(c->buf[COL_LATENCY], CELL_MAX, f->latency * 1000, 1, false, "ms");
	fmt_fixed(c->buf[COL_OVER_BUDGET], CELL_MAX, f->over_budget, 2, false, "");
	for (int i = 0; i < NCOLS; i++)
		c->text[i] = c->buf[i];
	c->text[COL_VARIANT] = x->variant[f->config];
	c->text[COL_SWEEP] = x->sweep[f->config] ? x->sweep[f->config] : "";
}

/* The header line; the latency column names what its rows show. */
static void header_cells(const struct ranked *rows, size_t n, struct cells *c)
{
	size_t queues = 0;

	for (size_t i = 0; i < n; i++)
		queues += rows[i].queue;
	c->text[COL_RANK] = "#";
	c->text[COL_VARIANT] = "variant";
	c->text[COL_SWEEP] = "sweep";
	c->text[COL_COST] = "cost USD";
	c->text[COL_SAVINGS] = "savings";
	c->text[COL_AVAILABILITY] = "availability";
	c->text[COL_LATENCY] = queues == 0   ? "p95 latency"
			       : queues == n ? "mean job latency"
					     : "latency";
	c->text[COL_OVER_BUDGET] = "P(over budget)";
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
		bool left = i == COL_VARIANT || i == COL_SWEEP;
		int pad;

		if (!l->shown[i])
			continue;
		pad = (int)(l->width[i] - text_width(c->text[i]));
		fprintf(out, "  %*s%s%*s", left ? 0 : pad, "", c->text[i], left ? pad : 0, "");
	}
	fputc('\n', out);
}

static void layout_columns(const struct experiment *x, const struct ranked *rows, struct layout *l,
			   const struct cells *header)
{
	struct cells c;

	for (int i = 0; i < NCOLS; i++) {
		l->shown[i] = true;
		l->width[i] = 0;
	}
	l->shown[COL_SWEEP] = false;
	for (size_t i = 0; i < x->nconfigs; i++)
		if (x->sweep[i] && *x->sweep[i])
			l->shown[COL_SWEEP] = true;
	l->shown[COL_OVER_BUDGET] = !isnan(x->budget_usd);
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

	header_cells(rows, x->nconfigs, &header);
	layout_columns(x, rows, &l, &header);
	fprintf(out, "%zu configuration%s ranked by mean cost over %zu replication%s%s:\n",
		x->nconfigs, x->nconfigs == 1 ? "" : "s", x->nreps, x->nreps == 1 ? "" : "s",
		x->nreps > 1 ? " (\u00b1 the half-width of the 95 % interval)" : "");
	print_cells(out, &l, &header);
	for (size_t i = 0; i < x->nconfigs; i++) {
		format_cells(x, &rows[i], i + 1, &c);
		print_cells(out, &l, &c);
	}
}

/* " [lo, hi]" with `prec` decimals, or "" when there is no interval. */
static const char *fmt_interval(char *buf, size_t size, const struct metric_summary *s,
				double scale, int prec)
{
	char lo[24], hi[24];

	if (isnan(s->ci95_low)) {
		buf[0] = '\0';
		return buf;
	}
	fmt_fixed(lo, sizeof(lo), s->ci95_low * scale, prec, true, "");
	fmt_fixed(hi, sizeof(hi), s->ci95_high * scale, prec, true, "");
	snprintf(buf, size, " [%s, %s]", lo, hi);
	return buf;
}

static size_t label_width(const struct experiment *x, size_t config)
{
	const char *sweep = x->sweep[config] ? x->sweep[config] : "";

	return text_width(x->variant[config]) + (*sweep ? 1 + text_width(sweep) : 0);
}

/* Paired difference of the metric at `offset`: configuration minus its baseline. */
static void paired(const struct experiment *x, size_t config, size_t offset, double *v,
		   double *base, struct metric_summary *out)
{
	report_gather(x, config, offset, v);
	report_gather(x, x->baseline[config], offset, base);
	stats_paired(v, base, x->nreps, out);
}

static void print_paired_line(const struct experiment *x, size_t config, size_t width, double *v,
			      double *base, FILE *out)
{
	const char *sweep = x->sweep[config] ? x->sweep[config] : "";
	struct metric_summary cost, avail;
	char d_cost[CELL_MAX], d_avail[CELL_MAX], i_cost[CELL_MAX], i_avail[CELL_MAX];

	paired(x, config, METRIC(cost_usd), v, base, &cost);
	paired(x, config, METRIC(availability), v, base, &avail);
	fprintf(out, "  %s%s%s%*s", x->variant[config], *sweep ? " " : "", sweep,
		(int)(width - label_width(x, config)), "");
	fprintf(out, "  cost %s%s, availability %s%s\n",
		fmt_fixed(d_cost, sizeof(d_cost), cost.mean, 2, true, "USD"),
		fmt_interval(i_cost, sizeof(i_cost), &cost, 1, 2),
		fmt_fixed(d_avail, sizeof(d_avail), avail.mean * 100, 2, true, "pp"),
		fmt_interval(i_avail, sizeof(i_avail), &avail, 100, 2));
}

static void print_paired(const struct experiment *x, FILE *out, double *v, double *base)
{
	size_t width = 0;
	bool any = false;

	for (size_t c = 0; c < x->nconfigs; c++) {
		if (x->baseline[c] == c)
			continue;
		any = true;
		if (label_width(x, c) > width)
			width = label_width(x, c);
	}
	if (!any)
		return;
	fputs("paired against base:\n", out);
	for (size_t c = 0; c < x->nconfigs; c++)
		if (x->baseline[c] != c)
			print_paired_line(x, c, width, v, base, out);
}

void report_ranking(const struct experiment *x, FILE *out)
{
	struct ranked *rows;
	double *v, *base;

	if (x->nconfigs == 0) {
		fputs("no configurations to rank\n", out);
		return;
	}
	rows = xcalloc(x->nconfigs, sizeof(*rows));
	v = xcalloc(x->nreps + 1, sizeof(*v));
	base = xcalloc(x->nreps + 1, sizeof(*base));
	for (size_t c = 0; c < x->nconfigs; c++)
		figures(x, c, v, &rows[c]);
	qsort(rows, x->nconfigs, sizeof(*rows), by_cost);
	print_table(x, rows, out);
	print_paired(x, out, v, base);
	free(base);
	free(v);
	free(rows);
}
