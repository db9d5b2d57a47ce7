/*
 * Tests of the Fargate platform rules: the task-size table (every cpu row,
 * the edges of its memory range, the 4 GB and 8 GB steps at 8 and 16 vCPU),
 * the Windows rules, the provider/platform matrix and the parsers.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include "spotsim/model/fargate.h"
#include "spotsim/util/strbuf.h"

/* The table written out again, independently of sim/fargate.c. */
static bool oracle(int cpu, int mib)
{
	switch (cpu) {
	case 256:
		return mib == 512 || mib == 1024 || mib == 2048;
	case 512:
		return mib >= 1024 && mib <= 4096 && mib % 1024 == 0;
	case 1024:
		return mib >= 2048 && mib <= 8192 && mib % 1024 == 0;
	case 2048:
		return mib >= 4096 && mib <= 16384 && mib % 1024 == 0;
	case 4096:
		return mib >= 8192 && mib <= 30720 && mib % 1024 == 0;
	case 8192:
		return mib >= 16384 && mib <= 61440 && mib % 4096 == 0;
	case 16384:
		return mib >= 32768 && mib <= 122880 && mib % 8192 == 0;
	}
	return false;
}

static const int cpus[] = {256, 512, 1024, 2048, 4096, 8192, 16384};
#define NCPUS (sizeof(cpus) / sizeof(cpus[0]))

static bool valid(int cpu, int mib, enum os_family os)
{
	struct strbuf why = STRBUF_INIT;
	bool ok = fargate_check_size(cpu, mib, os, &why);
	/* a message exactly when the size is refused */
	assert_int_equal(ok, why.len == 0);
	strbuf_release(&why);
	return ok;
}

/* Every cpu value against memory from 0 to 128 GiB in 256 MiB steps. */
static void test_table_matches_oracle(void **state)
{
	(void)state;
	int count = 0;
	for (size_t i = 0; i < NCPUS; i++) {
		for (int mib = 0; mib <= 131072; mib += 256) {
			bool ok = valid(cpus[i], mib, OS_LINUX);
			assert_int_equal(ok, oracle(cpus[i], mib));
			count += ok;
		}
	}
	/* 3 + 4 + 7 + 13 + 23 + 12 + 12 sizes */
	assert_int_equal(count, 74);
}

static void test_range_edges(void **state)
{
	(void)state;
	static const struct {
		int cpu, mib;
		bool ok;
	} cases[] = {
	    {256, 512, true},	    {256, 1024, true},	    {256, 2048, true},
	    {256, 1536, false},	    {256, 3072, false},	    {256, 256, false},
	    {512, 1024, true},	    {512, 4096, true},	    {512, 512, false},
	    {512, 5120, false},	    {1024, 2048, true},	    {1024, 8192, true},
	    {1024, 1024, false},    {1024, 9216, false},    {1024, 2560, false},
	    {2048, 4096, true},	    {2048, 16384, true},    {2048, 3072, false},
	    {2048, 17408, false},   {4096, 8192, true},	    {4096, 30720, true},
	    {4096, 7168, false},    {4096, 31744, false},   {4096, 32768, false},
	    {8192, 16384, true},    {8192, 20480, true},    {8192, 61440, true},
	    {8192, 17408, false},   {8192, 15360, false},   {8192, 62464, false},
	    {8192, 65536, false},   {16384, 32768, true},   {16384, 40960, true},
	    {16384, 122880, true},  {16384, 36864, false},  {16384, 24576, false},
	    {16384, 131072, false}, {16384, 126976, false}, {300, 2048, false},
	    {0, 0, false},	    {32768, 131072, false},
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		if (valid(cases[i].cpu, cases[i].mib, OS_LINUX) != cases[i].ok)
			fail_msg("cpu %d memory %d: expected %s", cases[i].cpu, cases[i].mib,
				 cases[i].ok ? "valid" : "invalid");
	}
}

static void expect_message(int cpu, int mib, enum os_family os, const char *want)
{
	struct strbuf why = STRBUF_INIT;
	assert_false(fargate_check_size(cpu, mib, os, &why));
	assert_string_equal(why.buf, want);
	strbuf_release(&why);
}

static void test_messages(void **state)
{
	(void)state;
	expect_message(256, 3072, OS_LINUX,
		       "3072 MiB is not valid with cpu 256 (allowed: 512, 1024, 2048)");
	expect_message(1024, 1024, OS_LINUX,
		       "1024 MiB is not valid with cpu 1024 (allowed: 2048 to 8192 in steps of "
		       "1024)");
	expect_message(4096, 32768, OS_LINUX,
		       "32768 MiB is not valid with cpu 4096 (allowed: 8192 to 30720 in steps of "
		       "1024)");
	expect_message(8192, 17408, OS_LINUX,
		       "17408 MiB is not valid with cpu 8192 (allowed: 16384 to 61440 in steps of "
		       "4096)");
	expect_message(16384, 36864, OS_LINUX,
		       "36864 MiB is not valid with cpu 16384 (allowed: 32768 to 122880 in steps "
		       "of 8192)");
	expect_message(300, 2048, OS_LINUX,
		       "300 is not a Fargate cpu value (allowed: 256, 512, 1024, 2048, 4096, 8192, "
		       "16384)");
	expect_message(512, 2048, OS_WINDOWS,
		       "cpu 512 is not available for WINDOWS (allowed: 1024, 2048, 4096)");
	expect_message(8192, 16384, OS_WINDOWS,
		       "cpu 8192 is not available for WINDOWS (allowed: 1024, 2048, 4096)");
	expect_message(300, 2048, OS_WINDOWS,
		       "cpu 300 is not available for WINDOWS (allowed: 1024, 2048, 4096)");
	/* Windows sizes follow the same memory rules */
	expect_message(1024, 1024, OS_WINDOWS,
		       "1024 MiB is not valid with cpu 1024 (allowed: 2048 to 8192 in steps of "
		       "1024)");
}

static void test_check_cpu_alone(void **state)
{
	(void)state;
	struct strbuf why = STRBUF_INIT;
	for (size_t i = 0; i < NCPUS; i++)
		assert_true(fargate_check_cpu(cpus[i], OS_LINUX, &why));
	assert_int_equal(why.len, 0);
	assert_false(fargate_check_cpu(256, OS_WINDOWS, &why));
	assert_string_equal(why.buf,
			    "cpu 256 is not available for WINDOWS (allowed: 1024, 2048, 4096)");
	strbuf_release(&why);

	struct strbuf out = STRBUF_INIT;
	fargate_allowed_memory(256, &out);
	assert_string_equal(out.buf, "512, 1024, 2048");
	strbuf_reset(&out);
	fargate_allowed_memory(16384, &out);
	assert_string_equal(out.buf, "32768 to 122880 in steps of 8192");
	strbuf_reset(&out);
	fargate_allowed_memory(300, &out);
	assert_string_equal(out.buf, "");
	strbuf_release(&out);
}

static void test_windows_sizes(void **state)
{
	(void)state;
	for (size_t i = 0; i < NCPUS; i++) {
		for (int mib = 0; mib <= 131072; mib += 1024) {
			bool want = oracle(cpus[i], mib) &&
				    (cpus[i] == 1024 || cpus[i] == 2048 || cpus[i] == 4096);
			assert_int_equal(valid(cpus[i], mib, OS_WINDOWS), want);
		}
	}
	assert_true(valid(1024, 2048, OS_WINDOWS));
	assert_true(valid(4096, 30720, OS_WINDOWS));
}

static void test_provider_platforms(void **state)
{
	(void)state;
	assert_true(fargate_provider_supports(PROVIDER_FARGATE, OS_LINUX, ARCH_X86_64));
	assert_true(fargate_provider_supports(PROVIDER_FARGATE, OS_LINUX, ARCH_ARM64));
	assert_true(fargate_provider_supports(PROVIDER_FARGATE_SPOT, OS_LINUX, ARCH_X86_64));
	assert_true(fargate_provider_supports(PROVIDER_FARGATE_SPOT, OS_LINUX, ARCH_ARM64));
	assert_true(fargate_provider_supports(PROVIDER_FARGATE, OS_WINDOWS, ARCH_X86_64));
	assert_false(fargate_provider_supports(PROVIDER_FARGATE, OS_WINDOWS, ARCH_ARM64));
	assert_false(fargate_provider_supports(PROVIDER_FARGATE_SPOT, OS_WINDOWS, ARCH_X86_64));
	assert_false(fargate_provider_supports(PROVIDER_FARGATE_SPOT, OS_WINDOWS, ARCH_ARM64));
	struct strbuf why = STRBUF_INIT;
	assert_true(fargate_check_platform(OS_LINUX, ARCH_ARM64, &why));
	assert_true(fargate_check_platform(OS_LINUX, ARCH_X86_64, &why));
	assert_true(fargate_check_platform(OS_WINDOWS, ARCH_X86_64, &why));
	assert_int_equal(why.len, 0);
	assert_false(fargate_check_platform(OS_WINDOWS, ARCH_ARM64, &why));
	assert_string_equal(why.buf, "ARM64 is not available for WINDOWS (allowed: X86_64)");
	strbuf_release(&why);
	assert_int_equal(fargate_min_billed_seconds(OS_LINUX), 60);
	assert_int_equal(fargate_min_billed_seconds(OS_WINDOWS), 300);
}

static void test_names(void **state)
{
	(void)state;
	enum provider p;
	enum os_family os;
	enum cpu_arch a;

	for (int i = 0; i < PROVIDER_COUNT; i++) {
		assert_true(fargate_provider_parse(fargate_provider_name((enum provider)i), &p));
		assert_int_equal(p, i);
	}
	assert_string_equal(fargate_provider_name(PROVIDER_FARGATE_SPOT), "FARGATE_SPOT");
	assert_false(fargate_provider_parse("fargate", &p)); /* AWS names are case-sensitive */
	assert_false(fargate_provider_parse("EC2", &p));
	assert_false(fargate_provider_parse("", &p));

	assert_string_equal(fargate_os_name(OS_WINDOWS), "WINDOWS");
	assert_true(fargate_os_parse("linux", &os));
	assert_int_equal(os, OS_LINUX);
	assert_true(fargate_os_parse("Windows", &os));
	assert_int_equal(os, OS_WINDOWS);
	assert_false(fargate_os_parse("MACOS", &os));
	assert_false(fargate_os_parse("windows_server_2019_full", &os));

	assert_string_equal(fargate_arch_name(ARCH_ARM64), "ARM64");
	assert_true(fargate_arch_parse("x86_64", &a));
	assert_int_equal(a, ARCH_X86_64);
	assert_true(fargate_arch_parse("ARM64", &a));
	assert_int_equal(a, ARCH_ARM64);
	assert_false(fargate_arch_parse("ARM", &a));
	assert_false(fargate_arch_parse("AMD64", &a));
}

static void test_windows_families(void **state)
{
	(void)state;
	static const char *const families[] = {
	    "WINDOWS_SERVER_2019_FULL", "WINDOWS_SERVER_2019_CORE", "WINDOWS_SERVER_2016_FULL",
	    "WINDOWS_SERVER_2004_CORE", "WINDOWS_SERVER_2022_CORE", "WINDOWS_SERVER_2022_FULL",
	    "WINDOWS_SERVER_2025_CORE", "WINDOWS_SERVER_2025_FULL", "WINDOWS_SERVER_20H2_CORE",
	};
	for (size_t i = 0; i < sizeof(families) / sizeof(families[0]); i++) {
		enum os_family os = OS_LINUX;
		assert_true(fargate_os_parse(families[i], &os));
		assert_int_equal(os, OS_WINDOWS);
	}
	enum os_family os;
	assert_true(fargate_os_parse("LINUX", &os));
	assert_int_equal(os, OS_LINUX);
	assert_false(fargate_os_parse("WINDOWS_SERVER_2012_FULL", &os));
}

static void test_parse_cpu(void **state)
{
	(void)state;
	static const struct {
		const char *text;
		int units;
	} good[] = {
	    {"1024", 1024},   {"256", 256},	  {"1 vCPU", 1024},   {"0.25 vcpu", 256},
	    {"0.5vCPU", 512}, {" 2 VCPU ", 2048}, {"16 vCPU", 16384}, {"4 vcpu", 4096},
	    {"300", 300},     {"0", 0},		  {".5 vCPU", 512},
	};
	static const char *const bad[] = {
	    "",	    "abc",	 "1 cpu",  "-1",	  "-1 vCPU",  "0.1 vCPU",
	    "1e3",  "0x400",	 "1024.5", "1 vCPU x",	  "inf vcpu", "nan vCPU",
	    "vCPU", "1..2 vCPU", "+1024",  "99999999999", "1024 MiB",
	};
	for (size_t i = 0; i < sizeof(good) / sizeof(good[0]); i++) {
		int units = -1;
		if (!fargate_parse_cpu(good[i].text, &units))
			fail_msg("\"%s\" should parse", good[i].text);
		assert_int_equal(units, good[i].units);
	}
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		int units = -1;
		if (fargate_parse_cpu(bad[i], &units))
			fail_msg("\"%s\" should not parse (got %d)", bad[i], units);
	}
}

static void test_parse_memory(void **state)
{
	(void)state;
	static const struct {
		const char *text;
		int mib;
	} good[] = {
	    {"2048", 2048}, {"2 GB", 2048},	{"0.5GB", 512}, {"1 GiB", 1024},
	    {"2 gb", 2048}, {"120 GB", 122880}, {" 512 ", 512}, {"30GB", 30720},
	};
	static const char *const bad[] = {
	    "", "2 MB", "0.3 GB", "GB", "-2 GB", "2 GBs", "2048 MiB", "1e3", "two GB",
	};
	for (size_t i = 0; i < sizeof(good) / sizeof(good[0]); i++) {
		int mib = -1;
		if (!fargate_parse_memory(good[i].text, &mib))
			fail_msg("\"%s\" should parse", good[i].text);
		assert_int_equal(mib, good[i].mib);
	}
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		int mib = -1;
		if (fargate_parse_memory(bad[i], &mib))
			fail_msg("\"%s\" should not parse (got %d)", bad[i], mib);
	}
}

static void test_message_appends(void **state)
{
	(void)state;
	struct strbuf why = STRBUF_INIT;
	strbuf_adds(&why, "taskDefinition: ");
	assert_false(fargate_check_size(256, 4096, OS_LINUX, &why));
	assert_string_equal(why.buf, "taskDefinition: 4096 MiB is not valid with cpu 256 "
				     "(allowed: 512, 1024, 2048)");
	strbuf_release(&why);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_table_matches_oracle),
	    cmocka_unit_test(test_range_edges),
	    cmocka_unit_test(test_messages),
	    cmocka_unit_test(test_check_cpu_alone),
	    cmocka_unit_test(test_windows_sizes),
	    cmocka_unit_test(test_provider_platforms),
	    cmocka_unit_test(test_names),
	    cmocka_unit_test(test_windows_families),
	    cmocka_unit_test(test_parse_cpu),
	    cmocka_unit_test(test_parse_memory),
	    cmocka_unit_test(test_message_appends),
	};
	return cmocka_run_group_tests_name("fargate", tests, NULL, NULL);
}
