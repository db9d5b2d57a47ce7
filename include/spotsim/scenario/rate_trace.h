#ifndef SPOTSIM_RATE_TRACE_H
#define SPOTSIM_RATE_TRACE_H
/*
 * rate_trace — the scenario loader's reader of load traces (a
 * "workload.rate" of kind "trace"): a file of request counts or rates over
 * time becomes the points of a rate shape (workload.h), on the scenario's
 * clock. The workload model itself reads no files.
 *
 * Files. A file whose first character that is not white space is '{' or
 * '[' is JSON, and must be CloudWatch output:
 *   aws cloudwatch get-metric-data        {"MetricDataResults": [{"Id",
 *       "Timestamps": [...], "Values": [...], "StatusCode"}]}: one result,
 *       or the one whose Id is options.id (the CLI's pages of one query
 *       are entries with the same Id: they are read as one); a last page
 *       with StatusCode PartialData, or a NextToken, is a warning (more data
 *       exists). A bare result (--query 'MetricDataResults[0]') is accepted.
 *   aws cloudwatch get-metric-statistics  {"Datapoints": [{"Timestamp",
 *       "Sum", "Average", "SampleCount", ...}]}, or the bare array
 *       (--query Datapoints). The value is options.statistic, by default
 *       Sum; a datapoint without Sum but with Average and SampleCount has
 *       Sum = Average x SampleCount (CloudWatch's Average is Sum /
 *       SampleCount). SampleCount itself counts data points, not requests.
 * JSON times are ISO 8601 strings or Unix seconds (numbers).
 * Anything else is CSV: an optional header row (a first row none of whose
 * fields starts like a number), then rows "time,value", or rows "value"
 * alone (counts only: one row per period from the start). With a header,
 * the time column is the one named Timestamp or Time and the value column
 * the one named Value, Sum, Count or Rps (any case), else the first and
 * second of two columns. A UTF-8 byte order mark is skipped.
 *
 * Times. An ISO 8601 timestamp (Z or an offset such as +02:00, optional
 * fraction) or Unix seconds of 1e9 or more (2001-09-09 onwards) are
 * timestamps; smaller numbers of seconds and durations ("90s", "1h") are
 * times from the scenario's start. All rows of a file are alike.
 *
 * Values are counts (requests in the row's period, as CloudWatch's
 * RequestCount Sum) or rps, as options.values says; by default counts for
 * timestamps and CloudWatch JSON, rps for times from the start. Values are
 * numbers, 0 or more.
 *
 * Periods. Rows with times are sorted (CloudWatch prints newest first) and
 * each covers one period from its time: options.period, or the most common
 * gap between consecutive rows (the shortest such gap on a tie). Every gap
 * must be a whole number of periods; the periods between are missing and
 * have no requests (options.missing zero) or are errors. Two rows with the
 * same time are an error. A count becomes the rate count / period. Rows
 * without a time are periods of options.period (default 1 minute) in file
 * order. The exception, kept as before: rps rows with times from the start
 * and no options.period are steps, in file order, strictly increasing
 * times, each lasting until the next and the last as long as the gap
 * before it (a minute when alone).
 *
 * Alignment (rate_trace_shape). Timestamps are absolute: scenario time t
 * reads the trace at start + t, so the part before the scenario's start is
 * skipped and a trace that starts later gives no requests before it.
 * Times from the start are on the scenario's clock already. Past the
 * trace's end the rate is 0, or, with repeat, the trace is laid end to end
 * (a timestamped trace keeps its phase: copies start at its first
 * timestamp plus whole multiples of its length). repeat defaults to false
 * for timestamps and to true for times from the start, as before. A trace
 * that does not overlap the scenario at all is an error.
 *
 * Problems go to `d` as "FILE: line N: ..." (CSV) or "FILE: JSON.PATH: ...",
 * each naming what is wrong and what is accepted; at most 10 are listed per
 * file, then one line counts the rest. Files must be regular (a folder,
 * FIFO, device or socket is refused before it is read) and at most
 * RATE_TRACE_MAX_BYTES long.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "spotsim/engine/simtime.h"
#include "spotsim/model/workload.h"
#include "spotsim/util/diag.h"

#define RATE_TRACE_MAX_BYTES ((size_t)64 << 20)

enum rate_trace_values {
	RATE_TRACE_VALUES_DEFAULT, /* counts for timestamps and JSON, else rps */
	RATE_TRACE_COUNTS,
	RATE_TRACE_RPS
};

enum rate_trace_missing {
	RATE_TRACE_MISSING_ZERO,
	RATE_TRACE_MISSING_ERROR
};

/* What the scenario says about its trace file (strings borrowed). */
struct rate_trace_options {
	enum rate_trace_values values;
	sim_time period; /* 0: inferred (rows with times) or 1 minute (rows without) */
	enum rate_trace_missing missing;
	int repeat;	       /* 1, 0, or -1 for the default */
	const char *id;	       /* get-metric-data: the result to read; NULL for the only one */
	const char *statistic; /* get-metric-statistics: Sum (NULL), Average, SampleCount,
				  Minimum or Maximum */
};

/* A trace as its file has it, checked, in time order, not yet on a scenario's clock. */
struct rate_trace {
	char *path;		   /* owned: the file as named to rate_trace_read */
	bool timestamps;	   /* times are Unix time; else from the scenario's start */
	bool steps;		   /* rps steps (see above); else one row per period */
	bool repeat;		   /* options.repeat, or its default */
	struct rate_point *points; /* owned; `at` in microseconds on the trace's clock, rps;
				      a missing period is a point of 0 */
	size_t npoints;
	sim_time end;	 /* where the last row ends, on the same clock */
	sim_time period; /* one row's length; 0 for steps */
	size_t rows;	 /* rows read */
	size_t missing;	 /* periods without a row */
};

/*
 * Reads the trace file `path` (borrowed) into `t` (owned by the caller:
 * rate_trace_release). Returns 0 with one note in `d` saying how the file
 * was read (for rows with times), or a negative SPOTSIM_* code after adding
 * the problems (then `t` holds nothing to release, but releasing is safe).
 */
int rate_trace_read(struct rate_trace *t, const char *path, const struct rate_trace_options *o,
		    struct diag *d);

/* The first row's timestamp in whole seconds (rounded down), for "start": "trace". */
int64_t rate_trace_start(const struct rate_trace *t);

/*
 * Puts `t` on the clock of a scenario that starts at `start_unix` (seconds)
 * and lasts `duration`: fills r->points, r->npoints and r->trace_period
 * (freeing the points `r` had; other fields untouched). Adds a note when
 * the trace starts after the scenario does or ends before it does (without
 * repeat). Returns 0, or SPOTSIM_EINVAL after an error when the trace does
 * not overlap the scenario (then `r` is unchanged).
 */
int rate_trace_shape(const struct rate_trace *t, int64_t start_unix, sim_time duration,
		     struct rate_shape *r, struct diag *d);

void rate_trace_release(struct rate_trace *t);

#endif
