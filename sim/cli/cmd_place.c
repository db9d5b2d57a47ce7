/*
 * spotsim place — how a capacity provider strategy splits N tasks, under
 * spotsim's placement model (placement.h, README "Placement model").
 */
#include "spotsim/cli/cli.h"
#include "spotsim/util/error.h"
#include "spotsim/model/placement.h"

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>

#define MAX_TASKS 100000L

static const char usage[] =
    "usage: spotsim place --strategy STRATEGY --tasks N [--tie first_listed|largest_weight]\n"
    "                     [--format table|csv]\n"
    "\n"
    "How ECS would split N tasks of a service between FARGATE and FARGATE_SPOT\n"
    "under a capacity provider strategy (spotsim's model of the undocumented\n"
    "rounding; see README \"Placement model\").\n"
    "\n"
    "  --strategy S   comma-separated items PROVIDER[:base=N][:weight=N],\n"
    "                 as in \"FARGATE:base=2:weight=1,FARGATE_SPOT:weight=3\";\n"
    "                 weight defaults to 0 and base to 0, as in AWS's API\n"
    "  --tasks N      number of tasks (0 to 100000)\n"
    "  --tie RULE     who gets the task when two providers are equally short:\n"
    "                 first_listed (default) or largest_weight\n"
    "  --format F     table (default) or csv\n"
    "\n"
    "example: spotsim place --strategy \"FARGATE:base=2:weight=1,FARGATE_SPOT:weight=3\" --tasks "
    "10\n";

static void print_table(const struct strategy *s, const long *counts, long n)
{
	printf("%-14s %6s %6s %6s\n", "provider", "base", "weight", "tasks");
	for (size_t i = 0; i < s->nr; i++) {
		const struct strategy_item *it = &s->items[i];
		printf("%-14s %6ld %6ld %6ld\n", fargate_provider_name(it->provider),
		       it->has_base ? it->base : 0, it->weight, counts[i]);
	}
	printf("%-14s %6s %6s %6ld\n", "total", "", "", n);
}

static void print_csv(const struct strategy *s, const long *counts)
{
	printf("provider,base,weight,tasks\n");
	for (size_t i = 0; i < s->nr; i++) {
		const struct strategy_item *it = &s->items[i];
		printf("%s,%ld,%ld,%ld\n", fargate_provider_name(it->provider),
		       it->has_base ? it->base : 0, it->weight, counts[i]);
	}
}

int cmd_place(int argc, char **argv)
{
	static const struct option opts[] = {
	    {"strategy", required_argument, NULL, 's'}, {"tasks", required_argument, NULL, 'n'},
	    {"tie", required_argument, NULL, 't'},	{"format", required_argument, NULL, 'f'},
	    {"help", no_argument, NULL, 'h'},		{NULL, 0, NULL, 0},
	};
	const char *strategy_text = NULL;
	long n = -1;
	enum placement_tie tie = PLACEMENT_TIE_FIRST_LISTED;
	enum out_format format = FORMAT_TABLE;
	int c;

	opterr = 0;
	optind = 1;
	while ((c = getopt_long(argc, argv, ":h", opts, NULL)) != -1) {
		switch (c) {
		case 's':
			strategy_text = optarg;
			break;
		case 'n':
			if (!cli_parse_long(optarg, 0, MAX_TASKS, &n))
				return cli_usage_error(
				    "place", "--tasks",
				    "\"%s\" is not a task count (accepted: a whole "
				    "number from 0 to %ld)",
				    optarg, MAX_TASKS);
			break;
		case 't':
			if (!placement_tie_parse(optarg, &tie))
				return cli_usage_error(
				    "place", "--tie",
				    "unknown rule \"%s\" (accepted: first_listed, "
				    "largest_weight)",
				    optarg);
			break;
		case 'f':
			if (!cli_parse_format(optarg, &format, false))
				return cli_usage_error(
				    "place", "--format",
				    "unknown format \"%s\" (accepted: table, csv)", optarg);
			break;
		case 'h':
			fputs(usage, stdout);
			return EXIT_OK;
		case ':':
			return cli_usage_error("place", argv[optind - 1], "needs a value");
		default:
			return cli_usage_error("place", argv[optind - 1],
					       "unknown option (see spotsim place --help)");
		}
	}
	if (optind < argc)
		return cli_usage_error("place", argv[optind],
				       "unexpected argument (see spotsim place --help)");
	if (!strategy_text)
		return cli_usage_error("place", "--strategy",
				       "is required, e.g. --strategy \"FARGATE:base=2:weight=1,"
				       "FARGATE_SPOT:weight=3\"");
	if (n < 0)
		return cli_usage_error("place", "--tasks",
				       "is required (a whole number from 0 to %ld)", MAX_TASKS);

	struct strategy s = {.nr = 0, .tie = tie};
	struct diag d;
	diag_init(&d);
	if (!placement_parse(strategy_text, &s, &d, "--strategy")) {
		for (size_t i = 0; i < d.nr; i++) {
			char *line = diag_line(&d, i);
			fprintf(stderr, "spotsim place: %s\n", line);
			free(line);
		}
		diag_release(&d);
		return EXIT_USAGE;
	}
	diag_release(&d);
	s.tie = tie;

	long counts[FARGATE_MAX_STRATEGY_ITEMS];
	placement_split(&s, n, counts);
	if (format == FORMAT_CSV)
		print_csv(&s, counts);
	else
		print_table(&s, counts, n);
	return EXIT_OK;
}
