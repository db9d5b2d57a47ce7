#ifndef SPOTSIM_STRBUF_H
#define SPOTSIM_STRBUF_H
/*
 * strbuf — a growable NUL-terminated string (git's strbuf, in small).
 *
 * Invariant: `buf` is never NULL after strbuf_init and always NUL-terminated;
 * `len` is strlen(buf). Storage is owned by the strbuf until strbuf_detach.
 */
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>

struct strbuf {
	size_t len;
	size_t alloc;
	char *buf;
};

#define STRBUF_INIT                                                                                \
	{                                                                                          \
		0, 0, strbuf_empty_                                                                \
	}
extern char strbuf_empty_[];

void strbuf_init(struct strbuf *sb);
void strbuf_release(struct strbuf *sb);
/* Returns the owned string and leaves `sb` empty. */
char *strbuf_detach(struct strbuf *sb);
void strbuf_reset(struct strbuf *sb);
void strbuf_add(struct strbuf *sb, const char *data, size_t len);
void strbuf_adds(struct strbuf *sb, const char *s);
/*
 * Appends `s` for a terminal: control bytes, DEL and bytes that are not
 * well-formed UTF-8 become \xHH; everything else is copied as it is.
 */
void strbuf_add_printable(struct strbuf *sb, const char *s);
/* Whether strbuf_add_printable would copy `s` unchanged. */
bool strbuf_is_printable(const char *s);
void strbuf_addch(struct strbuf *sb, char c);
void strbuf_addf(struct strbuf *sb, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void strbuf_vaddf(struct strbuf *sb, const char *fmt, va_list ap);

#endif
