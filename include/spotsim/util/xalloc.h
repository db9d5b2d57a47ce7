#ifndef SPOTSIM_XALLOC_H
#define SPOTSIM_XALLOC_H
/*
 * xalloc — the only door to the C allocator.
 *
 * spotsim is a batch tool: running out of memory is not an input error and
 * there is nothing sensible to do but stop. Every function here returns a
 * valid pointer or prints "spotsim: out of memory" and aborts. Callers never
 * check for NULL. `make lint` rejects raw malloc/calloc/realloc/strdup
 * anywhere else.
 */
#include <stddef.h>

/* Returns owned storage of `size` bytes (at least 1). */
void *xmalloc(size_t size);
/* Returns owned zeroed storage for `nmemb` objects of `size` bytes; checks overflow. */
void *xcalloc(size_t nmemb, size_t size);
/* Resizes `ptr` (may be NULL); the old pointer is dead afterwards. */
void *xrealloc(void *ptr, size_t size);
/* Returns an owned copy of `s`; xstrdup(NULL) returns NULL. */
char *xstrdup(const char *s);
/* Returns an owned copy of the first `n` bytes of `s`, NUL-terminated. */
char *xstrndup(const char *s, size_t n);
/* Returns an owned string formatted like printf. */
char *xasprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/*
 * Grow an array `x` of `nr` used elements to hold at least `want`,
 * `alloc` being its capacity (git's ALLOC_GROW).
 */
#define XALLOC_GROW(x, want, alloc)                                                                \
	do {                                                                                       \
		if ((want) > (alloc)) {                                                            \
			size_t xg_n_ = (alloc) ? (alloc)*2 : 8;                                    \
			if (xg_n_ < (want))                                                        \
				xg_n_ = (want);                                                    \
			(x) = xrealloc((x), xg_n_ * sizeof(*(x)));                                 \
			(alloc) = xg_n_;                                                           \
		}                                                                                  \
	} while (0)

#endif
