/*
 * jsonio — JSON files into cJSON trees (see jsonio.h). The file is read
 * whole (the size is checked first), then parsed with cJSON, whose error
 * position is turned into a line and column.
 */
#include "jsonio.h"

#include "spotsim/util/error.h"
#include "spotsim/util/fileio.h"
#include "spotsim/util/xalloc.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char bom[] = "\xef\xbb\xbf";

static char *read_file(const char *path, long max_bytes, size_t *len, struct diag *d, int *rc)
{
	char *buf = NULL;
	*rc = fileio_read_input(path, max_bytes > 0 ? (size_t)max_bytes : 0, &buf, len, d);
	return buf;
}

static void syntax_error(struct diag *d, const char *path, const char *buf, const char *at)
{
	int line = 1, col = 1;
	char near[24];
	size_t n = 0;
	/* cJSON stops one past a key that does not open with a quote */
	if (at > buf && (at[-1] == '}' || (isalpha((unsigned char)at[-1]) && at - 1 > buf &&
					   strchr(" \t\n\r,{", at[-2]))))
		at--;
	for (const char *p = buf; p < at && *p; p++) {
		if (*p == '\n')
			line++, col = 1;
		else
			col++;
	}
	while (at[n] && at[n] != '\n' && n < 16) {
		near[n] = at[n];
		n++;
	}
	near[n] = '\0';
	if (!*at)
		diag_error(d, path, NULL,
			   "line %d, column %d: JSON syntax error: unexpected end of file "
			   "(accepted: one complete JSON object)",
			   line, col);
	else
		diag_error(d, path, NULL,
			   "line %d, column %d: JSON syntax error near \"%s\" (accepted: one "
			   "JSON object, double-quoted keys, no trailing commas or comments)",
			   line, col, near);
}

cJSON *jsonio_parse_text(const char *path, const char *text, size_t len, struct diag *d, int *rc)
{
	const char *end = NULL;
	if (strlen(text) != len) {
		diag_error(d, path, NULL, "contains a NUL byte (accepted: UTF-8 JSON text)");
		*rc = SPOTSIM_ESYNTAX;
		return NULL;
	}
	size_t skip = strncmp(text, bom, 3) ? 0 : 3;
	cJSON *root = cJSON_ParseWithLengthOpts(text + skip, len - skip + 1, &end, 1);
	if (!root) {
		syntax_error(d, path, text + skip, end ? end : text + len);
		*rc = SPOTSIM_ESYNTAX;
	}
	return root;
}

cJSON *jsonio_parse_file(const char *path, long max_bytes, struct diag *d, int *rc)
{
	size_t len = 0;
	char *buf = read_file(path, max_bytes, &len, d, rc);
	if (!buf)
		return NULL;
	cJSON *root = jsonio_parse_text(path, buf, len, d, rc);
	free(buf);
	return root;
}
