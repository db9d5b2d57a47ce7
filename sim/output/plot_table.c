/*
 * plot_table — summary.csv and comparison.csv as tables of strings (see
 * plot_internal.h): configurations x metrics, small enough to hold whole.
 * A value is found by scanning for its (variant, sweep, metric) row. Also
 * the small helpers every figure family shares (paths, numbers, figure_add),
 * so that the families depend on this file and never on plot.c.
 */
#include "plot_internal.h"

#include "spotsim/output/metric_display.h"

#include "spotsim/util/csvio.h"
#include "spotsim/util/xalloc.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

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

/* Adds a figure to the render's plan; the figure families call this while planning. */
void value_display(struct value *v, const char *metric)
{
	struct metric_display m;

	metric_display_of(metric, v->unit, &m);
	v->mean *= m.scale;
	v->lo *= m.scale;
	v->hi *= m.scale;
	v->unit = m.unit;
}

bool value_is_share(const char *metric)
{
	struct metric_display m;

	metric_display_of(metric, NULL, &m);
	return m.scale == 100 && !strcmp(m.unit, "%");
}

struct figure *figure_add(struct render *r, const char *name, const char *tmpl)
{
	XALLOC_GROW(r->fig, r->nfig + 1, r->afig);
	struct figure *f = &r->fig[r->nfig++];
	f->name = xstrdup(name);
	f->tmpl = tmpl;
	f->params = NULL;
	f->caption = NULL;
	f->panels = false;
	f->drawn = false;
	return f;
}
