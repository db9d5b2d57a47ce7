/*
 * plot — figures and report.html from a run's CSV files (see plot.h; the
 * files of the implementation are listed in plot_internal.h).
 *
 * Three steps, each using only what the previous one kept:
 *  1. scan: timeseries.csv and replications.csv are streamed once each and
 *     leave `struct facts`: the drawn variant, its per-minute task counts
 *     and total cost (for the cost split), and which columns have values.
 *     summary.csv and comparison.csv (configurations x metrics, small) are
 *     held as tables of strings; scenario.json, when present, gives
 *     `struct info`.
 *  2. draw: each family of figures that applies plans its figures, each
 *     with its template and its gnuplot parameters, and writes what its
 *     templates read besides the folder's files to a private temporary
 *     folder (removed at the end): the drawn variant's rows of
 *     timeseries.csv and events.csv, and reshaped data (cost split,
 *     experiment and sweep points). gnuplot.c then draws each figure's PNG
 *     and SVG into DIR/plots; a figure is `drawn` once both its files are
 *     in place.
 *  3. page: report.html is written to a temporary and renamed; it embeds
 *     the PNG of every drawn figure and nothing else that is not in it.
 */
#include "spotsim/output/plot.h"

#include "plot_internal.h"

#include "spotsim/util/error.h"
#include "spotsim/util/xalloc.h"
#include "spotsim/util/csvio.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/*
 * plot_timeseries — the time-series figures of one variant (see plot.h):
 * tasks, cost, cpu, latency and backlog, from replication 0 of the drawn
 * variant. They apply when timeseries.csv has rows of it; cpu, latency and
 * backlog only when their column has a value. Their templates read copies
 * of the variant's rows of timeseries.csv and events.csv, and cost.csv,
 * the provider split of the cumulative cost, from the temporary folder.
 */

/* Copies the drawn variant's rows of a CSV file with a variant column (header included). */
struct variant_copy {
	FILE *out;
	int col_variant;
	const char *variant;
};

static int variant_copy_row(const char *const *f, size_t n, size_t record, void *data)
{
	struct variant_copy *c = data;

	if (record == 1) {
		for (size_t i = 0; i < n; i++)
			if (!strcmp(f[i], "variant"))
				c->col_variant = (int)i;
	} else if (c->col_variant < 0 || (size_t)c->col_variant >= n ||
		   strcmp(f[c->col_variant], c->variant)) {
		return 0;
	}
	for (size_t i = 0; i < n; i++) {
		if (i)
			fputc(',', c->out);
		csvio_write_field(c->out, f[i]);
	}
	fputc('\n', c->out);
	return 0;
}

/*
 * The drawn variant's rows alone (the templates read them several times,
 * and need not compare variant names, which gnuplot's CSV reading would
 * get wrong for a name with a comma or a quote).
 */
static int write_variant_copy(struct render *r, const char *name)
{
	char *src = plot_path(r->dir, name), *dst = gnuplot_tmp_path(&r->gp, name);
	struct variant_copy c = {fopen(dst, "w"), -1, r->fx.variant};
	int rc = c.out ? csvio_read(src, variant_copy_row, &c, r->d) : SPOTSIM_EIO;

	if (!c.out || fclose(c.out)) {
		diag_error(r->d, dst, NULL, "cannot write: %s", diag_strerror(errno));
		rc = SPOTSIM_EIO;
	}
	free(src);
	free(dst);
	return rc;
}

/* The parameters every time-series template takes. */
static void time_params(const struct render *r, struct strbuf *sb)
{
	double last = r->fx.nr ? r->fx.m[r->fx.nr - 1].t : 0;
	char *ts = gnuplot_tmp_path(&r->gp, "timeseries.csv");
	char *ev = gnuplot_tmp_path(&r->gp, "events.csv");

	gnuplot_str(sb, "ts", ts);
	gnuplot_str(sb, "ev", ev);
	gnuplot_num(sb, "prefiltered", 1);
	gnuplot_str(sb, "variant", r->fx.variant);
	gnuplot_num(sb, "ymax", fmax(r->fx.ymax, 1));
	gnuplot_num(sb, "noff", (double)r->fx.noff);
	gnuplot_num(sb, "nint", (double)r->fx.nint);
	gnuplot_num(sb, "nscale", (double)r->fx.nscale);
	if (last > 2 * 86400.0) {
		gnuplot_num(sb, "tscale", 86400);
		gnuplot_str(sb, "tunit", "days");
	} else if (last > 3 * 3600.0) {
		gnuplot_num(sb, "tscale", 3600);
		gnuplot_str(sb, "tunit", "hours");
	} else {
		gnuplot_num(sb, "tscale", 60);
		gnuplot_str(sb, "tunit", "minutes");
	}
	free(ts);
	free(ev);
}

/*
 * The provider split of the cumulative cost (see plots/cost.gp): each
 * minute's share follows the running task-minutes so far, each provider's
 * scaled to its replication-0 total, so the areas end at those totals.
 */
static int write_cost(const struct render *r, const char *path)
{
	const struct facts *fx = &r->fx;
	double sum_f = 0, sum_s = 0, acc_f = 0, acc_s = 0;
	double end = fx->cost_f + fx->cost_s, final_share = end > 0 ? fx->cost_f / end : 0.5;
	FILE *f = fopen(path, "w");

	if (!f)
		return SPOTSIM_EIO;
	for (size_t i = 0; i < fx->nr; i++) {
		sum_f += fx->m[i].run_f;
		sum_s += fx->m[i].run_s;
	}
	fputs("t_s,fargate_usd,spot_usd,total_usd\n", f);
	for (size_t i = 0; i < fx->nr; i++) {
		const struct minute *m = &fx->m[i];
		acc_f += m->run_f;
		acc_s += m->run_s;
		double ef = sum_f > 0 ? fx->cost_f * acc_f / sum_f : 0;
		double es = sum_s > 0 ? fx->cost_s * acc_s / sum_s : 0;
		double share = ef + es > 0 ? ef / (ef + es) : final_share;
		double total = isfinite(m->total) ? m->total : 0;
		fprintf(f, "%.17g,%.10g,%.10g,%.10g\n", m->t, total * share, total * (1 - share),
			total);
	}
	return fclose(f) ? SPOTSIM_EIO : 0;
}

static char *cpu_caption(const struct info *in, const char *variant)
{
	struct strbuf sb = STRBUF_INIT;

	strbuf_addf(&sb, "CPU utilization (cpu_pct) of \"%s\"", variant);
	if (in->targets.len)
		strbuf_addf(&sb, " against the target-tracking target %s %% (dashed)",
			    in->targets.buf);
	if (in->thresholds.len)
		strbuf_addf(&sb, "%s the step-scaling alarm threshold %s %% (dotted)",
			    in->targets.len ? " and" : " against", in->thresholds.buf);
	strbuf_adds(&sb, ", with each scaling activity marked along the bottom.");
	if (!in->targets.len && !in->thresholds.len)
		strbuf_adds(&sb, " No CPU target is drawn: no scenario.json in the folder (or none "
				 "that loads) gives a CPU scaling policy.");
	return strbuf_detach(&sb);
}

static void plan_tasks(struct render *r)
{
	struct strbuf sb = STRBUF_INIT;
	const char *v = r->fx.variant;
	struct figure *f;

	time_params(r, &sb);
	f = figure_add(r, "tasks", "tasks.gp");
	f->params = xstrdup(sb.buf);
	f->caption = xasprintf(
	    "Tasks running by capacity provider in replication 0 of \"%s\": FARGATE and "
	    "FARGATE_SPOT stacked, the desired count as a line, the minutes without Fargate Spot "
	    "capacity shaded, and Spot interruptions marked with triangles.",
	    v);
	strbuf_release(&sb);
}

static void plan_cpu(struct render *r)
{
	struct strbuf sb = STRBUF_INIT;

	if (!r->fx.any_cpu)
		return;
	time_params(r, &sb);
	gnuplot_str(&sb, "targets", r->info.targets.buf);
	gnuplot_str(&sb, "thresholds", r->info.thresholds.buf);
	struct figure *f = figure_add(r, "cpu", "cpu.gp");
	f->params = strbuf_detach(&sb);
	f->caption = cpu_caption(&r->info, r->fx.variant);
}

static void plan_latency(struct render *r)
{
	struct strbuf sb = STRBUF_INIT;
	const char *v = r->fx.variant;

	if (!r->fx.any_p95)
		return;
	time_params(r, &sb);
	struct figure *f = figure_add(r, "latency", "latency.gp");
	f->params = xasprintf("%sslo_ms=%.17g; ", sb.buf, r->info.slo_ms);
	f->caption =
	    r->info.slo_ms > 0
		? xasprintf("p95 request latency per minute (p95_ms) of \"%s\" against the "
			    "SLO of %g ms (dashed). Minutes beyond the axis are marked on "
			    "its top edge.",
			    v, r->info.slo_ms)
		: xasprintf("p95 request latency per minute (p95_ms) of \"%s\". No SLO "
			    "line: no scenario.json in the folder (or none that loads) "
			    "gives slo.p95_latency. Minutes beyond the axis are marked on "
			    "its top edge.",
			    v);
	strbuf_release(&sb);
}

static void plan_backlog(struct render *r)
{
	struct strbuf sb = STRBUF_INIT;

	if (!r->fx.any_backlog)
		return;
	time_params(r, &sb);
	struct figure *f = figure_add(r, "backlog", "backlog.gp");
	f->params = strbuf_detach(&sb);
	f->caption = xasprintf("Messages waiting in the queue (backlog) of \"%s\", with "
			       "Spot interruptions marked along the bottom.",
			       r->fx.variant);
}

static int plan_cost(struct render *r)
{
	struct strbuf sb = STRBUF_INIT;
	char *path = gnuplot_tmp_path(&r->gp, "cost.csv");
	const char *v = r->fx.variant;
	int rc = write_cost(r, path);

	time_params(r, &sb);
	gnuplot_str(&sb, "costfile", path);
	gnuplot_num(&sb, "split", r->fx.has_split);
	struct figure *f = figure_add(r, "cost", "cost.gp");
	f->params = strbuf_detach(&sb);
	f->caption =
	    r->fx.has_split
		? xasprintf("Cumulative cost (cost_usd_cum) of replication 0 of \"%s\". The split "
			    "between FARGATE and FARGATE_SPOT is an estimate: each minute's share "
			    "follows the running task-minutes of each provider so far, scaled to "
			    "replication 0's cost_fargate_usd and cost_spot_usd.",
			    v)
		: xasprintf("Cumulative cost (cost_usd_cum) of replication 0 of \"%s\"; "
			    "replications.csv gives no cost by provider for it, so only the total "
			    "is drawn.",
			    v);
	if (rc)
		diag_error(r->d, path, NULL, "cannot write: %s", diag_strerror(errno));
	free(path);
	return rc;
}

static bool timeseries_applies(const struct render *r)
{
	return r->fx.nr > 0;
}

static int timeseries_prepare(struct render *r)
{
	int rc = write_variant_copy(r, "timeseries.csv");

	return rc ? rc : write_variant_copy(r, "events.csv");
}

static int timeseries_plan(struct render *r)
{
	int rc = 0;

	plan_tasks(r);
	rc |= plan_cost(r);
	plan_cpu(r);
	plan_latency(r);
	plan_backlog(r);
	return rc;
}

static const char *const timeseries_names[] = {"tasks", "cost", "cpu", "latency", "backlog", NULL};

const struct figure_family timeseries_figures = {"timeseries", timeseries_names, timeseries_applies,
						 timeseries_prepare, timeseries_plan};

/*
 * plot_experiment — the experiment figure (see plot.h): mean cost_usd
 * against mean availability, one point per configuration of summary.csv
 * with its 95 % intervals, one block of points per variant in the
 * temporary experiment.tsv. It applies when summary.csv has more than one
 * configuration.
 */

/* Distinct variants of the configurations, in order (borrowed strings). */
static size_t distinct_variants(const struct configs *c, const char **out)
{
	size_t n = 0;

	for (size_t i = 0; i < c->nr; i++) {
		size_t j = 0;
		while (j < n && strcmp(out[j], c->variant[i]))
			j++;
		if (j == n)
			out[n++] = c->variant[i];
	}
	return n;
}

/* One point of the experiment figure. */
struct xpoint {
	size_t variant; /* index in the distinct variants */
	struct value cost, avail;
	struct strbuf label; /* the swept value(s) shown beside it, "" for none */
};

struct xdata {
	const char **vars; /* borrowed names, in order */
	size_t nv;
	struct xpoint *p;
	size_t np, ap;
	double lo[2], hi[2]; /* cost, availability: extent of means and intervals */
};

static void xdata_extend(struct xdata *x, int axis, const struct value *v)
{
	x->lo[axis] = fmin(x->lo[axis], fmin(v->mean, lo_or(v->lo, v->mean)));
	x->hi[axis] = fmax(x->hi[axis], fmax(v->mean, lo_or(v->hi, v->mean)));
}

static void xdata_collect(const struct render *r, struct xdata *x)
{
	x->lo[0] = x->lo[1] = INFINITY;
	x->hi[0] = x->hi[1] = -INFINITY;
	for (size_t v = 0; v < x->nv; v++)
		for (size_t i = 0; i < r->cfg.nr; i++) {
			const char *sw = r->cfg.sweep[i], *eq = strchr(sw, '=');
			struct xpoint pt;
			pt.variant = v;
			if (strcmp(r->cfg.variant[i], x->vars[v]) ||
			    !table_value(&r->summary, x->vars[v], sw, "cost_usd", "mean",
					 &pt.cost) ||
			    !table_value(&r->summary, x->vars[v], sw, "availability", "mean",
					 &pt.avail))
				continue;
			strbuf_init(&pt.label);
			strbuf_adds(&pt.label, eq ? eq + 1 : sw);
			XALLOC_GROW(x->p, x->np + 1, x->ap);
			x->p[x->np++] = pt;
			xdata_extend(x, 0, &pt.cost);
			xdata_extend(x, 1, &pt.avail);
		}
}

/*
 * Keeps a label only where it does not cover one already kept: a point of
 * the same variant that sits on a labelled one adds its value to that
 * label ("0.02, 0.05"), one of another variant goes without.
 */
static void xdata_declutter(struct xdata *x)
{
	double w = x->hi[0] > x->lo[0] ? x->hi[0] - x->lo[0] : 1;
	double h = x->hi[1] > x->lo[1] ? x->hi[1] - x->lo[1] : 1;

	for (size_t i = 0; i < x->np; i++) {
		struct xpoint *p = &x->p[i];
		for (size_t j = 0; j < i && p->label.len; j++) {
			struct xpoint *q = &x->p[j];
			if (!q->label.len || fabs(p->cost.mean - q->cost.mean) >= 0.07 * w ||
			    fabs(p->avail.mean - q->avail.mean) >= 0.06 * h)
				continue;
			if (q->variant == p->variant)
				strbuf_addf(&q->label, ", %s", p->label.buf);
			strbuf_reset(&p->label);
		}
	}
}

/* One block per variant with points (see plots/experiment.gp); returns the count. */
static size_t xdata_write(const struct xdata *x, FILE *f)
{
	size_t nblocks = 0;

	for (size_t v = 0; v < x->nv; v++) {
		size_t n = 0;
		for (size_t i = 0; i < x->np; i++) {
			const struct xpoint *p = &x->p[i];
			if (p->variant != v)
				continue;
			if (!n++) {
				gnuplot_tsv_field(f, x->vars[v]);
				fputs("\tcost\tcost_low\tcost_high\tavail\tavail_low\tavail_high"
				      "\tlabel\n",
				      f);
			}
			fprintf(f, "%.17g\t%.17g\t%.17g\t%.17g\t%.17g\t%.17g\t", p->cost.mean,
				lo_or(p->cost.lo, p->cost.mean), lo_or(p->cost.hi, p->cost.mean),
				p->avail.mean, lo_or(p->avail.lo, p->avail.mean),
				lo_or(p->avail.hi, p->avail.mean));
			gnuplot_tsv_field(f, p->label.buf);
			fputc('\n', f);
		}
		if (n)
			fputs("\n\n", f);
		nblocks += n > 0;
	}
	return nblocks;
}

static size_t xdata_blocks(const struct xdata *x)
{
	size_t n = 0;

	for (size_t v = 0; v < x->nv; v++)
		for (size_t i = 0; i < x->np; i++)
			if (x->p[i].variant == v) {
				n++;
				break;
			}
	return n;
}

static void experiment_figure(struct render *r, const struct xdata *x, const char *path,
			      size_t nblocks)
{
	struct strbuf sb = STRBUF_INIT;
	bool sweep = configs_have_sweep(&r->cfg);

	gnuplot_str(&sb, "expfile", path);
	gnuplot_num(&sb, "nblocks", (double)nblocks);
	gnuplot_str(&sb, "cost_unit", x->p[0].cost.unit);
	gnuplot_str(&sb, "availability_unit", x->p[0].avail.unit);
	gnuplot_num(&sb, "labels", sweep);
	gnuplot_axis(&sb, 'x', x->lo[0], x->hi[0]);
	gnuplot_axis(&sb, 'y', x->lo[1], x->hi[1]);
	struct figure *fig = figure_add(r, "experiment", "experiment.gp");
	fig->params = strbuf_detach(&sb);
	fig->caption = xasprintf(
	    "Mean cost_usd against mean availability over the replications of each "
	    "configuration, one colour per variant, with the 95 %% confidence intervals of both "
	    "means as error bars%s.",
	    sweep ? "; points are labelled with their swept value where the labels do not "
		    "overlap"
		  : "");
}

static int plan_experiment(struct render *r)
{
	struct xdata x = {xcalloc(r->cfg.nr + 1, sizeof(*x.vars)), 0, NULL, 0, 0, {0}, {0}};
	char *path = gnuplot_tmp_path(&r->gp, "experiment.tsv");
	FILE *f = NULL;
	int rc = 0;

	x.nv = distinct_variants(&r->cfg, x.vars);
	xdata_collect(r, &x);
	xdata_declutter(&x);
	if (x.np && (!(f = fopen(path, "w")) || (xdata_write(&x, f), fclose(f)))) {
		diag_error(r->d, path, NULL, "cannot write: %s", diag_strerror(errno));
		rc = SPOTSIM_EIO;
	} else if (x.np) {
		experiment_figure(r, &x, path, xdata_blocks(&x));
	}
	for (size_t i = 0; i < x.np; i++)
		strbuf_release(&x.p[i].label);
	free(x.vars);
	free(x.p);
	free(path);
	return rc;
}

static bool experiment_applies(const struct render *r)
{
	return r->summary.present && r->cfg.nr > 1;
}

static const char *const experiment_names[] = {"experiment", NULL};

const struct figure_family experiment_figures = {"experiment", experiment_names, experiment_applies,
						 NULL, plan_experiment};

/*
 * plot_sweep — the sweep figures (see plot.h): sweep_METRIC shows METRIC
 * against the first swept value, one line per variant (and per value of
 * any further swept key) with its interval band. Points are sorted by the
 * swept value; a value that is not a number makes the axis categorical, in
 * order of first appearance. They apply when summary.csv has a sweep; each
 * metric only when it has a value.
 */

/* One point of a sweep figure. */
struct spoint {
	size_t line;
	double x;
	char *text; /* owned: the swept value as written */
	struct value v;
};

struct sweep_data {
	char *key; /* owned: the first swept JSON path */
	char **lines;
	size_t nlines, alines;
	struct spoint *p;
	size_t np, ap;
	bool categorical;
};

static size_t sweep_line(struct sweep_data *s, const char *variant, const char *rest)
{
	char *name = *rest ? xasprintf("%s, %s", variant, rest) : xstrdup(variant);

	for (size_t i = 0; i < s->nlines; i++)
		if (!strcmp(s->lines[i], name)) {
			free(name);
			return i;
		}
	XALLOC_GROW(s->lines, s->nlines + 1, s->alines);
	s->lines[s->nlines] = name;
	return s->nlines++;
}

static void sweep_collect(const struct render *r, const char *metric, struct sweep_data *s)
{
	memset(s, 0, sizeof(*s));
	for (size_t i = 0; i < r->cfg.nr; i++) {
		struct value v;
		char *key, *val, *rest;
		if (!*r->cfg.sweep[i] || !table_value(&r->summary, r->cfg.variant[i],
						      r->cfg.sweep[i], metric, "mean", &v))
			continue;
		sweep_split(r->cfg.sweep[i], &key, &val, &rest);
		if (!s->key)
			s->key = xstrdup(key);
		if (!strcmp(key, s->key)) {
			XALLOC_GROW(s->p, s->np + 1, s->ap);
			struct spoint *p = &s->p[s->np++];
			p->line = sweep_line(s, r->cfg.variant[i], rest);
			p->text = val;
			p->v = v;
			s->categorical |= !plot_parse_num(val, &p->x);
			val = NULL;
		}
		free(key);
		free(val);
		free(rest);
	}
}

static void sweep_release(struct sweep_data *s)
{
	free(s->key);
	for (size_t i = 0; i < s->nlines; i++)
		free(s->lines[i]);
	for (size_t i = 0; i < s->np; i++)
		free(s->p[i].text);
	free(s->lines);
	free(s->p);
}

/* Categorical values: the position of each text in order of first appearance. */
static void sweep_positions(struct sweep_data *s)
{
	const char **seen = xcalloc(s->np + 1, sizeof(*seen));
	size_t nseen = 0;

	for (size_t i = 0; i < s->np; i++) {
		size_t j = 0;
		while (j < nseen && strcmp(seen[j], s->p[i].text))
			j++;
		if (j == nseen)
			seen[nseen++] = s->p[i].text;
		s->p[i].x = (double)j;
	}
	free(seen);
}

static int spoint_cmp(const void *a, const void *b)
{
	const struct spoint *p = *(const struct spoint *const *)a;
	const struct spoint *q = *(const struct spoint *const *)b;
	return (p->x > q->x) - (p->x < q->x);
}

static void sweep_write(const struct sweep_data *s, FILE *f)
{
	const struct spoint **row = xcalloc(s->np + 1, sizeof(*row));

	for (size_t l = 0; l < s->nlines; l++) {
		size_t n = 0;
		for (size_t i = 0; i < s->np; i++)
			if (s->p[i].line == l)
				row[n++] = &s->p[i];
		if (n > 1)
			qsort(row, n, sizeof(*row), spoint_cmp);
		gnuplot_tsv_field(f, s->lines[l]);
		fputs("\tmean\tci95_low\tci95_high\tvalue\n", f);
		for (size_t i = 0; i < n; i++) {
			const struct value *v = &row[i]->v;
			fprintf(f, "%.17g\t%.17g\t%.17g\t%.17g\t", row[i]->x, v->mean,
				lo_or(v->lo, v->mean), lo_or(v->hi, v->mean));
			gnuplot_tsv_field(f, row[i]->text);
			fputc('\n', f);
		}
		fputs("\n\n", f);
	}
	free(row);
}

static void sweep_range(const struct sweep_data *s, struct strbuf *sb)
{
	double lo = INFINITY, hi = -INFINITY;

	for (size_t i = 0; i < s->np; i++) {
		const struct value *v = &s->p[i].v;
		lo = fmin(lo, fmin(v->mean, lo_or(v->lo, v->mean)));
		hi = fmax(hi, fmax(v->mean, lo_or(v->hi, v->mean)));
	}
	gnuplot_axis(sb, 'y', lo, hi);
}

static void sweep_figure(struct render *r, const struct sweep_data *s, const char *name,
			 const char *metric, const char *path)
{
	struct strbuf sb = STRBUF_INIT;

	gnuplot_str(&sb, "sweepfile", path);
	gnuplot_num(&sb, "nblocks", (double)s->nlines);
	gnuplot_str(&sb, "metric", metric);
	gnuplot_str(&sb, "unit", s->p[0].v.unit);
	gnuplot_str(&sb, "xname", s->key);
	gnuplot_num(&sb, "categorical", s->categorical);
	sweep_range(s, &sb);
	struct figure *fig = figure_add(r, name, "sweep.gp");
	fig->params = strbuf_detach(&sb);
	fig->caption = xasprintf("Mean %s over the replications against %s, one line per "
				 "variant, with its 95 %% confidence interval as a band.",
				 metric, s->key);
}

static int plan_sweep_metric(struct render *r, const char *metric)
{
	struct sweep_data s;
	char *name = xasprintf("sweep_%s", metric), *file = xasprintf("%s.tsv", name);
	char *path = gnuplot_tmp_path(&r->gp, file);
	FILE *f = NULL;
	int rc = 0;

	sweep_collect(r, metric, &s);
	if (s.np && s.categorical)
		sweep_positions(&s);
	if (s.np && (!(f = fopen(path, "w")) || (sweep_write(&s, f), fclose(f)))) {
		diag_error(r->d, path, NULL, "cannot write: %s", diag_strerror(errno));
		rc = SPOTSIM_EIO;
	} else if (s.np) {
		sweep_figure(r, &s, name, metric, path);
	}
	sweep_release(&s);
	free(name);
	free(file);
	free(path);
	return rc;
}

static const char *const sweep_metrics[] = {"cost_usd", "availability", "p95_latency_s",
					    "p95_job_latency_s"};
#define NSWEEP_METRICS (sizeof(sweep_metrics) / sizeof(sweep_metrics[0]))

static bool sweep_applies(const struct render *r)
{
	return r->summary.present && configs_have_sweep(&r->cfg);
}

static int sweep_plan(struct render *r)
{
	int rc = 0;

	for (size_t i = 0; i < NSWEEP_METRICS; i++)
		rc |= plan_sweep_metric(r, sweep_metrics[i]);
	return rc;
}

/* sweep_ and each of sweep_metrics, in order. */
static const char *const sweep_names[] = {"sweep_cost_usd", "sweep_availability",
					  "sweep_p95_latency_s", "sweep_p95_job_latency_s", NULL};

const struct figure_family sweep_figures = {"sweep", sweep_names, sweep_applies, NULL, sweep_plan};

/* In the order of the page; adding a family is one file and one line here. */
static const struct figure_family *const families[] = {&timeseries_figures, &experiment_figures,
						       &sweep_figures};
#define NFAMILIES (sizeof(families) / sizeof(families[0]))

struct figure *figure_add(struct render *r, const char *name, const char *tmpl)
{
	XALLOC_GROW(r->fig, r->nfig + 1, r->afig);
	struct figure *f = &r->fig[r->nfig++];
	f->name = xstrdup(name);
	f->tmpl = tmpl;
	f->params = NULL;
	f->caption = NULL;
	f->drawn = false;
	return f;
}

static int plan_figures(struct render *r)
{
	int rc = 0;

	for (size_t i = 0; i < NFAMILIES; i++) {
		const struct figure_family *fam = families[i];
		int prc;
		if (!fam->applies(r))
			continue;
		if (fam->prepare && (prc = fam->prepare(r)) != 0)
			return prc;
		rc |= fam->plan(r);
	}
	return rc ? SPOTSIM_EIO : 0;
}

/* Removes the images of every figure a family can draw that is not planned. */
static void remove_stale(const struct render *r)
{
	static const char *const exts[] = {"png", "svg"};

	for (size_t k = 0; k < NFAMILIES; k++)
		for (const char *const *name = families[k]->figures; *name; name++) {
			bool planned = false;
			for (size_t j = 0; j < r->nfig; j++)
				planned |= !strcmp(r->fig[j].name, *name);
			for (size_t e = 0; !planned && e < 2; e++) {
				char *p = xasprintf("%s/plots/%s.%s", r->dir, *name, exts[e]);
				unlink(p);
				free(p);
			}
		}
}

static int draw_all(struct render *r)
{
	char *plots = plot_path(r->dir, "plots");
	int rc = 0;

	if (mkdir(plots, 0777) != 0 && errno != EEXIST) {
		diag_error(r->d, plots, NULL, "cannot create folder: %s", diag_strerror(errno));
		free(plots);
		return SPOTSIM_EIO;
	}
	remove_stale(r);
	for (size_t i = 0; i < r->nfig; i++) {
		struct figure *f = &r->fig[i];
		f->drawn = gnuplot_draw(&r->gp, r->dir, f->name, f->tmpl, f->params, r->d);
		if (!f->drawn)
			rc = SPOTSIM_EIO;
	}
	free(plots);
	return rc;
}

/* ---- the whole ---- */

/* The folder and its required files; the missing ones are named in one line. */
static int check_inputs(const char *dir, struct diag *d)
{
	static const char *const required[] = {"timeseries.csv", "events.csv", "replications.csv"};
	struct strbuf missing = STRBUF_INIT;
	struct stat st;
	int rc = 0;

	if (stat(dir, &st) != 0 || !S_ISDIR(st.st_mode)) {
		diag_error(d, dir, NULL,
			   "no such folder (accepted: a folder written by spotsim run)");
		return SPOTSIM_ENOENT;
	}
	for (size_t i = 0; i < sizeof(required) / sizeof(required[0]); i++) {
		char *p = plot_path(dir, required[i]);
		if (access(p, R_OK) != 0 && errno == ENOENT) {
			strbuf_addf(&missing, "%s%s", missing.len ? ", " : "", required[i]);
		} else if (access(p, R_OK) != 0) {
			diag_error(d, p, NULL, "cannot read: %s", diag_strerror(errno));
			rc = SPOTSIM_EIO;
		}
		free(p);
	}
	if (missing.len) {
		diag_error(d, dir, NULL,
			   "no %s in this folder (accepted: a folder written by "
			   "spotsim run)",
			   missing.buf);
		rc = SPOTSIM_ENOENT;
	}
	strbuf_release(&missing);
	return rc;
}

static int load_tables(struct render *r)
{
	char *sum = plot_path(r->dir, "summary.csv"), *cmp = plot_path(r->dir, "comparison.csv");
	int rc = table_load(&r->summary, sum, r->d);

	if (!rc)
		rc = table_load(&r->comparison, cmp, r->d);
	if (!rc)
		configs_of(&r->summary, &r->cfg);
	free(sum);
	free(cmp);
	return rc;
}

static void render_release(struct render *r)
{
	gnuplot_release(&r->gp);
	for (size_t i = 0; i < r->nfig; i++) {
		free(r->fig[i].name);
		free(r->fig[i].params);
		free(r->fig[i].caption);
	}
	free(r->fig);
	facts_release(&r->fx);
	table_release(&r->summary);
	table_release(&r->comparison);
	configs_release(&r->cfg);
	info_release(&r->info);
	free(r->dir);
}

/* Plans and draws the figures when gnuplot and the templates are there. */
static int draw(struct render *r, bool *no_gnuplot)
{
	int rc;

	r->gp.exe = gnuplot_find();
	*no_gnuplot = !r->gp.exe;
	if (!r->gp.exe) {
		diag_note(r->d, NULL, NULL, PLOT_NO_GNUPLOT);
		return 0;
	}
	if (!(r->gp.tmpl_dir = gnuplot_find_templates())) {
		diag_note(r->d, NULL, NULL,
			  "plot templates not found; plots were skipped (set SPOTSIM_PLOTS to the "
			  "folder of spotsim's .gp files)");
		return 0;
	}
	if ((rc = gnuplot_make_tmp(&r->gp, r->d)) != 0)
		return rc;
	rc = plan_figures(r);
	int rc2 = draw_all(r);
	return rc ? rc : rc2;
}

int plot_render(const char *dir, struct diag *d, int *nplots)
{
	struct render r;
	bool no_gnuplot = false;
	int rc, drawn = 0;

	memset(&r, 0, sizeof(r));
	r.dir = xstrdup(dir);
	for (size_t n = strlen(r.dir); n > 1 && r.dir[n - 1] == '/'; n--)
		r.dir[n - 1] = '\0';
	r.d = d;
	strbuf_init(&r.info.targets);
	strbuf_init(&r.info.thresholds);
	rc = check_inputs(r.dir, d);
	if (!rc)
		info_load(&r.info, r.dir);
	if (!rc)
		rc = facts_scan(&r.fx, r.dir, d);
	if (!rc)
		rc = load_tables(&r);
	if (!rc) {
		rc = draw(&r, &no_gnuplot);
		int rc2 = report_html_write(&r, no_gnuplot);
		rc = rc ? rc : rc2;
	}
	for (size_t i = 0; i < r.nfig; i++)
		drawn += r.fig[i].drawn;
	if (nplots)
		*nplots = drawn;
	render_release(&r);
	return rc;
}
