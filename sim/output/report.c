/*
 * report — the CSV outputs of a run and its summary (see report.h).
 *
 * Representation: a report owns one `struct out_file` per CSV file, each
 * with its final path, an open FILE on the temporary and the slot of the
 * temporary's path in the static table `temps`. Invariants:
 *  - while a report is open (neither committed nor aborted) every file's
 *    temporary exists and its slot is in use;
 *  - a slot is marked in use only after its path is fully written, and
 *    marked free before the path is reused, so a signal handler walking the
 *    table (report_remove_temps) never sees a half-written path;
 *  - no final name is created before report_commit, and a failed commit
 *    removes what it had renamed.
 * The summary accumulates, per metric, the sum, minimum, maximum and count
 * of the replications where the metric applies (not NAN), in four struct
 * run_metrics addressed through run_metric_defs' offsets.
 *
 * summary.csv and comparison.csv are not streamed: they need every
 * replication of a configuration, so report_experiment writes them at the
 * end from the experiment's matrix, through stats. report_ranking reads
 * the same matrix and formats every cell before printing, so that column
 * widths fit the widest cell (measured in characters, not bytes: "±").
 */
#include "spotsim/output/report.h"

#include "spotsim/util/csvio.h"
#include "spotsim/util/error.h"
#include "spotsim/experiment/stats.h"
#include "spotsim/util/xalloc.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <math.h>
#include <signal.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

enum {
	FILE_TIMESERIES,
	FILE_EVENTS,
	FILE_REPLICATIONS,
	FILE_SUMMARY,
	FILE_COMPARISON,
	FILE_COUNT
};

static const char *const file_names[FILE_COUNT] = {
    "timeseries.csv", "events.csv", "replications.csv", "summary.csv", "comparison.csv"};

struct out_file {
	char *final; /* owned: DIR/NAME */
	FILE *f;     /* the temporary, NULL once closed */
	int slot;    /* index in temps, -1 when none */
};

struct report {
	char *dir;     /* owned, as given */
	char *variant; /* owned */
	int64_t start_unix;
	struct out_file files[FILE_COUNT];
	bool committed;
	size_t runs; /* replications added */
	struct run_metrics sum, min, max, cnt;
};

/* Paths of open temporaries; read by report_remove_temps from signal handlers. */
static char temp_paths[REPORT_MAX_TEMPS][REPORT_PATH_MAX];
static volatile sig_atomic_t temp_used[REPORT_MAX_TEMPS];

static int temp_claim(const char *path)
{
	for (int i = 0; i < REPORT_MAX_TEMPS; i++) {
		if (temp_used[i])
			continue;
		memcpy(temp_paths[i], path, strlen(path) + 1);
		temp_used[i] = 1;
		return i;
	}
	return -1;
}

void report_remove_temps(void)
{
	for (int i = 0; i < REPORT_MAX_TEMPS; i++)
		if (temp_used[i])
			unlink(temp_paths[i]);
}

/* mkdir -p: creates `dir` and its missing parents; returns 0 or an errno. */
static int make_folder(const char *dir)
{
	char *p = xstrdup(dir);
	int err = 0;
	struct stat st;

	for (char *s = p + 1; !err && *s; s++) {
		if (*s != '/' || s[-1] == '/')
			continue;
		*s = '\0';
		if (mkdir(p, 0777) && errno != EEXIST)
			err = errno;
		*s = '/';
	}
	if (!err && mkdir(p, 0777) && errno != EEXIST)
		err = errno;
	if (!err && stat(p, &st))
		err = errno;
	else if (!err && !S_ISDIR(st.st_mode))
		err = ENOTDIR;
	free(p);
	return err;
}

/*
 * Opens the temporary for file `name` in `dir`; returns 0, an errno, or -1
 * when the table of temporaries is full. The slot is claimed first so that a
 * signal arriving while the file is created still finds it.
 */
static int open_temp(struct out_file *of, const char *dir, const char *name)
{
	char tmp[REPORT_PATH_MAX];
	int fd;

	snprintf(tmp, sizeof(tmp), "%s/.%s.tmp.%ld", dir, name, (long)getpid());
	of->slot = temp_claim(tmp);
	if (of->slot < 0)
		return -1;
	fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0666);
	if (fd < 0 && errno == EEXIST && !unlink(tmp)) /* left by a killed run with our pid */
		fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0666);
	if (fd < 0)
		return errno;
	of->f = fdopen(fd, "w");
	if (!of->f) {
		int err = errno;
		close(fd);
		return err;
	}
	return 0;
}

static void close_temp(struct out_file *of, bool remove)
{
	if (of->f)
		fclose(of->f);
	of->f = NULL;
	if (of->slot >= 0) {
		if (remove)
			unlink(temp_paths[of->slot]);
		temp_used[of->slot] = 0;
	}
	of->slot = -1;
}

/* `v` with printf's %.*g (conv 'g') or %.*f (conv 'f'); NAN writes nothing. */
static void put_num(FILE *f, char conv, int prec, double v)
{
	if (isnan(v))
		return;
	if (v == 0)
		v = 0; /* no "-0" */
	fprintf(f, conv == 'g' ? "%.*g" : "%.*f", prec, v);
}

/* Seconds from microseconds, exactly: "90" or "90.000250" (always 6 decimals if `fixed`). */
static void put_seconds(FILE *f, sim_time t, bool fixed)
{
	const char *sign = t < 0 ? "-" : "";
	uint64_t u = t < 0 ? (uint64_t)0 - (uint64_t)t : (uint64_t)t;
	uint64_t s = u / (uint64_t)SIM_SEC, us = u % (uint64_t)SIM_SEC;

	if (fixed || us)
		fprintf(f, "%s%" PRIu64 ".%06" PRIu64, sign, s, us);
	else
		fprintf(f, "%s%" PRIu64, sign, s);
}

static void put_iso_time(FILE *f, int64_t start_unix, sim_time t)
{
	int64_t sec = t / SIM_SEC - (t % SIM_SEC < 0);
	time_t when = (time_t)(start_unix + sec);
	struct tm tm;
	char buf[64];

	if (gmtime_r(&when, &tm) && strftime(buf, sizeof(buf), "%Y-%m-%dT%H:%M:%SZ", &tm))
		fputs(buf, f);
}

static void put_header(FILE *f, const char *const *cols)
{
	for (size_t i = 0; cols[i]; i++)
		fprintf(f, "%s%s", i ? "," : "", cols[i]);
	fputc('\n', f);
}

static void write_headers(struct report *r)
{
	static const char *const ts[] = {"variant",	   "t_s",
					 "time",	   "load_rps",
					 "desired",	   "running_fargate",
					 "running_spot",   "pending_fargate",
					 "pending_spot",   "draining",
					 "cpu_pct",	   "mem_pct",
					 "dropped",	   "p95_ms",
					 "backlog",	   "cost_usd_cum",
					 "spot_available", NULL};
	static const char *const ev[] = {"variant",  "t_s",    "event", "task_id",
					 "provider", "detail", NULL};
	static const char *const rep[] = {"variant", "sweep", "replication", "seed", NULL};
	static const char *const sum[] = {"variant", "sweep",	 "metric",    "unit", "mean",
					  "sd",	     "ci95_low", "ci95_high", "min",  "p05",
					  "p50",     "p95",	 "max",	      "n",    NULL};
	static const char *const cmp[] = {"variant",  "sweep",	   "metric", "unit", "mean_diff",
					  "ci95_low", "ci95_high", "n",	     NULL};
	FILE *f = r->files[FILE_REPLICATIONS].f;

	put_header(r->files[FILE_TIMESERIES].f, ts);
	put_header(r->files[FILE_EVENTS].f, ev);
	put_header(r->files[FILE_SUMMARY].f, sum);
	put_header(r->files[FILE_COMPARISON].f, cmp);
	for (size_t i = 0; rep[i]; i++)
		fprintf(f, "%s,", rep[i]);
	for (const struct metric_def *m = run_metric_defs; m->name; m++)
		fprintf(f, "%s%s", m == run_metric_defs ? "" : ",", m->name);
	fputc('\n', f);
}

static void reset_summary(struct report *r)
{
	memset(&r->sum, 0, sizeof(r->sum));
	memset(&r->cnt, 0, sizeof(r->cnt));
	memset(&r->min, 0, sizeof(r->min));
	memset(&r->max, 0, sizeof(r->max));
	r->runs = 0;
}

static struct report *report_new(const char *dir, int64_t start_unix)
{
	struct report *r = xcalloc(1, sizeof(*r));
	size_t n = strlen(dir);

	while (n > 1 && dir[n - 1] == '/')
		n--;
	r->dir = xstrndup(dir, n);
	r->variant = xstrdup("base");
	r->start_unix = start_unix;
	for (int i = 0; i < FILE_COUNT; i++) {
		r->files[i].final = xasprintf("%s/%s", r->dir, file_names[i]);
		r->files[i].slot = -1;
	}
	reset_summary(r);
	return r;
}

static void report_destroy(struct report *r)
{
	for (int i = 0; i < FILE_COUNT; i++)
		free(r->files[i].final);
	free(r->dir);
	free(r->variant);
	free(r);
}

static int open_files(struct report *r, const char *dir, struct diag *d)
{
	int err = make_folder(r->dir);
	if (err) {
		diag_error(d, dir, NULL, "cannot create folder: %s", diag_strerror(err));
		return SPOTSIM_EIO;
	}
	for (int i = 0; i < FILE_COUNT; i++) {
		err = open_temp(&r->files[i], r->dir, file_names[i]);
		if (err < 0) {
			diag_error(d, dir, NULL,
				   "too many reports open at once (accepted: %d files)",
				   REPORT_MAX_TEMPS);
			return SPOTSIM_ERANGE;
		}
		if (err) {
			diag_error(d, dir, NULL, "cannot write in folder: %s", diag_strerror(err));
			return SPOTSIM_EIO;
		}
	}
	return 0;
}

int report_open(struct report **out, const char *dir, int64_t start_unix, struct diag *d)
{
	struct report *r;
	int rc;

	*out = NULL;
	/* room for "/.replications.csv.tmp." and a pid */
	if (!*dir || strlen(dir) + 48 >= REPORT_PATH_MAX) {
		diag_error(d, dir, NULL, "%s (accepted: a folder path of 1 to %d bytes)",
			   *dir ? "folder path too long" : "empty folder path",
			   REPORT_PATH_MAX - 48);
		return SPOTSIM_ERANGE;
	}
	r = report_new(dir, start_unix);
	rc = open_files(r, dir, d);
	if (rc) {
		report_abort(r);
		report_destroy(r);
		return rc;
	}
	write_headers(r);
	*out = r;
	return 0;
}

void report_set_variant(struct report *r, const char *variant)
{
	free(r->variant);
	r->variant = xstrdup(variant);
}

const char *report_dir(const struct report *r)
{
	return r->dir;
}

static void write_minute(void *ctx, const struct minute_row *row)
{
	struct report *r = ctx;
	FILE *f = r->files[FILE_TIMESERIES].f;

	if (!f)
		return;
	csvio_write_field(f, r->variant);
	fputc(',', f);
	put_seconds(f, row->t, false);
	fputc(',', f);
	put_iso_time(f, r->start_unix, row->t);
	fputc(',', f);
	put_num(f, 'g', 6, row->load_rps);
	fprintf(f, ",%ld,%ld,%ld,%ld,%ld,%ld,", row->desired, row->running[PROVIDER_FARGATE],
		row->running[PROVIDER_FARGATE_SPOT], row->pending[PROVIDER_FARGATE],
		row->pending[PROVIDER_FARGATE_SPOT], row->draining);
	put_num(f, 'g', 6, row->cpu_pct);
	fputc(',', f);
	put_num(f, 'g', 6, row->mem_pct);
	fputc(',', f);
	put_num(f, 'g', 10, row->dropped);
	fputc(',', f);
	put_num(f, 'g', 6, row->p95_ms);
	fputc(',', f);
	put_num(f, 'g', 10, row->backlog);
	fputc(',', f);
	put_num(f, 'f', 6, row->cost_usd_cum);
	fprintf(f, ",%d\n", row->spot_available ? 1 : 0);
}

static void write_event(void *ctx, const struct event_row *row)
{
	struct report *r = ctx;
	FILE *f = r->files[FILE_EVENTS].f;

	if (!f)
		return;
	csvio_write_field(f, r->variant);
	fputc(',', f);
	put_seconds(f, row->t, true);
	fputc(',', f);
	csvio_write_field(f, row->event ? row->event : "");
	fputc(',', f);
	if (row->task_id)
		fprintf(f, "%" PRId64, row->task_id);
	fputc(',', f);
	csvio_write_field(f, row->provider ? row->provider : "");
	fputc(',', f);
	csvio_write_field(f, row->detail ? row->detail : "");
	fputc('\n', f);
}

void report_sink(struct report *r, struct run_sink *out)
{
	out->ctx = r;
	out->minute = write_minute;
	out->event = write_event;
}

static double *field(struct run_metrics *m, size_t offset)
{
	return (double *)(void *)((char *)m + offset);
}

static double get(const struct run_metrics *m, size_t offset)
{
	double v;
	memcpy(&v, (const char *)m + offset, sizeof(v));
	return v;
}

static void accumulate(struct report *r, const struct run_metrics *m)
{
	for (const struct metric_def *def = run_metric_defs; def->name; def++) {
		double v = run_metric_value(m, def);
		double *cnt = field(&r->cnt, def->offset);
		double *lo = field(&r->min, def->offset), *hi = field(&r->max, def->offset);

		if (isnan(v))
			continue;
		if (*cnt == 0 || v < *lo)
			*lo = v;
		if (*cnt == 0 || v > *hi)
			*hi = v;
		*field(&r->sum, def->offset) += v;
		*cnt += 1;
	}
	r->runs++;
}

void report_replication(struct report *r, const char *sweep, uint64_t index, uint64_t seed,
			const struct run_metrics *m)
{
	FILE *f = r->files[FILE_REPLICATIONS].f;

	accumulate(r, m);
	if (!f)
		return;
	csvio_write_field(f, r->variant);
	fputc(',', f);
	csvio_write_field(f, sweep ? sweep : "");
	fprintf(f, ",%" PRIu64 ",%" PRIu64 ",", index, seed);
	for (const struct metric_def *def = run_metric_defs; def->name; def++) {
		if (def != run_metric_defs)
			fputc(',', f);
		put_num(f, 'g', 10, run_metric_value(m, def));
	}
	fputc('\n', f);
}

/* Flushes, syncs and closes the temporary; returns 0 or an errno. */
static int finish_temp(struct out_file *of)
{
	int err = 0;

	if (fflush(of->f) || ferror(of->f))
		err = errno ? errno : EIO;
	else if (fsync(fileno(of->f)) && errno != EINVAL && errno != EROFS)
		err = errno;
	if (fclose(of->f) && !err)
		err = errno ? errno : EIO;
	of->f = NULL;
	return err;
}

static int rename_all(struct report *r, struct diag *d)
{
	int i;

	for (i = 0; i < FILE_COUNT; i++) {
		struct out_file *of = &r->files[i];
		if (rename(temp_paths[of->slot], of->final)) {
			diag_error(d, of->final, NULL, "cannot rename the finished file: %s",
				   diag_strerror(errno));
			break;
		}
		temp_used[of->slot] = 0;
		of->slot = -1;
	}
	if (i == FILE_COUNT)
		return 0;
	while (i-- > 0)
		unlink(r->files[i].final);
	return SPOTSIM_EIO;
}

int report_commit(struct report *r, struct diag *d)
{
	if (r->committed)
		return 0;
	for (int i = 0; i < FILE_COUNT; i++) {
		struct out_file *of = &r->files[i];
		int err;

		if (of->slot < 0) {
			diag_error(d, of->final, NULL, "cannot write: the report was aborted");
			report_abort(r);
			return SPOTSIM_EIO;
		}
		errno = 0;
		err = of->f ? finish_temp(of) : 0;
		if (err) {
			diag_error(d, of->final, NULL, "cannot write: %s", diag_strerror(err));
			report_abort(r);
			return SPOTSIM_EIO;
		}
	}
	if (rename_all(r, d)) {
		report_abort(r);
		return SPOTSIM_EIO;
	}
	r->committed = true;
	return 0;
}

void report_abort(struct report *r)
{
	if (!r)
		return;
	for (int i = 0; i < FILE_COUNT; i++)
		close_temp(&r->files[i], true);
}

void report_free(struct report *r)
{
	if (!r)
		return;
	if (!r->committed)
		report_abort(r);
	report_destroy(r);
}

/* One line of the summary: a metric, scaled and shown in a unit. */
struct summary_line {
	const char *label;
	size_t offset;
	double scale;
	char conv; /* printf conversion, 'f' or 'g' */
	int prec;
	const char *unit;
	bool optional; /* left out when it does not apply (requests vs queue metrics) */
};

#define METRIC(name) offsetof(struct run_metrics, name)

static const struct summary_line summary_lines[] = {
    {"cost FARGATE", METRIC(cost_fargate_usd), 1, 'f', 2, "USD", false},
    {"cost FARGATE_SPOT", METRIC(cost_spot_usd), 1, 'f', 2, "USD", false},
    {"cost total", METRIC(cost_usd), 1, 'f', 2, "USD", false},
    {"savings vs on-demand", METRIC(savings_vs_on_demand_pct), 1, 'f', 1, "%", false},
    {"interruptions", METRIC(interruptions), 1, 'g', 6, "", false},
    {"tasks launched", METRIC(tasks_launched), 1, 'g', 6, "", false},
    {"placement failures", METRIC(placement_failures), 1, 'g', 6, "", false},
    {"availability", METRIC(availability), 100, 'f', 2, "%", false},
    {"p95 latency", METRIC(p95_latency_s), 1000, 'f', 1, "ms", true},
    {"dropped fraction", METRIC(dropped_fraction), 1, 'f', 6, "", true},
    {"jobs completed", METRIC(jobs_completed), 1, 'f', 0, "", true},
    {"mean job latency", METRIC(mean_job_latency_s), 1, 'f', 1, "s", true},
    {"p95 job latency", METRIC(p95_job_latency_s), 1, 'f', 1, "s", true},
    {"lost work", METRIC(lost_work_hours), 1, 'f', 2, "h", true},
    {"max backlog", METRIC(max_backlog), 1, 'f', 0, "messages", true},
    {"scaling activities", METRIC(scaling_activities), 1, 'g', 6, "", false},
    {"mean running tasks", METRIC(mean_running_tasks), 1, 'f', 2, "", false},
};

#define NSUMMARY (sizeof(summary_lines) / sizeof(summary_lines[0]))

/* `v` as line `l` shows it into buf, with a rounded-away "-0.00" shown unsigned. */
static const char *fmt_value(char *buf, size_t size, const struct summary_line *l, double v)
{
	v *= l->scale;
	if (v == 0)
		v = 0;
	snprintf(buf, size, l->conv == 'g' ? "%.*g" : "%.*f", l->prec, v);
	if (buf[0] == '-' && strspn(buf + 1, "0.") == strlen(buf + 1))
		memmove(buf, buf + 1, strlen(buf));
	return buf;
}

static void summary_line(const struct report *r, FILE *out, const struct summary_line *l)
{
	double n = get(&r->cnt, l->offset);
	char mean[64], lo[64], hi[64], shown[80];

	if (n == 0) {
		if (!l->optional)
			fprintf(out, "  %-22s %12s\n", l->label, "n/a");
		return;
	}
	fmt_value(mean, sizeof(mean), l, get(&r->sum, l->offset) / n);
	snprintf(shown, sizeof(shown), "%12s%s%s", mean, *l->unit ? " " : "", l->unit);
	if (r->runs < 2) {
		fprintf(out, "  %-22s %s\n", l->label, shown);
		return;
	}
	fmt_value(lo, sizeof(lo), l, get(&r->min, l->offset));
	fmt_value(hi, sizeof(hi), l, get(&r->max, l->offset));
	fprintf(out, "  %-22s %-16s  (min %s, max %s)\n", l->label, shown, lo, hi);
}

void report_summary(const struct report *r, FILE *out, const char *shown_dir)
{
	size_t n = strlen(shown_dir);

	if (r->runs > 1)
		fprintf(out, "mean of %zu replications (min, max):\n", r->runs);
	else
		fprintf(out, "%zu replication%s:\n", r->runs, r->runs == 1 ? "" : "s");
	for (size_t i = 0; i < NSUMMARY; i++)
		summary_line(r, out, &summary_lines[i]);
	fprintf(out, "written to %s%s:", shown_dir, n && shown_dir[n - 1] == '/' ? "" : "/");
	for (int i = 0; i < FILE_COUNT; i++)
		fprintf(out, "%s %s", i ? "," : "", file_names[i]);
	fputc('\n', out);
}

/* --- summary.csv and comparison.csv ------------------------------------------------- */

/* v[k] = the metric at `offset` of replication k of configuration `config`. */
static void gather(const struct experiment *x, size_t config, size_t offset, double *v)
{
	for (size_t k = 0; k < x->nreps; k++)
		v[k] = get(experiment_at(x, config, k), offset);
}

/* "variant,sweep,metric,unit" */
static void put_row_start(FILE *f, const struct experiment *x, size_t config,
			  const struct metric_def *def)
{
	csvio_write_field(f, x->variant[config]);
	fputc(',', f);
	csvio_write_field(f, x->sweep[config] ? x->sweep[config] : "");
	fputc(',', f);
	csvio_write_field(f, def->name);
	fputc(',', f);
	csvio_write_field(f, def->unit);
}

/* ",v" for each value, then ",n" and the end of the row. */
static void put_row_end(FILE *f, const double *v, size_t nv, long n)
{
	for (size_t i = 0; i < nv; i++) {
		fputc(',', f);
		put_num(f, 'g', 10, v[i]);
	}
	fprintf(f, ",%ld\n", n);
}

static void write_summary_rows(FILE *f, const struct experiment *x, size_t config, double *v)
{
	for (const struct metric_def *def = run_metric_defs; def->name; def++) {
		struct metric_summary s;
		double cols[9];

		gather(x, config, def->offset, v);
		stats_summarize(v, x->nreps, &s);
		cols[0] = s.mean;
		cols[1] = s.sd;
		cols[2] = s.ci95_low;
		cols[3] = s.ci95_high;
		cols[4] = s.min;
		cols[5] = s.p05;
		cols[6] = s.p50;
		cols[7] = s.p95;
		cols[8] = s.max;
		put_row_start(f, x, config, def);
		put_row_end(f, cols, 9, s.n);
	}
}

static void write_comparison_rows(FILE *f, const struct experiment *x, size_t config, double *v,
				  double *base)
{
	for (const struct metric_def *def = run_metric_defs; def->name; def++) {
		struct metric_summary s;
		double cols[3];

		gather(x, config, def->offset, v);
		gather(x, x->baseline[config], def->offset, base);
		stats_paired(v, base, x->nreps, &s);
		cols[0] = s.mean;
		cols[1] = s.ci95_low;
		cols[2] = s.ci95_high;
		put_row_start(f, x, config, def);
		put_row_end(f, cols, 3, s.n);
	}
}

void report_experiment(struct report *r, const struct experiment *x)
{
	FILE *sum = r->files[FILE_SUMMARY].f, *cmp = r->files[FILE_COMPARISON].f;
	double *v = xcalloc(x->nreps + 1, sizeof(*v));
	double *base = xcalloc(x->nreps + 1, sizeof(*base));

	for (size_t c = 0; sum && c < x->nconfigs; c++)
		write_summary_rows(sum, x, c, v);
	for (size_t c = 0; cmp && c < x->nconfigs; c++)
		if (x->baseline[c] != c)
			write_comparison_rows(cmp, x, c, v, base);
	free(base);
	free(v);
}

/* --- the ranking ----------------------------------------------------------------------- */

/* The figures of one configuration that the ranking shows (means over replications). */
struct ranked {
	size_t config;
	struct metric_summary cost;
	double savings, availability, over_budget;
	double latency; /* s: the p95 latency, or the mean job latency for a queue */
	bool queue;
};

enum {
	COL_RANK,
	COL_VARIANT,
	COL_SWEEP,
	COL_COST,
	COL_SAVINGS,
	COL_AVAILABILITY,
	COL_LATENCY,
	COL_OVER_BUDGET,
	NCOLS
};

#define CELL_MAX 64

/* One line of the table: each cell's text, borrowed from `buf` or the experiment. */
struct cells {
	const char *text[NCOLS];
	char buf[NCOLS][CELL_MAX];
};

/* The columns shown and their widths in characters. */
struct layout {
	bool shown[NCOLS];
	size_t width[NCOLS];
};

static double mean_over_reps(const struct experiment *x, size_t config, size_t offset, double *v)
{
	struct metric_summary s;

	gather(x, config, offset, v);
	stats_summarize(v, x->nreps, &s);
	return s.mean;
}

static void figures(const struct experiment *x, size_t config, double *v, struct ranked *out)
{
	out->config = config;
	gather(x, config, METRIC(cost_usd), v);
	stats_summarize(v, x->nreps, &out->cost);
	out->savings = mean_over_reps(x, config, METRIC(savings_vs_on_demand_pct), v);
	out->availability = mean_over_reps(x, config, METRIC(availability), v);
	out->over_budget = mean_over_reps(x, config, METRIC(over_budget), v);
	/* the queue metrics apply only to queue workers */
	out->queue = !isnan(mean_over_reps(x, config, METRIC(jobs_completed), v));
	out->latency = mean_over_reps(
	    x, config, out->queue ? METRIC(mean_job_latency_s) : METRIC(p95_latency_s), v);
}

/* Cheapest first; costs that do not apply last; ties in configuration order. */
static int by_cost(const void *a, const void *b)
{
	const struct ranked *p = a, *q = b;
	bool pn = isnan(p->cost.mean), qn = isnan(q->cost.mean);

	if (pn != qn)
		return pn ? 1 : -1;
	if (!pn && p->cost.mean != q->cost.mean)
		return p->cost.mean < q->cost.mean ? -1 : 1;
	return (p->config > q->config) - (p->config < q->config);
}

/*
 * `v` with %.*f (%+.*f when `plus`) and " unit" into buf; "n/a" for NAN. A
 * sign on a value that rounds to zero ("-0.00") is dropped.
 */
static const char *fmt_fixed(char *buf, size_t size, double v, int prec, bool plus,
			     const char *unit)
{
	char num[CELL_MAX];

	if (isnan(v)) {
		snprintf(buf, size, "n/a");
		return buf;
	}
	snprintf(num, sizeof(num), plus ? "%+.*f" : "%.*f", prec, v);
	if ((num[0] == '-' || num[0] == '+') && strspn(num + 1, "0.") == strlen(num + 1))
		memmove(num, num + 1, strlen(num));
	snprintf(buf, size, "%.40s%s%.16s", num, *unit ? " " : "", unit);
	return buf;
}

/* "12.34 ± 0.56" (the 95 % half-width), or the mean alone when there is no interval. */
static void fmt_cost(char *buf, size_t size, const struct metric_summary *cost)
{
	char mean[24], half[24];

	fmt_fixed(mean, sizeof(mean), cost->mean, 2, false, "");
	if (isnan(cost->ci95_high)) {
		snprintf(buf, size, "%s", mean);
		return;
	}
	fmt_fixed(half, sizeof(half), (cost->ci95_high - cost->ci95_low) / 2, 2, false, "");
	snprintf(buf, size, "%s \u00b1 %s", mean, half);
}

static void format_cells(const struct experiment *x, const struct ranked *f, size_t rank,
			 struct cells *c)
{
	snprintf(c->buf[COL_RANK], CELL_MAX, "%zu", rank);
	fmt_cost(c->buf[COL_COST], CELL_MAX, &f->cost);
	fmt_fixed(c->buf[COL_SAVINGS], CELL_MAX, f->savings, 1, false, "%");
	fmt_fixed(c->buf[COL_AVAILABILITY], CELL_MAX, f->availability * 100, 2, false, "%");
	if (f->queue)
		fmt_fixed(c->buf[COL_LATENCY], CELL_MAX, f->latency, 1, false, "s");
	else
		fmt_fixed(c->buf[COL_LATENCY], CELL_MAX, f->latency * 1000, 1, false, "ms");
	fmt_fixed(c->buf[COL_OVER_BUDGET], CELL_MAX, f->over_budget, 2, false, "");
	for (int i = 0; i < NCOLS; i++)
		c->text[i] = c->buf[i];
	c->text[COL_VARIANT] = x->variant[f->config];
	c->text[COL_SWEEP] = x->sweep[f->config] ? x->sweep[f->config] : "";
}

/* The header line; the latency column names what its rows show. */
static void header_cells(const struct ranked *rows, size_t n, struct cells *c)
{
	size_t queues = 0;

	for (size_t i = 0; i < n; i++)
		queues += rows[i].queue;
	c->text[COL_RANK] = "#";
	c->text[COL_VARIANT] = "variant";
	c->text[COL_SWEEP] = "sweep";
	c->text[COL_COST] = "cost USD";
	c->text[COL_SAVINGS] = "savings";
	c->text[COL_AVAILABILITY] = "availability";
	c->text[COL_LATENCY] = queues == 0   ? "p95 latency"
			       : queues == n ? "mean job latency"
					     : "latency";
	c->text[COL_OVER_BUDGET] = "P(over budget)";
}

/* Characters, not bytes: UTF-8 continuation bytes do not count. */
static size_t text_width(const char *s)
{
	size_t w = 0;

	for (; *s; s++)
		w += ((unsigned char)*s & 0xC0) != 0x80;
	return w;
}

static void widen(struct layout *l, const struct cells *c)
{
	for (int i = 0; i < NCOLS; i++) {
		size_t w = text_width(c->text[i]);
		if (w > l->width[i])
			l->width[i] = w;
	}
}

static void print_cells(FILE *out, const struct layout *l, const struct cells *c)
{
	for (int i = 0; i < NCOLS; i++) {
		bool left = i == COL_VARIANT || i == COL_SWEEP;
		int pad;

		if (!l->shown[i])
			continue;
		pad = (int)(l->width[i] - text_width(c->text[i]));
		fprintf(out, "  %*s%s%*s", left ? 0 : pad, "", c->text[i], left ? pad : 0, "");
	}
	fputc('\n', out);
}

static void layout_columns(const struct experiment *x, const struct ranked *rows, struct layout *l,
			   const struct cells *header)
{
	struct cells c;

	for (int i = 0; i < NCOLS; i++) {
		l->shown[i] = true;
		l->width[i] = 0;
	}
	l->shown[COL_SWEEP] = false;
	for (size_t i = 0; i < x->nconfigs; i++)
		if (x->sweep[i] && *x->sweep[i])
			l->shown[COL_SWEEP] = true;
	l->shown[COL_OVER_BUDGET] = !isnan(x->budget_usd);
	widen(l, header);
	for (size_t i = 0; i < x->nconfigs; i++) {
		format_cells(x, &rows[i], i + 1, &c);
		widen(l, &c);
	}
}

static void print_table(const struct experiment *x, const struct ranked *rows, FILE *out)
{
	struct layout l;
	struct cells header, c;

	header_cells(rows, x->nconfigs, &header);
	layout_columns(x, rows, &l, &header);
	fprintf(out, "%zu configuration%s ranked by mean cost over %zu replication%s%s:\n",
		x->nconfigs, x->nconfigs == 1 ? "" : "s", x->nreps, x->nreps == 1 ? "" : "s",
		x->nreps > 1 ? " (\u00b1 the half-width of the 95 % interval)" : "");
	print_cells(out, &l, &header);
	for (size_t i = 0; i < x->nconfigs; i++) {
		format_cells(x, &rows[i], i + 1, &c);
		print_cells(out, &l, &c);
	}
}

/* " [lo, hi]" with `prec` decimals, or "" when there is no interval. */
static const char *fmt_interval(char *buf, size_t size, const struct metric_summary *s,
				double scale, int prec)
{
	char lo[24], hi[24];

	if (isnan(s->ci95_low)) {
		buf[0] = '\0';
		return buf;
	}
	fmt_fixed(lo, sizeof(lo), s->ci95_low * scale, prec, true, "");
	fmt_fixed(hi, sizeof(hi), s->ci95_high * scale, prec, true, "");
	snprintf(buf, size, " [%s, %s]", lo, hi);
	return buf;
}

static size_t label_width(const struct experiment *x, size_t config)
{
	const char *sweep = x->sweep[config] ? x->sweep[config] : "";

	return text_width(x->variant[config]) + (*sweep ? 1 + text_width(sweep) : 0);
}

/* Paired difference of the metric at `offset`: configuration minus its baseline. */
static void paired(const struct experiment *x, size_t config, size_t offset, double *v,
		   double *base, struct metric_summary *out)
{
	gather(x, config, offset, v);
	gather(x, x->baseline[config], offset, base);
	stats_paired(v, base, x->nreps, out);
}

static void print_paired_line(const struct experiment *x, size_t config, size_t width, double *v,
			      double *base, FILE *out)
{
	const char *sweep = x->sweep[config] ? x->sweep[config] : "";
	struct metric_summary cost, avail;
	char d_cost[CELL_MAX], d_avail[CELL_MAX], i_cost[CELL_MAX], i_avail[CELL_MAX];

	paired(x, config, METRIC(cost_usd), v, base, &cost);
	paired(x, config, METRIC(availability), v, base, &avail);
	fprintf(out, "  %s%s%s%*s", x->variant[config], *sweep ? " " : "", sweep,
		(int)(width - label_width(x, config)), "");
	fprintf(out, "  cost %s%s, availability %s%s\n",
		fmt_fixed(d_cost, sizeof(d_cost), cost.mean, 2, true, "USD"),
		fmt_interval(i_cost, sizeof(i_cost), &cost, 1, 2),
		fmt_fixed(d_avail, sizeof(d_avail), avail.mean * 100, 2, true, "pp"),
		fmt_interval(i_avail, sizeof(i_avail), &avail, 100, 2));
}

static void print_paired(const struct experiment *x, FILE *out, double *v, double *base)
{
	size_t width = 0;
	bool any = false;

	for (size_t c = 0; c < x->nconfigs; c++) {
		if (x->baseline[c] == c)
			continue;
		any = true;
		if (label_width(x, c) > width)
			width = label_width(x, c);
	}
	if (!any)
		return;
	fputs("paired against base:\n", out);
	for (size_t c = 0; c < x->nconfigs; c++)
		if (x->baseline[c] != c)
			print_paired_line(x, c, width, v, base, out);
}

void report_ranking(const struct experiment *x, FILE *out)
{
	struct ranked *rows;
	double *v, *base;

	if (x->nconfigs == 0) {
		fputs("no configurations to rank\n", out);
		return;
	}
	rows = xcalloc(x->nconfigs, sizeof(*rows));
	v = xcalloc(x->nreps + 1, sizeof(*v));
	base = xcalloc(x->nreps + 1, sizeof(*base));
	for (size_t c = 0; c < x->nconfigs; c++)
		figures(x, c, v, &rows[c]);
	qsort(rows, x->nconfigs, sizeof(*rows), by_cost);
	print_table(x, rows, out);
	print_paired(x, out, v, base);
	free(base);
	free(v);
	free(rows);
}
