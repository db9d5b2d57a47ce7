/*
 * simtime — parsing and printing durations (see simtime.h).
 *
 * The parser walks the text once: a run of <number><unit> terms, optionally
 * followed by an HH:MM[:SS] clock part. Each term is converted to
 * microseconds in long double so "0.1s" is exact after rounding.
 */
#include "spotsim/engine/simtime.h"

#include "spotsim/util/error.h"

#include <ctype.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const struct {
	const char *name;
	sim_time scale;
} units[] = {
    {"us", SIM_USEC}, {"ms", SIM_MSEC}, {"s", SIM_SEC},	 {"m", SIM_MIN},
    {"h", SIM_HOUR},  {"d", SIM_DAY},	{"w", SIM_WEEK},
};

static const char *skip_space(const char *p)
{
	while (*p == ' ' || *p == '\t')
		p++;
	return p;
}

/* Reads a unit name at p; returns its scale and advances *end, or 0 if none. */
static sim_time read_unit(const char *p, const char **end)
{
	size_t n = 0;
	while (isalpha((unsigned char)p[n]))
		n++;
	for (size_t i = 0; i < sizeof(units) / sizeof(units[0]); i++) {
		if (strlen(units[i].name) == n && !strncmp(p, units[i].name, n)) {
			*end = p + n;
			return units[i].scale;
		}
	}
	return 0;
}

/* Parses "HH:MM" or "HH:MM:SS" at p (whole rest of the string). */
static int parse_clock(const char *p, long double *usec)
{
	unsigned h, m;
	double s = 0;
	int used = 0;
	if (sscanf(p, "%2u:%2u%n", &h, &m, &used) != 2 || m > 59)
		return SPOTSIM_ESYNTAX;
	p += used;
	if (*p == ':') {
		if (sscanf(p + 1, "%lf%n", &s, &used) != 1 || s < 0 || s >= 60)
			return SPOTSIM_ESYNTAX;
		p += 1 + used;
	}
	if (*skip_space(p))
		return SPOTSIM_ESYNTAX;
	*usec = ((long double)h * 3600 + (long double)m * 60 + s) * SIM_SEC;
	return 0;
}

static int finish(long double usec, sim_time *out)
{
	if (!isfinite((double)usec) || usec < 0)
		return SPOTSIM_ERANGE;
	if (usec > (long double)SIM_TIME_MAX / 2)
		return SPOTSIM_ERANGE;
	*out = (sim_time)llroundl(usec);
	return 0;
}

int simtime_parse(const char *s, sim_time *out)
{
	const char *p = skip_space(s);
	long double total = 0;
	int terms = 0;

	if (*p == '-')
		return SPOTSIM_ERANGE;
	while (*p) {
		if (strchr(p, ':') && isdigit((unsigned char)*p) && strchr(p, ':') - p <= 2 &&
		    !strpbrk(p, "abcdefghijklmnopqrstuvwxyz")) {
			long double clock;
			if (parse_clock(p, &clock))
				return SPOTSIM_ESYNTAX;
			return finish(total + clock, out);
		}
		char *end;
		/* long double: "333333333000.04s" (as durations are written back) keeps its microseconds */
		long double v = strtold(p, &end);
		if (end == p || *p == '+' || !isfinite((double)v))
			return end == p ? SPOTSIM_ESYNTAX : SPOTSIM_ERANGE;
		const char *after = skip_space(end);
		sim_time scale = SIM_SEC;
		if (isalpha((unsigned char)*after)) {
			scale = read_unit(after, &after);
			if (!scale)
				return SPOTSIM_ESYNTAX;
		} else if (*after || terms) {
			/* a bare number is seconds, and only on its own */
			return SPOTSIM_ESYNTAX;
		}
		if (v < 0)
			return SPOTSIM_ERANGE;
		total += v * scale;
		terms++;
		p = skip_space(after);
	}
	if (!terms)
		return SPOTSIM_ESYNTAX;
	return finish(total, out);
}

int simtime_from_seconds(double seconds, sim_time *out)
{
	if (!isfinite(seconds))
		return SPOTSIM_ERANGE;
	return finish((long double)seconds * SIM_SEC, out);
}

double simtime_seconds(sim_time t)
{
	return (double)t / (double)SIM_SEC;
}

int64_t simtime_ceil_seconds(sim_time t)
{
	if (t <= 0)
		return 0;
	return (t + SIM_SEC - 1) / SIM_SEC;
}

char *simtime_format(sim_time t, char *buf, unsigned size)
{
	static const struct {
		const char *name;
		sim_time scale;
	} parts[] = {{"d", SIM_DAY}, {"h", SIM_HOUR}, {"m", SIM_MIN}, {"s", SIM_SEC}};
	size_t used = 0;

	if (t == 0) {
		snprintf(buf, size, "0s");
		return buf;
	}
	if (t % SIM_SEC) {
		if (t < SIM_SEC && t % SIM_MSEC == 0)
			snprintf(buf, size, "%lldms", (long long)(t / SIM_MSEC));
		else
			snprintf(buf, size, "%.6gs", simtime_seconds(t));
		return buf;
	}
	buf[0] = '\0';
	for (size_t i = 0; i < 4 && used < size; i++) {
		sim_time n = t / parts[i].scale;
		t %= parts[i].scale;
		if (n)
			used += (size_t)snprintf(buf + used, size - used, "%lld%s", (long long)n,
						 parts[i].name);
	}
	return buf;
}
