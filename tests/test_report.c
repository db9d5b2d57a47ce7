/*
 * Tests of the report: the CSV files of a run and their atomic writing,
 * driven by a fake sequence of rows through the sink, by failure mode:
 * files under a final name only after commit, nothing left after an abort
 * or a failed commit, folders that cannot be created, CSV quoting, NAN and
 * time formats, and the summary text.
 */
#define _XOPEN_SOURCE 700 /* nftw */

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <dirent.h>
#include <ftw.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "spotsim/error.h"
#include "spotsim/report.h"
#include "spotsim/strbuf.h"
#include "spotsim/xalloc.h"

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
	snprintf(fx->root, sizeof(fx->root), "/tmp/spotsim-test-report.XXXXXX");
	if (!mkdtemp(fx->root)) {
		free(fx);
		return -1;
	}
	snprintf(fx->out, sizeof(fx->out), "%s/out/web", fx->root);
	*state = fx;
	return 0;
}

static int remove_entry(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	(void)st;
	(void)flag;
	(void)ftw;
	return remove(path);
}

static int teardown(void **state)
{
	struct fixture *fx = *state;
	int rc = nftw(fx->root, remove_entry, 16, FTW_DEPTH | FTW_PHYS);
	free(fx);
	return rc;
}

static char *path_in(const char *dir, const char *name)
{
	return xasprintf("%s/%s", dir, name);
}

static bool exists(const char *dir, const char *name)
{
	char *p = path_in(dir, name);
	bool yes = access(p, F_OK) == 0;
	free(p);
	return yes;
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
	char *p = path_in(dir, name);
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
	char *p = path_in(dir, name);
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
	assert_int_equal(all, 3);
	assert_int_equal(hidden, 3); /* the temporaries, and nothing else */
	fake_run(r, 5);
	report_replication(r, "", 0, 42, &m);
	assert_false(exists(fx->out, "timeseries.csv"));
	assert_false(exists(fx->out, "events.csv"));
	assert_false(exists(fx->out, "replications.csv"));

	diag_init(&d);
	assert_int_equal(report_commit(r, &d), 0);
	assert_int_equal(d.nr, 0);
	diag_release(&d);
	count_entries(fx->out, &all, &hidden);
	assert_int_equal(all, 3);
	assert_int_equal(hidden, 0);
	assert_true(exists(fx->out, "timeseries.csv"));
	assert_true(exists(fx->out, "events.csv"));
	assert_true(exists(fx->out, "replications.csv"));
	report_free(r);
	count_entries(fx->out, &all, &hidden);
	assert_int_equal(all, 3); /* freeing a committed report keeps its files */
}

static void test_temporary_names(void **state)
{
	struct fixture *fx = *state;
	struct report *r = open_ok(fx->out, 0);
	char name[64];

	snprintf(name, sizeof(name), ".timeseries.csv.tmp.%ld", (long)getpid());
	assert_true(exists(fx->out, name));
	snprintf(name, sizeof(name), ".events.csv.tmp.%ld", (long)getpid());
	assert_true(exists(fx->out, name));
	snprintf(name, sizeof(name), ".replications.csv.tmp.%ld", (long)getpid());
	assert_true(exists(fx->out, name));
	report_free(r);
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
	char *busy = path_in(fx->out, "events.csv");
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
	char *dir = xmalloc(REPORT_PATH_MAX + 1);
	struct report *r;
	struct diag d;

	(void)state;
	memset(dir, 'a', REPORT_PATH_MAX);
	dir[REPORT_PATH_MAX] = '\0';
	diag_init(&d);
	assert_int_equal(report_open(&r, dir, 0, &d), SPOTSIM_ERANGE);
	assert_null(r);
	assert_true(diag_failed(&d));
	diag_release(&d);
	free(dir);
	assert_open_fails("", "empty folder path (accepted: a folder path of 1 to 4048 bytes)");
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
	assert_true(exists(want, "events.csv"));
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

/* --- summary ---------------------------------------------------------------------- */

static char *summary_text(struct report *r, const char *shown)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	assert_non_null(f);
	report_summary(r, f, shown);
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
	report_replication(r, "", 0, 1, &m);
	text = summary_text(r, "out/web");
	assert_string_equal(text,
			    "1 replication:\n"
			    "  cost FARGATE                  75.00 USD\n"
			    "  cost FARGATE_SPOT             25.00 USD\n"
			    "  cost total                   100.00 USD\n"
			    "  savings vs on-demand            0.0 %\n"
			    "  interruptions                     3\n"
			    "  tasks launched                    0\n"
			    "  placement failures                0\n"
			    "  availability                  99.50 %\n"

			    "  dropped fraction           0.000000\n"
			    "  scaling activities                0\n"
			    "  mean running tasks             4.00\n"
			    "written to out/web/: timeseries.csv, events.csv, replications.csv\n");
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
	report_replication(r, "", 0, 1, &a);
	report_replication(r, "", 1, 1, &b);
	report_replication(r, "", 2, 1, &c);
	text = summary_text(r, "out/web/");
	assert_non_null(strstr(text, "mean of 3 replications (min, max):\n"));
	assert_non_null(
	    strstr(text, "  cost total                   200.00 USD  (min 100.00, max 300.00)\n"));
	assert_non_null(
	    strstr(text, "  interruptions               3.33333      (min 3, max 4)\n"));
	assert_non_null(
	    strstr(text, "  p95 latency                   150.0 ms   (min 100.0, max 200.0)\n"));
	assert_non_null(strstr(text, "written to out/web/: timeseries.csv"));
	free(text);
	report_free(r);
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
	    cmocka_unit_test_setup_teardown(test_summary_one_replication, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_summary_mean_min_max, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
