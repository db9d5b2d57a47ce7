/*
 * csvio — libcsv adapter (see csvio.h).
 *
 * libcsv is a push parser: we feed it the file in blocks and it calls back
 * once per field and once per record end. Fields are collected into a
 * growing array of owned strings and handed to the caller's row callback at
 * each record end.
 */
#include "spotsim/util/csvio.h"

#include "spotsim/util/error.h"
#include "spotsim/util/xalloc.h"

#include <csv.h>
#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

struct reader {
	char **fields;
	size_t nr, alloc;
	size_t record;
	csvio_row_fn row;
	void *data;
	int stop; /* non-zero once the callback asked to stop */
};

static void clear_fields(struct reader *r)
{
	for (size_t i = 0; i < r->nr; i++)
		free(r->fields[i]);
	r->nr = 0;
}

static void on_field(void *s, size_t len, void *data)
{
	struct reader *r = data;
	XALLOC_GROW(r->fields, r->nr + 1, r->alloc);
	r->fields[r->nr++] = xstrndup(s ? s : "", s ? len : 0);
}

static void on_record(int c, void *data)
{
	struct reader *r = data;
	(void)c;
	r->record++;
	/* a blank line arrives as one empty field: skip it */
	bool blank = r->nr == 1 && r->fields[0][0] == '\0';
	if (!r->stop && r->nr && !blank)
		r->stop = r->row((const char *const *)r->fields, r->nr, r->record, r->data);
	clear_fields(r);
}

static int start_parser(struct csv_parser *p, const char *name, struct diag *d)
{
	if (csv_init(p, CSV_STRICT | CSV_STRICT_FINI | CSV_APPEND_NULL) == 0)
		return 0;
	diag_error(d, name, NULL, "cannot start the CSV parser");
	return SPOTSIM_EIO;
}

/* Feeds one block; SPOTSIM_ESYNTAX after a diagnostic when it is not CSV. */
static int feed(struct csv_parser *p, struct reader *r, const char *name, const char *buf, size_t n,
		struct diag *d)
{
	if (csv_parse(p, buf, n, on_field, on_record, r) == n)
		return 0;
	diag_error(d, name, NULL, "malformed CSV near record %zu: %s", r->record + 1,
		   csv_strerror(csv_error(p)));
	return SPOTSIM_ESYNTAX;
}

/* Ends the parse (the last record may lack its newline) and frees the parser and fields. */
static int finish(struct csv_parser *p, struct reader *r, const char *name, int rc, struct diag *d)
{
	if (!rc && !r->stop && csv_fini(p, on_field, on_record, r) != 0) {
		diag_error(d, name, NULL, "malformed CSV at end of file: %s",
			   csv_strerror(csv_error(p)));
		rc = SPOTSIM_ESYNTAX;
	}
	csv_free(p);
	clear_fields(r);
	free(r->fields);
	return rc ? rc : r->stop;
}

int csvio_read(const char *path, csvio_row_fn row, void *data, struct diag *d)
{
	struct csv_parser p;
	struct reader r = {NULL, 0, 0, 0, row, data, 0};
	char buf[65536];
	size_t n;
	int rc = 0;

	FILE *f = fopen(path, "rb");
	if (!f) {
		diag_error(d, path, NULL, "cannot open file: %s (accepted: a readable file)",
			   diag_strerror(errno));
		return errno == ENOENT ? SPOTSIM_ENOENT : SPOTSIM_EIO;
	}
	if ((rc = start_parser(&p, path, d)) != 0) {
		fclose(f);
		return rc;
	}
	while (!rc && !r.stop && (n = fread(buf, 1, sizeof(buf), f)) > 0)
		rc = feed(&p, &r, path, buf, n, d);
	if (!rc && ferror(f)) {
		diag_error(d, path, NULL, "read error: %s", diag_strerror(errno));
		rc = SPOTSIM_EIO;
	}
	fclose(f);
	return finish(&p, &r, path, rc, d);
}

int csvio_parse(const char *name, const char *text, size_t len, csvio_row_fn row, void *data,
		struct diag *d)
{
	struct csv_parser p;
	struct reader r = {NULL, 0, 0, 0, row, data, 0};
	int rc = start_parser(&p, name, d);
	if (rc)
		return rc;
	/* in blocks, so a callback that asks to stop is heard soon */
	for (size_t at = 0; !rc && !r.stop && at < len; at += 65536)
		rc = feed(&p, &r, name, text + at, len - at < 65536 ? len - at : 65536, d);
	return finish(&p, &r, name, rc, d);
}

void csvio_write_field(FILE *out, const char *s)
{
	/* plain fields stay plain so the files diff and read well */
	if (strpbrk(s, ",\"\r\n") || (*s && (s[0] == ' ' || s[strlen(s) - 1] == ' ')))
		csv_fwrite(out, s, strlen(s));
	else
		fputs(s, out);
}
