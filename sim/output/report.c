/*
 * report — the CSV outputs of a run and its summary (see report.h). This
 * file holds the report's life: open, finish, commit, abort, free; the
 * rows, the statistics and the printed text have their own files
 * (report_internal.h lists them).
 *
 * Representation: a report owns its output folder (struct outdir) and one
 * outdir file per CSV file, written in the staging folder.
 * Invariants:
 *  - while a report is open (neither finished nor aborted) every file is
 *    open for writing;
 *  - no final name changes before the outdir's commit; a failed commit
 *    leaves the folder as it was (outdir.h).
 */
#include "report_internal.h"

#include "spotsim/util/error.h"
#include "spotsim/util/xalloc.h"

#include <stdlib.h>
#include <string.h>

static int open_files(struct report *r, const char *dir, struct diag *d)
{
	for (int i = 0; i < FILE_COUNT; i++) {
		int err = outdir_file_create(r->out, report_file_names[i], &r->files[i]);
		if (err) {
			diag_error(d, dir, NULL, "cannot write in folder: %s", diag_strerror(err));
			return SPOTSIM_EIO;
		}
	}
	return 0;
}

int report_open(struct report **out, const char *dir, int64_t start_unix, struct diag *d)
{
	struct report *r;
	int rc;

	*out = NULL;
	r = xcalloc(1, sizeof(*r));
	rc = outdir_open(&r->out, dir, d);
	if (!rc)
		rc = open_files(r, dir, d);
	if (rc) {
		report_free(r);
		return rc;
	}
	r->variant = xstrdup("base");
	r->start_unix = start_unix;
	report_summary_reset(r);
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
	return outdir_path(r->out);
}

struct outdir *report_outdir(struct report *r)
{
	return r->out;
}

int report_finish(struct report *r, struct diag *d)
{
	if (r->finished)
		return 0;
	if (r->aborted) {
		diag_error(d, report_dir(r), NULL, "cannot write: the report was aborted");
		return SPOTSIM_EIO;
	}
	for (int i = 0; i < FILE_COUNT; i++) {
		char *final = xasprintf("%s/%s", report_dir(r), report_file_names[i]);
		int err = outdir_file_close(r->out, &r->files[i]);
		if (err)
			diag_error(d, final, NULL, "cannot write: %s", diag_strerror(err));
		free(final);
		if (err) {
			report_abort(r);
			return SPOTSIM_EIO;
		}
	}
	r->finished = true;
	return 0;
}

int report_commit(struct report *r, struct diag *d)
{
	int rc;

	if (r->committed)
		return 0;
	rc = report_finish(r, d);
	if (!rc)
		rc = outdir_commit(r->out, d);
	if (rc) {
		report_abort(r);
		return SPOTSIM_EIO;
	}
	r->committed = true;
	return 0;
}

void report_abort(struct report *r)
{
	if (!r || r->committed)
		return;
	for (int i = 0; i < FILE_COUNT; i++)
		outdir_file_discard(r->out, &r->files[i]);
	outdir_abort(r->out);
	r->aborted = true;
}

void report_free(struct report *r)
{
	if (!r)
		return;
	if (r->out)
		report_abort(r);
	outdir_free(r->out);
	free(r->variant);
	free(r);
}

void report_remove_temps(void)
{
	outdir_remove_temps();
}
