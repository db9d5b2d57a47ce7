/*
 * spotsim plot — (re)draws the figures and report.html of a run's output
 * folder from its CSV files (plot.h).
 *
 * Interruption: the first SIGINT or SIGTERM calls plot_interrupt(); the
 * gnuplot processes are stopped (SIGTERM, SIGKILL after 250 ms), nothing is
 * committed, the staging folder is removed and the command exits 1. A
 * second signal does not wait: it removes the staging folder
 * (report_remove_temps, async-signal-safe) and exits 1 at once; gnuplot
 * dies with spotsim.
 */
#include "spotsim/cli/cli.h"
#include "spotsim/cli/signals.h"
#include "spotsim/util/error.h"
#include "spotsim/output/plot.h"
#include "spotsim/output/report.h"

#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

static const char usage[] =
    "usage: spotsim plot OUT_DIR [--time-axis elapsed|clock] [--quiet]\n"
    "\n"
    "Redraws the figures and report.html of a folder written by spotsim run,\n"
    "from its CSV files alone (timeseries.csv, events.csv, replications.csv,\n"
    "and summary.csv and comparison.csv when present):\n"
    "  plots/NAME.png, plots/NAME.svg  tasks, cost, cpu, latency, backlog\n"
    "                 (one panel per variant), experiment, sweep_METRIC: each\n"
    "                 when the data have it\n"
    "  report.html    one self-contained page: the summary and comparison\n"
    "                 tables and every figure, readable without a network\n"
    "A scenario.json copy in the folder, when present, gives the page's title\n"
    "and the SLO and CPU target lines. Needs gnuplot (apt-get install\n"
    "gnuplot-nox); without it report.html is written with the tables only.\n"
    "Files are written in a private temporary folder inside OUT_DIR, then\n"
    "renamed into place together; figures that no longer apply are removed.\n"
    "Ctrl-C stops gnuplot and leaves OUT_DIR as it was.\n"
    "\n"
    "  --time-axis elapsed|clock  x axis of the time-series figures: time since\n"
    "           the start (default), or clock time in UTC with the weekday\n"
    "  --quiet  print nothing but problems\n"
    "\n"
    "Exit status: 0 success; 1 runtime failure (a file cannot be written,\n"
    "gnuplot failed on a figure); 2 usage or input error (no such folder, a\n"
    "CSV file missing or without the columns spotsim run writes).\n"
    "\n"
    "example: spotsim plot out/web-diurnal\n";

/* plot_render with the handler above in place of SIGINT's and SIGTERM's. */
static int render(const char *dir, const struct plot_options *po, struct diag *d, int *nplots)
{
	struct cli_signals saved;
	int rc;

	cli_signals_install(&saved, "plot", false);
	rc = plot_render(dir, po, d, nplots);
	cli_signals_restore(&saved);
	return rc;
}

int cli_time_axis(const char *cmd, const char *value, bool *clock)
{
	if (!strncmp(value, "--", 2))
		return cli_usage_error(cmd, "--time-axis", "needs a value");
	if (!strcmp(value, "elapsed") || !strcmp(value, "clock")) {
		*clock = !strcmp(value, "clock");
		return EXIT_OK;
	}
	return cli_usage_error(cmd, "--time-axis",
			       "\"%s\" is not a time axis (accepted: elapsed, clock)", value);
}

int cli_time_axis_without_plots(const char *cmd)
{
	return cli_usage_error(
	    cmd, "--time-axis",
	    "has nothing to draw with --no-plots, and is not kept for a later "
	    "plot (accepted: one of --no-plots and --time-axis; spotsim plot DIR "
	    "--time-axis clock draws the figures afterwards)");
}

static int plot(const char *dir, const struct plot_options *po, bool quiet)
{
	struct diag d;
	char shown[PATH_MAX_DISPLAY];
	int nplots = 0;

	diag_init(&d);
	int rc = render(dir, po, &d, &nplots);
	cli_print_diag(&d);
	diag_release(&d);
	if (rc == SPOTSIM_EINTR) {
		fprintf(stderr, "spotsim plot: interrupted; no output written\n");
		return EXIT_RUNTIME;
	}
	if (rc == SPOTSIM_ENOENT || rc == SPOTSIM_EINVAL || rc == SPOTSIM_ESYNTAX)
		return EXIT_USAGE;
	if (!quiet && rc == 0) {
		size_t len = strlen(cli_display_path(dir, shown, sizeof(shown)));
		while (len > 1 && shown[len - 1] == '/')
			len--;
		if (nplots)
			printf("written to %.*s/: report.html and %d plot%s in plots/ (PNG and "
			       "SVG)\n",
			       (int)len, shown, nplots, nplots == 1 ? "" : "s");
		else
			printf("written to %.*s/: report.html (no plots)\n", (int)len, shown);
	}
	return rc ? EXIT_RUNTIME : EXIT_OK;
}

int cmd_plot(int argc, char **argv)
{
	static const struct option opts[] = {
	    {"quiet", no_argument, NULL, 'q'},
	    {"time-axis", required_argument, NULL, 'x'},
	    {"help", no_argument, NULL, 'h'},
	    {NULL, 0, NULL, 0},
	};
	struct plot_options po = {false};
	bool quiet = false;
	int c;

	opterr = 0;
	optind = 1;
	while ((c = getopt_long(argc, argv, ":hq", opts, NULL)) != -1) {
		switch (c) {
		case 'q':
			quiet = true;
			break;
		case 'x':
			if (cli_time_axis("plot", optarg, &po.clock_axis) != EXIT_OK)
				return EXIT_USAGE;
			break;
		case ':':
			return cli_usage_error("plot", argv[optind - 1], "needs a value");
		case 'h':
			fputs(usage, stdout);
			return EXIT_OK;
		default:
			return cli_usage_error("plot", argv[optind - 1],
					       "unknown option (see spotsim plot --help)");
		}
	}
	if (optind != argc - 1)
		return cli_usage_error("plot", NULL,
				       "needs exactly one output folder (see spotsim plot --help)");
	return plot(argv[optind], &po, quiet);
}
