/*
 * plot_commitment — the figure of `spotsim plan-commitment` (see plot.h):
 * plots/plan-commitment.png and .svg from plots/commitment.gp.
 *
 * The curves go to a tab-separated file, one block per curve headed by the
 * curve's name; the marks (recommended, then the scenario's commitment) to
 * a second file of two blocks. Each curve's dash type goes in `dts` (1,
 * solid; 2 and up for a curve that repeats an earlier one, so both show).
 */
#include "plot_internal.h"

#include "spotsim/output/plot.h"

#include "spotsim/util/error.h"
#include "spotsim/util/strbuf.h"
#include "spotsim/util/xalloc.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Whether every curve has the same term and payment (then the title says it). */
static bool one_plan(const struct commitment_curve *c, size_t n)
{
	for (size_t i = 1; i < n; i++)
		if (strcmp(c[i].plan, c[0].plan))
			return false;
	return true;
}

/* "variant, key=value, key=value" with each key's last path part; the plan when `plan`. */
static void base_label(struct strbuf *sb, const struct commitment_curve *c, bool plan)
{
	char *rest = xstrdup(c->sweep);

	strbuf_adds(sb, c->variant);
	while (*rest) {
		char *key, *val, *next;
		sweep_split(rest, &key, &val, &next);
		const char *dot = strrchr(key, '.');
		strbuf_addf(sb, ", %s=%s", dot ? dot + 1 : key, val);
		free(key);
		free(val);
		free(rest);
		rest = next;
	}
	free(rest);
	if (plan)
		strbuf_addf(sb, ", %s", c->plan);
}

static char *curve_label(const struct commitment_curve *c, size_t i, bool plan)
{
	struct strbuf sb = STRBUF_INIT;

	base_label(&sb, &c[i], plan);
	if (c[i].same_as >= 0) {
		strbuf_adds(&sb, " (same as ");
		base_label(&sb, &c[c[i].same_as], plan);
		strbuf_addch(&sb, ')');
	}
	return strbuf_detach(&sb);
}

/* Writes the curves (blocks with a header row) and the two blocks of marks. */
static int write_data(const char *curves, const char *marks, const struct commitment_curve *c,
		      size_t n)
{
	FILE *f = gnuplot_tmp_open(curves), *g = f ? gnuplot_tmp_open(marks) : NULL;
	bool plan = !one_plan(c, n);

	if (!f || !g) {
		int err = errno;
		if (f)
			fclose(f);
		return err ? err : EIO;
	}
	for (size_t i = 0; i < n; i++) {
		char *label = curve_label(c, i, plan);
		fprintf(f, "%s", i ? "\n\n" : "");
		gnuplot_tsv_field(f, label);
		fprintf(f, "\tmonthly\n");
		for (size_t k = 0; k < c[i].n; k++)
			fprintf(f, "%.10g\t%.10g\n", c[i].commitment[k], c[i].monthly[k]);
		free(label);
	}
	fprintf(g, "commitment\tmonthly\n");
	for (size_t i = 0; i < n; i++)
		fprintf(g, "%.10g\t%.10g\n", c[i].best, c[i].best_monthly);
	fprintf(g, "\n\ncommitment\tmonthly\n");
	for (size_t i = 0; i < n; i++)
		fprintf(g, "%.10g\t%.10g\n", c[i].own, c[i].own_monthly);
	int bad = ferror(f) || ferror(g);
	bad |= fclose(f) != 0;
	bad |= fclose(g) != 0;
	return bad ? EIO : 0;
}

/* The template's parameters: files, curves, dash types and the title's plan. */
static void params(struct strbuf *sb, const char *curves, const char *marks,
		   const struct commitment_curve *c, size_t n)
{
	struct strbuf dts = STRBUF_INIT;
	size_t repeats = 0;

	for (size_t i = 0; i < n; i++)
		strbuf_addf(&dts, "%s%zu", i ? " " : "", c[i].same_as >= 0 ? 2 + repeats++ % 4 : 1);
	gnuplot_str(sb, "curvefile", curves);
	gnuplot_str(sb, "markfile", marks);
	gnuplot_num(sb, "nblocks", (double)n);
	gnuplot_str(sb, "dts", dts.buf);
	gnuplot_str(sb, "plan", one_plan(c, n) ? c[0].plan : "");
	strbuf_release(&dts);
}

int plot_commitment(struct outdir *o, const struct commitment_curve *c, size_t n, struct diag *d,
		    bool *drawn)
{
	struct gnuplot g = {0};
	struct strbuf sb = STRBUF_INIT;
	int rc = 0;

	*drawn = false;
	g.out = o;
	if (!(g.exe = gnuplot_find())) {
		diag_note(d, NULL, NULL, PLOT_NO_GNUPLOT);
		return 0;
	}
	if (!(g.tmpl_dir = gnuplot_find_templates())) {
		diag_note(d, NULL, NULL,
			  "plot templates not found; the figure was skipped (set SPOTSIM_PLOTS to "
			  "the folder of spotsim's .gp files)");
		gnuplot_release(&g);
		return 0;
	}
	if ((rc = gnuplot_make_tmp(&g, d)) == 0) {
		char *curves = gnuplot_tmp_path(&g, "commitment.tsv");
		char *marks = gnuplot_tmp_path(&g, "commitment-marks.tsv");
		int err = write_data(curves, marks, c, n);
		if (err) {
			diag_error(d, curves, NULL, "cannot write: %s", diag_strerror(err));
			rc = SPOTSIM_EIO;
		} else {
			params(&sb, curves, marks, c, n);
			*drawn = gnuplot_draw(&g, outdir_path(o), PLOT_COMMITMENT, "commitment.gp",
					      sb.buf, d);
			rc = *drawn || gnuplot_interrupted() ? 0 : SPOTSIM_EIO;
		}
		free(curves);
		free(marks);
	}
	strbuf_release(&sb);
	gnuplot_release(&g);
	return gnuplot_interrupted() ? SPOTSIM_EINTR : rc;
}
