#ifndef SPOTSIM_OUTDIR_H
#define SPOTSIM_OUTDIR_H
/*
 * outdir — an output folder being written: every new file is made in a
 * private staging folder inside it, and one commit puts them all in place.
 *
 * What a run guarantees about its folder (README, "Output files and
 * safety"):
 *  - nothing is written through a symbolic link: every temporary is new
 *    (O_EXCL, a random name, fileio.h), the staging folder is private
 *    (mode 0700, a random name), and final names are replaced by rename,
 *    which replaces a symbolic link rather than following it; the folder
 *    `plots` is opened with O_NOFOLLOW, a symbolic link there is refused;
 *  - no final name ever holds a partial file: a file is staged only once
 *    it is complete (flushed, synced, closed without error, and for a
 *    figure, checked), and it reaches its final name by rename(2);
 *  - a previous output is never removed before its replacement exists: the
 *    rename replaces it in one step;
 *  - the folder does not mix two runs: every name spotsim gives (the
 *    commit's "claims") is either replaced by this run's file or, when
 *    this run has none, removed, in the same commit; no other file of the
 *    folder is ever touched;
 *  - a failed commit puts back what it had changed (below), so a failure
 *    leaves the previous outputs as they were;
 *  - temporaries of a killed process (".spotsim-tmp.PID.RANDOM", whose PID
 *    no longer runs) are removed by the next outdir_open of that folder.
 *
 * Layout, S being DIR/.spotsim-tmp.PID.RANDOM (fileio.h):
 *
 *     S/NAME, S/plots/NAME    staged files, under their final names, so
 *                             that S reads as an output folder (spotsim run
 *                             draws its plots from S before committing)
 *     S/.part.N               a file being written (outdir_file)
 *     S/.scratch/             files that never become outputs (the data
 *                             gnuplot reads)
 *     S/.old/N                during a commit: the previous version of
 *                             claim N, to put back if the commit fails
 *
 * The commit. Claims are taken in the order they were first made. Before
 * anything changes: the final folder `plots` is created if a plots/ file
 * is staged (and must be a folder, not a symbolic link), and no staged
 * file's final name may be a folder. Then, for each claim whose final name
 * exists, a hard link to it is made in S/.old (where links cannot be made,
 * that claim cannot be put back; see below). Then each claim is applied:
 * a staged file is renamed over its final name; an unstaged claim's old
 * file is renamed into S/.old (removed from the folder). If a step fails,
 * the steps already made are undone in reverse order: the old versions are
 * renamed back over the final names, the new files without an old version
 * are removed. The commit then returns SPOTSIM_EIO with one error naming
 * the file and the reason, and the folder is as before. Only when an undo
 * step fails too, or a claim had no link in S/.old, does the folder keep
 * some new files: then a second error lists exactly which names are new,
 * which are the previous versions, which were removed and which are
 * missing, and outdir_mixed is true. After a successful commit, S (with
 * the old versions) is removed and the folder synced.
 *
 * The commit is not cut by a signal only if the caller blocks the signals
 * around it (spotsim run and spotsim plot do). A process killed during a
 * commit (SIGKILL, power loss) may leave some names new and the rest old:
 * no file system offers renaming several names in one step.
 *
 * Signals: each open outdir's staging folder is kept in a fixed table
 * (descriptor and name, no allocation), so outdir_remove_temps can remove
 * them from a signal handler with async-signal-safe calls only.
 *
 * Errors: functions that return an int return 0 or an errno value, unless
 * they take a `struct diag`, in which case they return 0 or SPOTSIM_* after
 * adding an error that names the file.
 */
#include <stdbool.h>
#include <stdio.h>

#include "spotsim/util/diag.h"

/* The longest folder path accepted, with room for the names inside it. */
#define OUTDIR_PATH_MAX 4096
/* Output folders open at once in one process (for the signal table). */
#define OUTDIR_MAX_OPEN 8

struct outdir;

/* A file being written into the staging folder. */
struct outdir_file {
	FILE *f;    /* open for writing; NULL once closed or discarded */
	char *name; /* owned: the final name, relative to the folder */
	char part[24];
};

/*
 * Creates the folder `dir` (borrowed; like mkdir -p), removes the
 * temporaries killed processes left in it, and makes the staging folder.
 * On success *out is owned; on failure it is NULL, nothing is left in the
 * folder, and `d` holds one error naming the folder:
 *     /proc/x: cannot create folder: no such file or directory
 *     out/web: cannot write in folder: permission denied
 * Returns 0, SPOTSIM_EIO, or SPOTSIM_ERANGE for a path that is empty or
 * too long, or when OUTDIR_MAX_OPEN folders are already open.
 */
int outdir_open(struct outdir **out, const char *dir, struct diag *d);

/* The folder as given, without trailing slashes (borrowed). */
const char *outdir_path(const struct outdir *o);
/* The staging folder's path, DIR/.spotsim-tmp.PID.RANDOM (borrowed). */
const char *outdir_staging(const struct outdir *o);

/*
 * Claims `name` (borrowed; "report.html", "plots/tasks.png": at most one
 * folder, spotsim's own names only): the commit replaces it with the
 * staged file of that name or, when there is none, removes it. A staged
 * file is claimed already.
 */
void outdir_claim(struct outdir *o, const char *name);

/*
 * Starts file `name` (claimed) in the staging folder, as S/.part.N created
 * with O_EXCL|O_NOFOLLOW. Returns 0 or an errno value.
 */
int outdir_file_create(struct outdir *o, const char *name, struct outdir_file *of);
/* The path of the file being written, for another program to write (owned). */
char *outdir_file_path(const struct outdir *o, const struct outdir_file *of);
/*
 * Flushes, syncs (the data another program wrote too) and closes the file,
 * then stages it as S/NAME, replacing a file staged earlier under that
 * name. On any error the file is removed and not staged. Returns 0 or an
 * errno value.
 */
int outdir_file_close(struct outdir *o, struct outdir_file *of);
/* Closes and removes the file; its name stays claimed. No-op when closed. */
void outdir_file_discard(struct outdir *o, struct outdir_file *of);

/* Copies the file `from` into the staging folder as `name`; 0 or an errno value. */
int outdir_copy(struct outdir *o, const char *name, const char *from);

/* Removes the staged file `name`; the claim stays, so the commit removes the old one. */
void outdir_drop(struct outdir *o, const char *name);
/* True when `name` is staged. */
bool outdir_staged(const struct outdir *o, const char *name);

/* The scratch folder S/.scratch (created on the first call; borrowed), or NULL with *err set. */
const char *outdir_scratch(struct outdir *o, int *err);

/*
 * Commits every claim as described above. Returns 0, or SPOTSIM_EIO after
 * adding errors to `d`: the folder holds what it held before, unless
 * outdir_mixed says otherwise. A second commit is a no-op. Files still
 * being written are an error.
 */
int outdir_commit(struct outdir *o, struct diag *d);
/* True after a commit that failed and could not put every previous file back. */
bool outdir_mixed(const struct outdir *o);

/* Removes the staging folder and what it holds; the outdir can no longer commit. */
void outdir_abort(struct outdir *o);
/* Aborts `o` unless committed, closes its descriptors and frees it. NULL is a no-op. */
void outdir_free(struct outdir *o);

/*
 * Removes the staging folder of every open outdir with async-signal-safe
 * calls only. The outdirs stay allocated; a commit after it fails.
 */
void outdir_remove_temps(void);

/*
 * The two calls the commit makes to move and link files (renameat and
 * linkat by default). A test replaces them to make a step fail.
 */
extern int (*outdir_renameat)(int olddirfd, const char *oldname, int newdirfd, const char *newname);
extern int (*outdir_linkat)(int olddirfd, const char *oldname, int newdirfd, const char *newname,
			    int flags);

#endif
