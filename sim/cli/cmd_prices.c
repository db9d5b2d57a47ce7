/*
 * spotsim prices — the price table in use: where it was read from, every
 * rate (USD per hour), the date each was taken and whether spotsim derived
 * it. The csv format writes the table's own columns, so its output can be
 * edited and passed back with --prices. With --savings-plans, the same for
 * the Compute Savings Plans table (savings_plan.h): each discount with its
 * source, date and whether it is derived.
 */
#include "spotsim/cli/cli.h"
#include "spotsim/util/error.h"
#include "spotsim/model/fargate.h"
#include "spotsim/model/pricing.h"
#include "spotsim/model/savings_plan.h"
#include "spotsim/util/strbuf.h"
#include "spotsim/util/xalloc.h"

#include <getopt.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define CMD "prices"

static const char usage[] =
    "usage: spotsim prices [--region R] [--format table|csv] [--prices FILE]\n"
    "                      [--savings-plans]\n"
    "\n"
    "The Fargate price table in use: where it was read from, each rate in USD\n"
    "per hour, the date the rates were taken (as_of) and whether spotsim derived\n"
    "a rate instead of copying a published one (derived, storage_derived).\n"
    "\n"
    "  --region R       only the rates of region R\n"
    "  --format F       table (default) or csv (the file's own columns)\n"
    "  --prices FILE    price table (default: the bundled data/pricing.csv)\n"
    "  --savings-plans  the Compute Savings Plans table instead: the discount\n"
    "                   off the On-Demand vCPU and memory rates per region, OS,\n"
    "                   architecture, term and payment, with as_of, derived and\n"
    "                   source (the bundled data/savings-plans.csv, or the file\n"
    "                   SPOTSIM_SAVINGS_PLANS names)\n"
    "\n"
    "example: spotsim prices --region us-east-1\n"
    "         spotsim prices --savings-plans --region us-east-1\n";

static const struct option long_opts[] = {
    {"region", required_argument, NULL, 'r'}, {"format", required_argument, NULL, 'f'},
    {"prices", required_argument, NULL, 'P'}, {"savings-plans", no_argument, NULL, 'S'},
    {"help", no_argument, NULL, 'h'},	      {NULL, 0, NULL, 0},
};

/* Formats `v` with at most 10 decimals and no trailing zeros. */
static const char *num(char *buf, size_t size, double v)
{
	snprintf(buf, size, "%.10f", v);
	char *end = buf + strlen(buf) - 1;
	while (*end == '0')
		*end-- = '\0';
	if (*end == '.')
		*end = '\0';
	return buf;
}

static const char *yes_no(bool b)
{
	return b ? "yes" : "no";
}

static bool selected(const struct price_rate *r, const char *region)
{
	return !region || !strcmp(r->region, region);
}

/*
 * Sources are long: the table gives each distinct one a number and lists
 * them once below. src[i] is row i's source, NULL when the row is not
 * shown. Returns owned numbers, one per row (0 when not shown).
 */
static size_t *number_sources_of(const char *const *src, size_t n, size_t *count)
{
	size_t *nums = xcalloc(n ? n : 1, sizeof(*nums));
	*count = 0;
	for (size_t i = 0; i < n; i++) {
		if (!src[i])
			continue;
		for (size_t k = 0; k < i && !nums[i]; k++)
			if (nums[k] && !strcmp(src[k], src[i]))
				nums[i] = nums[k];
		if (!nums[i])
			nums[i] = ++*count;
	}
	return nums;
}

static size_t *number_sources(const struct price_table *t, const char *region, size_t *count)
{
	const char **src = xcalloc(t->nr ? t->nr : 1, sizeof(*src));
	for (size_t i = 0; i < t->nr; i++)
		src[i] = selected(&t->rates[i], region) ? t->rates[i].source : NULL;
	size_t *nums = number_sources_of(src, t->nr, count);
	free(src);
	return nums;
}

static void print_row(const struct price_rate *r, size_t source)
{
	char b[4][32];
	printf("%-15s %-13s %-8s %-7s %11s %11s %12s %12s  %-23s %-7s %-15s [%zu]\n", r->region,
	       fargate_provider_name(r->provider), fargate_os_name(r->os),
	       fargate_arch_name(r->arch), num(b[0], 32, r->vcpu_hour), num(b[1], 32, r->gb_hour),
	       num(b[2], 32, r->storage_gb_hour), num(b[3], 32, r->os_license_vcpu_hour), r->as_of,
	       yes_no(r->derived), yes_no(r->storage_derived), source);
}

static void print_table(const struct price_table *t, const char *region)
{
	size_t nr = 0, count, shown = 0;
	size_t *nums = number_sources(t, region, &count);
	for (size_t i = 0; i < t->nr; i++)
		nr += selected(&t->rates[i], region);
	printf("price table: %s (%zu rates%s%s)\n", t->path, nr, region ? " for " : "",
	       region ? region : "");
	printf("USD per hour: per vCPU, per GB (GB = GiB), per GB of storage above the 20 GiB\n"
	       "included, and the Windows licence per vCPU\n\n");
	printf("%-15s %-13s %-8s %-7s %11s %11s %12s %12s  %-23s %-7s %-15s %s\n", "region",
	       "provider", "os", "arch", "vcpu_hour", "gb_hour", "storage_hour", "license_hour",
	       "as_of", "derived", "storage_derived", "source");
	for (size_t i = 0; i < t->nr; i++)
		if (nums[i])
			print_row(&t->rates[i], nums[i]);
	printf("\nsources:\n");
	for (size_t i = 0; i < t->nr && shown < count; i++) {
		if (nums[i] == shown + 1)
			printf("  [%zu] %s\n", ++shown, t->rates[i].source);
	}
	free(nums);
}

static void print_csv(const struct price_table *t, const char *region)
{
	char b[4][32];
	printf("region,provider,os,arch,vcpu_hour,gb_hour,storage_gb_hour,os_license_vcpu_hour,"
	       "as_of,derived,storage_derived,source\n");
	for (size_t i = 0; i < t->nr; i++) {
		const struct price_rate *r = &t->rates[i];
		if (!selected(r, region))
			continue;
		cli_put_csv_field(stdout, r->region);
		printf(",%s,%s,%s,%s,%s,%s,%s,", fargate_provider_name(r->provider),
		       fargate_os_name(r->os), fargate_arch_name(r->arch),
		       num(b[0], 32, r->vcpu_hour), num(b[1], 32, r->gb_hour),
		       num(b[2], 32, r->storage_gb_hour), num(b[3], 32, r->os_license_vcpu_hour));
		cli_put_csv_field(stdout, r->as_of);
		printf(",%s,%s,", yes_no(r->derived), yes_no(r->storage_derived));
		cli_put_csv_field(stdout, r->source);
		putchar('\n');
	}
}

/* ---- the Compute Savings Plans table ---- */

static bool sp_selected(const struct sp_rate *r, const char *region)
{
	return !region || !strcmp(r->region, region);
}

static void sp_print_table(const struct sp_table *t, const char *region)
{
	const char **src = xcalloc(t->nr ? t->nr : 1, sizeof(*src));
	size_t nr = 0, count, shown = 0;
	char b[32];

	for (size_t i = 0; i < t->nr; i++) {
		src[i] = sp_selected(&t->rates[i], region) ? t->rates[i].source : NULL;
		nr += src[i] != NULL;
	}
	size_t *nums = number_sources_of(src, t->nr, &count);
	printf("savings plans table: %s (%zu row%s%s%s)\n", t->path, nr, nr == 1 ? "" : "s",
	       region ? " for " : "", region ? region : "");
	printf("discount: the fraction off the On-Demand FARGATE vCPU and memory rates (Savings\n"
	       "Plans rate = On-Demand x (1 - discount)); FARGATE_SPOT is not covered\n\n");
	printf("%-15s %-8s %-7s %-4s %-15s %8s  %-23s %-7s %s\n", "region", "os", "arch", "term",
	       "payment", "discount", "as_of", "derived", "source");
	for (size_t i = 0; i < t->nr; i++) {
		const struct sp_rate *r = &t->rates[i];
		if (!nums[i])
			continue;
		printf("%-15s %-8s %-7s %-4s %-15s %8s  %-23s %-7s [%zu]\n", r->region,
		       fargate_os_name(r->os), fargate_arch_name(r->arch),
		       savings_plan_term_name(r->term), savings_plan_payment_name(r->payment),
		       num(b, sizeof(b), r->discount), r->as_of, yes_no(r->derived), nums[i]);
	}
	printf("\nsources:\n");
	for (size_t i = 0; i < t->nr && shown < count; i++)
		if (nums[i] == shown + 1)
			printf("  [%zu] %s\n", ++shown, t->rates[i].source);
	free(nums);
	free(src);
}

static void sp_print_csv(const struct sp_table *t, const char *region)
{
	char b[32];
	printf("region,os,arch,term,payment,discount,as_of,derived,source\n");
	for (size_t i = 0; i < t->nr; i++) {
		const struct sp_rate *r = &t->rates[i];
		if (!sp_selected(r, region))
			continue;
		cli_put_csv_field(stdout, r->region);
		printf(",%s,%s,%s,%s,%s,", fargate_os_name(r->os), fargate_arch_name(r->arch),
		       savings_plan_term_name(r->term), savings_plan_payment_name(r->payment),
		       num(b, sizeof(b), r->discount));
		cli_put_csv_field(stdout, r->as_of);
		printf(",%s,", yes_no(r->derived));
		cli_put_csv_field(stdout, r->source);
		putchar('\n');
	}
}

/*
 * The region of row i of a rate table whose rows are `size` bytes apart, each
 * holding its `char *region` at offset `off` (struct sp_rate, struct price_rate).
 */
static const char *row_region(const void *rows, size_t size, size_t off, size_t i)
{
	const char *r;
	memcpy(&r, (const char *)rows + i * size + off, sizeof(r));
	return r;
}

/*
 * 0 when some row of the table read from `path` is in `region`; else one usage
 * error listing the table's regions, in first-seen order, and EXIT_USAGE.
 */
static int check_region(const void *rows, size_t nr, size_t size, size_t off, const char *path,
			const char *region)
{
	for (size_t i = 0; i < nr; i++)
		if (!strcmp(row_region(rows, size, off, i), region))
			return 0;
	struct strbuf sb = STRBUF_INIT;
	for (size_t i = 0; i < nr; i++) {
		const char *r = row_region(rows, size, off, i);
		bool seen = false;
		for (size_t j = 0; j < i && !seen; j++)
			seen = !strcmp(row_region(rows, size, off, j), r);
		if (!seen)
			strbuf_addf(&sb, "%s%s", sb.len ? ", " : "", r);
	}
	cli_usage_error(CMD, "--region", "%s is not in %s (accepted: %s)", region, path, sb.buf);
	strbuf_release(&sb);
	return EXIT_USAGE;
}

/* spotsim prices --savings-plans: the table SPOTSIM_SAVINGS_PLANS or the bundled one names. */
static int savings_plans(const char *region, enum out_format format)
{
	const char *path = savings_plan_default_path();
	struct sp_table t;
	struct diag d;
	int status = EXIT_OK;

	if (!path) {
		cli_usage_error(
		    CMD, "--savings-plans",
		    "no Savings Plans rate table found (accepted: data/savings-plans.csv "
		    "as installed, or SPOTSIM_SAVINGS_PLANS=FILE)");
		return EXIT_USAGE;
	}
	savings_plan_table_init(&t);
	diag_init(&d);
	if (savings_plan_table_load(&t, path, &d) != 0) {
		cli_print_diag(&d);
		status = EXIT_USAGE;
	} else if (region) {
		status = check_region(t.rates, t.nr, sizeof(*t.rates),
				      offsetof(struct sp_rate, region), t.path, region);
	}
	if (!status && format == FORMAT_CSV)
		sp_print_csv(&t, region);
	else if (!status)
		sp_print_table(&t, region);
	diag_release(&d);
	savings_plan_table_release(&t);
	return status;
}

/* The command line. */
struct prices_opts {
	const char *region, *prices;
	enum out_format format;
	bool savings_plans;
};

/* Handles one option; returns 1 (after printing) when it is wrong, else 0. */
static int take_option(int c, char **argv, struct prices_opts *o)
{
	char opt[8];
	switch (c) {
	case 'r':
		o->region = optarg;
		return 0;
	case 'P':
		o->prices = optarg;
		return 0;
	case 'S':
		o->savings_plans = true;
		return 0;
	case 'f':
		if (cli_parse_format(optarg, &o->format, false))
			return 0;
		cli_usage_error(CMD, "--format", "unknown format \"%s\" (accepted: table, csv)",
				optarg);
		return 1;
	case ':':
		cli_usage_error(CMD, argv[optind - 1], "needs a value");
		return 1;
	}
	snprintf(opt, sizeof(opt), "-%c", optopt);
	cli_usage_error(CMD, optopt ? opt : argv[optind - 1],
			"unknown option (see spotsim prices --help)");
	return 1;
}

/* Parses argv; returns -1 for --help, else the number of problems printed. */
static int parse_args(int argc, char **argv, struct prices_opts *o)
{
	int c, problems = 0;
	opterr = 0;
	optind = 0; /* glibc and musl: full reset, whatever ran getopt before */
	while ((c = getopt_long(argc, argv, ":h", long_opts, NULL)) != -1) {
		if (c == 'h') {
			fputs(usage, stdout);
			return -1;
		}
		problems += take_option(c, argv, o);
	}
	if (!problems && o->savings_plans && o->prices) {
		cli_usage_error(
		    CMD, "--prices",
		    "names the Fargate price table, not the Savings Plans one (accepted: "
		    "--savings-plans alone, with SPOTSIM_SAVINGS_PLANS=FILE for another "
		    "table)");
		problems++;
	}
	for (; optind < argc; optind++, problems++)
		cli_usage_error(CMD, argv[optind],
				"unexpected argument (see spotsim prices --help)");
	return problems;
}

int cmd_prices(int argc, char **argv)
{
	struct prices_opts o = {NULL, NULL, FORMAT_TABLE, false};
	int problems = parse_args(argc, argv, &o);
	if (problems)
		return problems < 0 ? EXIT_OK : EXIT_USAGE;
	if (o.savings_plans)
		return savings_plans(o.region, o.format);
	const char *region = o.region, *prices = o.prices;
	enum out_format format = o.format;

	struct price_table t;
	pricing_init(&t);
	int status = cli_load_prices(CMD, prices, &t);
	if (!status && region)
		status = check_region(t.rates, t.nr, sizeof(*t.rates),
				      offsetof(struct price_rate, region), t.path, region);
	if (!status) {
		if (format == FORMAT_CSV)
			print_csv(&t, region);
		else
			print_table(&t, region);
	}
	pricing_release(&t);
	return status;
}
