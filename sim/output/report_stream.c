/*
 * report_stream — the rows a run produces as it goes: timeseries.csv and
 * events.csv through the replication's sink, replications.csv one row per
 * replication (see report.h for the columns and number formats).
 *
 * Rows go straight into the temporaries, so memory does not grow with
 * simulated time. A file whose temporary is closed (f NULL) takes no row.
 * Times are written from microseconds with integer arithmetic only, so the
 * seconds are exact and the same run gives the same bytes.
 *
 * Replication 0 writes a minute row per simulated minute, so a row is
 * assembled in a struct line on the stack, one field per call, and goes
 * out with one fwrite. Numbers come from numfmt, which writes printf's
 * bytes without printf's cost; the time column is computed from the civil
 * calendar and matches strftime's "%Y-%m-%dT%H:%M:%SZ" for the years 1000
 * to 9999 (strftime itself writes any other). A field that needs CSV
 * quoting, or would not fit, flushes the line and goes through
 * csvio_write_field; the row's bytes are the same.
 */
#include "report_internal.h"

#include "spotsim/util/csvio.h"
#include "spotsim/util/numfmt.h"

#include <inttypes.h>
#include <math.h>
#include <time.h>

/* Two numbers with room to spare: a row flushes early only for long text. */
#define LINE_SIZE (4 * NUMFMT_SIZE)

/* A row being assembled: fields are separated by commas as they are added. */
struct line {
	FILE *f;
	size_t len;
	bool first; /* no field yet: no comma before the next one */
	char buf[LINE_SIZE];
};

static void line_start(struct line *ln, FILE *f)
{
	ln->f = f;
	ln->len = 0;
	ln->first = true;
}

static void line_flush(struct line *ln)
{
	if (ln->len)
		fwrite(ln->buf, 1, ln->len, ln->f);
	ln->len = 0;
}

/* Room for `need` more bytes (at most LINE_SIZE), and the comma before a field. */
static char *line_field(struct line *ln, size_t need)
{
	if (ln->len + need + 1 > LINE_SIZE)
		line_flush(ln);
	if (!ln->first)
		ln->buf[ln->len++] = ',';
	ln->first = false;
	return ln->buf + ln->len;
}

/* The row's end: the newline, and the row out with one fwrite. */
static void line_end(struct line *ln)
{
	if (ln->len + 1 > LINE_SIZE)
		line_flush(ln);
	ln->buf[ln->len++] = '\n';
	line_flush(ln);
}

/* Whether csvio_write_field writes `s` as it is (its rule, kept in step). */
static bool csv_plain(const char *s, size_t n)
{
	return !strpbrk(s, ",\"\r\n") && !(n && (s[0] == ' ' || s[n - 1] == ' '));
}

/* A text field, quoted where CSV needs it; NULL is an empty field. */
static void line_text(struct line *ln, const char *s)
{
	size_t n = s ? strlen(s) : 0;

	if (n && csv_plain(s, n) && n < LINE_SIZE / 2) {
		memcpy(line_field(ln, n), s, n);
		ln->len += n;
		return;
	}
	line_field(ln, 0);
	if (n) {
		line_flush(ln);
		csvio_write_field(ln->f, s);
	}
}

/* A number as report_put_num writes it. */
static void line_num(struct line *ln, char conv, int prec, double v)
{
	ln->len += report_format_num(line_field(ln, NUMFMT_SIZE), conv, prec, v);
}

static void line_long(struct line *ln, long v)
{
	ln->len += numfmt_i64(line_field(ln, NUMFMT_SIZE), v);
}

/* A task id; 0 (no task) is an empty field. */
static void line_id(struct line *ln, int64_t id)
{
	char *p = line_field(ln, NUMFMT_SIZE);
	if (id)
		ln->len += numfmt_i64(p, id);
}

/* Seconds from microseconds, exactly: "90" or "90.000250" (always 6 decimals if `fixed`). */
static void line_seconds(struct line *ln, sim_time t, bool fixed)
{
	char *p = line_field(ln, NUMFMT_SIZE), *start = p;
	uint64_t u = t < 0 ? (uint64_t)0 - (uint64_t)t : (uint64_t)t;
	uint64_t us = u % (uint64_t)SIM_SEC;

	if (t < 0)
		*p++ = '-';
	p += numfmt_u64(p, u / (uint64_t)SIM_SEC);
	if (fixed || us) {
		*p++ = '.';
		for (int i = 5; i >= 0; i--, us /= 10)
			p[i] = (char)('0' + us % 10);
		p += 6;
	}
	ln->len += (size_t)(p - start);
}

/* `n` as `width` digits with leading zeros. */
static char *put_digits(char *p, unsigned n, int width)
{
	for (int i = width - 1; i >= 0; i--, n /= 10)
		p[i] = (char)('0' + n % 10);
	return p + width;
}

/*
 * The proleptic Gregorian date of day `z` since 1970-01-01 (Howard
 * Hinnant's days_from_civil inverted: 400-year eras from 0000-03-01).
 */
static void civil_from_days(int64_t z, int64_t *y, unsigned *m, unsigned *d)
{
	z += 719468;
	int64_t era = (z >= 0 ? z : z - 146096) / 146097;
	unsigned doe = (unsigned)(z - era * 146097);
	unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	unsigned mp = (5 * doy + 2) / 153;

	*d = doy - (153 * mp + 2) / 5 + 1;
	*m = mp < 10 ? mp + 3 : mp - 9;
	*y = (int64_t)yoe + era * 400 + (*m <= 2);
}

/* strftime's "%Y-%m-%dT%H:%M:%SZ" of `when` for the years 1000 to 9999; false otherwise. */
static bool iso_fast(char *p, int64_t when)
{
	int64_t days = when / 86400 - (when % 86400 < 0), y;
	unsigned sod = (unsigned)(when - days * 86400), m, d;

	if (days < -354285 || days > 2932896) /* 1000-01-01 .. 9999-12-31 */
		return false;
	civil_from_days(days, &y, &m, &d);
	p = put_digits(p, (unsigned)y, 4);
	*p++ = '-';
	p = put_digits(p, m, 2);
	*p++ = '-';
	p = put_digits(p, d, 2);
	*p++ = 'T';
	p = put_digits(p, sod / 3600, 2);
	*p++ = ':';
	p = put_digits(p, sod / 60 % 60, 2);
	*p++ = ':';
	p = put_digits(p, sod % 60, 2);
	*p = 'Z';
	return true;
}

#define ISO_LEN 20 /* 2026-01-05T00:01:30Z */

static void line_iso_time(struct line *ln, int64_t start_unix, sim_time t)
{
	int64_t when = start_unix + (t / SIM_SEC - (t % SIM_SEC < 0));
	time_t tt = (time_t)when;
	char *p = line_field(ln, 64);
	struct tm tm;

	if (iso_fast(p, when))
		ln->len += ISO_LEN;
	else if (gmtime_r(&tt, &tm))
		ln->len += strftime(p, 64, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

size_t report_format_num(char *buf, char conv, int prec, double v)
{
	if (isnan(v)) {
		buf[0] = '\0';
		return 0;
	}
	if (v == 0)
		v = 0; /* no "-0" */
	return conv == 'g' ? numfmt_g(buf, v, prec) : numfmt_f(buf, v, prec);
}

void report_put_num(FILE *f, char conv, int prec, double v)
{
	char buf[NUMFMT_SIZE];
	size_t n = report_format_num(buf, conv, prec, v);
	if (n)
		fwrite(buf, 1, n, f);
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

/* One timeseries.csv row: a call per column, in the header's order. */
static void write_minute(void *ctx, const struct minute_row *row)
{
	struct report *r = ctx;
	struct line ln;

	if (!r->files[FILE_TIMESERIES].f)
		return;
	line_start(&ln, r->files[FILE_TIMESERIES].f);
	line_text(&ln, r->variant);
	line_seconds(&ln, row->t, false);
	line_iso_time(&ln, r->start_unix, row->t);
	line_num(&ln, 'g', 6, row->load_rps);
	line_long(&ln, row->desired);
	line_long(&ln, row->running[PROVIDER_FARGATE]);
	line_long(&ln, row->running[PROVIDER_FARGATE_SPOT]);
	line_long(&ln, row->pending[PROVIDER_FARGATE]);
	line_long(&ln, row->pending[PROVIDER_FARGATE_SPOT]);
	line_long(&ln, row->draining);
	line_num(&ln, 'g', 6, row->cpu_pct);
	line_num(&ln, 'g', 6, row->mem_pct);
	line_num(&ln, 'g', 10, row->dropped);
	line_num(&ln, 'g', 6, row->p95_ms);
	line_num(&ln, 'g', 10, row->backlog);
	line_num(&ln, 'f', 6, row->cost_usd_cum);
	line_long(&ln, row->spot_available ? 1 : 0);
	line_end(&ln);
}

static void write_event(void *ctx, const struct event_row *row)
{
	struct report *r = ctx;
	struct line ln;

	if (!r->files[FILE_EVENTS].f)
		return;
	line_start(&ln, r->files[FILE_EVENTS].f);
	line_text(&ln, r->variant);
	line_seconds(&ln, row->t, true);
	line_text(&ln, row->event);
	line_id(&ln, row->task_id);
	line_text(&ln, row->provider);
	line_text(&ln, row->detail);
	line_end(&ln);
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
	struct line ln;

	report_summary_add(r, m);
	if (!f)
		return;
	line_start(&ln, f);
	line_text(&ln, r->variant);
	line_text(&ln, sweep);
	ln.len += numfmt_u64(line_field(&ln, NUMFMT_SIZE), index);
	ln.len += numfmt_u64(line_field(&ln, NUMFMT_SIZE), seed);
	for (const struct metric_def *def = run_metric_defs; def->name; def++)
		line_num(&ln, 'g', 10, run_metric_value(m, def));
	line_end(&ln);
}
