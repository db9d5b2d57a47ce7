/*
 * rate_trace_time — the times of load traces (see rate_trace_internal.h).
 *
 * ISO 8601 is parsed by hand rather than with strptime, which ignores
 * offsets and accepts 2025-02-30: the date is checked against the calendar
 * and the offset is applied, so "2025-05-12T12:00:00+02:00" and
 * "2025-05-12T10:00:00Z" are the same instant. The AWS CLI prints the forms
 * accepted here: v2 "2025-05-12T10:00:00+00:00" (the offset of the machine
 * that ran it, microseconds when non-zero), old versions
 * "2025-05-12T10:00:00.000Z", and v1 Unix seconds (JSON numbers).
 */
#include "rate_trace_internal.h"

#include "spotsim/engine/simtime.h"
#include "spotsim/util/error.h"

#include <ctype.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define UNIX_MIN_SECONDS 1e9		/* 2001-09-09: smaller numbers are times from the start */
#define UNIX_END_SECONDS 253402300800.0 /* 10000-01-01T00:00:00Z */

struct iso {
	int y, mo, d, h, mi, s;
	long frac_us;
	int zone_s;
};

/* Reads exactly n digits. */
static bool digits(const char **p, int n, int *out)
{
	int v = 0;
	for (int i = 0; i < n; i++) {
		if (!isdigit((unsigned char)(*p)[i]))
			return false;
		v = v * 10 + (*p)[i] - '0';
	}
	*p += n;
	*out = v;
	return true;
}

static bool expect(const char **p, const char *one_of)
{
	if (!**p || !strchr(one_of, **p))
		return false;
	(*p)++;
	return true;
}

/* Days from 1970-01-01 to y-m-d in the proleptic Gregorian calendar. */
static int64_t days_from_civil(int y, int m, int d)
{
	y -= m <= 2;
	int64_t era = (y >= 0 ? y : y - 399) / 400;
	int64_t yoe = y - era * 400;
	int64_t doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + doe - 719468;
}

static int days_in_month(int y, int m)
{
	static const int days[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
	bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
	return m == 2 && leap ? 29 : days[m - 1];
}

/* ".669" or ",5": up to microseconds, further digits dropped. */
static void fraction(const char **p, long *us)
{
	long scale = 100000;
	*us = 0;
	if (!((**p == '.' || **p == ',') && isdigit((unsigned char)(*p)[1])))
		return;
	for ((*p)++; isdigit((unsigned char)**p); (*p)++, scale /= 10)
		*us += scale * (**p - '0');
}

/* "Z", "+02:00", "+0200", "-05"; false at anything else. */
static bool zone(const char **p, int *seconds)
{
	int h, m = 0;
	if (expect(p, "Zz")) {
		*seconds = 0;
		return true;
	}
	int sign = **p == '-' ? -1 : 1;
	if (!expect(p, "+-") || !digits(p, 2, &h))
		return false;
	if (**p == ':') {
		(*p)++;
		if (!digits(p, 2, &m))
			return false;
	} else if (isdigit((unsigned char)**p) && !digits(p, 2, &m)) {
		return false;
	}
	if (h > 23 || m > 59)
		return false;
	*seconds = sign * (h * 3600 + m * 60);
	return true;
}

static bool only_space(const char *p)
{
	while (isspace((unsigned char)*p))
		p++;
	return !*p;
}

/* Date and time up to the zone: "2025-05-12T10:03" with optional ":SS.ffffff". */
static bool date_time(const char **p, struct iso *t)
{
	t->s = 0;
	t->frac_us = 0;
	if (!(digits(p, 4, &t->y) && expect(p, "-") && digits(p, 2, &t->mo) && expect(p, "-") &&
	      digits(p, 2, &t->d) && expect(p, "Tt ") && digits(p, 2, &t->h) && expect(p, ":") &&
	      digits(p, 2, &t->mi)))
		return false;
	if (**p == ':') {
		(*p)++;
		if (!digits(p, 2, &t->s))
			return false;
	}
	fraction(p, &t->frac_us);
	return true;
}

static bool calendar_ok(const struct iso *t)
{
	return t->y >= 1970 && t->mo >= 1 && t->mo <= 12 && t->d >= 1 &&
	       t->d <= days_in_month(t->y, t->mo) && t->h <= 23 && t->mi <= 59 && t->s <= 59;
}

enum rt_time_status rt_parse_iso(const char *text, sim_time *out)
{
	struct iso t;
	const char *p = text;
	while (isspace((unsigned char)*p))
		p++;
	if (!date_time(&p, &t))
		return RT_TIME_SYNTAX;
	if (only_space(p))
		return RT_TIME_NO_ZONE;
	if (!zone(&p, &t.zone_s) || !only_space(p))
		return RT_TIME_SYNTAX;
	if (!calendar_ok(&t))
		return RT_TIME_BAD_DATE;
	int64_t s =
	    days_from_civil(t.y, t.mo, t.d) * 86400 + t.h * 3600 + t.mi * 60 + t.s - t.zone_s;
	if (s < 0)
		return RT_TIME_RANGE;
	*out = s * SIM_SEC + t.frac_us;
	return RT_TIME_OK;
}

enum rt_time_status rt_unix_seconds(double seconds, sim_time *out)
{
	if (!isfinite(seconds) || seconds < 0 || seconds >= UNIX_END_SECONDS)
		return RT_TIME_RANGE;
	*out = (sim_time)llround(seconds * 1e6);
	return RT_TIME_OK;
}

/* "2025-": a date, whatever follows. */
static bool looks_like_date(const char *p)
{
	for (int i = 0; i < 4; i++)
		if (!isdigit((unsigned char)p[i]))
			return false;
	return p[4] == '-';
}

enum rt_time_status rt_parse_time(const char *text, sim_time *out, enum rt_clock *clock)
{
	char *end;
	while (isspace((unsigned char)*text))
		text++;
	*clock = RT_CLOCK_START;
	if (looks_like_date(text)) {
		*clock = RT_CLOCK_UNIX;
		return rt_parse_iso(text, out);
	}
	double v = strtod(text, &end);
	if (end != text && only_space(end)) {
		if (!isfinite(v) || v < 0)
			return RT_TIME_RANGE;
		if (v >= UNIX_MIN_SECONDS) {
			*clock = RT_CLOCK_UNIX;
			return rt_unix_seconds(v, out);
		}
		return simtime_from_seconds(v, out) ? RT_TIME_RANGE : RT_TIME_OK;
	}
	int rc = simtime_parse(text, out);
	return rc == 0 ? RT_TIME_OK : rc == SPOTSIM_ESYNTAX ? RT_TIME_SYNTAX : RT_TIME_RANGE;
}

const char *rt_time_why(enum rt_time_status st)
{
	switch (st) {
	case RT_TIME_OK:
		return "is a time";
	case RT_TIME_NO_ZONE:
		return "has no time zone";
	case RT_TIME_BAD_DATE:
		return "is not a real date and time";
	case RT_TIME_RANGE:
		return "is negative or out of range";
	case RT_TIME_SYNTAX:
		break;
	}
	return "is not a time";
}

const char *rt_format_time(sim_time at, bool unix_clock, char *buf, size_t size)
{
	if (!unix_clock)
		return simtime_format(at, buf, (unsigned)size);
	time_t s = (time_t)(at / SIM_SEC);
	long us = (long)(at % SIM_SEC);
	struct tm tm;
	char frac[16] = "";
	gmtime_r(&s, &tm);
	if (us) {
		snprintf(frac, sizeof(frac), ".%06ld", us);
		for (size_t n = strlen(frac); frac[n - 1] == '0'; n--)
			frac[n - 1] = '\0';
	}
	snprintf(buf, size, "%04d-%02d-%02dT%02d:%02d:%02d%sZ", tm.tm_year + 1900, tm.tm_mon + 1,
		 tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, frac);
	return buf;
}
