/*
 * plot — figures and report.html from a run's CSV files (see plot.h; the
 * files of the implementation are listed in plot_internal.h).
 *
 * Three steps, each using only what the previous one kept:
 *  1. scan: timeseries.csv, events.csv and replications.csv are streamed
 *     once each and leave `struct facts`: every variant's time series in
 *     bounded buckets (plot_series.c), its Spot shortages and event times,
 *     its replication-0 cost by provider, and which columns have values.
 *     summary.csv and comparison.csv (configurations x metrics, small) are
 *     held as tables of strings; scenario.json, when present, gives
 *     `struct info`.
 *  2. draw: each family of figures that applies plans its figures, each
 *     with its template and its gnuplot parameters, and writes what its
 *     templates read besides the folder's files to the scratch folder of
 *     the output folder's staging folder (outdir.h): each variant's
 *     points, shortage bands and events, and reshaped data (experiment
 *     and sweep points). gnuplot.c then draws every figure's PNG in one
 *     gnuplot and every SVG in another and stages them as plots/NAME.EXT;
 *     a figure is `drawn` once both are staged. Every figure name is claimed, so the
 *     commit removes the images of an earlier run that were not redrawn.
 *  3. page: report.html is staged; it embeds the PNG of every drawn figure
 *     and nothing else that is not in it.
 *
 * plot_stage does the three steps into an outdir that the caller commits
 * (spotsim run: with the CSV files); plot_render opens the folder's own
 * outdir, stages and commits (spotsim plot).
 */
#include "spotsim/output/plot.h"

#include "plot_internal.h"

#include "spotsim/util/error.h"
#include "spotsim/util/xalloc.h"

#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* In the order of the page; adding a family is one file and one line here. */
static const struct figure_family *const families[] = {&timeseries_figures, &experiment_figures,
						       &sweep_figures};
#define NFAMILIES (sizeof(families) / sizeof(families[0]))

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

/* Claims the images of every figure a family can draw: those not drawn are removed. */
static void claim_figures(struct outdir *o)
{
	static const char *const exts[] = {"png", "svg"};

	for (size_t k = 0; k < NFAMILIES; k++)
		for (const char *const *name = families[k]->figures; *name; name++)
			for (size_t e = 0; e < 2; e++) {
				char *p = xasprintf("plots/%s.%s", *name, exts[e]);
				outdir_claim(o, p);
				free(p);
			}
}

void plot_claim(struct outdir *o)
{
	claim_figures(o);
	outdir_claim(o, "report.html"); /* last: the commit puts it in place after the figures */
}

void plot_interrupt(void)
{
	gnuplot_interrupt();
}

static int draw_all(struct render *r)
{
	struct gnuplot_figure *g = xcalloc(r->nfig + 1, sizeof(*g));
	int rc = 0;

	claim_figures(r->out);
	for (size_t i = 0; i < r->nfig; i++)
		g[i] = (struct gnuplot_figure){r->fig[i].name, r->fig[i].tmpl, r->fig[i].params,
					       false};
	if (r->nfig && !gnuplot_interrupted())
		gnuplot_draw_all(&r->gp, r->dir, g, r->nfig, r->d);
	for (size_t i = 0; i < r->nfig; i++) {
		r->fig[i].drawn = g[i].drawn;
		if (!g[i].drawn)
			rc = SPOTSIM_EIO;
	}
	free(g);
	return gnuplot_interrupted() ? SPOTSIM_EINTR : rc;
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
	char *sum = plot_path(r->src, "summary.csv"), *cmp = plot_path(r->src, "comparison.csv");
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
	free(r->src);
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
	if (gnuplot_interrupted())
		return SPOTSIM_EINTR;
	if ((rc = gnuplot_make_tmp(&r->gp, r->d)) != 0)
		return rc;
	rc = plan_figures(r);
	int rc2 = draw_all(r);
	return rc2 == SPOTSIM_EINTR || !rc ? rc2 : rc;
}

/* A copy of `dir` without trailing slashes (owned). */
static char *trimmed(const char *dir)
{
	size_t n = strlen(dir);

	while (n > 1 && dir[n - 1] == '/')
		n--;
	return xstrndup(dir, n);
}

int plot_stage(struct outdir *o, const char *src, const struct plot_options *opt, struct diag *d,
	       int *nplots)
{
	struct render r;
	bool no_gnuplot = false;
	int rc, drawn = 0;

	memset(&r, 0, sizeof(r));
	r.dir = xstrdup(outdir_path(o));
	r.src = trimmed(src);
	r.out = r.gp.out = o;
	r.d = d;
	r.clock = opt && opt->clock_axis;
	strbuf_init(&r.info.targets);
	strbuf_init(&r.info.thresholds);
	rc = check_inputs(r.src, d);
	if (!rc)
		info_load(&r.info, r.src, r.dir, d);
	if (!rc)
		rc = facts_scan(&r.fx, r.src, d);
	if (!rc)
		rc = load_tables(&r);
	if (!rc) {
		rc = draw(&r, &no_gnuplot);
		/* claimed after the figures, so that the commit puts it in place last */
		outdir_claim(o, "report.html");
		if (rc != SPOTSIM_EINTR) {
			int rc2 = report_html_write(&r, no_gnuplot);
			rc = rc ? rc : rc2;
		}
	}
	for (size_t i = 0; i < r.nfig; i++)
		drawn += r.fig[i].drawn;
	if (nplots)
		*nplots = drawn;
	render_release(&r);
	return rc;
}

/* Commits unless interrupted, with SIGINT and SIGTERM held so the commit is not cut. */
static int commit(struct outdir *o, struct diag *d)
{
	sigset_t set, old;
	int rc;

	sigemptyset(&set);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGTERM);
	pthread_sigmask(SIG_BLOCK, &set, &old);
	rc = gnuplot_interrupted() ? SPOTSIM_EINTR : outdir_commit(o, d);
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	return rc;
}

int plot_render(const char *dir, const struct plot_options *opt, struct diag *d, int *nplots)
{
	struct outdir *o;
	char *src = trimmed(dir);
	int rc;

	if (nplots)
		*nplots = 0;
	rc = check_inputs(src, d);
	if (!rc && outdir_open(&o, src, d) != 0)
		rc = SPOTSIM_EIO;
	free(src);
	if (rc)
		return rc;
	rc = plot_stage(o, dir, opt, d, nplots);
	if (rc == 0 || rc == SPOTSIM_EIO) {
		int rc2 = commit(o, d);
		rc = rc ? rc : rc2;
	}
	if (rc == SPOTSIM_EINTR && nplots)
		*nplots = 0;
	outdir_free(o);
	return rc;
}
