/*
 * plot_sweep — the sweep figures (see plot.h): sweep_METRIC shows METRIC
 * against the first swept value, one line per variant (and per value of
 * any further swept key) with its interval band. Points are sorted by the
 * swept value; a value that is not a number makes the axis categorical, in
 * order of first appearance. They apply when summary.csv has a sweep; each
 * metric only when it has a value.
 */
#include "plot_internal.h"

#include "spotsim/output/metric_display.h"

#include "spotsim/util/error.h"
#include "spotsim/util/xalloc.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

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
		value_display(&v, metric);
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

static void sweep_range(const struct sweep_data *s, const char *metric, struct strbuf *sb)
{
	bool share = value_is_share(metric);
	double lo = INFINITY, hi = -INFINITY;

	for (size_t i = 0; i < s->np; i++) {
		const struct value *v = &s->p[i].v;
		lo = fmin(lo, fmin(v->mean, lo_or(v->lo, v->mean)));
		hi = fmax(hi, fmax(v->mean, lo_or(v->hi, v->mean)));
	}
	gnuplot_axis_within(sb, 'y', lo, hi, share ? 0 : -INFINITY, share ? 100 : INFINITY);
}

static void sweep_figure(struct render *r, const struct sweep_data *s, const char *name,
			 const char *metric, const char *path)
{
	struct strbuf sb = STRBUF_INIT;

	gnuplot_str(&sb, "sweepfile", path);
	gnuplot_num(&sb, "nblocks", (double)s->nlines);
	struct metric_display m;
	char buf[160];
	metric_display_of(metric, NULL, &m);
	const char *label = info_label(&r->info, &m, buf, sizeof(buf));
	gnuplot_str(&sb, "metric", label);
	gnuplot_str(&sb, "unit", s->p[0].v.unit);
	gnuplot_str(&sb, "xname", s->key);
	gnuplot_num(&sb, "categorical", s->categorical);
	sweep_range(s, metric, &sb);
	struct figure *fig = figure_add(r, name, "sweep.gp");
	fig->params = strbuf_detach(&sb);
	fig->caption = xasprintf("Mean %s over the replications against %s, one line per "
				 "variant, with its 95 %% confidence interval as a band.%s%s",
				 label, s->key, m.about ? " " : "", m.about ? m.about : "");
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
	if (s.np && (!(f = gnuplot_tmp_open(path)) || (sweep_write(&s, f), fclose(f)))) {
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
