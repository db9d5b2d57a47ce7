/*
 * report — the CSV outputs of a run and its summary (see report.h). This
 * file holds the report's life: open, commit, abort, free; the rows, the
 * statistics and the printed text have their own files (report_internal.h
 * lists them).
 *
 * Representation: a report owns one `struct out_file` per CSV file, each
 * with its final path, an open FILE on the temporary and the slot of the
 * temporary's path in the table of temporaries (report_temp.c).
 * Invariants:
 *  - while a report is open (neither committed nor aborted) every file's
 *    temporary exists and its slot is in use;
 *  - no final name is created before report_commit, and a failed commit
 *    removes what it had renamed.
 */
#include "report_internal.h"

#include "spotsim/util/error.h"
#include "spotsim/util/xalloc.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static struct report *report_new(const char *dir, int64_t start_unix)
{
	struct report *r = xcalloc(1, sizeof(*r));
	size_t n = strlen(dir);

	while (n > 1 && dir[n - 1] == '/')
		n--;
	r->dir = xstrndup(dir, n);
	r->variant = xstrdup("base");
	r->start_unix = start_unix;
	for (int i = 0; i < FILE_COUNT; i++) {
		r->files[i].final = xasprintf("%s/%s", r->dir, report_file_names[i]);
		r->files[i].slot = -1;
	}
	report_summary_reset(r);
	return r;
}

static void report_destroy(struct report *r)
{
	for (int i = 0; i < FILE_COUNT; i++)
		free(r->files[i].final);
	free(r->dir);
	free(r->variant);
	free(r);
}

static int open_files(struct report *r, const char *dir, struct diag *d)
{
	int err = report_make_folder(r->dir);
	if (err) {
		diag_error(d, dir, NULL, "cannot create folder: %s", diag_strerror(err));
		return SPOTSIM_EIO;
	}
	for (int i = 0; i < FILE_COUNT; i++) {
		err = out_file_open(&r->files[i], r->dir, report_file_names[i]);
		if (err < 0) {
			diag_error(d, dir, NULL,
				   "too many reports open at once (accepted: %d files)",
				   REPORT_MAX_TEMPS);
			return SPOTSIM_ERANGE;
		}
		if (err) {
			diag_error(d, dir, NULL, "cannot write in folder: %s", diag_strerror(err));
			return SPOTSIM_EIO;
		}
	}
	return 0;
}

static int check_path(const char *dir, struct diag *d)
{
	/* room for "/.replications.csv.tmp." and a pid */
	if (!*dir || strlen(dir) + 48 >= REPORT_PATH_MAX) {
		diag_error(d, dir, NULL, "%s (accepted: a folder path of 1 to %d bytes)",
			   *dir ? "folder path too long" : "empty folder path",
			   REPORT_PATH_MAX - 48);
		return SPOTSIM_ERANGE;
	}
	return 0;
}

int report_open(struct report **out, const char *dir, int64_t start_unix, struct diag *d)
{
	struct report *r;
	int rc;

	*out = NULL;
	rc = check_path(dir, d);
	if (rc)
		return rc;
	r = report_new(dir, start_unix);
	rc = open_files(r, dir, d);
	if (rc) {
		report_abort(r);
		report_destroy(r);
		return rc;
	}
	report_stream_headers(r);
	report_stats_headers(r);
	*out = r;
	return 0;
}

void report_set_variant(struct report *r, const char *variant)
{
	free(r->variant);
	r->variant = xstrdup(variant);
}

const char *report_dir(const struct report *r)
{
	return r->dir;
}

/* Finishes every temporary; on failure adds the error to `d`. */
static int finish_all(struct report *r, struct diag *d)
{
	for (int i = 0; i < FILE_COUNT; i++) {
		struct out_file *of = &r->files[i];
		int err;

		if (of->slot < 0) {
			diag_error(d, of->final, NULL, "cannot write: the report was aborted");
			return SPOTSIM_EIO;
		}
		errno = 0;
		err = of->f ? out_file_finish(of) : 0;
		if (err) {
			diag_error(d, of->final, NULL, "cannot write: %s", diag_strerror(err));
			return SPOTSIM_EIO;
		}
	}
	return 0;
}

/* Renames every finished temporary; on failure unlinks the ones already renamed. */
static int rename_all(struct report *r, struct diag *d)
{
	int i;

	for (i = 0; i < FILE_COUNT; i++) {
		struct out_file *of = &r->files[i];
		int err = out_file_rename(of);

		if (err) {
			diag_error(d, of->final, NULL, "cannot rename the finished file: %s",
				   diag_strerror(err));
			break;
		}
	}
	if (i == FILE_COUNT)
		return 0;
	while (i-- > 0)
		unlink(r->files[i].final);
	return SPOTSIM_EIO;
}

int report_commit(struct report *r, struct diag *d)
{
	if (r->committed)
		return 0;
	if (finish_all(r, d) || rename_all(r, d)) {
		report_abort(r);
		return SPOTSIM_EIO;
	}
	r->committed = true;
	return 0;
}

void report_abort(struct report *r)
{
	if (!r)
		return;
	for (int i = 0; i < FILE_COUNT; i++)
		out_file_close(&r->files[i], true);
}

void report_free(struct report *r)
{
	if (!r)
		return;
	if (!r->committed)
		report_abort(r);
	report_destroy(r);
}
