#ifndef SPOTSIM_FILEIO_H
#define SPOTSIM_FILEIO_H
/*
 * fileio — whole-file reads, files written atomically, and temporaries that
 * nobody can plant in advance.
 *
 * Temporaries. Every temporary spotsim makes beside an output is named
 *
 *     .spotsim-tmp.PID.RANDOM
 *
 * PID the creating process, RANDOM twelve characters from the kernel's
 * random source. It is created with O_CREAT|O_EXCL|O_NOFOLLOW (a folder:
 * mkdir, which never follows a symbolic link either) under a descriptor of
 * the folder it goes in; a name that is already taken is never removed and
 * reused: another random name is tried. So a symbolic link planted at any
 * name, predictable or not, is never written through. The PID in the name
 * lets fileio_temp_sweep tell the leftovers of a killed process (its PID no
 * longer runs) from the temporaries of a live one.
 *
 * An atomic file goes through three steps, so that several of them can be
 * prepared first and renamed together at the end:
 *
 *     struct fileio_atomic a;
 *     if (fileio_atomic_open(&a, "out/x/shard.csv") == 0) {
 *             fprintf(a.f, ...);
 *             err = fileio_atomic_close(&a);       (flush, sync and close; the temporary stays)
 *             if (!err)
 *                     err = fileio_atomic_rename(&a);  (the final name appears)
 *             fileio_atomic_release(&a);           (removes a temporary still there)
 *     }
 *
 * Its temporary is a temporary as above, in the folder of the final name;
 * the rename replaces the final name in one step (a symbolic link there is
 * replaced, not followed). Functions return 0 or an errno value; the
 * caller turns it into a message (diag_strerror).
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "spotsim/util/diag.h"

struct fileio_atomic {
	FILE *f;     /* open on the temporary until fileio_atomic_close */
	char *tmp;   /* owned: the temporary's path; NULL once renamed */
	char *final; /* owned: the final path */
};

/* Creates the temporary for `final` (borrowed). On failure nothing is left to release. */
int fileio_atomic_open(struct fileio_atomic *a, const char *final);
/* Flushes, syncs and closes the temporary; 0 when every write succeeded. */
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

/* ---- temporaries ---- */

#define FILEIO_TEMP_PREFIX ".spotsim-tmp."
/* Room for a temporary's name and its NUL. */
#define FILEIO_TEMP_NAME_SIZE 48

/* A fresh name ".spotsim-tmp.PID.RANDOM" into `name`. */
void fileio_temp_name(char name[FILEIO_TEMP_NAME_SIZE]);

/*
 * Creates a new regular file under a fresh temporary name in the folder
 * `dirfd` (O_WRONLY|O_CREAT|O_EXCL|O_NOFOLLOW|O_CLOEXEC, mode 0666 less the
 * umask), trying other names while a name is taken. Fills `name`; returns
 * the open descriptor, or -errno.
 */
int fileio_temp_create(int dirfd, char name[FILEIO_TEMP_NAME_SIZE]);

/* The same for a folder of mode 0700; returns 0 or an errno value. */
int fileio_temp_mkdir(int dirfd, char name[FILEIO_TEMP_NAME_SIZE]);

/* True when `name` is a temporary's name; *pid (may be NULL) gets its PID. */
bool fileio_temp_parse(const char *name, long *pid);

/*
 * Removes from the folder `dirfd` the temporaries left by processes that
 * no longer run (fileio_temp_parse gives the PID; a PID that runs but is
 * this process's counts as gone, as after a restart in a container),
 * except those for which `keep` (may be NULL) says true. Symbolic links
 * are removed, never followed. Returns how many were removed.
 */
int fileio_temp_sweep(int dirfd, bool (*keep)(const char *name));

/*
 * Removes `name` in the folder `dirfd`: a file or a symbolic link (never
 * followed), or a folder with what it holds, three levels deep at most.
 * Calls nothing but open, close, lseek, getdents64 and unlinkat, so it is
 * async-signal-safe (Linux). Returns 0 or an errno value.
 */
int fileio_remove_tree_at(int dirfd, const char *name);

/*
 * The random source of temporaries' names (64 random bits per call). A
 * test may replace it to make names predictable and plant them.
 */
extern uint64_t (*fileio_random)(void);

#endif
