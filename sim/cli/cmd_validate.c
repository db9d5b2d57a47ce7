/*
 * spotsim validate — checks a scenario file and prints every problem, or a
 * short summary of what the file describes.
 */
#include "spotsim/cli/cli.h"
#include "spotsim/util/error.h"
#include "spotsim/model/pricing.h"
#include "spotsim/scenario/scenario.h"

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>

static const char usage[] =
    "usage: spotsim validate SCENARIO.json [--prices FILE] [--quiet]\n"
    "\n"
    "Checks a scenario file: JSON syntax, every key and value, the Fargate task\n"
    "sizes, the capacity provider strategy rules and the price table rows it\n"
    "needs. Prints every problem, one line each, as FILE: JSON.PATH: message,\n"
    "and exits 2 if there is any; otherwise prints a summary and exits 0.\n"
    "\n"
    "  --prices FILE  use this price table instead of the scenario's or the default\n"
    "  --quiet        print nothing when the file is valid\n"
    "\n"
    "example: spotsim validate scenarios/example.json\n";

static void print_strategy(const struct strategy *s)
{
	for (size_t i = 0; i < s->nr; i++) {
		const struct strategy_item *it = &s->items[i];
		printf("%s%s", i ? ", " : "", fargate_provider_name(it->provider));
		if (it->has_base && it->base > 0)
			printf(" base=%ld", it->base);
		printf(" weight=%ld", it->weight);
	}
}

static void print_summary(const struct scenario *sc, const struct price_table *t)
{
	char dur[32], rel[PATH_MAX_DISPLAY];
	const struct task_definition *td = &sc->task;

	printf("%s: valid\n", sc->file);
	printf("  name:     %s\n", sc->name);
	if (*sc->description)
		printf("  about:    %s\n", sc->description);
	printf("  run:      %s in %s from %s, seed %llu, %ld replication%s\n",
	       simtime_format(sc->duration, dur, sizeof(dur)), sc->region, sc->start,
	       (unsigned long long)sc->seed, sc->replications, sc->replications == 1 ? "" : "s");
	printf("  task:     %g vCPU, %g GB, %s/%s, %d GiB storage, stopTimeout %ds\n",
	       td->cpu_units / 1024.0, td->memory_mib / 1024.0, fargate_os_name(td->os),
	       fargate_arch_name(td->arch), td->storage_gib, td->stop_timeout_s);
	printf("  service:  desiredCount %ld, ", sc->service.desired_count);
	print_strategy(&sc->service.strategy);
	printf(" (ties: %s, scale-in: %s)\n", placement_tie_name(sc->service.strategy.tie),
	       scenario_scale_in_order_name(sc->scale_in_order));
	printf("  prices:   %s\n", cli_display_path(t->path, rel, sizeof(rel)));
	printf("  sections: workload %s, spot %s, scaling %s, %ld variant%s, %ld sweep point%s\n",
	       sc->has_workload ? "yes" : "no", sc->has_spot ? "yes" : "no",
	       sc->has_scaling ? "yes" : "no", sc->variants, sc->variants == 1 ? "" : "s",
	       sc->sweep_points, sc->sweep_points == 1 ? "" : "s");
}

static int validate(const char *path, const char *prices, bool quiet)
{
	struct scenario sc;
	struct price_table t;
	struct diag d;
	int status = EXIT_OK;

	diag_init(&d);
	pricing_init(&t);
	if (scenario_load(&sc, path, &d) == 0) {
		const char *table = prices ? prices : sc.prices_file;
		if (!table)
			table = pricing_default_path();
		if (!table)
			diag_error(&d, path, NULL,
				   "no price table found (accepted: --prices FILE, pricing.file, "
				   "or data/pricing.csv as installed)");
		else if (pricing_load(&t, table, &d) == 0)
			scenario_check_prices(&sc, &t, &d);
		scenario_scaling_warnings(&sc, &d);
	}
	cli_print_diag(&d);
	if (diag_failed(&d))
		status = EXIT_USAGE;
	else if (!quiet)
		print_summary(&sc, &t);
	scenario_release(&sc);
	pricing_release(&t);
	diag_release(&d);
	return status;
}

int cmd_validate(int argc, char **argv)
{
	static const struct option opts[] = {
	    {"prices", required_argument, NULL, 'p'},
	    {"quiet", no_argument, NULL, 'q'},
	    {"help", no_argument, NULL, 'h'},
	    {NULL, 0, NULL, 0},
	};
	const char *prices = NULL;
	bool quiet = false;
	int c;

	opterr = 0;
	optind = 1;
	while ((c = getopt_long(argc, argv, ":hq", opts, NULL)) != -1) {
		switch (c) {
		case 'p':
			prices = optarg;
			break;
		case 'q':
			quiet = true;
			break;
		case 'h':
			fputs(usage, stdout);
			return EXIT_OK;
		case ':':
			return cli_usage_error("validate", argv[optind - 1], "needs a value");
		default:
			return cli_usage_error("validate", argv[optind - 1],
					       "unknown option (see spotsim validate --help)");
		}
	}
	if (optind != argc - 1)
		return cli_usage_error("validate", NULL,
				       "needs exactly one scenario file (see spotsim validate "
				       "--help)");
	return validate(argv[optind], prices, quiet);
}
