/* cli — helpers shared by the subcommands (see cli.h). */
#include "spotsim/cli/cli.h"

#include "spotsim/util/csvio.h"
#include "spotsim/util/error.h"
#include "spotsim/model/pricing.h"

#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

bool cli_parse_format(const char *text, enum out_format *out, bool allow_json)
{
	if (!strcmp(text, "table"))
		*out = FORMAT_TABLE;
	else if (!strcmp(text, "csv"))
		*out = FORMAT_CSV;
	else if (allow_json && !strcmp(text, "json"))
		*out = FORMAT_JSON;
	else
		return false;
	return true;
}

int cli_usage_error(const char *cmd, const char *option, const char *fmt, ...)
{
	va_list ap;
	fprintf(stderr, "spotsim %s: ", cmd);
	if (option)
		fprintf(stderr, "%s: ", option);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	return EXIT_USAGE;
}

bool cli_parse_long(const char *text, long min, long max, long *out)
{
	char *end;
	errno = 0;
	long v = strtol(text, &end, 10);
	if (end == text || *end || errno || v < min || v > max)
		return false;
	*out = v;
	return true;
}

bool cli_parse_double(const char *text, double min, double max, double *out)
{
	char *end;
	errno = 0;
	double v = strtod(text, &end);
	if (end == text || *end || errno || !isfinite(v) || v < min || v > max)
		return false;
	*out = v;
	return true;
}

void cli_put_csv_field(FILE *out, const char *s)
{
	csvio_write_field(out, s);
}

void cli_put_json_string(FILE *out, const char *s)
{
	fputc('"', out);
	for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
		if (*p == '"' || *p == '\\')
			fprintf(out, "\\%c", *p);
		else if (*p == '\n')
			fputs("\\n", out);
		else if (*p < 0x20)
			fprintf(out, "\\u%04x", *p);
		else
			fputc(*p, out);
	}
	fputc('"', out);
}

void cli_print_diag(const struct diag *d)
{
	diag_write(d, stderr);
}

const char *cli_display_path(const char *path, char *buf, size_t size)
{
	char cwd[PATH_MAX_DISPLAY];
	if (!path) {
		snprintf(buf, size, "(none)");
		return buf;
	}
	size_t n = getcwd(cwd, sizeof(cwd)) ? strlen(cwd) : 0;
	if (n && !strncmp(path, cwd, n) && path[n] == '/')
		path += n + 1;
	snprintf(buf, size, "%s", path);
	return buf;
}

int cli_load_prices(const char *cmd, const char *given, struct price_table *t)
{
	const char *path = given ? given : pricing_default_path();
	struct diag d;
	if (!path) {
		cli_usage_error(cmd, NULL,
				"no price table found (accepted: --prices FILE, or set "
				"SPOTSIM_PRICES)");
		return EXIT_RUNTIME;
	}
	diag_init(&d);
	int rc = pricing_load(t, path, &d);
	for (size_t i = 0; i < d.nr; i++) {
		char *line = diag_line(&d, i);
		fprintf(stderr, "spotsim %s: %s\n", cmd, line);
		free(line);
	}
	diag_release(&d);
	if (rc < 0)
		return given ? EXIT_USAGE : EXIT_RUNTIME;
	return EXIT_OK;
}
