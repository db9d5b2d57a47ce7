/*
 * rate_trace_csv — the CSV rows of a load trace (rate_trace.h), through
 * csvio. The first row is a header when none of its fields starts like a
 * number: its names pick the time and value columns. Without a header, two
 * fields are time,value and one field is a value alone. Every row is parsed
 * and every bad field reported (the caller caps the list), so a file with
 * a million bad rows is read to its end and counted.
 */
#include "rate_trace_internal.h"

#include "spotsim/util/csvio.h"
#include "spotsim/util/error.h"

#include <ctype.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define NO_COLUMN ((size_t)-1)

struct csv_state {
	struct rt_reader *rd;
	bool seen_first;
	bool unusable; /* the header names no value column: rows are not read */
	size_t width;  /* fields per row with a header; 0 without */
	size_t time_col, value_col;
	size_t first_line; /* of the first data row, which set the clock */
	size_t index;	   /* data rows so far */
};

static bool starts_like_number(const char *s)
{
	while (isspace((unsigned char)*s))
		s++;
	if (*s == '+' || *s == '-')
		s++;
	if (*s == '.')
		s++;
	return isdigit((unsigned char)*s);
}

/* Whether the trimmed field is one of `names` (any case). */
static bool named(const char *field, const char *const *names)
{
	while (isspace((unsigned char)*field))
		field++;
	size_t len = strlen(field);
	while (len && isspace((unsigned char)field[len - 1]))
		len--;
	for (; *names; names++)
		if (strlen(*names) == len && !strncasecmp(field, *names, len))
			return true;
	return false;
}

static void read_header(struct csv_state *st, const char *const *f, size_t n, size_t line)
{
	static const char *const time_names[] = {"timestamp", "time", NULL};
	static const char *const value_names[] = {"value", "sum", "count", "rps", NULL};
	char where[32];
	st->width = n;
	st->time_col = st->value_col = NO_COLUMN;
	for (size_t i = 0; i < n; i++) {
		if (st->time_col == NO_COLUMN && named(f[i], time_names))
			st->time_col = i;
		else if (st->value_col == NO_COLUMN && named(f[i], value_names))
			st->value_col = i;
	}
	if (n == 2 && st->time_col == NO_COLUMN && st->value_col != 0)
		st->time_col = 0;
	if (n == 2 && st->value_col == NO_COLUMN && st->time_col != 1)
		st->value_col = 1;
	if (n == 1 && st->time_col == NO_COLUMN)
		st->value_col = 0;
	if (st->value_col == NO_COLUMN) {
		snprintf(where, sizeof(where), "line %zu", line);
		rt_problem(st->rd, where,
			   "the header names no value column (accepted: a column named Value, Sum, "
			   "Count or Rps, or two columns time,value)");
		st->unusable = true;
	}
}

/* The columns of a row without a header: time,value or a value alone. */
static bool columns(struct csv_state *st, size_t n, const char *where)
{
	if (st->width) {
		if (n == st->width)
			return true;
		rt_problem(st->rd, where, "%zu fields, expected %zu as in the header", n,
			   st->width);
		return false;
	}
	if (n == 1 || n == 2) {
		st->time_col = n == 2 ? 0 : NO_COLUMN;
		st->value_col = n - 1;
		return true;
	}
	rt_problem(st->rd, where, "%zu fields, expected 2 (time,%s) or 1 (a count)", n,
		   rt_value_name(st->rd));
	return false;
}

static const char *value_accepted(const struct rt_reader *rd)
{
	return rd->o->values == RATE_TRACE_COUNTS ? "a number of requests, 0 or more"
	       : rd->o->values == RATE_TRACE_RPS  ? "requests per second, 0 or more"
						  : "a number, 0 or more";
}

/* Parses the whole field as a number >= 0, or reports why not. */
static bool parse_value(struct rt_reader *rd, const char *where, const char *text, double *out)
{
	char *end;
	const char *what = rt_value_name(rd);
	double v = strtod(text, &end); /* overflow gives HUGE_VAL; underflow a tiny number */
	while (end != text && isspace((unsigned char)*end))
		end++;
	if (end == text || *end)
		rt_problem(rd, where, "%s \"%s\" is not a number (accepted: %s)", what, text,
			   value_accepted(rd));
	else if (!isfinite(v))
		rt_problem(rd, where, "%s %s is not a finite number (accepted: %s)", what, text,
			   value_accepted(rd));
	else if (v < 0)
		rt_problem(rd, where, "%s %s is negative (accepted: %s)", what, text,
			   value_accepted(rd));
	else {
		*out = v;
		return true;
	}
	return false;
}

static bool parse_row_time(struct rt_reader *rd, const char *where, const char *text, sim_time *at,
			   enum rt_clock *clock)
{
	enum rt_time_status st = rt_parse_time(text, at, clock);
	if (st != RT_TIME_OK)
		rt_problem(rd, where, "time \"%s\" %s (accepted: " RT_TIME_ACCEPTED ")", text,
			   rt_time_why(st));
	return st == RT_TIME_OK;
}

static const char *clock_name(enum rt_clock c)
{
	return c == RT_CLOCK_UNIX    ? "a timestamp"
	       : c == RT_CLOCK_START ? "a time from the start"
				     : "no time";
}

/* All rows alike: the first data row sets the clock. */
static bool same_clock(struct csv_state *st, const char *where, enum rt_clock clock, size_t line)
{
	struct rt_reader *rd = st->rd;
	if (!st->first_line) {
		st->first_line = line;
		rd->clock = clock;
		return true;
	}
	if (clock == rd->clock)
		return true;
	rt_problem(rd, where,
		   "has %s but line %zu has %s (accepted: every row with a timestamp, every row "
		   "with a time from the start, or every row a count alone)",
		   clock_name(clock), st->first_line, clock_name(rd->clock));
	return false;
}

static void data_row(struct csv_state *st, const char *const *f, size_t n, size_t line)
{
	struct rt_reader *rd = st->rd;
	char where[32];
	enum rt_clock clock = RT_CLOCK_NONE;
	sim_time at = (sim_time)st->index++;
	double v;
	snprintf(where, sizeof(where), "line %zu", line);
	if (!columns(st, n, where))
		return;
	bool timed = st->time_col != NO_COLUMN;
	bool ok = parse_value(rd, where, f[st->value_col], &v);
	ok = (!timed || parse_row_time(rd, where, f[st->time_col], &at, &clock)) && ok;
	if (!ok || !same_clock(st, where, clock, line))
		return;
	if (!timed && rd->o->values != RATE_TRACE_COUNTS) {
		rt_problem(rd, where,
			   "1 field, expected 2 (time,%s) (accepted: time,%s rows, or one count "
			   "per row with \"format\": \"counts\")",
			   rt_value_name(rd), rt_value_name(rd));
		return;
	}
	rt_add(rd, at, v, line, 0);
}

static int csv_row(const char *const *f, size_t n, size_t line, void *data)
{
	struct csv_state *st = data;
	bool first = !st->seen_first;
	st->seen_first = true;
	if (first) {
		bool header = true;
		for (size_t i = 0; i < n && header; i++)
			header = !starts_like_number(f[i]);
		if (header) {
			read_header(st, f, n, line);
			return 0;
		}
	}
	if (!st->unusable)
		data_row(st, f, n, line);
	return 0;
}

int rt_read_csv(struct rt_reader *rd, const char *text, size_t len)
{
	struct csv_state st = {.rd = rd};
	rd->source = RT_CSV;
	return csvio_parse(rd->path, text, len, csv_row, &st, rd->d);
}
