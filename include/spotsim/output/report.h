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
 * Atomicity: the report owns the run's output folder (outdir.h).
 * report_open creates the folder (like mkdir -p) and its private staging
 * folder, opens every file there and writes the header rows. Rows stream
 * into those files as the run produces them, so memory does not grow with
 * simulated time. report_finish flushes, syncs and closes them (they are
 * then complete in the staging folder, where the plots can read them);
 * other outputs of the run (scenario.json, the plots, report.html) go
 * through report_outdir into the same staging folder, and one commit
 * (report_commit, or outdir_commit) puts everything in place, replacing or
 * removing the files of an earlier run. A failed, aborted or interrupted
 * run therefore never leaves a file under a final name, and an earlier
 * run's files stay as they were.
 *
 * Signals: report_remove_temps (outdir_remove_temps) removes the staging
 * folder of every open report with async-signal-safe calls only. The
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
 *     report_commit(r, d);        (or report_finish, more files, outdir_commit)
 *     report_ranking(x, stdout);
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "spotsim/util/diag.h"
#include "spotsim/experiment/experiment.h"
#include "spotsim/output/outdir.h"
#include "spotsim/experiment/replication.h"
#include "spotsim/scenario/plan.h"

struct report;

/*
 * Creates the folder `dir` (borrowed; its parents too), sweeps the
 * leftovers of killed runs and opens the files in the staging folder with
 * their header rows (outdir_open). `start_unix` is the scenario's start,
 * for the time column. The variant written in the rows is "base" until
 * report_set_variant. On success *out is an owned report; on failure
 * *out is NULL, nothing is left in the folder, and `d` holds one error
 * naming the folder, for example
 *     /proc/x: cannot create folder: no such file or directory
 *     out/web: cannot write in folder: permission denied
 * Returns 0, SPOTSIM_EIO, or SPOTSIM_ERANGE for a path that is empty or too
 * long, or when OUTDIR_MAX_OPEN folders are already open.
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
 * (borrowed) into their files; call it once, before report_finish.
 * Until it is called both files hold only their header row.
 *
 * summary.csv: variant,sweep,metric,unit,mean,sd,ci95_low,ci95_high,min,
 * p05,p50,p95,max,n — for every configuration in order, every metric in
 * run_metric_defs order, stats_summarize_scaled over the replications with
 * the metric's scale (stats_scale_of: the interval stays inside the range
 * the metric can take; n counts the replications where it applies).
 *
 * comparison.csv: variant,sweep,metric,unit,mean_diff,ci95_low,ci95_high,n
 * — for every configuration whose baseline is another configuration, every
 * metric: stats_paired_scaled(configuration, baseline) paired by replication
 * index (common random numbers). A lone configuration gives only the header.
 */
void report_experiment(struct report *r, const struct experiment *x);

/*
 * Prints the readable verdict and table of an experiment (borrowed) to
 * `out`. First the recommendation (verdict.h with x->max_breach): the
 * cheapest configuration by mean monthly cost whose P(SLO breach) is at
 * most the limit, or "none meets the SLO" and the closest, or "no SLO set"
 * and the cheapest, with that configuration's P(SLO breach) and Wilson
 * interval, monthly cost and interval, savings against on-demand (and, for
 * a queue, cost per 1,000 jobs, p95 job latency and lost work). Then one
 * line per configuration ranked by mean monthly cost, cheapest first (ties
 * and costs that do not apply keep configuration order, the latter last):
 * whether it meets the SLO and P(SLO breach) (when an SLO is set), the
 * monthly cost with its bounded 95 % interval ("no variation across
 * replications" when every replication agrees), the savings, the
 * availability and p95 latency (requests) and the p95 job latency, lost
 * work and cost per 1,000 jobs (queues), and, when a budget is set, the
 * probability of going over it; then, for every configuration with a
 * baseline other than itself, "paired against NAME:" lines with the
 * monthly cost and the availability (lost work for a queue) differences
 * and their 95 % intervals. Figures that do not apply show "n/a".
 * Deterministic text.
 */
void report_ranking(const struct experiment *x, FILE *out);

/*
 * Flushes, syncs and closes every file in the staging folder, where they
 * are then complete. Returns 0; or SPOTSIM_EIO after adding an error naming
 * the file to `d`, in which case the report is aborted. Idempotent.
 */
int report_finish(struct report *r, struct diag *d);

/*
 * report_finish, then outdir_commit of the report's folder: every staged
 * file (the CSV files and whatever else the run staged) goes in place, and
 * the claimed names without a staged file are removed. Returns 0; or
 * SPOTSIM_EIO after adding errors to `d`, in which case the report is
 * aborted and the folder holds what it held before (unless
 * outdir_mixed(report_outdir(r)), see outdir.h).
 */
int report_commit(struct report *r, struct diag *d);

/* Closes and removes every file of `r` and its staging folder. Idempotent; NULL is a no-op. */
void report_abort(struct report *r);

/* Aborts `r` unless it was committed, and frees it. NULL is a no-op. */
void report_free(struct report *r);

/*
 * Removes the staging folder of every open report with async-signal-safe
 * calls only. The reports stay allocated; free them as usual.
 */
void report_remove_temps(void);

/* The report's output folder (borrowed), for the other files of the run. */
struct outdir *report_outdir(struct report *r);

/* The file of the clock hours of runs with a Savings Plan. */
#define REPORT_HOURLY_USAGE "hourly_usage.csv"
/* What spotsim plan-commitment writes from it (claimed by every run, so none goes stale). */
#define REPORT_PLAN_COMMITMENT "plan-commitment.csv"

/*
 * Stages REPORT_HOURLY_USAGE from x->hours (nothing when it is NULL):
 * variant,sweep,replication,hour,hour_start,hours,region,os,arch,term,
 * payment,discount,commitment_usd_per_hour,eligible_on_demand_usd,other_usd
 * — one row per clock hour (UTC) of every replication that kept its hours
 * (replication.h, struct run_hours), configuration by configuration.
 * `hour_start` is the UTC start of the clock hour (ISO 8601, Z); `hours` the
 * length of it the run covers (1, or less for the first hour of a run that
 * starts within one and the last of a run that ends within one);
 * eligible_on_demand_usd the FARGATE vCPU and memory used in it at
 * On-Demand rates; other_usd the rest (FARGATE_SPOT, storage, OS licence). Returns 0, or SPOTSIM_EIO after
 * adding an error naming the file to `d`. The caller claims the name
 * (outdir_claim) whether or not it writes it, so a stale copy goes.
 */
int report_hourly_usage(struct report *r, const struct plan *p, const struct experiment *x,
			struct diag *d);

/*
 * Tells the report that the caller staged REPORT_HOURLY_USAGE itself
 * (spotsim merge joins the shards' files), so the summary lists it.
 */
void report_hourly_staged(struct report *r);

/* The folder as given to report_open (borrowed). */
const char *report_dir(const struct report *r);

/*
 * Prints the human summary of the replications added so far: each figure is
 * the mean over the replications where it applies, followed by the minimum
 * and maximum when there was more than one, then the files written.
 * `shown_dir` is the folder as the user should see it. Deterministic text.
 * The figures pool every replication added, whatever its variant: for an
 * experiment with several configurations report_ranking is the table to
 * show. The summary opens with the verdict: whether the replications' P(SLO
 * breach) is at most `max_breach` (slo.max_breach_probability), or that no
 * SLO is set.
 */
void report_summary(const struct report *r, FILE *out, const char *shown_dir, double max_breach);

#endif
