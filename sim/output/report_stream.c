/*
 * report_stream — the rows a run produces as it goes: timeseries.csv and
 * events.csv through the replication's sink, replications.csv one row per
 * replication (see report.h for the columns and number formats).
 *
 * Rows go straight into the temporaries, so memory does not grow with
 * simulated time. A file whose temporary is closed (f NULL) takes no row.
 * Times are written from microseconds with integer arithmetic only, so the
 * seconds are exact and the same run gives the same bytes.
 */
#include "report_internal.h"

#include "spotsim/util/csvio.h"

#include <inttypes.h>
#include <math.h>
#include <time.h>

/* `v` with printf's %.*g (conv 'g') or %.*f (conv 'f'); NAN writes nothing. */
void report_put_num(FILE *f, char conv, int prec, double v)
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

void report_put_header(FILE *f, const char *const *cols)
{
	for (size_t i = 0; cols[i]; i++)
		fprintf(f, "%s%s", i ? "," : "", cols[i]);
	fputc('\n', f);
}

/* "variant,sweep,replication,seed," then every metric's name. */
static void replications_header(FILE *f)
{
	static const char *const rep[] = {"variant", "sweep", "replication", "seed", NULL};

	for (size_t i = 0; rep[i]; i++)
		fprintf(f, "%s,", rep[i]);
	for (const struct metric_def *m = run_metric_defs; m->name; m++)
		fprintf(f, "%s%s", m == run_metric_defs ? "" : ",", m->name);
	fputc('\n', f);
}

void report_stream_headers(struct report *r)
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

	report_put_header(r->files[FILE_TIMESERIES].f, ts);
	report_put_header(r->files[FILE_EVENTS].f, ev);
	replications_header(r->files[FILE_REPLICATIONS].f);
}

/* ",cpu_pct,mem_pct,...,spot_available" and the end of the row. */
static void put_minute_measures(FILE *f, const struct minute_row *row)
{
	report_put_num(f, 'g', 6, row->cpu_pct);
	fputc(',', f);
	report_put_num(f, 'g', 6, row->mem_pct);
	fputc(',', f);
	report_put_num(f, 'g', 10, row->dropped);
	fputc(',', f);
	report_put_num(f, 'g', 6, row->p95_ms);
	fputc(',', f);
	report_put_num(f, 'g', 10, row->backlog);
	fputc(',', f);
	report_put_num(f, 'f', 6, row->cost_usd_cum);
	fprintf(f, ",%d\n", row->spot_available ? 1 : 0);
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
	report_put_num(f, 'g', 6, row->load_rps);
	fprintf(f, ",%ld,%ld,%ld,%ld,%ld,%ld,", row->desired, row->running[PROVIDER_FARGATE],
		row->running[PROVIDER_FARGATE_SPOT], row->pending[PROVIDER_FARGATE],
		row->pending[PROVIDER_FARGATE_SPOT], row->draining);
	put_minute_measures(f, row);
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

void report_replication(struct report *r, const char *sweep, uint64_t index, uint64_t seed,
			const struct run_metrics *m)
{
	FILE *f = r->files[FILE_REPLICATIONS].f;

	report_summary_add(r, m);
	if (!f)
		return;
	csvio_write_field(f, r->variant);
	fputc(',', f);
	csvio_write_field(f, sweep ? sweep : "");
	fprintf(f, ",%" PRIu64 ",%" PRIu64 ",", index, seed);
	for (const struct metric_def *def = run_metric_defs; def->name; def++) {
		if (def != run_metric_defs)
			fputc(',', f);
		report_put_num(f, 'g', 10, run_metric_value(m, def));
	}
	fputc('\n', f);
}
