/*
 * pricing — price table loader and task cost (see pricing.h).
 *
 * The loader is header-driven: the first record names the columns, and
 * col[] maps each known column to its field index (-1 when absent). Rows are
 * built into a private table and moved into the caller's only when the whole
 * file is clean, so a failed load never leaves a half-filled table. Row
 * numbers are csvio's record numbers, which are the file's line numbers as
 * long as no field holds a newline.
 *
 * The table is small (about a hundred rows), so lookups are linear.
 */
#include "spotsim/model/pricing.h"

#include "spotsim/util/csvio.h"
#include "spotsim/util/error.h"
#include "spotsim/util/fileio.h"
#include "spotsim/util/strbuf.h"
#include "spotsim/util/xalloc.h"

#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#ifndef SPOTSIM_DATADIR
#define SPOTSIM_DATADIR "/usr/local/share/spotsim"
#endif

enum column {
	COL_REGION,
	COL_PROVIDER,
	COL_OS,
	COL_ARCH,
	COL_VCPU_HOUR,
	COL_GB_HOUR,
	COL_STORAGE_GB_HOUR,
	COL_OS_LICENSE,
	COL_AS_OF,
	COL_SOURCE,
	COL_DERIVED,
	COL_STORAGE_DERIVED, /* optional; every column before it is required */
	COL_COUNT,
	COL_REQUIRED = COL_STORAGE_DERIVED
};

static const char *const column_names[COL_COUNT] = {
    "region",
    "provider",
    "os",
    "arch",
    "vcpu_hour",
    "gb_hour",
    "storage_gb_hour",
    "os_license_vcpu_hour",
    "as_of",
    "source",
    "derived",
    "storage_derived",
};

#define RATE_ACCEPTED "a non-negative rate in USD per hour"

struct loader {
	const char *path;
	struct diag *d;
	struct price_table t; /* being built */
	size_t *lines;	      /* lines[i]: the line of t.rates[i] */
	size_t lines_alloc;
	int col[COL_COUNT];
	size_t nfields; /* fields in the header */
	bool have_header;
};

void pricing_init(struct price_table *t)
{
	t->rates = NULL;
	t->nr = t->alloc = 0;
	t->path = NULL;
}

static void rate_release(struct price_rate *r)
{
	free(r->region);
	free(r->as_of);
	free(r->source);
}

void pricing_release(struct price_table *t)
{
	for (size_t i = 0; i < t->nr; i++)
		rate_release(&t->rates[i]);
	free(t->rates);
	free(t->path);
	pricing_init(t);
}

/* Maps the header's names to columns; returns false when the table cannot be read. */
static bool read_header(struct loader *L, const char *const *fields, size_t n)
{
	L->nfields = n;
	L->have_header = true;
	return csvio_map_header(L->path, column_names, COL_COUNT, COL_REQUIRED, fields, n, L->col,
				L->d);
}

static void cell_error(struct loader *L, size_t line, enum column c, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

static void cell_error(struct loader *L, size_t line, enum column c, const char *fmt, ...)
{
	struct strbuf msg = STRBUF_INIT;
	va_list ap;
	va_start(ap, fmt);
	strbuf_vaddf(&msg, fmt, ap);
	va_end(ap);
	char *where = xasprintf("line %zu: column %s", line, column_names[c]);
	diag_error(L->d, L->path, where, "%s", msg.buf);
	free(where);
	strbuf_release(&msg);
}

static bool parse_rate(struct loader *L, size_t line, enum column c, const char *text, double *out)
{
	char *end;
	errno = 0;
	double v = strtod(text, &end);
	if (end == text || *end || isspace((unsigned char)*text)) {
		cell_error(L, line, c, "\"%s\" is not a number (accepted: " RATE_ACCEPTED ")",
			   text);
		return false;
	}
	if (!isfinite(v) || errno == ERANGE) {
		cell_error(L, line, c,
			   "\"%s\" is not a finite number (accepted: " RATE_ACCEPTED ")", text);
		return false;
	}
	if (v < 0) {
		cell_error(L, line, c, "%s is negative (accepted: " RATE_ACCEPTED ")", text);
		return false;
	}
	*out = v;
	return true;
}

static bool parse_yes_no(struct loader *L, size_t line, enum column c, const char *text, bool *out)
{
	if (!strcmp(text, "yes") || !strcmp(text, "no")) {
		*out = text[0] == 'y';
		return true;
	}
	cell_error(L, line, c, "\"%s\" is not yes or no (accepted: yes, no)", text);
	return false;
}

static bool valid_region(const char *s)
{
	if (!*s)
		return false;
	for (; *s; s++)
		if (!islower((unsigned char)*s) && !isdigit((unsigned char)*s) && *s != '-')
			return false;
	return true;
}

/* Parses the key columns; false (with diagnostics) when any is bad. */
static bool parse_key(struct loader *L, size_t line, const char *const *f, struct price_rate *r)
{
	bool ok = true;
	const char *region = f[L->col[COL_REGION]];
	if (!valid_region(region)) {
		cell_error(
		    L, line, COL_REGION,
		    "\"%s\" is not a region name (accepted: an AWS region such as us-east-1)",
		    region);
		ok = false;
	}
	if (!fargate_provider_parse(f[L->col[COL_PROVIDER]], &r->provider)) {
		cell_error(L, line, COL_PROVIDER,
			   "\"%s\" is not a provider (accepted: FARGATE, FARGATE_SPOT)",
			   f[L->col[COL_PROVIDER]]);
		ok = false;
	}
	if (!fargate_os_parse(f[L->col[COL_OS]], &r->os)) {
		cell_error(L, line, COL_OS,
			   "\"%s\" is not an operating system (accepted: LINUX, WINDOWS or an AWS "
			   "operatingSystemFamily value)",
			   f[L->col[COL_OS]]);
		ok = false;
	}
	if (!fargate_arch_parse(f[L->col[COL_ARCH]], &r->arch)) {
		cell_error(L, line, COL_ARCH,
			   "\"%s\" is not an architecture (accepted: X86_64, ARM64)",
			   f[L->col[COL_ARCH]]);
		ok = false;
	}
	return ok;
}

static bool parse_values(struct loader *L, size_t line, const char *const *f, struct price_rate *r)
{
	static const enum column rate_cols[] = {COL_VCPU_HOUR, COL_GB_HOUR, COL_STORAGE_GB_HOUR,
						COL_OS_LICENSE};
	double *rate_fields[] = {&r->vcpu_hour, &r->gb_hour, &r->storage_gb_hour,
				 &r->os_license_vcpu_hour};
	bool ok = true;
	for (size_t i = 0; i < 4; i++)
		ok &= parse_rate(L, line, rate_cols[i], f[L->col[rate_cols[i]]], rate_fields[i]);
	ok &= parse_yes_no(L, line, COL_DERIVED, f[L->col[COL_DERIVED]], &r->derived);
	r->storage_derived = r->derived;
	if (L->col[COL_STORAGE_DERIVED] >= 0)
		ok &= parse_yes_no(L, line, COL_STORAGE_DERIVED, f[L->col[COL_STORAGE_DERIVED]],
				   &r->storage_derived);
	if (!*f[L->col[COL_AS_OF]]) {
		cell_error(L, line, COL_AS_OF,
			   "empty (accepted: the date the rates were taken, such as 2026-08)");
		ok = false;
	}
	return ok;
}

/* Rejects what is well-formed but cannot be a Fargate price; runs after parse_key. */
static bool check_platform(struct loader *L, size_t line, const struct price_rate *r)
{
	if (r->os == OS_LINUX && r->os_license_vcpu_hour > 0) {
		cell_error(L, line, COL_OS_LICENSE,
			   "%g is not 0 for LINUX (accepted: 0; only WINDOWS pays an OS licence)",
			   r->os_license_vcpu_hour);
		return false;
	}
	if (!fargate_provider_supports(r->provider, r->os, r->arch)) {
		char *where = xasprintf("line %zu", line);
		diag_error(
		    L->d, L->path, where,
		    "%s %s %s is not a Fargate platform (accepted: WINDOWS only with FARGATE "
		    "and X86_64)",
		    fargate_provider_name(r->provider), fargate_os_name(r->os),
		    fargate_arch_name(r->arch));
		free(where);
		return false;
	}
	return true;
}

static void add_rate(struct loader *L, size_t line, const char *const *f, struct price_rate *r)
{
	for (size_t i = 0; i < L->t.nr; i++) {
		const struct price_rate *o = &L->t.rates[i];
		if (o->provider == r->provider && o->os == r->os && o->arch == r->arch &&
		    !strcmp(o->region, f[L->col[COL_REGION]])) {
			char *where = xasprintf("line %zu", line);
			diag_error(L->d, L->path, where,
				   "duplicate rate for %s %s %s %s (first on line %zu)", o->region,
				   fargate_provider_name(r->provider), fargate_os_name(r->os),
				   fargate_arch_name(r->arch), L->lines[i]);
			free(where);
			return;
		}
	}
	r->region = xstrdup(f[L->col[COL_REGION]]);
	r->as_of = xstrdup(f[L->col[COL_AS_OF]]);
	r->source = xstrdup(f[L->col[COL_SOURCE]]);
	XALLOC_GROW(L->t.rates, L->t.nr + 1, L->t.alloc);
	XALLOC_GROW(L->lines, L->t.nr + 1, L->lines_alloc);
	L->lines[L->t.nr] = line;
	L->t.rates[L->t.nr++] = *r;
}

static int on_row(const char *const *fields, size_t n, size_t record, void *data)
{
	struct loader *L = data;
	if (!L->have_header)
		return read_header(L, fields, n) ? 0 : 1;
	if (n != L->nfields) {
		char *where = xasprintf("line %zu", record);
		diag_error(L->d, L->path, where, "%zu fields, expected %zu (one per header column)",
			   n, L->nfields);
		free(where);
		return 0;
	}
	struct price_rate r = {0};
	bool key_ok = parse_key(L, record, fields, &r);
	bool values_ok = parse_values(L, record, fields, &r);
	if (key_ok && values_ok && check_platform(L, record, &r))
		add_rate(L, record, fields, &r);
	return 0;
}

int pricing_load(struct price_table *t, const char *path, struct diag *d)
{
	struct loader L = {.path = path, .d = d};
	size_t errors = d->errors;
	pricing_init(&L.t);

	int rc = csvio_read_capped(path, FILEIO_INPUT_MAX, on_row, &L, d);
	if (rc >= 0 && d->errors == errors && L.t.nr == 0)
		diag_error(d, path, NULL,
			   "%s (accepted: a header row, then one row per region, provider, os "
			   "and arch)",
			   L.have_header ? "no price rows" : "empty file");
	free(L.lines);
	if (rc < 0 || d->errors != errors) {
		pricing_release(&L.t);
		return rc < 0 ? rc : SPOTSIM_EINVAL;
	}
	L.t.path = xstrdup(path); /* before the release: `path` may be t->path */
	pricing_release(t);
	*t = L.t;
	return 0;
}

/*
 * Writes into buf the readable price table next to the executable: the
 * source tree's data/ one or two levels above (build/spotsim, build/asan/spotsim)
 * or an installed tree's share/spotsim/ (bin/spotsim, wherever PREFIX was).
 */
static bool find_near_exe(char *buf, size_t size)
{
	static const char *const ups[] = {"/../data/pricing.csv", "/../../data/pricing.csv",
					  "/../share/spotsim/pricing.csv"};
	char exe[PATH_MAX], resolved[PATH_MAX], cwd[PATH_MAX];
	ssize_t n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
	if (n <= 0)
		return false;
	exe[n] = '\0';
	char *slash = strrchr(exe, '/');
	if (!slash)
		return false;
	*slash = '\0';
	for (size_t i = 0; i < sizeof(ups) / sizeof(ups[0]); i++) {
		char *candidate = xasprintf("%s%s", exe, ups[i]);
		bool found = realpath(candidate, resolved) && access(resolved, R_OK) == 0;
		free(candidate);
		if (!found)
			continue;
		const char *shown = resolved;
		size_t len = getcwd(cwd, sizeof(cwd)) ? strlen(cwd) : 0;
		if (len > 1 && !strncmp(resolved, cwd, len) && resolved[len] == '/')
			shown = resolved + len + 1; /* stable, short output in the repository */
		snprintf(buf, size, "%s", shown);
		return true;
	}
	return false;
}

const char *pricing_default_path(void)
{
	static char buf[PATH_MAX];
	const char *env = getenv("SPOTSIM_PRICES");
	if (env && *env)
		return env; /* as given: a copy into buf could cut a long path short */
	if (find_near_exe(buf, sizeof(buf)))
		return buf;
	if (access("data/pricing.csv", R_OK) == 0)
		return "data/pricing.csv";
	if (access(SPOTSIM_DATADIR "/pricing.csv", R_OK) == 0)
		return SPOTSIM_DATADIR "/pricing.csv";
	return NULL;
}

const struct price_rate *pricing_find(const struct price_table *t, const char *region,
				      enum provider p, enum os_family os, enum cpu_arch a)
{
	for (size_t i = 0; i < t->nr; i++) {
		const struct price_rate *r = &t->rates[i];
		if (r->provider == p && r->os == os && r->arch == a && !strcmp(r->region, region))
			return r;
	}
	return NULL;
}

void pricing_apply_override(const struct price_rate *base, const struct price_override *o,
			    struct price_rate *out)
{
	*out = *base;
	if (o->vcpu_hour >= 0)
		out->vcpu_hour = o->vcpu_hour;
	if (o->gb_hour >= 0)
		out->gb_hour = o->gb_hour;
	if (o->storage_gb_hour >= 0)
		out->storage_gb_hour = o->storage_gb_hour;
	if (o->os_license_vcpu_hour >= 0)
		out->os_license_vcpu_hour = o->os_license_vcpu_hour;
}

int64_t pricing_billed_seconds(sim_time run, enum os_family os)
{
	if (run <= 0)
		return 0;
	int64_t s = simtime_ceil_seconds(run);
	int64_t min = fargate_min_billed_seconds(os);
	return s < min ? min : s;
}

void pricing_cost(const struct price_rate *r, const struct task_size *sz, double task_seconds,
		  struct cost_items *out)
{
	double hours = task_seconds / 3600.0;
	double vcpu = sz->cpu_units / 1024.0;
	double gib = sz->memory_mib / 1024.0;
	int extra = sz->storage_gib > FARGATE_STORAGE_FREE_GIB
			? sz->storage_gib - FARGATE_STORAGE_FREE_GIB
			: 0;

	out->vcpu = vcpu * r->vcpu_hour * hours;
	out->memory = gib * r->gb_hour * hours;
	out->storage = extra * r->storage_gb_hour * hours;
	out->os_license = sz->os == OS_WINDOWS ? vcpu * r->os_license_vcpu_hour * hours : 0;
	out->total = out->vcpu + out->memory + out->storage + out->os_license;
}
