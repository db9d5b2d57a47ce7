/*
 * spot_trace — reading Spot trace files for the spot module (see spot_trace.h).
 *
 * Two formats, told apart by the first character that is not white space
 * (a UTF-8 byte order mark counts as white space): '{' or '[' is JSON, and
 * JSON must be a SkyPilot spot trace,
 *
 *     {"metadata": {"gap_seconds": G}, "data": [v0, v1, ...]}
 *
 * where v_i is the number of instances alive (preemption traces) or
 * obtainable (availability traces) at tick i, time i * G from the first
 * tick; other keys ("prices", ...) are ignored. Anything else is CSV, read
 * through csvio: one time per row for preemptions, start,end per row for
 * unavailable windows, times in seconds or as duration text, and an
 * optional header row (a first row that does not start like a number).
 *
 * Every problem goes to the diag with the file and the line (CSV) or the
 * JSON path; the diag lists at most DIAG_MAX_PER_FILE per file, then one
 * line counts the rest, so a huge broken file gives a readable report.
 */
#include "spotsim/util/csvio.h"
#include "spotsim/util/error.h"
#include "spotsim/scenario/spot_trace.h"
#include "spotsim/util/fileio.h"

#include "jsonio.h"
#include "spotsim/util/xalloc.h"

#include <cjson/cJSON.h>
#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_DROP       1e9 /* tasks one tick can take: far above any service */

#define TIME_ACCEPTED  "seconds from the start or a duration such as \"26h\" or \"2d 02:00\""
#define TICKS_ACCEPTED "an array of non-negative numbers, one per tick"
#define GAP_ACCEPTED   "the seconds between two ticks, a number above 0"
#define FORMAT_ACCEPTED                                                                            \
	"a CSV file, or a SkyPilot trace {\"metadata\": {\"gap_seconds\": G}, \"data\": [...]}"

static const char bom[] = "\xEF\xBB\xBF";

enum trace_kind {
	PREEMPTIONS,
	UNAVAILABLE
};

/* What both formats build: the reclaims or the windows read so far. */
struct trace_out {
	const char *path;
	struct diag *d;
	enum trace_kind kind;
	size_t problems;
	struct reclaim *reclaims;
	struct window *windows;
	size_t nr, alloc;
	char *text; /* the whole file while it is read */
	size_t len;
};

static void problem(struct trace_out *o, const char *where, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static void problem(struct trace_out *o, const char *where, const char *fmt, ...)
{
	char msg[512];
	va_list ap;
	o->problems++;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	diag_error(o->d, o->path, where, "%s", msg);
}

static void add_reclaim(struct trace_out *o, sim_time at, long count)
{
	XALLOC_GROW(o->reclaims, o->nr + 1, o->alloc);
	o->reclaims[o->nr++] = (struct reclaim){.at = at, .count = count, .fraction = -1, .az = -1};
}

/* Adds [start, end); a window that starts where the last one ends extends it. */
static void add_window(struct trace_out *o, sim_time start, sim_time end)
{
	if (o->nr && o->windows[o->nr - 1].end == start) {
		o->windows[o->nr - 1].end = end;
		return;
	}
	XALLOC_GROW(o->windows, o->nr + 1, o->alloc);
	o->windows[o->nr++] = (struct window){start, end};
}

/* ---- format detection ---- */

/* The first byte that is not white space or a byte order mark; EOF after a problem if none. */
static int first_char(const struct trace_out *o, int *rc)
{
	const char *p = o->text;
	if (!strncmp(p, bom, 3))
		p += 3;
	while (isspace((unsigned char)*p))
		p++;
	if (*p)
		return (unsigned char)*p;
	diag_error(o->d, o->path, NULL, "the file is empty (accepted: " FORMAT_ACCEPTED ")");
	*rc = SPOTSIM_EINVAL;
	return EOF;
}

/* ---- SkyPilot JSON ---- */

static const char *json_type(const cJSON *v)
{
	if (cJSON_IsString(v))
		return "a string";
	if (cJSON_IsBool(v))
		return "a boolean";
	if (cJSON_IsNull(v))
		return "null";
	if (cJSON_IsArray(v))
		return "an array";
	if (cJSON_IsObject(v))
		return "an object";
	return "a number";
}

/* Checks metadata.gap_seconds; the tick length in microseconds, or 0 after a problem. */
static long double tick_length(struct trace_out *o, const cJSON *root, size_t nticks)
{
	const cJSON *meta = cJSON_GetObjectItemCaseSensitive(root, "metadata");
	const cJSON *gap = cJSON_GetObjectItemCaseSensitive(meta, "gap_seconds");
	const char *where = "metadata.gap_seconds";
	if (!gap) {
		problem(o, where, "is missing (accepted: " GAP_ACCEPTED ")");
		return 0;
	}
	if (!cJSON_IsNumber(gap)) {
		problem(o, where, "is %s (accepted: " GAP_ACCEPTED ")", json_type(gap));
		return 0;
	}
	double g = gap->valuedouble;
	if (!isfinite(g) || g <= 0) {
		problem(o, where, "%g is not above 0 (accepted: " GAP_ACCEPTED ")", g);
		return 0;
	}
	long double tick = (long double)g * SIM_SEC;
	if (tick * ((long double)nticks + 1) >= (long double)SIM_TIME_MAX / 2) {
		problem(o, where,
			"%g s times %zu ticks is too long (accepted: a trace shorter than "
			"100,000 years)",
			g, nticks);
		return 0;
	}
	return tick;
}

/* Checks "data"; the array when it is one of non-negative numbers, else NULL. */
static const cJSON *tick_values(struct trace_out *o, const cJSON *root)
{
	const cJSON *data = cJSON_GetObjectItemCaseSensitive(root, "data");
	const cJSON *v;
	size_t i = 0, bad = 0;
	if (!data) {
		problem(o, "data", "is missing (accepted: " TICKS_ACCEPTED ")");
		return NULL;
	}
	if (!cJSON_IsArray(data)) {
		problem(o, "data", "is %s (accepted: " TICKS_ACCEPTED ")", json_type(data));
		return NULL;
	}
	if (!data->child) {
		problem(o, "data", "is empty (accepted: " TICKS_ACCEPTED ", at least one)");
		return NULL;
	}
	cJSON_ArrayForEach(v, data)
	{
		char where[48];
		snprintf(where, sizeof(where), "data[%zu]", i++);
		if (!cJSON_IsNumber(v))
			problem(o, where, "is %s (accepted: " TICKS_ACCEPTED ")", json_type(v));
		else if (v->valuedouble < 0)
			problem(o, where, "%g is negative (accepted: " TICKS_ACCEPTED ")",
				v->valuedouble);
		else if (!isfinite(v->valuedouble))
			problem(o, where, "is not a finite number (accepted: " TICKS_ACCEPTED ")");
		else
			continue;
		bad++;
	}
	return bad ? NULL : data;
}

static sim_time tick_time(long double tick, size_t i)
{
	return (sim_time)llroundl(tick * (long double)i);
}

/* A drop from a to b < a takes a - b instances: for one node, a 1 -> 0 step is one preemption. */
static void preemptions_from_ticks(struct trace_out *o, const cJSON *data, long double tick)
{
	const cJSON *v = data->child;
	double prev = v->valuedouble;
	size_t i = 1;
	for (v = v->next; v; v = v->next, i++) {
		double cur = v->valuedouble;
		if (cur < prev) {
			double drop = prev - cur;
			long count = drop >= MAX_DROP ? (long)MAX_DROP : (long)llround(drop);
			add_reclaim(o, tick_time(tick, i), count > 0 ? count : 1);
		}
		prev = cur;
	}
}

/* Tick i with value 0 is unavailable for [i G, (i + 1) G); add_window merges runs. */
static void windows_from_ticks(struct trace_out *o, const cJSON *data, long double tick)
{
	size_t i = 0;
	for (const cJSON *v = data->child; v; v = v->next, i++)
		if (v->valuedouble == 0)
			add_window(o, tick_time(tick, i), tick_time(tick, i + 1));
}

static int read_skypilot(struct trace_out *o)
{
	int rc = 0;
	cJSON *root = jsonio_parse_text(o->path, o->text, o->len, o->d, &rc);
	if (!root)
		return rc;
	if (!cJSON_IsObject(root)) {
		problem(o, NULL, "the file holds %s (accepted: " FORMAT_ACCEPTED ")",
			json_type(root));
		cJSON_Delete(root);
		return SPOTSIM_EINVAL;
	}
	const cJSON *ticks = cJSON_GetObjectItemCaseSensitive(root, "data");
	size_t nticks = cJSON_IsArray(ticks) ? (size_t)cJSON_GetArraySize(ticks) : 0;
	long double tick = tick_length(o, root, nticks);
	const cJSON *data = tick_values(o, root);
	if (data && tick > 0) {
		if (o->kind == PREEMPTIONS)
			preemptions_from_ticks(o, data, tick);
		else
			windows_from_ticks(o, data, tick);
	}
	cJSON_Delete(root);
	return o->problems ? SPOTSIM_EINVAL : 0;
}

/* ---- CSV ---- */

struct csv_state {
	struct trace_out *o;
	bool seen_first;
	size_t data_rows; /* rows after the header, good or bad */
};

/* A first row whose first field does not even start like a number is a header. */
static bool is_header(const char *field)
{
	sim_time t;
	char *end;
	if (simtime_parse(field, &t) != SPOTSIM_ESYNTAX)
		return false;
	(void)strtod(field, &end);
	return end == field;
}

/* Parses one time field; false after reporting a problem. */
static bool csv_time(struct trace_out *o, const char *where, const char *what, const char *field,
		     sim_time *out)
{
	int rc = simtime_parse(field, out);
	if (rc == SPOTSIM_ESYNTAX)
		problem(o, where, "%s \"%s\" is not a time (accepted: " TIME_ACCEPTED ")", what,
			field);
	else if (rc)
		problem(o, where, "%s %s is negative or too large (accepted: " TIME_ACCEPTED ")",
			what, field);
	return rc == 0;
}

static void preemption_row(struct csv_state *st, const char *const *f, size_t n, const char *where)
{
	struct trace_out *o = st->o;
	sim_time at;
	if (n != 1) {
		problem(o, where, "%zu field%s, expected 1 (one interruption time per row)", n,
			n == 1 ? "" : "s");
		return;
	}
	if (!csv_time(o, where, "time", f[0], &at))
		return;
	if (o->nr && at < o->reclaims[o->nr - 1].at) {
		problem(o, where,
			"time %s is before the previous row's (accepted: rows sorted by time)",
			f[0]);
		return;
	}
	add_reclaim(o, at, 1);
}

static void window_row(struct csv_state *st, const char *const *f, size_t n, const char *where)
{
	struct trace_out *o = st->o;
	sim_time start, end;
	char buf[32];
	if (n != 2) {
		problem(o, where, "%zu field%s, expected 2 (start,end of a time without capacity)",
			n, n == 1 ? "" : "s");
		return;
	}
	bool ok = csv_time(o, where, "start", f[0], &start);
	if (!(csv_time(o, where, "end", f[1], &end) && ok))
		return;
	if (end <= start) {
		problem(o, where, "end %s is not after start %s (accepted: start < end)", f[1],
			f[0]);
		return;
	}
	if (o->nr && start < o->windows[o->nr - 1].start) {
		problem(o, where,
			"start %s is before the previous window's start (accepted: windows "
			"sorted by start)",
			f[0]);
		return;
	}
	if (o->nr && start < o->windows[o->nr - 1].end) {
		problem(o, where,
			"window %s,%s overlaps the previous one, which ends at %s (accepted: "
			"windows that do not overlap)",
			f[0], f[1], simtime_format(o->windows[o->nr - 1].end, buf, sizeof(buf)));
		return;
	}
	add_window(o, start, end);
}

static void data_row(struct csv_state *st, const char *const *fields, size_t n, size_t record)
{
	char where[48];
	st->data_rows++;
	snprintf(where, sizeof(where), "line %zu", record);
	if (st->o->kind == PREEMPTIONS)
		preemption_row(st, fields, n, where);
	else
		window_row(st, fields, n, where);
}

/* The first row, without a byte order mark; skipped when it is a header. */
static void first_row(struct csv_state *st, const char *const *fields, size_t n, size_t record)
{
	const char **copy = xmalloc(n * sizeof(*copy));
	memcpy(copy, fields, n * sizeof(*copy));
	if (!strncmp(copy[0], bom, 3))
		copy[0] += 3;
	if (!is_header(copy[0]))
		data_row(st, copy, n, record);
	free(copy);
}

static int csv_row(const char *const *fields, size_t n, size_t record, void *data)
{
	struct csv_state *st = data;
	if (!n)
		return 0;
	if (st->seen_first)
		data_row(st, fields, n, record);
	else
		first_row(st, fields, n, record);
	st->seen_first = true;
	/* enough to fix first: stop reading */
	return 0;
}

static int read_csv(struct trace_out *o)
{
	struct csv_state st = {.o = o};
	int rc = csvio_parse(o->path, o->text, o->len, csv_row, &st, o->d);
	if (rc < 0)
		return rc;
	if (!o->problems && !st.data_rows)
		problem(o, NULL, "the file has no data rows (accepted: %s)",
			o->kind == PREEMPTIONS ? "one interruption time per row, " TIME_ACCEPTED
					       : "start,end rows, each " TIME_ACCEPTED);
	return o->problems ? SPOTSIM_EINVAL : 0;
}

/* ---- entry points ---- */

static int read_trace(struct trace_out *o)
{
	int rc = fileio_read_input(o->path, FILEIO_INPUT_MAX, &o->text, &o->len, o->d);
	int c = rc ? EOF : first_char(o, &rc);
	if (!rc)
		rc = c == '{' || c == '[' ? read_skypilot(o) : read_csv(o);
	free(o->text);
	o->text = NULL;
	return rc;
}

int spot_read_preemptions(const char *path, struct reclaim **out, size_t *n, struct diag *d)
{
	struct trace_out o = {.path = path, .d = d, .kind = PREEMPTIONS};
	int rc = read_trace(&o);
	if (rc) {
		free(o.reclaims);
		o.reclaims = NULL;
		o.nr = 0;
	}
	*out = o.reclaims;
	*n = o.nr;
	return rc;
}

int spot_read_unavailable(const char *path, struct window **out, size_t *n, struct diag *d)
{
	struct trace_out o = {.path = path, .d = d, .kind = UNAVAILABLE};
	int rc = read_trace(&o);
	if (rc) {
		free(o.windows);
		o.windows = NULL;
		o.nr = 0;
	}
	*out = o.windows;
	*n = o.nr;
	return rc;
}
