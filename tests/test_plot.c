/*
 * Tests of plot: the figures and report.html of an output folder, on real
 * runs (spotsim run on bundled scenarios) and on the hand-made summary.csv
 * and comparison.csv of tests/plot/ (three variants; with and without a
 * sweep over spot.interruptions.monthly_fraction), by failure mode:
 *  - the figures that apply are there, valid PNG and SVG files, and those
 *    that do not are absent (also after a redraw of the same folder);
 *  - report.html names every figure and every variant of the tables;
 *  - no gnuplot on PATH, no templates, a template gnuplot rejects, a
 *    gnuplot that leaves incomplete images (a full disk);
 *  - missing folder, missing or malformed CSV files;
 *  - no temporary file is left behind.
 * Run from the repository's top folder (make test does).
 */

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "testutil.h"

#include <dirent.h>
#include <math.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "spotsim/cli/cli.h"
#include "spotsim/util/csvio.h"
#include "spotsim/util/error.h"
#include "spotsim/output/plot.h"
#include "spotsim/util/strbuf.h"
#include "spotsim/util/xalloc.h"

/* the buckets of the time series, private to sim/output/ */
#include "../sim/output/plot_internal.h"

/* A one-day request service with Spot outages and interruptions: quick to draw. */
#define SHORT "tests/plot/short.json"

struct fixture {
	char root[64];
	char out[128];
};

static int setup(void **state)
{
	struct fixture *fx = xcalloc(1, sizeof(*fx));
	if (!testutil_make_dir(fx->root, sizeof(fx->root), "plot")) {
		free(fx);
		return -1;
	}
	snprintf(fx->out, sizeof(fx->out), "%s/out", fx->root);
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

/* ---- helpers ---- */

static char *slurp(const char *dir, const char *name)
{
	char *p = testutil_path_in(dir, name);
	FILE *f = fopen(p, "rb");
	struct strbuf sb = STRBUF_INIT;
	char buf[8192];
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

static void copy_file(const char *src, const char *dir, const char *name)
{
	char *text = slurp(".", src);
	write_file(dir, name, text);
	free(text);
}

static bool on_path(const char *prog)
{
	const char *path = getenv("PATH");
	bool found = false;

	while (path && *path && !found) {
		size_t len = strcspn(path, ":");
		char *cand = xasprintf("%.*s/%s", (int)len, path, prog);
		found = access(cand, X_OK) == 0;
		free(cand);
		path += len + (path[len] == ':');
	}
	return found;
}

static void remove_tree(const char *dir, const char *name)
{
	char *p = testutil_path_in(dir, name);
	if (access(p, F_OK) == 0)
		assert_int_equal(testutil_remove_tree(p), 0);
	free(p);
}

/*
 * spotsim run SCENARIO -o DIR --replications 2 --quiet, in this process;
 * whatever figures and page the run drew itself are removed, so that each
 * test sees only what plot_render makes.
 */
static void run_scenario(const char *scenario, const char *dir)
{
	char *argv[] = {
	    (char *)"run", (char *)scenario,  (char *)"-o", (char *)dir, (char *)"--replications",
	    (char *)"2",   (char *)"--quiet", NULL};
	assert_int_equal(cmd_run(7, argv), EXIT_OK);
	remove_tree(dir, "plots");
	remove_tree(dir, "report.html");
}

/* Runs cmd_plot with stdout sent to /dev/null. */
static int quiet_cmd_plot(int argc, char **argv)
{
	int saved, null = open("/dev/null", O_WRONLY);

	fflush(stdout);
	saved = dup(1);
	assert_true(null >= 0 && saved >= 0);
	dup2(null, 1);
	close(null);
	int rc = cmd_plot(argc, argv);
	fflush(stdout);
	dup2(saved, 1);
	close(saved);
	return rc;
}

static int render(const char *dir, struct diag *d)
{
	int nplots = -1;
	int rc = plot_render(dir, NULL, d, &nplots);
	assert_true(nplots >= 0);
	return rc;
}

static bool is_png(const char *dir, const char *name)
{
	static const unsigned char sig[8] = {0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'};
	char *p = testutil_path_in(dir, name);
	FILE *f = fopen(p, "rb");
	unsigned char head[8];
	bool ok = f && fread(head, 1, 8, f) == 8 && !memcmp(head, sig, 8);

	if (f)
		fclose(f);
	free(p);
	return ok;
}

static bool is_svg(const char *dir, const char *name)
{
	char *text = slurp(dir, name);
	const char *s = text + strspn(text, " \t\r\n");
	bool ok = (!strncmp(s, "<?xml", 5) || !strncmp(s, "<svg", 4)) && strstr(s, "<svg") &&
		  strstr(s, "</svg>");
	free(text);
	return ok;
}

static bool file_has(const char *dir, const char *name, const char *needle)
{
	char *text = slurp(dir, name);
	bool yes = strstr(text, needle) != NULL;
	free(text);
	return yes;
}

/* Every expected figure is a valid PNG and SVG pair named in report.html. */
static void assert_figures(const char *dir, const char *const *names)
{
	char *plots = testutil_path_in(dir, "plots");

	for (size_t i = 0; names[i]; i++) {
		char *png = xasprintf("%s.png", names[i]), *svg = xasprintf("%s.svg", names[i]);
		char *ref = xasprintf("plots/%s.svg", names[i]),
		     *id = xasprintf("fig-%s", names[i]);
		if (!is_png(plots, png) || !is_svg(plots, svg))
			fail_msg("%s/plots/%s: not a valid PNG and SVG pair", dir, names[i]);
		assert_true(file_has(dir, "report.html", ref));
		assert_true(file_has(dir, "report.html", id));
		free(png);
		free(svg);
		free(ref);
		free(id);
	}
	free(plots);
}

static void assert_no_figures(const char *dir, const char *const *names)
{
	char *plots = testutil_path_in(dir, "plots");

	for (size_t i = 0; names[i]; i++) {
		char *png = xasprintf("%s.png", names[i]), *svg = xasprintf("%s.svg", names[i]);
		char *id = xasprintf("fig-%s", names[i]);
		if (testutil_exists(plots, png) || testutil_exists(plots, svg))
			fail_msg("%s/plots/%s: drawn, but it does not apply", dir, names[i]);
		assert_false(file_has(dir, "report.html", id));
		free(png);
		free(svg);
		free(id);
	}
	free(plots);
}

/* No temporary (".spotsim-tmp.PID.RANDOM", or an older ".NAME.tmp.PID") in the folder or in plots/. */
static void assert_no_temporaries(const char *dir)
{
	const char *where[] = {dir, NULL};
	char *plots = testutil_path_in(dir, "plots");
	where[1] = plots;

	for (int i = 0; i < 2; i++) {
		DIR *dp = opendir(where[i]);
		struct dirent *e;
		while (dp && (e = readdir(dp)))
			if (strstr(e->d_name, ".tmp.") || strstr(e->d_name, ".spotsim-tmp"))
				fail_msg("%s/%s: temporary file left behind", where[i], e->d_name);
		if (dp)
			closedir(dp);
	}
	free(plots);
}

struct variants_seen {
	const char *report;
	const char *file;
	int missing;
};

static int check_variant(const char *const *f, size_t n, size_t record, void *data)
{
	struct variants_seen *v = data;

	if (record > 1 && n > 0 && !strstr(v->report, f[0])) {
		print_error("%s: variant \"%s\" of record %zu is not in report.html\n", v->file,
			    f[0], record);
		v->missing++;
	}
	return 0;
}

/* Every row's variant of summary.csv and comparison.csv is in report.html. */
static void assert_tables_in_report(const char *dir)
{
	static const char *const files[] = {"summary.csv", "comparison.csv"};
	char *report = slurp(dir, "report.html");
	struct diag d;

	diag_init(&d);
	for (int i = 0; i < 2; i++) {
		char *p = testutil_path_in(dir, files[i]);
		struct variants_seen v = {report, p, 0};
		if (access(p, F_OK) == 0) {
			assert_int_equal(csvio_read(p, check_variant, &v, &d), 0);
			assert_int_equal(v.missing, 0);
		}
		free(p);
	}
	diag_release(&d);
	free(report);
}

/* Number of entries of `dir`, without . and .. */
static int count_entries(const char *dir)
{
	DIR *dp = opendir(dir);
	struct dirent *e;
	int n = 0;

	assert_non_null(dp);
	while ((e = readdir(dp)))
		n += strcmp(e->d_name, ".") && strcmp(e->d_name, "..");
	closedir(dp);
	return n;
}

static bool diag_has(const struct diag *d, enum diag_level level, const char *needle)
{
	for (size_t i = 0; i < d->nr; i++) {
		char *line = diag_line(d, i);
		bool yes = d->items[i].level == level && strstr(line, needle);
		free(line);
		if (yes)
			return true;
	}
	return false;
}

#define NEED_GNUPLOT()                                                                             \
	do {                                                                                       \
		if (!on_path("gnuplot")) {                                                         \
			print_message("gnuplot is not installed: test skipped\n");                 \
			skip();                                                                    \
		}                                                                                  \
	} while (0)

/* ---- figures that apply, and those that do not ---- */

/* A request service with CPU target tracking and an SLO: one configuration. */
static void test_request_service(void **state)
{
	struct fixture *fx = *state;
	static const char *const drawn[] = {"tasks", "cost", "cpu", "latency", NULL};
	static const char *const absent[] = {"backlog",
					     "experiment",
					     "sweep_cost_usd",
					     "sweep_availability",
					     "sweep_p95_latency_s",
					     "sweep_p95_job_latency_s",
					     NULL};
	struct diag d;

	NEED_GNUPLOT();
	char *tmp = testutil_path_in(fx->root, "tmp");

	run_scenario("scenarios/api-target-tracking.json", fx->out);
	copy_file("scenarios/api-target-tracking.json", fx->out, "scenario.json");
	assert_int_equal(mkdir(tmp, 0755), 0);
	setenv("TMPDIR", tmp, 1);
	diag_init(&d);
	int rc = render(fx->out, &d);
	unsetenv("TMPDIR");
	assert_int_equal(rc, 0);
	assert_int_equal(count_entries(tmp), 0); /* nothing is written in $TMPDIR */
	free(tmp);
	assert_int_equal(d.errors, 0);
	assert_figures(fx->out, drawn);
	assert_no_figures(fx->out, absent);
	assert_tables_in_report(fx->out);
	/* the title, the SLO and the target come from the scenario.json copy */
	assert_true(file_has(fx->out, "report.html", "<h1>api-target-tracking</h1>"));
	assert_true(file_has(fx->out, "report.html", "SLO of 300 ms"));
	assert_true(file_has(fx->out, "report.html", "target-tracking target"));
	assert_no_temporaries(fx->out);
	diag_release(&d);
}

/* The largest number among the text labels of an SVG figure (its tick labels). */
static double svg_max_number(const char *dir, const char *name)
{
	char *text = slurp(dir, name);
	double top = -INFINITY;

	for (const char *p = text; (p = strstr(p, "<text>")); p++) {
		char *end;
		double v = strtod(p + 6, &end);
		if (end != p + 6 && !strncmp(end, "</text>", 7))
			top = fmax(top, v);
	}
	free(text);
	return top;
}

/* The bundled example: three variants, a sweep, and the run's own summary.csv. */
static void test_example_experiment(void **state)
{
	struct fixture *fx = *state;
	static const char *const drawn[] = {"tasks",
					    "cost",
					    "cpu",
					    "latency",
					    "experiment",
					    "sweep_cost_usd",
					    "sweep_availability",
					    "sweep_p95_latency_s",
					    NULL};
	static const char *const absent[] = {"backlog", "sweep_p95_job_latency_s", NULL};
	struct diag d;

	NEED_GNUPLOT();
	run_scenario("scenarios/example.json", fx->out);
	diag_init(&d);
	assert_int_equal(render(fx->out, &d), 0);
	assert_int_equal(d.errors, 0);
	assert_figures(fx->out, drawn);
	assert_no_figures(fx->out, absent);
	assert_tables_in_report(fx->out);
	assert_true(file_has(fx->out, "report.html", "all-on-demand"));
	assert_true(file_has(fx->out, "report.html", "all-spot"));
	/* the run's cost is not the verdict's monthly cost; availability is said for what it is */
	assert_true(file_has(fx->out, "report.html", ">Cost over the run (7 d)<"));
	assert_true(file_has(fx->out, "report.html", ">Minutes meeting the SLO<"));
	assert_true(file_has(fx->out, "report.html", "not uptime"));
	assert_false(file_has(fx->out, "report.html", ">Cost<"));
	assert_false(file_has(fx->out, "report.html", ">Availability<"));
	assert_true(file_has(fx->out, "plots/experiment.svg", "Minutes meeting the SLO (%)"));
	/* a share's axis stops at 100 %, even with margins around intervals that reach it */
	assert_true(svg_max_number(fx->out, "plots/sweep_availability.svg") <= 100);
	assert_no_temporaries(fx->out);
	diag_release(&d);
}

/* The page's text between `from` and `to` (owned), which must both be there. */
static char *page_part(const char *dir, const char *from, const char *to)
{
	char *page = slurp(dir, "report.html"), *a = strstr(page, from), *b;

	assert_non_null(a);
	b = strstr(a, to);
	assert_non_null(b);
	*b = '\0';
	a = xstrdup(a);
	free(page);
	return a;
}

/*
 * The verdict section comes first, before the summary tables, and says what
 * the printed ranking says: the cheapest configuration that meets the SLO
 * (the mix, by construction), the renamed base, no variation where every
 * replication agrees; or that none meets it, with the closest.
 */
static void test_verdict_section(void **state)
{
	struct fixture *fx = *state;
	struct diag d;
	char *part;

	NEED_GNUPLOT();
	run_scenario("tests/verdict/three-strategies.json", fx->out);
	diag_init(&d);
	assert_int_equal(render(fx->out, &d), 0);
	part = page_part(fx->out, "<section id=\"verdict\">", "<section id=\"summary\">");
	assert_non_null(strstr(part, "Recommendation: <b>mixed</b>, the cheapest configuration "
				     "that meets the SLO (P(SLO breach) at most 0.1)."));
	assert_non_null(strstr(part, "<td class=\"name\">on-demand</td><td class=\"name\">yes"));
	assert_non_null(strstr(part, "<td class=\"name\">all-spot</td><td class=\"name\">no"));
	assert_non_null(strstr(part, "117.32<small>no variation across replications</small>"));
	assert_null(strstr(part, "[0.00, 0.00]"));
	free(part);
	/* the scenario names its Spot capacity trace by a relative path that does not
	 * resolve from the output folder: its title and SLO still come from the copy */
	assert_true(file_has(fx->out, "report.html", "<h1>verdict-three-strategies</h1>"));
	assert_true(file_has(fx->out, "report.html",
			     "<b>Objectives</b> (from scenario.json): p95 "
			     "latency under 500 ms"));
	assert_true(file_has(fx->out, "report.html", "against the SLO of 500 ms (dashed)"));
	assert_false(file_has(fx->out, "report.html", "no scenario.json in the folder"));
	/* all-spot's outages: no task runs, shaded and named, not drawn as a steady latency */
	assert_true(file_has(fx->out, "plots/latency.svg", "no task running"));
	assert_true(file_has(fx->out, "plots/cpu.svg", "no task running"));
	assert_true(file_has(fx->out, "report.html", "Grey bands: no task was running"));
	run_scenario("tests/verdict/none-meets.json", fx->out);
	assert_int_equal(render(fx->out, &d), 0);
	part = page_part(fx->out, "<section id=\"verdict\">", "</section>");
	assert_non_null(strstr(part, "None meets the SLO (P(SLO breach) at most 0.05). Closest: "
				     "<b>mixed</b>"));
	free(part);
	assert_int_equal(d.errors, 0);
	diag_release(&d);
}

/*
 * Minutes without cpu_pct and p95_ms (no task ran) leave their bucket
 * without a value, also after merging, and are kept as bands.
 */
static void test_series_gaps(void **state)
{
	struct facts fx;
	(void)state;

	memset(&fx, 0, sizeof(fx));
	struct series *s = facts_variant(&fx, "base");
	for (int m = 1; m <= 6; m++) {
		bool idle = m == 3 || m == 4;
		series_add(s, 60.0 * m, idle ? 0 : 2, 0, 2, idle ? NAN : 50, idle ? NAN : 300, NAN,
			   0.1 * m, false);
	}
	series_widen(s, 2);
	assert_int_equal(s->nb, 3);
	assert_int_equal(s->b[1].ncpu, 0);
	assert_true(isnan(s->b[1].p95));
	assert_int_equal(s->b[0].ncpu, 2);
	assert_true(s->b[2].p95 == 300);
	assert_int_equal(s->idle.n, 1);
	assert_int_equal(s->idle.minutes, 2);
	assert_true(s->idle.v[0].t0 == 120 && s->idle.v[0].t1 == 240);
	assert_int_equal(s->off.n, 0);
	facts_release(&fx);
}

/* A copy of the scenario that cannot be read is said so, on stderr and in the captions. */
static void test_unreadable_scenario_copy(void **state)
{
	struct fixture *fx = *state;
	struct diag d;
	bool noted = false;

	NEED_GNUPLOT();
	run_scenario(SHORT, fx->out);
	write_file(fx->out, "scenario.json", "{\"name\": \"plot-short\",");
	diag_init(&d);
	assert_int_equal(render(fx->out, &d), 0);
	assert_int_equal(d.errors, 0);
	for (size_t i = 0; i < d.nr; i++)
		noted |= d.items[i].level == DIAG_NOTE &&
			 strstr(d.items[i].file, "scenario.json") &&
			 strstr(d.items[i].msg, "cannot be read");
	assert_true(noted);
	assert_false(file_has(fx->out, "report.html", "<h1>plot-short</h1>"));
	assert_true(file_has(fx->out, "report.html",
			     "No CPU target is drawn: the folder's scenario.json cannot be read"));
	diag_release(&d);
}

/* A queue run with the sweep fixture: backlog, experiment and sweep figures. */
static void test_queue_with_sweep(void **state)
{
	struct fixture *fx = *state;
	static const char *const drawn[] = {"tasks",
					    "cost",
					    "backlog",
					    "experiment",
					    "sweep_cost_usd",
					    "sweep_availability",
					    "sweep_p95_latency_s",
					    NULL};
	/* queue workers have no cpu_pct nor p95_ms; the fixture's job latency is empty */
	static const char *const absent[] = {"cpu", "latency", "sweep_p95_job_latency_s", NULL};
	struct diag d;

	NEED_GNUPLOT();
	run_scenario("scenarios/queue-backlog-tracking.json", fx->out);
	copy_file("tests/plot/sweep/summary.csv", fx->out, "summary.csv");
	copy_file("tests/plot/sweep/comparison.csv", fx->out, "comparison.csv");
	diag_init(&d);
	assert_int_equal(render(fx->out, &d), 0);
	assert_int_equal(d.errors, 0);
	assert_figures(fx->out, drawn);
	assert_no_figures(fx->out, absent);
	assert_tables_in_report(fx->out);
	/* spotsim run copies the scenario there: it gives the page its title */
	assert_true(file_has(fx->out, "report.html", "<h1>queue-backlog-tracking</h1>"));
	/* without the copy the title is the folder's name */
	remove_tree(fx->out, "scenario.json");
	assert_int_equal(render(fx->out, &d), 0);
	assert_true(file_has(fx->out, "report.html", "<h1>out</h1>"));
	/* one swept key: the table's column is named after it */
	assert_true(file_has(fx->out, "report.html",
			     "<th>spot.<wbr>interruptions.<wbr>monthly_<wbr>fraction</th>"));
	assert_no_temporaries(fx->out);
	diag_release(&d);
}

/* Variants without a sweep; then a redraw after the sweep is gone. */
static void test_variants_then_redraw(void **state)
{
	struct fixture *fx = *state;
	static const char *const drawn[] = {"tasks", "cost", "latency", "experiment", NULL};
	static const char *const absent[] = {"backlog", "sweep_cost_usd", "sweep_availability",
					     "sweep_p95_latency_s", NULL};
	struct diag d;

	NEED_GNUPLOT();
	run_scenario(SHORT, fx->out);
	copy_file("tests/plot/sweep/summary.csv", fx->out, "summary.csv");
	copy_file("tests/plot/sweep/comparison.csv", fx->out, "comparison.csv");
	diag_init(&d);
	assert_int_equal(render(fx->out, &d), 0);
	assert_true(testutil_exists(fx->out, "plots/sweep_cost_usd.png"));
	copy_file("tests/plot/variants/summary.csv", fx->out, "summary.csv");
	copy_file("tests/plot/variants/comparison.csv", fx->out, "comparison.csv");
	assert_int_equal(render(fx->out, &d), 0);
	assert_int_equal(d.errors, 0);
	assert_figures(fx->out, drawn);
	assert_no_figures(fx->out, absent); /* the sweep figures of the first draw are gone */
	assert_tables_in_report(fx->out);
	assert_no_temporaries(fx->out);
	diag_release(&d);
}

/* Replaces every "\nbase," of DIR/NAME with "\n" + `with` + ",". */
static void rename_base(const char *dir, const char *name, const char *with)
{
	char *text = slurp(dir, name), *p = text;
	struct strbuf sb = STRBUF_INIT;
	char *hit;

	while ((hit = strstr(p, "\nbase,"))) {
		strbuf_add(&sb, p, (size_t)(hit - p) + 1);
		strbuf_addf(&sb, "%s,", with);
		p = hit + 6;
	}
	strbuf_adds(&sb, p);
	write_file(dir, name, sb.buf);
	strbuf_release(&sb);
	free(text);
}

/* A variant name that CSV must quote is drawn and shown escaped. */
static void test_odd_variant_name(void **state)
{
	struct fixture *fx = *state;
	static const char *const drawn[] = {"tasks", "cost", "cpu", "latency", NULL};
	struct diag d;

	NEED_GNUPLOT();
	run_scenario(SHORT, fx->out);
	rename_base(fx->out, "timeseries.csv", "\"a, \"\"b\"\" <c>\"");
	rename_base(fx->out, "events.csv", "\"a, \"\"b\"\" <c>\"");
	rename_base(fx->out, "replications.csv", "\"a, \"\"b\"\" <c>\"");
	diag_init(&d);
	assert_int_equal(render(fx->out, &d), 0);
	assert_int_equal(d.errors, 0);
	assert_figures(fx->out, drawn);
	assert_true(file_has(fx->out, "report.html", "&quot;a, &quot;b&quot; &lt;c&gt;&quot;"));
	assert_false(file_has(fx->out, "report.html", "<c>"));
	diag_release(&d);
}

/* The page needs nothing from outside: no script, no remote address. */
static void test_report_is_self_contained(void **state)
{
	struct fixture *fx = *state;
	struct diag d;

	NEED_GNUPLOT();
	run_scenario(SHORT, fx->out);
	diag_init(&d);
	assert_int_equal(render(fx->out, &d), 0);
	char *page = slurp(fx->out, "report.html");
	assert_non_null(strstr(page, "data:image/png;base64,iVBORw0KGgo")); /* a PNG inline */
	assert_null(strstr(page, "<script"));
	assert_null(strstr(page, "http://"));
	assert_null(strstr(page, "https://"));
	assert_null(strstr(page, "src=\"plots/"));
	assert_non_null(strstr(page, "</html>"));
	free(page);
	diag_release(&d);
}

/* DIR/NAME with every "\nbase," row copied once more as variant `copy`, after the others. */
static void add_variant_copy(const char *dir, const char *name, const char *copy)
{
	char *text = slurp(dir, name), *p = text, *hit;
	struct strbuf sb = STRBUF_INIT;

	strbuf_adds(&sb, text);
	while ((hit = strstr(p, "\nbase,"))) {
		char *end = strchr(hit + 1, '\n');
		size_t len = end ? (size_t)(end - hit) : strlen(hit);
		strbuf_addf(&sb, "%s,%.*s\n", copy, (int)(len - 6), hit + 6);
		p = hit + len;
	}
	write_file(dir, name, sb.buf);
	strbuf_release(&sb);
	free(text);
}

/* Every variant of timeseries.csv has its panel in each time-series figure, on either axis. */
static void test_every_variant_drawn(void **state)
{
	struct fixture *fx = *state;
	static const char *const drawn[] = {"tasks", "cost", "cpu", "latency", NULL};
	const struct plot_options clock = {true};
	struct diag d;
	int nplots = 0;

	NEED_GNUPLOT();
	run_scenario(SHORT, fx->out);
	add_variant_copy(fx->out, "timeseries.csv", "second");
	add_variant_copy(fx->out, "events.csv", "second");
	diag_init(&d);
	assert_int_equal(render(fx->out, &d), 0);
	assert_int_equal(d.errors, 0);
	assert_figures(fx->out, drawn);
	for (size_t i = 0; drawn[i]; i++) {
		char *alt = xasprintf("alt=\"Figure %zu: %s, one panel per variant: base, second\"",
				      i + 1, drawn[i]);
		if (!file_has(fx->out, "report.html", alt))
			fail_msg("report.html has no %s", alt);
		free(alt);
	}
	assert_int_equal(plot_render(fx->out, &clock, &d, &nplots), 0);
	assert_int_equal(d.errors, 0);
	assert_int_equal(nplots, 4);
	assert_figures(fx->out, drawn);
	assert_no_temporaries(fx->out);
	diag_release(&d);
}

/* Every row's field `col` (from 0) of the CSV text `csv` set to `first` in the first row, `rest` after. */
static char *set_column(const char *csv, int col, const char *first, const char *rest)
{
	struct strbuf sb = STRBUF_INIT;
	const char *line = strchr(csv, '\n') + 1;

	strbuf_add(&sb, csv, (size_t)(line - csv));
	for (bool one = true; *line; one = false) {
		const char *field = line, *end = strchr(line, '\n');
		for (int i = 0; i < col; i++)
			field = strchr(field, ',') + 1;
		strbuf_add(&sb, line, (size_t)(field - line));
		strbuf_adds(&sb, one ? first : rest);
		end = end ? end + 1 : line + strlen(line);
		const char *after = strchr(field, ',');
		strbuf_add(&sb, after, (size_t)(end - after));
		line = end;
	}
	return strbuf_detach(&sb);
}

/*
 * One minute far off the scale cannot stretch the latency axis: it stops
 * at 1.15 x max(SLO 250 ms, p99 of the minutes 100 ms) and the minute is
 * counted as clipped.
 */
static void test_latency_outlier_clipped(void **state)
{
	struct fixture *fx = *state;
	char *page, *at, *ts, *edited;
	double top = 0;
	struct diag d;

	NEED_GNUPLOT();
	run_scenario(SHORT, fx->out);
	ts = slurp(fx->out, "timeseries.csv");
	edited = set_column(ts, 13, "9500", "100"); /* p95_ms */
	write_file(fx->out, "timeseries.csv", edited);
	diag_init(&d);
	assert_int_equal(render(fx->out, &d), 0);
	page = slurp(fx->out, "report.html");
	at = strstr(page, "The axis stops at ");
	assert_non_null(at);
	assert_int_equal(sscanf(at, "The axis stops at %lf ms", &top), 1);
	assert_true(fabs(top - 288) < 0.6);
	assert_non_null(strstr(page, "1 point above it is marked"));
	free(page);
	free(ts);
	free(edited);
	diag_release(&d);
}

/* ---- without gnuplot, without templates, with a broken template ---- */

static void test_no_gnuplot(void **state)
{
	struct fixture *fx = *state;
	char *path = xstrdup(getenv("PATH") ? getenv("PATH") : "");
	char *empty = testutil_path_in(fx->root, "empty-bin");
	struct diag d;

	run_scenario(SHORT, fx->out);
	copy_file("tests/plot/sweep/summary.csv", fx->out, "summary.csv");
	copy_file("tests/plot/sweep/comparison.csv", fx->out, "comparison.csv");
	assert_int_equal(mkdir(empty, 0755), 0);
	setenv("PATH", empty, 1);
	diag_init(&d);
	int rc = render(fx->out, &d);
	setenv("PATH", path, 1);
	assert_int_equal(rc, 0);
	assert_int_equal(d.errors, 0);
	assert_int_equal(d.nr, 1); /* one warning, nothing else */
	assert_int_equal(d.items[0].level, DIAG_NOTE);
	assert_string_equal(d.items[0].msg, PLOT_NO_GNUPLOT);
	assert_string_equal(d.items[0].msg, "gnuplot is not installed; plots were skipped "
					    "(install it with: apt-get install gnuplot-nox)");
	assert_true(testutil_exists(fx->out, "report.html"));
	assert_false(testutil_exists(fx->out, "plots"));
	assert_true(file_has(fx->out, "report.html", "gnuplot is not installed"));
	assert_false(file_has(fx->out, "report.html", "<figure"));
	assert_tables_in_report(fx->out);
	/* the CSV files are untouched */
	assert_true(testutil_exists(fx->out, "timeseries.csv"));
	assert_true(testutil_exists(fx->out, "summary.csv"));
	assert_no_temporaries(fx->out);
	diag_release(&d);
	free(empty);
	free(path);
}

static void test_no_templates(void **state)
{
	struct fixture *fx = *state;
	char *empty = testutil_path_in(fx->root, "no-templates");
	struct diag d;

	NEED_GNUPLOT();
	run_scenario(SHORT, fx->out);
	assert_int_equal(mkdir(empty, 0755), 0);
	setenv("SPOTSIM_PLOTS", empty, 1);
	diag_init(&d);
	int rc = render(fx->out, &d);
	unsetenv("SPOTSIM_PLOTS");
	assert_int_equal(rc, 0);
	assert_int_equal(d.errors, 0);
	assert_true(diag_has(&d, DIAG_NOTE, "plot templates not found"));
	assert_true(testutil_exists(fx->out, "report.html"));
	assert_false(file_has(fx->out, "report.html", "<figure"));
	diag_release(&d);
	free(empty);
}

/* gnuplot rejects one template: that figure is an error, the others and the page are there. */
static void test_broken_template(void **state)
{
	struct fixture *fx = *state;
	char *tmpl = testutil_path_in(fx->root, "templates");
	static const char *const names[] = {"common.gp", "panels.gp",  "tasks.gp",  "cost.gp",
					    "cpu.gp",	 "latency.gp", "backlog.gp"};
	static const char *const drawn[] = {"cost", "latency", NULL};
	static const char *const absent[] = {"tasks", NULL};
	struct diag d;

	NEED_GNUPLOT();
	run_scenario(SHORT, fx->out);
	assert_int_equal(mkdir(tmpl, 0755), 0);
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		char *src = xasprintf("plots/%s", names[i]);
		copy_file(src, tmpl, names[i]);
		free(src);
	}
	write_file(tmpl, "tasks.gp", "load plotdir . '/common.gp'\nplot no_such_variable\n");
	setenv("SPOTSIM_PLOTS", tmpl, 1);
	diag_init(&d);
	int rc = render(fx->out, &d);
	unsetenv("SPOTSIM_PLOTS");
	assert_int_equal(rc, SPOTSIM_EIO);
	assert_true(diag_has(&d, DIAG_ERROR, "plots/tasks.png: gnuplot failed"));
	assert_figures(fx->out, drawn);
	assert_no_figures(fx->out, absent);
	assert_no_temporaries(fx->out);
	diag_release(&d);
	free(tmpl);
}

/*
 * A gnuplot that exits 0 but leaves truncated images (as on a full disk:
 * gnuplot does not check its writes), written in `bin`: a PNG without its
 * IEND chunk, an SVG without </svg>.
 */
static void fake_truncating_gnuplot(const char *bin)
{
	char *path = testutil_path_in(bin, "gnuplot");

	assert_int_equal(mkdir(bin, 0755), 0);
	write_file(bin, "gnuplot",
		   "#!/bin/sh\n"
		   "PATH=/usr/bin:/bin\n"
		   "out=$(printf '%s' \"$3\" | sed -n \"s/.*outfile='\\([^']*\\)'.*/\\1/p\")\n"
		   "case \"$3\" in\n"
		   "*\"term='png'\"*) printf '\\211PNG\\r\\n\\032\\nhalf an image' >\"$out\" ;;\n"
		   "*) printf '<svg xmlns=\"http://www.w3.org/2000/svg\"><g>' >\"$out\" ;;\n"
		   "esac\n");
	assert_int_equal(chmod(path, 0755), 0);
	free(path);
}

/* Incomplete images are errors: none is kept, and the earlier complete ones are removed. */
static void test_incomplete_images(void **state)
{
	struct fixture *fx = *state;
	char *path = xstrdup(getenv("PATH") ? getenv("PATH") : "");
	char *bin = testutil_path_in(fx->root, "bin");
	static const char *const absent[] = {"tasks", "cost", "cpu", "latency", NULL};
	struct diag d;

	NEED_GNUPLOT();
	run_scenario(SHORT, fx->out);
	diag_init(&d);
	assert_int_equal(render(fx->out, &d), 0); /* complete images first */
	assert_true(testutil_exists(fx->out, "plots/tasks.png"));
	diag_release(&d);
	fake_truncating_gnuplot(bin);
	setenv("PATH", bin, 1);
	diag_init(&d);
	int rc = render(fx->out, &d);
	setenv("PATH", path, 1);
	assert_int_equal(rc, SPOTSIM_EIO);
	assert_true(
	    diag_has(&d, DIAG_ERROR,
		     "plots/tasks.png: gnuplot wrote no complete PNG image (is the disk full?)"));
	assert_true(
	    diag_has(&d, DIAG_ERROR,
		     "plots/tasks.svg: gnuplot wrote no complete SVG image (is the disk full?)"));
	assert_no_figures(fx->out, absent);
	assert_false(testutil_exists(fx->out, "plots")); /* left empty, so removed */
	assert_true(file_has(fx->out, "report.html", "</html>"));
	assert_false(file_has(fx->out, "report.html", "<figure"));
	assert_no_temporaries(fx->out);
	diag_release(&d);
	free(bin);
	free(path);
}

/* ---- input errors ---- */

static void test_missing_folder(void **state)
{
	struct fixture *fx = *state;
	struct diag d;

	diag_init(&d);
	assert_int_equal(render(fx->out, &d), SPOTSIM_ENOENT);
	assert_true(diag_has(&d, DIAG_ERROR, "out: no such folder"));
	assert_false(testutil_exists(fx->out, "report.html"));
	diag_release(&d);
}

static void test_missing_csv(void **state)
{
	struct fixture *fx = *state;
	struct diag d;

	assert_int_equal(mkdir(fx->out, 0755), 0);
	write_file(fx->out, "timeseries.csv", "variant,t_s\n");
	diag_init(&d);
	assert_int_equal(render(fx->out, &d), SPOTSIM_ENOENT);
	assert_int_equal(d.nr, 1); /* one line names every missing file */
	assert_true(
	    diag_has(&d, DIAG_ERROR, "out: no events.csv, replications.csv in this folder"));
	assert_false(testutil_exists(fx->out, "report.html"));
	diag_release(&d);
}

static void test_missing_column(void **state)
{
	struct fixture *fx = *state;
	struct diag d;

	assert_int_equal(mkdir(fx->out, 0755), 0);
	write_file(fx->out, "timeseries.csv", "variant,t_s,desired\nbase,60,2\n");
	write_file(fx->out, "events.csv", "variant,t_s,event,task_id,provider,detail\n");
	write_file(fx->out, "replications.csv", "variant,sweep,replication,seed\n");
	diag_init(&d);
	assert_int_equal(render(fx->out, &d), SPOTSIM_EINVAL);
	assert_true(diag_has(&d, DIAG_ERROR, "timeseries.csv: no column \"running_spot\""));
	assert_false(testutil_exists(fx->out, "report.html"));
	diag_release(&d);
}

static void test_malformed_csv(void **state)
{
	struct fixture *fx = *state;
	struct diag d;

	run_scenario(SHORT, fx->out);
	write_file(fx->out, "summary.csv", "variant,sweep,metric\n\"base,,cost_usd\n");
	diag_init(&d);
	int rc = render(fx->out, &d);
	assert_true(rc == SPOTSIM_ESYNTAX || rc == SPOTSIM_EINVAL);
	assert_true(diag_has(&d, DIAG_ERROR, "summary.csv: malformed CSV"));
	diag_release(&d);
}

/* An empty time series (header only) draws no time figure but still a page. */
static void test_empty_timeseries(void **state)
{
	struct fixture *fx = *state;
	static const char *const absent[] = {"tasks", "cost", "cpu", "latency", "backlog", NULL};
	struct diag d;

	NEED_GNUPLOT();
	assert_int_equal(mkdir(fx->out, 0755), 0);
	write_file(fx->out, "timeseries.csv",
		   "variant,t_s,time,load_rps,desired,running_fargate,running_spot,"
		   "pending_fargate,pending_spot,draining,cpu_pct,mem_pct,dropped,p95_ms,backlog,"
		   "cost_usd_cum,spot_available\n");
	write_file(fx->out, "events.csv", "variant,t_s,event,task_id,provider,detail\n");
	write_file(fx->out, "replications.csv", "variant,sweep,replication,seed,cost_usd\n");
	diag_init(&d);
	assert_int_equal(render(fx->out, &d), 0);
	assert_true(testutil_exists(fx->out, "report.html"));
	assert_no_figures(fx->out, absent);
	assert_true(file_has(fx->out, "report.html", "no summary.csv"));
	diag_release(&d);
}

/* ---- the command ---- */

static void test_cmd_plot(void **state)
{
	struct fixture *fx = *state;
	char *help[] = {(char *)"plot", (char *)"--help", NULL};
	char *none[] = {(char *)"plot", NULL};
	char *bad[] = {(char *)"plot", (char *)"--frobnicate", (char *)fx->out, NULL};
	char *missing[] = {(char *)"plot", (char *)fx->out, (char *)"--quiet", NULL};

	assert_int_equal(quiet_cmd_plot(2, help), EXIT_OK);
	assert_int_equal(cmd_plot(1, none), EXIT_USAGE);
	assert_int_equal(cmd_plot(3, bad), EXIT_USAGE);
	assert_int_equal(cmd_plot(3, missing), EXIT_USAGE);
	run_scenario(SHORT, fx->out);
	if (on_path("gnuplot"))
		assert_int_equal(cmd_plot(3, missing), EXIT_OK);
	assert_true(testutil_exists(fx->out, "report.html"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup_teardown(test_request_service, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_example_experiment, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_verdict_section, setup, teardown),
	    cmocka_unit_test(test_series_gaps),
	    cmocka_unit_test_setup_teardown(test_unreadable_scenario_copy, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_queue_with_sweep, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_variants_then_redraw, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_odd_variant_name, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_report_is_self_contained, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_every_variant_drawn, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_latency_outlier_clipped, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_no_gnuplot, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_no_templates, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_broken_template, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_incomplete_images, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_missing_folder, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_missing_csv, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_missing_column, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_malformed_csv, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_empty_timeseries, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_cmd_plot, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
