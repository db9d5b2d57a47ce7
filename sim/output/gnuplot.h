#ifndef SPOTSIM_GNUPLOT_H
#define SPOTSIM_GNUPLOT_H
/*
 * gnuplot — private to plot: how a figure becomes DIR/plots/NAME.png and
 * DIR/plots/NAME.svg (plot.h says which figures there are and where gnuplot
 * and the templates are looked for).
 *
 * A figure is a template (plots/NAME.gp) and its parameters, a string of
 * gnuplot assignments built with gnuplot_str and gnuplot_num; what the
 * template reads besides the output folder's files is written to the
 * private temporary folder `tmp` first (gnuplot_tsv_field for text in
 * tab-separated files). gnuplot_draw runs gnuplot once per format, the PNG
 * and the SVG side by side, with fork/exec (no shell, no init file, stdin
 * from /dev/null, stdout and stderr to a file in `tmp` for the message).
 * Each image is written as DIR/plots/.NAME.EXT.tmp.PID and renamed to
 * NAME.EXT only once gnuplot exited with status 0 and left a non-empty
 * file; on any failure neither image of the figure is left under its final
 * name, so the folder never shows an image the page does not.
 */
#include <stdbool.h>
#include <stdio.h>

#include "spotsim/util/diag.h"
#include "spotsim/util/strbuf.h"

struct gnuplot {
	char *exe;	/* owned: gnuplot's path, NULL when not on PATH */
	char *tmpl_dir; /* owned: the templates' folder, NULL when not found */
	char *tmp;	/* owned: private temporary folder, NULL until made */
};

/* gnuplot's path on PATH (owned), or NULL. */
char *gnuplot_find(void);
/* The templates' folder (owned; see plot.h for the order searched), or NULL. */
char *gnuplot_find_templates(void);

/* Makes g->tmp in $TMPDIR (else /tmp); SPOTSIM_EIO after adding an error to `d`. */
int gnuplot_make_tmp(struct gnuplot *g, struct diag *d);
/* The path of `name` in g->tmp (owned). */
char *gnuplot_tmp_path(const struct gnuplot *g, const char *name);
/* Removes g->tmp with the files in it, then frees what `g` owns; leaves it zeroed. */
void gnuplot_release(struct gnuplot *g);

/* Appends `key='value'; ` for gnuplot -e: a quote inside is doubled, line ends become spaces. */
void gnuplot_str(struct strbuf *sb, const char *key, const char *value);
/* Appends `key=value; ` with every digit of `value`. */
void gnuplot_num(struct strbuf *sb, const char *key, double value);
/*
 * Appends the parameters of axis `axis` ('x' or 'y') spanning [lo, hi]:
 * AXISlo and AXIShi when the values barely differ, AXISfmt always (a tick
 * format with enough decimals); nothing when lo or hi is not finite.
 */
void gnuplot_axis(struct strbuf *sb, char axis, double lo, double hi);
/* Writes `s` as one tab-separated field: tabs and line ends become spaces. */
void gnuplot_tsv_field(FILE *f, const char *s);

/*
 * Draws DIR/plots/NAME.png and NAME.svg (the folder must exist) from the
 * template `tmpl` (a file name in g->tmpl_dir) with `params`; all borrowed.
 * Returns true when both images are in place; else adds an error to `d`
 * per failed image, naming it, and removes both images.
 */
bool gnuplot_draw(const struct gnuplot *g, const char *dir, const char *name, const char *tmpl,
		  const char *params, struct diag *d);

#endif
