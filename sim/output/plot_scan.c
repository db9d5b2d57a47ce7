/*
 * plot_scan — step 1 of plot (see plot_internal.h): timeseries.csv and
 * replications.csv are streamed once each, and events.csv once, into
 * `struct facts`: every variant's time series in bounded buckets
 * (plot_series.c), its Spot shortages, the times of its interruptions and
 * scaling activities, and its replication-0 cost by provider.
 * scenario.json, peeked (its data files need not resolve from the output
 * folder), gives `struct info`.
 */
#include "plot_internal.h"

#include "spotsim/util/csvio.h"
#include "spotsim/util/error.h"
#include "spotsim/scenario/scenario.h"
#include "spotsim/util/xalloc.h"

#include <limits.h>
#include <stdio.h>
#include <time.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* Adds an error when a required column is missing; returns false then. */
static bool require_cols(const char *file, const char *const *have, size_t n,
			 const char *const *want, size_t nwant, int *col, struct diag *d)
{
	bool ok = true;

	for (size_t w = 0; w < nwant; w++) {
		col[w] = -1;
		for (size_t i = 0; i < n; i++)
			if (!strcmp(have[i], want[w]))
				col[w] = (int)i;
		if (col[w] < 0) {
			diag_error(d, file, NULL,
				   "no column \"%s\" in the header (accepted: the header spotsim "
				   "run writes)",
				   want[w]);
			ok = false;
		}
	}
	return ok;
}

/* ---- step 1: what the CSV files say ---- */

enum {
	TS_VARIANT,
	TS_T,
	TS_DESIRED,
	TS_RUN_F,
	TS_RUN_S,
	TS_CPU,
	TS_P95,
	TS_BACKLOG,
	TS_COST,
	TS_SPOT,
	TS_NCOLS
};

static const char *const ts_names[TS_NCOLS] = {
    "variant", "t_s",	 "desired", "running_fargate", "running_spot",
    "cpu_pct", "p95_ms", "backlog", "cost_usd_cum",    "spot_available"};

struct ts_scan {
	struct facts *fx;
	int col[TS_NCOLS];
	int col_time; /* -1 when absent */
};

/* Unix seconds of "YYYY-MM-DDTHH:MM:SSZ", or NAN. */
static double iso_seconds(const char *s)
{
	struct tm tm;
	char z = 0;

	memset(&tm, 0, sizeof(tm));
	if (sscanf(s, "%4d-%2d-%2dT%2d:%2d:%2d%c", &tm.tm_year, &tm.tm_mon, &tm.tm_mday,
		   &tm.tm_hour, &tm.tm_min, &tm.tm_sec, &z) != 7 ||
	    z != 'Z')
		return NAN;
	tm.tm_year -= 1900;
	tm.tm_mon -= 1;
	return (double)timegm(&tm);
}

static int ts_head(struct ts_scan *ts, const char *const *f, size_t n)
{
	struct facts *fx = ts->fx;

	ts->col_time = -1;
	for (size_t i = 0; i < n; i++)
		if (!strcmp(f[i], "time"))
			ts->col_time = (int)i;
	fx->t_min = INFINITY;
	fx->t_max = -INFINITY;
	fx->start = NAN;
	return require_cols(fx->file, f, n, ts_names, TS_NCOLS, ts->col, fx->d) ? 0
										: SPOTSIM_EINVAL;
}

static double num_or(const char *s, double dflt)
{
	double v;
	return plot_parse_num(s, &v) ? v : dflt;
}

static int ts_row(const char *const *f, size_t n, size_t record, void *data)
{
	struct ts_scan *ts = data;
	struct facts *fx = ts->fx;
	const char *field[TS_NCOLS];
	double v, t;

	if (record == 1)
		return ts_head(ts, f, n);
	for (int i = 0; i < TS_NCOLS; i++)
		field[i] = (size_t)ts->col[i] < n ? f[ts->col[i]] : "";
	if (!plot_parse_num(field[TS_T], &t))
		return 0;
	if (!isfinite(fx->start) && ts->col_time >= 0 && (size_t)ts->col_time < n)
		fx->start = iso_seconds(f[ts->col_time]) - t;
	struct series *s = facts_variant(fx, field[TS_VARIANT]);
	double run_f = num_or(field[TS_RUN_F], 0), run_s = num_or(field[TS_RUN_S], 0);
	double desired = num_or(field[TS_DESIRED], NAN);
	series_add(s, t, run_f, run_s, desired, num_or(field[TS_CPU], NAN),
		   num_or(field[TS_P95], NAN), num_or(field[TS_BACKLOG], NAN),
		   num_or(field[TS_COST], NAN), plot_parse_num(field[TS_SPOT], &v) && v == 0);
	fx->any_cpu |= plot_parse_num(field[TS_CPU], &v);
	fx->any_p95 |= plot_parse_num(field[TS_P95], &v);
	fx->any_backlog |= plot_parse_num(field[TS_BACKLOG], &v) && v != 0;
	fx->ymax = fmax(fx->ymax, run_f + run_s);
	if (isfinite(desired))
		fx->ymax = fmax(fx->ymax, desired);
	fx->t_min = fmin(fx->t_min, t);
	fx->t_max = fmax(fx->t_max, t);
	return 0;
}

enum {
	EV_VARIANT,
	EV_T,
	EV_EVENT,
	EV_NCOLS
};
static const char *const ev_names[EV_NCOLS] = {"variant", "t_s", "event"};

struct ev_scan {
	struct facts *fx;
	const char *file;
	int col[EV_NCOLS];
};

static void add_time(double **a, size_t *n, size_t *alloc, double t)
{
	XALLOC_GROW(*a, *n + 1, *alloc);
	(*a)[(*n)++] = t;
}

/* Keeps the times of each variant's interruptions and scaling activities. */
static int ev_row(const char *const *f, size_t n, size_t record, void *data)
{
	struct ev_scan *es = data;
	struct facts *fx = es->fx;
	struct series *s;
	double t;

	if (record == 1)
		return require_cols(es->file, f, n, ev_names, EV_NCOLS, es->col, fx->d)
			   ? 0
			   : SPOTSIM_EINVAL;
	if ((size_t)es->col[EV_EVENT] >= n || (size_t)es->col[EV_VARIANT] >= n ||
	    (size_t)es->col[EV_T] >= n || !plot_parse_num(f[es->col[EV_T]], &t) ||
	    !(s = facts_find(fx, f[es->col[EV_VARIANT]])))
		return 0;
	if (!strcmp(f[es->col[EV_EVENT]], "SPOT_INTERRUPTION"))
		add_time(&s->intr, &s->nintr, &s->aintr, t);
	else if (!strcmp(f[es->col[EV_EVENT]], "SCALING_ACTIVITY"))
		add_time(&s->scale, &s->nscale, &s->ascale, t);
	return 0;
}

enum {
	REP_VARIANT,
	REP_INDEX,
	REP_NCOLS
};
static const char *const rep_names[REP_NCOLS] = {"variant", "replication"};

struct rep_scan {
	struct facts *fx;
	int col[REP_NCOLS];
	int col_f, col_s; /* cost_fargate_usd, cost_spot_usd; -1 when absent */
};

static int rep_row(const char *const *f, size_t n, size_t record, void *data)
{
	struct rep_scan *rs = data;
	struct facts *fx = rs->fx;

	if (record == 1) {
		rs->col_f = rs->col_s = -1;
		for (size_t i = 0; i < n; i++) {
			if (!strcmp(f[i], "cost_fargate_usd"))
				rs->col_f = (int)i;
			else if (!strcmp(f[i], "cost_spot_usd"))
				rs->col_s = (int)i;
		}
		return require_cols(fx->file, f, n, rep_names, REP_NCOLS, rs->col, fx->d)
			   ? 0
			   : SPOTSIM_EINVAL;
	}
	struct series *s;
	if (rs->col_f < 0 || rs->col_s < 0 || (size_t)rs->col_f >= n || (size_t)rs->col_s >= n ||
	    (size_t)rs->col[REP_INDEX] >= n || (size_t)rs->col[REP_VARIANT] >= n ||
	    strcmp(f[rs->col[REP_INDEX]], "0") || !(s = facts_find(fx, f[rs->col[REP_VARIANT]])) ||
	    s->has_split)
		return 0;
	/* the first replication 0 of a variant is the one at the first sweep point */
	s->has_split =
	    plot_parse_num(f[rs->col_f], &s->cost_f) && plot_parse_num(f[rs->col_s], &s->cost_s);
	return 0;
}

int facts_scan(struct facts *fx, const char *dir, struct diag *d)
{
	char *ts = plot_path(dir, "timeseries.csv"), *ev = plot_path(dir, "events.csv");
	char *rep = plot_path(dir, "replications.csv");
	struct ts_scan tss = {fx, {0}, -1};
	struct ev_scan es = {fx, ev, {0}};
	struct rep_scan rs = {fx, {0}, -1, -1};
	int rc;

	fx->d = d;
	fx->file = ts;
	rc = csvio_read(ts, ts_row, &tss, d);
	if (rc >= 0) {
		int rc2 = csvio_read(ev, ev_row, &es, d);
		rc = rc2 < 0 ? rc2 : rc;
	}
	fx->file = rep;
	if (rc >= 0)
		rc = csvio_read(rep, rep_row, &rs, d);
	fx->file = NULL;
	free(ts);
	free(ev);
	free(rep);
	return rc < 0 ? rc : 0;
}

void facts_release(struct facts *fx)
{
	for (size_t i = 0; i < fx->nv; i++)
		series_release(&fx->v[i]);
	free(fx->v);
}

/* ---- scenario.json ---- */

/* Adds `v` to a space-separated list of numbers unless it is there. */
static void add_number(struct strbuf *list, double v)
{
	const char *p = list->buf;
	char *end;

	while (*p) {
		double have = strtod(p, &end);
		if (end == p)
			break;
		if (have == v)
			return;
		p = end + (*end == ' ');
	}
	strbuf_addf(list, "%s%g", list->len ? " " : "", v);
}

static void info_targets(struct info *in, const struct scenario_facts *f)
{
	for (size_t i = 0; i < f->npolicies; i++) {
		const struct scaling_policy *p = &f->policies[i];
		if (p->type == POLICY_TARGET_TRACKING && p->metric == METRIC_CPU &&
		    isfinite(p->target))
			add_number(&in->targets, p->target);
		else if (p->type == POLICY_STEP && p->has_alarm && p->alarm.metric == METRIC_CPU &&
			 isfinite(p->alarm.threshold))
			add_number(&in->thresholds, p->alarm.threshold);
	}
}

/* "5 d", "36 h", "90 min", "45 s" of a duration; "" for 0. */
static void info_run_length(struct info *in, sim_time t)
{
	double s = (double)t / (double)SIM_SEC;

	in->run_length[0] = '\0';
	if (t <= 0)
		return;
	if (t % SIM_DAY == 0)
		snprintf(in->run_length, sizeof(in->run_length), "%g d", s / 86400);
	else if (t % SIM_HOUR == 0)
		snprintf(in->run_length, sizeof(in->run_length), "%g h", s / 3600);
	else if (t % SIM_MIN == 0)
		snprintf(in->run_length, sizeof(in->run_length), "%g min", s / 60);
	else
		snprintf(in->run_length, sizeof(in->run_length), "%g s", s);
}

const char *info_label(const struct info *in, const struct metric_display *m, char *buf,
		       size_t size)
{
	if (!*in->run_length || !strstr(m->label, "over the run"))
		return m->label;
	snprintf(buf, size, "%s (%s)", m->label, in->run_length);
	return buf;
}

static void info_facts(struct info *in, const struct scenario_facts *f)
{
	if (f->name) {
		free(in->name);
		in->name = xstrdup(f->name);
	}
	free(in->description);
	in->description = xstrdup(f->description);
	if (f->slo.has_budget)
		in->budget_usd = f->slo.monthly_budget_usd;
	if (f->slo.has_p99_latency)
		in->slo_p99_ms = (double)f->slo.p99_latency / 1000.0;
	if (f->slo.has_max_dropped)
		in->max_dropped = f->slo.max_dropped_fraction;
	if (f->slo.has_p95_latency)
		in->slo_ms = (double)f->slo.p95_latency / 1000.0;
	in->max_breach = f->slo.max_breach_probability;
	info_targets(in, f);
	in->scaling_unread = f->unread ? xstrdup(f->unread) : NULL;
	info_run_length(in, f->duration);
}

/*
 * The copy is peeked, not loaded: its relative data files (traces,
 * distributions) resolve from the scenario's own folder, not from the
 * output folder, and the report needs none of them.
 */
void info_load(struct info *in, const char *src, const char *dir, struct diag *d)
{
	char *path = plot_path(src, "scenario.json"), full[PATH_MAX];
	const char *name = realpath(dir, full) ? full : dir, *base = strrchr(name, '/');
	struct scenario_facts f;
	struct diag why;

	in->name = xstrdup(base && base[1] ? base + 1 : name);
	in->description = xstrdup("");
	in->slo_ms = 0;
	in->budget_usd = 0;
	in->slo_p99_ms = 0;
	in->max_dropped = -1;
	in->max_breach = SCENARIO_DEFAULT_MAX_BREACH;
	in->scaling_unread = NULL;
	in->run_length[0] = '\0';
	in->scenario = INFO_NO_SCENARIO;
	diag_init(&why);
	if (access(path, F_OK) == 0) {
		in->scenario = INFO_UNREADABLE;
		if (scenario_peek(path, &f, &why) == 0) {
			in->scenario = INFO_SCENARIO;
			info_facts(in, &f);
		} else {
			diag_note(d, path, NULL,
				  "cannot be read (%s): the report shows the folder's name and "
				  "no SLO, budget or CPU target",
				  why.nr ? why.items[0].msg : "unknown reason");
		}
		scenario_facts_release(&f);
	}
	diag_release(&why);
	free(path);
}

/* Why the figures draw no line from scenario.json, or NULL when it was read. */
const char *info_missing(const struct info *in)
{
	switch (in->scenario) {
	case INFO_NO_SCENARIO:
		return "no scenario.json in the folder";
	case INFO_UNREADABLE:
		return "the folder's scenario.json cannot be read";
	default:
		return NULL;
	}
}

void info_release(struct info *in)
{
	free(in->name);
	free(in->description);
	strbuf_release(&in->targets);
	strbuf_release(&in->thresholds);
	free(in->scaling_unread);
}
