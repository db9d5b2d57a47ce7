/*
 * spotsim run — simulates a scenario's service N times and writes the CSV
 * report (timeseries.csv and events.csv of replication 0, replications.csv
 * with one row per replication), then prints a summary.
 *
 * Every output of a run goes through the report's output folder (outdir.h):
 * the CSV files, the copy scenario.json, the plots and report.html are
 * written into its private staging folder, the plots drawn from the staged
 * CSV files, and one commit puts them all in place and removes the files
 * of an earlier run this run does not make (--no-plots: the old plots and
 * report.html). A run that fails or is interrupted before the commit
 * leaves the folder as it was.
 *
 * Interruption uses the flag approach of report.h: the SIGINT/SIGTERM
 * handler (signals.h) sets the interrupted flag and calls replication_interrupt() and
 * plot_interrupt(); the running replication returns SPOTSIM_EINTR, or the
 * gnuplot processes are stopped (SIGTERM, SIGKILL after 250 ms), and the
 * main flow aborts the report (its staging folder is removed) and exits 1.
 * The commit runs with both signals blocked, after a last look at the
 * flag, so a run is either committed whole or not at all; a signal that
 * arrives after the commit is ignored. A second signal before the commit
 * does not wait: it removes the staging folder (report_remove_temps,
 * async-signal-safe) and exits at once; gnuplot dies with spotsim.
 *
 * With --shard K/N the run covers one slice of the plan (shard.h): the same
 * files for the replications it holds and scenario.json, no summary,
 * comparison or plots (the commit removes those of an earlier run), and
 * the manifest (shard-items.csv, then shard.csv) written after the commit,
 * so that a folder with a manifest is a finished shard.
 */
#include "spotsim/cli/cli.h"
#include "spotsim/cli/signals.h"
#include "spotsim/util/error.h"
#include "spotsim/scenario/plan.h"
#include "spotsim/output/plot.h"
#include "spotsim/model/pricing.h"
#include "spotsim/experiment/replication.h"
#include "spotsim/output/report.h"
#include "spotsim/experiment/runner.h"
#include "spotsim/experiment/shard.h"
#include "spotsim/engine/dist.h"
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
    "                   [--time-axis elapsed|clock]\n"
    "                   [--shard K/N | --shard auto | --shard auto/N]\n"
    "\n"
    "Simulates the scenario's ECS service on Fargate and Fargate Spot N times\n"
    "(replications, each with its own random streams), for the base scenario\n"
    "and each of its variants at every point of its sweep, and writes to DIR:\n"
    "  summary.csv       mean, sd, 95 % interval and percentiles of every metric\n"
    "  comparison.csv    paired differences of each variant against the base\n"
    "  replications.csv  one row per replication, every metric a column\n"
    "  timeseries.csv    one row per simulated minute of replication 0\n"
    "  events.csv        the event log of replication 0\n"
    "  scenario.json     a copy of the scenario, for spotsim plot\n"
    "  plots/, report.html  the figures (gnuplot) and one page with everything\n"
    "then prints a summary (one configuration) or the recommendation (the\n"
    "cheapest configuration that meets the SLO) and a ranking by monthly cost.\n"
    "Files are written in a private temporary folder inside DIR and renamed\n"
    "into place together when the run is complete: a failed or interrupted run\n"
    "(Ctrl-C) leaves DIR as it was. Figures and report.html of an earlier run\n"
    "that this run does not make (--no-plots) are removed in the same step.\n"
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
    "  --no-plots        write the CSV files (and scenario.json) only; spotsim\n"
    "                    plot DIR draws the figures later\n"
    "  --time-axis elapsed|clock  x axis of the time-series figures: time since\n"
    "                    the start (default), or clock time in UTC with the weekday\n"
    "                    (not with --no-plots: give it to spotsim plot)\n"
    "  --quiet           print no summary\n"
    "  --shard K/N       run only slice K of N of the plan (variants x sweep\n"
    "                    points x replications), for array jobs; K counts from\n"
    "                    0 (0 to N-1), like AWS Batch and Kubernetes indices.\n"
    "                    Replication r of configuration c is item i = c x R + r\n"
    "                    (R replications); slice K holds the items i mod N = K\n"
    "  --shard auto      K and N from the array job: Slurm (SLURM_ARRAY_TASK_ID\n"
    "                    less SLURM_ARRAY_TASK_MIN, SLURM_ARRAY_TASK_COUNT) or\n"
    "                    AWS Batch (AWS_BATCH_JOB_ARRAY_INDEX and _SIZE)\n"
    "  --shard auto/N    N given; K from the index that is set:\n"
    "                    AWS_BATCH_JOB_ARRAY_INDEX (AWS Batch), JOB_COMPLETION_INDEX\n"
    "                    (Kubernetes Indexed Job) or SLURM_ARRAY_TASK_ID (Slurm)\n"
    "\n"
    "A shard writes to DIR (default: out/NAME-shard-K-of-N) the replications.csv\n"
    "rows of its slice, the timeseries.csv and events.csv rows of the\n"
    "replications 0 it holds, with a Savings Plan the hourly_usage.csv rows\n"
    "of its replications, scenario.json, and its manifest (shard.csv,\n"
    "shard-items.csv: scenario digest, spotsim version, seed, slice, items);\n"
    "no summary.csv, comparison.csv, plots or report.html: spotsim merge makes\n"
    "them from all N shards, byte-identical to a run without --shard.\n"
    "\n"
    "Progress is shown on stderr when it is a terminal. What the run assumed\n"
    "where the scenario is silent (the placement tie rule, the start-up time,\n"
    "the Spot interruption model) is noted on stderr, one line each, unless\n"
    "--quiet.\n"
    "Exit status: 0 success; 1 runtime failure (the output folder cannot be\n"
    "created or written, a replication fails, the run was interrupted);\n"
    "2 usage or input error (bad option, invalid scenario or price table, a\n"
    "trace file that cannot be read, a --shard that names no slice: array-job\n"
    "variables missing, out of range or of two engines that disagree).\n"
    "\n"
    "example: spotsim run scenarios/example.json -o out/example --replications 10\n"
    "         spotsim run scenarios/example.json --shard 1/3 -o out/s1\n";

struct run_opts {
	const char *scenario, *out_dir, *prices;
	long replications; /* 0 = the scenario's */
	long threads;	   /* 0 = one per core */
	bool has_seed, quiet, no_plots;
	bool time_axis;		  /* --time-axis was given */
	struct plot_options plot; /* --time-axis */
	uint64_t seed;
	const char *shard_spec;	  /* --shard as given; NULL: the whole plan */
	struct shard_slice slice; /* resolved from shard_spec; {0, 0}: the whole plan */
};

/* What a shard keeps from its run for the manifest. */
struct shard_out {
	struct shard_rows rows;
	struct shard_manifest manifest;
	char digest[SHARD_DIGEST_SIZE];
};

static void signals_block(bool block, sigset_t *old)
{
	sigset_t set;

	sigemptyset(&set);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGTERM);
	sigprocmask(block ? SIG_BLOCK : SIG_SETMASK, block ? &set : old, block ? old : NULL);
}

/* "replication 7/30, about 12s left", redrawn in place on a terminal. */

/* The price table in use: --prices, else the scenario's, else the default (may be NULL). */
static const char *price_table_path(const struct run_opts *o, const struct scenario *sc)
{
	if (o->prices)
		return o->prices;
	return sc->prices_file ? sc->prices_file : pricing_default_path();
}

/* Loads the scenario and its price table, printing every diagnostic. */
static int load_inputs(const struct run_opts *o, struct plan *p, struct price_table *t)
{
	struct diag d;
	int status;

	diag_init(&d);
	if (plan_load(p, o->scenario, &d) == 0) {
		const struct scenario *sc = &p->configs[0].sc;
		const char *table = price_table_path(o, sc);
		if (!table)
			diag_error(&d, o->scenario, NULL,
				   "no price table found (accepted: --prices FILE, pricing.file, "
				   "or data/pricing.csv as installed)");
		else if (pricing_load(t, table, &d) == 0)
			plan_check_prices(p, t, &d);
	}
	cli_print_diag(&d);
	status = diag_failed(&d) ? EXIT_USAGE : EXIT_OK;
	diag_release(&d);
	return status;
}

/* Whether a configuration's strategy can place tasks on `p`. */
static bool uses_provider(const struct scenario *sc, enum provider p)
{
	for (size_t i = 0; i < sc->service.strategy.nr; i++) {
		const struct strategy_item *it = &sc->service.strategy.items[i];
		if (it->provider == p && (it->weight > 0 || it->base > 0))
			return true;
	}
	return false;
}

/* The start-up of the first configuration that has none of its own. */
static const struct startup_model *defaulted_startup(const struct plan *p)
{
	for (size_t i = 0; i < p->n; i++)
		if (!p->configs[i].sc.has_startup)
			return &p->configs[i].sc.startup;
	return NULL;
}

/*
 * What the run assumes where the scenario is silent and AWS documents
 * nothing (README "spotsim run"): the placement tie rule when both
 * providers take tasks, the start-up time, and the Spot interruption model
 * when Spot is used; one note each, when some configuration defaulted it.
 */
static void print_assumptions(const struct plan *p, const char *file)
{
	bool tie = false, spot = false;
	const struct startup_model *m = defaulted_startup(p);
	struct diag d;

	for (size_t i = 0; i < p->n; i++) {
		const struct scenario *sc = &p->configs[i].sc;
		bool on_spot = uses_provider(sc, PROVIDER_FARGATE_SPOT);
		tie |= on_spot && uses_provider(sc, PROVIDER_FARGATE) && !sc->has_placement_tie;
		spot |= on_spot && sc->spot.ninterruptions == 0;
	}
	diag_init(&d);
	if (tie)
		diag_note(
		    &d, file, NULL,
		    "assumed placement_tie \"first_listed\": the odd task goes to the provider "
		    "listed first (AWS does not document the rule; \"largest_weight\" is the "
		    "other choice)");
	if (m) {
		double prov = dist_mean_seconds(&m->provisioning),
		       pull = dist_mean_seconds(&m->pull), app = dist_mean_seconds(&m->app_start);
		diag_note(&d, file, NULL,
			  "assumed start-up %g s: provisioning %g s + pull %g s + app start %g s, "
			  "fixed (AWS publishes no figure; set \"startup\")",
			  prov + pull + app, prov, pull, app);
	}
	if (spot)
		diag_note(&d, file, NULL,
			  "assumed no Spot interruptions (AWS publishes no rate; set "
			  "\"spot.interruptions\", e.g. a scripted time or a mean time to "
			  "interruption)");
	cli_print_diag(&d);
	diag_release(&d);
}

/* The output folder: -o, else out/NAME (the loader made sure NAME names a folder). */
static char *output_dir(const struct run_opts *o, const struct scenario *sc)
{
	if (o->out_dir)
		return xstrdup(o->out_dir);
	if (o->slice.count)
		return xasprintf("out/%s-shard-%zu-of-%zu", sc->name, o->slice.index,
				 o->slice.count);
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
	struct shard_rows *rows; /* a shard counts the rows; NULL otherwise */
};

/* Replication 0 of each variant at the first sweep point writes the streamed files. */
static void sink_for(void *ctx, size_t config, struct run_sink *out)
{
	struct sinks *k = ctx;
	if (config % k->p->npoints)
		return;
	report_set_variant(k->r, k->p->configs[config].variant);
	report_sink(k->r, out);
	if (k->rows)
		shard_rows_wrap(k->rows, config, out);
}

static size_t replications(const struct run_opts *o, const struct plan *p)
{
	return o->replications ? (size_t)o->replications : (size_t)p->configs[0].sc.replications;
}

/* The replications.csv rows of the items run (all of them, or the slice's). */
static void write_rows(const struct run_opts *o, const struct plan *p, struct report *r,
		       const struct experiment *x)
{
	for (size_t c = 0; c < x->nconfigs; c++) {
		report_set_variant(r, x->variant[c]);
		for (size_t k = 0; k < x->nreps; k++)
			if (shard_holds(&o->slice, c * x->nreps + k))
				report_replication(r, x->sweep[c], k, p->configs[c].sc.seed,
						   experiment_at(x, c, k));
	}
}

static int run_replications(const struct run_opts *o, const struct plan *p,
			    const struct price_table *t, struct report *r, struct shard_out *sh,
			    struct diag *d)
{
	struct sinks k = {r, p, sh ? &sh->rows : NULL};
	struct runner_options ro = {.replications = replications(o, p),
				    .threads =
					o->threads ? (size_t)o->threads : runner_default_threads(),
				    .progress = isatty(STDERR_FILENO) != 0,
				    .slice = o->slice};
	struct experiment x;
	int rc = cli_interrupted() ? SPOTSIM_EINTR : runner_run(p, t, &ro, sink_for, &k, &x, d);
	outdir_claim(report_outdir(r), REPORT_HOURLY_USAGE);
	outdir_claim(report_outdir(r), REPORT_PLAN_COMMITMENT);
	outdir_claim(report_outdir(r), "plots/" PLOT_COMMITMENT ".png");
	outdir_claim(report_outdir(r), "plots/" PLOT_COMMITMENT ".svg");
	if (!rc) {
		write_rows(o, p, r, &x);
		rc = report_hourly_usage(r, p, &x, d);
		if (sh) {
			shard_manifest_build(&sh->manifest, p, &x, &o->slice, &sh->rows,
					     sh->digest);
		} else {
			report_experiment(r, &x);
			if (!o->quiet && x.nconfigs > 1)
				report_ranking(&x, stdout);
		}
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
	rc = cli_interrupted() ? SPOTSIM_EINTR : report_commit(r, d);
	if (!rc)
		cli_signals_committed();
	signals_block(false, &old);
	return rc;
}

/* Input problems found when a replication starts are the user's to fix. */
static int failure_status(int rc)
{
	return rc == SPOTSIM_EINVAL || rc == SPOTSIM_ESYNTAX || rc == SPOTSIM_ENOENT ? EXIT_USAGE
										     : EXIT_RUNTIME;
}

static int report_failure(int rc, const struct diag *d, bool in_commit, bool mixed)
{
	if (rc == SPOTSIM_EINTR) {
		fprintf(stderr, "spotsim %s: interrupted; no output written\n", CMD);
		return EXIT_RUNTIME;
	}
	if (in_commit) {
		print_report_diag(d, false);
		if (mixed)
			fprintf(stderr, "spotsim %s: the output folder is incomplete\n", CMD);
		else
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
 * Stages what the commit puts in place besides the CSV files: the copy
 * DIR/scenario.json (so that `spotsim plot` can draw the SLO and scaling
 * targets), the plots and report.html drawn from the staged CSV files, and
 * claims every figure and report.html so that those of an earlier run this
 * run does not make are removed. The plots' notes and errors go to `pd`,
 * printed after the commit; *plots_failed when a figure or the page failed.
 * Returns 0, SPOTSIM_EINTR, or SPOTSIM_EIO (a CSV file or, for a shard, the
 * copy cannot be written).
 */
static int stage_outputs(const struct run_opts *o, struct report *r, bool shard, struct diag *d,
			 struct diag *pd, bool *plots_failed)
{
	struct outdir *out = report_outdir(r);
	int rc = report_finish(r, d), err;

	if (rc)
		return rc;
	if ((err = outdir_copy(out, "scenario.json", o->scenario)) != 0) {
		char *to = xasprintf("%s/scenario.json", report_dir(r));
		if (shard)
			diag_error(d, to, NULL, "cannot write a copy of the scenario: %s",
				   diag_strerror(err));
		else
			diag_note(pd, to, NULL, "could not write a copy of the scenario: %s",
				  diag_strerror(err));
		free(to);
		if (shard)
			return SPOTSIM_EIO;
	}
	plot_claim(out);
	/*
	 * An earlier shard's manifest goes in this commit, with the files it
	 * described; a shard writes its own after the commit, last.
	 */
	outdir_claim(out, SHARD_MANIFEST);
	outdir_claim(out, SHARD_ITEMS);
	if (shard) {
		outdir_drop(out, "summary.csv");
		outdir_drop(out, "comparison.csv");
		return 0;
	}
	if (o->no_plots)
		return cli_interrupted() ? SPOTSIM_EINTR : 0;
	rc = plot_stage(out, outdir_staging(out), &o->plot, pd, NULL);
	*plots_failed = rc != 0;
	return rc == SPOTSIM_EINTR || cli_interrupted() ? SPOTSIM_EINTR : 0;
}

static void print_summary(const struct scenario *sc, const struct report *r)
{
	char dur[32], shown[PATH_MAX_DISPLAY];

	printf("%s: %s from %s in %s, seed %llu\n", sc->name,
	       simtime_format(sc->duration, dur, sizeof(dur)), sc->start, sc->region,
	       (unsigned long long)sc->seed);
	report_summary(r, stdout, cli_display_path(report_dir(r), shown, sizeof(shown)),
		       sc->slo.max_breach_probability);
}

/*
 * After a shard's commit: no summary or comparison (a shard cannot compute
 * them), the scenario's copy, then the manifest, last.
 */
static int finish_shard(const struct run_opts *o, struct report *r, struct shard_out *sh)
{
	const char *dir = report_dir(r);
	char shown[PATH_MAX_DISPLAY];
	struct diag d;
	int status = EXIT_OK;

	diag_init(&d);
	if (shard_write(dir, &sh->manifest, &d) == 0 && !o->quiet)
		printf("slice %zu/%zu of %s: %zu of %zu replications written to %s\n",
		       o->slice.index, o->slice.count, sh->manifest.scenario, sh->manifest.nitems,
		       sh->manifest.nconfigs * sh->manifest.nreps,
		       cli_display_path(dir, shown, sizeof(shown)));
	if (diag_failed(&d)) {
		print_report_diag(&d, false);
		fprintf(stderr, "spotsim %s: the shard has no manifest; run it again\n", CMD);
		status = EXIT_RUNTIME;
	}
	diag_release(&d);
	return status;
}

static int simulate_into(const struct run_opts *o, const struct plan *p,
			 const struct price_table *t, struct report *r, struct shard_out *sh)
{
	const struct scenario *sc = &p->configs[0].sc;
	struct diag d, pd;
	bool in_commit = false, plots_failed = false;
	int rc;

	diag_init(&d);
	diag_init(&pd);
	rc = run_replications(o, p, t, r, sh, &d);
	if (!rc) {
		in_commit = true;
		rc = stage_outputs(o, r, sh != NULL, &d, &pd, &plots_failed);
	}
	if (!rc)
		rc = commit(r, &d);
	if (rc) {
		report_abort(r);
		rc = report_failure(rc, &d, in_commit, outdir_mixed(report_outdir(r)));
	} else if (sh) {
		cli_print_diag(&d);
		rc = finish_shard(o, r, sh);
	} else {
		cli_print_diag(&d); /* replication 0's notes, if any */
		if (!o->quiet && p->n == 1)
			print_summary(sc, r);
		else if (!o->quiet)
			print_written(r);
		fflush(stdout);
		cli_print_diag(&pd);
		rc = plots_failed ? EXIT_RUNTIME : EXIT_OK;
	}
	diag_release(&pd);
	diag_release(&d);
	return rc;
}

/* A shard's digest of its inputs, before anything runs; false after printing the problem. */
static bool shard_start(const struct run_opts *o, const struct plan *p, struct shard_out *sh)
{
	struct diag d;
	const char *table = price_table_path(o, &p->configs[0].sc);

	memset(sh, 0, sizeof(*sh));
	shard_rows_init(&sh->rows, p->n);
	diag_init(&d);
	int rc = shard_digest(p, o->scenario, table ? table : "", p->configs[0].sc.seed,
			      replications(o, p), sh->digest, &d);
	cli_print_diag(&d);
	diag_release(&d);
	return rc == 0;
}

static void shard_end(struct shard_out *sh)
{
	shard_rows_release(&sh->rows);
	shard_manifest_release(&sh->manifest);
}

static int simulate(const struct run_opts *o, struct plan *p, const struct price_table *t)
{
	struct scenario *sc = &p->configs[0].sc;
	struct cli_signals saved;
	struct shard_out shard, *sh = o->slice.count ? &shard : NULL;
	struct report *r;
	struct diag d;
	char *dir = output_dir(o, sc);
	int status;

	for (size_t i = 0; o->has_seed && i < p->n; i++)
		p->configs[i].sc.seed = o->seed;
	if (sh && !shard_start(o, p, sh)) {
		shard_end(sh);
		free(dir);
		return EXIT_RUNTIME;
	}
	diag_init(&d);
	cli_signals_install(&saved, CMD, true);
	if (report_open(&r, dir, sc->start_unix, &d)) {
		print_report_diag(&d, o->out_dir != NULL);
		status = EXIT_RUNTIME;
	} else {
		status = simulate_into(o, p, t, r, sh);
		report_free(r);
	}
	cli_signals_restore(&saved);
	if (sh)
		shard_end(sh);
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
	if (status == EXIT_OK && !o->quiet)
		print_assumptions(&p, o->scenario);
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
	case 'k':
		o->shard_spec = optarg;
		return EXIT_OK;
	case 'x':
		o->time_axis = true;
		return cli_time_axis(CMD, optarg, &o->plot.clock_axis);
	case ':':
		return cli_usage_error(CMD, arg, "needs a value");
	default:
		return cli_usage_error(CMD, arg, "unknown option (see spotsim run --help)");
	}
}

static const char *env_lookup(void *ctx, const char *name)
{
	(void)ctx;
	return getenv(name);
}

/* --shard into o->slice, from the array job's variables where it says auto. */
static int resolve_shard(struct run_opts *o)
{
	struct diag d;
	diag_init(&d);
	int rc = shard_parse(o->shard_spec, env_lookup, NULL, &o->slice, &d);
	for (size_t i = 0; i < d.nr; i++) {
		char *line = diag_line(&d, i);
		fprintf(stderr, "spotsim %s: %s\n", CMD, line);
		free(line);
	}
	diag_release(&d);
	return rc ? EXIT_USAGE : EXIT_OK;
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
	    {"shard", required_argument, NULL, 'k'},
	    {"time-axis", required_argument, NULL, 'x'},
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
	if (o.no_plots && o.time_axis)
		return cli_time_axis_without_plots(CMD);
	o.scenario = argv[optind];
	if (o.shard_spec && resolve_shard(&o) != EXIT_OK)
		return EXIT_USAGE;
	return run(&o);
}
