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
#include "spotsim/scenario/scenario.h"
#include "spotsim/util/version.h"

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/*
 * plot_table — summary.csv and comparison.csv as tables of strings (see
 * plot_internal.h): configurations x metrics, small enough to hold whole.
 * A value is found by scanning for its (variant, sweep, metric) row.
 */

char *plot_path(const char *dir, const char *name)
{
	return xasprintf("%s/%s", dir, name);
}

bool plot_parse_num(const char *s, double *out)
{
	char *end;

	if (!s || !*s)
		return false;
	errno = 0;
	*out = strtod(s, &end);
	return !*end && !errno && isfinite(*out);
}

double plot_num_or_nan(const char *s)
{
	double v;
	return plot_parse_num(s, &v) ? v : NAN;
}

static int table_row(const char *const *f, size_t n, size_t record, void *data)
{
	struct table *t = data;

	if (record == 1 && !t->head) {
		t->ncols = n;
		t->head = xcalloc(n, sizeof(*t->head));
		for (size_t i = 0; i < n; i++)
			t->head[i] = xstrdup(f[i]);
		return 0;
	}
	XALLOC_GROW(t->cells, (t->nrows + 1) * t->ncols, t->alloc);
	for (size_t i = 0; i < t->ncols; i++)
		t->cells[t->nrows * t->ncols + i] = xstrdup(i < n ? f[i] : "");
	t->nrows++;
	return 0;
}

int table_load(struct table *t, const char *path, struct diag *d)
{
	memset(t, 0, sizeof(*t));
	if (access(path, F_OK) != 0)
		return 0;
	int rc = csvio_read(path, table_row, t, d);
	t->present = rc == 0;
	return rc;
}

int table_col(const struct table *t, const char *name)
{
	for (size_t i = 0; i < t->ncols; i++)
		if (!strcmp(t->head[i], name))
			return (int)i;
	return -1;
}

const char *table_at(const struct table *t, size_t row, int col)
{
	return col < 0 ? "" : t->cells[row * t->ncols + (size_t)col];
}

void table_release(struct table *t)
{
	for (size_t i = 0; i < t->ncols; i++)
		free(t->head[i]);
	for (size_t i = 0; i < t->nrows * t->ncols; i++)
		free(t->cells[i]);
	free(t->head);
	free(t->cells);
	memset(t, 0, sizeof(*t));
}

/* ---- configurations and sweeps ---- */

void configs_of(const struct table *t, struct configs *c)
{
	int cv = table_col(t, "variant"), cs = table_col(t, "sweep");

	memset(c, 0, sizeof(*c));
	for (size_t r = 0; r < t->nrows; r++) {
		const char *v = table_at(t, r, cv), *s = table_at(t, r, cs);
		size_t i = c->nr;
		while (i > 0 && (strcmp(c->variant[i - 1], v) || strcmp(c->sweep[i - 1], s)))
			i--;
		if (i > 0)
			continue;
		XALLOC_GROW(c->variant, c->nr + 1, c->alloc);
		c->sweep = xrealloc(c->sweep, c->alloc * sizeof(*c->sweep));
		c->variant[c->nr] = (char *)v;
		c->sweep[c->nr++] = (char *)s;
	}
}

void configs_release(struct configs *c)
{
	free(c->variant);
	free(c->sweep);
}

bool configs_have_sweep(const struct configs *c)
{
	for (size_t i = 0; i < c->nr; i++)
		if (*c->sweep[i])
			return true;
	return false;
}

bool table_value(const struct table *t, const char *variant, const char *sweep, const char *metric,
		 const char *mean_col, struct value *out)
{
	int cv = table_col(t, "variant"), cs = table_col(t, "sweep"), cm = table_col(t, "metric");
	int cmean = table_col(t, mean_col), clo = table_col(t, "ci95_low");
	int chi = table_col(t, "ci95_high");

	for (size_t r = 0; r < t->nrows; r++) {
		if (strcmp(table_at(t, r, cv), variant) || strcmp(table_at(t, r, cs), sweep) ||
		    strcmp(table_at(t, r, cm), metric))
			continue;
		out->mean = plot_num_or_nan(table_at(t, r, cmean));
		out->lo = plot_num_or_nan(table_at(t, r, clo));
		out->hi = plot_num_or_nan(table_at(t, r, chi));
		out->unit = table_at(t, r, table_col(t, "unit"));
		out->n = table_at(t, r, table_col(t, "n"));
		return isfinite(out->mean);
	}
	return false;
}

void sweep_split(const char *sweep, char **key, char **value, char **rest)
{
	const char *semi = strchr(sweep, ';');
	size_t len = semi ? (size_t)(semi - sweep) : strlen(sweep);
	const char *eq = memchr(sweep, '=', len);

	*key = xstrndup(sweep, eq ? (size_t)(eq - sweep) : len);
	*value = eq ? xstrndup(eq + 1, len - (size_t)(eq - sweep) - 1) : xstrdup("");
	*rest = xstrdup(semi ? semi + 1 : "");
}

/*
 * plot_scan — step 1 of plot (see plot_internal.h): timeseries.csv and
 * replications.csv are streamed once each, and events.csv once, into
 * `struct facts`; nothing of them but the drawn variant's per-minute task
 * counts and cost is held. scenario.json, when a copy loads, gives
 * `struct info`.
 */

/* Adds an error when a required column is missing; returns false then. */
static bool require_cols(const char *file, const char *const *have, size_t n,
			 const char *const *want, size_t nwant, int *col, struct diag *d)
{
	bool ok = true;

	for (size_t w = 0; w < nwant; w++) {
		col[w] = -1;
		for (size_t i = 0; i < n; i++)
			if (!strcmp(have[i], want[w]))
				col[w] = (int)i;
		if (col[w] < 0) {
			diag_error(d, file, NULL,
				   "no column \"%s\" in the header (accepted: the header spotsim "
				   "run writes)",
				   want[w]);
			ok = false;
		}
	}
	return ok;
}

/* ---- step 1: what the CSV files say ---- */

enum {
	TS_VARIANT,
	TS_T,
	TS_DESIRED,
	TS_RUN_F,
	TS_RUN_S,
	TS_CPU,
	TS_P95,
	TS_BACKLOG,
	TS_COST,
	TS_SPOT,
	TS_NCOLS
};

static const char *const ts_names[TS_NCOLS] = {
    "variant", "t_s",	 "desired", "running_fargate", "running_spot",
    "cpu_pct", "p95_ms", "backlog", "cost_usd_cum",    "spot_available"};

struct ts_scan {
	struct facts *fx;
	int col[TS_NCOLS];
};

/* Starts over with `variant`: "base" seen after another first variant. */
static void facts_switch(struct facts *fx, const char *variant)
{
	free(fx->variant);
	fx->variant = xstrdup(variant);
	fx->nr = 0;
	fx->any_cpu = fx->any_p95 = fx->any_backlog = false;
	fx->ymax = 0;
	fx->noff = 0;
}

static int ts_row(const char *const *f, size_t n, size_t record, void *data)
{
	struct ts_scan *ts = data;
	struct facts *fx = ts->fx;
	double v;

	if (record == 1)
		return require_cols(fx->file, f, n, ts_names, TS_NCOLS, ts->col, fx->d)
			   ? 0
			   : SPOTSIM_EINVAL;
	const char *field[TS_NCOLS];
	for (int i = 0; i < TS_NCOLS; i++)
		field[i] = (size_t)ts->col[i] < n ? f[ts->col[i]] : "";
	if (!fx->variant || (strcmp(fx->variant, "base") && !strcmp(field[TS_VARIANT], "base")))
		facts_switch(fx, field[TS_VARIANT]);
	if (strcmp(fx->variant, field[TS_VARIANT]))
		return 0;
	XALLOC_GROW(fx->m, fx->nr + 1, fx->alloc);
	struct minute *m = &fx->m[fx->nr++];
	m->t = plot_num_or_nan(field[TS_T]);
	m->run_f = plot_parse_num(field[TS_RUN_F], &v) ? v : 0;
	m->run_s = plot_parse_num(field[TS_RUN_S], &v) ? v : 0;
	m->total = plot_num_or_nan(field[TS_COST]);
	fx->any_cpu |= plot_parse_num(field[TS_CPU], &v);
	fx->any_p95 |= plot_parse_num(field[TS_P95], &v);
	fx->any_backlog |= plot_parse_num(field[TS_BACKLOG], &v) && v != 0;
	fx->noff += plot_parse_num(field[TS_SPOT], &v) && v == 0;
	fx->ymax = fmax(fx->ymax, m->run_f + m->run_s);
	if (plot_parse_num(field[TS_DESIRED], &v))
		fx->ymax = fmax(fx->ymax, v);
	return 0;
}

enum {
	EV_VARIANT,
	EV_T,
	EV_EVENT,
	EV_NCOLS
};
static const char *const ev_names[EV_NCOLS] = {"variant", "t_s", "event"};

struct ev_scan {
	struct facts *fx;
	const char *file;
	int col[EV_NCOLS];
};

/* Counts the drawn variant's interruptions and scaling activities. */
static int ev_row(const char *const *f, size_t n, size_t record, void *data)
{
	struct ev_scan *es = data;
	struct facts *fx = es->fx;

	if (record == 1)
		return require_cols(es->file, f, n, ev_names, EV_NCOLS, es->col, fx->d)
			   ? 0
			   : SPOTSIM_EINVAL;
	if ((size_t)es->col[EV_EVENT] >= n || (size_t)es->col[EV_VARIANT] >= n || !fx->variant ||
	    strcmp(f[es->col[EV_VARIANT]], fx->variant))
		return 0;
	fx->nint += !strcmp(f[es->col[EV_EVENT]], "SPOT_INTERRUPTION");
	fx->nscale += !strcmp(f[es->col[EV_EVENT]], "SCALING_ACTIVITY");
	return 0;
}

enum {
	REP_VARIANT,
	REP_INDEX,
	REP_NCOLS
};
static const char *const rep_names[REP_NCOLS] = {"variant", "replication"};

struct rep_scan {
	struct facts *fx;
	int col[REP_NCOLS];
	int col_f, col_s; /* cost_fargate_usd, cost_spot_usd; -1 when absent */
};

static int rep_row(const char *const *f, size_t n, size_t record, void *data)
{
	struct rep_scan *rs = data;
	struct facts *fx = rs->fx;

	if (record == 1) {
		rs->col_f = rs->col_s = -1;
		for (size_t i = 0; i < n; i++) {
			if (!strcmp(f[i], "cost_fargate_usd"))
				rs->col_f = (int)i;
			else if (!strcmp(f[i], "cost_spot_usd"))
				rs->col_s = (int)i;
		}
		return require_cols(fx->file, f, n, rep_names, REP_NCOLS, rs->col, fx->d)
			   ? 0
			   : SPOTSIM_EINVAL;
	}
	if (fx->has_split || rs->col_f < 0 || rs->col_s < 0 || (size_t)rs->col_f >= n ||
	    (size_t)rs->col_s >= n || (size_t)rs->col[REP_INDEX] >= n)
		return 0;
	if (!fx->variant || strcmp(f[rs->col[REP_VARIANT]], fx->variant) ||
	    strcmp(f[rs->col[REP_INDEX]], "0"))
		return 0;
	fx->has_split =
	    plot_parse_num(f[rs->col_f], &fx->cost_f) && plot_parse_num(f[rs->col_s], &fx->cost_s);
	return 0;
}

int facts_scan(struct facts *fx, const char *dir, struct diag *d)
{
	char *ts = plot_path(dir, "timeseries.csv"), *ev = plot_path(dir, "events.csv");
	char *rep = plot_path(dir, "replications.csv");
	struct ts_scan tss = {fx, {0}};
	struct ev_scan es = {fx, ev, {0}};
	struct rep_scan rs = {fx, {0}, -1, -1};
	int rc;

	fx->d = d;
	fx->file = ts;
	rc = csvio_read(ts, ts_row, &tss, d);
	if (rc >= 0) {
		int rc2 = csvio_read(ev, ev_row, &es, d);
		rc = rc2 < 0 ? rc2 : rc;
	}
	fx->file = rep;
	if (rc >= 0)
		rc = csvio_read(rep, rep_row, &rs, d);
	fx->file = NULL;
	free(ts);
	free(ev);
	free(rep);
	return rc < 0 ? rc : 0;
}

void facts_release(struct facts *fx)
{
	free(fx->variant);
	free(fx->m);
}

/* ---- scenario.json ---- */

/* Adds `v` to a space-separated list of numbers unless it is there. */
static void add_number(struct strbuf *list, double v)
{
	const char *p = list->buf;
	char *end;

	while (*p) {
		double have = strtod(p, &end);
		if (end == p)
			break;
		if (have == v)
			return;
		p = end + (*end == ' ');
	}
	strbuf_addf(list, "%s%g", list->len ? " " : "", v);
}

static void info_targets(struct info *in, const struct scaling_config *sc)
{
	for (size_t i = 0; i < sc->npolicies; i++) {
		const struct scaling_policy *p = &sc->policies[i];
		if (p->type == POLICY_TARGET_TRACKING && p->metric == METRIC_CPU &&
		    isfinite(p->target))
			add_number(&in->targets, p->target);
		else if (p->type == POLICY_STEP && p->has_alarm && p->alarm.metric == METRIC_CPU &&
			 isfinite(p->alarm.threshold))
			add_number(&in->thresholds, p->alarm.threshold);
	}
}

void info_load(struct info *in, const char *dir)
{
	char *path = plot_path(dir, "scenario.json"), full[PATH_MAX];
	const char *name = realpath(dir, full) ? full : dir, *base = strrchr(name, '/');
	struct scenario sc;
	struct diag quiet;

	in->name = xstrdup(base && base[1] ? base + 1 : name);
	in->description = xstrdup("");
	in->slo_ms = 0;
	diag_init(&quiet);
	if (access(path, F_OK) == 0) {
		/* a copy that does not load (relative trace paths that no longer
		 * resolve, say) is ignored: the captions say no line is known */
		if (scenario_load(&sc, path, &quiet) == 0) {
			free(in->name);
			free(in->description);
			in->name = xstrdup(sc.name);
			in->description = xstrdup(sc.description);
			if (sc.slo.has_p95_latency)
				in->slo_ms = (double)sc.slo.p95_latency / 1000.0;
			info_targets(in, &sc.scaling);
		}
		scenario_release(&sc);
	}
	diag_release(&quiet);
	free(path);
}

void info_release(struct info *in)
{
	free(in->name);
	free(in->description);
	strbuf_release(&in->targets);
	strbuf_release(&in->thresholds);
}

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

/*
 * report_html — step 3 of plot (see plot.h for what the page shows):
 * report.html, one self-contained file with no script and nothing fetched.
 * The page is written to DIR/.report.html.tmp.PID and renamed, so a
 * failure never leaves half a page under the final name. It embeds the
 * PNG of every drawn figure as a data: URI and links its SVG; every text
 * from the folder's files is HTML-escaped.
 */

static void html_text(FILE *f, const char *s)
{
	for (; *s; s++) {
		switch (*s) {
		case '&':
			fputs("&amp;", f);
			break;
		case '<':
			fputs("&lt;", f);
			break;
		case '>':
			fputs("&gt;", f);
			break;
		case '"':
			fputs("&quot;", f);
			break;
		default:
			fputc(*s, f);
		}
	}
}

/* HTML text that may break after its dots and underscores (long names, JSON paths). */
static void html_breakable(FILE *f, const char *s)
{
	for (; *s; s++) {
		char one[2] = {*s, '\0'};
		html_text(f, one);
		if (*s == '.' || *s == '_')
			fputs("<wbr>", f);
	}
}

static const char page_style[] =
    "body{font-family:system-ui,-apple-system,'Segoe UI',Helvetica,Arial,sans-serif;"
    "margin:0 auto;max-width:1200px;padding:16px 24px 48px;color:#1d1d1f;background:#fff;"
    "line-height:1.45}\n"
    "h1{font-size:1.7em;margin:.4em 0 .1em}h2{font-size:1.25em;margin:1.6em 0 .5em;"
    "border-bottom:1px solid #ddd;padding-bottom:.2em}\n"
    ".about{color:#444;margin:.2em 0}.meta{color:#666;font-size:.9em;margin:.2em 0}\n"
    "nav a{margin-right:1em}\n"
    ".scroll{overflow-x:auto}\n"
    "table{border-collapse:collapse;font-size:.88em;margin:.4em 0}\n"
    "th,td{border:1px solid #ddd;padding:4px 8px;vertical-align:top}\n"
    "th{background:#f4f4f6;text-align:left;font-weight:600}\n"
    "td.num{text-align:right;font-variant-numeric:tabular-nums;white-space:nowrap}\n"
    "td.name{white-space:nowrap}\n"
    "td.num small{display:block;color:#666}\n"
    "tr:nth-child(even) td{background:#fafafa}\n"
    ".note{background:#fff6e0;border:1px solid #f0d48a;padding:8px 12px;border-radius:4px}\n"
    "figure{margin:1.4em 0}figure img{max-width:100%;height:auto;border:1px solid #eee}\n"
    "figcaption{color:#333;font-size:.92em;margin-top:.3em}\n"
    "details{margin:.6em 0}summary{cursor:pointer;color:#1f6fb4}\n"
    "footer{margin-top:3em;color:#888;font-size:.85em}\n";

/* Key metrics shown as columns of the two main tables, when they have values. */
static const char *const key_metrics[] = {"cost_usd",		"savings_vs_on_demand_pct",
					  "availability",	"p95_latency_s",
					  "dropped_fraction",	"interruptions",
					  "mean_running_tasks", "p95_job_latency_s",
					  "lost_work_hours",	"max_backlog"};
#define NKEY_METRICS (sizeof(key_metrics) / sizeof(key_metrics[0]))

/*
 * `v` with enough significant digits to show the interval's half-width `hw`
 * to two digits, between 2 and 6 of them (6 when there is no interval):
 * 61.7657 [61.7646, 61.7668], 0.999901, 4 [2.9, 5.1].
 */
static void fmt_num(char *buf, size_t size, double v, double hw)
{
	int digits = 6;

	if (!isfinite(v)) {
		snprintf(buf, size, "n/a");
		return;
	}
	if (isfinite(hw) && hw > 0 && v != 0) {
		digits = (int)floor(log10(fabs(v))) - (int)floor(log10(hw)) + 2;
		digits = digits < 2 ? 2 : digits > 6 ? 6 : digits;
	}
	snprintf(buf, size, "%.*g", digits, v);
}

static void html_value_cell(FILE *f, const struct value *v)
{
	double hw = (v->hi - v->lo) / 2;
	char m[64], lo[64], hi[64];

	fmt_num(m, sizeof(m), v->mean, hw);
	fputs("<td class=\"num\">", f);
	html_text(f, m);
	if (isfinite(v->lo) && isfinite(v->hi)) {
		fmt_num(lo, sizeof(lo), v->lo, hw);
		fmt_num(hi, sizeof(hi), v->hi, hw);
		fprintf(f, "<small>[%s, %s]</small>", lo, hi);
	}
	fputs("</td>", f);
}

/* Which key metrics have a value in `t` (in `mean_col`); their units. */
static size_t key_columns(const struct table *t, const struct configs *c, const char *mean_col,
			  const char **cols, const char **units)
{
	size_t n = 0;
	struct value v;

	for (size_t k = 0; k < NKEY_METRICS; k++)
		for (size_t i = 0; i < c->nr; i++)
			if (table_value(t, c->variant[i], c->sweep[i], key_metrics[k], mean_col,
					&v)) {
				cols[n] = key_metrics[k];
				units[n++] = v.unit;
				break;
			}
	return n;
}

/*
 * The sweep column's heading (owned): the swept key when every
 * configuration sweeps that one key alone (the cells then show its value
 * only, *values_only), else "sweep"; NULL when nothing is swept.
 */
static char *sweep_heading(const struct configs *c, bool *values_only)
{
	char *common = NULL;
	bool ok = true;

	*values_only = false;
	if (!configs_have_sweep(c))
		return NULL;
	for (size_t i = 0; i < c->nr && ok; i++) {
		char *key, *val, *rest;
		sweep_split(c->sweep[i], &key, &val, &rest);
		ok = !*rest && *key && (!common || !strcmp(common, key));
		if (ok && !common)
			common = xstrdup(key);
		free(key);
		free(val);
		free(rest);
	}
	if (!ok) {
		free(common);
		return xstrdup("sweep");
	}
	*values_only = true;
	return common;
}

static void key_table_head(FILE *f, const char *sweep, const char **cols, const char **units,
			   size_t n)
{
	fputs("<div class=\"scroll\"><table>\n<thead><tr><th>variant</th>", f);
	if (sweep) {
		fputs("<th>", f);
		html_breakable(f, sweep);
		fputs("</th>", f);
	}
	fputs("<th>n</th>", f);
	for (size_t k = 0; k < n; k++) {
		fputs("<th>", f);
		html_breakable(f, cols[k]);
		if (*units[k]) {
			fputs("<br><small>", f);
			html_text(f, units[k]);
			fputs("</small>", f);
		}
		fputs("</th>", f);
	}
	fputs("</tr></thead>\n<tbody>\n", f);
}

struct key_row {
	const struct table *t;
	const char *mean_col;
	const char **cols;
	size_t ncols;
	bool sweep, values_only;
};

static void key_table_row(FILE *f, const struct key_row *k, const char *variant, const char *sweep)
{
	struct value v, cell[NKEY_METRICS];
	const char *count = "", *eq = strchr(sweep, '=');

	for (size_t i = 0; i < k->ncols; i++) {
		if (!table_value(k->t, variant, sweep, k->cols[i], k->mean_col, &v))
			v.mean = v.lo = v.hi = NAN;
		else if (!*count)
			count = v.n;
		cell[i] = v;
	}
	fputs("<tr><td class=\"name\">", f);
	html_text(f, variant);
	if (k->sweep) {
		fputs("</td><td class=\"name\">", f);
		html_text(f, k->values_only && eq ? eq + 1 : sweep);
	}
	fputs("</td><td class=\"num\">", f);
	html_text(f, count);
	fputs("</td>", f);
	for (size_t i = 0; i < k->ncols; i++)
		html_value_cell(f, &cell[i]);
	fputs("</tr>\n", f);
}

/* Rows = configurations of `t`, columns = key metrics: value and interval. */
static void key_table(FILE *f, const struct table *t, const char *mean_col)
{
	struct configs c;
	const char *cols[NKEY_METRICS], *units[NKEY_METRICS];
	struct key_row k = {t, mean_col, cols, 0, false, false};

	configs_of(t, &c);
	k.ncols = key_columns(t, &c, mean_col, cols, units);
	char *heading = sweep_heading(&c, &k.values_only);
	k.sweep = heading != NULL;
	key_table_head(f, heading, cols, units, k.ncols);
	for (size_t i = 0; i < c.nr; i++)
		key_table_row(f, &k, c.variant[i], c.sweep[i]);
	fputs("</tbody></table></div>\n", f);
	free(heading);
	configs_release(&c);
}

/* The whole file as it is, in a collapsed section. */
static void full_table(FILE *f, const struct table *t, const char *title)
{
	fprintf(f,
		"<details><summary>%s (%zu rows)</summary>\n<div class=\"scroll\"><table>\n"
		"<thead><tr>",
		title, t->nrows);
	for (size_t c = 0; c < t->ncols; c++) {
		fputs("<th>", f);
		html_text(f, t->head[c]);
		fputs("</th>", f);
	}
	fputs("</tr></thead>\n<tbody>\n", f);
	for (size_t r = 0; r < t->nrows; r++) {
		fputs("<tr>", f);
		for (size_t c = 0; c < t->ncols; c++) {
			fputs(c < 4 ? "<td>" : "<td class=\"num\">", f);
			html_text(f, table_at(t, r, (int)c));
			fputs("</td>", f);
		}
		fputs("</tr>\n", f);
	}
	fputs("</tbody></table></div></details>\n", f);
}

static void page_head(FILE *f, const struct render *r)
{
	fputs("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
	      "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
	      "<title>spotsim report: ",
	      f);
	html_text(f, r->info.name);
	fprintf(f, "</title>\n<style>\n%s</style>\n</head>\n<body>\n<header>\n<h1>", page_style);
	html_text(f, r->info.name);
	fputs("</h1>\n", f);
	if (*r->info.description) {
		fputs("<p class=\"about\">", f);
		html_text(f, r->info.description);
		fputs("</p>\n", f);
	}
	fputs("<p class=\"meta\">spotsim report of the folder ", f);
	html_text(f, r->dir);
	fprintf(f, ": %zu configuration%s", r->cfg.nr, r->cfg.nr == 1 ? "" : "s");
	if (r->fx.variant) {
		fputs("; time series of variant &quot;", f);
		html_text(f, r->fx.variant);
		fputs("&quot;, replication 0", f);
	}
	fputs(".</p>\n<nav><a href=\"#summary\">Summary</a><a href=\"#comparison\">Comparison</a>"
	      "<a href=\"#plots\">Plots</a></nav>\n</header>\n",
	      f);
}

static void page_tables(FILE *f, const struct render *r)
{
	fputs("<section id=\"summary\">\n<h2>Summary</h2>\n", f);
	if (r->summary.present) {
		fputs("<p>Mean over the replications of each configuration, with its 95 % "
		      "confidence interval in brackets; n is the number of replications.</p>\n",
		      f);
		key_table(f, &r->summary, "mean");
		full_table(f, &r->summary, "Every metric (summary.csv)");
	} else {
		fputs("<p class=\"note\">This folder has no summary.csv.</p>\n", f);
	}
	fputs("</section>\n<section id=\"comparison\">\n<h2>Comparison with the baseline</h2>\n",
	      f);
	if (r->comparison.present && r->comparison.nrows) {
		fputs("<p>Paired difference (variant minus baseline, same sweep point and random "
		      "numbers) of each mean, with its 95 % confidence interval.</p>\n",
		      f);
		key_table(f, &r->comparison, "mean_diff");
		full_table(f, &r->comparison, "Every metric (comparison.csv)");
	} else {
		fprintf(f, "<p class=\"note\">%s</p>\n",
			r->comparison.present ? "comparison.csv has no rows: there is no variant "
						"to compare with the baseline."
					      : "This folder has no comparison.csv.");
	}
	fputs("</section>\n", f);
}

static void base64_file(FILE *out, FILE *in)
{
	static const char b64[] =
	    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
	unsigned char buf[3 * 1024];
	size_t n;

	while ((n = fread(buf, 1, sizeof(buf), in)) > 0) {
		for (size_t i = 0; i < n; i += 3) {
			unsigned v = (unsigned)buf[i] << 16;
			v |= i + 1 < n ? (unsigned)buf[i + 1] << 8 : 0;
			v |= i + 2 < n ? buf[i + 2] : 0;
			fputc(b64[v >> 18 & 63], out);
			fputc(b64[v >> 12 & 63], out);
			fputc(i + 1 < n ? b64[v >> 6 & 63] : '=', out);
			fputc(i + 2 < n ? b64[v & 63] : '=', out);
		}
	}
}

static bool page_figure(FILE *f, const struct render *r, const struct figure *fig, int number)
{
	char *png = xasprintf("%s/plots/%s.png", r->dir, fig->name);
	FILE *in = fopen(png, "rb");

	free(png);
	if (!in)
		return false;
	fprintf(f, "<figure id=\"fig-%s\">\n<img alt=\"Figure %d: ", fig->name, number);
	html_text(f, fig->name);
	fputs("\" src=\"data:image/png;base64,", f);
	base64_file(f, in);
	fclose(in);
	fprintf(f, "\">\n<figcaption><b>Figure %d.</b> ", number);
	html_text(f, fig->caption);
	fprintf(f,
		" <a href=\"plots/%s.svg\">plots/%s.svg</a> &middot; "
		"<a href=\"plots/%s.png\">plots/%s.png</a></figcaption>\n</figure>\n",
		fig->name, fig->name, fig->name, fig->name);
	return true;
}

static void page_figures(FILE *f, const struct render *r, bool no_gnuplot)
{
	int number = 0;

	fputs("<section id=\"plots\">\n<h2>Plots</h2>\n", f);
	if (no_gnuplot)
		fputs("<p class=\"note\">" PLOT_NO_GNUPLOT ", then run <code>spotsim plot</code> "
		      "on this folder.</p>\n",
		      f);
	else if (!r->gp.tmpl_dir)
		fputs("<p class=\"note\">The plot templates were not found; plots were skipped "
		      "(set SPOTSIM_PLOTS to the folder of spotsim's .gp files).</p>\n",
		      f);
	for (size_t i = 0; i < r->nfig; i++)
		if (r->fig[i].drawn && page_figure(f, r, &r->fig[i], number + 1))
			number++;
	if (!no_gnuplot && r->gp.tmpl_dir && !number)
		fputs("<p class=\"note\">No figure applies to this folder's data.</p>\n", f);
	fputs("</section>\n", f);
}

int report_html_write(const struct render *r, bool no_gnuplot)
{
	char *final = plot_path(r->dir, "report.html");
	char *tmp = xasprintf("%s/.report.html.tmp.%ld", r->dir, (long)getpid());
	FILE *f = fopen(tmp, "w");
	int rc = 0;

	if (f) {
		page_head(f, r);
		page_tables(f, r);
		page_figures(f, r, no_gnuplot);
		fprintf(f,
			"<footer>Made by spotsim %s from the CSV files of this folder; "
			"redraw with <code>spotsim plot FOLDER</code>.</footer>\n"
			"</body>\n</html>\n",
			SPOTSIM_VERSION);
	}
	if (!f || ferror(f) | fclose(f) || rename(tmp, final) != 0) {
		diag_error(r->d, final, NULL, "cannot write: %s", diag_strerror(errno));
		unlink(tmp);
		rc = SPOTSIM_EIO;
	}
	free(final);
	free(tmp);
	return rc;
}

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
