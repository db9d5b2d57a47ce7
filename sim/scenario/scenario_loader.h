#ifndef SPOTSIM_SCENARIO_LOADER_H
#define SPOTSIM_SCENARIO_LOADER_H
/*
 * scenario_loader — private to the scenario loader (scenario.c, scenario_model.c and
 * scenario_scaling.c): the state of one load and the defensive value readers
 * of its last pass. Readers return NULL / false when a value is absent or
 * has the wrong type (the schema walk has reported that already).
 */
#include <cjson/cJSON.h>
#include <stdbool.h>

#include "spotsim/scenario/scenario.h"

struct loader {
	struct scenario *sc;
	struct diag *d;
	const char *file;
	const cJSON *root;
};

/* Adds an error at `path` (may be NULL). */
void err(struct loader *l, const char *path, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

const cJSON *get(const cJSON *obj, const char *key);
bool get_number(const cJSON *obj, const char *key, double *out);
const char *get_string(const cJSON *obj, const char *key);
bool get_duration(const cJSON *obj, const char *key, sim_time *out);

/* Reports, at `path`, a "file" key naming no regular file; true when it exists. */
bool check_file(struct loader *l, const cJSON *obj, const char *path);
/* Returns the owned path of `file` resolved against the scenario's folder. */
char *scenario_resolve(const struct scenario *sc, const char *file);

/* scenario_model.c: the workload, spot and limits sections into their model configs. */
void load_model_workload(struct loader *l);
void load_model_spot(struct loader *l);
void load_model_limits(struct loader *l);

/* scenario_scaling.c: the `scaling` section into struct scaling_config, with its rules. */
void load_model_scaling(struct loader *l);

/* Reads and parses a JSON file whose root is an object; NULL after adding the problem to `d`. */
cJSON *scenario_parse_json(const char *path, struct diag *d, int *rc);

/*
 * Loads an already parsed tree (borrowed; the wrappers of pasted AWS output
 * are unwrapped in place) as the scenario of file `path`: every pass of
 * scenario_load after parsing.
 */
int scenario_load_tree(struct scenario *sc, const char *path, cJSON *root, struct diag *d);

/*
 * scenario_files.c: the data files that `root` names ("file" keys, paths
 * ending in ".file", "empirical(...)" distributions), resolved against the
 * folder of `sc`, each once, in the order they appear. *files is owned (each
 * string and the array); *n may be 0.
 */
void scenario_collect_files(const cJSON *root, const struct scenario *sc, char ***files, size_t *n);

#endif
