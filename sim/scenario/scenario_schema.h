#ifndef SPOTSIM_SCENARIO_SCHEMA_H
#define SPOTSIM_SCENARIO_SCHEMA_H
/*
 * scenario_schema — private to the scenario loader: the shape of every
 * section as data, and the walker that checks a cJSON tree against it.
 *
 * A schema is a table of fields {key, kind, range, enumeration, sub-schema}.
 * An object schema may be tagged: one key (e.g. "model") picks a case, and
 * each case adds its own fields, so `weibull` does not accept
 * `monthly_fraction`. The walker reports unknown keys with a "did you mean",
 * wrong types, out-of-range numbers, bad durations and distributions, missing
 * required keys and duplicate keys.
 *
 * An AWS-shaped object (a schema with an `ignored` list) takes, besides its
 * fields, the keys of AWS's own shape that spotsim knowingly does not read
 * (ARNs, timestamps, container images ...): those are collected for one
 * "ignored" note, so describe-* output pastes cleanly. Any other key is an
 * error with a "did you mean" over both lists, as in spotsim's own sections,
 * so a typo such as "MaxCapcity" is never silently dropped.
 */
#include <cjson/cJSON.h>
#include <stdbool.h>

#include "spotsim/util/diag.h"
#include "spotsim/util/strbuf.h"

enum skind {
	S_ANY,
	S_OBJECT,
	S_ARRAY,
	S_STRING,
	S_NUMBER,
	S_INTEGER,
	S_BOOL,
	S_DURATION,  /* seconds as a number, or "90s" */
	S_DIST,	     /* "lognormal(12s, 0.3)", a duration, or seconds */
	S_ENUM,	     /* a string from `accepted` ("a, b, c") */
	S_NUM_NULL,  /* a number or null (step bounds) */
	S_CPU,	     /* "1024", 1024 or "1 vCPU" */
	S_MEMORY,    /* "2048", 2048 or "2 GB" */
	S_CLOCK,     /* "14:00" */
	S_TIMESTAMP, /* "2026-03-02T00:00:00Z" */
	S_OBJ_OR_ARR /* one object, or an array of such objects */
};

#define F_REQUIRED 1u

/*
 * The upper bound of a number or integer whose field names none (max 0):
 * rates, prices, targets, counts. Large enough for any real service, small
 * enough that costs and sums of accepted values stay finite.
 */
#define SCHEMA_NUMBER_MAX 1e9

struct sschema;

struct sfield {
	const char *key;
	enum skind kind;
	double min, max;	   /* numbers, integers, durations (seconds); max 0 = none */
	const char *accepted;	   /* S_ENUM values, or a description of what is accepted */
	const struct sschema *sub; /* S_OBJECT, S_OBJ_OR_ARR: the object's schema;
				       S_ARRAY: the elements' schema when they are objects */
	enum skind elem;	   /* S_ARRAY: the elements' kind */
	unsigned flags;
};

struct scase {
	const char *value;
	const struct sfield *fields; /* terminated by {NULL} */
};

struct sschema {
	const struct sfield *fields; /* terminated by {NULL} */
	const char *tag;	     /* the key that picks a case, or NULL */
	const struct scase *cases;   /* terminated by {NULL} */
	/*
	 * AWS-shaped objects: the other keys of AWS's shape, accepted and noted
	 * as ignored (NULL-terminated; may be empty). NULL for spotsim's own
	 * sections, where every key must be a field.
	 */
	const char *const *ignored;
};

struct swalk {
	const char *file; /* for messages */
	const char *dir;  /* for relative paths in distributions */
	struct diag *d;
	struct strbuf path;    /* the JSON path of the node being checked */
	struct strbuf ignored; /* "a.b, c.d": AWS's own keys that spotsim ignores */
	unsigned nignored;
};

/* The schema of a whole scenario file. */
extern const struct sschema scenario_schema_root;

/*
 * Pieces of it that the scaling loader also walks on their own: the
 * describe-alarms output of scaling.alarms (or of the file it names), and
 * one CloudWatch alarm (a step policy's "Alarm", or the element of
 * MetricAlarms that a policy names).
 */
extern const struct sschema scenario_schema_alarms, scenario_schema_alarm;

void swalk_init(struct swalk *w, const char *file, const char *dir, struct diag *d);
void swalk_release(struct swalk *w);

/* Checks `obj` (an object) against `s` at the current path. */
void swalk_object(struct swalk *w, const struct sschema *s, const cJSON *obj);

/* Path helpers: push ".key" or "[i]", and pop back to a saved length. */
size_t swalk_push_key(struct swalk *w, const char *key);
size_t swalk_push_index(struct swalk *w, int i);
void swalk_pop(struct swalk *w, size_t len);

/* Adds an error at the current path. */
void swalk_error(struct swalk *w, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* The closest of `candidates` (NULL-terminated) to `word`, or NULL when none is close. */
const char *schema_did_you_mean(const char *word, const char *const *candidates);

/* Reads a duration node (number of seconds or text); false when it is not one. */
bool schema_duration(const cJSON *node, long long *usec);

#endif
