/*
 * spotsim run — simulates a scenario's service N times and writes the CSV
 * report (timeseries.csv and events.csv of replication 0, replications.csv
 * with one row per replication), then prints a summary.
 *
 * Interruption uses the flag approach of report.h: the SIGINT/SIGTERM
 * handler sets `interrupted` and calls replication_interrupt(); the running
 * replication returns SPOTSIM_EINTR, and the main flow aborts the report
 * (its temporaries are removed) and exits 1. The commit runs with both
 * signals blocked, after a last look at the flag, so a run is either
 * committed whole or not at all; a signal that arrives after the commit is
 * ignored. A second signal before the commit does not wait: it removes the
 * temporaries (report_remove_temps, async-signal-safe) and exits at once.
 */
#include "spotsim/cli/cli.h"
#include "spotsim/util/error.h"
#include "spotsim/scenario/plan.h"
#include "spotsim/output/plot.h"
#include "spotsim/model/pricing.h"
#include "spotsim/experiment/replication.h"
#include "spotsim/output/report.h"
#include "spotsim/experiment/runner.h"
#include "spotsim/scenario/scenario.h"
#include "spotsim/util/xalloc.h"

#include <errno.h>
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define CMD "run"

static const char usage[] =
    "usage: spotsim run SCENARIO.json [-o DIR] [--replications N] [--seed S]\n"
    "                   [--threads T] [--prices FILE] [--no-plots] [--quiet]\n"
    "\n"
    "Simulates the scenario's ECS service on Fargate and Fargate Spot N times\n"
    "(replications, each with its own random streams), for the base scenario\n"
    "and each of its variants at every point of its sweep, and writes to DIR:\n"
    "  summary.csv       mean, sd, 95 % interval and percentiles of every metric\n"
    "  comparison.csv    paired differences of each variant against the base\n"
    "  replications.csv  one row per replication, every metric a column\n"
    "  timeseries.csv    one row per simulated minute of replication 0\n"
    "  events.csv        the event log of replication 0\n"
    "  plots/, report.html  the figures (gnuplot) and one page with everything\n"
    "then prints a summary (one configuration) or a ranking by cost.\n"
    "Files are written under temporary names and renamed only when the run is\n"
    "complete: a failed or interrupted run (Ctrl-C) leaves no output file.\n"
    "\n"
    "  -o, --output DIR  output folder, created if needed (default: out/NAME,\n"
    "                    NAME being the scenario's name)\n"
    "  --replications N  number of replications, 1 to 100000 (default: the\n"
    "                    scenario's \"replications\")\n"
    "  --seed S          random seed, 0 to 18446744073709551615 (default: the\n"
    "                    scenario's \"seed\")\n"
    "  --prices FILE     price table (default: the scenario's pricing.file, else\n"
    "                    the bundled data/pricing.csv)\n"
    "  --threads T       worker threads, 1 to 256 (default: one per core); the\n"
    "                    results do not depend on it\n"
    "  --no-plots        write the CSV files only\n"
    "  --quiet           print no summary\n"
    "\n"
    "Progress is shown on stderr when it is a terminal.\n"
    "Exit status: 0 success; 1 runtime failure (the output folder cannot be\n"
    "created or written, a replication fails, the run was interrupted);\n"
    "2 usage or input error (bad option, invalid scenario or price table, a\n"
    "trace file that cannot be read).\n"
    "\n"
    "example: spotsim run scenarios/example.json -o out/example --replications 10\n";

struct run_opts {
	const char *scenario, *out_dir, *prices;
	long replications; /* 0 = the scenario's */
	long threads;	   /* 0 = one per core */
	bool has_seed, quiet, no_plots;
	uint64_t seed;
};

static volatile sig_atomic_t interrupted, committed;

static void on_signal(int sig)
{
	static const char msg[] = "spotsim run: interrupted; no output written\n";

	(void)sig;
	if (committed)
		return;
	if (interrupted) {
		report_remove_temps();
		if (write(STDERR_FILENO, msg, sizeof(msg) - 1) < 0)
			_exit(EXIT_RUNTIME);
		_exit(EXIT_RUNTIME);
	}
	interrupted = 1;
	replication_interrupt();
}

struct saved_signals {
	struct sigaction intr, term;
};

static void signals_install(struct saved_signals *saved)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	sa.sa_flags = SA_RESTART;
	sigemptyset(&sa.sa_mask);
	sigaddset(&sa.sa_mask, SIGINT);
	sigaddset(&sa.sa_mask, SIGTERM);
	interrupted = committed = 0;
	sigaction(SIGINT, &sa, &saved->intr);
	sigaction(SIGTERM, &sa, &saved->term);
}

static void signals_restore(const struct saved_signals *saved)
{
	sigaction(SIGINT, &saved->intr, NULL);
	sigaction(SIGTERM, &saved->term, NULL);
}

static void signals_block(bool block, sigset_t *old)
{
	sigset_t set;

	sigemptyset(&set);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGTERM);
	sigprocmask(block ? SIG_BLOCK : SIG_SETMASK, block ? &set : old, block ? old : NULL);
}

/* "replication 7/30, about 12s left", redrawn in place on a terminal. */

/* Loads the scenario and its price table, printing every diagnostic. */
static int load_inputs(const struct run_opts *o, struct plan *p, struct price_table *t)
{
	struct diag d;
	int status;

	diag_init(&d);
	if (plan_load(p, o->scenario, &d) == 0) {
		const struct scenario *sc = &p->configs[0].sc;
		const char *table = o->prices ? o->prices : sc->prices_file;
		if (!table)
			table = pricing_default_path();
		if (!table)
			diag_error(&d, o->scenario, NULL,
				   "no price table found (accepted: --prices FILE, pricing.file, "
				   "or data/pricing.csv as installed)");
		else if (pricing_load(t, table, &d) == 0)
			for (size_t i = 0; i < p->n; i++)
				scenario_check_prices(&p->configs[i].sc, t, &d);
	}
	cli_print_diag(&d);
	status = diag_failed(&d) ? EXIT_USAGE : EXIT_OK;
	diag_release(&d);
	return status;
}

/* The output folder: -o, else out/NAME; NULL when NAME cannot name a folder. */
static char *output_dir(const struct run_opts *o, const struct scenario *sc)
{
	if (o->out_dir)
		return xstrdup(o->out_dir);
	if (strchr(sc->name, '/') || !strcmp(sc->name, ".") || !strcmp(sc->name, "..")) {
		fprintf(stderr,
			"%s: name: \"%s\" cannot name the output folder (accepted: a name "
			"without '/', or -o DIR)\n",
			sc->file, sc->name);
		return NULL;
	}
	return xasprintf("out/%s", sc->name);
}

/* Problems of the report: "spotsim run: [-o ]FOLDER: what is wrong". */
static void print_report_diag(const struct diag *d, bool given_dir)
{
	for (size_t i = 0; i < d->nr; i++) {
		char *line = diag_line(d, i);
		fprintf(stderr, "spotsim %s: %s%s\n", CMD, given_dir ? "-o " : "", line);
		free(line);
	}
}

struct sinks {
	struct report *r;
	const struct plan *p;
};

/* Replication 0 of each variant at the first sweep point writes the streamed files. */
static void sink_for(void *ctx, size_t config, struct run_sink *out)
{
	struct sinks *k = ctx;
	if (config % k->p->npoints)
		return;
	report_set_variant(k->r, k->p->configs[config].variant);
	report_sink(k->r, out);
}

static int run_replications(const struct run_opts *o, const struct plan *p,
			    const struct price_table *t, struct report *r, struct diag *d)
{
	struct sinks k = {r, p};
	struct runner_options ro = {
	    .replications =
		o->replications ? (size_t)o->replications : (size_t)p->configs[0].sc.replications,
	    .threads = o->threads ? (size_t)o->threads : runner_default_threads(),
	    .progress = isatty(STDERR_FILENO) != 0};
	struct experiment x;
	int rc = interrupted ? SPOTSIM_EINTR : runner_run(p, t, &ro, sink_for, &k, &x, d);
	if (!rc) {
		for (size_t c = 0; c < x.nconfigs; c++) {
			report_set_variant(r, x.variant[c]);
			for (size_t k2 = 0; k2 < x.nreps; k2++)
				report_replication(r, x.sweep[c], k2, p->configs[c].sc.seed,
						   experiment_at(&x, c, k2));
		}
		report_experiment(r, &x);
		if (!o->quiet && x.nconfigs > 1)
			report_ranking(&x, stdout);
	}
	experiment_release(&x);
	return rc;
}

/* Commits unless a signal came first; returns 0, SPOTSIM_EINTR or the commit's error. */
static int commit(struct report *r, struct diag *d)
{
	sigset_t old;
	int rc;

	signals_block(true, &old);
	rc = interrupted ? SPOTSIM_EINTR : report_commit(r, d);
	if (!rc)
		committed = 1;
	signals_block(false, &old);
	return rc;
}

/* Input problems found when a replication starts are the user's to fix. */
static int failure_status(int rc)
{
	return rc == SPOTSIM_EINVAL || rc == SPOTSIM_ESYNTAX || rc == SPOTSIM_ENOENT ? EXIT_USAGE
										     : EXIT_RUNTIME;
}

static int report_failure(int rc, const struct diag *d, bool in_commit)
{
	if (rc == SPOTSIM_EINTR) {
		fprintf(stderr, "spotsim %s: interrupted; no output written\n", CMD);
		return EXIT_RUNTIME;
	}
	if (in_commit) {
		print_report_diag(d, false);
		fprintf(stderr, "spotsim %s: no output written\n", CMD);
		return EXIT_RUNTIME;
	}
	cli_print_diag(d);
	fprintf(stderr, "spotsim %s: a replication failed (%s); no output written\n", CMD,
		spotsim_strerror(rc));
	return failure_status(rc);
}

static void print_written(const struct report *r)
{
	char shown[PATH_MAX_DISPLAY];
	printf("written to %s\n", cli_display_path(report_dir(r), shown, sizeof(shown)));
}

/*
 * A copy of the scenario file as DIR/scenario.json (temporary name, then
 * rename), so that `spotsim plot` can draw the SLO and scaling targets.
 */
static void copy_scenario(const char *from, const char *dir, struct diag *d)
{
	char *tmp = xasprintf("%s/.scenario.json.tmp.%ld", dir, (long)getpid());
	char *to = xasprintf("%s/scenario.json", dir);
	FILE *in = fopen(from, "rb"), *out = in ? fopen(tmp, "wb") : NULL;
	char buf[65536];
	size_t n;
	bool ok = in && out;
	while (ok && (n = fread(buf, 1, sizeof(buf), in)) > 0)
		ok = fwrite(buf, 1, n, out) == n;
	ok = ok && !ferror(in);
	if (out && fclose(out) != 0)
		ok = false;
	if (in)
		fclose(in);
	if (!ok || rename(tmp, to) != 0) {
		unlink(tmp);
		diag_note(d, to, NULL, "could not write a copy of the scenario: %s",
			  diag_strerror(errno));
	}
	free(tmp);
	free(to);
}

/* Plots and report.html from the committed CSVs; a missing gnuplot is a note. */
static int draw_plots(const char *scenario, const struct report *r)
{
	struct diag d;
	int nplots = 0, status = EXIT_OK;
	diag_init(&d);
	copy_scenario(scenario, report_dir(r), &d);
	if (plot_render(report_dir(r), &d, &nplots) != 0)
		status = EXIT_RUNTIME;
	cli_print_diag(&d);
	diag_release(&d);
	return status;
}

static void print_summary(const struct scenario *sc, const struct report *r)
{
	char dur[32], shown[PATH_MAX_DISPLAY];

	printf("%s: %s from %s in %s, seed %llu\n", sc->name,
	       simtime_format(sc->duration, dur, sizeof(dur)), sc->start, sc->region,
	       (unsigned long long)sc->seed);
	report_summary(r, stdout, cli_display_path(report_dir(r), shown, sizeof(shown)));
}

static int simulate_into(const struct run_opts *o, const struct plan *p,
			 const struct price_table *t, struct report *r)
{
	const struct scenario *sc = &p->configs[0].sc;
	struct diag d;
	bool in_commit = false;
	int rc;

	diag_init(&d);
	rc = run_replications(o, p, t, r, &d);
	if (!rc) {
		in_commit = true;
		rc = commit(r, &d);
	}
	if (rc) {
		report_abort(r);
		rc = report_failure(rc, &d, in_commit);
	} else {
		cli_print_diag(&d); /* replication 0's notes, if any */
		if (!o->quiet && p->n == 1)
			print_summary(sc, r);
		else if (!o->quiet)
			print_written(r);
		if (!o->no_plots)
			rc = draw_plots(o->scenario, r);
	}
	diag_release(&d);
	return rc;
}

static int simulate(const struct run_opts *o, struct plan *p, const struct price_table *t)
{
	struct scenario *sc = &p->configs[0].sc;
	struct saved_signals saved;
	struct report *r;
	struct diag d;
	char *dir = output_dir(o, sc);
	int status;

	if (!dir)
		return EXIT_USAGE;
	for (size_t i = 0; o->has_seed && i < p->n; i++)
		p->configs[i].sc.seed = o->seed;
	diag_init(&d);
	signals_install(&saved);
	if (report_open(&r, dir, sc->start_unix, &d)) {
		print_report_diag(&d, o->out_dir != NULL);
		status = EXIT_RUNTIME;
	} else {
		status = simulate_into(o, p, t, r);
		report_free(r);
	}
	signals_restore(&saved);
	diag_release(&d);
	free(dir);
	return status;
}

static int run(const struct run_opts *o)
{
	struct plan p;
	struct price_table t;
	int status;

	pricing_init(&t);
	status = load_inputs(o, &p, &t);
	if (status == EXIT_OK)
		status = simulate(o, &p, &t);
	plan_release(&p);
	pricing_release(&t);
	return status;
}

/* A seed: decimal digits only, 0 to UINT64_MAX. */
static bool parse_seed(const char *text, uint64_t *out)
{
	char *end;
	unsigned long long v;

	if (!*text || strspn(text, "0123456789") != strlen(text))
		return false;
	errno = 0;
	v = strtoull(text, &end, 10);
	if (errno || *end)
		return false;
	*out = (uint64_t)v;
	return true;
}

static int parse_option(int c, struct run_opts *o, const char *arg)
{
	switch (c) {
	case 'o':
		if (!*optarg)
			return cli_usage_error(CMD, "-o",
					       "the folder is empty (accepted: a folder path)");
		o->out_dir = optarg;
		return EXIT_OK;
	case 'r':
		if (!cli_parse_long(optarg, 1, SCENARIO_MAX_REPLICATIONS, &o->replications))
			return cli_usage_error(
			    CMD, "--replications",
			    "\"%s\" is not a number of replications (accepted: a "
			    "whole number from 1 to %d)",
			    optarg, SCENARIO_MAX_REPLICATIONS);
		return EXIT_OK;
	case 's':
		if (!parse_seed(optarg, &o->seed))
			return cli_usage_error(
			    CMD, "--seed",
			    "\"%s\" is not a seed (accepted: a whole number from 0 "
			    "to 18446744073709551615)",
			    optarg);
		o->has_seed = true;
		return EXIT_OK;
	case 'p':
		o->prices = optarg;
		return EXIT_OK;
	case 'q':
		o->quiet = true;
		return EXIT_OK;
	case 't':
		if (!cli_parse_long(optarg, 1, 256, &o->threads))
			return cli_usage_error(
			    CMD, "--threads",
			    "\"%s\" is not a number of threads (accepted: a whole "
			    "number from 1 to 256)",
			    optarg);
		return EXIT_OK;
	case 'n':
		o->no_plots = true;
		return EXIT_OK;
	case ':':
		return cli_usage_error(CMD, arg, "needs a value");
	default:
		return cli_usage_error(CMD, arg, "unknown option (see spotsim run --help)");
	}
}

int cmd_run(int argc, char **argv)
{
	static const struct option opts[] = {
	    {"output", required_argument, NULL, 'o'},
	    {"replications", required_argument, NULL, 'r'},
	    {"seed", required_argument, NULL, 's'},
	    {"prices", required_argument, NULL, 'p'},
	    {"quiet", no_argument, NULL, 'q'},
	    {"threads", required_argument, NULL, 't'},
	    {"no-plots", no_argument, NULL, 'n'},
	    {"help", no_argument, NULL, 'h'},
	    {NULL, 0, NULL, 0},
	};
	struct run_opts o = {0};
	int c, status;

	opterr = 0;
	optind = 1;
	while ((c = getopt_long(argc, argv, ":ho:q", opts, NULL)) != -1) {
		if (c == 'h') {
			fputs(usage, stdout);
			return EXIT_OK;
		}
		status = parse_option(c, &o, argv[optind - 1]);
		if (status != EXIT_OK)
			return status;
	}
	if (optind != argc - 1)
		return cli_usage_error(CMD, NULL,
				       "needs exactly one scenario file (see spotsim run --help)");
	o.scenario = argv[optind];
	return run(&o);
}
