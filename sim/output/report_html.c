/*
 * report_html — step 3 of plot (see plot.h for what the page shows):
 * report.html, one self-contained file with no script and nothing fetched.
 * The page is an outdir file (outdir.h): written in the staging folder
 * and staged only once complete, so a failure never leaves half a page
 * under the final name. It embeds the staged PNG of every drawn figure as
 * a data: URI and links its SVG; every text from the folder's files is
 * HTML-escaped.
 */
#include "plot_internal.h"

#include "spotsim/output/metric_display.h"
#include "spotsim/output/plot.h"
#include "spotsim/util/error.h"
#include "spotsim/util/numfmt.h"
#include "spotsim/util/version.h"
#include "spotsim/util/xalloc.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

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
    ".slo{background:#f2f7fc;border:1px solid #c9dcef;padding:8px 12px;border-radius:4px}\n"
    "details{margin:.6em 0}summary{cursor:pointer;color:#1f6fb4}\n"
    "footer{margin-top:3em;color:#888;font-size:.85em}\n";

/* Key metrics shown as columns of the two main tables, when they have values. */
static const char *const key_metrics[] = {"cost_usd",		"savings_vs_on_demand_pct",
					  "availability",	"p95_latency_s",
					  "dropped_fraction",	"interruptions",
					  "mean_running_tasks", "p95_job_latency_s",
					  "lost_work_hours",	"max_backlog"};
#define NKEY_METRICS (sizeof(key_metrics) / sizeof(key_metrics[0]))

static void html_value_cell(FILE *f, const struct value *v, const struct metric_display *m,
			    bool diff)
{
	char mean[64], lo[64], hi[64];

	fputs("<td class=\"num\">", f);
	html_text(f, metric_display_format(mean, sizeof(mean), m, v->mean, diff));
	if (isfinite(v->lo) && isfinite(v->hi) && v->lo == v->hi && v->lo == v->mean) {
		fputs("<small>no variation across replications</small>", f);
	} else if (isfinite(v->lo) && isfinite(v->hi)) {
		metric_display_format(lo, sizeof(lo), m, v->lo, diff);
		metric_display_format(hi, sizeof(hi), m, v->hi, diff);
		fputs("<small>[", f);
		html_text(f, lo);
		fputs(", ", f);
		html_text(f, hi);
		fputs("]</small>", f);
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

/* A tooltip: the CSV name, and what the metric measures when the table says. */
static void metric_title(FILE *f, const struct metric_display *m)
{
	fputs(" title=\"", f);
	html_text(f, m->metric);
	if (m->about) {
		fputs(": ", f);
		html_text(f, m->about);
	}
	fputs("\"", f);
}

/* A heading cell: the metric's name and, under it, its unit. */
static void metric_heading(FILE *f, const struct info *in, const char *metric, const char *csv_unit,
			   bool diff)
{
	struct metric_display m;
	const char *unit;
	char label[160];

	metric_display_of(metric, csv_unit, &m);
	unit = diff ? m.diff_unit : m.unit;
	fputs("<th", f);
	metric_title(f, &m);
	fputs(">", f);
	html_text(f, info_label(in, &m, label, sizeof(label)));
	if (*unit) {
		fputs("<br><small>", f);
		html_text(f, unit);
		fputs("</small>", f);
	}
	fputs("</th>", f);
}

static void key_table_head(FILE *f, const struct info *in, const char *sweep, const char **cols,
			   const char **units, size_t n, bool diff)
{
	fputs("<div class=\"scroll\"><table>\n<thead><tr><th>variant</th>", f);
	if (sweep) {
		fputs("<th>", f);
		html_breakable(f, sweep);
		fputs("</th>", f);
	}
	fputs("<th>n</th>", f);
	for (size_t k = 0; k < n; k++)
		metric_heading(f, in, cols[k], units[k], diff);
	fputs("</tr></thead>\n<tbody>\n", f);
}

struct key_row {
	const struct table *t;
	const char *mean_col;
	const char **cols, **units;
	size_t ncols;
	bool sweep, values_only, diff;
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
	for (size_t i = 0; i < k->ncols; i++) {
		struct metric_display m;
		metric_display_of(k->cols[i], k->units[i], &m);
		html_value_cell(f, &cell[i], &m, k->diff);
	}
	fputs("</tr>\n", f);
}

/* Rows = configurations of `t`, columns = key metrics: value and interval. */
static void key_table(FILE *f, const struct info *in, const struct table *t, const char *mean_col)
{
	struct configs c;
	const char *cols[NKEY_METRICS], *units[NKEY_METRICS];
	struct key_row k = {t, mean_col, cols,	units,
			    0, false,	 false, strcmp(mean_col, "mean") != 0};

	configs_of(t, &c);
	k.ncols = key_columns(t, &c, mean_col, cols, units);
	char *heading = sweep_heading(&c, &k.values_only);
	k.sweep = heading != NULL;
	key_table_head(f, in, heading, cols, units, k.ncols, k.diff);
	for (size_t i = 0; i < c.nr; i++)
		key_table_row(f, &k, c.variant[i], c.sweep[i]);
	fputs("</tbody></table></div>\n", f);
	free(heading);
	configs_release(&c);
}

/* True for a column of numbers in the metric's unit (not n, not a name). */
static bool scaled_column(const char *name)
{
	static const char *const cols[] = {"mean", "sd",  "ci95_low", "ci95_high", "min",
					   "p05",  "p50", "p95",      "max",	   "mean_diff"};

	for (size_t i = 0; i < sizeof(cols) / sizeof(cols[0]); i++)
		if (!strcmp(name, cols[i]))
			return true;
	return false;
}

/* One cell of the full table, the metric and its values as metric_display shows them. */
static void full_cell(FILE *f, const struct info *in, const struct table *t, size_t r, size_t c,
		      const struct metric_display *m, bool diff)
{
	const char *head = t->head[c], *cell = table_at(t, r, (int)c);
	char buf[160];
	double v;

	if (!strcmp(head, "metric")) {
		fputs("<td", f);
		metric_title(f, m);
		fputs(">", f);
		html_text(f, info_label(in, m, buf, sizeof(buf)));
	} else if (!strcmp(head, "unit")) {
		fputs("<td>", f);
		html_text(f, diff ? m->diff_unit : m->unit);
	} else if (scaled_column(head) && plot_parse_num(cell, &v)) {
		fputs("<td class=\"num\">", f);
		html_text(f, metric_display_format(buf, sizeof(buf), m, v,
						   diff && strcmp(head, "sd") != 0));
	} else {
		fputs(scaled_column(head) || !strcmp(head, "n") ? "<td class=\"num\">" : "<td>", f);
		html_text(f, cell);
	}
	fputs("</td>", f);
}

/* The whole file, each metric in its name and unit for people, in a collapsed section. */
static void full_table(FILE *f, const struct info *in, const struct table *t, const char *title,
		       bool diff)
{
	int col_metric = table_col(t, "metric"), col_unit = table_col(t, "unit");

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
		struct metric_display m;
		metric_display_of(table_at(t, r, col_metric), table_at(t, r, col_unit), &m);
		fputs("<tr>", f);
		for (size_t c = 0; c < t->ncols; c++)
			full_cell(f, in, t, r, c, &m, diff);
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
	if (r->fx.nv)
		fprintf(f, "; time series of %s, replication 0",
			r->fx.nv == 1 ? "its variant" : "every variant");
	fputs(".</p>\n<nav><a href=\"#summary\">Summary</a><a href=\"#comparison\">Comparison</a>"
	      "<a href=\"#plots\">Plots</a></nav>\n</header>\n",
	      f);
}

/* The scenario's SLO and budget in one sentence, when scenario.json gives any. */
static void page_slo(FILE *f, const struct info *in)
{
	struct strbuf sb = STRBUF_INIT;

	if (in->slo_ms > 0)
		strbuf_addf(&sb, "p95 latency under %g ms", in->slo_ms);
	if (in->slo_p99_ms > 0)
		strbuf_addf(&sb, "%sp99 latency under %g ms", sb.len ? ", " : "", in->slo_p99_ms);
	if (in->max_dropped >= 0)
		strbuf_addf(&sb, "%sat most %g %% of requests dropped", sb.len ? ", " : "",
			    in->max_dropped * 100);
	if (in->budget_usd > 0)
		strbuf_addf(&sb, "%sa budget of %.2f USD a month", sb.len ? ", " : "",
			    in->budget_usd);
	if (sb.len) {
		fputs("<p class=\"slo\"><b>Objectives</b> (from scenario.json): ", f);
		html_text(f, sb.buf);
		fputs(". The latency and budget figures draw them as dashed lines.</p>\n", f);
	}
	strbuf_release(&sb);
}

static void page_tables(FILE *f, const struct render *r)
{
	fputs("<section id=\"summary\">\n<h2>Summary</h2>\n", f);
	page_slo(f, &r->info);
	if (r->summary.present) {
		fputs("<p>Mean over the replications of each configuration, with its 95 % "
		      "confidence interval in brackets; n is the number of replications.</p>\n",
		      f);
		key_table(f, &r->info, &r->summary, "mean");
		full_table(f, &r->info, &r->summary, "Every metric (summary.csv)", false);
	} else {
		fputs("<p class=\"note\">This folder has no summary.csv.</p>\n", f);
	}
	fputs("</section>\n<section id=\"comparison\">\n<h2>Comparison with the baseline</h2>\n",
	      f);
	if (r->comparison.present && r->comparison.nrows) {
		fputs("<p>Paired difference (variant minus baseline, same sweep point and random "
		      "numbers) of each mean, with its 95 % confidence interval.</p>\n",
		      f);
		key_table(f, &r->info, &r->comparison, "mean_diff");
		full_table(f, &r->info, &r->comparison, "Every metric (comparison.csv)", true);
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
	char *png = xasprintf("%s/plots/%s.png", outdir_staging(r->out), fig->name);
	FILE *in = fopen(png, "rb");

	free(png);
	if (!in)
		return false;
	fprintf(f, "<figure id=\"fig-%s\">\n<img alt=\"Figure %d: ", fig->name, number);
	html_text(f, fig->name);
	for (size_t i = 0; fig->panels && i < r->fx.nv; i++) {
		fputs(i ? ", " : ", one panel per variant: ", f);
		html_text(f, r->fx.v[i].variant);
	}
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
	struct outdir_file of;
	int err = outdir_file_create(r->out, "report.html", &of);

	if (!err) {
		page_head(of.f, r);
		report_verdict_html(of.f, r);
		page_tables(of.f, r);
		page_figures(of.f, r, no_gnuplot);
		fprintf(of.f,
			"<footer>Made by spotsim %s from the CSV files of this folder; "
			"redraw with <code>spotsim plot FOLDER</code>.</footer>\n"
			"</body>\n</html>\n",
			SPOTSIM_VERSION);
		err = outdir_file_close(r->out, &of);
	}
	if (err)
		diag_error(r->d, final, NULL, "cannot write: %s", diag_strerror(err));
	free(final);
	return err ? SPOTSIM_EIO : 0;
}
