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
#include "spotsim/util/fileio.h"
#include "spotsim/util/strbuf.h"
#include "spotsim/util/xalloc.h"

#include <csv.h>
#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

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

/* Feeds the open file `fd` to the parser, at most `max` bytes; 0 or a SPOTSIM_* code. */
static int feed_file(struct csv_parser *p, struct reader *r, const char *path, int fd, size_t max,
		     struct diag *d)
{
	char buf[65536];
	size_t total = 0;
	int rc = 0;
	while (!rc && !r->stop) {
		ssize_t n = read(fd, buf, sizeof(buf));
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			diag_error(d, path, NULL, "read error: %s", diag_strerror(errno));
			return SPOTSIM_EIO;
		}
		if (n == 0)
			break;
		total += (size_t)n;
		if (total > max) /* the file grew while read */
			return fileio_report(d, path, EFBIG, max);
		rc = feed(p, r, path, buf, (size_t)n, d);
	}
	return rc;
}

int csvio_read_capped(const char *path, size_t max_bytes, csvio_row_fn row, void *data,
		      struct diag *d)
{
	struct csv_parser p;
	struct reader r = {NULL, 0, 0, 0, row, data, 0};
	int err, rc;
	int fd = fileio_open_regular(path, max_bytes, &err);
	if (fd < 0)
		return fileio_report(d, path, err, max_bytes);
	if ((rc = start_parser(&p, path, d)) != 0) {
		close(fd);
		return rc;
	}
	rc = feed_file(&p, &r, path, fd, max_bytes, d);
	close(fd);
	return finish(&p, &r, path, rc, d);
}

int csvio_read(const char *path, csvio_row_fn row, void *data, struct diag *d)
{
	return csvio_read_capped(path, CSVIO_MAX_BYTES, row, data, d);
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

static void name_list(struct strbuf *sb, const char *const *names, int n)
{
	for (int i = 0; i < n; i++)
		strbuf_addf(sb, "%s%s", i ? ", " : "", names[i]);
}

static int name_index(const char *const *names, int count, const char *name)
{
	for (int i = 0; i < count; i++)
		if (!strcmp(name, names[i]))
			return i;
	return -1;
}

bool csvio_map_header(const char *path, const char *const *names, int count, int required,
		      const char *const *fields, size_t n, int *col, struct diag *d)
{
	size_t errors = d->errors;
	struct strbuf sb = STRBUF_INIT;
	for (int i = 0; i < count; i++)
		col[i] = -1;
	for (size_t i = 0; i < n; i++) {
		const char *name = fields[i];
		if (i == 0 && !strncmp(name, "\xEF\xBB\xBF", 3))
			name += 3;
		int c = name_index(names, count, name);
		if (c < 0) {
			strbuf_reset(&sb);
			name_list(&sb, names, count);
			diag_error(d, path, "line 1", "unknown column \"%s\" (accepted: %s)", name,
				   sb.buf);
		} else if (col[c] >= 0) {
			diag_error(d, path, "line 1", "column %s appears twice", name);
		} else {
			col[c] = (int)i;
		}
	}
	strbuf_reset(&sb);
	name_list(&sb, names, required);
	for (int c = 0; c < required; c++)
		if (col[c] < 0)
			diag_error(d, path, "line 1", "missing column %s (required: %s)", names[c],
				   sb.buf);
	strbuf_release(&sb);
	return d->errors == errors;
}
