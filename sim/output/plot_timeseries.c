/*
 * plot_timeseries — the time-series figures of one variant (see plot.h):
 * tasks, cost, cpu, latency and backlog, from replication 0 of the drawn
 * variant. They apply when timeseries.csv has rows of it; cpu, latency and
 * backlog only when their column has a value. Their templates read copies
 * of the variant's rows of timeseries.csv and events.csv, and cost.csv,
 * the provider split of the cumulative cost, from the temporary folder.
 */
#include "plot_internal.h"

#include "spotsim/util/csvio.h"
#include "spotsim/util/error.h"
#include "spotsim/util/xalloc.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

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
	char *src = plot_path(r->src, name), *dst = gnuplot_tmp_path(&r->gp, name);
	struct variant_copy c = {gnuplot_tmp_open(dst), -1, r->fx.variant};
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
	FILE *f = gnuplot_tmp_open(path);

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
