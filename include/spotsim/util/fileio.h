#ifndef SPOTSIM_FILEIO_H
#define SPOTSIM_FILEIO_H
/*
 * fileio — whole-file reads and files written atomically (a temporary in
 * the same folder, renamed over the final name only once it is complete).
 *
 * An atomic file goes through three steps, so that several of them can be
 * prepared first and renamed together at the end (a run's commit):
 *
 *     struct fileio_atomic a;
 *     if (fileio_atomic_open(&a, "out/x/shard.csv") == 0) {
 *             fprintf(a.f, ...);
 *             err = fileio_atomic_close(&a);       (flush and close; the temporary stays)
 *             if (!err)
 *                     err = fileio_atomic_rename(&a);  (the final name appears)
 *             fileio_atomic_release(&a);           (removes a temporary still there)
 *     }
 *
 * The temporary is named ".NAME.part.PID" beside the final name: hidden,
 * and never the name of a report's temporary (".NAME.tmp.PID", report.h),
 * so both can be open for the same file at once. Functions return 0 or an
 * errno value; the caller turns it into a message (diag_strerror).
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "spotsim/util/diag.h"

struct fileio_atomic {
	FILE *f;     /* open on the temporary until fileio_atomic_close */
	char *tmp;   /* owned: the temporary's path; NULL once renamed */
	char *final; /* owned: the final path */
};

/* Creates the temporary for `final` (borrowed). On failure nothing is left to release. */
int fileio_atomic_open(struct fileio_atomic *a, const char *final);
/* Flushes and closes the temporary; 0 when every write succeeded. */
int fileio_atomic_close(struct fileio_atomic *a);
/* Renames the closed temporary to the final name. */
int fileio_atomic_rename(struct fileio_atomic *a);
/* Closes and removes the temporary if it is still there, and frees the paths. */
void fileio_atomic_release(struct fileio_atomic *a);

/* Copies the file `from` to `to` atomically. */
int fileio_copy(const char *from, const char *to);

/*
 * Reads the whole regular file `path` into an owned, NUL-terminated buffer
 * (*len excludes the NUL). Returns 0 or an errno value (EISDIR for a folder).
 */
int fileio_read(const char *path, char **out, size_t *len);

/*
 * fileio_read with a limit: a file of more than `max_bytes` bytes gives
 * EFBIG (checked before reading, and again while reading, for a file that
 * grows). Anything but a regular file is refused before a byte is read:
 * EISDIR for a folder, EINVAL for a FIFO, device or socket. The file is
 * opened without blocking, so a FIFO without a writer cannot hang the open.
 * On failure *out is NULL and *len 0.
 */
int fileio_read_capped(const char *path, size_t max_bytes, char **out, size_t *len);

/*
 * Opens `path` for reading only if it is a regular file of at most
 * `max_bytes` bytes (by its size now): without blocking, so a FIFO cannot
 * hang the open, then fstat, then back to blocking reads. Returns the file
 * descriptor, or -1 with *err set (EISDIR, EINVAL for a FIFO, device or
 * socket, EFBIG, or the errno of open).
 */
int fileio_open_regular(const char *path, size_t max_bytes, int *err);

/*
 * Adds to `d` the one-line error for an `err` from fileio_read_capped or
 * fileio_open_regular on `path`, naming the limit of `max_bytes`; returns
 * SPOTSIM_ENOENT for a missing file, SPOTSIM_EIO otherwise. Every reader of
 * user input reports its file problems through this, so they read alike.
 */
int fileio_report(struct diag *d, const char *path, int err, size_t max_bytes);

/* fileio_read_capped, with a failure reported by fileio_report; 0 or a SPOTSIM_* code. */
int fileio_read_input(const char *path, size_t max_bytes, char **out, size_t *len, struct diag *d);

/* The limit, in bytes, on every input file (scenario, price table, traces, samples). */
#define FILEIO_INPUT_MAX ((size_t)64 << 20)

/* True when `path` names an existing folder. */
bool fileio_is_dir(const char *path);

#endif
