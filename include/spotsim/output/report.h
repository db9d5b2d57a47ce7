#ifndef SPOTSIM_REPORT_H
#define SPOTSIM_REPORT_H
/*
 * report — the CSV files of a run (SPEC §6), written atomically, and the
 * human summary printed at the end.
 *
 * A report is one output folder and the files it holds:
 *
 *   timeseries.csv    one row per simulated minute of replication 0
 *   events.csv        the event log of replication 0
 *   replications.csv  one row per (variant, sweep point, replication), every
 *                     metric a column
 *   summary.csv       one row per (variant, sweep point, metric): statistics
 *                     across the replications (report_experiment)
 *   comparison.csv    one row per (variant, sweep point, metric) that has a
 *                     baseline other than itself: the paired difference
 *                     (report_experiment)
 *
 * Atomicity: report_open creates the folder (like mkdir -p) and opens every
 * file as a temporary in that folder, named ".NAME.tmp.PID" (for example
 * ".timeseries.csv.tmp.4242"), and writes the header rows. Rows stream into
 * the temporaries as the run produces them, so memory does not grow with
 * simulated time. Only report_commit renames the temporaries to their final
 * names, after every one of them has been flushed and closed without error.
 * A failed, aborted or interrupted run therefore never leaves a file under
 * a final name; an earlier run's files in the folder stay as they were
 * until a commit replaces them.
 *
 * Signals: the paths of every open temporary are also kept in a static table
 * (fixed storage, no allocation), so report_remove_temps can delete them
 * with nothing but unlink(2) and is safe to call from a signal handler. The
 * intended use is the flag approach: the handler only sets a flag (and asks
 * the replication to stop), the main flow sees it and calls report_abort;
 * report_remove_temps is for a handler that must exit at once (a second
 * Ctrl-C). Reports are opened, committed and aborted by one thread.
 *
 * Number formats are fixed so that the same run gives the same bytes:
 *   t_s         seconds: an integer in timeseries.csv when whole, else and in
 *               events.csv always with 6 decimals (exact, from microseconds)
 *   time        ISO-8601 UTC: start_unix + t_s, e.g. 2026-01-05T00:01:30Z
 *   counts      tasks as integers; dropped and backlog with %.10g
 *   rates, %    load_rps, cpu_pct, mem_pct, p95_ms with %.6g
 *   money       cost_usd_cum with %.6f
 *   metrics     replications.csv columns, summary.csv and comparison.csv
 *               statistics with %.10g; n as an integer
 *   NAN         an empty field; -0 is written as 0
 * Text fields (variant, sweep, event, provider, detail, metric) are quoted
 * where CSV needs it (csvio_write_field).
 *
 * An experiment (several configurations, see experiment.h) is written as:
 *
 *     for each configuration c:
 *         report_set_variant(r, x->variant[c]);
 *         for each replication k:
 *             report_replication(r, x->sweep[c], k, seed, experiment_at(x, c, k));
 *     report_experiment(r, x);
 *     report_commit(r, d);
 *     report_ranking(x, stdout);
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "spotsim/util/diag.h"
#include "spotsim/experiment/experiment.h"
#include "spotsim/experiment/replication.h"

/* The longest folder + file name a report can hold, and how many temporaries. */
#define REPORT_PATH_MAX	 4096
#define REPORT_MAX_TEMPS 16

struct report;

/*
 * Creates the folder `dir` (borrowed; its parents too) and opens the
 * temporaries with their header rows. `start_unix` is the scenario's start,
 * for the time column. The variant written in the rows is "base" until
 * report_set_variant. On success *out is an owned report; on failure
 * *out is NULL, nothing is left in the folder, and `d` holds one error
 * naming the folder, for example
 *     /proc/x: cannot create folder: no such file or directory
 *     out/web: cannot write in folder: permission denied
 * Returns 0, SPOTSIM_EIO, or SPOTSIM_ERANGE for a path that is empty or too
 * long, or when REPORT_MAX_TEMPS temporaries are already open.
 */
int report_open(struct report **out, const char *dir, int64_t start_unix, struct diag *d);

/* The variant name for the rows written from now on (copied). */
void report_set_variant(struct report *r, const char *variant);

/*
 * Fills `out` so that a replication streams its minute rows to
 * timeseries.csv and its events to events.csv. `out` borrows `r`.
 */
void report_sink(struct report *r, struct run_sink *out);

/*
 * Writes the replications.csv row of replication `index` (borrowed metrics)
 * and adds it to the summary. The row's variant is the one last given to
 * report_set_variant; `sweep` names the sweep point ("" or NULL for none).
 */
void report_replication(struct report *r, const char *sweep, uint64_t index, uint64_t seed,
			const struct run_metrics *m);

/*
 * Writes the rows of summary.csv and comparison.csv for the experiment `x`
 * (borrowed) into their temporaries; call it once, before report_commit.
 * Until it is called both files hold only their header row.
 *
 * summary.csv: variant,sweep,metric,unit,mean,sd,ci95_low,ci95_high,min,
 * p05,p50,p95,max,n — for every configuration in order, every metric in
 * run_metric_defs order, stats_summarize over the replications (n counts
 * those where the metric applies).
 *
 * comparison.csv: variant,sweep,metric,unit,mean_diff,ci95_low,ci95_high,n
 * — for every configuration whose baseline is another configuration, every
 * metric: stats_paired(configuration, baseline) paired by replication index
 * (common random numbers). A lone configuration gives only the header.
 */
void report_experiment(struct report *r, const struct experiment *x);

/*
 * Prints the readable table of an experiment (borrowed) to `out`: one line
 * per configuration ranked by mean cost, cheapest first (ties and costs
 * that do not apply keep configuration order, the latter last), with the
 * cost's 95 % half-width, the savings against on-demand, the availability,
 * the p95 latency (the mean job latency for queue workers) and, when a
 * budget is set, the probability of going over it; then, for every
 * configuration with a baseline other than itself, "paired against base:"
 * lines with the cost and availability differences and their 95 %
 * intervals. Figures that do not apply show "n/a". Deterministic text.
 */
void report_ranking(const struct experiment *x, FILE *out);

/*
 * Flushes and closes every temporary and renames each to its final name.
 * Returns 0; or SPOTSIM_EIO after adding an error naming the file to `d`,
 * in which case every temporary is removed, and any file this commit had
 * already renamed too, so the folder never mixes two runs.
 */
int report_commit(struct report *r, struct diag *d);

/* Closes and removes every temporary of `r`. Idempotent; NULL is a no-op. */
void report_abort(struct report *r);

/* Aborts `r` unless it was committed, and frees it. NULL is a no-op. */
void report_free(struct report *r);

/*
 * Removes every temporary of every open report with unlink(2) only:
 * async-signal-safe. The reports stay allocated; free them as usual.
 */
void report_remove_temps(void);

/* The folder as given to report_open (borrowed). */
const char *report_dir(const struct report *r);

/*
 * Prints the human summary of the replications added so far: each figure is
 * the mean over the replications where it applies, followed by the minimum
 * and maximum when there was more than one, then the files written.
 * `shown_dir` is the folder as the user should see it. Deterministic text.
 * The figures pool every replication added, whatever its variant: for an
 * experiment with several configurations report_ranking is the table to
 * show.
 */
void report_summary(const struct report *r, FILE *out, const char *shown_dir);

#endif
