/* diag — collected input problems (see diag.h). */
#include "spotsim/util/diag.h"

#include "spotsim/util/strbuf.h"
#include "spotsim/util/xalloc.h"

#include <ctype.h>
#include <stdarg.h>
#include <string.h>
#include <stdlib.h>

void diag_init(struct diag *d)
{
	d->items = NULL;
	d->nr = d->alloc = d->errors = 0;
}

void diag_release(struct diag *d)
{
	for (size_t i = 0; i < d->nr; i++) {
		free(d->items[i].file);
		free(d->items[i].path);
		free(d->items[i].msg);
	}
	free(d->items);
	diag_init(d);
}

/* Counts an error beyond DIAG_MAX_PER_FILE for `file`; false while it is to be listed. */
static bool dropped(struct diag *d, const char *file)
{
	size_t listed = 0;
	struct diag_item *summary = NULL;
	if (!file || !*file)
		return false;
	for (size_t i = 0; i < d->nr; i++) {
		struct diag_item *it = &d->items[i];
		if (it->level != DIAG_ERROR || strcmp(it->file, file))
			continue;
		if (it->more)
			summary = it;
		else
			listed++;
	}
	if (listed < DIAG_MAX_PER_FILE)
		return false;
	if (!summary) {
		XALLOC_GROW(d->items, d->nr + 1, d->alloc);
		summary = &d->items[d->nr++];
		*summary = (struct diag_item){DIAG_ERROR, xstrdup(file), xstrdup(""), NULL, 0};
	}
	summary->more++;
	free(summary->msg);
	summary->msg = xasprintf("%zu more error%s not listed (accepted: fix the first %d and "
				 "check again)",
				 summary->more, summary->more == 1 ? "" : "s", DIAG_MAX_PER_FILE);
	d->errors++;
	return true;
}

static void add(struct diag *d, enum diag_level level, const char *file, const char *path,
		const char *fmt, va_list ap)
{
	if (level == DIAG_ERROR && dropped(d, file))
		return;
	struct strbuf sb = STRBUF_INIT;
	strbuf_vaddf(&sb, fmt, ap);
	XALLOC_GROW(d->items, d->nr + 1, d->alloc);
	struct diag_item *it = &d->items[d->nr++];
	it->level = level;
	it->file = xstrdup(file ? file : "");
	it->path = xstrdup(path ? path : "");
	it->msg = strbuf_detach(&sb);
	it->more = 0;
	if (level == DIAG_ERROR)
		d->errors++;
}

void diag_error(struct diag *d, const char *file, const char *path, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	add(d, DIAG_ERROR, file, path, fmt, ap);
	va_end(ap);
}

void diag_note(struct diag *d, const char *file, const char *path, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	add(d, DIAG_NOTE, file, path, fmt, ap);
	va_end(ap);
}

void diag_warning(struct diag *d, const char *file, const char *path, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	add(d, DIAG_WARNING, file, path, fmt, ap);
	va_end(ap);
}

const char *diag_strerror(int errnum)
{
	static _Thread_local char buf[128];
	snprintf(buf, sizeof(buf), "%s", strerror(errnum));
	buf[0] = (char)tolower((unsigned char)buf[0]);
	return buf;
}

bool diag_failed(const struct diag *d)
{
	return d->errors > 0;
}

char *diag_line(const struct diag *d, size_t i)
{
	const struct diag_item *it = &d->items[i];
	struct strbuf sb = STRBUF_INIT;
	/* file names, paths and quoted values come from the user: nothing raw reaches a terminal */
	if (*it->file) {
		strbuf_add_printable(&sb, it->file);
		strbuf_adds(&sb, ": ");
	}
	if (*it->path) {
		strbuf_add_printable(&sb, it->path);
		strbuf_adds(&sb, ": ");
	}
	if (it->level == DIAG_WARNING)
		strbuf_adds(&sb, "warning: ");
	strbuf_add_printable(&sb, it->msg);
	return strbuf_detach(&sb);
}

void diag_write(const struct diag *d, FILE *out)
{
	for (size_t i = 0; i < d->nr; i++) {
		char *line = diag_line(d, i);
		fprintf(out, "%s%s\n", d->items[i].level == DIAG_NOTE ? "note: " : "", line);
		free(line);
	}
}
