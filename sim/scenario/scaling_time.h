#ifndef SPOTSIM_SCALING_TIME_H
#define SPOTSIM_SCALING_TIME_H
/*
 * scaling_time — private to the scaling loader: instants and time zones for
 * scheduled actions. An instant is an int64_t count of seconds since 1970
 * (UTC). A struct zone says where wall-clock times are read: UTC, or an
 * IANA zone through the C library under a temporarily set TZ, which
 * zone_leave restores (loading is single-threaded). Called by
 * schedule_expression.c and scaling_actions.c; calls nothing of the loader.
 */
#include <cjson/cJSON.h>
#include <stdbool.h>
#include <stdint.h>
#include <time.h>

/* Where wall-clock times of a schedule are read: UTC, or an IANA zone through TZ. */
struct zone {
	bool local;
	bool had_tz;
	char *saved_tz;
};

/* Seconds since 1970 of a UTC calendar time; false for dates that do not exist. */
bool scaling_time_utc_seconds(int y, int mo, int d, int h, int mi, int s, int64_t *out);

/* ISO 8601 text (as the AWS CLI prints it, with an optional offset) or seconds since 1970. */
bool scaling_time_parse_instant(const cJSON *n, int64_t *out);

/* True when `name` is a zone file under TZDIR (or /usr/share/zoneinfo). */
bool scaling_time_zone_exists(const char *name);

/* Reads wall-clock times in zone `name` until zone_leave; NULL means UTC. */
void scaling_time_zone_enter(struct zone *z, const char *name);
void scaling_time_zone_leave(struct zone *z);

/* Seconds since 1970 of a wall-clock time in `z` (see scaling_time.c for DST). */
int64_t scaling_time_zone_seconds(const struct zone *z, const struct tm *wall);

/* The wall-clock time in `z` of instant `t`. */
void scaling_time_zone_wall(const struct zone *z, int64_t t, struct tm *out);

#endif
