/*
 * spotsim prices — the price table in use: where it was read from, every
 * rate (USD per hour), the date each was taken and whether spotsim derived
 * it. The csv format writes the table's own columns, so its output can be
 * edited and passed back with --prices.
 */
#include "spotsim/cli/cli.h"
#include "spotsim/util/error.h"
#include "spotsim/model/fargate.h"
#include "spotsim/model/pricing.h"
#include "spotsim/util/strbuf.h"
#include "spotsim/util/xalloc.h"

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define CMD "prices"

static const char usage[] =
    "usage: spotsim prices [--region R] [--format table|csv] [--prices FILE]\n"
    "\n"
    "The Fargate price table in use: where it was read from, each rate in USD\n"
    "per hour, the date the rates were taken (as_of) and whether spotsim derived\n"
    "a rate instead of copying a published one (derived, storage_derived).\n"
    "\n"
    "  --region R     only the rates of region R\n"
    "  --format F     table (default) or csv (the price file's own columns)\n"
    "  --prices FILE  price table (default: the bundled data/pricing.csv)\n"
    "\n"
    "example: spotsim prices --region us-east-1\n";

static const struct option long_opts[] = {
    {"region", required_argument, NULL, 'r'},
    {"format", required_argument, NULL, 'f'},
    {"prices", required_argument, NULL, 'P'},
    {"help", no_argument, NULL, 'h'},
    {NULL, 0, NULL, 0},
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
 * them once below. Returns owned numbers, one per row (0 when unselected).
 */
static size_t *number_sources(const struct price_table *t, const char *region, size_t *count)
{
	size_t *nums = xcalloc(t->nr ? t->nr : 1, sizeof(*nums));
	*count = 0;
	for (size_t i = 0; i < t->nr; i++) {
		if (!selected(&t->rates[i], region))
			continue;
		for (size_t k = 0; k < i && !nums[i]; k++)
			if (nums[k] && !strcmp(t->rates[k].source, t->rates[i].source))
				nums[i] = nums[k];
		if (!nums[i])
			nums[i] = ++*count;
	}
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

/* Handles one option; returns 1 (after printing) when it is wrong, else 0. */
static int take_option(int c, char **argv, const char **region, const char **prices,
		       enum out_format *format)
{
	char opt[8];
	switch (c) {
	case 'r':
		*region = optarg;
		return 0;
	case 'P':
		*prices = optarg;
		return 0;
	case 'f':
		if (cli_parse_format(optarg, format, false))
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
static int parse_args(int argc, char **argv, const char **region, const char **prices,
		      enum out_format *format)
{
	int c, problems = 0;
	opterr = 0;
	optind = 0; /* glibc and musl: full reset, whatever ran getopt before */
	while ((c = getopt_long(argc, argv, ":h", long_opts, NULL)) != -1) {
		if (c == 'h') {
			fputs(usage, stdout);
			return -1;
		}
		problems += take_option(c, argv, region, prices, format);
	}
	for (; optind < argc; optind++, problems++)
		cli_usage_error(CMD, argv[optind],
				"unexpected argument (see spotsim prices --help)");
	return problems;
}

static bool has_region(const struct price_table *t, const char *region)
{
	for (size_t i = 0; i < t->nr; i++)
		if (!strcmp(t->rates[i].region, region))
			return true;
	return false;
}

static int unknown_region(const struct price_table *t, const char *region)
{
	struct strbuf sb = STRBUF_INIT;
	for (size_t i = 0; i < t->nr; i++) {
		bool seen = false;
		for (size_t j = 0; j < i && !seen; j++)
			seen = !strcmp(t->rates[j].region, t->rates[i].region);
		if (!seen)
			strbuf_addf(&sb, "%s%s", sb.len ? ", " : "", t->rates[i].region);
	}
	cli_usage_error(CMD, "--region", "%s is not in %s (accepted: %s)", region, t->path, sb.buf);
	strbuf_release(&sb);
	return EXIT_USAGE;
}

int cmd_prices(int argc, char **argv)
{
	const char *region = NULL, *prices = NULL;
	enum out_format format = FORMAT_TABLE;
	int problems = parse_args(argc, argv, &region, &prices, &format);
	if (problems)
		return problems < 0 ? EXIT_OK : EXIT_USAGE;

	struct price_table t;
	pricing_init(&t);
	int status = cli_load_prices(CMD, prices, &t);
	if (!status && region && !has_region(&t, region))
		status = unknown_region(&t, region);
	if (!status) {
		if (format == FORMAT_CSV)
			print_csv(&t, region);
		else
			print_table(&t, region);
	}
	pricing_release(&t);
	return status;
}
