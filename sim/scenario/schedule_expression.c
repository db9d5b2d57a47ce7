/*
 * schedule_expression — a scheduled action's Schedule into the instants it
 * runs at (see schedule_expression.h). at() is one wall-clock time; rate()
 * counts whole intervals from its anchor; cron() is AWS's six-field dialect,
 * held as one bit set per field and matched minute by minute over every
 * local date that touches the window.
 */
#include "schedule_expression.h"

#include "spotsim/util/xalloc.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define SCHEDULE_FORMS                                                                             \
	"at(yyyy-mm-ddThh:mm:ss), rate(N minute|minutes|hour|hours|day|days) or "                  \
	"cron(Minutes Hours Day-of-month Month Day-of-week Year)"

/* ---- at() and rate() ---- */

static void add_time(struct expansion *x, int64_t t)
{
	if (t < x->lo || t > x->hi)
		return;
	if (x->nocc >= MAX_OCCURRENCES) {
		x->overflow = true;
		return;
	}
	XALLOC_GROW(x->occ, x->nocc + 1, x->alloc);
	x->occ[x->nocc++] = (struct occurrence){t, x->order};
}

static bool expand_at(struct expansion *x, const char *text, const struct zone *z)
{
	int y, mo, d, h, mi, s, used = 0;
	int64_t check;
	if (sscanf(text, "at(%4d-%2d-%2dT%2d:%2d:%2d)%n", &y, &mo, &d, &h, &mi, &s, &used) != 6 ||
	    text[used] || used != 23 || !scaling_time_utc_seconds(y, mo, d, h, mi, s, &check))
		return false;
	struct tm wall = {0};
	wall.tm_year = y - 1900;
	wall.tm_mon = mo - 1;
	wall.tm_mday = d;
	wall.tm_hour = h;
	wall.tm_min = mi;
	wall.tm_sec = s;
	add_time(x, scaling_time_zone_seconds(z, &wall));
	return true;
}

/* "rate(5 minutes)": the value, and the unit's length in seconds. */
static bool parse_rate(const char *text, int64_t *interval)
{
	static const struct {
		const char *one, *many;
		int64_t seconds;
	} units[] = {{"minute", "minutes", 60}, {"hour", "hours", 3600}, {"day", "days", 86400}};
	char unit[16];
	long n;
	int used = 0;
	if (sscanf(text, "rate(%ld %15[a-z])%n", &n, unit, &used) != 2 || text[used] || n < 1 ||
	    n > 100000000 || !isdigit((unsigned char)text[5]) || !strchr(text, ' ') ||
	    strchr(text, ' ') != strrchr(text, ' '))
		return false;
	for (size_t i = 0; i < sizeof(units) / sizeof(units[0]); i++) {
		if (!strcmp(unit, n == 1 ? units[i].one : units[i].many)) {
			*interval = n * units[i].seconds;
			return true;
		}
	}
	return false;
}

/* rate() runs from StartTime, or from the start of the run, every interval. */
static void expand_rate(struct expansion *x, int64_t anchor, int64_t interval)
{
	int64_t t = anchor;
	if (x->lo > anchor)
		t += (x->lo - anchor + interval - 1) / interval * interval;
	for (; t <= x->hi && !x->overflow; t += interval)
		add_time(x, t);
}

/* ---- AWS cron ---- */

struct cron {
	uint64_t bits[6][4];		 /* per field, bit (value - field minimum) */
	bool dom_any, dow_any, dom_last; /* "?" in day-of-month / day-of-week, "L" */
};

struct cron_field {
	const char *name;
	int lo, hi;
	const char *const *names; /* three-letter names for lo, lo + 1, ... */
	const char *accepted;
};

static const char *const month_names[] = {"JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL",
					  "AUG", "SEP", "OCT", "NOV", "DEC", NULL};
static const char *const day_names[] = {"SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT", NULL};

static const struct cron_field cron_fields[6] = {
    {"Minutes", 0, 59, NULL, "0-59 with , - * /"},
    {"Hours", 0, 23, NULL, "0-23 with , - * /"},
    {"Day-of-month", 1, 31, NULL, "1-31 with , - * /, or ? or L"},
    {"Month", 1, 12, month_names, "1-12 or JAN-DEC with , - * /"},
    {"Day-of-week", 1, 7, day_names, "1-7 or SUN-SAT with , - * /, or ?"},
    {"Year", 1970, 2199, NULL, "1970-2199 with , - * /"},
};

static bool cron_value(const char **p, const char *end, const struct cron_field *f, int *out)
{
	const char *s = *p;
	long v = 0;
	if (isdigit((unsigned char)*s)) {
		for (; s < end && isdigit((unsigned char)*s) && v < 100000; s++)
			v = v * 10 + (*s - '0');
	} else {
		for (int i = 0; f->names && f->names[i] && s == *p; i++)
			if (end - s >= 3 && !strncasecmp(s, f->names[i], 3))
				v = f->lo + i, s += 3;
	}
	if (s == *p || v < f->lo || v > f->hi)
		return false;
	*p = s;
	*out = (int)v;
	return true;
}

/* One comma-separated item: "*", "5", "1-5", "*\/15", "10/5", "8-18/2". */
static bool cron_item(const char *s, const char *end, const struct cron_field *f, uint64_t *bits)
{
	int a = f->lo, b = f->hi, step = 1;
	const char *p = s;
	bool single = false;
	if (p < end && *p == '*') {
		p++;
	} else {
		if (!cron_value(&p, end, f, &a))
			return false;
		b = a;
		single = !(p < end && *p == '-');
		if (!single && (++p, !cron_value(&p, end, f, &b)))
			return false;
	}
	if (p < end && *p == '/') {
		struct cron_field n = {"", 1, f->hi - f->lo + 1, NULL, ""};
		p++;
		if (!cron_value(&p, end, &n, &step))
			return false;
		if (single)
			b = f->hi; /* "10/5": from 10 to the end */
	}
	if (p != end || b < a)
		return false;
	for (int v = a; v <= b; v += step)
		bits[(v - f->lo) / 64] |= (uint64_t)1 << ((v - f->lo) % 64);
	return true;
}

static bool cron_field_parse(const char *text, int k, struct cron *c)
{
	if (!strcmp(text, "?") && (k == 2 || k == 4)) {
		*(k == 2 ? &c->dom_any : &c->dow_any) = true;
		return true;
	}
	if (!strcmp(text, "L") && k == 2) {
		c->dom_last = true;
		return true;
	}
	for (const char *p = text;;) {
		const char *end = strchr(p, ',');
		if (!end)
			end = p + strlen(p);
		if (!cron_item(p, end, &cron_fields[k], c->bits[k]))
			return false;
		if (!*end)
			return true;
		p = end + 1;
	}
}

static bool bit(const uint64_t *bits, int i)
{
	return i >= 0 && i < 256 && (bits[i / 64] >> (i % 64) & 1);
}

static int days_in_month(int year, int mon0)
{
	static const int days[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
	bool leap = (year % 4 == 0 && year % 100) || year % 400 == 0;
	return days[mon0] + (mon0 == 1 && leap);
}

static bool cron_date(const struct cron *c, const struct tm *d)
{
	int year = d->tm_year + 1900;
	if (!bit(c->bits[5], year - 1970) || !bit(c->bits[3], d->tm_mon))
		return false;
	if (!c->dom_any && c->dom_last && d->tm_mday != days_in_month(year, d->tm_mon))
		return false;
	if (!c->dom_any && !c->dom_last && !bit(c->bits[2], d->tm_mday - 1))
		return false;
	return c->dow_any || bit(c->bits[4], d->tm_wday);
}

/* Every matching wall-clock minute of every local date that touches the window. */
static void expand_cron(struct expansion *x, const struct cron *c, const struct zone *z)
{
	struct tm lo, hi;
	scaling_time_zone_wall(z, x->lo, &lo);
	scaling_time_zone_wall(z, x->hi, &hi);
	lo.tm_hour = hi.tm_hour = 12;
	int64_t first = (int64_t)timegm(&lo) / 86400 - 1, last = (int64_t)timegm(&hi) / 86400 + 1;
	for (int64_t day = first; day <= last && !x->overflow; day++) {
		time_t noon = (time_t)(day * 86400 + 43200);
		struct tm d;
		gmtime_r(&noon, &d);
		if (d.tm_year + 1900 > 2199)
			break; /* AWS cron has no later year */
		if (!cron_date(c, &d))
			continue;
		for (int h = 0; h < 24; h++) {
			for (int m = 0; m < 60 && bit(c->bits[1], h); m++) {
				if (!bit(c->bits[0], m))
					continue;
				struct tm wall = d;
				wall.tm_hour = h;
				wall.tm_min = m;
				wall.tm_sec = 0;
				add_time(x, scaling_time_zone_seconds(z, &wall));
			}
		}
	}
}

/* Parses "cron(...)" into `c`; on failure writes what is wrong into `why`. */
static bool parse_cron(const char *text, struct cron *c, struct strbuf *why)
{
	size_t n = strlen(text);
	char *copy = xstrndup(text + 5, n - 6), *save = NULL, *fields[7];
	int k = 0;
	memset(c, 0, sizeof(*c));
	for (char *f = strtok_r(copy, " \t", &save); f && k < 7; f = strtok_r(NULL, " \t", &save))
		fields[k++] = f;
	bool ok = k == 6;
	if (!ok)
		strbuf_addf(why,
			    " has %s%d fields (accepted: six, cron(Minutes Hours Day-of-month "
			    "Month Day-of-week Year))",
			    k == 7 ? "at least " : "", k);
	for (int i = 0; ok && i < 6; i++) {
		ok = cron_field_parse(fields[i], i, c);
		if (!ok)
			strbuf_addf(why, ": %s field \"%s\" is not valid (accepted: %s)",
				    cron_fields[i].name, fields[i], cron_fields[i].accepted);
	}
	if (ok && c->dom_any == c->dow_any) {
		ok = false;
		strbuf_addf(why,
			    ": %s (accepted: ? in exactly one of them, as in cron(0 9 ? * "
			    "MON-FRI *))",
			    c->dom_any ? "Day-of-month and Day-of-week are both ?"
				       : "Day-of-month and Day-of-week cannot both be set");
	}
	free(copy);
	return ok;
}

/* ---- the three forms ---- */

bool schedule_expression_expand(struct loader *l, const char *text, const char *path,
				struct expansion *x, int64_t anchor, const struct zone *z)
{
	struct strbuf why = STRBUF_INIT;
	struct cron c;
	int64_t interval;
	size_t n = strlen(text);
	bool ok = true;
	if (!strncmp(text, "at(", 3)) {
		if (!(ok = expand_at(x, text, z)))
			strbuf_adds(&why,
				    " is not a date and time (accepted: at(yyyy-mm-ddThh:mm:ss), "
				    "e.g. at(2026-01-05T09:00:00))");
	} else if (!strncmp(text, "rate(", 5)) {
		if ((ok = parse_rate(text, &interval)))
			expand_rate(x, anchor, interval);
		else
			strbuf_adds(&why,
				    " is not a rate (accepted: rate(1 minute), rate(N minutes), "
				    "rate(1 hour), rate(N hours), rate(1 day), rate(N days))");
	} else if (!strncmp(text, "cron(", 5) && n > 6 && text[n - 1] == ')') {
		if ((ok = parse_cron(text, &c, &why)))
			expand_cron(x, &c, z);
	} else {
		ok = false;
		strbuf_addf(&why, " is not a schedule (accepted: %s)", SCHEDULE_FORMS);
	}
	if (!ok)
		loader_err(l, path, "\"%s\"%s", text, why.buf);
	strbuf_release(&why);
	return ok;
}

/* Expands one action into x->occ; false when it is invalid (reported). */
