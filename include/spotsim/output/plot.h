#ifndef SPOTSIM_PLOT_H
#define SPOTSIM_PLOT_H
/*
 * plot — the figures and report.html of a run's output folder (SPEC §6),
 * made from the folder's CSV files alone, never from the model.
 *
 * What it reads in DIR:
 *   timeseries.csv, events.csv, replications.csv   required, as spotsim run
 *                     writes them;
 *   summary.csv, comparison.csv   optional: without them the page says so
 *                     and the experiment and sweep figures are skipped;
 *   scenario.json     optional, a copy of the scenario: it gives the page
 *                     its title and description, the SLO's p95 latency
 *                     (a line on the latency figure) and the CPU scaling
 *                     targets (lines on the CPU figure: target-tracking
 *                     values, step-alarm thresholds). Without it, or when
 *                     it does not load (a copy whose relative trace paths
 *                     no longer resolve, for instance), the title is the
 *                     folder's name, no line is drawn and the captions say
 *                     so. The CSV files carry neither the SLO nor the targets.
 *
 * The time-series figures show every variant of timeseries.csv
 * (replication 0, as the file holds it), one panel per variant on shared
 * axes, in the file's order. Their x axis is the elapsed time, or with
 * `clock_axis` (plot_options) the clock time in UTC with the weekday, taken
 * from timeseries.csv's time column.
 *
 * Figures, each written as DIR/plots/NAME.png and DIR/plots/NAME.svg, when
 * they apply:
 *   tasks        running tasks by provider (stacked), the desired count,
 *                the minutes without Spot capacity, Spot interruptions
 *   cost         cumulative cost, split by provider (see plots/cost.gp),
 *                and the monthly budget spread over 30 days
 *   cpu          cpu_pct and the CPU targets, with the scaling activities;
 *                when cpu_pct has a value
 *   latency      p95_ms and the SLO, the axis stopped at 1.15 x the larger
 *                of the SLO and the p99 of the points, points above it
 *                marked; when p95_ms has a value
 *   backlog      the queue backlog; when backlog is not zero everywhere
 *   experiment   cost_usd against availability, one point per
 *                configuration with 95 % intervals; when summary.csv has
 *                more than one configuration (variant x sweep point)
 *   sweep_METRIC METRIC (cost_usd, availability, p95_latency_s,
 *                p95_job_latency_s) against the first swept value, one line
 *                per variant with its interval band; when summary.csv has
 *                a sweep and the metric has a value
 * A figure that does not apply, or that failed, is removed from DIR/plots
 * if an earlier run left it there (in the same commit as the new files),
 * so the folder and the page always agree.
 *
 * Drawing: the templates are gnuplot scripts, one per figure (plots/NAME.gp,
 * their parameters documented at their top), found in $SPOTSIM_PLOTS, else
 * beside the executable (../plots from build/spotsim, up to three levels
 * up for build/tests/ and build/asan/), else ./plots, else the installed
 * PREFIX/share/spotsim/plots. Everything is written in the output folder's
 * private staging folder (outdir.h), nothing in $TMPDIR: what the
 * templates read besides DIR's files (each variant's time series in at
 * most SERIES_MAX points, its Spot shortages and events, the cost split,
 * the experiment and sweep points) in its scratch folder, and the
 * images and the page as staged files. gnuplot (found on PATH, run with
 * fork/exec, no shell, without init files) draws every figure's PNG in one
 * process and every SVG in another, side by side (gnuplot_draw_all; when
 * a template fails, each figure again on its own, to name the failing
 * one); an image is staged only once gnuplot succeeded and the
 * image is complete (a PNG ends with its IEND chunk, an SVG with </svg>),
 * else the figure is an error. One commit then puts the images and the
 * page in place.
 *
 * Interruption: plot_interrupt, from a signal handler, stops the drawing:
 * the running gnuplot processes get SIGTERM, then SIGKILL after 250 ms;
 * nothing is committed and plot_render / plot_stage return SPOTSIM_EINTR
 * within about that time.
 *
 * The page: DIR/report.html is one self-contained file that needs no
 * network: the scenario's name, the verdict (the recommendation and each
 * configuration's SLO verdict, P(SLO breach), monthly cost and savings,
 * cheapest first; see verdict.h), the summary table (per configuration, the
 * key metrics' means and 95 % intervals), the comparison table (paired
 * differences against the
 * baseline), the full summary.csv and comparison.csv in collapsed
 * sections, and every figure as a base64 PNG (data: URI) with a caption
 * and a link to its SVG file. No script.
 *
 * Without gnuplot on PATH, or without the templates, the page is still
 * written, with the tables and a note in place of the figures, the images
 * already in DIR/plots are left alone, and `d` gets one note:
 *     gnuplot is not installed; plots were skipped (install it with: apt-get install gnuplot-nox)
 */
#include "spotsim/output/outdir.h"
#include "spotsim/util/diag.h"

/* The message of the note added when gnuplot is not on PATH. */
#define PLOT_NO_GNUPLOT                                                                            \
	"gnuplot is not installed; plots were skipped (install it with: apt-get install "          \
	"gnuplot-nox)"

/* How the figures are drawn; NULL or all zero: the defaults. */
struct plot_options {
	bool clock_axis; /* time-series x axis in clock time (UTC, with weekday) */
};

/*
 * Draws the figures of the output folder `dir` (borrowed) and writes
 * report.html, committed at once (outdir.h) with SIGINT and SIGTERM held
 * during the commit. *nplots (may be NULL) receives the number of figures
 * written, each as a PNG and an SVG (0 without gnuplot).
 *
 * Returns 0 (notes may have been added to `d`), or after adding errors to
 * `d`, each naming the folder or file:
 *   SPOTSIM_ENOENT  the folder or a required CSV file does not exist (one
 *                   error names every missing file:
 *                   "out/x: no events.csv, replications.csv in this folder
 *                   (accepted: a folder written by spotsim run)")
 *   SPOTSIM_EINVAL  a CSV file lacks a column the figures need
 *   SPOTSIM_ESYNTAX a CSV file is malformed (from the CSV reader)
 *   SPOTSIM_EIO     a file cannot be read or written, or gnuplot failed on
 *                   a figure (the page is still written, without it, and
 *                   no image of that name is left in DIR/plots)
 *   SPOTSIM_EINTR   plot_interrupt was called
 * On ENOENT, EINVAL, ESYNTAX and EINTR nothing is written. The images are
 * claimed (replaced or removed) only when gnuplot and the templates are
 * there: without them the images in DIR/plots are left alone.
 */
int plot_render(const char *dir, const struct plot_options *opt, struct diag *d, int *nplots);

/*
 * plot_render's work without the commit: reads the CSV files and
 * scenario.json from the folder `src` (borrowed; spotsim run gives its
 * staging folder, where its new files are) and stages the figures and
 * report.html in `o`, whose folder the page names. report.html is always
 * claimed, the images when gnuplot and the templates are there. Returns
 * as plot_render; the caller commits `o` unless the error is ENOENT,
 * EINVAL, ESYNTAX or EINTR.
 */
int plot_stage(struct outdir *o, const char *src, const struct plot_options *opt, struct diag *d,
	       int *nplots);

/*
 * Claims report.html and the images of every figure plot can draw, so that
 * a commit without them (spotsim run --no-plots, a shard) removes those of
 * an earlier run.
 */
void plot_claim(struct outdir *o);

/* The figure of spotsim plan-commitment: plots/NAME.png and plots/NAME.svg. */
#define PLOT_COMMITMENT "plan-commitment"

/* One configuration's expected monthly cost against the hourly commitment. */
struct commitment_curve {
	const char *variant, *sweep;	    /* the configuration, borrowed; sweep "" or "k=v;..." */
	const char *plan;		    /* its term and payment: "1y no_upfront", borrowed */
	const double *commitment, *monthly; /* [n] USD per hour, USD per 30-day month */
	size_t n;
	double best, best_monthly; /* the recommended commitment and its cost */
	double own, own_monthly;   /* the scenario's commitment and its cost */
	long same_as;		   /* an earlier curve with the very same values, or -1 */
};

/*
 * Stages plots/PLOT_COMMITMENT.png and .svg in `o` (from the template
 * commitment.gp): one line per curve of c[0..n), named "variant, key=value"
 * (the last part of each swept key's path), with the recommended and the
 * scenario's commitment marked on each; the plan goes in the title when all
 * curves share it, else in each name. A curve the same as an earlier one is
 * dashed and says so in its name. *drawn tells whether both images are
 * staged. Without gnuplot or the templates: a note in `d`
 * (PLOT_NO_GNUPLOT), nothing staged, 0. Returns 0, SPOTSIM_EIO after adding
 * an error to `d`, or SPOTSIM_EINTR.
 */
int plot_commitment(struct outdir *o, const struct commitment_curve *c, size_t n, struct diag *d,
		    bool *drawn);

/* Stops plot_render and plot_stage (async-signal-safe; it stays set). */
void plot_interrupt(void);

#endif
