/*
 * scenario_schema — the walker that checks a cJSON tree against a schema
 * table (see scenario_schema.h). The tables themselves are in
 * scenario_tables.c.
 *
 * The walker never stops at the first problem: each node is checked on its
 * own and problems are added to the diag, so one pass reports everything.
 * The JSON path is kept in one strbuf that grows on the way down and is cut
 * back on the way up.
 */
#include "scenario_schema.h"

#include "spotsim/engine/dist.h"
#include "spotsim/model/fargate.h"
#include "spotsim/engine/simtime.h"
#include "spotsim/util/xalloc.h"

#include <ctype.h>
#include <float.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void swalk_init(struct swalk *w, const char *file, const char *dir, struct diag *d)
{
	w->file = file;
	w->dir = dir;
	w->d = d;
	strbuf_init(&w->path);
	strbuf_init(&w->ignored);
	w->nignored = 0;
}

void swalk_release(struct swalk *w)
{
	strbuf_release(&w->path);
	strbuf_release(&w->ignored);
}

size_t swalk_push_key(struct swalk *w, const char *key)
{
	size_t len = w->path.len;
	if (w->path.len)
		strbuf_addch(&w->path, '.');
	strbuf_adds(&w->path, key);
	return len;
}

size_t swalk_push_index(struct swalk *w, int i)
{
	size_t len = w->path.len;
	strbuf_addf(&w->path, "[%d]", i);
	return len;
}

void swalk_pop(struct swalk *w, size_t len)
{
	w->path.len = len;
	if (w->path.alloc)
		w->path.buf[len] = '\0';
}

void swalk_error(struct swalk *w, const char *fmt, ...)
{
	struct strbuf sb = STRBUF_INIT;
	va_list ap;
	va_start(ap, fmt);
	strbuf_vaddf(&sb, fmt, ap);
	va_end(ap);
	diag_error(w->d, w->file, w->path.buf, "%s", sb.buf);
	strbuf_release(&sb);
}

/* Case-insensitive edit distance, capped: enough for "did you mean". */
static size_t distance(const char *a, const char *b)
{
	size_t la = strlen(a), lb = strlen(b);
	if (la > 63 || lb > 63)
		return 99;
	size_t row[64];
	for (size_t j = 0; j <= lb; j++)
		row[j] = j;
	for (size_t i = 1; i <= la; i++) {
		size_t diag = row[0];
		row[0] = i;
		for (size_t j = 1; j <= lb; j++) {
			size_t up = row[j];
			size_t cost =
			    tolower((unsigned char)a[i - 1]) != tolower((unsigned char)b[j - 1]);
			size_t best = diag + cost;
			if (row[j] + 1 < best)
				best = row[j] + 1;
			if (row[j - 1] + 1 < best)
				best = row[j - 1] + 1;
			row[j] = best;
			diag = up;
		}
	}
	return row[lb];
}

const char *schema_did_you_mean(const char *word, const char *const *candidates)
{
	const char *best = NULL;
	size_t best_d = 99, limit = strlen(word) / 3 + 1;
	if (limit < 2)
		limit = 2;
	for (size_t i = 0; candidates[i]; i++) {
		size_t dd = distance(word, candidates[i]);
		if (dd < best_d) {
			best_d = dd;
			best = candidates[i];
		}
	}
	return best_d <= limit ? best : NULL;
}

bool schema_duration(const cJSON *node, long long *usec)
{
	sim_time t;
	if (cJSON_IsNumber(node)) {
		if (simtime_from_seconds(node->valuedouble, &t))
			return false;
	} else if (cJSON_IsString(node)) {
		if (simtime_parse(node->valuestring, &t))
			return false;
	} else {
		return false;
	}
	*usec = t;
	return true;
}

static const char *type_name(const cJSON *n)
{
	if (cJSON_IsObject(n))
		return "an object";
	if (cJSON_IsArray(n))
		return "an array";
	if (cJSON_IsString(n))
		return "a string";
	if (cJSON_IsNumber(n))
		return "a number";
	if (cJSON_IsBool(n))
		return "a boolean";
	if (cJSON_IsNull(n))
		return "null";
	return "a value";
}

static const char *kind_wants(const struct sfield *f)
{
	switch (f->kind) {
	case S_OBJECT:
		return "an object";
	case S_ARRAY:
		return "an array";
	case S_STRING:
	case S_ENUM:
	case S_CLOCK:
	case S_TIMESTAMP:
		return "a string";
	case S_NUMBER:
	case S_NUM_NULL:
		return "a number";
	case S_INTEGER:
		return "a whole number";
	case S_BOOL:
		return "true or false";
	case S_DURATION:
		return "a duration such as 90, \"90s\", \"5m\" or \"2h\"";
	case S_DIST:
		return "a distribution such as \"5s\" or \"lognormal(12s, 0.3)\"";
	case S_CPU:
		return "CPU units such as \"1024\" or \"1 vCPU\"";
	case S_MEMORY:
		return "MiB such as \"2048\" or \"2 GB\"";
	case S_OBJ_OR_ARR:
		return "an object or an array of objects";
	case S_ANY:
		break;
	}
	return "a value";
}

static void wrong_type(struct swalk *w, const struct sfield *f, const cJSON *n)
{
	swalk_error(w, "is %s (accepted: %s)", type_name(n), kind_wants(f));
}

/* A field's upper bound; one without its own gets SCHEMA_NUMBER_MAX, so sums stay finite. */
static double field_max(const struct sfield *f)
{
	return f->max > f->min ? f->max : SCHEMA_NUMBER_MAX;
}

static void format_range(char *buf, size_t size, const struct sfield *f)
{
	snprintf(buf, size, "%.16g to %.16g", f->min, field_max(f));
}

static void check_number(struct swalk *w, const struct sfield *f, const cJSON *n)
{
	double v = n->valuedouble;
	char range[64];
	format_range(range, sizeof(range), f);
	if (!isfinite(v)) {
		swalk_error(w, "is too large to be a finite number (accepted: %s)", range);
		return;
	}
	if (v != 0 && fabs(v) < DBL_MIN) {
		swalk_error(w,
			    "%g is too small to compute with (accepted: %s, and 0 or a magnitude "
			    "of at least 2.2e-308)",
			    v, range);
		return;
	}
	if (f->kind == S_INTEGER && v != floor(v)) {
		swalk_error(w, "%g is not a whole number (accepted: a whole number, %s)", v, range);
		return;
	}
	if (v < f->min || v > field_max(f))
		swalk_error(w, "%g is out of range (accepted: %s)", v, range);
}

static void check_duration(struct swalk *w, const struct sfield *f, const cJSON *n)
{
	long long usec;
	if (!cJSON_IsNumber(n) && !cJSON_IsString(n)) {
		wrong_type(w, f, n);
		return;
	}
	if (!schema_duration(n, &usec)) {
		if (cJSON_IsString(n))
			swalk_error(w, "\"%s\" is not a duration (accepted: %s)", n->valuestring,
				    kind_wants(f));
		else
			swalk_error(w, "%g is not a duration (accepted: 0 or more seconds)",
				    n->valuedouble);
		return;
	}
	double s = (double)usec / 1e6;
	if (s < f->min || (f->max > f->min && s > f->max)) {
		char range[64];
		format_range(range, sizeof(range), f);
		swalk_error(w, "%gs is out of range (accepted: %s seconds)", s, range);
	}
}

static void check_dist(struct swalk *w, const struct sfield *f, const cJSON *n)
{
	struct strbuf why = STRBUF_INIT;
	struct dist dd;
	if (cJSON_IsNumber(n)) {
		if (!isfinite(n->valuedouble) || n->valuedouble < 0)
			swalk_error(w, "%g is not a duration (accepted: 0 or more seconds)",
				    n->valuedouble);
		return;
	}
	if (!cJSON_IsString(n)) {
		wrong_type(w, f, n);
		return;
	}
	if (dist_parse(n->valuestring, w->dir, &dd, &why) == 0)
		dist_release(&dd);
	else
		swalk_error(w, "%s", why.buf);
	strbuf_release(&why);
}

static bool in_list(const char *word, const char *list)
{
	size_t n = strlen(word);
	for (const char *p = list; *p;) {
		const char *end = strchr(p, ',');
		size_t len = end ? (size_t)(end - p) : strlen(p);
		if (len == n && !strncmp(p, word, n))
			return true;
		if (!end)
			break;
		p = end + 1;
		while (*p == ' ')
			p++;
	}
	return false;
}

static void check_enum(struct swalk *w, const struct sfield *f, const cJSON *n)
{
	if (!cJSON_IsString(n)) {
		wrong_type(w, f, n);
		return;
	}
	if (!in_list(n->valuestring, f->accepted))
		swalk_error(w, "unknown value \"%s\" (accepted: %s)", n->valuestring, f->accepted);
}

static void check_clock(struct swalk *w, const struct sfield *f, const cJSON *n)
{
	unsigned h, m;
	int used = 0;
	if (!cJSON_IsString(n)) {
		wrong_type(w, f, n);
		return;
	}
	if (sscanf(n->valuestring, "%2u:%2u%n", &h, &m, &used) != 2 ||
	    n->valuestring[used] != '\0' || h > 23 || m > 59)
		swalk_error(w, "\"%s\" is not a time of day (accepted: HH:MM from 00:00 to 23:59)",
			    n->valuestring);
}

static void check_timestamp(struct swalk *w, const struct sfield *f, const cJSON *n)
{
	int y, mo, d, h, mi, s, used = 0;
	if (!cJSON_IsString(n)) {
		wrong_type(w, f, n);
		return;
	}
	/* `accepted` names a word allowed besides a date ("start": "trace") */
	if (f->accepted && !strcmp(n->valuestring, f->accepted))
		return;
	if (sscanf(n->valuestring, "%4d-%2d-%2dT%2d:%2d:%2dZ%n", &y, &mo, &d, &h, &mi, &s, &used) !=
		6 ||
	    n->valuestring[used] != '\0' || used != 20 || mo < 1 || mo > 12 || d < 1 || d > 31 ||
	    h > 23 || mi > 59 || s > 59 || y < 1970)
		swalk_error(w,
			    "\"%s\" is not a UTC date and time (accepted: YYYY-MM-DDTHH:MM:SSZ, "
			    "e.g. \"2026-03-02T00:00:00Z\"%s%s%s)",
			    n->valuestring, f->accepted ? ", or \"" : "",
			    f->accepted ? f->accepted : "", f->accepted ? "\"" : "");
}

static void check_value(struct swalk *w, const struct sfield *f, const cJSON *n);

static void check_array(struct swalk *w, const struct sfield *f, const cJSON *n)
{
	struct sfield elem = {f->key, f->elem, f->min, f->max, f->accepted, f->sub, S_ANY, 0};
	int i = 0;
	const cJSON *it;
	if (!cJSON_IsArray(n)) {
		wrong_type(w, f, n);
		return;
	}
	if (f->elem == S_NUMBER || f->elem == S_INTEGER)
		elem.min = f->min, elem.max = f->max;
	cJSON_ArrayForEach(it, n)
	{
		size_t len = swalk_push_index(w, i++);
		/* elements of any kind: those that are objects still follow the schema */
		if (f->elem == S_ANY && f->sub && cJSON_IsObject(it))
			swalk_object(w, f->sub, it);
		else
			check_value(w, &elem, it);
		swalk_pop(w, len);
	}
}

static void check_value(struct swalk *w, const struct sfield *f, const cJSON *n)
{
	switch (f->kind) {
	case S_ANY:
		if (f->sub && cJSON_IsObject(n)) /* an element that may be an object or not */
			swalk_object(w, f->sub, n);
		return;
	case S_OBJECT:
		if (!cJSON_IsObject(n))
			wrong_type(w, f, n);
		else if (f->sub)
			swalk_object(w, f->sub, n);
		return;
	case S_OBJ_OR_ARR:
		if (cJSON_IsObject(n)) {
			swalk_object(w, f->sub, n);
		} else if (cJSON_IsArray(n)) {
			struct sfield one = *f;
			one.kind = S_ARRAY;
			one.elem = S_OBJECT;
			check_array(w, &one, n);
		} else {
			wrong_type(w, f, n);
		}
		return;
	case S_ARRAY:
		check_array(w, f, n);
		return;
	case S_STRING:
		if (!cJSON_IsString(n))
			wrong_type(w, f, n);
		else if (f->flags & F_REQUIRED && !*n->valuestring)
			swalk_error(w, "is empty (accepted: %s)",
				    f->accepted ? f->accepted : "a non-empty string");
		return;
	case S_NUMBER:
	case S_INTEGER:
		if (!cJSON_IsNumber(n))
			wrong_type(w, f, n);
		else
			check_number(w, f, n);
		return;
	case S_NUM_NULL:
		if (!cJSON_IsNull(n) && !cJSON_IsNumber(n))
			swalk_error(w, "is %s (accepted: a number or null)", type_name(n));
		else if (cJSON_IsNumber(n) &&
			 (!isfinite(n->valuedouble) ||
			  (n->valuedouble != 0 && fabs(n->valuedouble) < DBL_MIN) ||
			  fabs(n->valuedouble) > SCHEMA_NUMBER_MAX))
			swalk_error(w,
				    "%g is out of range (accepted: a number from -%.16g to %.16g, "
				    "or null)",
				    n->valuedouble, SCHEMA_NUMBER_MAX, SCHEMA_NUMBER_MAX);
		return;
	case S_BOOL:
		if (!cJSON_IsBool(n))
			wrong_type(w, f, n);
		return;
	case S_DURATION:
		check_duration(w, f, n);
		return;
	case S_DIST:
		check_dist(w, f, n);
		return;
	case S_ENUM:
		check_enum(w, f, n);
		return;
	case S_CLOCK:
		check_clock(w, f, n);
		return;
	case S_TIMESTAMP:
		check_timestamp(w, f, n);
		return;
	case S_CPU:
	case S_MEMORY:
		/* values are checked against the Fargate table by the loader */
		if (!cJSON_IsString(n) && !cJSON_IsNumber(n))
			wrong_type(w, f, n);
		return;
	}
}

static const struct sfield *find_field(const struct sfield *fields, const char *key)
{
	for (const struct sfield *f = fields; f && f->key; f++)
		if (!strcmp(f->key, key))
			return f;
	return NULL;
}

/* The case chosen by the tag, after checking the tag; NULL when it is unusable. */
static const struct scase *pick_case(struct swalk *w, const struct sschema *s, const cJSON *obj)
{
	struct strbuf accepted = STRBUF_INIT;
	const struct scase *found = NULL;
	const cJSON *tag = cJSON_GetObjectItemCaseSensitive(obj, s->tag);

	for (const struct scase *c = s->cases; c->value; c++)
		strbuf_addf(&accepted, "%s%s", c == s->cases ? "" : ", ", c->value);
	if (!tag) {
		swalk_error(w, "missing key \"%s\" (accepted: %s)", s->tag, accepted.buf);
	} else if (!cJSON_IsString(tag)) {
		size_t len = swalk_push_key(w, s->tag);
		swalk_error(w, "is %s (accepted: %s)", type_name(tag), accepted.buf);
		swalk_pop(w, len);
	} else {
		for (const struct scase *c = s->cases; c->value && !found; c++)
			if (!strcmp(c->value, tag->valuestring))
				found = c;
		if (!found) {
			size_t len = swalk_push_key(w, s->tag);
			swalk_error(w, "unknown value \"%s\" (accepted: %s)", tag->valuestring,
				    accepted.buf);
			swalk_pop(w, len);
		}
	}
	strbuf_release(&accepted);
	return found;
}

/* Another case that has this key, so the message can say it does not apply. */
static const struct scase *case_with_key(const struct sschema *s, const char *key)
{
	for (const struct scase *c = s->cases; s->tag && c->value; c++)
		if (find_field(c->fields, key))
			return c;
	return NULL;
}

static bool in_names(const char *key, const char *const *names)
{
	for (size_t i = 0; names && names[i]; i++)
		if (!strcmp(names[i], key))
			return true;
	return false;
}

/* The keys an object of `s` (case `c`) reads, then AWS's own that it ignores; NULL-terminated. */
static const char **collect_names(const struct sschema *s, const struct scase *c, size_t *nread)
{
	size_t n = 0, max = 2;
	for (const struct sfield *f = s->fields; f && f->key; f++)
		max++;
	for (const struct sfield *f = c ? c->fields : NULL; f && f->key; f++)
		max++;
	for (size_t i = 0; s->ignored && s->ignored[i]; i++)
		max++;
	const char **out = xcalloc(max, sizeof(*out));
	for (const struct sfield *f = s->fields; f && f->key; f++)
		out[n++] = f->key;
	for (const struct sfield *f = c ? c->fields : NULL; f && f->key; f++)
		out[n++] = f->key;
	if (s->tag)
		out[n++] = s->tag;
	*nread = n;
	for (size_t i = 0; s->ignored && s->ignored[i]; i++)
		out[n++] = s->ignored[i];
	out[n] = NULL;
	return out;
}

/* "accepted: a, b" (and, in an AWS-shaped object, "; AWS's own keys that spotsim ignores: c"). */
static void list_names(struct strbuf *sb, const char *const *names, size_t nread)
{
	strbuf_adds(sb, "accepted: ");
	for (size_t i = 0; names[i]; i++) {
		if (i == nread)
			strbuf_adds(sb, i ? "; AWS's own keys that spotsim ignores: "
					  : "AWS's own keys that spotsim ignores: ");
		else if (i)
			strbuf_adds(sb, ", ");
		strbuf_adds(sb, names[i]);
	}
}

static void unknown_key(struct swalk *w, const struct sschema *s, const struct scase *c,
			const char *key)
{
	const struct scase *other = c ? case_with_key(s, key) : NULL;
	size_t nread;
	if (in_names(key, s->ignored)) {
		strbuf_addf(&w->ignored, "%s%s", w->nignored++ ? ", " : "", w->path.buf);
		return;
	}
	if (other) {
		swalk_error(w, "does not apply when %s is \"%s\" (it belongs to \"%s\")", s->tag,
			    c->value, other->value);
		return;
	}
	const char **names = collect_names(s, c, &nread);
	const char *hint = schema_did_you_mean(key, names);
	if (hint) {
		swalk_error(w, "unknown key (did you mean \"%s\"?)", hint);
	} else {
		struct strbuf list = STRBUF_INIT;
		list_names(&list, names, nread);
		swalk_error(w, "unknown key (%s)", list.buf);
		strbuf_release(&list);
	}
	free(names);
}

static void check_required(struct swalk *w, const struct sfield *fields, const cJSON *obj)
{
	for (const struct sfield *f = fields; f && f->key; f++)
		if (f->flags & F_REQUIRED && !cJSON_GetObjectItemCaseSensitive(obj, f->key))
			swalk_error(w, "missing key \"%s\" (accepted: %s)", f->key,
				    f->accepted ? f->accepted : kind_wants(f));
}

static bool seen_before(const cJSON *obj, const cJSON *child)
{
	for (const cJSON *p = obj->child; p && p != child; p = p->next)
		if (p->string && !strcmp(p->string, child->string))
			return true;
	return false;
}

void swalk_object(struct swalk *w, const struct sschema *s, const cJSON *obj)
{
	const struct scase *c = s->tag ? pick_case(w, s, obj) : NULL;
	const cJSON *child;

	if (s->tag && !c)
		return; /* without a valid case the other keys cannot be judged */
	cJSON_ArrayForEach(child, obj)
	{
		size_t len = swalk_push_key(w, child->string);
		const struct sfield *f = find_field(s->fields, child->string);
		if (!f && c)
			f = find_field(c->fields, child->string);
		if (seen_before(obj, child))
			swalk_error(w, "duplicate key (accepted: each key once)");
		else if (f)
			check_value(w, f, child);
		else if (!s->tag || strcmp(child->string, s->tag))
			unknown_key(w, s, c, child->string);
		swalk_pop(w, len);
	}
	check_required(w, s->fields, obj);
	if (c)
		check_required(w, c->fields, obj);
}
