#ifndef SPOTSIM_JSONIO_H
#define SPOTSIM_JSONIO_H
/*
 * jsonio — reading a JSON file into a cJSON tree, shared by the input
 * adapters that may include cJSON (the scenario loader and the Spot trace
 * reader). Problems go to the diag as one line each, naming the file: cannot
 * open, not a regular file or too large, NUL bytes, and syntax errors with
 * the line and column.
 */
#include <cjson/cJSON.h>

#include "spotsim/util/diag.h"

/*
 * Parses the file at `path` (at most `max_bytes`; a UTF-8 byte-order mark is
 * skipped). Returns the owned tree, or NULL with *rc set to SPOTSIM_ENOENT,
 * SPOTSIM_EIO or SPOTSIM_ESYNTAX after adding the diagnostic.
 */
cJSON *jsonio_parse_file(const char *path, long max_bytes, struct diag *d, int *rc);

#endif
