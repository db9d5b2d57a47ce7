/*
 * test_dist — distribution text: every kind, every error message,
 * empirical files (written by the test into a temporary folder), sampling
 * bounds and means.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include "spotsim/engine/dist.h"
#include "spotsim/util/error.h"
#include "spotsim/engine/rng.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define ALL_KINDS "fixed, uniform, exponential, lognormal, normal, weibull, empirical"

static char tmpdir[64];

/* ---- well-formed text ---- */

static const struct {
	const char *text, *name, *canonical;
} good[] = {
    {"5s", "fixed", "fixed(5s)"},
    {"  40ms ", "fixed", "fixed(40ms)"},
    {"90", "fixed", "fixed(1m30s)"},
    {"fixed(5s)", "fixed", "fixed(5s)"},
    {"fixed( 1.5s )", "fixed", "fixed(1.5s)"},
    {"fixed(0.000001)", "fixed", "fixed(0.000001s)"},
    {"fixed(1h30m)", "fixed", "fixed(1h30m)"},
    {"fixed(0)", "fixed", "fixed(0s)"},
    {"uniform(1s, 2s)", "uniform", "uniform(1s, 2s)"},
    {"uniform(2s,2s)", "uniform", "uniform(2s, 2s)"},
    {"exponential(30s)", "exponential", "exponential(30s)"},
    {"exponential(0)", "exponential", "exponential(0s)"},
    {"lognormal(12s, 0.3)", "lognormal", "lognormal(12s, 0.3)"},
    {"lognormal(250ms,1)", "lognormal", "lognormal(250ms, 1)"},
    {"normal(30s, 5s)", "normal", "normal(30s, 5s)"},
    {"normal(30s, 0s)", "normal", "normal(30s, 0s)"},
    {"weibull(2h, 0.7)", "weibull", "weibull(2h, 0.7)"},
    {"weibull(1.25, 1e-3)", "weibull", "weibull(1.25s, 0.001)"},
};

static void test_parse_each_kind(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(good) / sizeof(good[0]); i++) {
		struct dist d, again;
		struct strbuf why = STRBUF_INIT, text = STRBUF_INIT, text2 = STRBUF_INIT;

		assert_int_equal(dist_parse(good[i].text, NULL, &d, &why), 0);
		assert_int_equal(why.len, 0);
		assert_string_equal(dist_name(&d), good[i].name);
		dist_describe(&d, &text);
		assert_string_equal(text.buf, good[i].canonical);

		/* the canonical text reads back to the same distribution */
		assert_int_equal(dist_parse(text.buf, NULL, &again, &why), 0);
		dist_describe(&again, &text2);
		assert_string_equal(text2.buf, text.buf);
		assert_true(again.p[0] == d.p[0] && again.p[1] == d.p[1] && again.x == d.x);

		dist_release(&d);
		dist_release(&again);
		strbuf_release(&text);
		strbuf_release(&text2);
	}
}

static void test_parameters(void **state)
{
	struct dist d;
	struct strbuf why = STRBUF_INIT;
	(void)state;

	assert_int_equal(dist_parse("lognormal(12s, 0.3)", "", &d, &why), 0);
	assert_int_equal(d.p[0], 12 * SIM_SEC);
	assert_true(d.x == 0.3);
	dist_release(&d);
	assert_int_equal(dist_parse("uniform(40ms, 1m)", NULL, &d, &why), 0);
	assert_int_equal(d.p[0], 40 * SIM_MSEC);
	assert_int_equal(d.p[1], SIM_MIN);
	dist_release(&d);
	assert_null(d.type);
	dist_release(&d); /* twice is fine */
	strbuf_release(&why);
}

/* ---- errors ---- */

static const struct {
	const char *text;
	int rc;
	const char *msg;
} bad[] = {
    {"", SPOTSIM_ESYNTAX,
     "empty distribution (accepted: a duration such as \"5s\", or " ALL_KINDS ")"},
    {"   ", SPOTSIM_ESYNTAX,
     "empty distribution (accepted: a duration such as \"5s\", or " ALL_KINDS ")"},
    {"lognorm(12s, 0.3)", SPOTSIM_EINVAL,
     "unknown distribution \"lognorm\" (accepted: " ALL_KINDS ")"},
    {"Fixed(5s)", SPOTSIM_EINVAL, "unknown distribution \"Fixed\" (accepted: " ALL_KINDS ")"},
    {"(5s)", SPOTSIM_EINVAL, "unknown distribution \"\" (accepted: " ALL_KINDS ")"},
    {"lognormal(12s)", SPOTSIM_EINVAL,
     "\"lognormal(12s)\" needs 2 arguments: lognormal(median, sigma)"},
    {"fixed()", SPOTSIM_EINVAL, "\"fixed()\" needs 1 argument: fixed(duration)"},
    {"uniform(1s, 2s, 3s)", SPOTSIM_EINVAL,
     "\"uniform(1s, 2s, 3s)\" needs 2 arguments: uniform(a, b)"},
    {"empirical()", SPOTSIM_EINVAL, "\"empirical()\" needs 1 argument: empirical(path.csv)"},
    {"lognormal", SPOTSIM_EINVAL, "\"lognormal\" needs arguments: lognormal(median, sigma)"},
    {"lognormal(12s, 0.3", SPOTSIM_ESYNTAX,
     "\"lognormal(12s, 0.3\" does not end with \")\" (accepted: lognormal(median, sigma))"},
    {"fixed(5s) later", SPOTSIM_ESYNTAX,
     "\"fixed(5s) later\" does not end with \")\" (accepted: fixed(duration))"},
    {"soon", SPOTSIM_ESYNTAX,
     "\"soon\" is not a duration or a distribution (accepted: a duration such as \"5s\", "
     "or " ALL_KINDS ")"},
    {"-5s", SPOTSIM_ERANGE, "\"-5s\" is out of range (accepted: a duration of 0 or more)"},
    {"lognormal(12x, 0.3)", SPOTSIM_ESYNTAX,
     "lognormal median \"12x\" is not a duration (accepted: a number of seconds or a "
     "duration such as \"40ms\", \"12s\", \"5m\")"},
    {"fixed(5s))", SPOTSIM_ESYNTAX,
     "fixed duration \"5s)\" is not a duration (accepted: a number of seconds or a "
     "duration such as \"40ms\", \"12s\", \"5m\")"},
    {"lognormal(0s, 0.3)", SPOTSIM_ERANGE,
     "lognormal median \"0s\" is out of range (accepted: greater than 0)"},
    {"lognormal(12s, 0)", SPOTSIM_ERANGE,
     "lognormal sigma \"0\" is out of range (accepted: greater than 0)"},
    {"lognormal(12s, -1)", SPOTSIM_ERANGE,
     "lognormal sigma \"-1\" is out of range (accepted: greater than 0)"},
    {"lognormal(12s, abc)", SPOTSIM_ESYNTAX,
     "lognormal sigma \"abc\" is not a number (accepted: a finite number, e.g. 0.3)"},
    {"lognormal(12s, nan)", SPOTSIM_ESYNTAX,
     "lognormal sigma \"nan\" is not a number (accepted: a finite number, e.g. 0.3)"},
    {"lognormal(12s, inf)", SPOTSIM_ESYNTAX,
     "lognormal sigma \"inf\" is not a number (accepted: a finite number, e.g. 0.3)"},
    {"lognormal(12s, 0.3x)", SPOTSIM_ESYNTAX,
     "lognormal sigma \"0.3x\" is not a number (accepted: a finite number, e.g. 0.3)"},
    {"weibull(0s, 1)", SPOTSIM_ERANGE,
     "weibull scale \"0s\" is out of range (accepted: greater than 0)"},
    {"weibull(1h, 0)", SPOTSIM_ERANGE,
     "weibull shape \"0\" is out of range (accepted: greater than 0)"},
    {"uniform(10s, 5s)", SPOTSIM_ERANGE,
     "\"uniform(10s, 5s)\": a must not exceed b (accepted: uniform(a, b) with a <= b)"},
    {"exponential(-3s)", SPOTSIM_ERANGE,
     "exponential mean \"-3s\" is out of range (accepted: a duration of 0 or more)"},
    {"normal(30s, -1s)", SPOTSIM_ERANGE,
     "normal sd \"-1s\" is out of range (accepted: a duration of 0 or more)"},
    {"uniform(, 2s)", SPOTSIM_ESYNTAX,
     "uniform a \"\" is not a duration (accepted: a number of seconds or a duration such "
     "as \"40ms\", \"12s\", \"5m\")"},
};

static void test_every_error_message(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		struct dist d;
		struct strbuf why = STRBUF_INIT;

		assert_int_equal(dist_parse(bad[i].text, NULL, &d, &why), bad[i].rc);
		assert_string_equal(why.buf, bad[i].msg);
		assert_null(d.type); /* empty after a failure */
		assert_null(d.values);
		dist_release(&d);
		strbuf_release(&why);
	}
}

static void test_from_seconds(void **state)
{
	struct dist d;
	struct strbuf s = STRBUF_INIT;
	(void)state;

	assert_int_equal(dist_from_seconds(1.5, &d), 0);
	dist_describe(&d, &s);
	assert_string_equal(s.buf, "fixed(1.5s)");
	assert_true(dist_mean_seconds(&d) == 1.5);
	assert_int_equal(dist_from_seconds(-1, &d), SPOTSIM_ERANGE);
	assert_null(d.type);
	assert_int_equal(dist_from_seconds(NAN, &d), SPOTSIM_ERANGE);
	assert_int_equal(dist_from_seconds(INFINITY, &d), SPOTSIM_ERANGE);
	assert_int_equal(dist_from_seconds(1e300, &d), SPOTSIM_ERANGE);
	assert_null(d.type);
	strbuf_release(&s);
}

/* ---- empirical files ---- */

static void write_file(const char *name, const char *content)
{
	char path[256];
	snprintf(path, sizeof(path), "%s/%s", tmpdir, name);
	FILE *f = fopen(path, "w");
	assert_non_null(f);
	fputs(content, f);
	fclose(f);
}

static int setup(void **state)
{
	(void)state;
	rng_global_init();
	snprintf(tmpdir, sizeof(tmpdir), "/tmp/test_dist.XXXXXX");
	if (!mkdtemp(tmpdir))
		return -1;
	write_file("ok.csv", "seconds\n1\n2.5\n\n40ms\n3s\n");
	write_file("noheader.csv", "7\n8\r\n");
	write_file("a,b.csv", "4\n");
	write_file("empty.csv", "");
	write_file("header_only.csv", "seconds\n");
	write_file("negative.csv", "seconds\n1\n-2\n");
	write_file("word.csv", "seconds\nabc\n");
	write_file("two_headers.csv", "seconds\nduration\n1\n");
	write_file("two_fields.csv", "1,2\n");
	write_file("quote.csv", "1\n\"2\n");
	char dir[128];
	snprintf(dir, sizeof(dir), "%s/dir.csv", tmpdir);
	return mkdir(dir, 0700);
}

static int teardown(void **state)
{
	const char *names[] = {"ok.csv",	  "noheader.csv", "a,b.csv",  "empty.csv",
			       "header_only.csv", "negative.csv", "word.csv", "two_headers.csv",
			       "two_fields.csv",  "quote.csv"};
	char path[256];
	(void)state;

	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		snprintf(path, sizeof(path), "%s/%s", tmpdir, names[i]);
		unlink(path);
	}
	snprintf(path, sizeof(path), "%s/dir.csv", tmpdir);
	rmdir(path);
	return rmdir(tmpdir);
}

static void test_empirical(void **state)
{
	struct dist d, copy;
	struct strbuf why = STRBUF_INIT, s = STRBUF_INIT;
	struct rng r;
	int hits[4] = {0};
	const sim_time want[] = {SIM_SEC, 2500 * SIM_MSEC, 40 * SIM_MSEC, 3 * SIM_SEC};
	(void)state;

	assert_int_equal(dist_parse("empirical( ok.csv )", tmpdir, &d, &why), 0);
	assert_int_equal(d.nr, 4);
	for (int i = 0; i < 4; i++)
		assert_int_equal(d.values[i], want[i]);
	assert_true(fabs(dist_mean_seconds(&d) - 6.54 / 4) < 1e-12);
	dist_describe(&d, &s);
	assert_string_equal(s.buf, "empirical(ok.csv)");

	dist_copy(&copy, &d);
	dist_release(&d); /* the copy owns its own values */
	rng_init(&r, 1, 0, RNG_JOB_SIZES);
	for (int i = 0; i < 40000; i++) {
		sim_time v = dist_sample(&copy, &r);
		int k = 0;
		while (k < 4 && want[k] != v)
			k++;
		assert_true(k < 4);
		hits[k]++;
	}
	for (int k = 0; k < 4; k++)
		assert_true(abs(hits[k] - 10000) < 600); /* sd 87 */
	dist_release(&copy);
	rng_release(&r);
	strbuf_release(&s);
	strbuf_release(&why);
}

static void test_empirical_paths(void **state)
{
	struct dist d;
	struct strbuf why = STRBUF_INIT;
	char text[256], slash[128];
	(void)state;

	snprintf(text, sizeof(text), "empirical(%s/noheader.csv)", tmpdir);
	assert_int_equal(dist_parse(text, "/nonexistent", &d, &why), 0); /* absolute */
	assert_int_equal(d.nr, 2);
	assert_int_equal(d.values[1], 8 * SIM_SEC);
	dist_release(&d);
	assert_int_equal(dist_parse(text, NULL, &d, &why), 0);
	dist_release(&d);

	snprintf(slash, sizeof(slash), "%s/", tmpdir);
	assert_int_equal(dist_parse("empirical(noheader.csv)", slash, &d, &why), 0);
	dist_release(&d);
	assert_int_equal(dist_parse("empirical(a,b.csv)", tmpdir, &d, &why), 0); /* a comma */
	assert_int_equal(d.values[0], 4 * SIM_SEC);
	dist_release(&d);
	assert_int_equal(why.len, 0);
	strbuf_release(&why);
}

static void expect_file_error(const char *name, int rc, const char *msg)
{
	struct dist d;
	struct strbuf why = STRBUF_INIT, text = STRBUF_INIT;

	strbuf_addf(&text, "empirical(%s)", name);
	assert_int_equal(dist_parse(text.buf, tmpdir, &d, &why), rc);
	assert_string_equal(why.buf, msg);
	assert_null(d.type);
	assert_null(d.values);
	strbuf_release(&why);
	strbuf_release(&text);
}

static void test_empirical_errors(void **state)
{
	char msg[512];
	(void)state;

	expect_file_error("empty.csv", SPOTSIM_EINVAL,
			  "empirical file \"empty.csv\" has no values (accepted: one duration or "
			  "number of seconds per row)");
	expect_file_error("header_only.csv", SPOTSIM_EINVAL,
			  "empirical file \"header_only.csv\" has no values (accepted: one "
			  "duration or number of seconds per row)");
	expect_file_error("negative.csv", SPOTSIM_ERANGE,
			  "empirical file \"negative.csv\" record 3: \"-2\" is negative "
			  "(accepted: 0 or more)");
	expect_file_error("word.csv", SPOTSIM_ESYNTAX,
			  "empirical file \"word.csv\" record 2: \"abc\" is not a duration or a "
			  "number of seconds");
	expect_file_error("two_headers.csv", SPOTSIM_ESYNTAX,
			  "empirical file \"two_headers.csv\" record 2: \"duration\" is not a "
			  "duration or a number of seconds");
	expect_file_error("two_fields.csv", SPOTSIM_ESYNTAX,
			  "empirical file \"two_fields.csv\" record 1 has 2 fields (accepted: one "
			  "value per row)");

	snprintf(msg, sizeof(msg),
		 "empirical file \"missing.csv\" (%s/missing.csv): cannot open file: no such file "
		 "or directory (accepted: a readable file)",
		 tmpdir);
	expect_file_error("missing.csv", SPOTSIM_ENOENT, msg);
	snprintf(msg, sizeof(msg),
		 "empirical file \"dir.csv\" (%s/dir.csv): is a folder (accepted: a regular file "
		 "of at most 64 MiB)",
		 tmpdir);
	expect_file_error("dir.csv", SPOTSIM_EIO, msg);

	struct dist d;
	struct strbuf why = STRBUF_INIT;
	assert_int_equal(dist_parse("empirical(quote.csv)", tmpdir, &d, &why), SPOTSIM_ESYNTAX);
	assert_true(strstr(why.buf, "empirical file \"quote.csv\"") == why.buf);
	assert_non_null(strstr(why.buf, "malformed CSV"));
	assert_null(strchr(why.buf, '\n'));
	strbuf_release(&why);
}

/* ---- sampling ---- */

static struct dist parsed(const char *text)
{
	struct dist d;
	struct strbuf why = STRBUF_INIT;
	assert_int_equal(dist_parse(text, NULL, &d, &why), 0);
	strbuf_release(&why);
	return d;
}

static void test_fixed_is_exact(void **state)
{
	struct dist d = parsed("fixed(1.234567s)");
	struct rng r;
	(void)state;

	rng_init(&r, 1, 0, RNG_STARTUP);
	for (int i = 0; i < 1000; i++)
		assert_int_equal(dist_sample(&d, &r), 1234567);
	rng_release(&r);
	dist_release(&d);
}

static void test_uniform_within_bounds(void **state)
{
	struct dist d = parsed("uniform(2s, 3s)");
	struct rng r;
	sim_time lo = SIM_TIME_MAX, hi = 0;
	(void)state;

	rng_init(&r, 2, 0, RNG_STARTUP);
	for (int i = 0; i < 100000; i++) {
		sim_time v = dist_sample(&d, &r);
		assert_true(v >= 2 * SIM_SEC && v <= 3 * SIM_SEC);
		lo = v < lo ? v : lo;
		hi = v > hi ? v : hi;
	}
	assert_true(lo < 2 * SIM_SEC + 1000 && hi > 3 * SIM_SEC - 1000); /* it fills the range */
	dist_release(&d);
	d = parsed("uniform(5s, 5s)");
	assert_int_equal(dist_sample(&d, &r), 5 * SIM_SEC);
	rng_release(&r);
	dist_release(&d);
}

/* Sample mean within `tol` seconds of dist_mean_seconds; returns the smallest sample. */
static sim_time check_mean(const char *text, double tol, int n)
{
	struct dist d = parsed(text);
	struct rng r;
	double sum = 0;
	sim_time lo = SIM_TIME_MAX;

	rng_init(&r, 3, 0, RNG_SERVICE);
	for (int i = 0; i < n; i++) {
		sim_time v = dist_sample(&d, &r);
		sum += simtime_seconds(v);
		lo = v < lo ? v : lo;
	}
	print_message("%s: mean %.4f s, expected %.4f s\n", text, sum / n, dist_mean_seconds(&d));
	assert_true(fabs(sum / n - dist_mean_seconds(&d)) < tol);
	rng_release(&r);
	dist_release(&d);
	return lo;
}

static void test_means(void **state)
{
	(void)state;
	/* tolerances are over six standard errors of the sample mean */
	check_mean("exponential(30s)", 0.6, 100000);	 /* se 0.095 */
	check_mean("lognormal(12s, 0.3)", 0.08, 100000); /* se 0.012 */
	check_mean("weibull(2h, 0.7)", 300, 100000);	 /* se 44 */
	check_mean("uniform(1s, 3s)", 0.02, 100000);	 /* se 0.0018 */
	check_mean("normal(30s, 5s)", 0.1, 100000);	 /* se 0.016 */
}

static void test_normal_never_negative(void **state)
{
	(void)state;
	/* a third of the untruncated mass is below 0: every such draw must be redrawn */
	assert_true(check_mean("normal(1s, 2s)", 0.03, 100000) >= 0); /* se 0.0044 */
	assert_true(check_mean("normal(0s, 1s)", 0.02, 100000) >= 0); /* se 0.0019 */
	struct dist d = parsed("normal(0s, 1s)"); /* half-normal: mean sqrt(2/pi) */
	assert_true(fabs(dist_mean_seconds(&d) - sqrt(2 / M_PI)) < 1e-12);
	dist_release(&d);
}

static void test_empty_dist(void **state)
{
	struct dist d = DIST_INIT;
	struct strbuf s = STRBUF_INIT;
	(void)state;

	assert_string_equal(dist_name(&d), "");
	dist_describe(&d, &s);
	assert_int_equal(s.len, 0);
	dist_release(&d);
	strbuf_release(&s);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_parse_each_kind),
	    cmocka_unit_test(test_parameters),
	    cmocka_unit_test(test_every_error_message),
	    cmocka_unit_test(test_from_seconds),
	    cmocka_unit_test(test_empirical),
	    cmocka_unit_test(test_empirical_paths),
	    cmocka_unit_test(test_empirical_errors),
	    cmocka_unit_test(test_fixed_is_exact),
	    cmocka_unit_test(test_uniform_within_bounds),
	    cmocka_unit_test(test_means),
	    cmocka_unit_test(test_normal_never_negative),
	    cmocka_unit_test(test_empty_dist),
	};
	return cmocka_run_group_tests_name("dist", tests, setup, teardown);
}
