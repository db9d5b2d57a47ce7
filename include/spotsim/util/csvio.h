#ifndef SPOTSIM_CSVIO_H
#define SPOTSIM_CSVIO_H
/*
 * csvio — the adapter around libcsv; the only module that includes <csv.h>.
 *
 * Reading: csvio_read parses a whole file and calls `row` once per record
 * with the fields as NUL-terminated strings (borrowed, valid during the
 * call), the 1-based record number and a user pointer. Quoting, embedded
 * commas, newlines and CRLF line ends are libcsv's job. A callback that
 * returns non-zero stops the read and that value is returned.
 *
 * Writing: csvio_write_field writes one field with quoting where needed.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "spotsim/util/diag.h"

typedef int (*csvio_row_fn)(const char *const *fields, size_t nfields, size_t record, void *data);

/*
 * Reads `path` (borrowed), a regular file of at most CSVIO_MAX_BYTES (the
 * files spotsim wrote itself). Returns 0, the callback's non-zero value, or a
 * negative SPOTSIM_* code after adding a diagnostic to `d` (file not found,
 * unreadable, malformed CSV with the record number).
 */
int csvio_read(const char *path, csvio_row_fn row, void *data, struct diag *d);

/* The limit of csvio_read: 4 GiB. */
#define CSVIO_MAX_BYTES ((size_t)4 << 30)

/*
 * csvio_read with a limit of `max_bytes`: a user's input file (a price
 * table, a trace, samples) is read with FILEIO_INPUT_MAX. A folder, FIFO,
 * device or socket is refused before a byte is read (a FIFO without a
 * writer does not block), and the message names the limit (fileio_report).
 */
int csvio_read_capped(const char *path, size_t max_bytes, csvio_row_fn row, void *data,
		      struct diag *d);

/*
 * Parses the `len` bytes at `text` (borrowed; a file already read) as
 * csvio_read parses a file; `name` names it in diagnostics. Returns 0, the
 * callback's non-zero value, or SPOTSIM_ESYNTAX / SPOTSIM_EIO after adding
 * a diagnostic to `d`.
 */
int csvio_parse(const char *name, const char *text, size_t len, csvio_row_fn row, void *data,
		struct diag *d);

/*
 * Maps the header record of a table read from `path` (the `n` borrowed
 * `fields`) to its columns: col[k] becomes the index of the field named
 * names[k], or -1. A UTF-8 byte order mark before the first name (a
 * spreadsheet's) is skipped. Adds to `d`, at "line 1", an unknown name
 * (accepted: all `count` names), a name given twice, and each of the first
 * `required` names that is missing (required: those names). Returns false
 * when it added any.
 */
bool csvio_map_header(const char *path, const char *const *names, int count, int required,
		      const char *const *fields, size_t n, int *col, struct diag *d);

/* Writes `s` as one CSV field (no separator, no newline). */
void csvio_write_field(FILE *out, const char *s);

#endif
