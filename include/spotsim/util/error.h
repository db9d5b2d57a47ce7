#ifndef SPOTSIM_ERROR_H
#define SPOTSIM_ERROR_H
/*
 * error — the one table of return codes.
 *
 * Commands return 0 or one of the negative codes below; the X-macro gives the
 * enum member, its name and its message together (as libuv does).
 */

#define SPOTSIM_ERRNO_MAP(X)                                                                       \
	X(EINVAL, -1, "invalid input")                                                             \
	X(ENOENT, -2, "no such file")                                                              \
	X(EIO, -3, "input/output error")                                                           \
	X(ERANGE, -4, "value out of range")                                                        \
	X(ENOTFOUND, -5, "not found")                                                              \
	X(ESYNTAX, -6, "syntax error")                                                             \
	X(EINTR, -7, "interrupted")

enum spotsim_errno {
	SPOTSIM_OK = 0,
#define X(name, code, msg) SPOTSIM_##name = (code),
	SPOTSIM_ERRNO_MAP(X)
#undef X
};

/* The message for `code` ("success" for 0, "unknown error" otherwise). */
const char *spotsim_strerror(int code);
/* The symbolic name for `code`, e.g. "EINVAL". */
const char *spotsim_err_name(int code);

/* Exit statuses chosen by main: success, runtime failure, usage or input error. */
enum {
	EXIT_OK = 0,
	EXIT_RUNTIME = 1,
	EXIT_USAGE = 2
};

#endif
