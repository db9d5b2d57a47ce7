/*
 * Tests of the price table and task cost: AWS's four worked examples
 * (aws.amazon.com/fargate/pricing) to the cent, billing rounding and
 * minimums, the bundled table's coverage and derivations, and every way the
 * loader refuses a file, by failure mode. Run from the repository root (as
 * `make test` does): the bundled table is read as data/pricing.csv.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "spotsim/util/error.h"
#include "spotsim/model/pricing.h"
#include "spotsim/util/xalloc.h"

#define BUNDLED "data/pricing.csv"

#define HEADER                                                                                     \
	"region,provider,os,arch,vcpu_hour,gb_hour,storage_gb_hour,os_license_vcpu_hour,as_of,"    \
	"source,derived\n"
#define GOOD_ROW      "us-east-1,FARGATE,LINUX,X86_64,0.04048,0.004445,0.00011088,0,2021,test,no\n"
#define RATE_ACCEPTED "(accepted: a non-negative rate in USD per hour)"

static int load_bundled(void **state)
{
	struct price_table *t = xmalloc(sizeof(*t));
	struct diag d;
	pricing_init(t);
	diag_init(&d);
	int rc = pricing_load(t, BUNDLED, &d);
	if (rc) {
		for (size_t i = 0; i < d.nr; i++) {
			char *line = diag_line(&d, i);
			fprintf(stderr, "%s\n", line);
			free(line);
		}
	}
	diag_release(&d);
	*state = t;
	return rc;
}

static int free_bundled(void **state)
{
	pricing_release(*state);
	free(*state);
	return 0;
}

static const struct price_rate *find(void **state, const char *region, enum provider p,
				     enum os_family os, enum cpu_arch a)
{
	const struct price_rate *r = pricing_find(*state, region, p, os, a);
	if (!r)
		fail_msg("no rate for %s %s %s %s", region, fargate_provider_name(p),
			 fargate_os_name(os), fargate_arch_name(a));
	return r;
}

/* A line item as the pricing page prints it: rounded to the cent. */
static void assert_cents(double value, double page, double exact)
{
	if (fabs(value - exact) > 1e-9)
		fail_msg("got %.9f, exact value %.9f", value, exact);
	if (fabs(value - page) >= 0.005)
		fail_msg("got %.6f, the page shows %.2f", value, page);
	assert_int_equal(lround(value * 100), lround(page * 100));
}

/* `tasks` tasks, one run of `run_s` seconds a day for `days` days. */
static void bill(void **state, enum cpu_arch arch, enum os_family os, struct task_size sz,
		 int tasks, double run_s, int days, struct cost_items *out)
{
	const struct price_rate *r = find(state, "us-east-1", PROVIDER_FARGATE, os, arch);
	int64_t billed = pricing_billed_seconds((sim_time)(run_s * SIM_SEC), os);
	sz.os = os;
	sz.arch = arch;
	pricing_cost(r, &sz, (double)tasks * days * (double)billed, out);
}

/* Example 1: Linux/x86, 5 tasks, 600 s a day, 30 days, 1 vCPU, 2 GB, 30 GB storage. */
static void test_aws_example_1(void **state)
{
	struct cost_items c;
	bill(state, ARCH_X86_64, OS_LINUX,
	     (struct task_size){1024, 2048, 30, OS_LINUX, ARCH_X86_64}, 5, 600, 30, &c);
	assert_cents(c.vcpu, 1.01, 1.01196);
	assert_cents(c.memory, 0.22, 0.2223);
	assert_cents(c.storage, 0.03, 0.02772);
	assert_cents(c.os_license, 0, 0);
	assert_cents(c.total, 1.26, 1.26198);
}

/* Example 2: the same on ARM. */
static void test_aws_example_2(void **state)
{
	struct cost_items c;
	bill(state, ARCH_ARM64, OS_LINUX, (struct task_size){1024, 2048, 30, OS_LINUX, ARCH_X86_64},
	     5, 600, 30, &c);
	assert_cents(c.vcpu, 0.81, 0.809496);
	assert_cents(c.memory, 0.18, 0.178002);
	assert_cents(c.storage, 0.03, 0.02772);
	assert_cents(c.total, 1.02, 1.015218);
}

/* Example 3: 10 tasks (pods), 3600 s a day, 30 days, 0.25 vCPU, 1 GB, x86. */
static void test_aws_example_3(void **state)
{
	struct cost_items c;
	bill(state, ARCH_X86_64, OS_LINUX, (struct task_size){256, 1024, 20, OS_LINUX, ARCH_X86_64},
	     10, 3600, 30, &c);
	assert_cents(c.vcpu, 3.04, 3.03588);
	assert_cents(c.memory, 1.33, 1.3338);
	assert_cents(c.storage, 0, 0);
	assert_cents(c.total, 4.37, 4.36968);
}

/* Example 4: Windows, 10 tasks, 3600 s a day, 30 days, 1 vCPU, 2 GB. */
static void test_aws_example_4(void **state)
{
	struct cost_items c;
	bill(state, ARCH_X86_64, OS_WINDOWS,
	     (struct task_size){1024, 2048, 20, OS_LINUX, ARCH_X86_64}, 10, 3600, 30, &c);
	assert_cents(c.vcpu, 27.45, 27.450036);
	assert_cents(c.os_license, 13.80, 13.800024);
	assert_cents(c.memory, 6.00, 6.000048);
	assert_cents(c.storage, 0, 0);
	assert_cents(c.total, 47.25, 47.250108);
}

static void test_billed_seconds(void **state)
{
	(void)state;
	assert_int_equal(pricing_billed_seconds(30 * SIM_SEC, OS_LINUX), 60);
	assert_int_equal(pricing_billed_seconds(61200 * SIM_MSEC, OS_LINUX), 62);
	assert_int_equal(pricing_billed_seconds(4 * SIM_MIN, OS_WINDOWS), 300);
	assert_int_equal(pricing_billed_seconds(60 * SIM_SEC, OS_LINUX), 60);
	assert_int_equal(pricing_billed_seconds(60 * SIM_SEC + 1, OS_LINUX), 61);
	assert_int_equal(pricing_billed_seconds(1, OS_LINUX), 60);
	assert_int_equal(pricing_billed_seconds(300 * SIM_SEC + 1, OS_WINDOWS), 301);
	assert_int_equal(pricing_billed_seconds(7 * SIM_DAY, OS_LINUX), 7 * 86400);
	assert_int_equal(pricing_billed_seconds(0, OS_LINUX), 0);
	assert_int_equal(pricing_billed_seconds(-5 * SIM_SEC, OS_WINDOWS), 0);
}

static void test_cost_arithmetic(void **state)
{
	(void)state;
	struct price_rate r = {.vcpu_hour = 0.04048,
			       .gb_hour = 0.004445,
			       .storage_gb_hour = 0.0001,
			       .os_license_vcpu_hour = 0.5};
	struct cost_items c;
	/* 0.25 vCPU + 0.5 GB for 24 h (eu-west-1's rates) = $0.29622 */
	pricing_cost(&r, &(struct task_size){256, 512, 20, OS_LINUX, ARCH_X86_64}, 86400, &c);
	assert_true(fabs(c.total - 0.29622) < 1e-12);
	/* the licence rate is only charged to Windows; storage only above 20 GiB */
	assert_true(c.os_license == 0 && c.storage == 0);
	pricing_cost(&r, &(struct task_size){1024, 2048, 200, OS_WINDOWS, ARCH_X86_64}, 3600, &c);
	assert_true(fabs(c.os_license - 0.5) < 1e-12);
	assert_true(fabs(c.storage - 180 * 0.0001) < 1e-12);
	/* zero task-seconds cost nothing */
	pricing_cost(&r, &(struct task_size){1024, 2048, 30, OS_LINUX, ARCH_X86_64}, 0, &c);
	assert_true(c.total == 0);
}

static void test_override(void **state)
{
	const struct price_rate *base =
	    find(state, "eu-west-1", PROVIDER_FARGATE_SPOT, OS_LINUX, ARCH_X86_64);
	struct price_override o = {0.01, -1, 0, -1};
	struct price_rate r;
	pricing_apply_override(base, &o, &r);
	assert_true(r.vcpu_hour == 0.01);
	assert_true(r.gb_hour == base->gb_hour);
	assert_true(r.storage_gb_hour == 0);
	assert_true(r.os_license_vcpu_hour == base->os_license_vcpu_hour);
	assert_string_equal(r.region, "eu-west-1");
	assert_int_equal(r.provider, PROVIDER_FARGATE_SPOT);
}

static const char *const regions[] = {
    "us-east-1",     "us-east-2",      "us-west-1",	 "us-west-2",	   "ca-central-1",
    "eu-west-1",     "eu-west-2",      "eu-west-3",	 "eu-central-1",   "eu-north-1",
    "eu-south-1",    "ap-southeast-1", "ap-southeast-2", "ap-northeast-1", "ap-northeast-2",
    "ap-south-1",    "ap-east-1",      "sa-east-1",	 "af-south-1",	   "me-south-1",
    "us-gov-east-1", "us-gov-west-1",
};
#define NREGIONS (sizeof(regions) / sizeof(regions[0]))

/* Every region has Linux x86 and ARM on both providers; Windows only in us-east-1. */
static void test_bundled_coverage(void **state)
{
	const struct price_table *t = *state;
	assert_int_equal(t->nr, NREGIONS * 4 + 1);
	for (size_t i = 0; i < NREGIONS; i++) {
		for (int p = 0; p < PROVIDER_COUNT; p++) {
			for (int a = 0; a < ARCH_COUNT; a++) {
				const struct price_rate *r =
				    find(state, regions[i], (enum provider)p, OS_LINUX,
					 (enum cpu_arch)a);
				assert_true(r->vcpu_hour > 0 && r->gb_hour > 0);
				assert_true(r->storage_gb_hour == 0.00011088);
				assert_true(r->os_license_vcpu_hour == 0);
				assert_true(*r->as_of && *r->source);
			}
		}
		bool windows = !strcmp(regions[i], "us-east-1");
		assert_int_equal(
		    pricing_find(t, regions[i], PROVIDER_FARGATE, OS_WINDOWS, ARCH_X86_64) != NULL,
		    windows);
		assert_null(
		    pricing_find(t, regions[i], PROVIDER_FARGATE_SPOT, OS_WINDOWS, ARCH_X86_64));
	}
	assert_null(pricing_find(t, "us-east-9", PROVIDER_FARGATE, OS_LINUX, ARCH_X86_64));
}

/* Spot is cheaper than on-demand everywhere; derived ARM rows are 0.8 x x86. */
static void test_bundled_derivations(void **state)
{
	for (size_t i = 0; i < NREGIONS; i++) {
		for (int p = 0; p < PROVIDER_COUNT; p++) {
			const struct price_rate *x86 =
			    find(state, regions[i], (enum provider)p, OS_LINUX, ARCH_X86_64);
			const struct price_rate *arm =
			    find(state, regions[i], (enum provider)p, OS_LINUX, ARCH_ARM64);
			assert_false(x86->derived);
			assert_true(arm->vcpu_hour < x86->vcpu_hour);
			if (!arm->derived)
				continue;
			assert_true(fabs(arm->vcpu_hour - 0.8 * x86->vcpu_hour) < 1e-12);
			assert_true(fabs(arm->gb_hour - 0.8 * x86->gb_hour) < 1e-12);
		}
		const struct price_rate *od =
		    find(state, regions[i], PROVIDER_FARGATE, OS_LINUX, ARCH_X86_64);
		const struct price_rate *spot =
		    find(state, regions[i], PROVIDER_FARGATE_SPOT, OS_LINUX, ARCH_X86_64);
		assert_true(spot->vcpu_hour < 0.45 * od->vcpu_hour);
		assert_true(spot->gb_hour < 0.45 * od->gb_hour);
		/* only us-east-1 on-demand publishes the storage rate */
		assert_int_equal(od->storage_derived, strcmp(regions[i], "us-east-1") != 0);
	}
	/* published ARM rates are kept as published */
	const struct price_rate *r =
	    find(state, "ap-southeast-2", PROVIDER_FARGATE, OS_LINUX, ARCH_ARM64);
	assert_false(r->derived);
	assert_true(r->vcpu_hour == 0.03885 && r->gb_hour == 0.00426);
	r = find(state, "sa-east-1", PROVIDER_FARGATE_SPOT, OS_LINUX, ARCH_ARM64);
	assert_false(r->derived);
	assert_true(r->vcpu_hour == 0.01870297 && r->gb_hour == 0.00205498);
	r = find(state, "eu-west-1", PROVIDER_FARGATE, OS_LINUX, ARCH_ARM64);
	assert_true(r->derived);
	r = find(state, "us-east-1", PROVIDER_FARGATE, OS_WINDOWS, ARCH_X86_64);
	assert_true(fabs(r->os_license_vcpu_hour - 0.0000127778 * 3600) < 1e-12);
	assert_string_equal(r->as_of, "2026-08");
}

/* Writes `text` to a new temporary file; returns its owned path. */
static char *temp_file(const char *text)
{
	char *path = xstrdup("/tmp/spotsim-test-pricing-XXXXXX");
	int fd = mkstemp(path);
	assert_true(fd >= 0);
	FILE *f = fdopen(fd, "w");
	assert_non_null(f);
	fputs(text, f);
	fclose(f);
	return path;
}

/*
 * Loads `text` and checks that it fails with `rc`, that the table is left
 * as it was, and that diagnostic `i` reads "PATH: <want>".
 */
static void expect_failure(const char *text, int rc, size_t i, const char *want)
{
	char *path = temp_file(text);
	struct price_table t;
	struct diag d;
	pricing_init(&t);
	diag_init(&d);
	assert_int_equal(pricing_load(&t, path, &d), rc);
	assert_int_equal(t.nr, 0);
	assert_null(t.path);
	assert_true(diag_failed(&d));
	assert_true(i < d.nr);
	char *line = diag_line(&d, i);
	char *expected = xasprintf("%s: %s", path, want);
	assert_string_equal(line, expected);
	free(expected);
	free(line);
	diag_release(&d);
	pricing_release(&t);
	unlink(path);
	free(path);
}

static void test_load_missing_column(void **state)
{
	(void)state;
	expect_failure("region,provider,os,arch,vcpu_hour,storage_gb_hour,os_license_vcpu_hour,"
		       "as_of,source,derived\n"
		       "us-east-1,FARGATE,LINUX,X86_64,0.04,0.0001,0,2021,test,no\n",
		       SPOTSIM_EINVAL, 0,
		       "line 1: missing column gb_hour (required: region, provider, os, arch, "
		       "vcpu_hour, gb_hour, storage_gb_hour, os_license_vcpu_hour, as_of, source, "
		       "derived)");
}

static void test_load_unknown_column(void **state)
{
	(void)state;
	expect_failure("region,provider,os,arch,vcpu_hour,gb_hour,storage_gb_hour,"
		       "os_license_vcpu_hour,as_of,source,derived,discount\n",
		       SPOTSIM_EINVAL, 0,
		       "line 1: unknown column \"discount\" (accepted: region, provider, os, arch, "
		       "vcpu_hour, gb_hour, storage_gb_hour, os_license_vcpu_hour, as_of, source, "
		       "derived, storage_derived)");
	expect_failure(HEADER "\n", SPOTSIM_EINVAL, 0,
		       "no price rows (accepted: a header row, then one row per region, "
		       "provider, os and arch)");
}

static void test_load_bad_numbers(void **state)
{
	(void)state;
	expect_failure(HEADER "us-east-1,FARGATE,LINUX,X86_64,abc,0.004445,0.0001,0,2021,t,no\n",
		       SPOTSIM_EINVAL, 0,
		       "line 2: column vcpu_hour: \"abc\" is not a number " RATE_ACCEPTED);
	expect_failure(HEADER "us-east-1,FARGATE,LINUX,X86_64,0.04,-0.004,0.0001,0,2021,t,no\n",
		       SPOTSIM_EINVAL, 0,
		       "line 2: column gb_hour: -0.004 is negative " RATE_ACCEPTED);
	expect_failure(
	    HEADER "us-east-1,FARGATE,LINUX,X86_64,0.04,0.004,inf,0,2021,t,no\n", SPOTSIM_EINVAL, 0,
	    "line 2: column storage_gb_hour: \"inf\" is not a finite number " RATE_ACCEPTED);
	expect_failure(HEADER "us-east-1,FARGATE,LINUX,X86_64,0.04,0.004,0.0001,,2021,t,no\n",
		       SPOTSIM_EINVAL, 0,
		       "line 2: column os_license_vcpu_hour: \"\" is not a number " RATE_ACCEPTED);
	expect_failure(HEADER "us-east-1,FARGATE,LINUX,X86_64,0.04,1e999,0.0001,0,2021,t,no\n",
		       SPOTSIM_EINVAL, 0,
		       "line 2: column gb_hour: \"1e999\" is not a finite number " RATE_ACCEPTED);
}

static void test_load_bad_keys(void **state)
{
	(void)state;
	expect_failure(HEADER "us-east-1,EC2,LINUX,X86_64,0.04,0.004,0.0001,0,2021,t,no\n",
		       SPOTSIM_EINVAL, 0,
		       "line 2: column provider: \"EC2\" is not a provider (accepted: FARGATE, "
		       "FARGATE_SPOT)");
	expect_failure(HEADER "us-east-1,FARGATE,MACOS,X86_64,0.04,0.004,0.0001,0,2021,t,no\n",
		       SPOTSIM_EINVAL, 0,
		       "line 2: column os: \"MACOS\" is not an operating system (accepted: LINUX, "
		       "WINDOWS or an AWS operatingSystemFamily value)");
	expect_failure(HEADER "us-east-1,FARGATE,LINUX,ARM,0.04,0.004,0.0001,0,2021,t,no\n",
		       SPOTSIM_EINVAL, 0,
		       "line 2: column arch: \"ARM\" is not an architecture (accepted: X86_64, "
		       "ARM64)");
	expect_failure(HEADER "US East,FARGATE,LINUX,X86_64,0.04,0.004,0.0001,0,2021,t,no\n",
		       SPOTSIM_EINVAL, 0,
		       "line 2: column region: \"US East\" is not a region name (accepted: an AWS "
		       "region such as us-east-1)");
	expect_failure(HEADER "us-east-1,FARGATE,LINUX,X86_64,0.04,0.004,0.0001,0,2021,t,maybe\n",
		       SPOTSIM_EINVAL, 0,
		       "line 2: column derived: \"maybe\" is not yes or no (accepted: yes, no)");
	expect_failure(HEADER "us-east-1,FARGATE,LINUX,X86_64,0.04,0.004,0.0001,0,,t,no\n",
		       SPOTSIM_EINVAL, 0,
		       "line 2: column as_of: empty (accepted: the date the rates were taken, such "
		       "as 2026-08)");
}

static void test_load_impossible_rows(void **state)
{
	(void)state;
	expect_failure(
	    HEADER "us-east-1,FARGATE,LINUX,X86_64,0.04,0.004,0.0001,0.046,2021,t,no\n",
	    SPOTSIM_EINVAL, 0,
	    "line 2: column os_license_vcpu_hour: 0.046 is not 0 for LINUX (accepted: 0; "
	    "only WINDOWS pays an OS licence)");
	expect_failure(HEADER
		       "us-east-1,FARGATE_SPOT,WINDOWS,X86_64,0.04,0.004,0,0.046,2021,t,no\n",
		       SPOTSIM_EINVAL, 0,
		       "line 2: FARGATE_SPOT WINDOWS X86_64 is not a Fargate platform (accepted: "
		       "WINDOWS only with FARGATE and X86_64)");
	expect_failure(
	    HEADER GOOD_ROW "us-east-1,FARGATE,LINUX,X86_64,0.05,0.005,0,0,2021,t,no\n",
	    SPOTSIM_EINVAL, 0,
	    "line 3: duplicate rate for us-east-1 FARGATE LINUX X86_64 (first on line 2)");
	/* an operatingSystemFamily name is the same key as WINDOWS */
	expect_failure(
	    HEADER "us-east-1,FARGATE,WINDOWS,X86_64,0.09,0.01,0,0.046,2026,t,no\n"
		   "us-east-1,FARGATE,WINDOWS_SERVER_2022_CORE,X86_64,0.09,0.01,0,0.046,"
		   "2026,t,no\n",
	    SPOTSIM_EINVAL, 0,
	    "line 3: duplicate rate for us-east-1 FARGATE WINDOWS X86_64 (first on line 2)");
	expect_failure(HEADER "us-east-1,FARGATE,LINUX,X86_64,0.04,0.004\n", SPOTSIM_EINVAL, 0,
		       "line 2: 6 fields, expected 11 (one per header column)");
}

static void test_load_empty_and_missing(void **state)
{
	(void)state;
	expect_failure("", SPOTSIM_EINVAL, 0,
		       "empty file (accepted: a header row, then one row per region, provider, os "
		       "and arch)");
	expect_failure(HEADER, SPOTSIM_EINVAL, 0,
		       "no price rows (accepted: a header row, then one row per region, provider, "
		       "os and arch)");

	struct price_table t;
	struct diag d;
	pricing_init(&t);
	diag_init(&d);
	assert_int_equal(pricing_load(&t, "/nonexistent/pricing.csv", &d), SPOTSIM_ENOENT);
	assert_int_equal(d.nr, 1);
	char *line = diag_line(&d, 0);
	assert_string_equal(line, "/nonexistent/pricing.csv: cannot open file: no such file or "
				  "directory (accepted: a readable file)");
	free(line);
	diag_release(&d);
	pricing_release(&t);
}

/* Every problem in a file is reported, not only the first. */
static void test_load_reports_all(void **state)
{
	(void)state;
	const char *text = HEADER "us-east-1,EC2,LINUX,X86_64,x,0.004,0.0001,0,2021,t,no\n" GOOD_ROW
				  "eu-west-1,FARGATE,LINUX,X86_64,0.04,-1,0.0001,0,2021,t,no\n";
	expect_failure(text, SPOTSIM_EINVAL, 1,
		       "line 2: column vcpu_hour: \"x\" is not a number " RATE_ACCEPTED);
	expect_failure(text, SPOTSIM_EINVAL, 2,
		       "line 4: column gb_hour: -1 is negative " RATE_ACCEPTED);
}

/* A failed load leaves the caller's table as it was; a good one replaces it. */
static void test_load_keeps_table(void **state)
{
	(void)state;
	char *good = temp_file(HEADER GOOD_ROW);
	char *bad = temp_file(HEADER "us-east-1,FARGATE,LINUX,X86_64,abc,0,0,0,2021,t,no\n");
	char *other =
	    temp_file("source,derived,as_of,os_license_vcpu_hour,storage_gb_hour,"
		      "gb_hour,vcpu_hour,arch,os,provider,region,storage_derived\r\n"
		      "\"a, quoted source\",yes,2021,0,0.0001,0.002,0.02,ARM64,linux,"
		      "FARGATE,eu-west-1,no\r\n"
		      "b,yes,2021,0,0.0001,0.002,0.02,X86_64,LINUX,FARGATE,eu-west-1,yes\r\n");
	struct price_table t;
	struct diag d;
	pricing_init(&t);
	diag_init(&d);
	assert_int_equal(pricing_load(&t, good, &d), 0);
	assert_int_equal(t.nr, 1);
	assert_false(t.rates[0].storage_derived); /* absent column: same as derived */
	assert_int_equal(pricing_load(&t, bad, &d), SPOTSIM_EINVAL);
	assert_int_equal(t.nr, 1);
	assert_string_equal(t.path, good);
	assert_int_equal(d.errors, 1);

	/* columns in any order, CRLF, quoted commas, the optional column */
	assert_int_equal(pricing_load(&t, other, &d), 0);
	assert_int_equal(t.nr, 2);
	assert_string_equal(t.path, other);
	const struct price_rate *r =
	    pricing_find(&t, "eu-west-1", PROVIDER_FARGATE, OS_LINUX, ARCH_ARM64);
	assert_non_null(r);
	assert_string_equal(r->source, "a, quoted source");
	assert_true(r->derived && !r->storage_derived && r->vcpu_hour == 0.02);
	r = pricing_find(&t, "eu-west-1", PROVIDER_FARGATE, OS_LINUX, ARCH_X86_64);
	assert_true(r->storage_derived);
	/* reloading from the table's own path */
	assert_int_equal(pricing_load(&t, t.path, &d), 0);
	assert_string_equal(t.path, other);
	assert_int_equal(t.nr, 2);
	assert_null(pricing_find(&t, "us-east-1", PROVIDER_FARGATE, OS_LINUX, ARCH_X86_64));
	diag_release(&d);
	pricing_release(&t);
	for (char **p = (char *[]){good, bad, other, NULL}; *p; p++) {
		unlink(*p);
		free(*p);
	}
}

static void test_default_path(void **state)
{
	(void)state;
	const char *saved = getenv("SPOTSIM_PRICES");
	char *keep = saved ? xstrdup(saved) : NULL;

	setenv("SPOTSIM_PRICES", "/elsewhere/prices.csv", 1);
	assert_string_equal(pricing_default_path(), "/elsewhere/prices.csv");
	unsetenv("SPOTSIM_PRICES");
	const char *path = pricing_default_path();
	assert_non_null(path);
	size_t n = strlen(path), m = strlen(BUNDLED);
	assert_true(n >= m && !strcmp(path + n - m, BUNDLED));
	assert_int_equal(access(path, R_OK), 0);
	if (keep) {
		setenv("SPOTSIM_PRICES", keep, 1);
		free(keep);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_aws_example_1),
	    cmocka_unit_test(test_aws_example_2),
	    cmocka_unit_test(test_aws_example_3),
	    cmocka_unit_test(test_aws_example_4),
	    cmocka_unit_test(test_billed_seconds),
	    cmocka_unit_test(test_cost_arithmetic),
	    cmocka_unit_test(test_override),
	    cmocka_unit_test(test_bundled_coverage),
	    cmocka_unit_test(test_bundled_derivations),
	    cmocka_unit_test(test_load_missing_column),
	    cmocka_unit_test(test_load_unknown_column),
	    cmocka_unit_test(test_load_bad_numbers),
	    cmocka_unit_test(test_load_bad_keys),
	    cmocka_unit_test(test_load_impossible_rows),
	    cmocka_unit_test(test_load_empty_and_missing),
	    cmocka_unit_test(test_load_reports_all),
	    cmocka_unit_test(test_load_keeps_table),
	    cmocka_unit_test(test_default_path),
	};
	return cmocka_run_group_tests_name("pricing", tests, load_bundled, free_bundled);
}
