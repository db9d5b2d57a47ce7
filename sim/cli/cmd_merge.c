/*
 * spotsim merge — puts the N shards of a run (spotsim run --shard K/N) back
 * together into the folder a one-machine run writes, byte for byte, and
 * prints what that run prints.
 *
 * Flow: read and check every shard's manifest (shard.h) before touching the
 * output folder; open the report (report.h) and, in its staging folder
 * (outdir.h), the joined timeseries.csv and events.csv; write the rows,
 * summary and comparison from the shards' full-precision metrics; finish
 * the report, then stage the joined files over its header-only ones; stage
 * slice 0's scenario.json, the plots and report.html drawn from the staged
 * CSV files, as a run does; then, with SIGINT and SIGTERM blocked, commit
 * everything at once. A failure or an interruption before the commit
 * leaves the folder as it was.
 */
#include "spotsim/cli/cli.h"
#include "spotsim/cli/signals.h"
#include "spotsim/experiment/runner.h"
#include "spotsim/experiment/shard.h"
#include "spotsim/output/plot.h"
#include "spotsim/output/report.h"
#include "spotsim/util/error.h"
#include "spotsim/util/xalloc.h"

#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define CMD "merge"

static const char usage[] =
    "usage: spotsim merge SHARD_DIR... [-o DIR] [--no-plots]\n"
    "                     [--time-axis elapsed|clock] [--quiet]\n"
    "\n"
    "Combines the folders written by spotsim run --shard K/N, one for each\n"
    "slice 0/N to N-1/N, in any order, into the outputs of the same run made\n"
    "on one machine without --shard: summary.csv, comparison.csv,\n"
    "replications.csv, timeseries.csv, events.csv, hourly_usage.csv (with a\n"
    "Savings Plan), scenario.json, plots/ and report.html, byte-identical, and\n"
    "prints the same summary or ranking.\n"
    "\n"
    "Before writing anything it checks that the shards belong together: each\n"
    "has its manifest (shard.csv, written when the shard finished), all have\n"
    "the same spotsim version (this one's), seed, number of slices N,\n"
    "replications and scenario digest (a SHA-256 of the scenario file, its\n"
    "price table and data files, the seed and the replications), and every\n"
    "slice is there exactly once. Files are written in a private temporary\n"
    "folder inside DIR and renamed into place together when complete.\n"
    "\n"
    "  -o, --output DIR  output folder, created if needed (default: out/NAME,\n"
    "                    NAME being the scenario's name); not a shard folder\n"
    "  --no-plots        write the CSV files only, as spotsim run --no-plots\n"
    "  --time-axis elapsed|clock  x axis of the time-series figures, as\n"
    "                    spotsim run --time-axis (not with --no-plots)\n"
    "  --quiet           print no summary\n"
    "\n"
    "Exit status: 0 success; 1 runtime failure (the output folder cannot be\n"
    "written, interrupted); 2 usage or input error (a folder without a\n"
    "manifest, a missing or repeated slice, a shard of another run or\n"
    "another spotsim version, a shard file changed since it was written).\n"
    "\n"
    "example: for k in 0 1 2; do spotsim run s.json --shard $k/3 -o out/s$k; done\n"
    "         spotsim merge out/s0 out/s1 out/s2 -o out/s\n";

struct merge_opts {
	char **dirs;
	size_t ndirs;
	const char *out_dir;
	bool quiet, no_plots;
	struct plot_options plot; /* --time-axis */
};

/* The shards, read and checked. */
struct shards {
	struct shard_manifest *m;    /* [ndirs] */
	struct shard_manifest **ptr; /* [ndirs] -> m */
	const char *const *dirs;
	size_t n;
};

/*
 * The joined files, written in the report's staging folder; hourly_usage.csv
 * only when the run wrote one (a Savings Plan).
 */
enum {
	STREAM_TIMESERIES,
	STREAM_EVENTS,
	STREAM_HOURS,
	STREAM_COUNT
};
static const char *const stream_names[STREAM_COUNT] = {"timeseries.csv", "events.csv",
						       REPORT_HOURLY_USAGE};

static void print_diag(const struct diag *d)
{
	for (size_t i = 0; i < d->nr; i++) {
		char *line = diag_line(d, i);
		fprintf(stderr, "spotsim %s: %s%s\n", CMD,
			d->items[i].level == DIAG_NOTE ? "note: " : "", line);
		free(line);
	}
}

static int read_shards(const struct merge_opts *o, struct shards *s)
{
	struct diag d;
	int rc = 0;

	s->n = o->ndirs;
	s->dirs = (const char *const *)o->dirs;
	s->m = xcalloc(s->n, sizeof(*s->m));
	s->ptr = xcalloc(s->n, sizeof(*s->ptr));
	diag_init(&d);
	for (size_t i = 0; i < s->n; i++) {
		s->ptr[i] = &s->m[i];
		if (shard_read(o->dirs[i], &s->m[i], &d) != 0)
			rc = SPOTSIM_EINVAL;
	}
	if (!rc)
		rc = shard_check(s->ptr, s->dirs, s->n, &d);
	print_diag(&d);
	diag_release(&d);
	return rc ? EXIT_USAGE : EXIT_OK;
}

static void shards_release(struct shards *s)
{
	for (size_t i = 0; s->m && i < s->n; i++)
		shard_manifest_release(&s->m[i]);
	free(s->m);
	free(s->ptr);
}

/* The output folder: -o, else out/NAME; never one of the shard folders. */
static char *output_dir(const struct merge_opts *o, const struct shards *s)
{
	char out_real[PATH_MAX], dir_real[PATH_MAX];
	char *dir = o->out_dir ? xstrdup(o->out_dir) : xasprintf("out/%s", s->m[0].scenario);
	bool exists = realpath(dir, out_real) != NULL;

	for (size_t i = 0; exists && i < s->n; i++)
		if (realpath(s->dirs[i], dir_real) && !strcmp(out_real, dir_real)) {
			cli_usage_error(CMD, "-o",
					"%s is one of the shard folders (accepted: another folder)",
					dir);
			free(dir);
			return NULL;
		}
	if (!o->out_dir && strchr(s->m[0].scenario, '/')) {
		cli_usage_error(CMD, NULL,
				"the scenario's name \"%s\" cannot name the output folder "
				"(accepted: -o DIR)",
				s->m[0].scenario);
		free(dir);
		return NULL;
	}
	return dir;
}

/* Joins one streamed file into a file of the staging folder, left open; 0 or SPOTSIM_*. */
static int join_stream(const struct shards *s, struct report *r, int which, struct outdir_file *of,
		       struct diag *d)
{
	int err, rc;

	if (which == STREAM_HOURS && !shard_has_hours(s->ptr, s->n))
		return 0;
	err = outdir_file_create(report_outdir(r), stream_names[which], of);
	if (err) {
		char *final = xasprintf("%s/%s", report_dir(r), stream_names[which]);
		diag_error(d, final, NULL, "cannot write: %s", diag_strerror(err));
		free(final);
		return SPOTSIM_EIO;
	}
	rc = shard_join_stream(s->ptr, s->dirs, s->n, stream_names[which], of->f, d);
	if (rc)
		outdir_file_discard(report_outdir(r), of);
	return rc;
}

/* Stages the joined files over the report's header-only ones (after report_finish). */
static int stage_streams(struct report *r, struct outdir_file *of, struct diag *d)
{
	for (int i = 0; i < STREAM_COUNT; i++) {
		if (i == STREAM_HOURS && !of[i].f)
			continue; /* the run wrote no hourly_usage.csv */
		if (i == STREAM_HOURS)
			report_hourly_staged(r);
		int err = outdir_file_close(report_outdir(r), &of[i]);
		if (err) {
			char *final = xasprintf("%s/%s", report_dir(r), stream_names[i]);
			diag_error(d, final, NULL, "cannot write: %s", diag_strerror(err));
			free(final);
			return SPOTSIM_EIO;
		}
	}
	return 0;
}

static void write_report(const struct merge_opts *o, const struct shards *s, struct report *r)
{
	struct experiment x;
	uint64_t *seeds;

	shard_experiment(s->ptr, s->n, &x, &seeds);
	for (size_t c = 0; c < x.nconfigs; c++) {
		report_set_variant(r, x.variant[c]);
		for (size_t k = 0; k < x.nreps; k++)
			report_replication(r, x.sweep[c], k, seeds[c], experiment_at(&x, c, k));
	}
	report_experiment(r, &x);
	if (!o->quiet && x.nconfigs > 1)
		report_ranking(&x, stdout);
	experiment_release(&x);
	free(seeds);
}

/* The report's commit, with the signals held. */
static int commit(struct report *r, struct diag *d)
{
	sigset_t set, old;
	int rc;

	sigemptyset(&set);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGTERM);
	sigprocmask(SIG_BLOCK, &set, &old);
	rc = cli_interrupted() ? SPOTSIM_EINTR : report_commit(r, d);
	sigprocmask(SIG_SETMASK, &old, NULL);
	return rc;
}

static void print_summary(const struct shard_manifest *m, const struct report *r)
{
	char dur[32], shown[PATH_MAX_DISPLAY];

	printf("%s: %s from %s in %s, seed %llu\n", m->scenario,
	       simtime_format(m->duration, dur, sizeof(dur)), m->start, m->region,
	       (unsigned long long)m->seed);
	report_summary(r, stdout, cli_display_path(report_dir(r), shown, sizeof(shown)),
		       m->max_breach);
}

/*
 * Stages what a run stages besides its CSV files: slice 0's scenario.json,
 * the plots and report.html (or claims them, for their removal); their
 * notes and errors go to `pd`. Returns 0 or SPOTSIM_EINTR.
 */
static int stage_plots(const struct merge_opts *o, const struct shards *s, struct report *r,
		       struct diag *pd, bool *plots_failed)
{
	struct outdir *out = report_outdir(r);
	size_t first = 0;
	int err, rc;

	for (size_t i = 0; i < s->n; i++)
		if (s->m[i].slice.index == 0)
			first = i;
	char *from = xasprintf("%s/scenario.json", s->dirs[first]);
	if ((err = outdir_copy(out, "scenario.json", from)) != 0) {
		char *to = xasprintf("%s/scenario.json", report_dir(r));
		diag_note(pd, to, NULL, "could not write a copy of the scenario: %s",
			  diag_strerror(err));
		free(to);
	}
	free(from);
	plot_claim(out);
	/* as a run: a stale hourly usage or plan-commitment's outputs go */
	outdir_claim(out, REPORT_HOURLY_USAGE);
	outdir_claim(out, REPORT_PLAN_COMMITMENT);
	outdir_claim(out, "plots/" PLOT_COMMITMENT ".png");
	outdir_claim(out, "plots/" PLOT_COMMITMENT ".svg");
	if (o->no_plots)
		return cli_interrupted() ? SPOTSIM_EINTR : 0;
	rc = plot_stage(out, outdir_staging(out), &o->plot, pd, NULL);
	*plots_failed = rc != 0;
	return rc == SPOTSIM_EINTR || cli_interrupted() ? SPOTSIM_EINTR : 0;
}

/* What a run prints after its commit, then the plots' notes. */
static int finish(const struct merge_opts *o, const struct shards *s, const struct report *r,
		  const struct diag *pd, bool plots_failed)
{
	char shown[PATH_MAX_DISPLAY];

	if (!o->quiet && s->m[0].nconfigs == 1)
		print_summary(&s->m[0], r);
	else if (!o->quiet)
		printf("written to %s\n", cli_display_path(report_dir(r), shown, sizeof(shown)));
	fflush(stdout);
	cli_print_diag(pd);
	return plots_failed ? EXIT_RUNTIME : EXIT_OK;
}

/* Everything from the joined files to the commit; 0 or SPOTSIM_*. */
static int stage_all(const struct merge_opts *o, const struct shards *s, struct report *r,
		     struct diag *d, struct diag *pd, bool *plots_failed)
{
	struct outdir_file of[STREAM_COUNT];
	int rc = 0, i;

	memset(of, 0, sizeof(of));
	for (i = 0; !rc && i < STREAM_COUNT; i++)
		rc = join_stream(s, r, i, &of[i], d);
	if (!rc && cli_interrupted())
		rc = SPOTSIM_EINTR;
	if (!rc) {
		write_report(o, s, r);
		rc = report_finish(r, d);
	}
	if (!rc)
		rc = stage_streams(r, of, d);
	for (i = 0; i < STREAM_COUNT; i++)
		outdir_file_discard(report_outdir(r), &of[i]);
	if (!rc)
		rc = stage_plots(o, s, r, pd, plots_failed);
	return rc;
}

/* Everything from the open report to the plots; the report is freed by the caller. */
static int merge_into(const struct merge_opts *o, const struct shards *s, struct report *r)
{
	struct diag d, pd;
	bool plots_failed = false;
	int rc, status;

	diag_init(&d);
	diag_init(&pd);
	rc = stage_all(o, s, r, &d, &pd, &plots_failed);
	if (!rc)
		rc = commit(r, &d);
	if (rc)
		report_abort(r);
	print_diag(&d);
	if (rc == SPOTSIM_EINTR)
		fprintf(stderr, "spotsim %s: interrupted; no output written\n", CMD);
	else if (rc && outdir_mixed(report_outdir(r)))
		fprintf(stderr, "spotsim %s: the output folder is incomplete\n", CMD);
	else if (rc)
		fprintf(stderr, "spotsim %s: no output written\n", CMD);
	if (rc)
		status = rc == SPOTSIM_EINVAL ? EXIT_USAGE : EXIT_RUNTIME;
	else
		status = finish(o, s, r, &pd, plots_failed);
	diag_release(&pd);
	diag_release(&d);
	return status;
}

static int merge(const struct merge_opts *o)
{
	struct shards s = {0};
	struct cli_signals saved;
	struct report *r;
	struct diag d;
	int status = read_shards(o, &s);
	char *dir = status == EXIT_OK ? output_dir(o, &s) : NULL;

	if (!dir) {
		shards_release(&s);
		return EXIT_USAGE;
	}
	cli_signals_install(&saved, CMD, false);
	diag_init(&d);
	if (report_open(&r, dir, s.m[0].start_unix, &d)) {
		print_diag(&d);
		status = EXIT_RUNTIME;
	} else {
		status = merge_into(o, &s, r);
		report_free(r);
	}
	cli_signals_restore(&saved);
	diag_release(&d);
	free(dir);
	shards_release(&s);
	return status;
}

int cmd_merge(int argc, char **argv)
{
	static const struct option opts[] = {
	    {"output", required_argument, NULL, 'o'}, {"no-plots", no_argument, NULL, 'n'},
	    {"quiet", no_argument, NULL, 'q'},	      {"time-axis", required_argument, NULL, 'x'},
	    {"help", no_argument, NULL, 'h'},	      {NULL, 0, NULL, 0},
	};
	struct merge_opts o = {0};
	bool time_axis = false;
	int c;

	opterr = 0;
	optind = 1;
	while ((c = getopt_long(argc, argv, ":ho:q", opts, NULL)) != -1) {
		switch (c) {
		case 'h':
			fputs(usage, stdout);
			return EXIT_OK;
		case 'o':
			if (!*optarg)
				return cli_usage_error(
				    CMD, "-o", "the folder is empty (accepted: a folder path)");
			o.out_dir = optarg;
			break;
		case 'n':
			o.no_plots = true;
			break;
		case 'q':
			o.quiet = true;
			break;
		case 'x':
			if (cli_time_axis(CMD, optarg, &o.plot.clock_axis) != EXIT_OK)
				return EXIT_USAGE;
			time_axis = true;
			break;
		case ':':
			return cli_usage_error(CMD, argv[optind - 1], "needs a value");
		default:
			return cli_usage_error(CMD, argv[optind - 1],
					       "unknown option (see spotsim merge --help)");
		}
	}
	if (optind >= argc)
		return cli_usage_error(CMD, NULL,
				       "needs the shard folders (see spotsim merge --help)");
	if (o.no_plots && time_axis)
		return cli_time_axis_without_plots(CMD);
	o.dirs = argv + optind;
	o.ndirs = (size_t)(argc - optind);
	return merge(&o);
}
