/*
 * rate_trace — load traces into rate shapes (see rate_trace.h).
 *
 * One read: the file is read whole (regular files only, with a size cap),
 * its rows collected by the CSV or the CloudWatch JSON reader as written
 * (rate_trace_csv.c, rate_trace_json.c), then checked and turned into
 * points here: sorted, the period inferred, gaps checked, counts divided by
 * the period. rate_trace_shape then moves the points onto a scenario's
 * clock. Each step reports every problem it finds, so one run lists them
 * all, up to RT_MAX_PROBLEMS per file.
 *
 * A trace is piecewise constant: a point holds from its `at` to the next
 * point. One row per period gives one point; a missing period (or several)
 * after a row gives a point of 0 where that row's period ends; the end of
 * the last row is `end`, after which the rate is 0 unless the trace
 * repeats. The traces read before timestamps were supported (rps steps,
 * one count per row) give the very points they gave then.
 */
#include "spotsim/scenario/rate_trace.h"

#include "rate_trace_internal.h"
#include "spotsim/util/error.h"
#include "spotsim/util/fileio.h"
#include "spotsim/util/xalloc.h"

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define TIME_TEXT 48

static const char bom[] = "\xEF\xBB\xBF";

/* ---- reading the file ---- */

static int read_text(const char *path, char **text, size_t *len, struct diag *d)
{
	int err = fileio_read_capped(path, RATE_TRACE_MAX_BYTES, text, len);
	unsigned mib = (unsigned)(RATE_TRACE_MAX_BYTES >> 20);
	if (!err)
		return 0;
	if (err == EISDIR)
		diag_error(d, path, NULL,
			   "is a folder (accepted: a regular file of at most %u MiB)", mib);
	else if (err == EINVAL)
		diag_error(d, path, NULL,
			   "is a FIFO, device or socket, not a regular file (accepted: a regular "
			   "file of at most %u MiB)",
			   mib);
	else if (err == EFBIG)
		diag_error(
		    d, path, NULL,
		    "is larger than the limit of %u MiB (accepted: a file of at most %u MiB; "
		    "export a shorter time range or a longer period)",
		    mib, mib);
	else
		diag_error(d, path, NULL, "cannot open file: %s (accepted: a readable file)",
			   diag_strerror(err));
	return err == ENOENT ? SPOTSIM_ENOENT : SPOTSIM_EIO;
}

/* JSON when the first character that is not white space (nor a byte order mark) opens it. */
static bool is_json(const char *text)
{
	if (!strncmp(text, bom, 3))
		text += 3;
	while (isspace((unsigned char)*text))
		text++;
	return *text == '{' || *text == '[';
}

/* ---- rows into a trace ---- */

static int by_time(const void *a, const void *b)
{
	const struct rt_row *x = a, *y = b;
	if (x->at != y->at)
		return x->at < y->at ? -1 : 1;
	if (x->group != y->group)
		return x->group < y->group ? -1 : 1;
	return (x->where > y->where) - (x->where < y->where);
}

static void add_point(struct rate_trace *t, size_t *alloc, sim_time at, double rps)
{
	XALLOC_GROW(t->points, t->npoints + 1, *alloc);
	t->points[t->npoints++] = (struct rate_point){at, rps};
}

/* rps rows from the start, as before: strictly increasing, each lasting until the next. */
static void build_steps(struct rate_trace *t, struct rt_reader *rd)
{
	char when[TIME_TEXT], where[64];
	size_t alloc = 0;
	for (size_t i = 1; i < rd->n; i++)
		if (rd->rows[i].at <= rd->rows[i - 1].at)
			rt_problem(rd, rt_where(rd, &rd->rows[i], where, sizeof(where)),
				   "time %s is not after the previous row's (accepted: rows sorted "
				   "by time, each time once)",
				   rt_format_time(rd->rows[i].at, false, when, sizeof(when)));
	if (rd->problems)
		return;
	for (size_t i = 0; i < rd->n; i++)
		add_point(t, &alloc, rd->rows[i].at, rd->rows[i].value);
	sim_time last = rd->rows[rd->n - 1].at;
	t->end = last + (rd->n >= 2 ? last - rd->rows[rd->n - 2].at : SIM_MIN);
	t->steps = true;
}

/* Two rows at the same time: the later in the file is the problem. */
static void check_duplicates(struct rt_reader *rd)
{
	char when[TIME_TEXT], here[64], there[64];
	for (size_t i = 1; i < rd->n; i++) {
		const struct rt_row *a = &rd->rows[i - 1], *b = &rd->rows[i];
		if (a->at == b->at)
			rt_problem(
			    rd, rt_where(rd, b, here, sizeof(here)),
			    "time %s is also at %s (accepted: each time once)",
			    rt_format_time(b->at, rd->clock == RT_CLOCK_UNIX, when, sizeof(when)),
			    rt_where(rd, a, there, sizeof(there)));
	}
}

static int by_value(const void *a, const void *b)
{
	sim_time x = *(const sim_time *)a, y = *(const sim_time *)b;
	return (x > y) - (x < y);
}

/* The most common gap between consecutive rows (the shortest on a tie); 0 for one row. */
static sim_time common_gap(const struct rt_reader *rd)
{
	size_t n = rd->n - 1, best = 0;
	sim_time mode = 0;
	if (!n)
		return 0;
	sim_time *gaps = xmalloc(n * sizeof(*gaps));
	for (size_t i = 0; i < n; i++)
		gaps[i] = rd->rows[i + 1].at - rd->rows[i].at;
	qsort(gaps, n, sizeof(*gaps), by_value);
	for (size_t i = 0, j; i < n; i = j) {
		for (j = i; j < n && gaps[j] == gaps[i]; j++)
			;
		if (j - i > best && gaps[i] > 0) {
			best = j - i;
			mode = gaps[i];
		}
	}
	free(gaps);
	return mode;
}

/* The period given, or inferred; 0 after a problem. */
static sim_time find_period(struct rt_reader *rd)
{
	char given[TIME_TEXT], seen[TIME_TEXT];
	sim_time gap = common_gap(rd);
	if (!rd->o->period && !gap)
		rt_problem(rd, NULL,
			   "one row cannot show the period (accepted: \"period\" in the scenario, "
			   "such as \"5m\")");
	if (rd->o->period && gap > rd->o->period && gap % rd->o->period == 0)
		diag_warning(rd->d, rd->path, NULL,
			     "the rows are mostly %s apart but \"period\" is %s: each row is "
			     "taken as %s of requests and the periods between them as missing",
			     simtime_format(gap, seen, sizeof(seen)),
			     simtime_format(rd->o->period, given, sizeof(given)), given);
	return rd->o->period ? rd->o->period : gap;
}

static void gap_problem(struct rt_reader *rd, size_t i, sim_time period, bool whole)
{
	char when[TIME_TEXT], len[TIME_TEXT], per[TIME_TEXT], here[64], there[64];
	const struct rt_row *a = &rd->rows[i - 1], *b = &rd->rows[i];
	rt_where(rd, b, here, sizeof(here));
	rt_where(rd, a, there, sizeof(there));
	rt_format_time(b->at, rd->clock == RT_CLOCK_UNIX, when, sizeof(when));
	simtime_format(period, per, sizeof(per));
	if (!whole)
		rt_problem(rd, here,
			   "time %s is %s after the previous row's (%s), not a whole number of "
			   "periods of %s (accepted: rows a whole number of periods apart; "
			   "\"period\" in the scenario when the most common gap is not the period)",
			   when, simtime_format(b->at - a->at, len, sizeof(len)), there, per);
	else {
		long long missing = (long long)((b->at - a->at) / period - 1);
		rt_problem(rd, here,
			   "%lld period%s of %s %s missing before time %s (after %s) (accepted: a "
			   "row for every period, or \"missing\": \"zero\" to read them as no "
			   "requests)",
			   missing, missing == 1 ? "" : "s", per, missing == 1 ? "is" : "are", when,
			   there);
	}
}

/* Checks every gap against the period and counts the missing periods. */
static void check_gaps(struct rate_trace *t, struct rt_reader *rd, sim_time period)
{
	for (size_t i = 1; i < rd->n; i++) {
		sim_time gap = rd->rows[i].at - rd->rows[i - 1].at;
		if (gap <= 0)
			continue; /* a duplicate, reported already */
		if (gap % period)
			gap_problem(rd, i, period, false);
		else if (gap > period && rd->o->missing == RATE_TRACE_MISSING_ERROR)
			gap_problem(rd, i, period, true);
		else
			t->missing += (size_t)(gap / period - 1);
	}
}

/* One row per period: points of count / period (or rps), and 0 where periods are missing. */
static void build_periods(struct rate_trace *t, struct rt_reader *rd, bool counts)
{
	sim_time period = rd->o->period ? rd->o->period : SIM_MIN;
	size_t alloc = 0;
	if (rd->clock == RT_CLOCK_NONE) {
		for (size_t i = 0; i < rd->n; i++)
			rd->rows[i].at = (sim_time)i * period;
	} else {
		qsort(rd->rows, rd->n, sizeof(*rd->rows), by_time);
		check_duplicates(rd);
		if (!(period = find_period(rd)))
			return;
		check_gaps(t, rd, period);
	}
	if (rd->problems)
		return;
	double seconds = simtime_seconds(period);
	for (size_t i = 0; i < rd->n; i++) {
		sim_time at = rd->rows[i].at;
		add_point(t, &alloc, at, counts ? rd->rows[i].value / seconds : rd->rows[i].value);
		if (i + 1 < rd->n && rd->rows[i + 1].at > at + period)
			add_point(t, &alloc, at + period, 0);
	}
	t->end = rd->rows[rd->n - 1].at + period;
	t->period = period;
}

static bool values_are_counts(const struct rt_reader *rd)
{
	if (rd->o->values != RATE_TRACE_VALUES_DEFAULT)
		return rd->o->values == RATE_TRACE_COUNTS;
	return rd->clock != RT_CLOCK_START || rd->source != RT_CSV;
}

static void build(struct rate_trace *t, struct rt_reader *rd)
{
	if (!rd->n) {
		rt_problem(rd, NULL,
			   "the trace has no data rows (accepted: time,value rows, one count per "
			   "row, or CloudWatch output with data points)");
		return;
	}
	bool counts = values_are_counts(rd);
	t->timestamps = rd->clock == RT_CLOCK_UNIX;
	t->rows = rd->n;
	if (!counts && rd->clock == RT_CLOCK_START && !rd->o->period)
		build_steps(t, rd);
	else
		build_periods(t, rd, counts);
	t->repeat = rd->o->repeat >= 0 ? rd->o->repeat != 0 : !t->timestamps;
}

/* ---- reporting ---- */

static const char *grouped(size_t n, char *buf, size_t size)
{
	char digits[32];
	size_t len = (size_t)snprintf(digits, sizeof(digits), "%zu", n), o = 0;
	for (size_t i = 0; i < len && o + 2 < size; i++) {
		if (i && (len - i) % 3 == 0)
			buf[o++] = ',';
		buf[o++] = digits[i];
	}
	buf[o] = '\0';
	return buf;
}

/* How the file was read, for a file whose rows have times. */
static void note_read(const struct rate_trace *t, const struct rt_reader *rd, bool counts)
{
	char per[TIME_TEXT], from[TIME_TEXT], to[TIME_TEXT], n[32], missing[64];
	if (t->steps || rd->clock == RT_CLOCK_NONE)
		return;
	if (t->missing)
		snprintf(missing, sizeof(missing), "%s missing period%s read as no requests",
			 grouped(t->missing, n, sizeof(n)), t->missing == 1 ? "" : "s");
	else
		snprintf(missing, sizeof(missing), "no missing periods");
	diag_note(rd->d, t->path, NULL, "%s %s%s%s%s, one per %s (%s), from %s to %s; %s",
		  grouped(t->rows, n, sizeof(n)), counts ? "counts" : "rates (rps)",
		  rd->what ? " (" : "", rd->what ? rd->what : "", rd->what ? ")" : "",
		  simtime_format(t->period, per, sizeof(per)),
		  rd->o->period ? "\"period\"" : "the most common gap between rows",
		  rt_format_time(t->points[0].at, t->timestamps, from, sizeof(from)),
		  rt_format_time(t->end, t->timestamps, to, sizeof(to)), missing);
}

static void note_more_problems(const struct rt_reader *rd)
{
	char n[32];
	if (rd->problems > RT_MAX_PROBLEMS)
		diag_error(rd->d, NULL, NULL, "... and %s more problems in %s",
			   grouped(rd->problems - RT_MAX_PROBLEMS, n, sizeof(n)), rd->path);
}

int rate_trace_read(struct rate_trace *t, const char *path, const struct rate_trace_options *o,
		    struct diag *d)
{
	struct rt_reader rd = {.path = path, .d = d, .o = o};
	size_t errors = d->errors;
	char *text;
	size_t len;

	memset(t, 0, sizeof(*t));
	int rc = read_text(path, &text, &len, d);
	if (rc)
		return rc;
	size_t skip = strncmp(text, bom, 3) ? 0 : 3;
	rc = is_json(text) ? rt_read_json(&rd, text, len)
			   : rt_read_csv(&rd, text + skip, len - skip);
	free(text);
	if (!rc && !rd.problems && d->errors == errors)
		build(t, &rd);
	note_more_problems(&rd);
	if (!rc && !rd.problems && d->errors == errors) {
		t->path = xstrdup(path);
		note_read(t, &rd, values_are_counts(&rd));
	} else {
		rate_trace_release(t);
		rc = rc ? rc : SPOTSIM_EINVAL;
	}
	free(rd.rows);
	free(rd.what);
	return rc;
}

int64_t rate_trace_start(const struct rate_trace *t)
{
	return t->npoints ? t->points[0].at / SIM_SEC : 0;
}

void rate_trace_release(struct rate_trace *t)
{
	free(t->path);
	free(t->points);
	memset(t, 0, sizeof(*t));
}
