/*
 * spotsim merge — puts the N shards of a run (spotsim run --shard K/N) back
 * together into the folder a one-machine run writes, byte for byte, and
 * prints what that run prints.
 *
 * Flow: read and check every shard's manifest (shard.h) before touching the
 * output folder; open the report (report.h) and, beside its temporaries,
 * the joined timeseries.csv and events.csv (fileio.h); write the rows,
 * summary and comparison from the shards' full-precision metrics; then,
 * with SIGINT and SIGTERM blocked, commit the report and rename the two
 * joined files over the header-only ones it committed. A failure there
 * removes the five files, so the folder never holds half a merge. Plots and
 * report.html come last, from the committed CSV files, as after a run.
 */
#include "spotsim/cli/cli.h"
#include "spotsim/experiment/runner.h"
#include "spotsim/experiment/shard.h"
#include "spotsim/output/plot.h"
#include "spotsim/output/report.h"
#include "spotsim/util/error.h"
#include "spotsim/util/fileio.h"
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
    "usage: spotsim merge SHARD_DIR... [-o DIR] [--no-plots] [--quiet]\n"
    "\n"
    "Combines the folders written by spotsim run --shard K/N, one for each\n"
    "slice 0/N to N-1/N, in any order, into the outputs of the same run made\n"
    "on one machine without --shard: summary.csv, comparison.csv,\n"
    "replications.csv, timeseries.csv, events.csv, scenario.json, plots/ and\n"
    "report.html, byte-identical, and prints the same summary or ranking.\n"
    "\n"
    "Before writing anything it checks that the shards belong together: each\n"
    "has its manifest (shard.csv, written when the shard finished), all have\n"
    "the same spotsim version (this one's), seed, number of slices N,\n"
    "replications and scenario digest (a SHA-256 of the scenario file, its\n"
    "price table and data files, the seed and the replications), and every\n"
    "slice is there exactly once. Files are written under temporary names and\n"
    "renamed only when complete.\n"
    "\n"
    "  -o, --output DIR  output folder, created if needed (default: out/NAME,\n"
    "                    NAME being the scenario's name); not a shard folder\n"
    "  --no-plots        write the CSV files only, as spotsim run --no-plots\n"
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
};

/* The shards, read and checked. */
struct shards {
	struct shard_manifest *m;    /* [ndirs] */
	struct shard_manifest **ptr; /* [ndirs] -> m */
	const char *const *dirs;
	size_t n;
};

/* The joined streamed files, prepared beside the report's temporaries. */
enum {
	STREAM_TIMESERIES,
	STREAM_EVENTS,
	STREAM_COUNT
};
static const char *const stream_names[STREAM_COUNT] = {"timeseries.csv", "events.csv"};

/* For the signal handler: the joined files' temporaries (fixed storage). */
static char stream_temp[STREAM_COUNT][REPORT_PATH_MAX];
static volatile sig_atomic_t stream_temp_used[STREAM_COUNT];
static volatile sig_atomic_t interrupted;

static void remove_stream_temps(void)
{
	for (int i = 0; i < STREAM_COUNT; i++)
		if (stream_temp_used[i])
			unlink(stream_temp[i]);
}

static void on_signal(int sig)
{
	static const char msg[] = "spotsim merge: interrupted; no output written\n";
	(void)sig;
	if (interrupted) {
		report_remove_temps();
		remove_stream_temps();
		if (write(STDERR_FILENO, msg, sizeof(msg) - 1) < 0)
			_exit(EXIT_RUNTIME);
		_exit(EXIT_RUNTIME);
	}
	interrupted = 1;
}

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

/* Joins one streamed file into its temporary; 0 or SPOTSIM_*. */
static int join_stream(const struct shards *s, const char *dir, int which, struct fileio_atomic *a,
		       struct diag *d)
{
	char *final = xasprintf("%s/%s", dir, stream_names[which]);
	int err = fileio_atomic_open(a, final), rc = 0;

	if (err) {
		diag_error(d, final, NULL, "cannot write: %s", diag_strerror(err));
		free(final);
		return SPOTSIM_EIO;
	}
	if (strlen(a->tmp) < REPORT_PATH_MAX) {
		memcpy(stream_temp[which], a->tmp, strlen(a->tmp) + 1);
		stream_temp_used[which] = 1;
	}
	rc = shard_join_stream(s->ptr, s->dirs, s->n, stream_names[which], a->f, d);
	if (!rc && (err = fileio_atomic_close(a)) != 0) {
		diag_error(d, final, NULL, "cannot write: %s", diag_strerror(err));
		rc = SPOTSIM_EIO;
	}
	free(final);
	return rc;
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

/* After a failed rename: no file of this merge stays under a final name. */
static void remove_finals(const char *dir)
{
	static const char *const names[] = {"timeseries.csv", "events.csv", "replications.csv",
					    "summary.csv", "comparison.csv"};
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		char *path = xasprintf("%s/%s", dir, names[i]);
		unlink(path);
		free(path);
	}
}

/* The report's commit and the joined files' renames, with the signals held. */
static int commit(struct report *r, struct fileio_atomic *a, struct diag *d)
{
	sigset_t set, old;
	int rc, err = 0;

	sigemptyset(&set);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGTERM);
	sigprocmask(SIG_BLOCK, &set, &old);
	rc = interrupted ? SPOTSIM_EINTR : report_commit(r, d);
	for (int i = 0; !rc && !err && i < STREAM_COUNT; i++)
		if ((err = fileio_atomic_rename(&a[i])) != 0) {
			diag_error(d, a[i].final, NULL, "cannot write: %s", diag_strerror(err));
			remove_finals(report_dir(r));
			rc = SPOTSIM_EIO;
		}
	for (int i = 0; i < STREAM_COUNT; i++)
		stream_temp_used[i] = 0;
	sigprocmask(SIG_SETMASK, &old, NULL);
	return rc;
}

static void print_summary(const struct shard_manifest *m, const struct report *r)
{
	char dur[32], shown[PATH_MAX_DISPLAY];

	printf("%s: %s from %s in %s, seed %llu\n", m->scenario,
	       simtime_format(m->duration, dur, sizeof(dur)), m->start, m->region,
	       (unsigned long long)m->seed);
	report_summary(r, stdout, cli_display_path(report_dir(r), shown, sizeof(shown)));
}

/* What a run prints after its commit, then its plots. */
static int finish(const struct merge_opts *o, const struct shards *s, const struct report *r)
{
	char shown[PATH_MAX_DISPLAY];
	struct diag d;
	int status = EXIT_OK, nplots = 0;

	if (!o->quiet && s->m[0].nconfigs == 1)
		print_summary(&s->m[0], r);
	else if (!o->quiet)
		printf("written to %s\n", cli_display_path(report_dir(r), shown, sizeof(shown)));
	if (o->no_plots)
		return EXIT_OK;
	fflush(stdout);
	diag_init(&d);
	size_t first = 0;
	for (size_t i = 0; i < s->n; i++)
		if (s->m[i].slice.index == 0)
			first = i;
	char *from = xasprintf("%s/scenario.json", s->dirs[first]);
	char *to = xasprintf("%s/scenario.json", report_dir(r));
	int err = fileio_copy(from, to);
	if (err)
		diag_note(&d, to, NULL, "could not write a copy of the scenario: %s",
			  diag_strerror(err));
	if (plot_render(report_dir(r), &d, &nplots) != 0)
		status = EXIT_RUNTIME;
	cli_print_diag(&d);
	diag_release(&d);
	free(from);
	free(to);
	return status;
}

/* Everything from the open report to the plots; the report is freed by the caller. */
static int merge_into(const struct merge_opts *o, const struct shards *s, struct report *r)
{
	struct fileio_atomic a[STREAM_COUNT];
	struct diag d;
	int rc = 0;

	memset(a, 0, sizeof(a));
	diag_init(&d);
	for (int i = 0; !rc && i < STREAM_COUNT; i++)
		rc = join_stream(s, report_dir(r), i, &a[i], &d);
	if (!rc && interrupted)
		rc = SPOTSIM_EINTR;
	if (!rc) {
		write_report(o, s, r);
		rc = commit(r, a, &d);
	}
	for (int i = 0; i < STREAM_COUNT; i++) {
		stream_temp_used[i] = 0;
		fileio_atomic_release(&a[i]);
	}
	if (rc)
		report_abort(r);
	print_diag(&d);
	diag_release(&d);
	if (rc == SPOTSIM_EINTR)
		fprintf(stderr, "spotsim %s: interrupted; no output written\n", CMD);
	else if (rc)
		fprintf(stderr, "spotsim %s: no output written\n", CMD);
	if (rc)
		return rc == SPOTSIM_EINVAL ? EXIT_USAGE : EXIT_RUNTIME;
	return finish(o, s, r);
}

static int merge(const struct merge_opts *o)
{
	struct shards s = {0};
	struct sigaction sa, old_int, old_term;
	struct report *r;
	struct diag d;
	int status = read_shards(o, &s);
	char *dir = status == EXIT_OK ? output_dir(o, &s) : NULL;

	if (!dir) {
		shards_release(&s);
		return EXIT_USAGE;
	}
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	sa.sa_flags = SA_RESTART;
	sigemptyset(&sa.sa_mask);
	interrupted = 0;
	sigaction(SIGINT, &sa, &old_int);
	sigaction(SIGTERM, &sa, &old_term);
	diag_init(&d);
	if (report_open(&r, dir, s.m[0].start_unix, &d)) {
		print_diag(&d);
		status = EXIT_RUNTIME;
	} else {
		status = merge_into(o, &s, r);
		report_free(r);
	}
	sigaction(SIGINT, &old_int, NULL);
	sigaction(SIGTERM, &old_term, NULL);
	diag_release(&d);
	free(dir);
	shards_release(&s);
	return status;
}

int cmd_merge(int argc, char **argv)
{
	static const struct option opts[] = {
	    {"output", required_argument, NULL, 'o'},
	    {"no-plots", no_argument, NULL, 'n'},
	    {"quiet", no_argument, NULL, 'q'},
	    {"help", no_argument, NULL, 'h'},
	    {NULL, 0, NULL, 0},
	};
	struct merge_opts o = {0};
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
	o.dirs = argv + optind;
	o.ndirs = (size_t)(argc - optind);
	return merge(&o);
}
