#ifndef SPOTSIM_PLOT_INTERNAL_H
#define SPOTSIM_PLOT_INTERNAL_H
/*
 * plot_internal — private to plot_render (plot.h): the state of one render
 * and the calls its files make on each other.
 *
 *   plot.c             the steps in order, the table of figure families,
 *                      drawing the planned figures
 *   plot_scan.c        step 1: timeseries.csv, events.csv and
 *                      replications.csv streamed into `struct facts`;
 *                      scenario.json into `struct info`
 *   plot_series.c      every variant's time series in bounded buckets
 *   plot_table.c       summary.csv and comparison.csv held as tables of
 *                      strings, their configurations and values
 *   plot_timeseries.c  step 2, one file per figure family (`struct
 *   plot_experiment.c  figure_family`): each plans its figures, writing
 *   plot_sweep.c       what its templates read to the temporary folder
 *   gnuplot.c          the driver: parameters, scratch files, running
 *                      gnuplot, checking and staging its images
 *   report_html.c      step 3: report.html
 *   report_verdict.c   its verdict section
 *
 * Each step uses only what the previous one kept in `struct render`.
 * Invariant: every string a figure or the page shows comes from the CSV
 * files or scenario.json and is escaped for where it goes (gnuplot string,
 * tab-separated field, HTML text).
 */
#include <math.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "gnuplot.h"
#include "spotsim/output/metric_display.h"
#include "spotsim/util/diag.h"
#include "spotsim/util/strbuf.h"

/* ---- plot_table.c: small CSV files held in memory ---- */

struct table {
	bool present;
	char **head; /* owned, ncols names */
	size_t ncols;
	char **cells; /* owned, nrows * ncols; short rows padded with "" */
	size_t nrows, alloc;
};

/* `dir`/`name` (owned). */
char *plot_path(const char *dir, const char *name);
/* True when `s` is a whole finite number (an empty field is not). */
bool plot_parse_num(const char *s, double *out);
/* The number `s` holds, or NAN. */
double plot_num_or_nan(const char *s);

/* Loads `path` when it exists; a missing file leaves `present` false. */
int table_load(struct table *t, const char *path, struct diag *d);
/* The index of column `name`, or -1. */
int table_col(const struct table *t, const char *name);
/* The cell at `row` and `col` (borrowed); "" when col is -1. */
const char *table_at(const struct table *t, size_t row, int col);
void table_release(struct table *t);

/* The distinct (variant, sweep) pairs of a table, in order of first appearance. */
struct configs {
	char **variant, **sweep; /* borrowed from the table */
	size_t nr, alloc;
};

void configs_of(const struct table *t, struct configs *c);
void configs_release(struct configs *c);
bool configs_have_sweep(const struct configs *c);

struct value {
	double mean, lo, hi;
	const char *unit; /* borrowed */
	const char *n;	  /* borrowed; "" when the table has no n */
};

/* The row of (variant, sweep, metric) in `t`, with `mean_col` as the mean. */
bool table_value(const struct table *t, const char *variant, const char *sweep, const char *metric,
		 const char *mean_col, struct value *out);
/* `v` in the unit metric_display shows `metric` in; v->unit becomes that unit (static). */
void value_display(struct value *v, const char *metric);
/* True for a metric shown as a share in % (a fraction of the CSV): bounded to 0 .. 100. */
bool value_is_share(const char *metric);
/* Splits "k1=v1;rest" into owned key, value and rest ("" when absent). */
void sweep_split(const char *sweep, char **key, char **value, char **rest);

/* An interval's bound, or the mean when the bound is not known. */
static inline double lo_or(double lo, double mean)
{
	return isfinite(lo) ? lo : mean;
}

/* ---- plot_scan.c: what the run's CSV files and scenario.json say ---- */

/*
 * A stretch of whole minutes of one variant's time series, in row order:
 * bucket k holds the rows k*w .. (k+1)*w - 1 (w minutes per bucket, see
 * plot_series.c). Sums give means, the latency its worst minute, the cost
 * its last value.
 */
struct bucket {
	double t_first, t_last;		   /* t_s of its first and last row */
	int n;				   /* rows in it */
	double run_f, run_s, desired, cpu; /* sums */
	int ndesired, ncpu;
	double p95, backlog; /* largest; NAN when none */
	double cost;	     /* cost_usd_cum of its last row with one; NAN when none */
};

/* A stretch of whole minutes, (start, end] in t_s. */
struct band {
	double t0, t1;
};

/* The stretches of the minutes that have some property, in row order. */
struct bands {
	struct band *v;
	size_t n, alloc;
	bool open;    /* the last row had it */
	long minutes; /* rows that had it */
};

/* One variant's time series (replication 0), held as at most SERIES_MAX buckets. */
struct series {
	char *variant; /* owned */
	struct bucket *b;
	size_t nb, ab;
	size_t rows;	      /* rows seen */
	int width;	      /* minutes per bucket */
	struct bands off;     /* minutes without Fargate Spot capacity */
	struct bands idle;    /* minutes without CPU utilization: no task ran */
	double *intr, *scale; /* t_s of SPOT_INTERRUPTION and SCALING_ACTIVITY events */
	size_t nintr, aintr, nscale, ascale;
	bool has_split; /* cost_f and cost_s of replication 0 from replications.csv */
	double cost_f, cost_s;
};

#define SERIES_MAX 1500

struct facts {
	const char *file; /* borrowed, for messages */
	struct diag *d;
	struct series *v; /* every variant of timeseries.csv, in order of first row */
	size_t nv, av;
	bool any_cpu, any_p95, any_backlog;
	double ymax;	     /* the largest of desired and running tasks, all variants */
	double t_min, t_max; /* the first and last t_s of any variant */
	double start;	     /* the run's start (Unix seconds, from the time column); NAN */
};

/* plot_series.c: adds one timeseries.csv row of `s`. */
void series_add(struct series *s, double t, double run_f, double run_s, double desired, double cpu,
		double p95, double backlog, double cost, bool spot_off);
/* Halves `s` until its buckets span `width` minutes (a power of two times its own). */
void series_widen(struct series *s, int width);
/* The variant named `name`, added when new. */
struct series *facts_variant(struct facts *fx, const char *name);
/* The variant named `name`, or NULL. */
struct series *facts_find(const struct facts *fx, const char *name);
void series_release(struct series *s);

/* Streams DIR's timeseries.csv, events.csv and replications.csv into `fx`. */
int facts_scan(struct facts *fx, const char *dir, struct diag *d);
void facts_release(struct facts *fx);

/* What scenario.json says, when the folder has a copy that can be read. */
struct info {
	char *name, *description; /* owned */
	double slo_ms;		  /* 0 = none */
	double budget_usd;	  /* slo.monthly_budget_usd; 0 = none */
	double slo_p99_ms;	  /* 0 = none */
	double max_dropped;	  /* slo.max_dropped_fraction; negative = none */
	double max_breach;	  /* slo.max_breach_probability, or its default */
	struct strbuf targets;	  /* CPU target-tracking values, "60 75" */
	struct strbuf thresholds; /* CPU step-alarm thresholds */
	char *scaling_unread;	  /* owned: scenario_facts.unread, or NULL */
	char run_length[32];	  /* "5 d", "36 h"; "" when not known (variants differ) */
	enum {
		INFO_NO_SCENARIO,
		INFO_UNREADABLE,
		INFO_SCENARIO
	} scenario;
};

/*
 * Fills `in` (its strbufs initialized) from SRC/scenario.json, peeked
 * (scenario_peek: its data files need not resolve), else from DIR's name;
 * a copy that cannot be read adds a note saying why to `d`.
 */
void info_load(struct info *in, const char *src, const char *dir, struct diag *d);
/* Why the figures draw no line from scenario.json, or NULL when it was read. */
const char *info_missing(const struct info *in);
/*
 * The label of `m` for people; a metric "over the run" gets the run's
 * length when scenario.json gives one: "Cost over the run (5 d)". Returns
 * m->label or buf.
 */
const char *info_label(const struct info *in, const struct metric_display *m, char *buf,
		       size_t size);
void info_release(struct info *in);

/* ---- plot.c: the render and its figures ---- */

struct figure {
	char *name;	  /* owned: "tasks", "sweep_cost_usd" */
	const char *tmpl; /* the template's file name */
	char *params;	  /* owned: gnuplot parameters, without term and outfile */
	char *caption;	  /* owned, plain text */
	bool panels;	  /* one panel per variant of timeseries.csv */
	bool drawn;
};

struct render {
	char *dir; /* owned: the output folder, without trailing slashes (messages, page) */
	char *src; /* owned: the folder the CSV files are read from */
	struct outdir *out; /* borrowed: where the images and the page are staged */
	struct diag *d;
	bool clock;    /* time axis in clock time (plot_options), when the run's start is known */
	double tscale; /* seconds per unit of an elapsed time axis */
	const char *tunit; /* its name: "days" */
	struct facts fx;
	struct table summary, comparison;
	struct configs cfg; /* of summary.csv */
	struct info info;
	struct gnuplot gp;
	struct figure *fig;
	size_t nfig, afig;
};

/* Appends a figure named `name` drawn by template `tmpl` (static); fill its params and caption. */
struct figure *figure_add(struct render *r, const char *name, const char *tmpl);

/*
 * A family of figures that apply together. When `applies`, `prepare` (may
 * be NULL) writes what all its templates read; its error stops the
 * planning. `plan` then adds the family's figures that apply (figure_add),
 * writing their data to r->gp.tmp; it returns 0 or SPOTSIM_EIO after
 * adding an error, and the other figures are still planned. `figures`
 * names every figure the family can add, NULL-terminated: all are claimed
 * (outdir.h), so that an image from an earlier run that no longer applies
 * is removed by the commit.
 */
struct figure_family {
	const char *name;
	const char *const *figures;
	bool (*applies)(const struct render *r);
	int (*prepare)(struct render *r);
	int (*plan)(struct render *r);
};

/* plot_timeseries.c, plot_experiment.c, plot_sweep.c */
extern const struct figure_family timeseries_figures;
extern const struct figure_family experiment_figures;
extern const struct figure_family sweep_figures;

/* ---- report_html.c ---- */

/*
 * Stages report.html in r->out; the page embeds the drawn (staged)
 * figures. `no_gnuplot`: a note replaces the figures. Returns 0, or
 * SPOTSIM_EIO after adding an error naming the page.
 */
int report_html_write(const struct render *r, bool no_gnuplot);

/* report_verdict.c: the verdict section at the top of the page (nothing without summary.csv). */
void report_verdict_html(FILE *f, const struct render *r);

#endif
