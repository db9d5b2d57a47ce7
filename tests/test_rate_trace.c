/*
 * Tests for rate_trace: load traces read from CSV and CloudWatch JSON, by
 * failure mode: the formats read before timestamps (kept as they were),
 * CloudWatch exports (periods, order, gaps, the three JSON and CSV shapes
 * of one series), alignment with the scenario, malformed input (bad times,
 * duplicates, inconsistent periods, no overlap, missing periods, a million
 * bad rows), files that are not regular or too large, and a replication
 * whose request count must equal the trace's.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "testutil.h"

#include "spotsim/experiment/replication.h"
#include "spotsim/scenario/rate_trace.h"
#include "spotsim/scenario/scenario.h"
#include "spotsim/util/diag.h"
#include "spotsim/util/error.h"
#include "spotsim/util/xalloc.h"

#include <fcntl.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define T0_2025_05_12_10H INT64_C(1747044000) /* 2025-05-12T10:00:00Z */
#define FIXTURES	  "tests/cloudwatch/"

static const struct rate_trace_options defaults = {
    RATE_TRACE_VALUES_DEFAULT, 0, RATE_TRACE_MISSING_ZERO, -1, NULL, NULL};

/* ---- helpers ---- */

/* Reads `content` (written to a temporary file with `suffix`) as a trace. */
static int read_text(const char *content, const char *suffix, const struct rate_trace_options *o,
		     struct rate_trace *t, struct diag *d)
{
	char *path = testutil_write_temp(content, suffix);
	int rc = rate_trace_read(t, path, o, d);
	unlink(path);
	free(path);
	return rc;
}

static void print_diag(const struct diag *d)
{
	diag_write(d, stderr);
}

/* True when some line of `d` contains `what`. */
static bool diag_says(const struct diag *d, const char *what)
{
	for (size_t i = 0; i < d->nr; i++) {
		char *line = diag_line(d, i);
		bool yes = strstr(line, what) != NULL;
		free(line);
		if (yes)
			return true;
	}
	return false;
}

static void expect_says(const struct diag *d, const char *what)
{
	if (!diag_says(d, what)) {
		print_diag(d);
		fail_msg("no diagnostic says \"%s\"", what);
	}
}

/* Loads a bad trace: exactly one error, on `line` (NULL: any), mentioning `what`. */
static void expect_bad(const char *content, enum rate_trace_values values, const char *line,
		       const char *what)
{
	struct rate_trace_options o = defaults;
	struct rate_trace t;
	struct diag d;
	o.values = values;
	diag_init(&d);
	assert_true(read_text(content, ".csv", &o, &t, &d) < 0);
	assert_null(t.points);
	char *msg = d.errors ? diag_line(&d, d.nr - 1) : xstrdup("");
	if (d.errors != 1 || (line && !strstr(msg, line)) || !strstr(msg, what)) {
		print_diag(&d);
		fail_msg("\"%s\": %zu errors, or lacks \"%s\" or \"%s\"", msg, d.errors,
			 line ? line : "", what);
	}
	free(msg);
	diag_release(&d);
}

static void read_ok(const char *path, const struct rate_trace_options *o, struct rate_trace *t)
{
	struct diag d;
	diag_init(&d);
	int rc = rate_trace_read(t, path, o, &d);
	if (rc || d.errors)
		print_diag(&d);
	assert_int_equal(rc, 0);
	diag_release(&d);
}

/* The shape of `t` on a scenario starting at `start` for `duration`. */
static void shape_ok(const struct rate_trace *t, int64_t start, sim_time duration,
		     struct rate_shape *r)
{
	struct diag d;
	diag_init(&d);
	memset(r, 0, sizeof(*r));
	r->kind = RATE_TRACE;
	int rc = rate_trace_shape(t, start, duration, r, &d);
	if (rc)
		print_diag(&d);
	assert_int_equal(rc, 0);
	diag_release(&d);
}

/* ---- the formats read before timestamps ---- */

static void test_steps_rps(void **state)
{
	(void)state;
	struct rate_trace t;
	struct rate_shape r;
	struct diag d;
	diag_init(&d);
	assert_int_equal(read_text("time,rps\n0,10\n60,20\n2m,30\n", ".csv", &defaults, &t, &d), 0);
	assert_int_equal(d.nr, 0); /* no note: read as before */
	assert_true(t.steps && !t.timestamps && t.repeat);
	shape_ok(&t, 0, SIM_DAY, &r);
	assert_int_equal(r.npoints, 3);
	/* the last row lasts as long as the gap before it, then the trace repeats */
	assert_true(r.trace_period == 3 * SIM_MIN);
	assert_true(rate_shape_at(&r, 0, 0) == 10);
	assert_true(rate_shape_at(&r, 90 * SIM_SEC, 0) == 20);
	assert_true(rate_shape_at(&r, 150 * SIM_SEC, 0) == 30);
	assert_true(rate_shape_at(&r, 3 * SIM_MIN, 0) == 10);
	assert_true(rate_shape_at(&r, 30 * SIM_DAY + 2 * SIM_MIN, 0) == 30);
	rate_shape_release(&r);
	rate_trace_release(&t);
	/* no header, durations, CRLF line ends, a row starting later than 0 */
	assert_int_equal(read_text("30s,5\r\n1h,7.5\r\n", ".csv", &defaults, &t, &d), 0);
	shape_ok(&t, 0, SIM_DAY, &r);
	assert_true(rate_shape_at(&r, 0, 0) == 0);
	assert_true(rate_shape_at(&r, 30 * SIM_SEC, 0) == 5);
	assert_true(rate_shape_at(&r, SIM_HOUR, 0) == 7.5);
	assert_true(r.trace_period == 2 * SIM_HOUR - 30 * SIM_SEC);
	rate_shape_release(&r);
	rate_trace_release(&t);
	diag_release(&d);
}

static void test_counts_per_row(void **state)
{
	(void)state;
	struct rate_trace_options o = defaults;
	struct rate_trace t;
	struct rate_shape r;
	struct diag d;
	diag_init(&d);
	o.values = RATE_TRACE_COUNTS;
	assert_int_equal(read_text("600\n1200\n1800\n", ".csv", &o, &t, &d), 0);
	assert_int_equal(d.nr, 0);
	shape_ok(&t, 0, SIM_DAY, &r);
	assert_int_equal(r.npoints, 3);
	assert_true(r.trace_period == 3 * SIM_MIN);
	assert_true(rate_shape_at(&r, 30 * SIM_SEC, 0) == 10);
	assert_true(rate_shape_at(&r, 1 * SIM_MIN, 0) == 20);
	assert_true(rate_shape_at(&r, 2 * SIM_MIN + 59 * SIM_SEC, 0) == 30);
	assert_true(rate_shape_at(&r, 7 * SIM_MIN, 0) == 20);
	rate_shape_release(&r);
	rate_trace_release(&t);
	/* one count per row of a given period, with a header */
	o.period = 5 * SIM_MIN;
	assert_int_equal(read_text("count\n600\n3000\n", ".csv", &o, &t, &d), 0);
	shape_ok(&t, 0, SIM_DAY, &r);
	assert_true(rate_shape_at(&r, 4 * SIM_MIN, 0) == 2);
	assert_true(rate_shape_at(&r, 6 * SIM_MIN, 0) == 10);
	assert_true(r.trace_period == 10 * SIM_MIN);
	rate_shape_release(&r);
	rate_trace_release(&t);
	diag_release(&d);
}

static void test_bad_rows(void **state)
{
	(void)state;
	expect_bad("0,10\nabc,5\n", RATE_TRACE_VALUES_DEFAULT, "line 2", "is not a time");
	expect_bad("time,rps\n0,10\n60,-3\n", RATE_TRACE_RPS, "line 3", "negative");
	expect_bad("0,10\n60,many\n", RATE_TRACE_VALUES_DEFAULT, "line 2", "not a number");
	expect_bad("0,1e999\n", RATE_TRACE_VALUES_DEFAULT, "line 1", "not a finite number");
	expect_bad("0,10\n120,20\n60,5\n", RATE_TRACE_VALUES_DEFAULT, "line 3", "not after");
	expect_bad("0,10\n0,20\n", RATE_TRACE_VALUES_DEFAULT, "line 2", "not after");
	expect_bad("-5,10\n", RATE_TRACE_VALUES_DEFAULT, "line 1", "negative");
	expect_bad("0,10,3\n", RATE_TRACE_VALUES_DEFAULT, "line 1", "expected 2");
	expect_bad("0\n", RATE_TRACE_RPS, "line 1", "expected 2");
	expect_bad("10\nx\n", RATE_TRACE_COUNTS, "line 2", "not a number");
	expect_bad("10\n-1\n", RATE_TRACE_COUNTS, "line 2", "negative");
	expect_bad("2026-01-05,a,7\n", RATE_TRACE_COUNTS, "line 1", "3 fields");
	expect_bad("time,rps\n", RATE_TRACE_VALUES_DEFAULT, NULL, "no data rows");
	expect_bad("", RATE_TRACE_COUNTS, NULL, "no data rows");
	/* timestamps that are not */
	expect_bad("Timestamp,Sum\n2025-05-12T10:00:00Z,5\nbanana,7\n", RATE_TRACE_VALUES_DEFAULT,
		   "line 3", "time \"banana\" is not a time (accepted: an ISO 8601 timestamp");
	expect_bad("2025-05-12T10:00:00,5\n", RATE_TRACE_VALUES_DEFAULT, "line 1",
		   "has no time zone");
	expect_bad("2025-02-29T10:00:00Z,5\n", RATE_TRACE_VALUES_DEFAULT, "line 1",
		   "is not a real date and time");
	expect_bad("2025-05-12T10:00:00+25:00,5\n", RATE_TRACE_VALUES_DEFAULT, "line 1",
		   "is not a time");
	expect_bad("2025-05-12T10:00:00Z,5\n2025-05-12T10:05:00Z,-2\n", RATE_TRACE_VALUES_DEFAULT,
		   "line 2", "value -2 is negative");
	/* every row alike */
	expect_bad("1747044000,5\n300,5\n", RATE_TRACE_VALUES_DEFAULT, "line 2",
		   "has a time from the start but line 1 has a timestamp");
	expect_bad("Timestamp,Value,Unit\n2025-05-12T10:00:00Z,5\n", RATE_TRACE_VALUES_DEFAULT,
		   "line 2", "2 fields, expected 3 as in the header");
	expect_bad("Timestamp,Unit,Region\n2025-05-12T10:00:00Z,Count,x\n",
		   RATE_TRACE_VALUES_DEFAULT, "line 1", "the header names no value column");
	/* one row cannot show its period */
	expect_bad("2025-05-12T10:00:00Z,5\n", RATE_TRACE_VALUES_DEFAULT, NULL,
		   "one row cannot show the period");
}

static void test_errors_collected(void **state)
{
	(void)state;
	struct rate_trace t;
	struct diag d;
	diag_init(&d);
	assert_int_equal(read_text("0,1\nx,2\n60,-1\n120,y\n", ".csv", &defaults, &t, &d),
			 SPOTSIM_EINVAL);
	assert_int_equal(d.errors, 3);
	assert_int_equal(rate_trace_read(&t, "/nonexistent/trace.csv", &defaults, &d),
			 SPOTSIM_ENOENT);
	assert_int_equal(d.errors, 4);
	assert_null(t.points);
	rate_trace_release(&t);
	diag_release(&d);
}

/* ---- times ---- */

static void test_time_forms(void **state)
{
	(void)state;
	/* one instant, 2025-05-12T10:00:00Z, written six ways, then 5 minutes later */
	const char *forms[] = {"2025-05-12T10:00:00Z",
			       "2025-05-12T12:00:00+02:00",
			       "2025-05-12T05:00:00-0500",
			       "2025-05-12 10:00:00.000Z",
			       "1747044000",
			       "1747044000.0"};
	for (size_t i = 0; i < sizeof(forms) / sizeof(forms[0]); i++) {
		char text[160];
		struct rate_trace t;
		struct diag d;
		diag_init(&d);
		snprintf(text, sizeof(text), "time,value\n%s,600\n1747044300.5,0\n", forms[i]);
		/* a gap of 300.5 s: read with a period of 0.5 s */
		struct rate_trace_options o = defaults;
		o.period = SIM_SEC / 2;
		int rc = read_text(text, ".csv", &o, &t, &d);
		if (rc)
			print_diag(&d);
		assert_int_equal(rc, 0);
		assert_true(t.timestamps);
		assert_true(t.points[0].at == T0_2025_05_12_10H * SIM_SEC);
		assert_true(rate_trace_start(&t) == T0_2025_05_12_10H);
		assert_true(t.points[0].rps == 1200); /* 600 requests in half a second */
		assert_true(t.end == (T0_2025_05_12_10H + 301) * SIM_SEC);
		rate_trace_release(&t);
		diag_release(&d);
	}
}

/* ---- CloudWatch exports ---- */

/* The 300-second export, newest first with gaps, in its three forms: the same trace. */
static void test_three_forms_one_trace(void **state)
{
	(void)state;
	const char *files[] = {FIXTURES "requests-300s.csv", FIXTURES "get-metric-data.json",
			       FIXTURES "get-metric-statistics.json"};
	struct rate_trace t[3];
	for (int i = 0; i < 3; i++) {
		read_ok(files[i], &defaults, &t[i]);
		assert_true(t[i].timestamps && !t[i].repeat && !t[i].steps);
		assert_true(t[i].period == 5 * SIM_MIN);
		assert_int_equal(t[i].rows, 68);
		assert_int_equal(t[i].missing, 4);
		assert_true(t[i].points[0].at == T0_2025_05_12_10H * SIM_SEC);
		assert_true(t[i].end == (T0_2025_05_12_10H + 6 * 3600) * SIM_SEC);
	}
	for (int i = 1; i < 3; i++) {
		assert_int_equal(t[i].npoints, t[0].npoints);
		for (size_t k = 0; k < t[0].npoints; k++) {
			assert_true(t[i].points[k].at == t[0].points[k].at);
			assert_true(t[i].points[k].rps == t[0].points[k].rps);
		}
	}
	/* the gaps are points of 0: 3 gaps, 4 periods */
	assert_int_equal(t[0].npoints, 68 + 3);
	for (int i = 0; i < 3; i++)
		rate_trace_release(&t[i]);
}

static void test_note_and_warning(void **state)
{
	(void)state;
	struct rate_trace t;
	struct diag d;
	diag_init(&d);
	assert_int_equal(rate_trace_read(&t, FIXTURES "requests-300s.csv", &defaults, &d), 0);
	assert_int_equal(d.nr, 1);
	char *line = diag_line(&d, 0);
	assert_string_equal(line, FIXTURES "requests-300s.csv: 68 counts, one per 5m (the most "
					   "common gap between rows), from 2025-05-12T10:00:00Z "
					   "to 2025-05-12T16:00:00Z; 4 missing periods read as "
					   "no requests");
	free(line);
	rate_trace_release(&t);
	/* a given period shorter than the rows' spacing is allowed, with a warning */
	struct rate_trace_options o = defaults;
	o.period = SIM_MIN;
	assert_int_equal(rate_trace_read(&t, FIXTURES "requests-300s.csv", &o, &d), 0);
	expect_says(&d, "warning: the rows are mostly 5m apart but \"period\" is 1m");
	assert_true(t.points[0].rps == 15); /* the first count, 900, over one minute */
	rate_trace_release(&t);
	diag_release(&d);
}

static void test_metric_data_shapes(void **state)
{
	(void)state;
	struct rate_trace_options o = defaults;
	struct rate_trace t;
	struct diag d;
	diag_init(&d);
	const char *two = "{\"MetricDataResults\": ["
			  "{\"Id\": \"req\", \"Timestamps\": [1747044060, 1747044000], \"Values\": "
			  "[120, 60], \"StatusCode\": \"Complete\"},"
			  "{\"Id\": \"err\", \"Timestamps\": [1747044000], \"Values\": [1], "
			  "\"StatusCode\": \"Complete\"}]}";
	assert_true(read_text(two, ".json", &o, &t, &d) < 0);
	expect_says(&d, "MetricDataResults: holds 2 queries, Ids \"req\", \"err\" (accepted: "
			"one, or \"id\" in the scenario to pick one)");
	o.id = "req";
	assert_int_equal(read_text(two, ".json", &o, &t, &d), 0);
	assert_true(t.period == SIM_MIN && t.points[0].rps == 1 && t.points[1].rps == 2);
	rate_trace_release(&t);
	o.id = "nope";
	assert_true(read_text(two, ".json", &o, &t, &d) < 0);
	expect_says(&d, "MetricDataResults: has no result with Id \"nope\"");
	/* a bare result, its last page partial */
	o.id = NULL;
	assert_int_equal(read_text("{\"Id\": \"r\", \"Timestamps\": [\"2025-05-12T10:01:00Z\", "
				   "\"2025-05-12T10:00:00Z\"], \"Values\": [6, 6], \"StatusCode\": "
				   "\"PartialData\"}",
				   ".json", &o, &t, &d),
			 0);
	rate_trace_release(&t);
	assert_int_equal(read_text("{\"MetricDataResults\": [{\"Id\": \"r\", \"Timestamps\": "
				   "[60, 0], \"Values\": [6, 6], \"StatusCode\": "
				   "\"PartialData\"}], \"NextToken\": \"abc\"}",
				   ".json", &o, &t, &d),
			 0);
	expect_says(&d, "warning: MetricDataResults[0] (Id \"r\") is PartialData");
	rate_trace_release(&t);
	/* bad entries are named by their JSON path */
	diag_release(&d);
	diag_init(&d);
	assert_true(read_text("{\"MetricDataResults\": [{\"Id\": \"r\", \"Timestamps\": "
			      "[\"banana\", 60, 120], \"Values\": [1, -1, \"x\"]}]}",
			      ".json", &o, &t, &d) < 0);
	expect_says(&d, "MetricDataResults[0].Timestamps[0]: \"banana\" is not a time");
	expect_says(&d, "MetricDataResults[0].Values[1]: -1 is negative or not finite");
	expect_says(&d, "MetricDataResults[0].Values[2]: is a string");
	assert_true(read_text("{\"MetricDataResults\": [{\"Id\": \"r\", \"Timestamps\": [0, 60], "
			      "\"Values\": [1]}]}",
			      ".json", &o, &t, &d) < 0);
	expect_says(&d, "MetricDataResults[0].Values: has 1 values for 2 timestamps");
	assert_true(read_text("{\"Alarms\": []}", ".json", &o, &t, &d) < 0);
	expect_says(&d, "is not CloudWatch output");
	diag_release(&d);
}

static void test_metric_statistics_values(void **state)
{
	(void)state;
	struct rate_trace_options o = defaults;
	struct rate_trace t;
	struct diag d;
	diag_init(&d);
	/* Average x SampleCount stands in for a missing Sum; a bare Datapoints array */
	const char *avg = "[{\"Timestamp\": \"2025-05-12T10:05:00Z\", \"Average\": 40, "
			  "\"SampleCount\": 3, \"Maximum\": 90},"
			  "{\"Timestamp\": \"2025-05-12T10:00:00Z\", \"Sum\": 60, \"Maximum\": 7}]";
	assert_int_equal(read_text(avg, ".json", &o, &t, &d), 0);
	assert_true(t.points[0].rps == 60.0 / 300 && t.points[1].rps == 120.0 / 300);
	expect_says(&d, "2 counts (Sum, 1 from Average x SampleCount)");
	rate_trace_release(&t);
	o.statistic = "Maximum";
	o.values = RATE_TRACE_RPS;
	assert_int_equal(read_text(avg, ".json", &o, &t, &d), 0);
	assert_true(t.points[0].rps == 7 && t.points[1].rps == 90);
	rate_trace_release(&t);
	o.statistic = NULL;
	o.values = RATE_TRACE_VALUES_DEFAULT;
	assert_true(read_text("{\"Datapoints\": [{\"Timestamp\": 0, \"SampleCount\": 5}]}", ".json",
			      &o, &t, &d) < 0);
	expect_says(&d, "Datapoints[0]: has no Sum (accepted: datapoints with Sum");
	o.id = "x";
	assert_true(read_text(avg, ".json", &o, &t, &d) < 0);
	expect_says(&d, "\"id\" picks a get-metric-data result");
	diag_release(&d);
}

/* ---- malformed exports ---- */

static void test_duplicate_and_period(void **state)
{
	(void)state;
	struct rate_trace t;
	struct diag d;
	diag_init(&d);
	assert_true(read_text("Timestamp,Sum\n2025-05-12T10:05:00Z,5\n2025-05-12T10:00:00Z,"
			      "5\n2025-05-12T12:05:00+02:00,7\n",
			      ".csv", &defaults, &t, &d) < 0);
	expect_says(&d, "line 4: time 2025-05-12T10:05:00Z is also at line 2 (accepted: each "
			"time once)");
	diag_release(&d);
	diag_init(&d);
	/* 5-minute rows, one 7m30s after its predecessor */
	assert_true(read_text("1747044000,1\n1747044300,1\n1747044600,1\n1747045050,1\n", ".csv",
			      &defaults, &t, &d) < 0);
	assert_int_equal(d.errors, 1);
	expect_says(&d, "line 4: time 2025-05-12T10:17:30Z is 7m30s after the previous row's "
			"(line 3), not a whole number of periods of 5m");
	diag_release(&d);
}

static void test_missing_error(void **state)
{
	(void)state;
	struct rate_trace_options o = defaults;
	struct rate_trace t;
	struct diag d;
	diag_init(&d);
	o.missing = RATE_TRACE_MISSING_ERROR;
	assert_int_equal(rate_trace_read(&t, FIXTURES "requests-300s.csv", &o, &d), SPOTSIM_EINVAL);
	assert_int_equal(d.errors, 3);
	expect_says(&d, "requests-300s.csv: line 59: 2 periods of 5m are missing before time "
			"2025-05-12T11:00:00Z (after line 60) (accepted: a row for every period, "
			"or \"missing\": \"zero\" to read them as no requests)");
	expect_says(&d, "1 period of 5m is missing before time 2025-05-12T13:25:00Z");
	diag_release(&d);
}

static void test_alignment(void **state)
{
	(void)state;
	struct rate_trace t;
	struct rate_shape r;
	struct diag d;
	diag_init(&d);
	read_ok(FIXTURES "requests-300s.csv", &defaults, &t);
	/* a scenario that starts 32.5 minutes in reads the trace from there, then 0 */
	int64_t start = T0_2025_05_12_10H + 1950;
	shape_ok(&t, start, SIM_DAY, &r);
	assert_true(r.trace_period == 0);
	for (sim_time s = 0; s < 7 * SIM_HOUR; s += 17 * SIM_SEC) {
		sim_time abs = start * SIM_SEC + s;
		struct rate_shape whole = {
		    .kind = RATE_TRACE, .points = t.points, .npoints = t.npoints};
		double want = abs >= t.end ? 0 : rate_shape_at(&whole, abs, 0);
		assert_true(rate_shape_at(&r, s, 0) == want);
	}
	rate_shape_release(&r);
	/* with repeat: copies of the 6 hours laid end to end from the first timestamp */
	t.repeat = true;
	shape_ok(&t, start, 3 * SIM_DAY, &r);
	assert_true(r.trace_period == 6 * SIM_HOUR);
	for (sim_time s = 0; s < 2 * SIM_DAY; s += 61 * SIM_SEC) {
		sim_time abs = start * SIM_SEC + s;
		sim_time in = t.points[0].at + (abs - t.points[0].at) % (6 * SIM_HOUR);
		struct rate_shape whole = {
		    .kind = RATE_TRACE, .points = t.points, .npoints = t.npoints};
		if (rate_shape_at(&r, s, 0) != rate_shape_at(&whole, in, 0))
			fail_msg("s %lld: %g != %g at %lld", (long long)s, rate_shape_at(&r, s, 0),
				 rate_shape_at(&whole, in, 0), (long long)(in - t.points[0].at));
	}
	rate_shape_release(&r);
	/* a scenario that starts an hour early: 0 first, with a note */
	t.repeat = false;
	memset(&r, 0, sizeof(r));
	r.kind = RATE_TRACE;
	assert_int_equal(rate_trace_shape(&t, T0_2025_05_12_10H - 3600, SIM_DAY, &r, &d), 0);
	assert_true(rate_shape_at(&r, 59 * SIM_MIN, 0) == 0);
	assert_true(rate_shape_at(&r, SIM_HOUR, 0) == t.points[0].rps);
	expect_says(&d, "the trace starts at 2025-05-12T10:00:00Z, 1h after the scenario does: "
			"no requests before it");
	expect_says(&d, "the trace ends at 2025-05-12T16:00:00Z, 17h before the scenario does");
	rate_shape_release(&r);
	/* no overlap at all */
	assert_int_equal(rate_trace_shape(&t, INT64_C(1767571200), SIM_DAY, &r, &d),
			 SPOTSIM_EINVAL);
	expect_says(&d, "requests-300s.csv: the trace covers 2025-05-12T10:00:00Z to "
			"2025-05-12T16:00:00Z, which does not overlap the scenario's "
			"2026-01-05T00:00:00Z to 2026-01-06T00:00:00Z (accepted: a scenario "
			"\"start\" within the trace, or \"start\": \"trace\")");
	assert_null(r.points);
	rate_trace_release(&t);
	diag_release(&d);
}

/* ---- many problems, and files that are not ---- */

static void test_million_bad_rows(void **state)
{
	(void)state;
	char *path = testutil_write_temp("Timestamp,Sum\n", ".csv");
	FILE *f = fopen(path, "a");
	assert_non_null(f);
	for (int i = 0; i < 1000000; i++)
		fputs("banana,1\n", f);
	fclose(f);
	struct rate_trace t;
	struct diag d;
	diag_init(&d);
	assert_int_equal(rate_trace_read(&t, path, &defaults, &d), SPOTSIM_EINVAL);
	assert_int_equal(d.nr, 11);
	char *last = diag_line(&d, 10),
	     *want = xasprintf("... and 999,990 more problems in %s", path);
	assert_string_equal(last, want);
	expect_says(&d, "line 2: time \"banana\" is not a time");
	expect_says(&d, "line 11: time \"banana\" is not a time");
	free(last);
	free(want);
	diag_release(&d);
	unlink(path);
	free(path);
}

static void test_not_regular_files(void **state)
{
	(void)state;
	char dir[64];
	struct rate_trace t;
	struct diag d;
	diag_init(&d);
	assert_true(testutil_make_dir(dir, sizeof(dir), "rate-trace"));
	char *fifo = testutil_path_in(dir, "fifo.csv"), *big = testutil_path_in(dir, "big.csv");
	assert_int_equal(mkfifo(fifo, 0600), 0);
	/* a FIFO without a writer: refused at once, not waited on */
	assert_int_equal(rate_trace_read(&t, fifo, &defaults, &d), SPOTSIM_EIO);
	expect_says(&d, "fifo.csv: is a FIFO, device or socket, not a regular file (accepted: a "
			"regular file of at most 64 MiB)");
	assert_int_equal(rate_trace_read(&t, dir, &defaults, &d), SPOTSIM_EIO);
	expect_says(&d, ": is a folder (accepted: a regular file of at most 64 MiB)");
	int fd = open(big, O_WRONLY | O_CREAT, 0600);
	assert_true(fd >= 0);
	assert_int_equal(ftruncate(fd, (off_t)RATE_TRACE_MAX_BYTES + 1), 0);
	close(fd);
	assert_int_equal(rate_trace_read(&t, big, &defaults, &d), SPOTSIM_EIO);
	expect_says(&d, "big.csv: is larger than the limit of 64 MiB");
	assert_null(t.points);
	free(fifo);
	free(big);
	testutil_remove_tree(dir);
	diag_release(&d);
}

/* ---- in a scenario ---- */

#define SCENARIO_HEAD                                                                              \
	"{\"taskDefinition\": {\"cpu\": \"1024\", \"memory\": \"2048\"}, \"service\": "            \
	"{\"desiredCount\": 2, \"capacityProviderStrategy\": [{\"capacityProvider\": "             \
	"\"FARGATE\", \"weight\": 1}]}, "

static int load_scenario(struct scenario *sc, const char *rest, struct diag *d)
{
	char *text = xasprintf(SCENARIO_HEAD "%s}", rest);
	char *path = testutil_write_temp(text, ".json");
	int rc = scenario_load(sc, path, d);
	unlink(path);
	free(path);
	free(text);
	return rc;
}

static void test_scenario_start(void **state)
{
	(void)state;
	struct scenario sc;
	struct diag d;
	char cwd[512];
	assert_non_null(getcwd(cwd, sizeof(cwd)));
	char *rest = xasprintf(
	    "\"start\": \"trace\", \"duration\": \"6h\", \"workload\": "
	    "{\"rate\": {\"kind\": \"trace\", \"file\": "
	    "\"%s/" FIXTURES
	    "get-metric-statistics.json\"}, \"type\": \"requests\", \"service_time\": \"50ms\"}",
	    cwd);
	diag_init(&d);
	int rc = load_scenario(&sc, rest, &d);
	if (rc)
		print_diag(&d);
	assert_int_equal(rc, 0);
	assert_string_equal(sc.start, "2025-05-12T10:00:00Z");
	assert_true(sc.start_unix == T0_2025_05_12_10H);
	assert_true(sc.rate.trace_period == 0 && sc.rate.points[0].at == 0);
	assert_false(diag_says(&d, "ends at")); /* the trace lasts as long as the scenario */
	scenario_release(&sc);
	free(rest);
	/* "start": "trace" needs a trace with timestamps */
	rest = xasprintf(
	    "\"start\": \"trace\", \"workload\": {\"type\": \"requests\", "
	    "\"service_time\": \"50ms\", \"rate\": {\"kind\": \"constant\", \"rps\": 1}}");
	assert_int_equal(load_scenario(&sc, rest, &d), SPOTSIM_EINVAL);
	expect_says(&d, "start: \"trace\" needs a workload.rate of kind \"trace\"");
	scenario_release(&sc);
	free(rest);
	diag_release(&d);
}

static void test_scenario_fifo(void **state)
{
	(void)state;
	char dir[64];
	struct scenario sc;
	struct diag d;
	diag_init(&d);
	assert_true(testutil_make_dir(dir, sizeof(dir), "rate-trace"));
	char *fifo = testutil_path_in(dir, "load.csv");
	assert_int_equal(mkfifo(fifo, 0600), 0);
	char *rest =
	    xasprintf("\"workload\": {\"rate\": {\"kind\": \"trace\", \"file\": \"%s\"}}", fifo);
	assert_int_equal(load_scenario(&sc, rest, &d), SPOTSIM_EINVAL);
	char *want = xasprintf("workload.rate.file: \"%s\" is a FIFO, device or socket, not a "
			       "file (accepted: a regular file of at most 64 MiB)",
			       fifo);
	expect_says(&d, want);
	scenario_release(&sc);
	free(want);
	free(rest);
	free(fifo);
	testutil_remove_tree(dir);
	diag_release(&d);
}

/* ---- a replication replays the trace's requests ---- */

/* The sum of the last column of a CSV file with a header. */
static double csv_sum(const char *path)
{
	FILE *f = fopen(path, "r");
	char line[256];
	double sum = 0;
	assert_non_null(f);
	assert_non_null(fgets(line, sizeof(line), f)); /* the header */
	while (fgets(line, sizeof(line), f))
		sum += strtod(strrchr(line, ',') + 1, NULL);
	fclose(f);
	return sum;
}

static double run_requests(const char *scenario)
{
	struct scenario sc;
	struct price_table prices;
	struct run_metrics m;
	struct diag d;
	diag_init(&d);
	pricing_init(&prices);
	int rc = scenario_load(&sc, scenario, &d);
	if (rc == 0)
		rc = pricing_load(&prices, "data/pricing.csv", &d);
	if (rc == 0)
		rc = replication_run(&sc, &prices, 0, NULL, &m, &d);
	if (rc)
		print_diag(&d);
	assert_int_equal(rc, 0);
	assert_true(m.dropped_fraction < 1e-9); /* a fleet that serves everything */
	scenario_release(&sc);
	pricing_release(&prices);
	diag_release(&d);
	return m.requests;
}

static void test_replication_requests(void **state)
{
	(void)state;
	double sum = csv_sum(FIXTURES "requests-300s.csv");
	assert_true(sum == csv_sum(FIXTURES "requests-60s.csv"));
	double at300 = run_requests(FIXTURES "requests-300s.json");
	double at60 = run_requests(FIXTURES "requests-60s.json");
	if (!(fabs(at300 - sum) <= 1e-9 * sum) || !(fabs(at60 - sum) <= 1e-9 * sum))
		fail_msg("requests %.17g (300 s) and %.17g (60 s), trace sum %.17g", at300, at60,
			 sum);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_steps_rps),
	    cmocka_unit_test(test_counts_per_row),
	    cmocka_unit_test(test_bad_rows),
	    cmocka_unit_test(test_errors_collected),
	    cmocka_unit_test(test_time_forms),
	    cmocka_unit_test(test_three_forms_one_trace),
	    cmocka_unit_test(test_note_and_warning),
	    cmocka_unit_test(test_metric_data_shapes),
	    cmocka_unit_test(test_metric_statistics_values),
	    cmocka_unit_test(test_duplicate_and_period),
	    cmocka_unit_test(test_missing_error),
	    cmocka_unit_test(test_alignment),
	    cmocka_unit_test(test_million_bad_rows),
	    cmocka_unit_test(test_not_regular_files),
	    cmocka_unit_test(test_scenario_start),
	    cmocka_unit_test(test_scenario_fifo),
	    cmocka_unit_test(test_replication_requests),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
