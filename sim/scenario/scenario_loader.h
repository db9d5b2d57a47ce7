#ifndef SPOTSIM_SCENARIO_LOADER_H
#define SPOTSIM_SCENARIO_LOADER_H
/*
 * scenario_loader — private to sim/scenario/: the whole loader as one call
 * on a tree already parsed, for scenario_plan.c, which loads each variant
 * and sweep point from an edited copy of the file's tree, and the reading of
 * that tree. scenario_load_tree is defined in scenario.c, the top of the
 * loader; the section loaders never call it.
 */
#include <cjson/cJSON.h>

#include "spotsim/scenario/scenario.h"

/*
 * Loads an already parsed tree (borrowed; the wrappers of pasted AWS output
 * are unwrapped in place) as the scenario of file `path`: every pass of
 * scenario_load after parsing.
 */
int scenario_load_tree(struct scenario *sc, const char *path, cJSON *root, struct diag *d);

/*
 * The section "slo" (`s`, may be NULL) into *o, every field: the targets
 * given, slo.max_breach_probability as written or the default. True when
 * max_breach_probability is given. Checks nothing: the loader reports what
 * is wrong, scenario_peek reads a copy the loader accepted.
 */
bool scenario_slo_read(const cJSON *s, struct slo *o);

/*
 * scenario_files.c: the data files that `root` names ("file" keys, paths
 * ending in ".file", "empirical(...)" distributions), resolved against the
 * folder of `sc`, each once, in the order they appear. *files is owned (each
 * string and the array); *n may be 0.
 */
void scenario_collect_files(const cJSON *root, const struct scenario *sc, char ***files, size_t *n);

/*
 * Reads the scenario file at `path` into an owned tree, with the sections
 * its "terraform" link gives added (scenario_link.c). NULL with *rc set and
 * the problems in `d` when the file cannot be read or parsed, the link is
 * wrong, its file cannot be imported, or the scenario gives a section the
 * link gives too.
 */
cJSON *scenario_read_tree(const char *path, struct diag *d, int *rc);

#endif
