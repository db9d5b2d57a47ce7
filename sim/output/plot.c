/*
 * plot — figures and report.html from a run's CSV files (see plot.h).
 *
 * Three steps, each using only what the previous one kept:
 *  1. scan: timeseries.csv and replications.csv are streamed once each and
 *     leave `struct facts`: the drawn variant, its per-minute task counts
 *     and total cost (for the cost split), and which columns have values.
 *     summary.csv and comparison.csv (configurations x metrics, small) are
 *     held as tables of strings; scenario.json, when present, gives
 *     `struct info`.
 *  2. draw: `fig` lists the figures that apply, each with its template
 *     and its gnuplot parameters. A private temporary folder (`tmp`,
 *     removed at the end) holds what the templates read besides the
 *     folder's files: the drawn variant's rows of timeseries.csv and
 *     events.csv, and reshaped data (cost split, experiment and sweep
 *     points). gnuplot runs once per figure and format, the PNG and the
 *     SVG side by side, without reading any gnuplot init file, and writes
 *     DIR/plots/.NAME.EXT.tmp.PID, renamed to NAME.EXT only after a clean
 *     exit and a non-empty file. A figure is `drawn` once both its files
 *     are in place.
 *  3. page: report.html is written to a temporary and renamed; it embeds
 *     the PNG of every drawn figure and nothing else that is not in it.
 *
 * Invariant: every string a figure or the page shows comes from the CSV
 * files or scenario.json and is escaped for where it goes (gnuplot string,
 * tab-separated field, HTML text).
 */
#include "spotsim/output/plot.h"

#include "spotsim/util/csvio.h"
#include "spotsim/util/error.h"
#include "spotsim/scenario/scenario.h"
#include "spotsim/util/strbuf.h"
#include "spotsim/util/version.h"
#include "spotsim/util/xalloc.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <math.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#ifndef SPOTSIM_DATADIR
#define SPOTSIM_DATADIR "/usr/local/share/spotsim"
#endif

/* ---- small helpers ---- */

static char *path_join(const char *dir, const char *name)
{
	return xasprintf("%s/%s", dir, name);
}

/* True when `s` is a whole finite number (an empty field is not). */
static bool parse_num(const char *s, double *out)
{
	char *end;

	if (!s || !*s)
		return false;
	errno = 0;
	*out = strtod(s, &end);
	return !*end && !errno && isfinite(*out);
}

static double num_or_nan(const char *s)
{
	double v;
	return parse_num(s, &v) ? v : NAN;
}

/* Appends `key='value'; ` for gnuplot -e: a quote inside is doubled. */
static void gp_str(struct strbuf *sb, const char *key, const char *value)
{
	strbuf_addf(sb, "%s='", key);
	for (const char *p = value; *p; p++) {
		if (*p == '\'')
			strbuf_addch(sb, '\'');
		strbuf_addch(sb, *p == '\n' || *p == '\r' ? ' ' : *p);
	}
	strbuf_adds(sb, "'; ");
}

static void gp_num(struct strbuf *sb, const char *key, double value)
{
	strbuf_addf(sb, "%s=%.17g; ", key, value);
}

/* Writes `s` as one tab-separated field: tabs and line ends become spaces. */
static void tsv_field(FILE *f, const char *s)
{
	for (; *s; s++)
		fputc(*s == '\t' || *s == '\n' || *s == '\r' ? ' ' : *s, f);
}

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

/* ---- a small CSV file held in memory ---- */

struct table {
	bool present;
	char **head; /* owned, ncols names */
	size_t ncols;
	char **cells; /* owned, nrows * ncols; short rows padded with "" */
	size_t nrows, alloc;
};

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

/* Loads `path` when it exists; a missing file leaves `present` false. */
static int table_load(struct table *t, const char *path, struct diag *d)
{
	memset(t, 0, sizeof(*t));
	if (access(path, F_OK) != 0)
		return 0;
	int rc = csvio_read(path, table_row, t, d);
	t->present = rc == 0;
	return rc;
}

static int table_col(const struct table *t, const char *name)
{
	for (size_t i = 0; i < t->ncols; i++)
		if (!strcmp(t->head[i], name))
			return (int)i;
	return -1;
}

static const char *table_at(const struct table *t, size_t row, int col)
{
	return col < 0 ? "" : t->cells[row * t->ncols + (size_t)col];
}

static void table_release(struct table *t)
{
	for (size_t i = 0; i < t->ncols; i++)
		free(t->head[i]);
	for (size_t i = 0; i < t->nrows * t->ncols; i++)
		free(t->cells[i]);
	free(t->head);
	free(t->cells);
	memset(t, 0, sizeof(*t));
}

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

struct minute {
	double t, run_f, run_s, total;
};

struct facts {
	const char *file; /* borrowed, for messages */
	struct diag *d;
	int col[TS_NCOLS];
	char *variant; /* owned: the drawn variant */
	struct minute *m;
	size_t nr, alloc;
	bool any_cpu, any_p95, any_backlog;
	double ymax;	   /* the largest of desired and running tasks */
	long noff;	   /* minutes with spot_available = 0 */
	long nint, nscale; /* SPOT_INTERRUPTION and SCALING_ACTIVITY events */
	/* replication 0 of the drawn variant, from replications.csv */
	bool has_split;
	double cost_f, cost_s;
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
	struct facts *fx = data;
	double v;

	if (record == 1)
		return require_cols(fx->file, f, n, ts_names, TS_NCOLS, fx->col, fx->d)
			   ? 0
			   : SPOTSIM_EINVAL;
	const char *field[TS_NCOLS];
	for (int i = 0; i < TS_NCOLS; i++)
		field[i] = (size_t)fx->col[i] < n ? f[fx->col[i]] : "";
	if (!fx->variant || (strcmp(fx->variant, "base") && !strcmp(field[TS_VARIANT], "base")))
		facts_switch(fx, field[TS_VARIANT]);
	if (strcmp(fx->variant, field[TS_VARIANT]))
		return 0;
	XALLOC_GROW(fx->m, fx->nr + 1, fx->alloc);
	struct minute *m = &fx->m[fx->nr++];
	m->t = num_or_nan(field[TS_T]);
	m->run_f = parse_num(field[TS_RUN_F], &v) ? v : 0;
	m->run_s = parse_num(field[TS_RUN_S], &v) ? v : 0;
	m->total = num_or_nan(field[TS_COST]);
	fx->any_cpu |= parse_num(field[TS_CPU], &v);
	fx->any_p95 |= parse_num(field[TS_P95], &v);
	fx->any_backlog |= parse_num(field[TS_BACKLOG], &v) && v != 0;
	fx->noff += parse_num(field[TS_SPOT], &v) && v == 0;
	fx->ymax = fmax(fx->ymax, m->run_f + m->run_s);
	if (parse_num(field[TS_DESIRED], &v))
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
	    parse_num(f[rs->col_f], &fx->cost_f) && parse_num(f[rs->col_s], &fx->cost_s);
	return 0;
}

/* What scenario.json says, when the folder has a copy that loads. */
struct info {
	char *name, *description; /* owned */
	double slo_ms;		  /* 0 = none */
	struct strbuf targets;	  /* CPU target-tracking values, "60 75" */
	struct strbuf thresholds; /* CPU step-alarm thresholds */
};

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

static void info_load(struct info *in, const char *dir)
{
	char *path = path_join(dir, "scenario.json"), full[PATH_MAX];
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

static void info_release(struct info *in)
{
	free(in->name);
	free(in->description);
	strbuf_release(&in->targets);
	strbuf_release(&in->thresholds);
}

/* ---- configurations and sweeps in summary.csv ---- */

/* The distinct (variant, sweep) pairs of a table, in order of first appearance. */
struct configs {
	char **variant, **sweep; /* borrowed from the table */
	size_t nr, alloc;
};

static void configs_of(const struct table *t, struct configs *c)
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

static void configs_release(struct configs *c)
{
	free(c->variant);
	free(c->sweep);
}

static bool configs_have_sweep(const struct configs *c)
{
	for (size_t i = 0; i < c->nr; i++)
		if (*c->sweep[i])
			return true;
	return false;
}

struct value {
	double mean, lo, hi;
	const char *unit; /* borrowed */
	const char *n;	  /* borrowed; "" when the table has no n */
};

/* The row of (variant, sweep, metric) in `t`, with `mean_col` as the mean. */
static bool table_value(const struct table *t, const char *variant, const char *sweep,
			const char *metric, const char *mean_col, struct value *out)
{
	int cv = table_col(t, "variant"), cs = table_col(t, "sweep"), cm = table_col(t, "metric");
	int cmean = table_col(t, mean_col), clo = table_col(t, "ci95_low");
	int chi = table_col(t, "ci95_high");

	for (size_t r = 0; r < t->nrows; r++) {
		if (strcmp(table_at(t, r, cv), variant) || strcmp(table_at(t, r, cs), sweep) ||
		    strcmp(table_at(t, r, cm), metric))
			continue;
		out->mean = num_or_nan(table_at(t, r, cmean));
		out->lo = num_or_nan(table_at(t, r, clo));
		out->hi = num_or_nan(table_at(t, r, chi));
		out->unit = table_at(t, r, table_col(t, "unit"));
		out->n = table_at(t, r, table_col(t, "n"));
		return isfinite(out->mean);
	}
	return false;
}

/* Splits "k1=v1;rest" into owned key, value and rest ("" when absent). */
static void sweep_split(const char *sweep, char **key, char **value, char **rest)
{
	const char *semi = strchr(sweep, ';');
	size_t len = semi ? (size_t)(semi - sweep) : strlen(sweep);
	const char *eq = memchr(sweep, '=', len);

	*key = xstrndup(sweep, eq ? (size_t)(eq - sweep) : len);
	*value = eq ? xstrndup(eq + 1, len - (size_t)(eq - sweep) - 1) : xstrdup("");
	*rest = xstrdup(semi ? semi + 1 : "");
}

/* ---- step 2: the figures ---- */

struct figure {
	char *name;	  /* owned: "tasks", "sweep_cost_usd" */
	const char *tmpl; /* the template's file name */
	char *params;	  /* owned: gnuplot parameters, without term and outfile */
	char *caption;	  /* owned, plain text */
	bool drawn;
};

struct render {
	char *dir; /* owned: the folder, without trailing slashes */
	struct diag *d;
	struct facts fx;
	struct table summary, comparison;
	struct configs cfg; /* of summary.csv */
	struct info info;
	char *tmp;	/* owned: private temporary folder, NULL until made */
	char *tmpl_dir; /* owned: the templates' folder, NULL when not found */
	char *gnuplot;	/* owned: gnuplot's path, NULL when not on PATH */
	struct figure *fig;
	size_t nfig, afig;
};

static struct figure *figure_add(struct render *r, const char *name, const char *tmpl)
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

/* A tmp file's path (owned); the folder is removed with everything in it. */
static char *tmp_path(const struct render *r, const char *name)
{
	return path_join(r->tmp, name);
}

/* The parameters every time-series template takes. */
static void time_params(const struct render *r, struct strbuf *sb)
{
	double last = r->fx.nr ? r->fx.m[r->fx.nr - 1].t : 0;
	char *ts = tmp_path(r, "timeseries.csv"), *ev = tmp_path(r, "events.csv");

	gp_str(sb, "ts", ts);
	gp_str(sb, "ev", ev);
	gp_num(sb, "prefiltered", 1);
	gp_str(sb, "variant", r->fx.variant);
	gp_num(sb, "ymax", fmax(r->fx.ymax, 1));
	gp_num(sb, "noff", (double)r->fx.noff);
	gp_num(sb, "nint", (double)r->fx.nint);
	gp_num(sb, "nscale", (double)r->fx.nscale);
	if (last > 2 * 86400.0) {
		gp_num(sb, "tscale", 86400);
		gp_str(sb, "tunit", "days");
	} else if (last > 3 * 3600.0) {
		gp_num(sb, "tscale", 3600);
		gp_str(sb, "tunit", "hours");
	} else {
		gp_num(sb, "tscale", 60);
		gp_str(sb, "tunit", "minutes");
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
	gp_str(&sb, "targets", r->info.targets.buf);
	gp_str(&sb, "thresholds", r->info.thresholds.buf);
	struct figure *f = figure_add(r, "cpu", "cpu.gp");
	f->params = strbuf_detach(&sb);
	f->caption = cpu_caption(&r->info, r->fx.variant);
}

static void plan_latency_backlog(struct render *r)
{
	struct strbuf sb = STRBUF_INIT;
	const char *v = r->fx.variant;
	struct figure *f;

	time_params(r, &sb);
	if (r->fx.any_p95) {
		f = figure_add(r, "latency", "latency.gp");
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
	}
	if (r->fx.any_backlog) {
		f = figure_add(r, "backlog", "backlog.gp");
		f->params = xstrdup(sb.buf);
		f->caption = xasprintf("Messages waiting in the queue (backlog) of \"%s\", with "
				       "Spot interruptions marked along the bottom.",
				       v);
	}
	strbuf_release(&sb);
}

static int plan_cost(struct render *r)
{
	struct strbuf sb = STRBUF_INIT;
	char *path = tmp_path(r, "cost.csv");
	const char *v = r->fx.variant;
	int rc = write_cost(r, path);

	time_params(r, &sb);
	gp_str(&sb, "costfile", path);
	gp_num(&sb, "split", r->fx.has_split);
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

static double lo_or(double lo, double mean)
{
	return isfinite(lo) ? lo : mean;
}

/*
 * An axis for gnuplot: `axis`lo and `axis`hi when the values barely differ
 * (availability 0.99990079 against 0.99990080), since gnuplot's own
 * widening of an empty range is a percent of the value, which hides the
 * value's digits; and `axis`fmt, a tick format with the decimals that
 * tell apart ticks a tenth of the range apart.
 */
static void axis_params(struct strbuf *sb, char axis, double lo, double hi)
{
	double scale = fmax(fabs(lo), fabs(hi)), span = hi - lo;
	char name[8];

	if (!isfinite(lo) || !isfinite(hi))
		return;
	if (span < 1e-6 * scale) {
		double pad = scale > 0 ? 1e-4 * scale : 1;
		lo -= pad;
		hi += pad;
		span = hi - lo;
		snprintf(name, sizeof(name), "%clo", axis);
		gp_num(sb, name, lo);
		snprintf(name, sizeof(name), "%chi", axis);
		gp_num(sb, name, hi);
	}
	int decimals = span > 0 ? -(int)floor(log10(span / 10)) : 6;
	decimals = decimals < 0 ? 0 : decimals > 12 ? 12 : decimals;
	snprintf(name, sizeof(name), "%cfmt", axis);
	strbuf_addf(sb, "%s='%%.%df'; ", name, decimals);
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
				tsv_field(f, x->vars[v]);
				fputs("\tcost\tcost_low\tcost_high\tavail\tavail_low\tavail_high"
				      "\tlabel\n",
				      f);
			}
			fprintf(f, "%.17g\t%.17g\t%.17g\t%.17g\t%.17g\t%.17g\t", p->cost.mean,
				lo_or(p->cost.lo, p->cost.mean), lo_or(p->cost.hi, p->cost.mean),
				p->avail.mean, lo_or(p->avail.lo, p->avail.mean),
				lo_or(p->avail.hi, p->avail.mean));
			tsv_field(f, p->label.buf);
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

	gp_str(&sb, "expfile", path);
	gp_num(&sb, "nblocks", (double)nblocks);
	gp_str(&sb, "cost_unit", x->p[0].cost.unit);
	gp_str(&sb, "availability_unit", x->p[0].avail.unit);
	gp_num(&sb, "labels", sweep);
	axis_params(&sb, 'x', x->lo[0], x->hi[0]);
	axis_params(&sb, 'y', x->lo[1], x->hi[1]);
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
	char *path = tmp_path(r, "experiment.tsv");
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
			s->categorical |= !parse_num(val, &p->x);
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
		tsv_field(f, s->lines[l]);
		fputs("\tmean\tci95_low\tci95_high\tvalue\n", f);
		for (size_t i = 0; i < n; i++) {
			const struct value *v = &row[i]->v;
			fprintf(f, "%.17g\t%.17g\t%.17g\t%.17g\t", row[i]->x, v->mean,
				lo_or(v->lo, v->mean), lo_or(v->hi, v->mean));
			tsv_field(f, row[i]->text);
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
	axis_params(sb, 'y', lo, hi);
}

static int plan_sweep_metric(struct render *r, const char *metric)
{
	struct sweep_data s;
	char *name = xasprintf("sweep_%s", metric), *file = xasprintf("%s.tsv", name);
	char *path = tmp_path(r, file);
	FILE *f = NULL;
	int rc = 0;

	sweep_collect(r, metric, &s);
	if (s.np && s.categorical)
		sweep_positions(&s);
	if (s.np && (!(f = fopen(path, "w")) || (sweep_write(&s, f), fclose(f)))) {
		diag_error(r->d, path, NULL, "cannot write: %s", diag_strerror(errno));
		rc = SPOTSIM_EIO;
	} else if (s.np) {
		struct strbuf sb = STRBUF_INIT;
		gp_str(&sb, "sweepfile", path);
		gp_num(&sb, "nblocks", (double)s.nlines);
		gp_str(&sb, "metric", metric);
		gp_str(&sb, "unit", s.p[0].v.unit);
		gp_str(&sb, "xname", s.key);
		gp_num(&sb, "categorical", s.categorical);
		sweep_range(&s, &sb);
		struct figure *fig = figure_add(r, name, "sweep.gp");
		fig->params = strbuf_detach(&sb);
		fig->caption = xasprintf("Mean %s over the replications against %s, one line per "
					 "variant, with its 95 %% confidence interval as a band.",
					 metric, s.key);
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

/* Every name a figure can have, for removing those that no longer apply. */
static const char *const all_figures[] = {"tasks",
					  "cost",
					  "cpu",
					  "latency",
					  "backlog",
					  "experiment",
					  "sweep_cost_usd",
					  "sweep_availability",
					  "sweep_p95_latency_s",
					  "sweep_p95_job_latency_s"};

/*
 * The drawn variant's rows alone (the templates read them several times,
 * and need not compare variant names, which gnuplot's CSV reading would
 * get wrong for a name with a comma or a quote).
 */
static int write_variant_copy(struct render *r, const char *name)
{
	char *src = path_join(r->dir, name), *dst = tmp_path(r, name);
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

static int plan_figures(struct render *r)
{
	int rc = 0;

	if (r->fx.nr && ((rc = write_variant_copy(r, "timeseries.csv")) != 0 ||
			 (rc = write_variant_copy(r, "events.csv")) != 0))
		return rc;
	if (r->fx.nr) {
		plan_tasks(r);
		rc |= plan_cost(r);
		plan_cpu(r);
		plan_latency_backlog(r);
	}
	if (r->summary.present && r->cfg.nr > 1)
		rc |= plan_experiment(r);
	if (r->summary.present && configs_have_sweep(&r->cfg))
		for (size_t i = 0; i < NSWEEP_METRICS; i++)
			rc |= plan_sweep_metric(r, sweep_metrics[i]);
	return rc ? SPOTSIM_EIO : 0;
}

/* ---- finding gnuplot and the templates ---- */

static char *find_gnuplot(void)
{
	const char *path = getenv("PATH");
	struct stat st;

	while (path && *path) {
		size_t len = strcspn(path, ":");
		char *cand = len ? xasprintf("%.*s/gnuplot", (int)len, path) : xstrdup("gnuplot");
		if (access(cand, X_OK) == 0 && stat(cand, &st) == 0 && S_ISREG(st.st_mode))
			return cand;
		free(cand);
		path += len + (path[len] == ':');
	}
	return NULL;
}

static bool has_templates(const char *dir)
{
	char *probe = path_join(dir, "common.gp");
	bool ok = access(probe, R_OK) == 0;
	free(probe);
	return ok;
}

/* The templates' folder beside the executable (build/, build/tests/, installed bin/). */
static char *templates_near_exe(void)
{
	static const char *const ups[] = {"/../plots", "/../../plots", "/../../../plots",
					  "/../share/spotsim/plots"};
	char exe[PATH_MAX], resolved[PATH_MAX];
	ssize_t n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
	char *slash;

	if (n <= 0)
		return NULL;
	exe[n] = '\0';
	if (!(slash = strrchr(exe, '/')))
		return NULL;
	*slash = '\0';
	for (size_t i = 0; i < sizeof(ups) / sizeof(ups[0]); i++) {
		char *cand = xasprintf("%s%s", exe, ups[i]);
		bool found = realpath(cand, resolved) && has_templates(resolved);
		free(cand);
		if (found)
			return xstrdup(resolved);
	}
	return NULL;
}

static char *find_templates(void)
{
	const char *env = getenv("SPOTSIM_PLOTS");
	char *near;

	if (env && *env)
		return has_templates(env) ? xstrdup(env) : NULL;
	if ((near = templates_near_exe()))
		return near;
	if (has_templates("plots"))
		return xstrdup("plots");
	if (has_templates(SPOTSIM_DATADIR "/plots"))
		return xstrdup(SPOTSIM_DATADIR "/plots");
	return NULL;
}

/* ---- running gnuplot ---- */

/* The last non-empty line gnuplot wrote to `errfile`, for the message (owned). */
static char *last_error_line(const char *errfile)
{
	FILE *f = fopen(errfile, "r");
	char line[512], *last = xstrdup("no message");

	while (f && fgets(line, sizeof(line), f)) {
		line[strcspn(line, "\r\n")] = '\0';
		if (*line) {
			free(last);
			last = xstrdup(line);
		}
	}
	if (f)
		fclose(f);
	return last;
}

/* Starts `gnuplot -e params template`, its output going to errfile; returns its pid or -1. */
static pid_t spawn_gnuplot(const char *gnuplot, const char *params, const char *tmpl,
			   const char *errfile)
{
	/* -d: no ~/.gnuplot or system init file, so every machine draws the same */
	char *const argv[] = {(char *)"gnuplot", (char *)"-d", (char *)"-e",
			      (char *)params,	 (char *)tmpl, NULL};
	pid_t pid = fork();

	if (pid == 0) {
		int in = open("/dev/null", O_RDONLY);
		int out = open(errfile, O_WRONLY | O_CREAT | O_TRUNC, 0600);
		if (in < 0 || out < 0 || dup2(in, 0) < 0 || dup2(out, 1) < 0 || dup2(out, 2) < 0)
			_exit(127);
		execv(gnuplot, argv);
		_exit(127);
	}
	return pid;
}

/* gnuplot's exit status; 127 when it could not start, 128 when killed. */
static int wait_gnuplot(pid_t pid)
{
	int status;

	if (pid < 0)
		return 127;
	while (waitpid(pid, &status, 0) < 0)
		if (errno != EINTR)
			return 127;
	return WIFEXITED(status) ? WEXITSTATUS(status) : 128;
}

/* One image being drawn: a figure in one format. */
struct job {
	char *final, *tmp, *errfile; /* owned */
	pid_t pid;
};

static void job_start(struct render *r, const struct figure *f, const char *ext, struct job *j)
{
	char *tmpl = path_join(r->tmpl_dir, f->tmpl), *err = xasprintf("gnuplot.%s.err", ext);
	struct strbuf sb = STRBUF_INIT;

	j->final = xasprintf("%s/plots/%s.%s", r->dir, f->name, ext);
	j->tmp = xasprintf("%s/plots/.%s.%s.tmp.%ld", r->dir, f->name, ext, (long)getpid());
	j->errfile = tmp_path(r, err);
	gp_str(&sb, "plotdir", r->tmpl_dir);
	gp_str(&sb, "term", ext);
	gp_str(&sb, "outfile", j->tmp);
	strbuf_adds(&sb, f->params);
	j->pid = spawn_gnuplot(r->gnuplot, sb.buf, tmpl, j->errfile);
	strbuf_release(&sb);
	free(tmpl);
	free(err);
}

/* Waits for the job; renames its image into place when gnuplot succeeded. */
static bool job_finish(struct render *r, struct job *j)
{
	int status = wait_gnuplot(j->pid);
	struct stat st;
	bool ok = false;

	if (status != 0) {
		char *why = last_error_line(j->errfile);
		diag_error(r->d, j->final, NULL, "gnuplot failed (status %d): %s", status, why);
		free(why);
	} else if (stat(j->tmp, &st) != 0 || st.st_size == 0) {
		diag_error(r->d, j->final, NULL, "gnuplot wrote no image");
	} else if (rename(j->tmp, j->final) != 0) {
		diag_error(r->d, j->final, NULL, "cannot rename the image: %s",
			   diag_strerror(errno));
	} else {
		ok = true;
	}
	unlink(j->tmp);
	free(j->tmp);
	free(j->errfile);
	return ok;
}

/* Draws the PNG and the SVG of a figure side by side (two gnuplot processes). */
static bool draw_figure(struct render *r, const struct figure *f)
{
	struct job png, svg;

	job_start(r, f, "png", &png);
	job_start(r, f, "svg", &svg);
	bool ok = job_finish(r, &png);
	ok &= job_finish(r, &svg);
	if (!ok) { /* an older image of the same name would disagree with the page */
		unlink(png.final);
		unlink(svg.final);
	}
	free(png.final);
	free(svg.final);
	return ok;
}

static void remove_stale(const struct render *r)
{
	static const char *const exts[] = {"png", "svg"};

	for (size_t i = 0; i < sizeof(all_figures) / sizeof(all_figures[0]); i++) {
		bool planned = false;
		for (size_t j = 0; j < r->nfig; j++)
			planned |= !strcmp(r->fig[j].name, all_figures[i]);
		for (size_t e = 0; !planned && e < 2; e++) {
			char *p = xasprintf("%s/plots/%s.%s", r->dir, all_figures[i], exts[e]);
			unlink(p);
			free(p);
		}
	}
}

static int draw_all(struct render *r)
{
	char *plots = path_join(r->dir, "plots");
	int rc = 0;

	if (mkdir(plots, 0777) != 0 && errno != EEXIST) {
		diag_error(r->d, plots, NULL, "cannot create folder: %s", diag_strerror(errno));
		free(plots);
		return SPOTSIM_EIO;
	}
	remove_stale(r);
	for (size_t i = 0; i < r->nfig; i++) {
		struct figure *f = &r->fig[i];
		f->drawn = draw_figure(r, f);
		if (!f->drawn)
			rc = SPOTSIM_EIO;
	}
	free(plots);
	return rc;
}

/* ---- step 3: report.html ---- */

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
	else if (!r->tmpl_dir)
		fputs("<p class=\"note\">The plot templates were not found; plots were skipped "
		      "(set SPOTSIM_PLOTS to the folder of spotsim's .gp files).</p>\n",
		      f);
	for (size_t i = 0; i < r->nfig; i++)
		if (r->fig[i].drawn && page_figure(f, r, &r->fig[i], number + 1))
			number++;
	if (!no_gnuplot && r->tmpl_dir && !number)
		fputs("<p class=\"note\">No figure applies to this folder's data.</p>\n", f);
	fputs("</section>\n", f);
}

static int write_page(struct render *r, bool no_gnuplot)
{
	char *final = path_join(r->dir, "report.html");
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
		char *p = path_join(dir, required[i]);
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

static int scan(struct render *r)
{
	char *ts = path_join(r->dir, "timeseries.csv"), *ev = path_join(r->dir, "events.csv");
	char *rep = path_join(r->dir, "replications.csv");
	struct ev_scan es = {&r->fx, ev, {0}};
	struct rep_scan rs = {&r->fx, {0}, -1, -1};
	int rc;

	r->fx.file = ts;
	rc = csvio_read(ts, ts_row, &r->fx, r->d);
	if (rc >= 0) {
		int rc2 = csvio_read(ev, ev_row, &es, r->d);
		rc = rc2 < 0 ? rc2 : rc;
	}
	r->fx.file = rep;
	if (rc >= 0)
		rc = csvio_read(rep, rep_row, &rs, r->d);
	r->fx.file = NULL;
	free(ts);
	free(ev);
	free(rep);
	return rc < 0 ? rc : 0;
}

static int load_tables(struct render *r)
{
	char *sum = path_join(r->dir, "summary.csv"), *cmp = path_join(r->dir, "comparison.csv");
	int rc = table_load(&r->summary, sum, r->d);

	if (!rc)
		rc = table_load(&r->comparison, cmp, r->d);
	if (!rc)
		configs_of(&r->summary, &r->cfg);
	free(sum);
	free(cmp);
	return rc;
}

static int make_tmp(struct render *r)
{
	const char *base = getenv("TMPDIR");
	char *t = xasprintf("%s/spotsim-plot.XXXXXX", base && *base ? base : "/tmp");

	if (!mkdtemp(t)) {
		diag_error(r->d, t, NULL, "cannot create a temporary folder: %s",
			   diag_strerror(errno));
		free(t);
		return SPOTSIM_EIO;
	}
	r->tmp = t;
	return 0;
}

/* Removes the private temporary folder and the files made in it (no subfolders). */
static void remove_tmp(struct render *r)
{
	DIR *dp;
	struct dirent *e;

	if (!r->tmp)
		return;
	if ((dp = opendir(r->tmp))) {
		while ((e = readdir(dp)))
			if (strcmp(e->d_name, ".") && strcmp(e->d_name, "..")) {
				char *p = tmp_path(r, e->d_name);
				unlink(p);
				free(p);
			}
		closedir(dp);
	}
	rmdir(r->tmp);
}

static void render_release(struct render *r)
{
	remove_tmp(r);
	free(r->tmp);
	free(r->tmpl_dir);
	free(r->gnuplot);
	for (size_t i = 0; i < r->nfig; i++) {
		free(r->fig[i].name);
		free(r->fig[i].params);
		free(r->fig[i].caption);
	}
	free(r->fig);
	free(r->fx.variant);
	free(r->fx.m);
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

	r->gnuplot = find_gnuplot();
	*no_gnuplot = !r->gnuplot;
	if (!r->gnuplot) {
		diag_note(r->d, NULL, NULL, PLOT_NO_GNUPLOT);
		return 0;
	}
	if (!(r->tmpl_dir = find_templates())) {
		diag_note(r->d, NULL, NULL,
			  "plot templates not found; plots were skipped (set SPOTSIM_PLOTS to the "
			  "folder of spotsim's .gp files)");
		return 0;
	}
	if ((rc = make_tmp(r)) != 0)
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
	r.fx.d = d;
	strbuf_init(&r.info.targets);
	strbuf_init(&r.info.thresholds);
	rc = check_inputs(r.dir, d);
	if (!rc)
		info_load(&r.info, r.dir);
	if (!rc)
		rc = scan(&r);
	if (!rc)
		rc = load_tables(&r);
	if (!rc) {
		rc = draw(&r, &no_gnuplot);
		int rc2 = write_page(&r, no_gnuplot);
		rc = rc ? rc : rc2;
	}
	for (size_t i = 0; i < r.nfig; i++)
		drawn += r.fig[i].drawn;
	if (nplots)
		*nplots = drawn;
	render_release(&r);
	return rc;
}
