/*
 * spotsim cost — what a Fargate or Fargate Spot task costs, line by line,
 * in the shape of the worked examples on aws.amazon.com/fargate/pricing.
 *
 * Usage is `tasks` tasks, each running `runs` times for `run_seconds`
 * (one run for --seconds/--hours, one run a day for --seconds-per-day with
 * --days). Every run is billed on its own: rounded up to the whole second,
 * at least the OS minimum (pricing_billed_seconds), which is how AWS's
 * example 1 bills 600 s a day for 30 days.
 *
 * Rates are shown per second when the table's hourly rate is an exact
 * per-second figure (us-east-1, taken from AWS's examples), else per hour,
 * so the quantity x rate arithmetic on screen is exact either way.
 */
#include "spotsim/cli/cli.h"
#include "spotsim/util/error.h"
#include "spotsim/model/fargate.h"
#include "spotsim/model/pricing.h"
#include "spotsim/util/strbuf.h"
#include "spotsim/util/xalloc.h"

#include <getopt.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define CMD	      "cost"
#define MAX_TASKS     100000L
#define MAX_DAYS      3660L
#define MAX_SECONDS   3153600000.0 /* 100 years */
#define MAX_HOURS     876000.0
#define SECONDS_A_DAY 86400.0

static const char usage[] =
    "usage: spotsim cost --cpu CPU --memory MEMORY [--region R] [--arch X86_64|ARM64]\n"
    "                    [--os LINUX|WINDOWS] [--provider FARGATE|FARGATE_SPOT]\n"
    "                    [--storage GiB] [--tasks N]\n"
    "                    [--seconds S | --hours H | --seconds-per-day S --days D]\n"
    "                    [--format table|csv|json] [--prices FILE]\n"
    "\n"
    "What Fargate tasks cost, line by line (vCPU, memory, storage, OS licence),\n"
    "as in the examples on aws.amazon.com/fargate/pricing. Each run of a task is\n"
    "billed from the start of the image pull, rounded up to the second, with a\n"
    "minimum of 60 s (Linux) or 300 s (Windows).\n"
    "\n"
    "  --cpu CPU             task cpu: units (256 ... 16384) or vCPU (\"0.25 vCPU\")\n"
    "  --memory MEMORY       task memory: MiB (2048) or GB (\"2 GB\"); must suit the cpu\n"
    "  --region R            AWS region (default us-east-1)\n"
    "  --arch A              X86_64 (default) or ARM64\n"
    "  --os OS               LINUX (default) or WINDOWS (or an operatingSystemFamily)\n"
    "  --provider P          FARGATE (default) or FARGATE_SPOT (Linux only)\n"
    "  --storage GiB         ephemeral storage, 21 to 200 GiB (default 20, included)\n"
    "  --tasks N             number of tasks (default 1)\n"
    "  --seconds S           one run of S seconds per task\n"
    "  --hours H             one run of H hours per task (default: 1 hour)\n"
    "  --seconds-per-day S   with --days D: a run of S seconds every day for D days\n"
    "  --format F            table (default), csv or json\n"
    "  --prices FILE         price table (default: the bundled data/pricing.csv)\n"
    "\n"
    "example (AWS pricing example 1):\n"
    "  spotsim cost --cpu 1024 --memory 2048 --storage 30 --tasks 5 \\\n"
    "               --seconds-per-day 600 --days 30\n";

struct cost_opts {
	const char *cpu_text, *memory_text, *region, *prices;
	int cpu_units, memory_mib;
	enum cpu_arch arch;
	enum os_family os;
	enum provider provider;
	long storage, tasks, days;
	bool storage_set;
	double seconds, hours, per_day; /* < 0 when not given */
	enum out_format format;
};

/* The bill being printed. */
struct bill {
	const struct cost_opts *o;
	const struct price_rate *rate;
	const char *path;
	double run_seconds;
	long runs;
	int64_t billed_per_run;
	double task_seconds;
	bool per_second; /* rates shown per second rather than per hour */
	struct cost_items cost;
};

static const struct option long_opts[] = {
    {"cpu", required_argument, NULL, 'c'},
    {"memory", required_argument, NULL, 'm'},
    {"region", required_argument, NULL, 'r'},
    {"arch", required_argument, NULL, 'a'},
    {"os", required_argument, NULL, 'o'},
    {"provider", required_argument, NULL, 'p'},
    {"storage", required_argument, NULL, 's'},
    {"tasks", required_argument, NULL, 'n'},
    {"seconds", required_argument, NULL, 'S'},
    {"hours", required_argument, NULL, 'H'},
    {"seconds-per-day", required_argument, NULL, 'D'},
    {"days", required_argument, NULL, 'd'},
    {"format", required_argument, NULL, 'f'},
    {"prices", required_argument, NULL, 'P'},
    {"help", no_argument, NULL, 'h'},
    {NULL, 0, NULL, 0},
};

/* Formats `v` with at most `decimals` decimals and no trailing zeros. */
static const char *num(char *buf, size_t size, double v, int decimals)
{
	snprintf(buf, size, "%.*f", decimals, v);
	if (strchr(buf, '.')) {
		char *end = buf + strlen(buf) - 1;
		while (*end == '0')
			*end-- = '\0';
		if (*end == '.')
			*end = '\0';
	}
	if (!strcmp(buf, "-0"))
		snprintf(buf, size, "0");
	return buf;
}

static int bad_value(const char *option, const char *text, const char *accepted)
{
	return cli_usage_error(CMD, option, "\"%s\" is not %s", text, accepted);
}

static int parse_positive(const char *option, const char *text, const char *unit, double max,
			  double *out)
{
	double v;
	if (!cli_parse_double(text, 0, max, &v) || v <= 0)
		return cli_usage_error(
		    CMD, option, "%s is not a run length (accepted: %s above 0, at most %.0f)",
		    text, unit, max);
	*out = v;
	return 0;
}

/* Handles one option; returns non-zero (after printing) when its value is bad. */
static int take_option(struct cost_opts *o, int c, const char *arg)
{
	switch (c) {
	case 'c':
		o->cpu_text = arg;
		if (!fargate_parse_cpu(arg, &o->cpu_units))
			return bad_value("--cpu", arg,
					 "a cpu value (accepted: CPU units such as 1024, or vCPU "
					 "such as \"1 vCPU\" or \"0.25 vCPU\")");
		return 0;
	case 'm':
		o->memory_text = arg;
		if (!fargate_parse_memory(arg, &o->memory_mib))
			return bad_value(
			    "--memory", arg,
			    "a memory value (accepted: MiB such as 2048, or GB such as "
			    "\"2 GB\")");
		return 0;
	case 'r':
		o->region = arg;
		return 0;
	case 'a':
		if (!fargate_arch_parse(arg, &o->arch))
			return bad_value("--arch", arg,
					 "an architecture (accepted: X86_64, ARM64)");
		return 0;
	case 'o':
		if (!fargate_os_parse(arg, &o->os))
			return bad_value("--os", arg,
					 "an operating system (accepted: LINUX, WINDOWS or an AWS "
					 "operatingSystemFamily value such as "
					 "WINDOWS_SERVER_2022_CORE)");
		return 0;
	case 'p':
		if (!fargate_provider_parse(arg, &o->provider))
			return bad_value("--provider", arg,
					 "a capacity provider (accepted: FARGATE, FARGATE_SPOT)");
		return 0;
	}
	return 1;
}

/* The numeric options; returns non-zero (after printing) when a value is bad. */
static int take_number(struct cost_opts *o, int c, const char *arg)
{
	switch (c) {
	case 's':
		o->storage_set = true;
		if (!cli_parse_long(arg, FARGATE_STORAGE_FREE_GIB, FARGATE_STORAGE_MAX_GIB,
				    &o->storage))
			return cli_usage_error(
			    CMD, "--storage",
			    "%s is not an ephemeral storage size (accepted: %d to "
			    "%d GiB; %d, the default, is included in the price)",
			    arg, FARGATE_STORAGE_MIN_GIB, FARGATE_STORAGE_MAX_GIB,
			    FARGATE_STORAGE_FREE_GIB);
		return 0;
	case 'n':
		if (!cli_parse_long(arg, 1, MAX_TASKS, &o->tasks))
			return cli_usage_error(
			    CMD, "--tasks",
			    "\"%s\" is not a task count (accepted: a whole number "
			    "from 1 to %ld)",
			    arg, MAX_TASKS);
		return 0;
	case 'S':
		return parse_positive("--seconds", arg, "seconds", MAX_SECONDS, &o->seconds);
	case 'H':
		return parse_positive("--hours", arg, "hours", MAX_HOURS, &o->hours);
	case 'D':
		return parse_positive("--seconds-per-day", arg, "seconds", SECONDS_A_DAY,
				      &o->per_day);
	case 'd':
		if (!cli_parse_long(arg, 1, MAX_DAYS, &o->days))
			return cli_usage_error(CMD, "--days",
					       "\"%s\" is not a number of days (accepted: a whole "
					       "number from 1 to %ld)",
					       arg, MAX_DAYS);
		return 0;
	case 'f':
		if (!cli_parse_format(arg, &o->format, true))
			return cli_usage_error(CMD, "--format",
					       "unknown format \"%s\" (accepted: table, csv, json)",
					       arg);
		return 0;
	case 'P':
		o->prices = arg;
		return 0;
	}
	return take_option(o, c, arg);
}

static const char *option_name(int val)
{
	for (const struct option *p = long_opts; p->name; p++)
		if (p->val == val)
			return p->name;
	return "?";
}

/* Parses argv; returns -1 for --help, else the number of problems printed. */
static int parse_args(int argc, char **argv, struct cost_opts *o)
{
	int c, problems = 0;
	opterr = 0;
	optind = 0; /* glibc and musl: full reset, whatever ran getopt before */
	while ((c = getopt_long(argc, argv, ":h", long_opts, NULL)) != -1) {
		if (c == 'h') {
			fputs(usage, stdout);
			return -1;
		} else if (c == ':') {
			char opt[64];
			snprintf(opt, sizeof(opt), "--%s", option_name(optopt));
			cli_usage_error(CMD, opt, "needs a value");
			problems++;
		} else if (c == '?') {
			char opt[8];
			snprintf(opt, sizeof(opt), "-%c", optopt);
			cli_usage_error(CMD, optopt ? opt : argv[optind - 1],
					"unknown option (see spotsim cost --help)");
			problems++;
		} else if (take_number(o, c, optarg)) {
			problems++;
		}
	}
	for (; optind < argc; optind++, problems++)
		cli_usage_error(CMD, argv[optind], "unexpected argument (see spotsim cost --help)");
	return problems;
}

/* Settles the run length (default one hour); returns the number of problems printed. */
static int check_duration(struct cost_opts *o)
{
	int given = (o->seconds >= 0) + (o->hours >= 0) + (o->per_day >= 0 || o->days > 0);
	const char *one_of =
	    "accepted: one of --seconds, --hours, or --seconds-per-day with --days";
	if (given > 1) {
		cli_usage_error(CMD, NULL, "the run length is given more than once (%s)", one_of);
		return 1;
	}
	if ((o->per_day >= 0) != (o->days > 0)) {
		bool days = o->days > 0;
		cli_usage_error(CMD, days ? "--days" : "--seconds-per-day", "needs %s (%s)",
				days ? "--seconds-per-day" : "--days", one_of);
		return 1;
	}
	if (!given)
		o->hours = 1;
	return 0;
}

static int check_platform(const struct cost_opts *o)
{
	int problems = 0;
	struct strbuf why = STRBUF_INIT;
	if (!fargate_check_platform(o->os, o->arch, &why)) {
		cli_usage_error(CMD, "--arch", "%s", why.buf);
		problems++;
	}
	strbuf_release(&why);
	if (!fargate_provider_supports(o->provider, o->os, ARCH_X86_64)) {
		cli_usage_error(CMD, "--provider",
				"%s does not run %s tasks (accepted with %s: FARGATE)",
				fargate_provider_name(o->provider), fargate_os_name(o->os),
				fargate_os_name(o->os));
		problems++;
	}
	if (o->os == OS_WINDOWS && o->storage_set) {
		cli_usage_error(CMD, "--storage",
				"ephemeral storage cannot be configured for WINDOWS tasks "
				"(accepted: only with --os LINUX)");
		problems++;
	}
	return problems;
}

/* Checks the options together; returns the number of problems printed. */
static int check_options(struct cost_opts *o)
{
	int problems = 0;
	if (!o->cpu_text || !o->memory_text) {
		cli_usage_error(CMD, !o->cpu_text ? "--cpu" : "--memory",
				"is required, e.g. --cpu 1024 --memory 2048 (see spotsim cost "
				"--help)");
		return 1;
	}
	struct strbuf why = STRBUF_INIT;
	if (o->cpu_units >= 0 && !fargate_check_cpu(o->cpu_units, o->os, &why)) {
		cli_usage_error(CMD, "--cpu", "%s", why.buf);
		problems++;
	} else if (o->cpu_units >= 0 && o->memory_mib >= 0 &&
		   !fargate_check_size(o->cpu_units, o->memory_mib, o->os, &why)) {
		cli_usage_error(CMD, "--memory", "%s", why.buf);
		problems++;
	}
	strbuf_release(&why);
	return problems + check_platform(o) + check_duration(o);
}

/* The rates a region has, e.g. "FARGATE LINUX X86_64, FARGATE LINUX ARM64". */
static void list_region(const struct price_table *t, const char *region, struct strbuf *sb)
{
	for (size_t i = 0; i < t->nr; i++) {
		const struct price_rate *r = &t->rates[i];
		if (strcmp(r->region, region))
			continue;
		strbuf_addf(sb, "%s%s %s %s", sb->len ? ", " : "",
			    fargate_provider_name(r->provider), fargate_os_name(r->os),
			    fargate_arch_name(r->arch));
	}
}

static void list_regions(const struct price_table *t, struct strbuf *sb)
{
	for (size_t i = 0; i < t->nr; i++) {
		bool seen = false;
		for (size_t j = 0; j < i && !seen; j++)
			seen = !strcmp(t->rates[j].region, t->rates[i].region);
		if (!seen)
			strbuf_addf(sb, "%s%s", sb->len ? ", " : "", t->rates[i].region);
	}
}

static const struct price_rate *find_rate(const struct price_table *t, const struct cost_opts *o)
{
	const struct price_rate *r = pricing_find(t, o->region, o->provider, o->os, o->arch);
	if (r)
		return r;
	struct strbuf sb = STRBUF_INIT;
	list_region(t, o->region, &sb);
	if (!sb.len) {
		list_regions(t, &sb);
		cli_usage_error(CMD, "--region", "%s is not in %s (accepted: %s)", o->region,
				t->path, sb.buf);
	} else {
		cli_usage_error(CMD, NULL, "%s has no %s %s %s price in %s (it has: %s)", o->region,
				fargate_provider_name(o->provider), fargate_os_name(o->os),
				fargate_arch_name(o->arch), t->path, sb.buf);
	}
	strbuf_release(&sb);
	return NULL;
}

/* True when every rate is an exact per-second figure at 10 decimals. */
static bool exact_per_second(const struct price_rate *r)
{
	const double rates[] = {r->vcpu_hour, r->gb_hour, r->storage_gb_hour,
				r->os_license_vcpu_hour};
	for (size_t i = 0; i < sizeof(rates) / sizeof(rates[0]); i++) {
		char buf[64];
		double s = rates[i] / 3600.0;
		snprintf(buf, sizeof(buf), "%.10f", s);
		if (fabs(strtod(buf, NULL) - s) > 1e-9 * s)
			return false;
	}
	return true;
}

static void compute(struct bill *b)
{
	const struct cost_opts *o = b->o;
	sim_time run = 0;
	b->run_seconds = o->per_day >= 0   ? o->per_day
			 : o->seconds >= 0 ? o->seconds
					   : o->hours * 3600;
	b->runs = o->per_day >= 0 ? o->days : 1;
	simtime_from_seconds(b->run_seconds, &run); /* in range: the options are bounded */
	b->billed_per_run = pricing_billed_seconds(run, o->os);
	b->task_seconds = (double)o->tasks * (double)b->runs * (double)b->billed_per_run;
	b->per_second = exact_per_second(b->rate);
	struct task_size sz = {o->cpu_units, o->memory_mib, (int)o->storage, o->os, o->arch};
	pricing_cost(b->rate, &sz, b->task_seconds, &b->cost);
}

/* One line item: what it is, how much of it, at what rate. */
struct item {
	const char *key, *label;
	double per_task; /* vCPU, GB or billable GB of one task */
	double rate_hour;
	double cost;
	const char *unit; /* "vCPU" or "GB" */
};

static size_t items_of(const struct bill *b, struct item *it)
{
	const struct price_rate *r = b->rate;
	double vcpu = b->o->cpu_units / 1024.0, gb = b->o->memory_mib / 1024.0;
	double extra = b->o->storage > FARGATE_STORAGE_FREE_GIB
			   ? (double)(b->o->storage - FARGATE_STORAGE_FREE_GIB)
			   : 0;
	bool windows = b->o->os == OS_WINDOWS;
	it[0] = (struct item){"vcpu", "vCPU", vcpu, r->vcpu_hour, b->cost.vcpu, "vCPU"};
	it[1] = (struct item){"memory", "memory", gb, r->gb_hour, b->cost.memory, "GB"};
	it[2] =
	    (struct item){"storage", "storage", extra, r->storage_gb_hour, b->cost.storage, "GB"};
	it[3] = (struct item){"os_license",	  "OS licence",
			      windows ? vcpu : 0, r->os_license_vcpu_hour,
			      b->cost.os_license, "vCPU"};
	return 4;
}

static double quantity(const struct bill *b, const struct item *it)
{
	return it->per_task * b->task_seconds / (b->per_second ? 1.0 : 3600.0);
}

static double unit_rate(const struct bill *b, const struct item *it)
{
	return b->per_second ? it->rate_hour / 3600.0 : it->rate_hour;
}

static const char *rate_status(const struct bill *b)
{
	if (b->rate->derived)
		return "derived by spotsim (see source)";
	if (b->rate->storage_derived && b->cost.storage > 0)
		return "published; the storage rate is assumed (see source)";
	return "published";
}

static void print_usage_lines(const struct bill *b)
{
	const struct cost_opts *o = b->o;
	char n1[64], n2[64];
	printf("  tasks      %ld\n", o->tasks);
	if (o->per_day >= 0)
		printf("  runs       %s s a day for %ld days, each day billed on its own\n",
		       num(n1, sizeof(n1), b->run_seconds, 6), o->days);
	else
		printf("  run        %s s\n", num(n1, sizeof(n1), b->run_seconds, 6));
	printf("  billed     %lld s per run (whole seconds, minimum %d s): %s task-seconds "
	       "(%s task-hours)\n",
	       (long long)b->billed_per_run, fargate_min_billed_seconds(o->os),
	       num(n1, sizeof(n1), b->task_seconds, 0),
	       num(n2, sizeof(n2), b->task_seconds / 3600, 6));
}

static void print_table(const struct bill *b)
{
	const struct cost_opts *o = b->o;
	char n1[64], n2[64], n3[64];
	struct item it[4];
	size_t n = items_of(b, it);

	printf("Fargate cost: %s %s %s %s\n", o->region, fargate_provider_name(o->provider),
	       fargate_os_name(o->os), fargate_arch_name(o->arch));
	printf("  task       %s vCPU (cpu %d), %s GB (memory %d MiB)",
	       num(n1, sizeof(n1), o->cpu_units / 1024.0, 6), o->cpu_units,
	       num(n2, sizeof(n2), o->memory_mib / 1024.0, 6), o->memory_mib);
	if (o->os == OS_LINUX)
		printf(", %ld GiB storage (%d GiB included)", o->storage, FARGATE_STORAGE_FREE_GIB);
	putchar('\n');
	print_usage_lines(b);
	printf("  prices     %s, as of %s, %s\n", b->path, b->rate->as_of, rate_status(b));
	printf("             %s\n\n", b->rate->source);
	for (size_t i = 0; i < n; i++) {
		if (it[i].per_task == 0)
			continue;
		char qty[96];
		snprintf(qty, sizeof(qty), "%s %s-%s", num(n1, sizeof(n1), quantity(b, &it[i]), 6),
			 it[i].unit, b->per_second ? "s" : "h");
		printf("  %-11s %20s x $%-14s = $%.2f (%.6f)\n", it[i].label, qty,
		       num(n3, sizeof(n3), unit_rate(b, &it[i]), 12), it[i].cost, it[i].cost);
	}
	printf("  %-11s %20s   %-14s   $%.2f (%.6f)\n", "total", "", "", b->cost.total,
	       b->cost.total);
}

static void print_csv(const struct bill *b)
{
	char n1[64], n2[64];
	struct item it[4];
	size_t n = items_of(b, it);
	printf("item,quantity,unit,rate_usd,cost_usd\n");
	for (size_t i = 0; i < n; i++)
		printf("%s,%s,%s-%s,%s,%.6f\n", it[i].key,
		       num(n1, sizeof(n1), quantity(b, &it[i]), 6), it[i].unit,
		       b->per_second ? "second" : "hour",
		       num(n2, sizeof(n2), unit_rate(b, &it[i]), 12), it[i].cost);
	printf("total,,,,%.6f\n", b->cost.total);
}

static void json_field(const char *key, const char *value, bool comma)
{
	printf("  \"%s\": ", key);
	cli_put_json_string(stdout, value);
	printf("%s\n", comma ? "," : "");
}

static void print_json_prices(const struct bill *b)
{
	printf("  \"prices\": {\"file\": ");
	cli_put_json_string(stdout, b->path);
	printf(", \"as_of\": ");
	cli_put_json_string(stdout, b->rate->as_of);
	printf(", \"derived\": %s, \"storage_derived\": %s, \"source\": ",
	       b->rate->derived ? "true" : "false", b->rate->storage_derived ? "true" : "false");
	cli_put_json_string(stdout, b->rate->source);
	printf("},\n");
}

static void print_json(const struct bill *b)
{
	const struct cost_opts *o = b->o;
	char n1[64], n2[64];
	struct item it[4];
	size_t n = items_of(b, it);
	printf("{\n");
	json_field("region", o->region, true);
	json_field("provider", fargate_provider_name(o->provider), true);
	json_field("os", fargate_os_name(o->os), true);
	json_field("arch", fargate_arch_name(o->arch), true);
	printf("  \"cpu\": %d,\n  \"memory_mib\": %d,\n  \"storage_gib\": %ld,\n", o->cpu_units,
	       o->memory_mib, o->storage);
	printf("  \"tasks\": %ld,\n  \"runs_per_task\": %ld,\n  \"run_seconds\": %s,\n", o->tasks,
	       b->runs, num(n1, sizeof(n1), b->run_seconds, 6));
	printf("  \"billed_seconds_per_run\": %lld,\n  \"billed_task_seconds\": %s,\n",
	       (long long)b->billed_per_run, num(n1, sizeof(n1), b->task_seconds, 0));
	print_json_prices(b);
	printf("  \"items\": [\n");
	for (size_t i = 0; i < n; i++)
		printf("    {\"item\": \"%s\", \"quantity\": %s, \"unit\": \"%s-%s\", "
		       "\"rate_usd\": %s, \"cost_usd\": %.6f}%s\n",
		       it[i].key, num(n1, sizeof(n1), quantity(b, &it[i]), 6), it[i].unit,
		       b->per_second ? "second" : "hour",
		       num(n2, sizeof(n2), unit_rate(b, &it[i]), 12), it[i].cost,
		       i + 1 < n ? "," : "");
	printf("  ],\n  \"total_usd\": %.6f\n}\n", b->cost.total);
}

int cmd_cost(int argc, char **argv)
{
	struct cost_opts o = {.region = "us-east-1",
			      .cpu_units = -1,
			      .memory_mib = -1,
			      .storage = FARGATE_STORAGE_FREE_GIB,
			      .tasks = 1,
			      .seconds = -1,
			      .hours = -1,
			      .per_day = -1,
			      .format = FORMAT_TABLE};
	int problems = parse_args(argc, argv, &o);
	if (problems < 0)
		return EXIT_OK;
	problems += check_options(&o);
	if (problems)
		return EXIT_USAGE;

	struct price_table t;
	pricing_init(&t);
	int status = cli_load_prices(CMD, o.prices, &t);
	struct bill b = {.o = &o, .path = t.path};
	if (!status && !(b.rate = find_rate(&t, &o)))
		status = EXIT_USAGE;
	if (!status) {
		compute(&b);
		if (o.format == FORMAT_CSV)
			print_csv(&b);
		else if (o.format == FORMAT_JSON)
			print_json(&b);
		else
			print_table(&b);
	}
	pricing_release(&t);
	return status;
}
