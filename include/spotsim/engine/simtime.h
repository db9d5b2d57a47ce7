#ifndef SPOTSIM_SIMTIME_H
#define SPOTSIM_SIMTIME_H
/*
 * simtime — simulated time and durations.
 *
 * sim_time is a signed 64-bit count of microseconds from the start of the
 * simulation (about 292,000 years of range). All model arithmetic stays in
 * sim_time; conversion to seconds happens only at the edges (input, samples,
 * CSV), so billing can round up to whole seconds exactly and periods align.
 *
 * Duration text, as scenario files and options write it:
 *   a bare number            seconds               "90", 1.5
 *   number + unit, repeated   us ms s m h d w       "40ms", "5m", "1h30m", "2.5h"
 *   days then a clock time    "2d 02:00", "1d 12:30:15"
 *   a clock time alone        "02:00", "14:30:00"   (hours:minutes[:seconds])
 * Units: us (microseconds), ms, s, m (minutes), h, d, w (weeks).
 * Negative durations are rejected; the result is rounded to the microsecond.
 */
#include <stdbool.h>
#include <stdint.h>

typedef int64_t sim_time;

#define SIM_USEC     ((sim_time)1)
#define SIM_MSEC     ((sim_time)1000)
#define SIM_SEC	     ((sim_time)1000000)
#define SIM_MIN	     (60 * SIM_SEC)
#define SIM_HOUR     (60 * SIM_MIN)
#define SIM_DAY	     (24 * SIM_HOUR)
#define SIM_WEEK     (7 * SIM_DAY)
#define SIM_TIME_MAX INT64_MAX

/*
 * Parses duration text into *out. Returns 0, or SPOTSIM_ESYNTAX when `s` is not
 * a duration, SPOTSIM_ERANGE when it is negative, not finite or too large.
 */
int simtime_parse(const char *s, sim_time *out);

/*
 * Converts a number of seconds; returns 0, or SPOTSIM_ERANGE for negative,
 * non-finite or too large values.
 */
int simtime_from_seconds(double seconds, sim_time *out);

/* Seconds as a double (for output and for the analytic formulas). */
double simtime_seconds(sim_time t);

/* Whole seconds, rounded up: the unit Fargate bills in. */
int64_t simtime_ceil_seconds(sim_time t);

/*
 * Writes a short human form ("90s", "5m", "1h30m", "7d", "40ms") of `t` into
 * buf (at least 32 bytes); returns buf.
 */
char *simtime_format(sim_time t, char *buf, unsigned size);

#endif
