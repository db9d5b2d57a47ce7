/*
 * plot_experiment — the experiment figure (see plot.h): mean cost_usd
 * against mean availability, one point per configuration of summary.csv
 * with its 95 % intervals, one block of points per variant in the
 * temporary experiment.tsv. It applies when summary.csv has more than one
 * configuration.
 */
#include "plot_internal.h"

#include "spotsim/util/error.h"
#include "spotsim/util/xalloc.h"

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

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
			value_display(&pt.cost, "cost_usd");
			value_display(&pt.avail, "availability");
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
	gnuplot_axis_within(&sb, 'y', x->lo[1], x->hi[1], 0, 100);
	struct metric_display cost, avail;
	char buf[160];
	metric_display_of("cost_usd", NULL, &cost);
	metric_display_of("availability", NULL, &avail);
	const char *cost_label = info_label(&r->info, &cost, buf, sizeof(buf));
	gnuplot_str(&sb, "cost_label", cost_label);
	gnuplot_str(&sb, "availability_label", avail.label);
	char *title =
	    xasprintf("%s against %c%s, per variant (means with 95 %% intervals)", cost_label,
		      tolower((unsigned char)avail.label[0]), avail.label + 1);
	gnuplot_str(&sb, "title", title);
	free(title);
	struct figure *fig = figure_add(r, "experiment", "experiment.gp");
	fig->params = strbuf_detach(&sb);
	fig->caption = xasprintf(
	    "Mean cost over the run against the mean share of minutes meeting the SLO (%s) "
	    "over the replications of each configuration, one colour per variant, with the "
	    "95 %% confidence intervals of both means as error bars%s.",
	    avail.about,
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
	if (x.np && (!(f = gnuplot_tmp_open(path)) || (xdata_write(&x, f), fclose(f)))) {
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
