/*
 * plot_timeseries — the time-series figures (see plot.h): tasks, cost,
 * cpu, latency and backlog, each one panel per variant (replication 0)
 * on shared axes. They apply when timeseries.csv has rows; cpu, latency
 * and backlog only when their column has a value in some variant.
 *
 * prepare writes, per variant i (1, 2, ... in timeseries.csv's order),
 * what the templates read from the scratch folder, all as x values of the
 * time axis (elapsed units, or Unix seconds with --time-axis clock):
 *   series-i.csv  x, running_fargate, running_spot, total running,
 *                 desired, cpu_pct, p95_ms, backlog, cost_usd_cum, the
 *                 cost's FARGATE and FARGATE_SPOT parts; one row per
 *                 bucket (plot_series.c), x at its middle; a bucket
 *                 without cpu_pct or p95_ms (no task ran) has "NaN"
 *                 there, which breaks the line instead of joining its
 *                 neighbours across the gap (an empty field would join)
 *   bands-i.csv   x0, x1 of each stretch without Spot capacity, widened
 *                 to at least 0.4 % of the axis so a short one stays visible
 *   idle-i.csv    the same for the stretches without cpu_pct: no task ran
 *   intr-i.csv, scale-i.csv   x of each Spot interruption, scaling activity
 */
#include "plot_internal.h"

#include "spotsim/util/error.h"
#include "spotsim/util/xalloc.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Canvas: a band for the title and key, one panel per variant, the x axis. */
#define HEAD_PX	  100
#define FOOT_PX	  62
#define PANEL_PX  210
#define SINGLE_PX 380

/* The x value of t_s. */
static double xval(const struct render *r, double t)
{
	return r->clock ? r->fx.start + t : t / r->tscale;
}

static void put_num(FILE *f, double v)
{
	if (isfinite(v))
		fprintf(f, "%.10g", v);
}

/* A value whose line must break where it is missing. */
static void put_gap(FILE *f, double v)
{
	if (isfinite(v))
		fprintf(f, "%.10g", v);
	else
		fputs("NaN", f);
}

/* Each bucket's cost by provider: the shares follow the task-minutes so far (see cost.gp). */
static void write_bucket(FILE *f, const struct render *r, const struct series *s,
			 const struct bucket *b, double acc_f, double acc_s, double sum_f,
			 double sum_s)
{
	double mid = (b->t_first - 60 + b->t_last) / 2, n = b->n;
	double ef = sum_f > 0 ? s->cost_f * acc_f / sum_f : 0;
	double es = sum_s > 0 ? s->cost_s * acc_s / sum_s : 0;
	double share = ef + es > 0 ? ef / (ef + es) : 0.5;
	double cost = b->cost;

	fprintf(f, "%.10g,%.6g,%.6g,%.6g,", xval(r, mid), b->run_f / n, b->run_s / n,
		(b->run_f + b->run_s) / n);
	put_num(f, b->ndesired ? b->desired / b->ndesired : NAN);
	fputc(',', f);
	put_gap(f, b->ncpu ? b->cpu / b->ncpu : NAN);
	fputc(',', f);
	put_gap(f, b->p95);
	fputc(',', f);
	put_num(f, b->backlog);
	fputc(',', f);
	put_num(f, cost);
	fputc(',', f);
	put_num(f, s->has_split ? cost * share : NAN);
	fputc(',', f);
	put_num(f, s->has_split ? cost * (1 - share) : NAN);
	fputc('\n', f);
}

static void write_series(FILE *f, const struct render *r, const struct series *s)
{
	double sum_f = 0, sum_s = 0, acc_f = 0, acc_s = 0;

	for (size_t i = 0; i < s->nb; i++) {
		sum_f += s->b[i].run_f;
		sum_s += s->b[i].run_s;
	}
	for (size_t i = 0; i < s->nb; i++) {
		acc_f += s->b[i].run_f;
		acc_s += s->b[i].run_s;
		write_bucket(f, r, s, &s->b[i], acc_f, acc_s, sum_f, sum_s);
	}
}

static void write_bands(FILE *f, const struct render *r, const struct bands *b)
{
	double minw = 0.004 * (r->fx.t_max - r->fx.t_min + 60);

	for (size_t i = 0; i < b->n; i++) {
		double t0 = b->v[i].t0, t1 = b->v[i].t1, grow = (minw - (t1 - t0)) / 2;
		if (grow > 0) {
			t0 -= grow;
			t1 += grow;
		}
		fprintf(f, "%.10g,%.10g\n", xval(r, t0), xval(r, t1));
	}
}

static void write_times(FILE *f, const struct render *r, const double *t, size_t n)
{
	for (size_t i = 0; i < n; i++)
		fprintf(f, "%.10g\n", xval(r, t[i]));
}

/* The scratch files of a variant, in the order of `kinds` below. */
enum scratch_kind {
	SCRATCH_SERIES,
	SCRATCH_BANDS,
	SCRATCH_IDLE,
	SCRATCH_INTR,
	SCRATCH_SCALE,
	SCRATCH_NKINDS
};

/* Writes the scratch file `name` of kind `what`; SPOTSIM_EIO after adding an error. */
static int write_scratch(struct render *r, const char *name, const struct series *s,
			 enum scratch_kind what)
{
	char *path = gnuplot_tmp_path(&r->gp, name);
	FILE *f = gnuplot_tmp_open(path);
	int rc = 0;

	if (f) {
		if (what == SCRATCH_SERIES)
			write_series(f, r, s);
		else if (what == SCRATCH_BANDS || what == SCRATCH_IDLE)
			write_bands(f, r, what == SCRATCH_BANDS ? &s->off : &s->idle);
		else
			write_times(f, r, what == SCRATCH_INTR ? s->intr : s->scale,
				    what == SCRATCH_INTR ? s->nintr : s->nscale);
	}
	if (!f || fclose(f)) {
		diag_error(r->d, path, NULL, "cannot write: %s", diag_strerror(errno));
		rc = SPOTSIM_EIO;
	}
	free(path);
	return rc;
}

static void pick_scale(struct render *r)
{
	double span = r->fx.t_max - r->fx.t_min;

	if (span > 2 * 86400.0) {
		r->tscale = 86400;
		r->tunit = "days";
	} else if (span > 3 * 3600.0) {
		r->tscale = 3600;
		r->tunit = "hours";
	} else {
		r->tscale = 60;
		r->tunit = "minutes";
	}
	if (r->clock && !isfinite(r->fx.start)) {
		char *file = xasprintf("%s/timeseries.csv", r->src);
		diag_note(r->d, file, NULL,
			  "has no \"time\" column with the clock time, so --time-axis clock "
			  "draws elapsed time");
		free(file);
		r->clock = false;
	}
}

static int timeseries_prepare(struct render *r)
{
	static const char *const kinds[SCRATCH_NKINDS] = {"series", "bands", "idle", "intr",
							  "scale"};
	int width = 1, rc = 0;

	pick_scale(r);
	for (size_t i = 0; i < r->fx.nv; i++)
		width = r->fx.v[i].width > width ? r->fx.v[i].width : width;
	for (size_t i = 0; i < r->fx.nv && !rc; i++) {
		series_widen(&r->fx.v[i], width);
		for (int k = 0; k < SCRATCH_NKINDS && !rc; k++) {
			char *name = xasprintf("%s-%zu.csv", kinds[k], i + 1);
			rc = write_scratch(r, name, &r->fx.v[i], (enum scratch_kind)k);
			free(name);
		}
	}
	return rc;
}

/* "base: 3 Spot interruptions, 45 minutes without Spot capacity" (owned). */
static char *panel_label(const struct series *s)
{
	struct strbuf sb = STRBUF_INIT;

	strbuf_adds(&sb, s->variant);
	strbuf_addf(&sb, ": %zu Spot interruption%s", s->nintr, s->nintr == 1 ? "" : "s");
	if (s->off.minutes)
		strbuf_addf(&sb, ", %ld minute%s without Spot capacity", s->off.minutes,
			    s->off.minutes == 1 ? "" : "s");
	return strbuf_detach(&sb);
}

/* The x axis: range, ticks, label; clock time ticks at midnights (UTC). */
static void axis_params(const struct render *r, struct strbuf *sb)
{
	double lo = xval(r, r->fx.t_min - 60), hi = xval(r, r->fx.t_max);

	gnuplot_num(sb, "xlo", lo);
	gnuplot_num(sb, "xhi", hi);
	gnuplot_num(sb, "clock", r->clock);
	if (r->clock) {
		/* at most 10 ticks, each at a whole hour or midnight (UTC) */
		static const double steps[] = {3600,	  3 * 3600,  6 * 3600,	 12 * 3600, 86400,
					       2 * 86400, 7 * 86400, 14 * 86400, 28 * 86400};
		double step = steps[0];
		for (size_t i = 0; i < sizeof(steps) / sizeof(steps[0]); i++)
			if ((step = steps[i]) * 10 >= hi - lo)
				break;
		/* weekly steps from a Monday (1970-01-05), the others from midnight */
		double from = step >= 7 * 86400 ? 4 * 86400 : 0;
		gnuplot_num(sb, "xtstart", from + ceil((lo - from) / step) * step);
		gnuplot_num(sb, "xtstep", step);
		gnuplot_str(sb, "xtfmt", step < 86400 ? "%a %H:%M" : "%a %d %b");
		gnuplot_str(sb, "xlab", "time (UTC)");
	} else {
		char *lab = xasprintf("time since start (%s)", r->tunit);
		gnuplot_str(sb, "xlab", lab);
		free(lab);
	}
}

/* Some variant has minutes when no task ran. */
static bool any_idle(const struct facts *fx)
{
	for (size_t i = 0; i < fx->nv; i++)
		if (fx->v[i].idle.minutes)
			return fx->any_cpu;
	return false;
}

/* The parameters every time-series template takes. */
static void time_params(const struct render *r, struct strbuf *sb)
{
	size_t nv = r->fx.nv;
	long nint = 0, noff = 0, nscale = 0;

	gnuplot_str(sb, "data", r->gp.tmp);
	gnuplot_num(sb, "nv", (double)nv);
	gnuplot_num(sb, "height",
		    nv == 1 ? HEAD_PX + FOOT_PX + SINGLE_PX
			    : HEAD_PX + FOOT_PX + PANEL_PX * (double)nv);
	gnuplot_num(sb, "headpx", HEAD_PX);
	gnuplot_num(sb, "footpx", FOOT_PX);
	axis_params(r, sb);
	for (size_t i = 0; i < nv; i++) {
		const struct series *s = &r->fx.v[i];
		char key[32], *label = panel_label(s);
		snprintf(key, sizeof(key), "vlabel%zu", i + 1);
		gnuplot_str(sb, key, label);
		free(label);
		nint += (long)s->nintr;
		noff += s->off.minutes;
		nscale += (long)s->nscale;
	}
	gnuplot_num(sb, "anyint", nint > 0);
	gnuplot_num(sb, "anyoff", noff > 0);
	gnuplot_num(sb, "anyidle", any_idle(&r->fx));
	gnuplot_num(sb, "anyscale", nscale > 0);
}

/* "base, all-spot and all-on-demand" (owned). */
static char *variant_list(const struct facts *fx)
{
	struct strbuf sb = STRBUF_INIT;

	for (size_t i = 0; i < fx->nv; i++) {
		if (i)
			strbuf_adds(&sb, i + 1 == fx->nv ? " and " : ", ");
		strbuf_addf(&sb, "\"%s\"", fx->v[i].variant);
	}
	return strbuf_detach(&sb);
}

static struct figure *ts_figure(struct render *r, const char *name, const char *tmpl,
				struct strbuf *params, const char *what)
{
	struct figure *f = figure_add(r, name, tmpl);
	char *vars = variant_list(&r->fx);
	int width = r->fx.nv ? r->fx.v[0].width : 1;

	f->params = strbuf_detach(params);
	f->panels = true;
	f->caption =
	    width > 1
		? xasprintf("%s One panel per variant (replication 0): %s; each point summarises "
			    "%d minutes.",
			    what, vars, width)
		: xasprintf("%s One panel per variant (replication 0): %s.", what, vars);
	free(vars);
	return f;
}

static void plan_tasks(struct render *r)
{
	struct strbuf sb = STRBUF_INIT;

	time_params(r, &sb);
	gnuplot_num(&sb, "ymax", fmax(r->fx.ymax, 1));
	ts_figure(r, "tasks", "tasks.gp", &sb,
		  "Tasks running on Fargate (on-demand) and on Fargate Spot, stacked, with the "
		  "desired count as a line; the times without Fargate Spot capacity are shaded "
		  "and Spot interruptions marked with triangles.");
}

static void plan_cost(struct render *r)
{
	struct strbuf sb = STRBUF_INIT, what = STRBUF_INIT;
	double cmax = 0;
	bool split = true;

	for (size_t i = 0; i < r->fx.nv; i++) {
		const struct series *s = &r->fx.v[i];
		for (size_t k = 0; k < s->nb; k++)
			cmax = isfinite(s->b[k].cost) ? fmax(cmax, s->b[k].cost) : cmax;
		split &= s->has_split;
	}
	time_params(r, &sb);
	gnuplot_num(&sb, "ymax", fmax(cmax, 0.01));
	gnuplot_num(&sb, "tscale", r->tscale);
	gnuplot_num(&sb, "start", isfinite(r->fx.start) ? r->fx.start : 0);
	gnuplot_num(&sb, "budget", r->info.budget_usd);
	strbuf_adds(&what, "Cumulative cost. The split between Fargate and Fargate Spot is an "
			   "estimate: each moment's share follows the task-minutes of each "
			   "provider so far, scaled to replication 0's cost on each.");
	if (!split)
		strbuf_adds(&what, " Where replications.csv gives no cost by provider, only the "
				   "total is drawn.");
	if (r->info.budget_usd > 0)
		strbuf_addf(&what,
			    " The dashed line is the monthly budget of %.2f USD spread "
			    "evenly over 30 days.",
			    r->info.budget_usd);
	ts_figure(r, "cost", "cost.gp", &sb, what.buf);
	strbuf_release(&what);
}

static void plan_cpu(struct render *r)
{
	struct strbuf sb = STRBUF_INIT, what = STRBUF_INIT;
	const struct info *in = &r->info;

	if (!r->fx.any_cpu)
		return;
	time_params(r, &sb);
	gnuplot_str(&sb, "targets", in->targets.buf);
	gnuplot_str(&sb, "thresholds", in->thresholds.buf);
	strbuf_adds(&what, "CPU utilization");
	if (in->targets.len)
		strbuf_addf(&what, " against the target-tracking target %s %% (dashed)",
			    in->targets.buf);
	if (in->thresholds.len)
		strbuf_addf(&what, "%s the step-scaling alarm threshold %s %% (dotted)",
			    in->targets.len ? " and" : " against", in->thresholds.buf);
	strbuf_adds(&what, ", with each scaling activity marked along the bottom.");
	if (any_idle(&r->fx))
		strbuf_adds(&what, " Grey bands: no task was running, so there is no CPU "
				   "utilization to draw and the line breaks.");
	if (!in->targets.len && !in->thresholds.len && in->scaling_unread)
		strbuf_addf(&what,
			    " No CPU target is drawn: the scaling policies come from %s, which "
			    "does not resolve from the output folder.",
			    in->scaling_unread);
	else if (!in->targets.len && !in->thresholds.len)
		strbuf_addf(&what, " No CPU target is drawn: %s.",
			    info_missing(in) ? info_missing(in)
					     : "scenario.json has no CPU scaling policy");
	ts_figure(r, "cpu", "cpu.gp", &sb, what.buf);
	strbuf_release(&what);
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return (x > y) - (x < y);
}

/*
 * The latency axis' top: 1.15 times the larger of the SLO and the 99th
 * percentile of the plotted points of every variant, so that a few
 * start-up or overload minutes cannot stretch it; points above it are
 * marked on the top edge.
 */
static double latency_top(const struct render *r, long *nhigh)
{
	double *v = NULL, p99 = 0, top;
	size_t n = 0, alloc = 0;

	for (size_t i = 0; i < r->fx.nv; i++)
		for (size_t k = 0; k < r->fx.v[i].nb; k++)
			if (isfinite(r->fx.v[i].b[k].p95)) {
				XALLOC_GROW(v, n + 1, alloc);
				v[n++] = r->fx.v[i].b[k].p95;
			}
	if (n) {
		qsort(v, n, sizeof(*v), cmp_double);
		p99 = v[(size_t)floor(0.99 * (double)(n - 1))];
	}
	top = 1.15 * fmax(fmax(p99, r->info.slo_ms), 1e-3);
	*nhigh = 0;
	for (size_t i = 0; i < n; i++)
		*nhigh += v[i] > top;
	free(v);
	return top;
}

static void plan_latency(struct render *r)
{
	struct strbuf sb = STRBUF_INIT, what = STRBUF_INIT;
	long nhigh;

	if (!r->fx.any_p95)
		return;
	double top = latency_top(r, &nhigh);
	time_params(r, &sb);
	gnuplot_num(&sb, "slo_ms", r->info.slo_ms);
	gnuplot_num(&sb, "top", top);
	gnuplot_num(&sb, "nhigh", (double)nhigh);
	strbuf_adds(&what, "p95 request latency (each point the worst minute it summarises)");
	if (r->info.slo_ms > 0)
		strbuf_addf(&what, " against the SLO of %g ms (dashed)", r->info.slo_ms);
	strbuf_addf(&what,
		    ". The axis stops at %.0f ms, 1.15 times the larger of the SLO and the 99th "
		    "percentile of the points; %ld point%s above it %s marked on its top edge.",
		    top, nhigh, nhigh == 1 ? "" : "s", nhigh == 1 ? "is" : "are");
	if (any_idle(&r->fx))
		strbuf_adds(&what, " Grey bands: no task was running, so no request was served "
				   "(an empty latency is not a good one) and the line breaks.");
	if (r->info.slo_ms <= 0)
		strbuf_addf(&what, " No SLO line: %s.",
			    info_missing(&r->info) ? info_missing(&r->info)
						   : "scenario.json gives no slo.p95_latency");
	ts_figure(r, "latency", "latency.gp", &sb, what.buf);
	strbuf_release(&what);
}

static void plan_backlog(struct render *r)
{
	struct strbuf sb = STRBUF_INIT;
	double bmax = 1;

	if (!r->fx.any_backlog)
		return;
	for (size_t i = 0; i < r->fx.nv; i++)
		for (size_t k = 0; k < r->fx.v[i].nb; k++)
			if (isfinite(r->fx.v[i].b[k].backlog))
				bmax = fmax(bmax, r->fx.v[i].b[k].backlog);
	time_params(r, &sb);
	gnuplot_num(&sb, "ymax", bmax);
	ts_figure(r, "backlog", "backlog.gp", &sb,
		  "Messages waiting in the queue (the largest of each point's minutes), with "
		  "Spot interruptions marked along the bottom.");
}

static bool timeseries_applies(const struct render *r)
{
	return r->fx.nv > 0;
}

static int timeseries_plan(struct render *r)
{
	plan_tasks(r);
	plan_cost(r);
	plan_cpu(r);
	plan_latency(r);
	plan_backlog(r);
	return 0;
}

static const char *const timeseries_names[] = {"tasks", "cost", "cpu", "latency", "backlog", NULL};

const struct figure_family timeseries_figures = {"timeseries", timeseries_names, timeseries_applies,
						 timeseries_prepare, timeseries_plan};
