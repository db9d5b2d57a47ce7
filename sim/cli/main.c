/*
 * main — parses the command line and calls one subcommand. Nothing else.
 */
#include "spotsim/cli/cli.h"
#include "spotsim/util/error.h"
#include "spotsim/util/version.h"

#include <stdio.h>
#include <string.h>

static const struct command {
	const char *name;
	int (*fn)(int argc, char **argv);
	const char *summary;
} commands[] = {
    {"run", cmd_run, "simulate a service: cost, interruptions, availability, latency"},
    {"merge", cmd_merge, "combine the shards of a run (run --shard K/N) into its outputs"},
    {"validate", cmd_validate, "check a scenario file and print every problem"},
    {"import", cmd_import, "a scenario from a Terraform plan or state"},
    {"cost", cmd_cost, "what a Fargate or Fargate Spot task costs, line by line"},
    {"place", cmd_place, "how a capacity provider strategy splits tasks"},
    {"scale", cmd_scale, "one scaling policy decision, with the arithmetic"},
    {"prices", cmd_prices, "the price table in use, with its dates"},
    {"plot", cmd_plot, "(re)draw the plots and report.html from a run's CSV files"},
    {"plan-commitment", cmd_plan_commitment,
     "the Compute Savings Plan commitment that minimises a run's cost"},
};

#define NCOMMANDS (sizeof(commands) / sizeof(commands[0]))

static void usage(FILE *out)
{
	fputs("usage: spotsim <command> [options]\n"
	      "\n"
	      "Simulates what an ECS service costs on AWS Fargate and Fargate Spot.\n"
	      "\n"
	      "commands:\n",
	      out);
	for (size_t i = 0; i < NCOMMANDS; i++)
		fprintf(out, "  %-15s %s\n", commands[i].name, commands[i].summary);
	fputs("\n"
	      "Run 'spotsim <command> --help' for a command's options.\n"
	      "Exit status: 0 success, 1 runtime failure, 2 usage or input error.\n",
	      out);
}

int main(int argc, char **argv)
{
	if (argc < 2) {
		usage(stderr);
		return EXIT_USAGE;
	}
	if (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h") || !strcmp(argv[1], "help")) {
		usage(stdout);
		return EXIT_OK;
	}
	if (!strcmp(argv[1], "--version") || !strcmp(argv[1], "version")) {
		printf("spotsim %s\n", SPOTSIM_VERSION);
		return EXIT_OK;
	}
	for (size_t i = 0; i < NCOMMANDS; i++)
		if (!strcmp(argv[1], commands[i].name))
			return commands[i].fn(argc - 1, argv + 1);
	fprintf(stderr, "spotsim: unknown command '%s' (accepted: ", argv[1]);
	for (size_t i = 0; i < NCOMMANDS; i++)
		fprintf(stderr, "%s%s", i ? ", " : "", commands[i].name);
	fputs("; see spotsim --help)\n", stderr);
	return EXIT_USAGE;
}
