/*
 * scaling_time — instants and time zones for scheduled actions (see
 * scaling_time.h). Zones use the C library under a temporarily set TZ:
 * loading is single-threaded, and TZ is restored afterwards.
 */
#include "scaling_time.h"

#include "spotsim/util/xalloc.h"

#include <ctype.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

/* Seconds since 1970 of a UTC calendar time; false for dates that do not exist. */
bool scaling_time_utc_seconds(int y, int mo, int d, int h, int mi, int s, int64_t *out)
{
	struct tm tm = {0};
	if (y < 1970 || y > 2199 || mo < 1 || mo > 12 || d < 1 || h > 23 || mi > 59 || s > 59 ||
	    h < 0 || mi < 0 || s < 0)
		return false;
	tm.tm_year = y - 1900;
	tm.tm_mon = mo - 1;
	tm.tm_mday = d;
	tm.tm_hour = h;
	tm.tm_min = mi;
	tm.tm_sec = s;
	*out = (int64_t)timegm(&tm);
	return tm.tm_mday == d; /* 2026-02-30 comes back as March */
}

/* "+01:00", "-0500", "Z" or nothing (UTC) after the seconds; offset in seconds. */
static bool parse_offset(const char *p, int64_t *offset)
{
	int h, m, used = 0;
	*offset = 0;
	if (!*p || !strcmp(p, "Z"))
		return true;
	if (*p != '+' && *p != '-')
		return false;
	if ((sscanf(p + 1, "%2d:%2d%n", &h, &m, &used) != 2 || used != 5) &&
	    (sscanf(p + 1, "%2d%2d%n", &h, &m, &used) != 2 || used != 4))
		return false;
	if (p[1 + used] || h > 14 || m > 59)
		return false;
	*offset = (*p == '-' ? -1 : 1) * (int64_t)(h * 3600 + m * 60);
	return true;
}

/* ISO 8601 text (as the AWS CLI prints it) or seconds since 1970. */
bool scaling_time_parse_instant(const cJSON *n, int64_t *out)
{
	int y, mo, d, h, mi, s, used = 0;
	int64_t off;
	if (cJSON_IsNumber(n))
		return isfinite(n->valuedouble) && n->valuedouble >= 0 && n->valuedouble < 7e9 &&
		       ((*out = (int64_t)floor(n->valuedouble)), true);
	if (!cJSON_IsString(n))
		return false;
	const char *t = n->valuestring;
	if (sscanf(t, "%4d-%2d-%2dT%2d:%2d:%2d%n", &y, &mo, &d, &h, &mi, &s, &used) != 6 ||
	    used != 19)
		return false;
	t += used;
	if (*t == '.')
		for (t++; isdigit((unsigned char)*t); t++)
			;
	if (!parse_offset(t, &off) || !scaling_time_utc_seconds(y, mo, d, h, mi, s, out))
		return false;
	*out -= off;
	return true;
}

bool scaling_time_zone_exists(const char *name)
{
	const char *dir = getenv("TZDIR");
	struct stat st;
	if (!*name || *name == '/' || strstr(name, "..") || strchr(name, ','))
		return false;
	char *path = xasprintf("%s/%s", dir && *dir ? dir : "/usr/share/zoneinfo", name);
	bool ok = stat(path, &st) == 0 && S_ISREG(st.st_mode);
	free(path);
	return ok;
}

void scaling_time_zone_enter(struct zone *z, const char *name)
{
	const char *old = getenv("TZ");
	memset(z, 0, sizeof(*z));
	if (!name)
		return;
	z->local = true;
	z->had_tz = old != NULL;
	z->saved_tz = xstrdup(old);
	setenv("TZ", name, 1);
	tzset();
}

void scaling_time_zone_leave(struct zone *z)
{
	if (!z->local)
		return;
	if (z->had_tz)
		setenv("TZ", z->saved_tz, 1);
	else
		unsetenv("TZ");
	tzset();
	free(z->saved_tz);
}

/*
 * Seconds since 1970 of a wall-clock time. A time that happens twice (the
 * hour repeated when DST ends) is the first; a time that does not happen
 * (skipped when DST starts) is read with the offset before the change, so it
 * moves forward (02:30 becomes 03:30). Both readings are tried explicitly:
 * mktime's own choice for tm_isdst = -1 depends on its earlier calls.
 */
int64_t scaling_time_zone_seconds(const struct zone *z, const struct tm *wall)
{
	int64_t exact = INT64_MAX, shifted = INT64_MIN;
	struct tm t = *wall;
	if (!z->local)
		return (int64_t)timegm(&t);
	for (int dst = 0; dst <= 1; dst++) {
		struct tm back;
		t = *wall;
		t.tm_isdst = dst;
		time_t s = mktime(&t);
		localtime_r(&s, &back);
		if (back.tm_mday == wall->tm_mday && back.tm_hour == wall->tm_hour &&
		    back.tm_min == wall->tm_min && back.tm_sec == wall->tm_sec)
			exact = (int64_t)s < exact ? (int64_t)s : exact;
		else
			shifted = (int64_t)s > shifted ? (int64_t)s : shifted;
	}
	return exact != INT64_MAX ? exact : shifted;
}

void scaling_time_zone_wall(const struct zone *z, int64_t t, struct tm *out)
{
	time_t tt = (time_t)t;
	if (z->local)
		localtime_r(&tt, out);
	else
		gmtime_r(&tt, out);
}
