/*
 * fargate — platform rules (see fargate.h).
 *
 * The size table has one row per CPU value. Memory is either an explicit
 * list (256 CPU units: 512, 1024, 2048 MiB, which is not an arithmetic
 * series) or a range [min, max] in fixed steps. Every number is MiB, as in
 * the ECS API. Only rows marked `windows` run Windows containers.
 */
#include "spotsim/model/fargate.h"

#include <ctype.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

struct size_row {
	int cpu;
	int list[3]; /* explicit memory values when step == 0 */
	int mem_min, mem_max, step;
	bool windows;
};

static const struct size_row sizes[] = {
    {256, {512, 1024, 2048}, 0, 0, 0, false}, {512, {0}, 1024, 4096, 1024, false},
    {1024, {0}, 2048, 8192, 1024, true},      {2048, {0}, 4096, 16384, 1024, true},
    {4096, {0}, 8192, 30720, 1024, true},     {8192, {0}, 16384, 61440, 4096, false},
    {16384, {0}, 32768, 122880, 8192, false},
};

#define NSIZES (sizeof(sizes) / sizeof(sizes[0]))

static const char *const provider_names[PROVIDER_COUNT] = {"FARGATE", "FARGATE_SPOT"};
static const char *const os_names[OS_COUNT] = {"LINUX", "WINDOWS"};
static const char *const arch_names[ARCH_COUNT] = {"X86_64", "ARM64"};

/* ECS RuntimePlatform.operatingSystemFamily values other than LINUX. */
static const char *const windows_families[] = {
    "WINDOWS_SERVER_2019_FULL", "WINDOWS_SERVER_2019_CORE", "WINDOWS_SERVER_2016_FULL",
    "WINDOWS_SERVER_2004_CORE", "WINDOWS_SERVER_2022_CORE", "WINDOWS_SERVER_2022_FULL",
    "WINDOWS_SERVER_2025_CORE", "WINDOWS_SERVER_2025_FULL", "WINDOWS_SERVER_20H2_CORE",
};

const char *fargate_provider_name(enum provider p)
{
	return (unsigned)p < PROVIDER_COUNT ? provider_names[p] : "?";
}

bool fargate_provider_parse(const char *name, enum provider *out)
{
	for (int i = 0; i < PROVIDER_COUNT; i++) {
		if (!strcmp(name, provider_names[i])) {
			*out = (enum provider)i;
			return true;
		}
	}
	return false;
}

const char *fargate_os_name(enum os_family os)
{
	return (unsigned)os < OS_COUNT ? os_names[os] : "?";
}

bool fargate_os_parse(const char *name, enum os_family *out)
{
	if (!strcasecmp(name, "LINUX")) {
		*out = OS_LINUX;
		return true;
	}
	if (!strcasecmp(name, "WINDOWS")) {
		*out = OS_WINDOWS;
		return true;
	}
	for (size_t i = 0; i < sizeof(windows_families) / sizeof(windows_families[0]); i++) {
		if (!strcmp(name, windows_families[i])) {
			*out = OS_WINDOWS;
			return true;
		}
	}
	return false;
}

const char *fargate_arch_name(enum cpu_arch a)
{
	return (unsigned)a < ARCH_COUNT ? arch_names[a] : "?";
}

bool fargate_arch_parse(const char *name, enum cpu_arch *out)
{
	for (int i = 0; i < ARCH_COUNT; i++) {
		if (!strcasecmp(name, arch_names[i])) {
			*out = (enum cpu_arch)i;
			return true;
		}
	}
	return false;
}

/* Reads an unsigned decimal integer filling all of [p, end); false on overflow. */
static bool whole_number(const char *p, const char *end, int *out)
{
	long v = 0;
	if (p == end)
		return false;
	for (; p < end; p++) {
		if (!isdigit((unsigned char)*p) || v > 100000000L)
			return false;
		v = v * 10 + (*p - '0');
	}
	*out = (int)v;
	return true;
}

/*
 * Parses "N" (whole units) or "X <unit>" (X a non-negative decimal, unit
 * one of `units`, case-insensitive, optional space) into X * scale, which
 * must come out whole.
 */
static bool parse_scaled(const char *text, const char *const *units, int scale, int *out)
{
	const char *p = text, *end;
	while (isspace((unsigned char)*p))
		p++;
	end = p + strlen(p);
	while (end > p && isspace((unsigned char)end[-1]))
		end--;
	if (whole_number(p, end, out))
		return true;
	/* a plain decimal only: no sign, exponent, hex, inf or nan */
	const char *u = p;
	while (isdigit((unsigned char)*u) || *u == '.')
		u++;
	if (u == p)
		return false;
	char *num_end;
	double v = strtod(p, &num_end);
	if (num_end != u)
		return false;
	while (isspace((unsigned char)*u))
		u++;
	size_t ulen = (size_t)(end - u);
	bool unit_ok = false;
	for (size_t i = 0; units[i]; i++)
		if (ulen == strlen(units[i]) && !strncasecmp(u, units[i], ulen))
			unit_ok = true;
	if (!unit_ok || !isfinite(v) || v < 0 || v * scale > 100000000.0)
		return false;
	double scaled = v * scale;
	if (fabs(scaled - round(scaled)) > 1e-6)
		return false;
	*out = (int)lround(scaled);
	return true;
}

bool fargate_parse_cpu(const char *text, int *units)
{
	static const char *const names[] = {"vcpu", NULL};
	return parse_scaled(text, names, 1024, units);
}

bool fargate_parse_memory(const char *text, int *mib)
{
	static const char *const names[] = {"gb", "gib", NULL};
	return parse_scaled(text, names, 1024, mib);
}

static const struct size_row *find_row(int cpu_units)
{
	for (size_t i = 0; i < NSIZES; i++)
		if (sizes[i].cpu == cpu_units)
			return &sizes[i];
	return NULL;
}

static void add_cpu_list(struct strbuf *why, bool windows_only)
{
	const char *sep = "";
	for (size_t i = 0; i < NSIZES; i++) {
		if (windows_only && !sizes[i].windows)
			continue;
		strbuf_addf(why, "%s%d", sep, sizes[i].cpu);
		sep = ", ";
	}
}

bool fargate_check_cpu(int cpu_units, enum os_family os, struct strbuf *why)
{
	const struct size_row *row = find_row(cpu_units);
	if (os == OS_WINDOWS && (!row || !row->windows)) {
		strbuf_addf(why, "cpu %d is not available for WINDOWS (allowed: ", cpu_units);
		add_cpu_list(why, true);
		strbuf_addch(why, ')');
		return false;
	}
	if (!row) {
		strbuf_addf(why, "%d is not a Fargate cpu value (allowed: ", cpu_units);
		add_cpu_list(why, false);
		strbuf_addch(why, ')');
		return false;
	}
	return true;
}

static bool memory_fits(const struct size_row *row, int mib)
{
	if (!row->step) {
		for (size_t i = 0; i < sizeof(row->list) / sizeof(row->list[0]); i++)
			if (row->list[i] == mib)
				return true;
		return false;
	}
	return mib >= row->mem_min && mib <= row->mem_max && (mib - row->mem_min) % row->step == 0;
}

void fargate_allowed_memory(int cpu_units, struct strbuf *out)
{
	const struct size_row *row = find_row(cpu_units);
	if (!row)
		return;
	if (row->step) {
		strbuf_addf(out, "%d to %d in steps of %d", row->mem_min, row->mem_max, row->step);
		return;
	}
	for (size_t i = 0; i < sizeof(row->list) / sizeof(row->list[0]); i++)
		strbuf_addf(out, "%s%d", i ? ", " : "", row->list[i]);
}

bool fargate_check_size(int cpu_units, int memory_mib, enum os_family os, struct strbuf *why)
{
	if (!fargate_check_cpu(cpu_units, os, why))
		return false;
	const struct size_row *row = find_row(cpu_units);
	if (memory_fits(row, memory_mib))
		return true;
	strbuf_addf(why, "%d MiB is not valid with cpu %d (allowed: ", memory_mib, cpu_units);
	fargate_allowed_memory(cpu_units, why);
	strbuf_addch(why, ')');
	return false;
}

bool fargate_check_platform(enum os_family os, enum cpu_arch a, struct strbuf *why)
{
	if (os != OS_WINDOWS || a == ARCH_X86_64)
		return true;
	strbuf_addf(why, "%s is not available for WINDOWS (allowed: X86_64)", fargate_arch_name(a));
	return false;
}

bool fargate_provider_supports(enum provider p, enum os_family os, enum cpu_arch a)
{
	if (os == OS_WINDOWS && a != ARCH_X86_64)
		return false;
	if (p == PROVIDER_FARGATE_SPOT && os == OS_WINDOWS)
		return false;
	return (unsigned)p < PROVIDER_COUNT && (unsigned)os < OS_COUNT && (unsigned)a < ARCH_COUNT;
}

int fargate_min_billed_seconds(enum os_family os)
{
	return os == OS_WINDOWS ? 300 : 60;
}
