#ifndef SPOTSIM_RATE_TRACE_INTERNAL_H
#define SPOTSIM_RATE_TRACE_INTERNAL_H
/*
 * rate_trace_internal — private to the rate_trace*.c files: the state of one
 * read, which the CSV reader (rate_trace_csv.c) and the CloudWatch JSON
 * reader (rate_trace_json.c) fill with rows, and which rate_trace.c then
 * checks and turns into a trace; the times of rate_trace_time.c.
 *
 * A row is kept as the file gives it (a time and a value, no conversion),
 * with where it came from, so the checks that need every row (order,
 * duplicates, gaps) can name both rows of a problem. Problems are counted
 * per file and only the first RT_MAX_PROBLEMS are listed.
 */
#include <limits.h>
#include <stdbool.h>
#include <stddef.h>

#include "spotsim/scenario/rate_trace.h"

#define RT_MAX_PROBLEMS 10

#define RT_TIME_ACCEPTED                                                                           \
	"an ISO 8601 timestamp with Z or an offset such as 2025-05-12T10:00:00Z or "               \
	"2025-05-12T12:00:00+02:00, Unix seconds, or a time from the start such as 90 or \"1h\""

/* The clock of a file's times, decided by its first row with a time. */
enum rt_clock {
	RT_CLOCK_NONE, /* rows without a time: one per period, from the start */
	RT_CLOCK_UNIX, /* timestamps: microseconds since 1970-01-01T00:00:00Z */
	RT_CLOCK_START /* times from the scenario's start */
};

enum rt_source {
	RT_CSV,
	RT_METRIC_DATA,	     /* aws cloudwatch get-metric-data */
	RT_METRIC_STATISTICS /* aws cloudwatch get-metric-statistics */
};

#define RT_BARE UINT_MAX /* the group of rows from a bare result or Datapoints array */

struct rt_row {
	sim_time at;	/* on the file's clock; the row's index for RT_CLOCK_NONE */
	double value;	/* as written: a count or a rate */
	size_t where;	/* CSV: the line; JSON: the index in its array */
	unsigned group; /* get-metric-data: the index in MetricDataResults */
};

struct rt_reader {
	const char *path;
	struct diag *d;
	const struct rate_trace_options *o;
	enum rt_source source;
	enum rt_clock clock;
	size_t problems;
	struct rt_row *rows;
	size_t n, alloc;
	char *what;   /* owned: what the values are, for the note ("Sum", ...); may be NULL */
	bool partial; /* get-metric-data: more pages exist */
};

/* Adds a problem at `where` (may be NULL), listed when it is among the first RT_MAX_PROBLEMS. */
void rt_problem(struct rt_reader *rd, const char *where, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

void rt_add(struct rt_reader *rd, sim_time at, double value, size_t where, unsigned group);

/* Where `row` came from: "line 12", "Datapoints[3].Timestamp", ...; returns buf. */
const char *rt_where(const struct rt_reader *rd, const struct rt_row *row, char *buf, size_t size);

/* What the values are called in messages: "count", "rps" or "value" (format not given). */
const char *rt_value_name(const struct rt_reader *rd);

/* The readers: 0, or a negative SPOTSIM_* code when the file cannot be read at all. */
int rt_read_csv(struct rt_reader *rd, const char *text, size_t len);
int rt_read_json(struct rt_reader *rd, const char *text, size_t len);

/* ---- times (rate_trace_time.c) ---- */

enum rt_time_status {
	RT_TIME_OK,
	RT_TIME_SYNTAX,	  /* not a time at all */
	RT_TIME_NO_ZONE,  /* a date and time without Z or an offset */
	RT_TIME_BAD_DATE, /* a date and time that does not exist */
	RT_TIME_RANGE	  /* negative, or beyond the year 9999 */
};

/*
 * A CSV time: an ISO 8601 timestamp or Unix seconds of 1e9 or more
 * (2001-09-09 onwards) are RT_CLOCK_UNIX; smaller numbers of seconds and
 * durations ("1h", "2d 02:00") are RT_CLOCK_START.
 */
enum rt_time_status rt_parse_time(const char *text, sim_time *out, enum rt_clock *clock);

/* An ISO 8601 timestamp alone (JSON strings). */
enum rt_time_status rt_parse_iso(const char *text, sim_time *out);

/* Unix seconds, integer or not (JSON numbers). */
enum rt_time_status rt_unix_seconds(double seconds, sim_time *out);

/* Why a time was refused, as the middle of a message: "is not a time", ... */
const char *rt_time_why(enum rt_time_status st);

/* `at` as text: "2025-05-12T10:00:00Z" on the Unix clock, else "1h30m"; returns buf (48). */
const char *rt_format_time(sim_time at, bool unix_clock, char *buf, size_t size);

#endif
