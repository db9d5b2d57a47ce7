#ifndef SPOTSIM_DIAG_H
#define SPOTSIM_DIAG_H
/*
 * diag — problems found in user input, collected rather than thrown.
 *
 * Loaders do not stop at the first problem: they add one item per problem and
 * carry on, so a user fixes a file in one pass. Each item renders as one line:
 *
 *     FILE: JSON.PATH: what is wrong (accepted: what is accepted)
 *
 * FILE is the file name as the user typed it (or an option such as "--cpu"),
 * PATH is empty for problems that concern the whole file. Messages are
 * lowercase, subject first, without a final period (STYLE.md).
 *
 * Notes (DIAG_NOTE) are not errors: "ignored keys" lists and similar.
 * Warnings (DIAG_WARNING) are not errors either, but name something that is
 * valid and almost surely not meant; they render as
 * "FILE: JSON.PATH: warning: what". Only
 * main and the commands print diagnostics; modules only fill them in.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

enum diag_level {
	DIAG_ERROR,
	DIAG_NOTE,
	DIAG_WARNING
};

struct diag_item {
	enum diag_level level;
	char *file;  /* owned; may be "" */
	char *path;  /* owned; may be "" */
	char *msg;   /* owned: what is wrong, with what is accepted */
	size_t more; /* > 0: this item stands for that many errors not listed */
};

/*
 * At most DIAG_MAX_PER_FILE errors are kept for one file; the rest are
 * counted in one last item "FILE: N more errors not listed", so a file bad
 * in every row gives a screenful, not a line per row. They still count in
 * `errors`.
 */
#define DIAG_MAX_PER_FILE 10

struct diag {
	struct diag_item *items;
	size_t nr, alloc;
	size_t errors; /* number of DIAG_ERROR items */
};

void diag_init(struct diag *d);
void diag_release(struct diag *d);

/* Adds an error; `file` and `path` are borrowed and copied; may be NULL. */
void diag_error(struct diag *d, const char *file, const char *path, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
/* Adds a note (never counted as an error). */
void diag_note(struct diag *d, const char *file, const char *path, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

/* Adds a warning (never counted as an error; rendered with "warning: "). */
void diag_warning(struct diag *d, const char *file, const char *path, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

/* strerror(errnum) with a lowercase first letter, for messages (static storage). */
const char *diag_strerror(int errnum);

/* True when at least one error was added. */
bool diag_failed(const struct diag *d);

/* Returns the owned one-line rendering of item `i` (no newline). */
char *diag_line(const struct diag *d, size_t i);
/* Writes every item, one line each; notes are prefixed "note: ". */
void diag_write(const struct diag *d, FILE *out);

#endif
