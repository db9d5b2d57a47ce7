/*
 * plot_scan — step 1 of plot (see plot_internal.h): timeseries.csv and
 * replications.csv are streamed once each, and events.csv once, into
 * `struct facts`; nothing of them but the drawn variant's per-minute task
 * counts and cost is held. scenario.json, when a copy loads, gives
 * `struct info`.
 */
#include "plot_internal.h"

#include "spotsim/util/csvio.h"
#include "spotsim/util/error.h"
#include "spotsim/scenario/scenario.h"
#include "spotsim/util/xalloc.h"

#include <limits.h>
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
};

/* Starts over with `variant`: "base" seen after another first variant. */
static void facts_switch(struct facts *fx, const char *variant)
{
	free(fx->variant);
	fx->variant = xstrdup(variant);
	fx->nr = 0;
	fx->any_cpu = fx->any_p95 = fx->any_backlog = false;
	fx->ymax = 0;
	fx->noff = 0;
}

static int ts_row(const char *const *f, size_t n, size_t record, void *data)
{
	struct ts_scan *ts = data;
	struct facts *fx = ts->fx;
	double v;

	if (record == 1)
		return require_cols(fx->file, f, n, ts_names, TS_NCOLS, ts->col, fx->d)
			   ? 0
			   : SPOTSIM_EINVAL;
	const char *field[TS_NCOLS];
	for (int i = 0; i < TS_NCOLS; i++)
		field[i] = (size_t)ts->col[i] < n ? f[ts->col[i]] : "";
	if (!fx->variant || (strcmp(fx->variant, "base") && !strcmp(field[TS_VARIANT], "base")))
		facts_switch(fx, field[TS_VARIANT]);
	if (strcmp(fx->variant, field[TS_VARIANT]))
		return 0;
	XALLOC_GROW(fx->m, fx->nr + 1, fx->alloc);
	struct minute *m = &fx->m[fx->nr++];
	m->t = plot_num_or_nan(field[TS_T]);
	m->run_f = plot_parse_num(field[TS_RUN_F], &v) ? v : 0;
	m->run_s = plot_parse_num(field[TS_RUN_S], &v) ? v : 0;
	m->total = plot_num_or_nan(field[TS_COST]);
	fx->any_cpu |= plot_parse_num(field[TS_CPU], &v);
	fx->any_p95 |= plot_parse_num(field[TS_P95], &v);
	fx->any_backlog |= plot_parse_num(field[TS_BACKLOG], &v) && v != 0;
	fx->noff += plot_parse_num(field[TS_SPOT], &v) && v == 0;
	fx->ymax = fmax(fx->ymax, m->run_f + m->run_s);
	if (plot_parse_num(field[TS_DESIRED], &v))
		fx->ymax = fmax(fx->ymax, v);
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

/* Counts the drawn variant's interruptions and scaling activities. */
static int ev_row(const char *const *f, size_t n, size_t record, void *data)
{
	struct ev_scan *es = data;
	struct facts *fx = es->fx;

	if (record == 1)
		return require_cols(es->file, f, n, ev_names, EV_NCOLS, es->col, fx->d)
			   ? 0
			   : SPOTSIM_EINVAL;
	if ((size_t)es->col[EV_EVENT] >= n || (size_t)es->col[EV_VARIANT] >= n || !fx->variant ||
	    strcmp(f[es->col[EV_VARIANT]], fx->variant))
		return 0;
	fx->nint += !strcmp(f[es->col[EV_EVENT]], "SPOT_INTERRUPTION");
	fx->nscale += !strcmp(f[es->col[EV_EVENT]], "SCALING_ACTIVITY");
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
	if (fx->has_split || rs->col_f < 0 || rs->col_s < 0 || (size_t)rs->col_f >= n ||
	    (size_t)rs->col_s >= n || (size_t)rs->col[REP_INDEX] >= n)
		return 0;
	if (!fx->variant || strcmp(f[rs->col[REP_VARIANT]], fx->variant) ||
	    strcmp(f[rs->col[REP_INDEX]], "0"))
		return 0;
	fx->has_split =
	    plot_parse_num(f[rs->col_f], &fx->cost_f) && plot_parse_num(f[rs->col_s], &fx->cost_s);
	return 0;
}

int facts_scan(struct facts *fx, const char *dir, struct diag *d)
{
	char *ts = plot_path(dir, "timeseries.csv"), *ev = plot_path(dir, "events.csv");
	char *rep = plot_path(dir, "replications.csv");
	struct ts_scan tss = {fx, {0}};
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
	free(fx->variant);
	free(fx->m);
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

static void info_targets(struct info *in, const struct scaling_config *sc)
{
	for (size_t i = 0; i < sc->npolicies; i++) {
		const struct scaling_policy *p = &sc->policies[i];
		if (p->type == POLICY_TARGET_TRACKING && p->metric == METRIC_CPU &&
		    isfinite(p->target))
			add_number(&in->targets, p->target);
		else if (p->type == POLICY_STEP && p->has_alarm && p->alarm.metric == METRIC_CPU &&
			 isfinite(p->alarm.threshold))
			add_number(&in->thresholds, p->alarm.threshold);
	}
}

void info_load(struct info *in, const char *src, const char *dir)
{
	char *path = plot_path(src, "scenario.json"), full[PATH_MAX];
	const char *name = realpath(dir, full) ? full : dir, *base = strrchr(name, '/');
	struct scenario sc;
	struct diag quiet;

	in->name = xstrdup(base && base[1] ? base + 1 : name);
	in->description = xstrdup("");
	in->slo_ms = 0;
	in->max_breach = scenario_peek_max_breach(path);
	diag_init(&quiet);
	if (access(path, F_OK) == 0) {
		/* a copy that does not load (relative trace paths that no longer
		 * resolve, say) is ignored: the captions say no line is known */
		if (scenario_load(&sc, path, &quiet) == 0) {
			free(in->name);
			free(in->description);
			in->name = xstrdup(sc.name);
			in->description = xstrdup(sc.description);
			if (sc.slo.has_p95_latency)
				in->slo_ms = (double)sc.slo.p95_latency / 1000.0;
			info_targets(in, &sc.scaling);
		}
		scenario_release(&sc);
	}
	diag_release(&quiet);
	free(path);
}

void info_release(struct info *in)
{
	free(in->name);
	free(in->description);
	strbuf_release(&in->targets);
	strbuf_release(&in->thresholds);
}
