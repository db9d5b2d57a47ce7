#ifndef SPOTSIM_LOADER_GET_H
#define SPOTSIM_LOADER_GET_H
/*
 * loader_get — the bottom of the scenario loader, private to sim/scenario/:
 * the state of one load, reading a scenario file into a cJSON tree, and the
 * defensive value readers and the error reporter that every pass uses.
 *
 * A struct loader borrows everything it names: the scenario being filled
 * (NULL when a lone policy file is read), the diag that collects problems,
 * the file name for messages and the parsed tree. Readers accept any node,
 * NULL or not an object included, and return NULL / false when a value is
 * absent or has the wrong type: the schema walk has reported that already,
 * so the last pass simply skips it and every problem is reported once.
 *
 * Called by scenario.c (the passes), the section loaders (scenario_model.c,
 * scenario_scaling.c and its scaling_*.c files) and scenario_plan.c. It
 * calls jsonio and the schema's duration reader only, never a section
 * loader or scenario.c.
 */
#include <cjson/cJSON.h>
#include <stdbool.h>

#include "spotsim/scenario/scenario.h"

struct scaling_alarms;

struct loader {
	struct scenario *sc;
	struct diag *d;
	const char *file;
	const cJSON *root;
	struct scaling_alarms *alarms; /* scaling.alarms while the policies are read, else NULL */
	bool bad_start;		       /* "start" was reported: nothing is aligned to it */
};

/* Adds an error at `path` (may be NULL). */
void loader_err(struct loader *l, const char *path, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

const cJSON *loader_get(const cJSON *obj, const char *key);
bool loader_get_number(const cJSON *obj, const char *key, double *out);
const char *loader_get_string(const cJSON *obj, const char *key);
bool loader_get_duration(const cJSON *obj, const char *key, sim_time *out);
/*
 * Integers from JSON numbers: the one checked conversion. A number is
 * converted only when it is finite, whole, within [lo, hi] and within
 * [LOADER_LONG_MIN, LOADER_LONG_MAX] (so never out of long's range: no
 * wrapped counts); the last pass runs even after the schema reported a
 * value, so it must never cast one unchecked.
 */
#define LOADER_LONG_MAX 9.0e18
#define LOADER_LONG_MIN (-9.0e18)
bool loader_to_long(double v, double lo, double hi, long *out);
/* An integer in [lo, hi] (as the schema checked it); false otherwise. */
bool loader_get_int(const cJSON *obj, const char *key, double lo, double hi, long *out);
/* loader_get_int's value, or `fallback` when absent, mistyped or out of [lo, hi]. */
long loader_int_or(const cJSON *obj, const char *key, double lo, double hi, long fallback);
/* Seconds in [0, 1e9], rounded to whole seconds; `fallback` when absent or out of range. */
sim_time loader_seconds_or(const cJSON *obj, const char *key, sim_time fallback);

/* Text of a cpu/memory node (borrowed): strings as they are, numbers printed into buf. */
const char *loader_size_text(const cJSON *n, char *buf, size_t size);

/* The size of a JSON path buffer filled by loader_join(). */
#define PATH_SIZE 192

/* Writes "base.key", or "key" when base is "", into `buf` (PATH_SIZE, cut to fit); returns buf. */
const char *loader_join(char *buf, const char *base, const char *key);

/*
 * Reports, at `path`, a "file" key naming no regular file (missing, a
 * folder, a FIFO, ...); true when it names one. Only stat() is used: a FIFO
 * is not opened.
 */
bool loader_check_file(struct loader *l, const cJSON *obj, const char *path);
/* Returns the owned path of `file` resolved against the scenario's folder. */
char *scenario_resolve(const struct scenario *sc, const char *file);

/* Reads and parses a JSON file whose root is an object; NULL after adding the problem to `d`. */
cJSON *scenario_parse_json(const char *path, struct diag *d, int *rc);

#endif
