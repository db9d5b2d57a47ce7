/*
 * loader_get — the shared bottom of the scenario loader (see loader_get.h):
 * reading the file, the error reporter and the value readers of the last
 * pass. Nothing here knows a section of the scenario.
 */
#include "loader_get.h"

#include "jsonio.h"
#include "scenario_schema.h"
#include "spotsim/util/error.h"
#include "spotsim/util/fileio.h"
#include "spotsim/util/xalloc.h"

#include <math.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>

#define MAX_FILE_BYTES ((long)FILEIO_INPUT_MAX)

/* ---- pass 1: reading the file ---- */

cJSON *scenario_parse_json(const char *path, struct diag *d, int *rc)
{
	cJSON *root = jsonio_parse_file(path, MAX_FILE_BYTES, d, rc);
	if (root && !cJSON_IsObject(root)) {
		diag_error(d, path, NULL, "the file holds %s (accepted: one JSON object)",
			   cJSON_IsArray(root) ? "an array" : "a single value");
		cJSON_Delete(root);
		root = NULL;
		*rc = SPOTSIM_EINVAL;
	}
	return root;
}

/* ---- reporting ---- */

void loader_err(struct loader *l, const char *path, const char *fmt, ...)
{
	struct strbuf sb = STRBUF_INIT;
	va_list ap;
	va_start(ap, fmt);
	strbuf_vaddf(&sb, fmt, ap);
	va_end(ap);
	diag_error(l->d, l->file, path, "%s", sb.buf);
	strbuf_release(&sb);
}

/* ---- value access for pass 3: NULL/defaults when absent or mistyped ---- */

const cJSON *loader_get(const cJSON *obj, const char *key)
{
	return cJSON_IsObject(obj) ? cJSON_GetObjectItemCaseSensitive(obj, key) : NULL;
}

bool loader_get_number(const cJSON *obj, const char *key, double *out)
{
	const cJSON *n = loader_get(obj, key);
	if (!cJSON_IsNumber(n) || !isfinite(n->valuedouble))
		return false;
	*out = n->valuedouble;
	return true;
}

const char *loader_get_string(const cJSON *obj, const char *key)
{
	const cJSON *n = loader_get(obj, key);
	return cJSON_IsString(n) ? n->valuestring : NULL;
}

bool loader_get_duration(const cJSON *obj, const char *key, sim_time *out)
{
	long long usec;
	const cJSON *n = loader_get(obj, key);
	if (!n || !schema_duration(n, &usec))
		return false;
	*out = usec;
	return true;
}

sim_time loader_seconds_or(const cJSON *obj, const char *key, sim_time fallback)
{
	double v;
	if (!loader_get_number(obj, key, &v) || v < 0 || v > 1e9)
		return fallback;
	return (sim_time)llround(v) * SIM_SEC;
}

bool loader_to_long(double v, double lo, double hi, long *out)
{
	/* checked before the conversion: a double outside long's range is never cast */
	if (!isfinite(v) || v != floor(v) || v < lo || v > hi || v < LOADER_LONG_MIN ||
	    v > LOADER_LONG_MAX)
		return false;
	*out = (long)v;
	return true;
}

/* An integer in [lo, hi] (as the schema checked it); false otherwise. */
bool loader_get_int(const cJSON *obj, const char *key, double lo, double hi, long *out)
{
	double v;
	return loader_get_number(obj, key, &v) && loader_to_long(v, lo, hi, out);
}

long loader_int_or(const cJSON *obj, const char *key, double lo, double hi, long fallback)
{
	long v;
	return loader_get_int(obj, key, lo, hi, &v) ? v : fallback;
}

/* ---- JSON paths for messages ---- */

/* "base.key", or "key" at the root of a policy file (cut at PATH_SIZE). */
const char *loader_join(char *buf, const char *base, const char *key)
{
	if (snprintf(buf, PATH_SIZE, "%s%s%s", base, *base ? "." : "", key) >= PATH_SIZE)
		buf[PATH_SIZE - 1] = '\0';
	return buf;
}

/* ---- files named in the scenario ---- */

/* A file named in the scenario must exist (relative to the scenario's folder). */
bool loader_check_file(struct loader *l, const cJSON *obj, const char *path)
{
	const char *file = loader_get_string(obj, "file");
	struct stat st;
	if (!file)
		return false;
	char *full = scenario_resolve(l->sc, file);
	bool found = stat(full, &st) == 0, ok = found && S_ISREG(st.st_mode);
	bool big = ok && (uintmax_t)st.st_size > (uintmax_t)FILEIO_INPUT_MAX;
	if (!found)
		loader_err(l, path,
			   "file \"%s\" not found (accepted: a path relative to the scenario's "
			   "folder, or absolute)",
			   full);
	else if (!ok)
		loader_err(l, path,
			   "\"%s\" is %s, not a file (accepted: a regular file of at most %zu MiB)",
			   full, S_ISDIR(st.st_mode) ? "a folder" : "a FIFO, device or socket",
			   FILEIO_INPUT_MAX >> 20);
	else if (big)
		loader_err(
		    l, path,
		    "\"%s\" is larger than the limit of %zu MiB (accepted: a regular file of "
		    "at most %zu MiB)",
		    full, FILEIO_INPUT_MAX >> 20, FILEIO_INPUT_MAX >> 20);
	free(full);
	return ok && !big;
}

char *scenario_resolve(const struct scenario *sc, const char *file)
{
	if (*file == '/' || !*sc->dir)
		return xstrdup(file);
	return xasprintf("%s/%s", sc->dir, file);
}

const char *loader_size_text(const cJSON *n, char *buf, size_t size)
{
	if (cJSON_IsString(n))
		return n->valuestring;
	if (cJSON_IsNumber(n)) {
		snprintf(buf, size, "%.17g", n->valuedouble);
		return buf;
	}
	return NULL;
}
