/*
 * simtime — parsing and printing durations (see simtime.h).
 *
 * The parser walks the text once: a run of <number><unit> terms, optionally
 * followed by an HH:MM[:SS] clock part. A decimal term is converted to
 * microseconds exactly, in integers (digits x unit x a power of ten, rounded
 * half up at the microsecond), so "0.1s" and "333333333000.04s" (as
 * durations are written back) keep their microseconds on every machine; no
 * long double, whose width differs between platforms and under valgrind.
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

/* Parses "HH:MM" or "HH:MM:SS" at p (whole rest of the string), in microseconds. */
static int parse_clock(const char *p, double *usec)
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
	*usec = ((double)h * 3600 + (double)m * 60 + s) * SIM_SEC;
	return 0;
}

/* The largest time a duration may give, in microseconds. */
#define PARSE_MAX (SIM_TIME_MAX / 2)

/* Significant digits kept of a decimal term: below 1e-25 of it, far under a microsecond. */
#define KEEP_DIGITS 25

/*
 * `usec` rounded to whole microseconds; SPOTSIM_ERANGE when it is not a
 * finite number in [0, PARSE_MAX].
 */
static int from_double(double usec, sim_time *out)
{
	if (!isfinite(usec) || usec < 0 || usec > (double)PARSE_MAX)
		return SPOTSIM_ERANGE;
	*out = (sim_time)llround(usec);
	return 0;
}

/*
 * The decimal number text[0..n) ([digits][.digits][e[+-]digits]) times
 * `scale` microseconds, exactly, rounded half up; false when the text is
 * not of that form (a hexadecimal number, say) or too large.
 */
static bool decimal_usec(const char *text, size_t n, sim_time scale, sim_time *out)
{
	__int128 m = 0, v;
	int digits = 0, exp10 = 0, e = 0, esign = 1;
	size_t i = 0;
	bool any = false, dot = false;

	for (; i < n && (isdigit((unsigned char)text[i]) || (text[i] == '.' && !dot)); i++) {
		if (text[i] == '.') {
			dot = true;
			continue;
		}
		any = true;
		if (digits || text[i] != '0') { /* significant */
			if (digits < KEEP_DIGITS) {
				m = m * 10 + (text[i] - '0');
				digits++;
				exp10 -= dot;
			} else {
				exp10 += !dot;
			}
		} else {
			exp10 -= dot;
		}
	}
	if (!any)
		return false;
	if (i < n && (text[i] == 'e' || text[i] == 'E')) {
		i++;
		if (i < n && (text[i] == '+' || text[i] == '-'))
			esign = text[i++] == '-' ? -1 : 1;
		if (i == n)
			return false;
		for (; i < n && isdigit((unsigned char)text[i]); i++)
			e = e < 10000 ? e * 10 + (text[i] - '0') : e;
	}
	if (i != n)
		return false;
	exp10 += esign * e;
	v = m * scale; /* m < 1e25, scale < 1e12: fits */
	for (; exp10 > 0 && v; exp10--) {
		if (v > (__int128)PARSE_MAX)
			return false;
		v *= 10;
	}
	if (exp10 < 0) {
		__int128 p10 = 1;
		for (int k = 0; k < -exp10; k++) {
			if (p10 > v) /* the value is below half a microsecond */
				return *out = 0, true;
			p10 *= 10;
		}
		v = v / p10 + (2 * (v % p10) >= p10);
	}
	if (v > (__int128)PARSE_MAX)
		return false;
	*out = (sim_time)v;
	return true;
}

int simtime_parse(const char *s, sim_time *out)
{
	const char *p = skip_space(s);
	sim_time total = 0;
	int terms = 0;

	if (*p == '-')
		return SPOTSIM_ERANGE;
	while (*p) {
		if (strchr(p, ':') && isdigit((unsigned char)*p) && strchr(p, ':') - p <= 2 &&
		    !strpbrk(p, "abcdefghijklmnopqrstuvwxyz")) {
			double clock;
			sim_time c;
			if (parse_clock(p, &clock))
				return SPOTSIM_ESYNTAX;
			if (from_double(clock, &c) || c > PARSE_MAX - total)
				return SPOTSIM_ERANGE;
			*out = total + c;
			return 0;
		}
		char *end;
		double v = strtod(p, &end); /* where the number ends, and its rough size */
		if (end == p || *p == '+' || !isfinite(v))
			return end == p ? SPOTSIM_ESYNTAX : SPOTSIM_ERANGE;
		const char *after = skip_space(end);
		sim_time scale = SIM_SEC, term;
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
		if (v * (double)scale > 2.0 * (double)PARSE_MAX)
			return SPOTSIM_ERANGE; /* far too large: no exact work */
		if (!decimal_usec(p, (size_t)(end - p), scale, &term) &&
		    from_double(v * (double)scale, &term))
			return SPOTSIM_ERANGE;
		if (term > PARSE_MAX - total)
			return SPOTSIM_ERANGE;
		total += term;
		terms++;
		p = skip_space(after);
	}
	if (!terms)
		return SPOTSIM_ESYNTAX;
	*out = total;
	return 0;
}

int simtime_from_seconds(double seconds, sim_time *out)
{
	if (!isfinite(seconds))
		return SPOTSIM_ERANGE;
	return from_double(seconds * SIM_SEC, out);
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
