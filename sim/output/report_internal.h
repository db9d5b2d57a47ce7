#ifndef SPOTSIM_REPORT_INTERNAL_H
#define SPOTSIM_REPORT_INTERNAL_H
/*
 * report_internal — private to the report module: what its files share
 * beyond the contract in spotsim/output/report.h. The module's files:
 *
 *   report.c          the report's life: open, finish, commit, abort, free;
 *                     its files are outdir files (outdir.h)
 *   report_stream.c   rows as the run produces them: timeseries.csv,
 *                     events.csv, replications.csv; the CSV number formats
 *   report_stats.c    summary.csv and comparison.csv, from the experiment
 *   report_summary.c  the running figures of the replications and the
 *                     printed summary
 *   report_ranking.c  the printed ranking of an experiment's configurations
 *
 * A report owns one struct outdir_file per CSV file, indexed by the FILE_
 * enum, in the order the summary lists them.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "spotsim/output/outdir.h"
#include "spotsim/output/report.h"

enum {
	FILE_TIMESERIES,
	FILE_EVENTS,
	FILE_REPLICATIONS,
	FILE_SUMMARY,
	FILE_COMPARISON,
	FILE_COUNT
};

/* The final names, "timeseries.csv" ... (report_summary.c). */
extern const char *const report_file_names[FILE_COUNT];

struct report {
	struct outdir *out; /* owned */
	char *variant;	    /* owned */
	int64_t start_unix;
	struct outdir_file files[FILE_COUNT]; /* f is NULL once finished or aborted */
	bool finished, committed, aborted;
	size_t runs; /* replications added */
	bool hourly; /* hourly_usage.csv is staged */
	struct run_metrics sum, min, max, cnt;
};

/* The offset of a struct run_metrics field, as run_metric_defs gives them. */
#define METRIC(name) offsetof(struct run_metrics, name)

/* The metric at `offset` of `m`. */
static inline double report_metric_get(const struct run_metrics *m, size_t offset)
{
	double v;
	memcpy(&v, (const char *)m + offset, sizeof(v));
	return v;
}

/* ---- CSV cells (report_stream.c) ---- */

/* `v` with printf's %.*g (conv 'g') or %.*f (conv 'f'); NAN writes nothing, -0 writes 0. */
void report_put_num(FILE *f, char conv, int prec, double v);

/* The same cell into `buf` (NUMFMT_SIZE bytes, NUL-terminated); returns its length. */
size_t report_format_num(char *buf, char conv, int prec, double v);

/* A header row from the NULL-terminated `cols`. */
void report_put_header(FILE *f, const char *const *cols);

/* The header rows of timeseries.csv, events.csv and replications.csv. */
void report_stream_headers(struct report *r);

/* ---- summary.csv and comparison.csv (report_stats.c) ---- */

/* The header rows of summary.csv and comparison.csv. */
void report_stats_headers(struct report *r);

/* v[k] = the metric at `offset` of replication k of configuration `config`. */
void report_gather(const struct experiment *x, size_t config, size_t offset, double *v);

/* ---- the summary's figures (report_summary.c) ---- */

/* Empties the figures: no replication added. */
void report_summary_reset(struct report *r);

/* Adds replication `m` (borrowed) to the figures: sum, min, max, count per metric. */
void report_summary_add(struct report *r, const struct run_metrics *m);

#endif
