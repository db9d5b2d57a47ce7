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
 * scratch folder `tmp` first (gnuplot_tmp_open, gnuplot_tsv_field for text
 * in tab-separated files). `tmp` is S/.scratch of the output folder's
 * staging folder (outdir.h): private (mode 0700), inside the output
 * folder, removed with the staging folder.
 *
 * gnuplot_draw runs gnuplot once per format, the PNG and the SVG side by
 * side (gnuplot_draw_all: once per format for all figures), with fork/exec (no shell, no init file, stdin from /dev/null,
 * stdout and stderr to a file in `tmp` for the message; on Linux the child
 * dies with spotsim, PR_SET_PDEATHSIG). Each image is an outdir file
 * (S/.part.N, made with O_EXCL by spotsim, then written by gnuplot) and is
 * staged as plots/NAME.EXT only once gnuplot exited with status 0 and the
 * image is complete (a PNG ends with its IEND chunk, an SVG with </svg>;
 * gnuplot does not notice a full disk); on any failure
 * neither image of the figure is staged, so the commit removes an older
 * pair and the folder never shows an image the page does not.
 *
 * Interruption: gnuplot_interrupt (async-signal-safe) sets a flag; the
 * waiting loop (polling every 5 ms) then sends SIGTERM to the running
 * gnuplot processes, SIGKILL after 250 ms, reaps them and discards their
 * images, and gnuplot_draw returns false with gnuplot_interrupted() true.
 */
#include <stdbool.h>
#include <stdio.h>

#include "spotsim/output/outdir.h"
#include "spotsim/util/diag.h"
#include "spotsim/util/strbuf.h"

struct gnuplot {
	char *exe;	    /* owned: gnuplot's path, NULL when not on PATH */
	char *tmpl_dir;	    /* owned: the templates' folder, NULL when not found */
	const char *tmp;    /* borrowed: the scratch folder, NULL until made */
	struct outdir *out; /* borrowed: where the images are staged */
};

/* gnuplot's path on PATH (owned), or NULL. */
char *gnuplot_find(void);
/* The templates' folder (owned; see plot.h for the order searched), or NULL. */
char *gnuplot_find_templates(void);

/* Makes g->tmp, the outdir's scratch folder; SPOTSIM_EIO after adding an error to `d`. */
int gnuplot_make_tmp(struct gnuplot *g, struct diag *d);
/* The path of `name` in g->tmp (owned). */
char *gnuplot_tmp_path(const struct gnuplot *g, const char *name);
/* Creates the new file `path` (O_EXCL|O_NOFOLLOW) for writing; NULL with errno set. */
FILE *gnuplot_tmp_open(const char *path);
/* Frees what `g` owns; leaves it zeroed (the scratch folder goes with the outdir). */
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
/*
 * gnuplot_axis for a metric bounded to [min, max] (a share in %: 0 to
 * 100): the range given is clamped to it, and AXISmin and AXISmax let the
 * template keep gnuplot's autoscale and offsets inside it.
 */
void gnuplot_axis_within(struct strbuf *sb, char axis, double lo, double hi, double min,
			 double max);
/* Writes `s` as one tab-separated field: tabs and line ends become spaces. */
void gnuplot_tsv_field(FILE *f, const char *s);

/*
 * Draws plots/NAME.png and NAME.svg of the folder `dir` (for messages)
 * into g->out's staging folder, from the template `tmpl` (a file name in
 * g->tmpl_dir) with `params`; all borrowed. Returns true when both images
 * are staged; else adds an error to `d` per failed image, naming it
 * (none when interrupted), and stages neither.
 */
bool gnuplot_draw(const struct gnuplot *g, const char *dir, const char *name, const char *tmpl,
		  const char *params, struct diag *d);

/* A figure for gnuplot_draw_all: its name, template and parameters (borrowed). */
struct gnuplot_figure {
	const char *name, *tmpl, *params;
	bool drawn; /* set: both images staged */
};

/*
 * Draws every figure of `figs` as gnuplot_draw would, with one gnuplot
 * process per format for all of them (the PNGs and the SVGs side by side):
 * a script in g->tmp runs each figure's template in a fresh session
 * (`reset session`, its parameters, `load`, `unset output`). Each image is
 * checked and staged as gnuplot_draw does. When either process fails (a
 * template gnuplot rejects stops it), nothing of the batch is kept and
 * every figure is drawn again on its own, so that the error names the
 * figure that failed and the others are still drawn.
 */
void gnuplot_draw_all(const struct gnuplot *g, const char *dir, struct gnuplot_figure *figs,
		      size_t n, struct diag *d);

/* Asks the running and future gnuplot_draw calls to stop (async-signal-safe; it stays set). */
void gnuplot_interrupt(void);
/* True once gnuplot_interrupt was called. */
bool gnuplot_interrupted(void);

#endif
