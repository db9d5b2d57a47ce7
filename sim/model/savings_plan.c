/*
 * savings_plan — the Savings Plans rate table and the hourly rule (see
 * savings_plan.h).
 *
 * The loader follows pricing.c: the header names the columns, rows are
 * built into a private table that replaces the caller's only when the whole
 * file is clean, and row numbers are csvio's record numbers. The table is
 * small, so lookups are linear.
 */
#include "spotsim/model/savings_plan.h"

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
	COL_OS,
	COL_ARCH,
	COL_TERM,
	COL_PAYMENT,
	COL_DISCOUNT,
	COL_AS_OF,
	COL_DERIVED,
	COL_SOURCE,
	COL_COUNT
};

static const char *const column_names[COL_COUNT] = {
    "region", "os", "arch", "term", "payment", "discount", "as_of", "derived", "source",
};

static const char *const term_names[SP_TERM_COUNT] = {"1y", "3y"};
static const char *const payment_names[SP_PAYMENT_COUNT] = {"no_upfront", "partial_upfront",
							    "all_upfront"};

struct loader {
	const char *path;
	struct diag *d;
	struct sp_table t;
	size_t *lines;
	size_t lines_alloc;
	int col[COL_COUNT];
	size_t nfields;
	bool have_header;
};

const char *savings_plan_term_name(enum sp_term t)
{
	return (unsigned)t < SP_TERM_COUNT ? term_names[t] : "?";
}

const char *savings_plan_payment_name(enum sp_payment p)
{
	return (unsigned)p < SP_PAYMENT_COUNT ? payment_names[p] : "?";
}

bool savings_plan_term_parse(const char *s, enum sp_term *out)
{
	for (int i = 0; i < SP_TERM_COUNT; i++)
		if (s && !strcmp(s, term_names[i])) {
			*out = (enum sp_term)i;
			return true;
		}
	return false;
}

bool savings_plan_payment_parse(const char *s, enum sp_payment *out)
{
	for (int i = 0; i < SP_PAYMENT_COUNT; i++)
		if (s && !strcmp(s, payment_names[i])) {
			*out = (enum sp_payment)i;
			return true;
		}
	return false;
}

double savings_plan_term_hours(enum sp_term t)
{
	return (t == SP_TERM_3Y ? 3 : 1) * 365 * 24.0;
}

void savings_plan_table_init(struct sp_table *t)
{
	t->rates = NULL;
	t->nr = t->alloc = 0;
	t->path = NULL;
}

void savings_plan_table_release(struct sp_table *t)
{
	for (size_t i = 0; i < t->nr; i++) {
		free(t->rates[i].region);
		free(t->rates[i].as_of);
		free(t->rates[i].source);
	}
	free(t->rates);
	free(t->path);
	savings_plan_table_init(t);
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
	char *where = c == COL_COUNT ? xasprintf("line %zu", line)
				     : xasprintf("line %zu: column %s", line, column_names[c]);
	diag_error(L->d, L->path, where, "%s", msg.buf);
	free(where);
	strbuf_release(&msg);
}

static bool read_header(struct loader *L, const char *const *fields, size_t n)
{
	L->nfields = n;
	L->have_header = true;
	return csvio_map_header(L->path, column_names, COL_COUNT, COL_COUNT, fields, n, L->col,
				L->d);
}

static bool parse_discount(struct loader *L, size_t line, const char *text, double *out)
{
	char *end;
	errno = 0;
	double v = strtod(text, &end);
	if (end == text || *end || isspace((unsigned char)*text) || !isfinite(v) ||
	    errno == ERANGE || v < 0 || v >= 1) {
		cell_error(L, line, COL_DISCOUNT,
			   "\"%s\" is not a discount (accepted: a fraction off On-Demand, from 0 "
			   "up to but not including 1, such as 0.2)",
			   text);
		return false;
	}
	*out = v;
	return true;
}

static bool parse_key(struct loader *L, size_t line, const char *const *f, struct sp_rate *r)
{
	bool ok = true;
	if (!*f[L->col[COL_REGION]]) {
		cell_error(L, line, COL_REGION,
			   "empty (accepted: an AWS region such as us-east-1)");
		ok = false;
	}
	if (!fargate_os_parse(f[L->col[COL_OS]], &r->os)) {
		cell_error(L, line, COL_OS,
			   "\"%s\" is not an operating system (accepted: LINUX, "
			   "WINDOWS)",
			   f[L->col[COL_OS]]);
		ok = false;
	}
	if (!fargate_arch_parse(f[L->col[COL_ARCH]], &r->arch)) {
		cell_error(L, line, COL_ARCH,
			   "\"%s\" is not an architecture (accepted: X86_64, "
			   "ARM64)",
			   f[L->col[COL_ARCH]]);
		ok = false;
	}
	if (!savings_plan_term_parse(f[L->col[COL_TERM]], &r->term)) {
		cell_error(L, line, COL_TERM, "\"%s\" is not a term (accepted: " SP_TERMS ")",
			   f[L->col[COL_TERM]]);
		ok = false;
	}
	if (!savings_plan_payment_parse(f[L->col[COL_PAYMENT]], &r->payment)) {
		cell_error(L, line, COL_PAYMENT,
			   "\"%s\" is not a payment option (accepted: " SP_PAYMENTS ")",
			   f[L->col[COL_PAYMENT]]);
		ok = false;
	}
	return ok;
}

static bool parse_values(struct loader *L, size_t line, const char *const *f, struct sp_rate *r)
{
	bool ok = parse_discount(L, line, f[L->col[COL_DISCOUNT]], &r->discount);
	const char *derived = f[L->col[COL_DERIVED]];
	if (strcmp(derived, "yes") && strcmp(derived, "no")) {
		cell_error(L, line, COL_DERIVED, "\"%s\" is not yes or no (accepted: yes, no)",
			   derived);
		ok = false;
	}
	r->derived = derived[0] == 'y';
	if (!*f[L->col[COL_AS_OF]]) {
		cell_error(L, line, COL_AS_OF,
			   "empty (accepted: the date the figure was taken, such as 2026-08)");
		ok = false;
	}
	return ok;
}

static void add_rate(struct loader *L, size_t line, const char *const *f, struct sp_rate *r)
{
	const char *region = f[L->col[COL_REGION]];
	const struct sp_rate *o =
	    savings_plan_find(&L->t, region, r->os, r->arch, r->term, r->payment);
	if (o) {
		cell_error(L, line, COL_COUNT,
			   "duplicate row for %s %s %s %s %s (first on line %zu)", region,
			   fargate_os_name(r->os), fargate_arch_name(r->arch), term_names[r->term],
			   payment_names[r->payment], L->lines[o - L->t.rates]);
		return;
	}
	r->region = xstrdup(region);
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
		cell_error(L, record, COL_COUNT, "%zu fields, expected %zu (one per header column)",
			   n, L->nfields);
		return 0;
	}
	struct sp_rate r = {0};
	bool key_ok = parse_key(L, record, fields, &r);
	if (parse_values(L, record, fields, &r) && key_ok)
		add_rate(L, record, fields, &r);
	return 0;
}

int savings_plan_table_load(struct sp_table *t, const char *path, struct diag *d)
{
	struct loader L = {.path = path, .d = d};
	size_t errors = d->errors;
	savings_plan_table_init(&L.t);
	int rc = csvio_read_capped(path, FILEIO_INPUT_MAX, on_row, &L, d);
	if (rc >= 0 && d->errors == errors && L.t.nr == 0)
		diag_error(d, path, NULL,
			   "%s (accepted: a header row, then one row per region, os, arch, term "
			   "and payment)",
			   L.have_header ? "no rows" : "empty file");
	free(L.lines);
	if (rc < 0 || d->errors != errors) {
		savings_plan_table_release(&L.t);
		return rc < 0 ? rc : SPOTSIM_EINVAL;
	}
	L.t.path = xstrdup(path);
	savings_plan_table_release(t);
	*t = L.t;
	return 0;
}

const char *savings_plan_default_path(void)
{
	static char buf[PATH_MAX];
	const char *env = getenv("SPOTSIM_SAVINGS_PLANS");
	const char *prices = pricing_default_path();
	if (env && *env)
		return env; /* as given: a copy into buf could cut a long path short */
	if (prices) {
		const char *slash = strrchr(prices, '/');
		int dir = slash ? (int)(slash - prices) : 0;
		snprintf(buf, sizeof(buf), "%.*s%ssavings-plans.csv", dir, prices,
			 slash ? "/" : "");
		if (access(buf, R_OK) == 0)
			return buf;
	}
	if (access("data/savings-plans.csv", R_OK) == 0)
		return "data/savings-plans.csv";
	if (access(SPOTSIM_DATADIR "/savings-plans.csv", R_OK) == 0)
		return SPOTSIM_DATADIR "/savings-plans.csv";
	return NULL;
}

const struct sp_rate *savings_plan_find(const struct sp_table *t, const char *region,
					enum os_family os, enum cpu_arch arch, enum sp_term term,
					enum sp_payment payment)
{
	for (size_t i = 0; i < t->nr; i++) {
		const struct sp_rate *r = &t->rates[i];
		if (r->os == os && r->arch == arch && r->term == term && r->payment == payment &&
		    !strcmp(r->region, region))
			return r;
	}
	return NULL;
}

/* ---- the hourly rule ---- */

static double line_savings(const struct sp_line *l)
{
	return l->on_demand_rate > 0 ? 1.0 - l->plan_rate / l->on_demand_rate : 0;
}

/* Whether line a takes the commitment before line b (AWS's order). */
static bool goes_first(const struct sp_line *a, const struct sp_line *b)
{
	double sa = line_savings(a), sb = line_savings(b);
	if (fabs(sa - sb) > 1e-12)
		return sa > sb;
	return a->plan_rate < b->plan_rate - 1e-15;
}

/* order[0..n) = the lines in the order the plan covers them (a stable insertion sort). */
static void cover_order(const struct sp_line *lines, size_t n, size_t *order)
{
	for (size_t i = 0; i < n; i++) {
		size_t j = i;
		while (j > 0 && goes_first(&lines[i], &lines[order[j - 1]])) {
			order[j] = order[j - 1];
			j--;
		}
		order[j] = i;
	}
}

void savings_plan_apply(double commitment, const struct sp_line *lines, size_t n,
			struct sp_hour *out)
{
	size_t order[64];
	double left = commitment;
	memset(out, 0, sizeof(*out));
	n = n < 64 ? n : 64;
	cover_order(lines, n, order);
	for (size_t k = 0; k < n; k++) {
		const struct sp_line *l = &lines[order[k]];
		double at_plan = l->quantity * l->plan_rate,
		       at_od = l->quantity * l->on_demand_rate;
		double covered = 1; /* the fraction of the line the plan covers */
		if (at_plan > left)
			covered = at_plan > 0 ? left / at_plan : 1;
		left -= at_plan * covered;
		out->eligible_on_demand += at_od;
		out->covered_on_demand += at_od * covered;
		out->on_demand_billed += at_od * (1 - covered);
	}
	out->commitment_used = commitment - left;
	out->commitment_unused = left;
	out->cost = commitment + out->on_demand_billed;
}

void savings_plan_account_init(struct sp_account *a, double commitment, double discount)
{
	memset(a, 0, sizeof(*a));
	a->commitment = commitment;
	a->discount = discount;
}

void savings_plan_account_hour(struct sp_account *a, double eligible_on_demand, double hours)
{
	struct sp_line line = {eligible_on_demand > 0 ? eligible_on_demand : 0, 1, 1 - a->discount};
	struct sp_hour h;
	savings_plan_apply(a->commitment * hours, &line, 1, &h);
	a->hours += hours;
	a->paid += a->commitment * hours;
	a->used += h.commitment_used;
	a->covered_on_demand += h.covered_on_demand;
	a->on_demand_billed += h.on_demand_billed;
	a->eligible_on_demand += h.eligible_on_demand;
}

double savings_plan_utilization(const struct sp_account *a)
{
	return a->paid > 0 ? a->used / a->paid : NAN;
}

double savings_plan_coverage(const struct sp_account *a)
{
	return a->eligible_on_demand > 0 ? a->covered_on_demand / a->eligible_on_demand : NAN;
}

void savings_plan_evaluate(double commitment, double discount, const double *eligible,
			   const double *hours, size_t n, struct sp_account *out)
{
	savings_plan_account_init(out, commitment, discount);
	for (size_t i = 0; i < n; i++)
		savings_plan_account_hour(out, eligible[i], hours[i]);
}

struct corner {
	double at; /* the commitment where the hour's usage is just covered */
	double w;  /* the hour's length */
};

static int corner_cmp(const void *a, const void *b)
{
	double x = ((const struct corner *)a)->at, y = ((const struct corner *)b)->at;
	return x < y ? -1 : x > y;
}

double savings_plan_best_commitment(double discount, const double *eligible, const double *hours,
				    size_t n)
{
	struct corner *c = xcalloc(n ? n : 1, sizeof(*c));
	double total = 0, above = 0, best = 0;
	size_t m = 0;
	for (size_t i = 0; i < n; i++) {
		total += hours[i];
		if (hours[i] <= 0 || eligible[i] <= 0)
			continue;
		c[m].at = (1 - discount) * eligible[i] / hours[i];
		c[m++].w = hours[i];
		above += hours[i];
	}
	qsort(c, m, sizeof(*c), corner_cmp);
	/* the slope of the bill just above a commitment: total - above / (1 - discount) */
	for (size_t i = 0; i < m && total - above / (1 - discount) < 0; i++) {
		above -= c[i].w;
		best = c[i].at;
	}
	free(c);
	return best;
}
