/*
 * dist — distributions of durations (see dist.h).
 *
 * Representation: `type` points at one row of the `types` table below;
 * the row says how many parameters the kind takes, which are durations
 * (kept exact, as sim_time, in p[]) and which plain numbers (x), which
 * must be strictly positive, and how to sample it and compute its mean.
 * Parsing, error messages and canonical text are generic over the table,
 * so adding a distribution is one sample function, one mean function and
 * one table row.
 *
 * Invariants of a non-empty dist: every parameter passed the checks of
 * its row; an empirical dist has 1 <= nr < 2^32 values, all >= 0, and its
 * path as written; other kinds own no memory.
 *
 * Samples are computed in microseconds as doubles and rounded once, in
 * to_time, which also clamps the far tail (an extreme lognormal draw) so
 * that sim_time arithmetic downstream cannot overflow.
 */
#include "spotsim/engine/dist.h"

#include "spotsim/util/csvio.h"
#include "spotsim/util/diag.h"
#include "spotsim/util/error.h"
#include "spotsim/util/fileio.h"
#include "spotsim/util/xalloc.h"

#include <assert.h>
#include <math.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#define MAX_PARAMS  2
#define SAMPLE_MAX  (SIM_TIME_MAX / 4) /* about 73,000 years */
#define MAX_REDRAWS 64

/* Kinds of parameter: a duration, a plain number, or a file path. */
enum param_kind {
	PARAM_DURATION,
	PARAM_NUMBER,
	PARAM_PATH
};

struct param {
	const char *name;
	enum param_kind kind;
	int positive; /* must be > 0 (otherwise >= 0) */
};

struct dist_type {
	const char *name;
	int nparams;
	struct param params[MAX_PARAMS];
	sim_time (*sample)(const struct dist *d, struct rng *r);
	double (*mean)(const struct dist *d); /* seconds */
	/* checks between parameters, or NULL; appends to `why` and returns an error */
	int (*check)(const struct dist *d, const char *text, struct strbuf *why);
};

static sim_time to_time(double us)
{
	if (!(us > 0)) /* also NaN */
		return 0;
	if (us >= (double)SAMPLE_MAX)
		return SAMPLE_MAX;
	return (sim_time)llround(us);
}

static double seconds(sim_time t)
{
	return simtime_seconds(t);
}

static sim_time sample_fixed(const struct dist *d, struct rng *r)
{
	(void)r;
	return d->p[0];
}

/* fixed and exponential: the first parameter is the mean */
static double mean_first(const struct dist *d)
{
	return seconds(d->p[0]);
}

static sim_time sample_uniform(const struct dist *d, struct rng *r)
{
	return d->p[0] + (sim_time)llround((double)(d->p[1] - d->p[0]) * rng_uniform(r));
}

static double mean_uniform(const struct dist *d)
{
	return (seconds(d->p[0]) + seconds(d->p[1])) / 2;
}

static int check_uniform(const struct dist *d, const char *text, struct strbuf *why)
{
	if (d->p[0] <= d->p[1])
		return 0;
	strbuf_addf(why, "\"%s\": a must not exceed b (accepted: uniform(a, b) with a <= b)", text);
	return SPOTSIM_ERANGE;
}

static sim_time sample_exponential(const struct dist *d, struct rng *r)
{
	return to_time(rng_exponential(r, (double)d->p[0]));
}

static sim_time sample_lognormal(const struct dist *d, struct rng *r)
{
	return to_time(rng_lognormal(r, (double)d->p[0], d->x));
}

static double mean_lognormal(const struct dist *d)
{
	return seconds(d->p[0]) * exp(d->x * d->x / 2);
}

/*
 * Truncation by redrawing keeps the normal's shape above 0. With mean >= 0
 * a draw is kept with probability >= 1/2, so MAX_REDRAWS failures in a row
 * (then 0 is returned) has probability below 2^-64.
 */
static sim_time sample_normal(const struct dist *d, struct rng *r)
{
	for (int i = 0; i < MAX_REDRAWS; i++) {
		double us = rng_normal(r, (double)d->p[0], (double)d->p[1]);
		if (us >= 0)
			return to_time(us);
	}
	return 0;
}

/* Mean of N(mu, sd^2) conditioned on X >= 0. */
static double mean_normal(const struct dist *d)
{
	double mu = seconds(d->p[0]), sd = seconds(d->p[1]);
	if (sd == 0)
		return mu;
	double alpha = -mu / sd;
	double pdf = exp(-alpha * alpha / 2) / sqrt(2 * M_PI);
	double tail = erfc(alpha / M_SQRT2) / 2; /* P(Z >= alpha) */
	return mu + sd * pdf / tail;
}

static sim_time sample_weibull(const struct dist *d, struct rng *r)
{
	return to_time(rng_weibull(r, (double)d->p[0], d->x));
}

static double mean_weibull(const struct dist *d)
{
	return seconds(d->p[0]) * tgamma(1 + 1 / d->x);
}

static sim_time sample_empirical(const struct dist *d, struct rng *r)
{
	return d->values[rng_uniform_int(r, (uint32_t)d->nr)];
}

static double mean_empirical(const struct dist *d)
{
	long double sum = 0;
	for (size_t i = 0; i < d->nr; i++)
		sum += d->values[i];
	return (double)(sum / d->nr) / SIM_SEC;
}

/* The first row is the kind a bare duration or a JSON number makes. */
/* clang-format off */
static const struct dist_type types[] = {
	{"fixed",       1, {{"duration", PARAM_DURATION, 0}},
	 sample_fixed, mean_first, NULL},
	{"uniform",     2, {{"a", PARAM_DURATION, 0}, {"b", PARAM_DURATION, 0}},
	 sample_uniform, mean_uniform, check_uniform},
	{"exponential", 1, {{"mean", PARAM_DURATION, 0}},
	 sample_exponential, mean_first, NULL},
	{"lognormal",   2, {{"median", PARAM_DURATION, 1}, {"sigma", PARAM_NUMBER, 1}},
	 sample_lognormal, mean_lognormal, NULL},
	{"normal",      2, {{"mean", PARAM_DURATION, 0}, {"sd", PARAM_DURATION, 0}},
	 sample_normal, mean_normal, NULL},
	{"weibull",     2, {{"scale", PARAM_DURATION, 1}, {"shape", PARAM_NUMBER, 1}},
	 sample_weibull, mean_weibull, NULL},
	{"empirical",   1, {{"path.csv", PARAM_PATH, 0}},
	 sample_empirical, mean_empirical, NULL},
};
/* clang-format on */

#define NR_TYPES (sizeof(types) / sizeof(types[0]))

static const struct dist_type *find_type(const char *name, size_t len)
{
	for (size_t i = 0; i < NR_TYPES; i++)
		if (strlen(types[i].name) == len && !memcmp(types[i].name, name, len))
			return &types[i];
	return NULL;
}

/* "lognormal(median, sigma)" */
static void add_usage(struct strbuf *sb, const struct dist_type *t)
{
	strbuf_addf(sb, "%s(", t->name);
	for (int i = 0; i < t->nparams; i++)
		strbuf_addf(sb, "%s%s", i ? ", " : "", t->params[i].name);
	strbuf_addch(sb, ')');
}

static void add_type_names(struct strbuf *sb)
{
	for (size_t i = 0; i < NR_TYPES; i++)
		strbuf_addf(sb, "%s%s", i ? ", " : "", types[i].name);
}

/* The text between `s` and `end` without surrounding blanks, as an owned string. */
static char *trimmed(const char *s, const char *end)
{
	while (s < end && (*s == ' ' || *s == '\t'))
		s++;
	while (end > s && (end[-1] == ' ' || end[-1] == '\t'))
		end--;
	return xstrndup(s, (size_t)(end - s));
}

void dist_release(struct dist *d)
{
	free(d->values);
	free(d->path);
	*d = (struct dist)DIST_INIT;
}

void dist_copy(struct dist *dst, const struct dist *src)
{
	*dst = *src;
	if (src->values) {
		dst->values = xmalloc(src->nr * sizeof(*src->values));
		memcpy(dst->values, src->values, src->nr * sizeof(*src->values));
	}
	dst->path = xstrdup(src->path);
}

int dist_from_seconds(double s, struct dist *out)
{
	*out = (struct dist)DIST_INIT;
	if (!(s >= 0))
		return SPOTSIM_ERANGE;
	int rc = simtime_from_seconds(s, &out->p[0]);
	if (rc)
		return rc;
	out->type = &types[0];
	return 0;
}

sim_time dist_sample(const struct dist *d, struct rng *r)
{
	assert(d->type);
	return d->type->sample(d, r);
}

double dist_mean_seconds(const struct dist *d)
{
	assert(d->type);
	return d->type->mean(d);
}

const char *dist_name(const struct dist *d)
{
	return d->type ? d->type->name : "";
}

/* ---- parsing ---- */

static int duration_error(int rc, const char *what, const char *arg, struct strbuf *why)
{
	if (rc == SPOTSIM_ERANGE)
		strbuf_addf(why, "%s\"%s\" is out of range (accepted: a duration of 0 or more)",
			    what, arg);
	else
		strbuf_addf(
		    why,
		    "%s\"%s\" is not a duration (accepted: a number of seconds or a duration "
		    "such as \"40ms\", \"12s\", \"5m\")",
		    what, arg);
	return rc;
}

static int parse_number(const struct param *p, const char *tname, const char *arg, double *out,
			struct strbuf *why)
{
	char *end;
	double v = strtod(arg, &end);

	if (end == arg || *end || !isfinite(v)) {
		strbuf_addf(why,
			    "%s %s \"%s\" is not a number (accepted: a finite number, e.g. 0.3)",
			    tname, p->name, arg);
		return SPOTSIM_ESYNTAX;
	}
	*out = v;
	return 0;
}

/* Checks one value against its parameter's lower bound. */
static int check_bound(const struct param *p, const char *tname, const char *arg, double v,
		       struct strbuf *why)
{
	if (p->positive ? v > 0 : v >= 0)
		return 0;
	strbuf_addf(why, "%s %s \"%s\" is out of range (accepted: %s)", tname, p->name, arg,
		    p->positive ? "greater than 0" : "0 or more");
	return SPOTSIM_ERANGE;
}

static int parse_param(struct dist *d, int i, const char *arg, struct strbuf *why)
{
	const struct dist_type *t = d->type;
	const struct param *p = &t->params[i];
	char what[64];
	int rc;

	if (p->kind == PARAM_NUMBER) {
		rc = parse_number(p, t->name, arg, &d->x, why);
		return rc ? rc : check_bound(p, t->name, arg, d->x, why);
	}
	rc = simtime_parse(arg, &d->p[i]);
	if (rc) {
		snprintf(what, sizeof(what), "%s %s ", t->name, p->name);
		return duration_error(rc, what, arg, why);
	}
	return check_bound(p, t->name, arg, (double)d->p[i], why);
}

static bool blank(const char *s, const char *end)
{
	for (; s < end; s++)
		if (*s != ' ' && *s != '\t')
			return false;
	return true;
}

/*
 * Splits the inside of the parentheses at commas into owned, trimmed
 * strings (at most `max` kept); returns the number of arguments.
 */
static int split_args(const char *s, const char *end, char **args, int max)
{
	int n = 0;

	if (blank(s, end))
		return 0;
	for (;;) {
		const char *comma = memchr(s, ',', (size_t)(end - s));
		const char *stop = comma ? comma : end;
		if (n < max)
			args[n] = trimmed(s, stop);
		n++;
		if (!comma)
			return n;
		s = comma + 1;
	}
}

/* ---- empirical files ---- */

struct loader {
	struct dist *d;
	size_t alloc;
	int seen_row;	   /* a record was read (only the first may be a header) */
	const char *shown; /* the path as written, for messages */
	struct strbuf *why;
};

static int bad_row(struct loader *l, size_t record, const char *field, int rc)
{
	const char *what = rc == SPOTSIM_ERANGE ? "is out of range (accepted: 0 or more)"
						: "is not a duration or a number of seconds";
	if (rc == SPOTSIM_ERANGE && field[0] == '-')
		what = "is negative (accepted: 0 or more)";
	strbuf_addf(l->why, "empirical file \"%s\" record %zu: \"%s\" %s", l->shown, record, field,
		    what);
	return rc;
}

static int on_row(const char *const *fields, size_t n, size_t record, void *data)
{
	struct loader *l = data;
	sim_time v;
	int first = !l->seen_row;

	l->seen_row = 1;
	if (n != 1) {
		strbuf_addf(l->why,
			    "empirical file \"%s\" record %zu has %zu fields (accepted: one value "
			    "per row)",
			    l->shown, record, n);
		return SPOTSIM_ESYNTAX;
	}
	char *field = trimmed(fields[0], fields[0] + strlen(fields[0]));
	int rc = simtime_parse(field, &v);
	if (rc == SPOTSIM_ESYNTAX && first)
		rc = 0; /* a header */
	else if (rc)
		rc = bad_row(l, record, field, rc);
	else if (l->d->nr + 1 >= UINT32_MAX)
		rc = bad_row(l, record, field, SPOTSIM_ERANGE);
	else {
		XALLOC_GROW(l->d->values, l->d->nr + 1, l->alloc);
		l->d->values[l->d->nr++] = v;
	}
	free(field);
	return rc;
}

static char *resolve(const char *path, const char *base_dir)
{
	if (path[0] == '/' || !base_dir || !base_dir[0])
		return xstrdup(path);
	size_t n = strlen(base_dir);
	return xasprintf("%s%s%s", base_dir, base_dir[n - 1] == '/' ? "" : "/", path);
}

/* csvio reports through a diag; its message becomes our one line. */
static int read_error(struct loader *l, const char *full, struct diag *dg, int rc)
{
	const char *msg = dg->nr ? dg->items[0].msg : spotsim_strerror(rc);
	strbuf_addf(l->why, "empirical file \"%s\"", l->shown);
	if (strcmp(full, l->shown))
		strbuf_addf(l->why, " (%s)", full);
	strbuf_addf(l->why, ": %s", msg);
	return rc;
}

static int load_empirical(struct dist *d, const char *path, const char *base_dir,
			  struct strbuf *why)
{
	struct loader l = {d, 0, 0, path, why};
	struct diag dg;
	char *full = resolve(path, base_dir);
	size_t had = why->len;

	diag_init(&dg);
	int rc = csvio_read_capped(full, FILEIO_INPUT_MAX, on_row, &l, &dg);
	if (rc && why->len == had)
		rc = read_error(&l, full, &dg, rc);
	else if (!rc && !d->nr) {
		strbuf_addf(why,
			    "empirical file \"%s\" has no values (accepted: one duration or number "
			    "of seconds per row)",
			    path);
		rc = SPOTSIM_EINVAL;
	}
	diag_release(&dg);
	free(full);
	if (!rc)
		d->path = xstrdup(path);
	return rc;
}

/* ---- dist_parse ---- */

static int parse_bare(const char *text, struct dist *out, struct strbuf *why)
{
	int rc = simtime_parse(text, &out->p[0]);
	const struct dist_type *t = find_type(text, strlen(text));

	if (!rc) {
		out->type = &types[0];
		return 0;
	}
	if (t) {
		strbuf_addf(why, "\"%s\" needs arguments: ", text);
		add_usage(why, t);
		return SPOTSIM_EINVAL;
	}
	if (rc == SPOTSIM_ERANGE)
		return duration_error(rc, "", text, why);
	strbuf_addf(why,
		    "\"%s\" is not a duration or a distribution (accepted: a duration such as "
		    "\"5s\", or ",
		    text);
	add_type_names(why);
	strbuf_addch(why, ')');
	return SPOTSIM_ESYNTAX;
}

static int parse_args(struct dist *d, const char *text, const char *open, const char *close,
		      const char *base_dir, struct strbuf *why)
{
	const struct dist_type *t = d->type;
	char *args[MAX_PARAMS] = {NULL};
	int n, rc = 0;

	if (t->params[0].kind != PARAM_PATH) {
		n = split_args(open + 1, close, args, MAX_PARAMS);
	} else {
		/* the whole inside is the path: a path may hold commas */
		n = blank(open + 1, close) ? 0 : 1;
		if (n)
			args[0] = trimmed(open + 1, close);
	}
	if (n != t->nparams) {
		strbuf_addf(why, "\"%s\" needs %d argument%s: ", text, t->nparams,
			    t->nparams == 1 ? "" : "s");
		add_usage(why, t);
		rc = SPOTSIM_EINVAL;
	}
	for (int i = 0; !rc && i < n; i++)
		rc = t->params[i].kind == PARAM_PATH ? load_empirical(d, args[i], base_dir, why)
						     : parse_param(d, i, args[i], why);
	for (int i = 0; i < MAX_PARAMS; i++)
		free(args[i]);
	if (!rc && t->check)
		rc = t->check(d, text, why);
	return rc;
}

static int parse_call(const char *text, const char *open, const char *base_dir, struct dist *out,
		      struct strbuf *why)
{
	char *name = trimmed(text, open);
	const struct dist_type *t = find_type(name, strlen(name));
	const char *close = text + strlen(text) - 1;
	int rc;

	if (!t) {
		strbuf_addf(why, "unknown distribution \"%s\" (accepted: ", name);
		add_type_names(why);
		strbuf_addch(why, ')');
		rc = SPOTSIM_EINVAL;
	} else if (*close != ')') {
		strbuf_addf(why, "\"%s\" does not end with \")\" (accepted: ", text);
		add_usage(why, t);
		strbuf_addch(why, ')');
		rc = SPOTSIM_ESYNTAX;
	} else {
		out->type = t;
		rc = parse_args(out, text, open, close, base_dir, why);
	}
	free(name);
	return rc;
}

int dist_parse(const char *text, const char *base_dir, struct dist *out, struct strbuf *why)
{
	char *s = trimmed(text, text + strlen(text));
	const char *open = strchr(s, '(');
	int rc;

	*out = (struct dist)DIST_INIT;
	if (!*s) {
		strbuf_adds(why, "empty distribution (accepted: a duration such as \"5s\", or ");
		add_type_names(why);
		strbuf_addch(why, ')');
		rc = SPOTSIM_ESYNTAX;
	} else if (!open) {
		rc = parse_bare(s, out, why);
	} else {
		rc = parse_call(s, open, base_dir, out, why);
	}
	free(s);
	if (rc)
		dist_release(out);
	return rc;
}

/* ---- canonical text ---- */

/* Exact and readable: "40ms", "5m", "1h30m", else decimal seconds "1.25s". */
static void add_duration(struct strbuf *sb, sim_time t)
{
	char buf[64];

	if (t % SIM_SEC == 0 || (t < SIM_SEC && t % SIM_MSEC == 0)) {
		strbuf_adds(sb, simtime_format(t, buf, sizeof(buf)));
		return;
	}
	int n = snprintf(buf, sizeof(buf), "%lld.%06lld", (long long)(t / SIM_SEC),
			 (long long)(t % SIM_SEC));
	while (buf[n - 1] == '0')
		n--;
	strbuf_add(sb, buf, (size_t)n);
	strbuf_addch(sb, 's');
}

/* The shortest of %.15g / %.17g that reads back to the same double. */
static void add_number(struct strbuf *sb, double x)
{
	char buf[64];

	snprintf(buf, sizeof(buf), "%.15g", x);
	if (strtod(buf, NULL) != x)
		snprintf(buf, sizeof(buf), "%.17g", x);
	strbuf_adds(sb, buf);
}

void dist_describe(const struct dist *d, struct strbuf *sb)
{
	const struct dist_type *t = d->type;

	if (!t)
		return;
	strbuf_addf(sb, "%s(", t->name);
	for (int i = 0; i < t->nparams; i++) {
		if (i)
			strbuf_adds(sb, ", ");
		if (t->params[i].kind == PARAM_DURATION)
			add_duration(sb, d->p[i]);
		else if (t->params[i].kind == PARAM_NUMBER)
			add_number(sb, d->x);
		else
			strbuf_adds(sb, d->path);
	}
	strbuf_addch(sb, ')');
}
