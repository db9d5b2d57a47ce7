/*
 * Tests of the report: the CSV files of a run and their atomic writing,
 * driven by a fake sequence of rows through the sink, by failure mode:
 * files under a final name only after commit, nothing left after an abort
 * or a failed commit, folders that cannot be created, CSV quoting, NAN and
 * time formats, and the summary text; then summary.csv, comparison.csv and
 * the ranking of small hand-made experiments whose statistics are worked
 * out in the comments.
 */

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "testutil.h"

#include <dirent.h>
#include <inttypes.h>
#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "spotsim/util/csvio.h"
#include "spotsim/util/error.h"
#include "spotsim/output/report.h"
#include "spotsim/util/strbuf.h"
#include "spotsim/util/xalloc.h"

#define START_2026_01_05 1767571200 /* 2026-01-05T00:00:00Z */

#define TS_HEADER                                                                                  \
	"variant,t_s,time,load_rps,desired,running_fargate,running_spot,pending_fargate,"          \
	"pending_spot,draining,cpu_pct,mem_pct,dropped,p95_ms,backlog,cost_usd_cum,"               \
	"spot_available\n"
#define EV_HEADER "variant,t_s,event,task_id,provider,detail\n"

/* Each test gets a fresh folder; `out` is a folder below it that does not exist yet. */
struct fixture {
	char root[64];
	char out[128];
};

static int setup(void **state)
{
	struct fixture *fx = xcalloc(1, sizeof(*fx));
	if (!testutil_make_dir(fx->root, sizeof(fx->root), "report")) {
		free(fx);
		return -1;
	}
	snprintf(fx->out, sizeof(fx->out), "%s/out/web", fx->root);
	*state = fx;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *fx = *state;
	int rc = testutil_remove_tree(fx->root);
	free(fx);
	return rc;
}

/* Entries of `dir` (without . and ..): all, and those whose name starts with '.'. */
static void count_entries(const char *dir, int *all, int *hidden)
{
	DIR *dp = opendir(dir);
	struct dirent *e;

	*all = *hidden = 0;
	assert_non_null(dp);
	while ((e = readdir(dp))) {
		if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
			continue;
		(*all)++;
		if (e->d_name[0] == '.')
			(*hidden)++;
	}
	closedir(dp);
}

static char *slurp(const char *dir, const char *name)
{
	char *p = testutil_path_in(dir, name);
	FILE *f = fopen(p, "r");
	struct strbuf sb = STRBUF_INIT;
	char buf[4096];
	size_t n;

	if (!f)
		fail_msg("cannot read %s", p);
	while ((n = fread(buf, 1, sizeof(buf), f)) > 0)
		strbuf_add(&sb, buf, n);
	fclose(f);
	free(p);
	return strbuf_detach(&sb);
}

static void write_file(const char *dir, const char *name, const char *text)
{
	char *p = testutil_path_in(dir, name);
	FILE *f = fopen(p, "w");
	assert_non_null(f);
	fputs(text, f);
	fclose(f);
	free(p);
}

static struct minute_row minute(sim_time t)
{
	struct minute_row m = {
	    .t = t,
	    .load_rps = 12.5,
	    .desired = 4,
	    .running = {2, 1},
	    .pending = {0, 1},
	    .draining = 0,
	    .cpu_pct = 41.25,
	    .mem_pct = 20,
	    .dropped = 0,
	    .p95_ms = 83.5,
	    .backlog = 0,
	    .cost_usd_cum = 0.0125,
	    .spot_available = true,
	};
	return m;
}

/* A short fake run: `minutes` minute rows and one event per minute. */
static void fake_run(struct report *r, int minutes)
{
	struct run_sink sink;

	report_sink(r, &sink);
	for (int i = 1; i <= minutes; i++) {
		struct minute_row m = minute(i * SIM_MIN);
		struct event_row e = {i * SIM_MIN, "RUNNING", i, "FARGATE", "reason=scale-out"};
		sink.event(sink.ctx, &e);
		sink.minute(sink.ctx, &m);
	}
}

static struct run_metrics metrics(double cost)
{
	struct run_metrics m = {0};
	m.cost_usd = cost;
	m.cost_fargate_usd = cost * 0.75;
	m.cost_spot_usd = cost * 0.25;
	m.cost_per_million_requests_usd = NAN;
	m.availability = 0.995;
	m.p95_latency_s = 0.0835;
	m.interruptions = 3;
	m.mean_running_tasks = 4;
	/* a request service: the queue metrics do not apply */
	m.jobs_completed = m.mean_job_latency_s = m.p95_job_latency_s = NAN;
	m.lost_work_hours = m.max_backlog = NAN;
	m.jobs_rerun = m.jobs_finished_after_notice = NAN;
	m.outage_seconds = 95;
	m.tasks_launched_per_hour = 0.25;
	m.billed_vcpu_hours = 12.5;
	/* no Savings Plan */
	m.savings_plan_cost_usd = m.cost_with_savings_plan_usd = NAN;
	m.savings_plan_utilization = m.savings_plan_coverage = NAN;
	m.monthly_cost_with_savings_plan_usd = NAN;
	return m;
}

static struct report *open_ok(const char *dir, int64_t start)
{
	struct report *r = NULL;
	struct diag d;
	diag_init(&d);
	assert_int_equal(report_open(&r, dir, start, &d), 0);
	assert_int_equal(d.nr, 0);
	diag_release(&d);
	assert_non_null(r);
	return r;
}

static void assert_empty_folder(const char *dir)
{
	int all, hidden;
	count_entries(dir, &all, &hidden);
	assert_int_equal(all, 0);
}

/* --- atomicity ------------------------------------------------------------------------- */

static void test_files_appear_only_at_commit(void **state)
{
	struct fixture *fx = *state;
	struct report *r = open_ok(fx->out, START_2026_01_05);
	struct run_metrics m = metrics(10);
	struct diag d;
	int all, hidden;

	count_entries(fx->out, &all, &hidden);
	assert_int_equal(all, 1);
	assert_int_equal(hidden, 1); /* the staging folder, and nothing else */
	fake_run(r, 5);
	report_replication(r, "", 0, 42, &m);
	assert_false(testutil_exists(fx->out, "timeseries.csv"));
	assert_false(testutil_exists(fx->out, "events.csv"));
	assert_false(testutil_exists(fx->out, "replications.csv"));

	diag_init(&d);
	assert_int_equal(report_commit(r, &d), 0);
	assert_int_equal(d.nr, 0);
	diag_release(&d);
	count_entries(fx->out, &all, &hidden);
	assert_int_equal(all, 5);
	assert_int_equal(hidden, 0);
	assert_true(testutil_exists(fx->out, "timeseries.csv"));
	assert_true(testutil_exists(fx->out, "events.csv"));
	assert_true(testutil_exists(fx->out, "replications.csv"));
	assert_true(testutil_exists(fx->out, "summary.csv"));
	assert_true(testutil_exists(fx->out, "comparison.csv"));
	report_free(r);
	count_entries(fx->out, &all, &hidden);
	assert_int_equal(all, 5); /* freeing a committed report keeps its files */
}

/* The only entry of `dir` (fails when there is not exactly one), owned. */
static char *only_entry(const char *dir)
{
	DIR *dp = opendir(dir);
	struct dirent *e;
	char *name = NULL;

	assert_non_null(dp);
	while ((e = readdir(dp)))
		if (strcmp(e->d_name, ".") && strcmp(e->d_name, "..")) {
			assert_null(name);
			name = xstrdup(e->d_name);
		}
	closedir(dp);
	assert_non_null(name);
	return name;
}

/* The files are written in one staging folder ".spotsim-tmp.PID.RANDOM", a new name each time. */
static void test_temporary_names(void **state)
{
	struct fixture *fx = *state;
	struct report *r = open_ok(fx->out, 0);
	char prefix[64], *first, *second, *staging;
	struct stat st;

	snprintf(prefix, sizeof(prefix), ".spotsim-tmp.%ld.", (long)getpid());
	first = only_entry(fx->out);
	assert_int_equal(strncmp(first, prefix, strlen(prefix)), 0);
	assert_int_equal(strlen(first), strlen(prefix) + 12);
	staging = testutil_path_in(fx->out, first);
	assert_int_equal(lstat(staging, &st), 0);
	assert_true(S_ISDIR(st.st_mode));
	assert_int_equal(st.st_mode & 0777, 0700); /* private */
	free(staging);
	report_free(r);
	r = open_ok(fx->out, 0);
	second = only_entry(fx->out);
	assert_string_not_equal(first, second);
	report_free(r);
	free(first);
	free(second);
}

static void test_abort_leaves_nothing(void **state)
{
	struct fixture *fx = *state;
	struct report *r = open_ok(fx->out, 0);
	struct run_metrics m = metrics(1);

	fake_run(r, 3);
	report_replication(r, "", 0, 1, &m);
	report_abort(r);
	assert_empty_folder(fx->out);
	report_abort(r); /* idempotent */
	report_free(r);
	assert_empty_folder(fx->out);
	report_abort(NULL);
	report_free(NULL);
}

static void test_free_without_commit_aborts(void **state)
{
	struct fixture *fx = *state;
	struct report *r = open_ok(fx->out, 0);

	fake_run(r, 2);
	report_free(r);
	assert_empty_folder(fx->out);
}

static void test_signal_path_removes_temps(void **state)
{
	struct fixture *fx = *state;
	struct report *r = open_ok(fx->out, 0);
	struct diag d;

	fake_run(r, 2);
	report_remove_temps();
	assert_empty_folder(fx->out);
	/* a commit after that cannot produce files */
	diag_init(&d);
	assert_int_equal(report_commit(r, &d), SPOTSIM_EIO);
	assert_true(diag_failed(&d));
	diag_release(&d);
	assert_empty_folder(fx->out);
	report_free(r);
}

static void test_abort_keeps_earlier_run(void **state)
{
	struct fixture *fx = *state;
	struct report *r = open_ok(fx->out, 0);
	char *text;

	report_free(r);
	write_file(fx->out, "timeseries.csv", "earlier run\n");
	r = open_ok(fx->out, 0);
	fake_run(r, 4);
	report_abort(r);
	report_free(r);
	text = slurp(fx->out, "timeseries.csv");
	assert_string_equal(text, "earlier run\n");
	free(text);
}

static void test_failed_commit_leaves_no_final_file(void **state)
{
	struct fixture *fx = *state;
	struct report *r = open_ok(fx->out, 0);
	char *busy = testutil_path_in(fx->out, "events.csv");
	struct diag d;
	char *line;
	int all, hidden;

	/* a folder where events.csv must go: its rename fails after timeseries.csv's */
	assert_int_equal(mkdir(busy, 0777), 0);
	fake_run(r, 2);
	diag_init(&d);
	assert_int_equal(report_commit(r, &d), SPOTSIM_EIO);
	assert_int_equal(d.nr, 1);
	line = diag_line(&d, 0);
	assert_non_null(strstr(line, "events.csv: cannot rename the finished file: "));
	free(line);
	diag_release(&d);
	count_entries(fx->out, &all, &hidden);
	assert_int_equal(all, 1); /* only the folder in the way */
	assert_int_equal(hidden, 0);
	report_free(r);
	rmdir(busy);
	free(busy);
}

/* --- folders that cannot be used ---------------------------------------------------- */

static void assert_open_fails(const char *dir, const char *want)
{
	struct report *r = (struct report *)&r; /* not NULL: must be cleared */
	struct diag d;
	char *line;

	diag_init(&d);
	assert_int_not_equal(report_open(&r, dir, 0, &d), 0);
	assert_null(r);
	assert_int_equal(d.nr, 1);
	line = diag_line(&d, 0);
	assert_string_equal(line, want);
	free(line);
	diag_release(&d);
}

static void test_folder_under_regular_file(void **state)
{
	struct fixture *fx = *state;
	char *dir = xasprintf("%s/plain/sub", fx->root);
	char *want = xasprintf("%s: cannot create folder: not a directory", dir);

	write_file(fx->root, "plain", "x\n");
	assert_open_fails(dir, want);
	free(want);
	free(dir);
	dir = xasprintf("%s/plain", fx->root); /* the folder itself is a file */
	want = xasprintf("%s: cannot create folder: not a directory", dir);
	assert_open_fails(dir, want);
	free(want);
	free(dir);
}

static void test_folder_in_proc(void **state)
{
	(void)state;
	assert_open_fails("/proc/nope",
			  "/proc/nope: cannot create folder: no such file or directory");
}

static void test_folder_path_too_long(void **state)
{
	char *dir = xmalloc(OUTDIR_PATH_MAX + 1);
	struct report *r;
	struct diag d;

	(void)state;
	memset(dir, 'a', OUTDIR_PATH_MAX);
	dir[OUTDIR_PATH_MAX] = '\0';
	diag_init(&d);
	assert_int_equal(report_open(&r, dir, 0, &d), SPOTSIM_ERANGE);
	assert_null(r);
	assert_true(diag_failed(&d));
	diag_release(&d);
	free(dir);
	assert_open_fails("", "empty folder path (accepted: a folder path of 1 to 3968 bytes)");
}

static void test_mkdir_p_and_trailing_slash(void **state)
{
	struct fixture *fx = *state;
	char *dir = xasprintf("%s/a//b/c/", fx->root);
	struct report *r = open_ok(dir, 0);
	char *want = xasprintf("%s/a//b/c", fx->root);
	struct diag d;

	assert_string_equal(report_dir(r), want);
	diag_init(&d);
	assert_int_equal(report_commit(r, &d), 0);
	diag_release(&d);
	assert_true(testutil_exists(want, "events.csv"));
	report_free(r);
	free(want);
	free(dir);
}

/* --- contents ---------------------------------------------------------------------- */

static char *commit_and_read(struct report *r, const char *dir, const char *name)
{
	struct diag d;
	diag_init(&d);
	assert_int_equal(report_commit(r, &d), 0);
	diag_release(&d);
	report_free(r);
	return slurp(dir, name);
}

static void test_timeseries_time_column(void **state)
{
	struct fixture *fx = *state;
	struct report *r = open_ok(fx->out, START_2026_01_05);
	struct run_sink sink;
	struct minute_row m = minute(90 * SIM_SEC);
	char *text;

	report_sink(r, &sink);
	sink.minute(sink.ctx, &m);
	m = minute(SIM_DAY + 250); /* not a whole second */
	sink.minute(sink.ctx, &m);
	text = commit_and_read(r, fx->out, "timeseries.csv");
	assert_string_equal(text, TS_HEADER
			    "base,90,2026-01-05T00:01:30Z,12.5,4,2,1,0,1,0,41.25,20,0,"
			    "83.5,0,0.012500,1\n"
			    "base,86400.000250,2026-01-06T00:00:00Z,12.5,4,2,1,0,1,0,41.25,"
			    "20,0,83.5,0,0.012500,1\n");
	free(text);
}

static void test_nan_is_an_empty_field(void **state)
{
	struct fixture *fx = *state;
	struct report *r = open_ok(fx->out, 0);
	struct run_sink sink;
	struct minute_row m = minute(SIM_MIN);
	char *text;

	m.cpu_pct = m.mem_pct = m.p95_ms = m.load_rps = NAN;
	m.dropped = -0.0;
	m.spot_available = false;
	report_sink(r, &sink);
	sink.minute(sink.ctx, &m);
	text = commit_and_read(r, fx->out, "timeseries.csv");
	assert_string_equal(text, TS_HEADER
			    "base,60,1970-01-01T00:01:00Z,,4,2,1,0,1,0,,,0,,0,0.012500,0\n");
	free(text);
}

static void test_number_formats_are_fixed(void **state)
{
	struct fixture *fx = *state;
	struct report *r = open_ok(fx->out, 0);
	struct run_sink sink;
	struct minute_row m = minute(30 * SIM_DAY);
	char *text;

	m.load_rps = 1234567.891;
	m.dropped = 123456789.5;
	m.backlog = 42;
	m.cost_usd_cum = 1234.5678915;
	m.desired = 5000;
	report_sink(r, &sink);
	sink.minute(sink.ctx, &m);
	text = commit_and_read(r, fx->out, "timeseries.csv");
	assert_string_equal(text,
			    TS_HEADER "base,2592000,1970-01-31T00:00:00Z,1.23457e+06,5000,2,1,0,1,"
				      "0,41.25,20,123456789.5,83.5,42,1234.567892,1\n");
	free(text);
}

static void test_event_quoting(void **state)
{
	struct fixture *fx = *state;
	struct report *r = open_ok(fx->out, 0);
	struct run_sink sink;
	struct event_row e1 = {1500250, "SPOT_INTERRUPTION", 7, "FARGATE_SPOT",
			       "notice=120s,reason=\"capacity\""};
	struct event_row e2 = {2 * SIM_MIN, "ALARM", 0, "", "name=cpu high;state=ALARM"};
	struct event_row e3 = {3 * SIM_MIN, "NOTE", 0, NULL, "line one\nline two"};
	char *text;

	report_set_variant(r, "spot, heavy");
	report_sink(r, &sink);
	sink.event(sink.ctx, &e1);
	sink.event(sink.ctx, &e2);
	sink.event(sink.ctx, &e3);
	text = commit_and_read(r, fx->out, "events.csv");
	assert_string_equal(text, EV_HEADER
			    "\"spot, heavy\",1.500250,SPOT_INTERRUPTION,7,FARGATE_SPOT,"
			    "\"notice=120s,reason=\"\"capacity\"\"\"\n"
			    "\"spot, heavy\",120.000000,ALARM,,,name=cpu high;state=ALARM\n"
			    "\"spot, heavy\",180.000000,NOTE,,,\"line one\nline two\"\n");
	free(text);
}

static void test_replications_columns(void **state)
{
	struct fixture *fx = *state;
	struct report *r = open_ok(fx->out, 0);
	struct run_metrics m0 = metrics(27.54756312), m1 = metrics(0.1);
	struct strbuf want = STRBUF_INIT;
	char *text;
	const char *row;

	report_replication(r, "", 0, 42, &m0);
	report_replication(r, "p=1", 1, UINT64_MAX, &m1);
	text = commit_and_read(r, fx->out, "replications.csv");
	strbuf_adds(&want, "variant,sweep,replication,seed");
	for (const struct metric_def *def = run_metric_defs; def->name; def++)
		strbuf_addf(&want, ",%s", def->name);
	strbuf_addch(&want, '\n');
	assert_memory_equal(text, want.buf, want.len);
	row = text + want.len;
	assert_memory_equal(row, "base,,0,42,27.54756312,", 23);
	row = strchr(row, '\n') + 1;
	assert_memory_equal(row, "base,p=1,1,18446744073709551615,0.1,", 36);
	/* cost_per_million_requests_usd (NAN) is the fourth metric: an empty field */
	assert_non_null(strstr(row, ",0.1,0.075,0.025,,"));
	assert_string_equal(strchr(row, '\n'), "\n");
	strbuf_release(&want);
	free(text);
}

/*
 * --- rows against printf ------------------------------------------------------------
 * The rows are assembled without printf; here a reference writer builds
 * them field by field with printf, strftime and csvio_write_field (the
 * formats report.h fixes) from random rows, and the files must match.
 */

static uint64_t rows_rng = 12345;

static uint64_t rows_next(void)
{
	uint64_t z = (rows_rng += 0x9e3779b97f4a7c15u);
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9u;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebu;
	return z ^ (z >> 31);
}

/* Awkward values: NAN, -0, ties, whole numbers, every magnitude, negatives. */
static double rows_double(void)
{
	static const double odd[] = {NAN,	-0.0,	0.0,	    0.5,   999999.5,
				     0.0000005, 1e-7,	1e21,	    -1e-9, 123456789.5,
				     1e15,	1.8e13, 0.00001234, 4e-7,  1234.5678915};
	uint64_t r = rows_next();
	double v;

	switch (r % 4) {
	case 0:
		return odd[(r >> 8) % (sizeof(odd) / sizeof(odd[0]))];
	case 1:
		return (double)((int64_t)(r >> 20) % 100000);
	case 2:
		memcpy(&v, &r, sizeof(v));
		return v;
	default:
		v = (double)(r >> 11) * 0x1p-53 * pow(10, (int)((r >> 3) % 30) - 12);
		return r & 4 ? -v : v;
	}
}

static long rows_long(void)
{
	static const long odd[] = {0, 1, -1, 9, 10, LONG_MAX, LONG_MIN};
	uint64_t r = rows_next();
	return r % 3 ? (long)(r >> 40) : odd[(r >> 8) % 7];
}

static void ref_text(struct strbuf *sb, const char *s)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	assert_non_null(f);
	csvio_write_field(f, s ? s : "");
	fclose(f);
	strbuf_add(sb, buf, len);
	free(buf);
}

static void ref_num(struct strbuf *sb, char conv, int prec, double v)
{
	if (isnan(v))
		return;
	if (conv == 'g')
		strbuf_addf(sb, "%.*g", prec, v == 0 ? 0 : v);
	else
		strbuf_addf(sb, "%.*f", prec, v == 0 ? 0 : v);
}

static void ref_seconds(struct strbuf *sb, sim_time t, bool fixed)
{
	uint64_t u = t < 0 ? (uint64_t)0 - (uint64_t)t : (uint64_t)t;
	strbuf_addf(sb, "%s%" PRIu64, t < 0 ? "-" : "", u / SIM_SEC);
	if (fixed || u % SIM_SEC)
		strbuf_addf(sb, ".%06" PRIu64, u % SIM_SEC);
}

static void ref_minute(struct strbuf *sb, const char *variant, int64_t start,
		       const struct minute_row *m)
{
	time_t when = (time_t)(start + m->t / SIM_SEC - (m->t % SIM_SEC < 0));
	struct tm tm;
	char iso[64];

	ref_text(sb, variant);
	strbuf_addch(sb, ',');
	ref_seconds(sb, m->t, false);
	strbuf_addch(sb, ',');
	if (gmtime_r(&when, &tm) && strftime(iso, sizeof(iso), "%Y-%m-%dT%H:%M:%SZ", &tm))
		strbuf_adds(sb, iso);
	strbuf_addch(sb, ',');
	ref_num(sb, 'g', 6, m->load_rps);
	strbuf_addf(sb, ",%ld,%ld,%ld,%ld,%ld,%ld,", m->desired, m->running[0], m->running[1],
		    m->pending[0], m->pending[1], m->draining);
	ref_num(sb, 'g', 6, m->cpu_pct);
	strbuf_addch(sb, ',');
	ref_num(sb, 'g', 6, m->mem_pct);
	strbuf_addch(sb, ',');
	ref_num(sb, 'g', 10, m->dropped);
	strbuf_addch(sb, ',');
	ref_num(sb, 'g', 6, m->p95_ms);
	strbuf_addch(sb, ',');
	ref_num(sb, 'g', 10, m->backlog);
	strbuf_addch(sb, ',');
	ref_num(sb, 'f', 6, m->cost_usd_cum);
	strbuf_addf(sb, ",%d\n", m->spot_available ? 1 : 0);
}

static struct minute_row random_minute(void)
{
	uint64_t r = rows_next();
	struct minute_row m = {
	    .t = r % 4 ? (sim_time)((r >> 20) % 100000) * SIM_MIN
		       : (sim_time)(r >> 2) / 1000 * (r & 8 ? -1 : 1),
	    .load_rps = rows_double(),
	    .desired = rows_long(),
	    .running = {rows_long(), rows_long()},
	    .pending = {rows_long(), rows_long()},
	    .draining = rows_long(),
	    .cpu_pct = rows_double(),
	    .mem_pct = rows_double(),
	    .dropped = rows_double(),
	    .p95_ms = rows_double(),
	    .backlog = rows_double(),
	    .cost_usd_cum = rows_double(),
	    .spot_available = r & 1,
	};
	return m;
}

/* Starts from year 5 to year 14000, so that the years strftime writes itself occur too. */
static int64_t random_start(void)
{
	static const int64_t odd[] = {0, 951782400 /* 2000-02-29 */, 4107456000,
				      -30612816000 /* 999-12-02 */,
				      253402300799 /* 9999-12-31 23:59:59 */};
	uint64_t r = rows_next();
	return r % 2 ? odd[(r >> 8) % 5] : (int64_t)((r >> 8) % 380000000000) - 62000000000;
}

static void check_minutes(struct fixture *fx, const char *variant)
{
	struct strbuf want = STRBUF_INIT;
	int64_t start = random_start();
	struct report *r = open_ok(fx->out, start);
	struct run_sink sink;
	char *text;

	strbuf_adds(&want, TS_HEADER);
	if (variant)
		report_set_variant(r, variant);
	report_sink(r, &sink);
	for (int i = 0; i < 3000; i++) {
		struct minute_row m = random_minute();
		sink.minute(sink.ctx, &m);
		ref_minute(&want, variant ? variant : "base", start, &m);
	}
	text = commit_and_read(r, fx->out, "timeseries.csv");
	assert_string_equal(text, want.buf);
	free(text);
	strbuf_release(&want);
}

static void test_minute_rows_as_printf_writes_them(void **state)
{
	struct fixture *fx = *state;
	char *long_name = xcalloc(3001, 1);

	memset(long_name, 'v', 3000); /* longer than a row's buffer */
	for (int k = 0; k < 8; k++)
		check_minutes(fx, NULL);
	check_minutes(fx, "spot, heavy \"x\"");
	check_minutes(fx, " leading space");
	check_minutes(fx, long_name);
	free(long_name);
}

static void test_event_rows_as_printf_writes_them(void **state)
{
	static const char *const texts[] = {
	    NULL,
	    "",
	    "RUNNING",
	    "FARGATE_SPOT",
	    "a,b",
	    "say \"hi\"",
	    "two\nlines",
	    " pad",
	    "pad ",
	    "policy=cpu;from=4;to=6;reason=AlarmHigh in ALARM: ceil(4 x 75 / 50) = 6"};
	struct fixture *fx = *state;
	struct report *r = open_ok(fx->out, 0);
	struct strbuf want = STRBUF_INIT;
	struct run_sink sink;
	char *long_text = xcalloc(5001, 1), *text;

	memset(long_text, 'd', 5000);
	strbuf_adds(&want, EV_HEADER);
	report_sink(r, &sink);
	for (int i = 0; i < 3000; i++) {
		uint64_t k = rows_next();
		size_t n = sizeof(texts) / sizeof(texts[0]);
		struct event_row e = {(sim_time)((int64_t)(k >> 1) / 4096), texts[k % n],
				      k % 3 ? (int64_t)rows_long() : (int64_t)0,
				      texts[(k >> 8) % n],
				      k % 101 ? texts[(k >> 16) % n] : long_text};
		sink.event(sink.ctx, &e);
		strbuf_adds(&want, "base,");
		ref_seconds(&want, e.t, true);
		strbuf_addch(&want, ',');
		ref_text(&want, e.event);
		strbuf_addch(&want, ',');
		if (e.task_id)
			strbuf_addf(&want, "%" PRId64, e.task_id);
		strbuf_addch(&want, ',');
		ref_text(&want, e.provider);
		strbuf_addch(&want, ',');
		ref_text(&want, e.detail);
		strbuf_addch(&want, '\n');
	}
	text = commit_and_read(r, fx->out, "events.csv");
	assert_string_equal(text, want.buf);
	free(text);
	free(long_text);
	strbuf_release(&want);
}

/* --- summary ---------------------------------------------------------------------- */

static char *summary_text(struct report *r, const char *shown)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	assert_non_null(f);
	report_summary(r, f, shown, 0.05);
	fclose(f);
	return buf;
}

static void test_summary_one_replication(void **state)
{
	struct fixture *fx = *state;
	struct report *r = open_ok(fx->out, 0);
	struct run_metrics m = metrics(100);
	char *text;

	m.p95_latency_s = NAN; /* nothing served */
	m.savings_vs_on_demand_pct = -0.0001;
	m.monthly_cost_usd = 300;
	m.slo_breach = NAN; /* no SLO */
	report_replication(r, "", 0, 1, &m);
	text = summary_text(r, "out/web");
	assert_string_equal(text,
			    "verdict: no SLO set (slo.p95_latency, p99_latency, "
			    "max_dropped_fraction or max_job_latency)\n"
			    "1 replication:\n"
			    "  cost FARGATE                  75.00 USD\n"
			    "  cost FARGATE_SPOT             25.00 USD\n"
			    "  cost total                   100.00 USD\n"
			    "  savings vs on-demand            0.0 %\n"
			    "  monthly cost (30 days)       300.00 USD\n"
			    "  interruptions                     3\n"
			    "  tasks launched                    0\n"
			    "  tasks launched / hour          0.25\n"
			    "  billed vCPU-hours             12.50\n"
			    "  placement failures                0\n"
			    "  availability                  99.50 %\n"
			    "  outage (no task)                 95 s\n"
			    "  dropped fraction           0.000000\n"
			    "  scaling activities                0\n"
			    "  mean running tasks             4.00\n"
			    "written to out/web/: timeseries.csv, events.csv, replications.csv, "
			    "summary.csv, comparison.csv\n");
	free(text);
	report_free(r);
}

static void test_summary_mean_min_max(void **state)
{
	struct fixture *fx = *state;
	struct report *r = open_ok(fx->out, 0);
	struct run_metrics a = metrics(100), b = metrics(200), c = metrics(300);
	char *text;

	a.p95_latency_s = NAN; /* the mean is over the replications where it applies */
	b.p95_latency_s = 0.1;
	c.p95_latency_s = 0.2;
	c.interruptions = 4;
	c.no_step_adjustment = 6; /* shown once a replication has one */
	b.slo_breach = 1;	  /* 1 of 3: P(SLO breach) 0.33, Wilson [0.0615, 0.7923] */
	report_replication(r, "", 0, 1, &a);
	report_replication(r, "", 1, 1, &b);
	report_replication(r, "", 2, 1, &c);
	text = summary_text(r, "out/web/");
	assert_non_null(strstr(text, "verdict: does not meet the SLO: breached in 1 of 3 "
				     "replications, P(SLO breach) 0.33 [0.06, 0.79] (at most 0.05 "
				     "allowed)\nmean of 3 replications (min, max):\n"));
	assert_non_null(
	    strstr(text, "  cost total                   200.00 USD  (min 100.00, max 300.00)\n"));
	assert_non_null(
	    strstr(text, "  interruptions               3.33333      (min 3, max 4)\n"));
	assert_non_null(
	    strstr(text, "  p95 latency                   150.0 ms   (min 100.0, max 200.0)\n"));
	assert_non_null(
	    strstr(text, "  no step adjustment                2 min  (min 0, max 6)\n"));
	assert_non_null(strstr(text, "written to out/web/: timeseries.csv"));
	free(text);
	report_free(r);
}

/* --- experiments: summary.csv, comparison.csv, the ranking ----------------------------- */

#define SUM_HEADER "variant,sweep,metric,unit,mean,sd,ci95_low,ci95_high,min,p05,p50,p95,max,n\n"
#define CMP_HEADER "variant,sweep,metric,unit,mean_diff,ci95_low,ci95_high,n\n"
#define SWEEP	   "spot.interruptions.monthly_fraction=0.05"

/* `nconfigs` x `nreps` replications of metrics(1), named v0, v1, ...; each its own baseline. */
static void experiment_make(struct experiment *x, size_t nconfigs, size_t nreps)
{
	x->nconfigs = nconfigs;
	x->nreps = nreps;
	x->variant = xcalloc(nconfigs, sizeof(*x->variant));
	x->sweep = xcalloc(nconfigs, sizeof(*x->sweep));
	x->baseline = xcalloc(nconfigs, sizeof(*x->baseline));
	x->m = xcalloc(nconfigs * nreps, sizeof(*x->m));
	x->budget_usd = NAN;
	x->max_breach = 0.05;
	for (size_t c = 0; c < nconfigs; c++) {
		x->variant[c] = xasprintf("v%zu", c);
		x->sweep[c] = xstrdup("");
		x->baseline[c] = c;
	}
	for (size_t i = 0; i < nconfigs * nreps; i++)
		x->m[i] = metrics(1);
}

static void experiment_name(struct experiment *x, size_t c, const char *variant, const char *sweep)
{
	free(x->variant[c]);
	free(x->sweep[c]);
	x->variant[c] = xstrdup(variant);
	x->sweep[c] = xstrdup(sweep);
}

static void experiment_release(struct experiment *x)
{
	for (size_t c = 0; c < x->nconfigs; c++) {
		free(x->variant[c]);
		free(x->sweep[c]);
	}
	free(x->variant);
	free(x->sweep);
	free(x->baseline);
	free(x->m);
}

static struct run_metrics *rep_of(struct experiment *x, size_t c, size_t k)
{
	return &x->m[c * x->nreps + k];
}

/*
 * Two configurations at one sweep point, three replications:
 *   base         cost 10, 12, 14    p95 latency 0.1, NAN, 0.3
 *   "spot, 3:1"  cost  7,  8, 12    p95 latency 0.2, 0.2, NAN   baseline: base
 * t(0.975, 2) = 4.302652729749464, t(0.975, 1) = 12.70620473617470.
 */
static void two_by_three(struct experiment *x)
{
	static const double base_cost[] = {10, 12, 14}, spot_cost[] = {7, 8, 12};
	static const double base_p95[] = {0.1, NAN, 0.3}, spot_p95[] = {0.2, 0.2, NAN};

	experiment_make(x, 2, 3);
	experiment_name(x, 0, "base", SWEEP);
	experiment_name(x, 1, "spot, 3:1", SWEEP);
	x->baseline[1] = 0;
	for (size_t k = 0; k < 3; k++) {
		*rep_of(x, 0, k) = metrics(base_cost[k]);
		*rep_of(x, 1, k) = metrics(spot_cost[k]);
		rep_of(x, 0, k)->p95_latency_s = base_p95[k];
		rep_of(x, 1, k)->p95_latency_s = spot_p95[k];
	}
}

static size_t metric_count(void)
{
	size_t n = 0;
	while (run_metric_defs[n].name)
		n++;
	return n;
}

/* The one line of `text` that starts with `prefix`, owned; fails unless there is exactly one. */
static char *line_starting(const char *text, const char *prefix)
{
	char *found = NULL;

	for (const char *p = text; *p; p = strchr(p, '\n') + 1) {
		if (strncmp(p, prefix, strlen(prefix)) != 0)
			continue;
		if (found)
			fail_msg("two lines start with %s", prefix);
		found = xstrndup(p, (size_t)(strchr(p, '\n') - p));
	}
	if (!found)
		fail_msg("no line starts with %s", prefix);
	return found;
}

static void assert_line(const char *text, const char *prefix, const char *want)
{
	char *line = line_starting(text, prefix);
	assert_string_equal(line, want);
	free(line);
}

/* Lines after the header name the metrics in run_metric_defs order, `rounds` times over. */
static void assert_metric_order(const char *text, size_t rounds)
{
	const char *p = strchr(text, '\n') + 1;
	size_t nm = metric_count(), i = 0;

	for (; *p; p = strchr(p, '\n') + 1, i++) {
		const struct metric_def *def = &run_metric_defs[i % nm];
		char *want = xasprintf(",%s,%s,", def->name, def->unit);
		char *line = xstrndup(p, (size_t)(strchr(p, '\n') - p));

		if (!strstr(line, want))
			fail_msg("line %zu: %s does not name %s", i + 2, line, def->name);
		free(line);
		free(want);
	}
	assert_int_equal(i, rounds * nm);
}

static char *experiment_file(struct fixture *fx, const struct experiment *x, const char *name)
{
	struct report *r = open_ok(fx->out, 0);
	report_experiment(r, x);
	return commit_and_read(r, fx->out, name);
}

static void test_summary_csv(void **state)
{
	struct fixture *fx = *state;
	struct experiment x;
	char *text;

	two_by_three(&x);
	text = experiment_file(fx, &x, "summary.csv");
	assert_memory_equal(text, SUM_HEADER, strlen(SUM_HEADER));
	assert_metric_order(text, 2);
	/* mean 12, sd 2, 12 -/+ t(0.975, 2) 2 / sqrt(3); p05 = 10 + 0.1 (12 - 10) */
	assert_line(text, "base," SWEEP ",cost_usd,",
		    "base," SWEEP
		    ",cost_usd,USD,12,2,7.031724576,16.96827542,10,10.2,12,13.8,14,3");
	/* sd sqrt(7), half-width t sqrt(7 / 3) = 6.572..., p95 = 8 + 0.9 (12 - 8) */
	assert_line(text, "\"spot, 3:1\"," SWEEP ",cost_usd,",
		    "\"spot, 3:1\"," SWEEP
		    ",cost_usd,USD,9,2.645751311,2.427589392,15.57241061,7,7.1,8,11.6,12,3");
	/* NAN ignored: 0.1 and 0.3, n = 2, half-width t(0.975, 1) 0.1; seconds: low clipped at 0 */
	assert_line(text, "base," SWEEP ",p95_latency_s,",
		    "base," SWEEP ",p95_latency_s,s,0.2,0.1414213562,0,1.470620474,0.1,"
		    "0.11,0.2,0.29,0.3,2");
	/* never applies: every statistic empty, n = 0 */
	assert_line(text, "base," SWEEP ",jobs_completed,",
		    "base," SWEEP ",jobs_completed,count,,,,,,,,,,0");
	/* constant: sd 0, the interval a point */
	assert_line(text, "base," SWEEP ",interruptions,",
		    "base," SWEEP ",interruptions,count,3,0,3,3,3,3,3,3,3,3");
	free(text);
	experiment_release(&x);
}

static void test_comparison_csv(void **state)
{
	struct fixture *fx = *state;
	struct experiment x;
	char *text;

	two_by_three(&x);
	text = experiment_file(fx, &x, "comparison.csv");
	assert_memory_equal(text, CMP_HEADER, strlen(CMP_HEADER));
	assert_metric_order(text, 1); /* the baseline has no row */
	/* differences -3, -4, -2: mean -3, sd 1, half-width t / sqrt(3) = 2.484... */
	assert_line(text, "\"spot, 3:1\"," SWEEP ",cost_usd,",
		    "\"spot, 3:1\"," SWEEP ",cost_usd,USD,-3,-5.484137712,-0.5158622882,3");
	/* only replication 0 has both: one difference, no interval */
	assert_line(text, "\"spot, 3:1\"," SWEEP ",p95_latency_s,",
		    "\"spot, 3:1\"," SWEEP ",p95_latency_s,s,0.1,,,1");
	assert_line(text, "\"spot, 3:1\"," SWEEP ",jobs_completed,",
		    "\"spot, 3:1\"," SWEEP ",jobs_completed,count,,,,0");
	assert_line(text, "\"spot, 3:1\"," SWEEP ",interruptions,",
		    "\"spot, 3:1\"," SWEEP ",interruptions,count,0,0,0,3");
	free(text);
	experiment_release(&x);
}

static void test_single_configuration(void **state)
{
	struct fixture *fx = *state;
	struct experiment x;
	char *text;

	experiment_make(&x, 1, 1);
	experiment_name(&x, 0, "base", "");
	text = experiment_file(fx, &x, "comparison.csv");
	assert_string_equal(text, CMP_HEADER);
	free(text);
	text = slurp(fx->out, "summary.csv");
	assert_metric_order(text, 1);
	/* one replication: no sd, no interval */
	assert_line(text, "base,,cost_usd,", "base,,cost_usd,USD,1,,,,1,1,1,1,1,1");
	free(text);
	experiment_release(&x);
}

static void test_experiment_files_are_atomic(void **state)
{
	struct fixture *fx = *state;
	struct report *r = open_ok(fx->out, 0);
	struct experiment x;
	char *text;

	two_by_three(&x);
	report_experiment(r, &x);
	assert_false(testutil_exists(fx->out, "summary.csv"));
	assert_false(testutil_exists(fx->out, "comparison.csv"));
	report_abort(r);
	report_experiment(r, &x); /* after an abort: writes nothing, creates nothing */
	report_free(r);
	assert_empty_folder(fx->out);

	/* without report_experiment the files hold only their header */
	r = open_ok(fx->out, 0);
	text = commit_and_read(r, fx->out, "summary.csv");
	assert_string_equal(text, SUM_HEADER);
	free(text);
	experiment_release(&x);
}

static void test_replications_of_an_experiment(void **state)
{
	struct fixture *fx = *state;
	struct report *r = open_ok(fx->out, 0);
	struct experiment x;
	char *text;

	two_by_three(&x);
	for (size_t c = 0; c < x.nconfigs; c++) {
		report_set_variant(r, x.variant[c]);
		for (size_t k = 0; k < x.nreps; k++)
			report_replication(r, x.sweep[c], k, 42, experiment_at(&x, c, k));
	}
	text = commit_and_read(r, fx->out, "replications.csv");
	assert_non_null(strstr(text, "\nbase," SWEEP ",2,42,14,"));
	assert_non_null(strstr(text, "\n\"spot, 3:1\"," SWEEP ",0,42,7,"));
	assert_non_null(strstr(text, "\n\"spot, 3:1\"," SWEEP ",2,42,12,"));
	free(text);
	experiment_release(&x);
}

static char *ranking_text(const struct experiment *x)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	assert_non_null(f);
	report_ranking(x, f);
	fclose(f);
	return buf;
}

/*
 * Three variants, three replications, request service (p95 83.5 ms), an SLO
 * with the default max_breach_probability 0.05:
 *   base      cost 10, 12, 14   availability 99.9, 99.8, 99.7 %   savings  0 %   breach 0 0 0
 *   all-spot  cost  7,  8, 12   availability 99.0, 99.5, 98.0 %   savings 65 %   breach 1 0 1
 *   mix       cost  9, 10, 11   availability 99.8, 99.8, 99.6 %   savings 30 %   breach 0 0 0
 * Monthly cost intervals t(0.975, 2) sd / sqrt(3): base 12 [7.03, 16.97],
 * all-spot 9 [2.43, 15.57], mix 10 [7.52, 12.48]. P(SLO breach): Wilson
 * 0 of 3 [0, 0.56], 2 of 3 [0.21, 0.94]. all-spot is cheapest but breaches
 * in 2 of 3: the recommendation is mix.
 * Paired against base: all-spot cost -3 [-5.48, -0.52], availability
 * -0.97 pp (sd 0.702) [-2.71, +0.78]; mix cost -2 [-4.48, +0.48],
 * availability -0.07 pp (sd 0.0577) [-0.21, +0.08].
 */
static void three_variants(struct experiment *x)
{
	static const double cost[3][3] = {{10, 12, 14}, {7, 8, 12}, {9, 10, 11}};
	static const double avail[3][3] = {
	    {0.999, 0.998, 0.997}, {0.99, 0.995, 0.98}, {0.998, 0.998, 0.996}};
	static const double breach[3][3] = {{0, 0, 0}, {1, 0, 1}, {0, 0, 0}};
	static const double savings[3] = {0, 65, 30};

	experiment_make(x, 3, 3);
	experiment_name(x, 0, "base", "");
	experiment_name(x, 1, "all-spot", "");
	experiment_name(x, 2, "mix", "");
	x->baseline[1] = x->baseline[2] = 0;
	for (size_t c = 0; c < 3; c++)
		for (size_t k = 0; k < 3; k++) {
			struct run_metrics *m = rep_of(x, c, k);
			*m = metrics(cost[c][k]);
			m->monthly_cost_usd = cost[c][k];
			m->availability = avail[c][k];
			m->savings_vs_on_demand_pct = savings[c];
			m->slo_breach = breach[c][k];
		}
}

static void test_ranking(void **state)
{
	struct experiment x;
	char *text;

	(void)state;
	three_variants(&x);
	text = ranking_text(&x);
	assert_string_equal(
	    text,
	    "recommendation: mix, the cheapest configuration that meets the SLO\n"
	    "  P(SLO breach) 0.00 [0.00, 0.56] (at most 0.05 allowed); monthly cost USD 10.00 "
	    "[7.52, 12.48]; savings 30.0 % against all on-demand\n"
	    "3 configurations ranked by mean monthly cost over 3 replications (95 % intervals "
	    "in brackets):\n"
	    "  #  variant   meets SLO      P(SLO breach)     monthly cost USD  savings  "
	    "availability  p95 latency\n"
	    "  1  all-spot  no         0.67 [0.21, 0.94]   9.00 [2.43, 15.57]   65.0 %       "
	    "98.83 %      83.5 ms\n"
	    "  2  mix       yes        0.00 [0.00, 0.56]  10.00 [7.52, 12.48]   30.0 %       "
	    "99.73 %      83.5 ms\n"
	    "  3  base      yes        0.00 [0.00, 0.56]  12.00 [7.03, 16.97]    0.0 %       "
	    "99.80 %      83.5 ms\n"
	    "paired against base:\n"
	    "  all-spot  monthly cost -3.00 USD [-5.48, -0.52], availability -0.97 pp [-2.71, "
	    "+0.78]\n"
	    "  mix       monthly cost -2.00 USD [-4.48, +0.48], availability -0.07 pp [-0.21, "
	    "+0.08]\n");
	free(text);
	experiment_release(&x);
}

/*
 * The same with max_breach_probability 0 and every configuration breaching
 * at least once (base and mix 1 of 3, all-spot 2 of 3): none meets the SLO,
 * and the closest is named: the lowest P(breach), the tie between base and
 * mix broken by cost (mix, 10 against 12).
 */
static void test_ranking_none_meets(void **state)
{
	struct experiment x;
	char *text;

	(void)state;
	three_variants(&x);
	x.max_breach = 0;
	rep_of(&x, 0, 1)->slo_breach = 1; /* base 1 of 3 */
	rep_of(&x, 2, 2)->slo_breach = 1; /* mix 1 of 3 */
	text = ranking_text(&x);
	assert_non_null(strstr(text,
			       "recommendation: none meets the SLO (P(SLO breach) at most 0); "
			       "closest: mix\n"
			       "  P(SLO breach) 0.33 [0.06, 0.79] (at most 0 allowed); "
			       "monthly cost USD 10.00 [7.52, 12.48];"));
	assert_non_null(strstr(text, "  3  base      no         0.33 [0.06, 0.79]"));
	free(text);
	experiment_release(&x);
}

/* Without an SLO the columns of the verdict are left out and the cheapest is named. */
static void test_ranking_no_slo(void **state)
{
	struct experiment x;
	char *text;

	(void)state;
	three_variants(&x);
	for (size_t i = 0; i < 9; i++)
		x.m[i].slo_breach = NAN;
	text = ranking_text(&x);
	assert_non_null(strstr(text,
			       "recommendation: no SLO set, ranked by cost alone; cheapest: "
			       "all-spot\n  monthly cost USD 9.00 [2.43, 15.57]; savings 65.0 %"));
	assert_null(strstr(text, "meets SLO"));
	free(text);
	experiment_release(&x);
}

/*
 * One replication each, a queue service with a budget, and a sweep: no
 * intervals, P(over budget) shown, the queue's columns (p95 job latency,
 * lost work, cost per 1,000 jobs) instead of availability and latency, a
 * cost that does not apply ranked last as n/a, and only configurations
 * with another baseline paired, on lost work.
 */
static void test_ranking_queue_budget_sweep(void **state)
{
	struct experiment x;
	char *text;

	(void)state;
	experiment_make(&x, 3, 1);
	experiment_name(&x, 0, "on-demand", "f=0.1");
	experiment_name(&x, 1, "all-spot", "f=0.1");
	experiment_name(&x, 2, "on-demand", "f=0.2");
	x.baseline[1] = 0;
	x.budget_usd = 400;
	for (size_t c = 0; c < 3; c++) {
		struct run_metrics *m = rep_of(&x, c, 0);
		*m = metrics(c == 0 ? 500 : 250);
		m->monthly_cost_usd = m->cost_usd;
		m->p95_latency_s = NAN;
		m->jobs_completed = 1000;
		m->cost_per_thousand_jobs_usd = m->cost_usd;
		m->p95_job_latency_s = c == 0 ? 12.34 : 20;
		m->lost_work_hours = c == 0 ? 0 : 1.5;
		m->over_budget = c == 0;
		m->slo_breach = NAN;
		m->availability = 1;
	}
	rep_of(&x, 2, 0)->monthly_cost_usd = NAN;
	rep_of(&x, 2, 0)->over_budget = NAN;
	text = ranking_text(&x);
	assert_string_equal(
	    text, "recommendation: no SLO set, ranked by cost alone; cheapest: all-spot f=0.1\n"
		  "  monthly cost USD 250.00; savings 0.0 % against all on-demand; 250.0000 USD "
		  "per 1,000 jobs; p95 job latency 20.0 s; lost work 1.50 h\n"
		  "3 configurations ranked by mean monthly cost over 1 replication:\n"
		  "  #  variant    sweep  monthly cost USD  savings  p95 job latency  lost work  "
		  "USD per 1,000 jobs  P(over budget)\n"
		  "  1  all-spot   f=0.1            250.00    0.0 %           20.0 s     1.50 h  "
		  "          250.0000            0.00\n"
		  "  2  on-demand  f=0.1            500.00    0.0 %           12.3 s     0.00 h  "
		  "          500.0000            1.00\n"
		  "  3  on-demand  f=0.2               n/a    0.0 %           20.0 s     1.50 h  "
		  "          250.0000             n/a\n"
		  "paired against on-demand:\n"
		  "  all-spot f=0.1  monthly cost -250.00 USD, lost work +1.50 h\n");
	free(text);
	experiment_release(&x);
}

static void test_ranking_empty(void **state)
{
	struct experiment x = {0};
	char *text;

	(void)state;
	x.budget_usd = NAN;
	text = ranking_text(&x);
	assert_string_equal(text, "no configurations to rank\n");
	free(text);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup_teardown(test_files_appear_only_at_commit, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_temporary_names, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_abort_leaves_nothing, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_free_without_commit_aborts, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_signal_path_removes_temps, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_abort_keeps_earlier_run, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_failed_commit_leaves_no_final_file, setup,
					    teardown),
	    cmocka_unit_test_setup_teardown(test_folder_under_regular_file, setup, teardown),
	    cmocka_unit_test(test_folder_in_proc),
	    cmocka_unit_test(test_folder_path_too_long),
	    cmocka_unit_test_setup_teardown(test_mkdir_p_and_trailing_slash, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_timeseries_time_column, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_nan_is_an_empty_field, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_number_formats_are_fixed, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_event_quoting, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_replications_columns, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_minute_rows_as_printf_writes_them, setup,
					    teardown),
	    cmocka_unit_test_setup_teardown(test_event_rows_as_printf_writes_them, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_summary_one_replication, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_summary_mean_min_max, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_summary_csv, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_comparison_csv, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_single_configuration, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_experiment_files_are_atomic, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_replications_of_an_experiment, setup, teardown),
	    cmocka_unit_test(test_ranking),
	    cmocka_unit_test(test_ranking_none_meets),
	    cmocka_unit_test(test_ranking_no_slo),
	    cmocka_unit_test(test_ranking_queue_budget_sweep),
	    cmocka_unit_test(test_ranking_empty),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
