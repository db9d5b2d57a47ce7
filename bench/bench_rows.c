/*
 * bench_rows — the cost of what replication 0 writes: timeseries.csv and
 * events.csv rows through the report's sink, and the scaling decisions'
 * explanations in a step-policy replication.
 *
 *   rows      the minute rows and event rows of a 30-day replication of a
 *             busy Spot service (bench_run's scenario) are recorded once,
 *             then replayed into a report's temporaries: rows per second.
 *   step      a 30-day replication of scenarios/step-scaling.json (two step
 *             policies whose alarms act most minutes) with no sink, and with
 *             the report's sink (events.csv written, explanations wanted).
 *   scaler    the same two policies alone, fed 30 days of a daily CPU wave
 *             one minute at a time, with explanations on and off
 *             (scaler_set_explain): what the words cost.
 *
 * Times are CPU time (CLOCK_PROCESS_CPUTIME_ID), the median of REPEATS.
 * Not a test: it prints a few lines. `make bench` runs it.
 */
#include "benchutil.h"
#include "spotsim/experiment/replication.h"
#include "spotsim/engine/rng.h"
#include "spotsim/model/scaling.h"
#include "spotsim/output/report.h"
#include "spotsim/util/xalloc.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define REPEATS 7

static const char busy_scenario[] =
    "{\"name\": \"bench\", \"duration\": \"30d\", \"seed\": 1," BENCH_BUSY_SERVICE;

/* The rows of one replication, strings copied. */
struct recorded {
	struct minute_row *minutes;
	size_t nminutes, minutes_cap;
	struct event_row *events;
	size_t nevents, events_cap;
};

static void record_minute(void *ctx, const struct minute_row *row)
{
	struct recorded *rec = ctx;
	if (rec->nminutes == rec->minutes_cap) {
		rec->minutes_cap = rec->minutes_cap ? 2 * rec->minutes_cap : 1024;
		rec->minutes = xrealloc(rec->minutes, rec->minutes_cap * sizeof(*rec->minutes));
	}
	rec->minutes[rec->nminutes++] = *row;
}

static void record_event(void *ctx, const struct event_row *row)
{
	struct recorded *rec = ctx;
	struct event_row *e;
	if (rec->nevents == rec->events_cap) {
		rec->events_cap = rec->events_cap ? 2 * rec->events_cap : 1024;
		rec->events = xrealloc(rec->events, rec->events_cap * sizeof(*rec->events));
	}
	e = &rec->events[rec->nevents++];
	*e = *row;
	e->event = xstrdup(row->event ? row->event : "");
	e->provider = xstrdup(row->provider ? row->provider : "");
	e->detail = xstrdup(row->detail ? row->detail : "");
}

static void recorded_release(struct recorded *rec)
{
	for (size_t i = 0; i < rec->nevents; i++) {
		free((char *)rec->events[i].event);
		free((char *)rec->events[i].provider);
		free((char *)rec->events[i].detail);
	}
	free(rec->events);
	free(rec->minutes);
}

static void fail(struct diag *d, const char *what)
{
	fprintf(stderr, "bench_rows: %s\n", what);
	if (d)
		diag_write(d, stderr);
	exit(1);
}

/* Loads `text` (a scenario) through a temporary file. */
static void load_text(struct scenario *sc, const char *text, struct diag *d)
{
	char path[] = "/tmp/spotsim-bench-XXXXXX.json";
	int fd = mkstemps(path, 5);
	FILE *f = fd >= 0 ? fdopen(fd, "w") : NULL;
	if (!f)
		fail(NULL, "cannot write a temporary scenario");
	fputs(text, f);
	fclose(f);
	int rc = scenario_load(sc, path, d);
	remove(path);
	if (rc)
		fail(d, "the bench scenario does not load");
}

/* CPU seconds to write the recorded minute rows (or event rows) into a fresh report. */
static double replay(const struct recorded *rec, bool events, int64_t start_unix)
{
	char dir[] = "/tmp/spotsim-bench-rows.XXXXXX";
	struct report *r;
	struct run_sink sink;
	struct diag d;
	double t0;

	diag_init(&d);
	if (!mkdtemp(dir) || report_open(&r, dir, start_unix, &d))
		fail(&d, "cannot open a report");
	report_sink(r, &sink);
	t0 = bench_cpu_seconds();
	if (events)
		for (size_t i = 0; i < rec->nevents; i++)
			sink.event(sink.ctx, &rec->events[i]);
	else
		for (size_t i = 0; i < rec->nminutes; i++)
			sink.minute(sink.ctx, &rec->minutes[i]);
	t0 = bench_cpu_seconds() - t0;
	report_free(r); /* not committed: removes the temporaries */
	rmdir(dir);
	diag_release(&d);
	return t0;
}

static void bench_writer(const struct price_table *prices)
{
	struct scenario sc;
	struct recorded rec;
	struct run_metrics m;
	struct diag d;
	double ts[REPEATS], ev[REPEATS];

	memset(&rec, 0, sizeof(rec));
	diag_init(&d);
	load_text(&sc, busy_scenario, &d);
	struct run_sink sink = {&rec, record_minute, record_event};
	if (replication_run(&sc, prices, 0, &sink, &m, &d))
		fail(&d, "the busy replication fails");
	for (int k = 0; k < REPEATS; k++) {
		ts[k] = replay(&rec, false, sc.start_unix);
		ev[k] = replay(&rec, true, sc.start_unix);
	}
	double t = bench_median(ts, REPEATS), e = bench_median(ev, REPEATS);
	printf("rows: timeseries.csv %zu rows in %.2f ms: %.2f M rows/s (%.0f ns/row); "
	       "events.csv %zu rows in %.2f ms: %.2f M rows/s (%.0f ns/row); CPU, median of %d\n",
	       rec.nminutes, t * 1e3, (double)rec.nminutes / t / 1e6,
	       t / (double)rec.nminutes * 1e9, rec.nevents, e * 1e3, (double)rec.nevents / e / 1e6,
	       e / (double)rec.nevents * 1e9, REPEATS);
	recorded_release(&rec);
	scenario_release(&sc);
	diag_release(&d);
}

/* CPU seconds of replication `index` of `sc`, its rows written to a report when `report`. */
static double step_run(const struct scenario *sc, const struct price_table *prices, bool report,
		       struct run_metrics *m)
{
	char dir[] = "/tmp/spotsim-bench-rows.XXXXXX";
	struct report *r = NULL;
	struct run_sink sink;
	struct diag d;
	double t0;

	diag_init(&d);
	if (report) {
		if (!mkdtemp(dir) || report_open(&r, dir, sc->start_unix, &d))
			fail(&d, "cannot open a report");
		report_sink(r, &sink);
	}
	t0 = bench_cpu_seconds();
	if (replication_run(sc, prices, 0, report ? &sink : NULL, m, &d))
		fail(&d, "the step replication fails");
	t0 = bench_cpu_seconds() - t0;
	if (report) {
		report_free(r);
		rmdir(dir);
	}
	diag_release(&d);
	return t0;
}

static void bench_step(const struct price_table *prices)
{
	struct scenario sc;
	struct run_metrics m;
	struct diag d;
	double bare[REPEATS], written[REPEATS];

	diag_init(&d);
	if (scenario_load(&sc, "scenarios/step-scaling.json", &d))
		fail(&d, "scenarios/step-scaling.json does not load");
	sc.duration = 30 * SIM_DAY;
	for (int k = 0; k < REPEATS; k++) {
		bare[k] = step_run(&sc, prices, false, &m);
		written[k] = step_run(&sc, prices, true, &m);
	}
	printf("step: 30-day replication of scenarios/step-scaling.json (%.0f scaling activities): "
	       "%.1f ms with no sink, %.1f ms writing timeseries.csv and events.csv "
	       "(explanations wanted); CPU, median of %d\n",
	       m.scaling_activities, bench_median(bare, REPEATS) * 1e3,
	       bench_median(written, REPEATS) * 1e3, REPEATS);
	scenario_release(&sc);
	diag_release(&d);
}

static void count_event(void *ctx, const struct scaling_event *ev)
{
	(*(long *)ctx) += ev->detail[0] != '\0';
}

/* CPU seconds of 30 days of scaler minutes; *details counts events that carried text. */
static double scaler_days(const struct scaling_config *c, bool explain, long *details)
{
	struct scaler *s = scaler_new(c, count_event, details);
	struct datapoint dp[METRIC_COUNT];
	long running = 10, desired = 10;
	double t0 = bench_cpu_seconds();

	memset(dp, 0, sizeof(dp));
	scaler_set_explain(s, explain);
	for (sim_time t = SIM_MIN; t <= 30 * SIM_DAY; t += SIM_MIN) {
		/* a daily wave of 20 to 100 task-loads, as % CPU of the running tasks */
		double load = 60 + 40 * sin(2 * M_PI * (double)t / (double)SIM_DAY);
		double cpu = fmin(100, 50 * load / (double)running);
		dp[METRIC_CPU] = (struct datapoint){true, cpu, cpu, cpu, 3 * cpu, 3};
		long next = scaler_minute(s, t, dp, running, desired);
		if (next >= 0)
			running = desired = next;
	}
	t0 = bench_cpu_seconds() - t0;
	scaler_free(s);
	return t0;
}

static void bench_scaler(void)
{
	struct scenario sc;
	struct diag d;
	double on[REPEATS], off[REPEATS];
	long with_text = 0, without_text = 0;

	diag_init(&d);
	if (scenario_load(&sc, "scenarios/step-scaling.json", &d))
		fail(&d, "scenarios/step-scaling.json does not load");
	for (int k = 0; k < REPEATS; k++) {
		with_text = without_text = 0;
		on[k] = scaler_days(&sc.scaling, true, &with_text);
		off[k] = scaler_days(&sc.scaling, false, &without_text);
	}
	printf("scaler: 30 days of minutes, the two step policies of scenarios/step-scaling.json: "
	       "%.2f ms with explanations (%ld events with text), %.2f ms without (%ld); CPU, "
	       "median of %d\n",
	       bench_median(on, REPEATS) * 1e3, with_text, bench_median(off, REPEATS) * 1e3,
	       without_text, REPEATS);
	scenario_release(&sc);
	diag_release(&d);
}

int main(void)
{
	struct price_table prices;
	struct diag d;

	rng_global_init();
	diag_init(&d);
	pricing_init(&prices);
	if (pricing_load(&prices, "data/pricing.csv", &d))
		fail(&d, "data/pricing.csv does not load");
	bench_writer(&prices);
	bench_step(&prices);
	bench_scaler();
	pricing_release(&prices);
	diag_release(&d);
	return 0;
}
