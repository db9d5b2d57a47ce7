#ifndef SPOTSIM_JSONIO_H
#define SPOTSIM_JSONIO_H
/*
 * jsonio — reading a JSON file into a cJSON tree, shared by the input
 * adapters that may include cJSON (the scenario loader, the Spot trace
 * reader and the Terraform importer). Problems go to the diag as one line
 * each, naming the file: cannot open, not a regular file or too large, NUL
 * bytes, and syntax errors with the line and column. The writer lays a tree out as
 * a person would write it, for files spotsim produces.
 */
#include <cjson/cJSON.h>

#include "spotsim/util/diag.h"
#include "spotsim/util/strbuf.h"

/*
 * Parses the file at `path` (at most `max_bytes`; a UTF-8 byte-order mark is
 * skipped). Returns the owned tree, or NULL with *rc set to SPOTSIM_ENOENT,
 * SPOTSIM_EIO or SPOTSIM_ESYNTAX after adding the diagnostic.
 */
cJSON *jsonio_parse_file(const char *path, long max_bytes, struct diag *d, int *rc);

/*
 * Parses the `len` bytes at `text` (borrowed; a file already read, NUL
 * after its last byte) as jsonio_parse_file parses a file; `path` names it
 * in diagnostics. NULL with *rc set to SPOTSIM_ESYNTAX after adding the
 * diagnostic.
 */
cJSON *jsonio_parse_text(const char *path, const char *text, size_t len, struct diag *d, int *rc);

/*
 * Appends `node` to `out` as JSON text laid out the way scenario files are
 * written by hand (jsonio_write.c): two spaces per level, and an object or
 * array that fits on the rest of its line written on one line, with ", "
 * and ": " between items. Keys keep their order; integral numbers print
 * without a fraction, others with the fewest digits that read back exactly.
 * The same tree always gives the same bytes. No final newline.
 */
void jsonio_write(struct strbuf *out, const cJSON *node);

#endif
