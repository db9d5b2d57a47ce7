/*
 * plot_commitment — the figure of `spotsim plan-commitment` (see plot.h):
 * plots/plan-commitment.png and .svg from plots/commitment.gp.
 */
#include "plot_internal.h"

#include "spotsim/output/plot.h"

#include "spotsim/util/error.h"
#include "spotsim/util/xalloc.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>

/* Writes the curves (blocks with a header row) and the recommended points. */
static int write_data(const char *curves, const char *best, const struct commitment_curve *c,
		      size_t n)
{
	FILE *f = gnuplot_tmp_open(curves), *g = f ? gnuplot_tmp_open(best) : NULL;
	if (!f || !g) {
		int err = errno;
		if (f)
			fclose(f);
		return err ? err : EIO;
	}
	fprintf(g, "commitment\tmonthly\n");
	for (size_t i = 0; i < n; i++) {
		fprintf(f, "%s", i ? "\n\n" : "");
		gnuplot_tsv_field(f, c[i].label);
		fprintf(f, "\tmonthly\n");
		for (size_t k = 0; k < c[i].n; k++)
			fprintf(f, "%.10g\t%.10g\n", c[i].commitment[k], c[i].monthly[k]);
		fprintf(g, "%.10g\t%.10g\n", c[i].best, c[i].best_monthly);
	}
	int bad = ferror(f) || ferror(g);
	bad |= fclose(f) != 0;
	bad |= fclose(g) != 0;
	return bad ? EIO : 0;
}

int plot_commitment(struct outdir *o, const struct commitment_curve *c, size_t n, const char *plan,
		    struct diag *d, bool *drawn)
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
		char *best = gnuplot_tmp_path(&g, "commitment-best.tsv");
		int err = write_data(curves, best, c, n);
		if (err) {
			diag_error(d, curves, NULL, "cannot write: %s", diag_strerror(err));
			rc = SPOTSIM_EIO;
		} else {
			gnuplot_str(&sb, "curvefile", curves);
			gnuplot_str(&sb, "bestfile", best);
			gnuplot_num(&sb, "nblocks", (double)n);
			gnuplot_str(&sb, "plan", plan);
			*drawn = gnuplot_draw(&g, outdir_path(o), PLOT_COMMITMENT, "commitment.gp",
					      sb.buf, d);
			rc = *drawn || gnuplot_interrupted() ? 0 : SPOTSIM_EIO;
		}
		free(curves);
		free(best);
	}
	strbuf_release(&sb);
	gnuplot_release(&g);
	return gnuplot_interrupted() ? SPOTSIM_EINTR : rc;
}
