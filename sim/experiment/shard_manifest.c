/*
 * shard_manifest — the digest, shard.csv and shard-items.csv (see shard.h).
 *
 * Both files are CSV through csvio, so names with commas or quotes survive.
 * Metrics are written with %.17g, which is enough digits for strtod to give
 * back the very same double: the merged summary is computed from exactly
 * the values a one-machine run would hold in memory. Reading is strict:
 * every key and column must be there and well-formed, and the items must be
 * exactly those of the slice, so a truncated or edited shard is refused
 * rather than merged.
 */
#include "spotsim/experiment/shard.h"

#include "spotsim/util/csvio.h"
#include "spotsim/util/error.h"
#include "spotsim/util/fileio.h"
#include "spotsim/util/sha256.h"
#include "spotsim/util/version.h"
#include "spotsim/util/xalloc.h"

#include <errno.h>
#include <inttypes.h>
#include <limits.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* ---- digest ---- */

/* Adds "TAG LENGTH\n" and the file's bytes; an unreadable file adds "TAG absent\n". */
static int hash_file(struct sha256 *h, const char *tag, const char *path)
{
	char *buf, head[64];
	size_t len;
	int err = fileio_read(path, &buf, &len);
	int n = err ? snprintf(head, sizeof(head), "%s absent\n", tag)
		    : snprintf(head, sizeof(head), "%s %zu\n", tag, len);
	sha256_update(h, head, (size_t)n);
	if (!err)
		sha256_update(h, buf, len);
	free(buf);
	return err;
}

int shard_digest(const struct plan *p, const char *scenario_path, const char *prices_path,
		 uint64_t seed, size_t replications, char out[SHARD_DIGEST_SIZE], struct diag *d)
{
	static const char magic[] = "spotsim shard digest 1\n";
	struct sha256 h;
	char tail[96], hex[SHA256_HEX_SIZE];
	const char *need[2] = {scenario_path, prices_path};
	int err;

	sha256_init(&h);
	sha256_update(&h, magic, sizeof(magic) - 1);
	for (int i = 0; i < 2; i++)
		if ((err = hash_file(&h, i ? "prices" : "scenario", need[i])) != 0) {
			diag_error(d, need[i], NULL, "cannot read it for the scenario digest: %s",
				   diag_strerror(err));
			return SPOTSIM_EIO;
		}
	for (size_t i = 0; i < p->nfiles; i++)
		hash_file(&h, "file", p->files[i]); /* a file no model reads may be absent */
	int n = snprintf(tail, sizeof(tail), "seed %" PRIu64 "\nreplications %zu\n", seed,
			 replications);
	sha256_update(&h, tail, (size_t)n);
	sha256_hex(&h, hex);
	snprintf(out, SHARD_DIGEST_SIZE, "sha256:%s", hex);
	return 0;
}

/* ---- building ---- */

static void fill_item(struct shard_item *it, const struct plan *p, const struct experiment *x,
		      const struct shard_rows *rows, size_t item)
{
	size_t c = item / x->nreps, rep = item % x->nreps;
	bool streamed = rep == 0 && rows && c < rows->nconfigs && rows->timeseries[c] >= 0;

	it->item = item;
	it->config = c;
	it->rep = rep;
	it->baseline = x->baseline[c];
	it->variant = xstrdup(x->variant[c]);
	it->sweep = xstrdup(x->sweep[c]);
	it->seed = p->configs[c].sc.seed;
	it->timeseries_rows = streamed ? rows->timeseries[c] : -1;
	it->events_rows = streamed ? rows->events[c] : -1;
	it->hours_rows = x->hours ? (long)x->hours[item].n : -1;
	it->m = *experiment_at(x, c, rep);
}

void shard_manifest_build(struct shard_manifest *m, const struct plan *p,
			  const struct experiment *x, const struct shard_slice *s,
			  const struct shard_rows *rows, const char *digest)
{
	const struct scenario *sc = &p->configs[0].sc;
	size_t total = x->nconfigs * x->nreps;

	memset(m, 0, sizeof(*m));
	m->version = xstrdup(SPOTSIM_VERSION);
	m->scenario = xstrdup(sc->name);
	m->digest = xstrdup(digest);
	m->region = xstrdup(sc->region);
	m->start = xstrdup(sc->start);
	m->seed = sc->seed;
	m->start_unix = sc->start_unix;
	m->duration = sc->duration;
	m->nconfigs = x->nconfigs;
	m->nreps = x->nreps;
	m->slice = *s;
	m->budget_usd = x->budget_usd;
	m->max_breach = x->max_breach;
	m->items = xcalloc(shard_size(s, total) + 1, sizeof(*m->items));
	for (size_t i = 0; i < total; i++)
		if (shard_holds(s, i))
			fill_item(&m->items[m->nitems++], p, x, rows, i);
}

void shard_manifest_release(struct shard_manifest *m)
{
	free(m->version);
	free(m->scenario);
	free(m->digest);
	free(m->region);
	free(m->start);
	for (size_t i = 0; i < m->nitems; i++) {
		free(m->items[i].variant);
		free(m->items[i].sweep);
	}
	free(m->items);
	memset(m, 0, sizeof(*m));
}

/* ---- writing ---- */

static void put_exact(FILE *f, double v)
{
	if (!isnan(v))
		fprintf(f, "%.17g", v);
}

static void put_rows(FILE *f, long n)
{
	if (n >= 0)
		fprintf(f, "%ld", n);
}

static const char items_head[] =
    "item,configuration,replication,variant,sweep,baseline,seed,timeseries_rows,events_rows,"
    "hourly_usage_rows";
#define ITEM_HEAD_FIELDS 10 /* the columns of items_head, before one per run metric */

static void write_items(FILE *f, const struct shard_manifest *m)
{
	fputs(items_head, f);
	for (const struct metric_def *def = run_metric_defs; def->name; def++)
		fprintf(f, ",%s", def->name);
	fputc('\n', f);
	for (size_t i = 0; i < m->nitems; i++) {
		const struct shard_item *it = &m->items[i];
		fprintf(f, "%zu,%zu,%zu,", it->item, it->config, it->rep);
		csvio_write_field(f, it->variant);
		fputc(',', f);
		csvio_write_field(f, it->sweep);
		fprintf(f, ",%zu,%" PRIu64 ",", it->baseline, it->seed);
		put_rows(f, it->timeseries_rows);
		fputc(',', f);
		put_rows(f, it->events_rows);
		fputc(',', f);
		put_rows(f, it->hours_rows);
		for (const struct metric_def *def = run_metric_defs; def->name; def++) {
			fputc(',', f);
			put_exact(f, run_metric_value(&it->m, def));
		}
		fputc('\n', f);
	}
}

static void put_pair(FILE *f, const char *key, const char *value)
{
	fprintf(f, "%s,", key);
	csvio_write_field(f, value);
	fputc('\n', f);
}

static void write_manifest(FILE *f, const struct shard_manifest *m)
{
	char num[64];
	size_t n = m->slice.count ? m->slice.count : 1;

	fputs("key,value\n", f);
	put_pair(f, "format", SHARD_FORMAT);
	put_pair(f, "spotsim_version", m->version);
	put_pair(f, "scenario", m->scenario);
	put_pair(f, "scenario_digest", m->digest);
	fprintf(f, "seed,%" PRIu64 "\nreplications,%zu\nconfigurations,%zu\nplan_size,%zu\n",
		m->seed, m->nreps, m->nconfigs, m->nconfigs * m->nreps);
	fprintf(f, "slice,%zu/%zu\n", m->slice.index, n);
	fprintf(f,
		"slice_rule,item = configuration x %zu + replication (from 0); this slice holds "
		"the items with item mod %zu = %zu\n",
		m->nreps, n, m->slice.index);
	fprintf(f, "items,%zu\n", m->nitems);
	put_pair(f, "region", m->region);
	put_pair(f, "start", m->start);
	fprintf(f, "start_unix,%" PRId64 "\nduration_us,%" PRId64 "\n", m->start_unix,
		(int64_t)m->duration);
	num[0] = '\0';
	if (!isnan(m->budget_usd))
		snprintf(num, sizeof(num), "%.17g", m->budget_usd);
	put_pair(f, "budget_usd", num);
	snprintf(num, sizeof(num), "%.17g", m->max_breach);
	put_pair(f, "max_breach_probability", num);
}

static int write_one(const char *dir, const char *name, const struct shard_manifest *m,
		     void (*fill)(FILE *, const struct shard_manifest *), struct diag *d)
{
	struct fileio_atomic a;
	char *path = xasprintf("%s/%s", dir, name);
	int err = fileio_atomic_open(&a, path);
	if (!err) {
		fill(a.f, m);
		err = fileio_atomic_rename(&a);
		fileio_atomic_release(&a);
	}
	if (err)
		diag_error(d, path, NULL, "cannot write: %s", diag_strerror(err));
	free(path);
	return err ? SPOTSIM_EIO : 0;
}

int shard_write(const char *dir, const struct shard_manifest *m, struct diag *d)
{
	int rc = write_one(dir, SHARD_ITEMS, m, write_items, d);
	return rc ? rc : write_one(dir, SHARD_MANIFEST, m, write_manifest, d);
}

/* ---- reading ---- */

#define NKEYS	     17
#define KEY_OPTIONAL 16 /* from here on, keys that older manifests do not have */
static const char *const keys[NKEYS] = {"format",
					"spotsim_version",
					"scenario",
					"scenario_digest",
					"seed",
					"replications",
					"configurations",
					"plan_size",
					"slice",
					"slice_rule",
					"items",
					"region",
					"start",
					"start_unix",
					"duration_us",
					"budget_usd",
					"max_breach_probability"};

struct reading {
	const char *file; /* for messages */
	struct diag *d;
	char *value[NKEYS];
	bool header_ok;
	struct shard_manifest *m;
	size_t nmetrics, want_items;
	size_t items_alloc; /* of m->items, grown as records come */
};

static int on_manifest(const char *const *f, size_t n, size_t record, void *data)
{
	struct reading *r = data;
	if (record == 1) {
		r->header_ok = n == 2 && !strcmp(f[0], "key") && !strcmp(f[1], "value");
		return r->header_ok ? 0 : 1;
	}
	for (int i = 0; n == 2 && i < NKEYS; i++)
		if (!strcmp(f[0], keys[i])) {
			free(r->value[i]);
			r->value[i] = xstrdup(f[1]);
		}
	return 0;
}

static bool to_u64(const char *s, uint64_t *out)
{
	char *end;
	if (!s || !*s || strspn(s, "0123456789") != strlen(s))
		return false;
	errno = 0;
	unsigned long long v = strtoull(s, &end, 10);
	*out = (uint64_t)v;
	return !errno && !*end;
}

static bool to_size(const char *s, size_t *out)
{
	uint64_t v;
	if (!to_u64(s, &v) || v > SIZE_MAX / 2)
		return false;
	*out = (size_t)v;
	return true;
}

static bool to_i64(const char *s, int64_t *out)
{
	char *end;
	if (!s || !*s)
		return false;
	errno = 0;
	long long v = strtoll(s, &end, 10);
	*out = (int64_t)v;
	return !errno && !*end;
}

static bool to_double(const char *s, double *out)
{
	char *end;
	if (!*s) {
		*out = NAN;
		return true;
	}
	errno = 0;
	*out = strtod(s, &end);
	return !*end && end != s;
}

static bool to_slice(const char *s, struct shard_slice *out)
{
	const char *slash = s ? strchr(s, '/') : NULL;
	char *k;
	size_t n;
	if (!slash || !to_size(slash + 1, &n) || n < 1 || n > SHARD_MAX_SLICES)
		return false;
	k = xstrndup(s, (size_t)(slash - s));
	bool ok = to_size(k, &out->index) && out->index < n;
	free(k);
	out->count = n;
	return ok;
}

static bool bad_key(struct reading *r, int key, const char *accepted)
{
	diag_error(r->d, r->file, NULL, "%s: \"%s\" is not valid (accepted: %s)", keys[key],
		   r->value[key] ? r->value[key] : "", accepted);
	return false;
}

/* The numbers of the manifest; false after an error. */
static bool manifest_numbers(struct reading *r, struct shard_manifest *m)
{
	size_t plan_size, items;
	int64_t dur;
	bool ok = true;

	if (!to_u64(r->value[4], &m->seed))
		ok = bad_key(r, 4, "a whole number");
	if (!to_size(r->value[5], &m->nreps) || !m->nreps)
		ok = bad_key(r, 5, "a whole number from 1");
	if (!to_size(r->value[6], &m->nconfigs) || !m->nconfigs)
		ok = bad_key(r, 6, "a whole number from 1");
	if (ok && m->nconfigs > SIZE_MAX / 2 / m->nreps)
		ok = bad_key(r, 6, "a plan of fewer items");
	if (!to_size(r->value[7], &plan_size) || (ok && plan_size != m->nconfigs * m->nreps))
		ok = bad_key(r, 7, "configurations x replications");
	if (!to_slice(r->value[8], &m->slice))
		ok = bad_key(r, 8, "K/N with K from 0 to N-1");
	if (!to_size(r->value[10], &items) || (ok && items != shard_size(&m->slice, plan_size)))
		ok = bad_key(r, 10, "the number of items the slice holds");
	if (!to_i64(r->value[13], &m->start_unix))
		ok = bad_key(r, 13, "a whole number of seconds");
	if (!to_i64(r->value[14], &dur) || dur <= 0)
		ok = bad_key(r, 14, "a whole number of microseconds above 0");
	if (!to_double(r->value[15], &m->budget_usd))
		ok = bad_key(r, 15, "a number, or empty");
	m->max_breach = SCENARIO_DEFAULT_MAX_BREACH;
	if (r->value[16] && (!to_double(r->value[16], &m->max_breach) ||
			     !(m->max_breach >= 0 && m->max_breach <= 1)))
		ok = bad_key(r, 16, "a number from 0 to 1");
	m->duration = dur;
	r->want_items = items;
	return ok;
}

static bool manifest_fields(struct reading *r, struct shard_manifest *m)
{
	for (int i = 0; i < KEY_OPTIONAL; i++)
		if (!r->value[i]) {
			diag_error(r->d, r->file, NULL,
				   "no \"%s\" key (accepted: a manifest written by spotsim run "
				   "--shard)",
				   keys[i]);
			return false;
		}
	if (strcmp(r->value[0], SHARD_FORMAT))
		return bad_key(r, 0, SHARD_FORMAT);
	m->version = xstrdup(r->value[1]);
	m->scenario = xstrdup(r->value[2]);
	m->digest = xstrdup(r->value[3]);
	m->region = xstrdup(r->value[11]);
	m->start = xstrdup(r->value[12]);
	return manifest_numbers(r, m);
}

/* Reads DIR/shard.csv into `m`; 0, SPOTSIM_ENOENT or SPOTSIM_EINVAL. */
static int read_manifest(const char *dir, struct shard_manifest *m, struct reading *r)
{
	char *path = xasprintf("%s/%s", dir, SHARD_MANIFEST);
	int rc = SPOTSIM_ENOENT;

	r->file = path;
	if (access(path, F_OK) != 0)
		diag_error(r->d, dir, NULL,
			   "no " SHARD_MANIFEST " in this folder (accepted: a folder written by "
			   "spotsim run --shard, once it finished)");
	else if ((rc = csvio_read(path, on_manifest, r, r->d)) < 0)
		rc = SPOTSIM_EINVAL;
	else if (rc == 1 || !r->header_ok) {
		diag_error(r->d, path, NULL,
			   "the first row is not \"key,value\" (accepted: a manifest written by "
			   "spotsim run --shard)");
		rc = SPOTSIM_EINVAL;
	} else {
		rc = manifest_fields(r, m) ? 0 : SPOTSIM_EINVAL;
	}
	free(path);
	r->file = NULL;
	return rc;
}

static bool items_header_ok(const char *const *f, size_t n, size_t nmetrics)
{
	char *want = xstrdup(items_head);
	size_t i = 0;
	bool ok = n == ITEM_HEAD_FIELDS + nmetrics;
	for (char *tok = strtok(want, ","); ok && tok; tok = strtok(NULL, ","))
		ok = !strcmp(f[i++], tok);
	for (const struct metric_def *def = run_metric_defs; ok && def->name; def++)
		ok = !strcmp(f[i++], def->name);
	free(want);
	return ok;
}

static bool to_rows(const char *s, long *out)
{
	size_t v;
	if (!*s) {
		*out = -1;
		return true;
	}
	if (!to_size(s, &v) || v > (size_t)LONG_MAX)
		return false;
	*out = (long)v;
	return true;
}

/* Fills `it` from one record; returns NULL or what is wrong (static text). */
static const char *parse_item(const char *const *f, const struct shard_manifest *m, size_t index,
			      struct shard_item *it)
{
	size_t want = m->slice.index + index * m->slice.count;
	if (!to_size(f[0], &it->item) || it->item != want)
		return "the item is not the next one of the slice";
	if (!to_size(f[1], &it->config) || !to_size(f[2], &it->rep) ||
	    it->config != want / m->nreps || it->rep != want % m->nreps)
		return "configuration and replication do not match the item";
	it->variant = xstrdup(f[3]);
	it->sweep = xstrdup(f[4]);
	if (!to_size(f[5], &it->baseline) || it->baseline >= m->nconfigs)
		return "baseline is not a configuration of the plan";
	if (!to_u64(f[6], &it->seed))
		return "seed is not a whole number";
	if (!to_rows(f[7], &it->timeseries_rows) || !to_rows(f[8], &it->events_rows) ||
	    (it->timeseries_rows < 0) != (it->events_rows < 0) ||
	    (it->rep != 0 && it->timeseries_rows >= 0))
		return "timeseries_rows and events_rows are not row counts of a replication 0";
	if (!to_rows(f[9], &it->hours_rows))
		return "hourly_usage_rows is not a row count";
	size_t i = ITEM_HEAD_FIELDS;
	for (const struct metric_def *def = run_metric_defs; def->name; def++, i++) {
		double *v = (double *)(void *)((char *)&it->m + def->offset);
		if (!to_double(f[i], v))
			return "a metric is not a number";
	}
	return NULL;
}

static int on_item(const char *const *f, size_t n, size_t record, void *data)
{
	struct reading *r = data;
	struct shard_manifest *m = r->m;
	const char *why;

	if (record == 1) {
		if (items_header_ok(f, n, r->nmetrics))
			return 0;
		diag_error(r->d, r->file, NULL,
			   "the header row is not the one spotsim " SPOTSIM_VERSION
			   " writes (accepted: a shard written by spotsim " SPOTSIM_VERSION ")");
		return 1;
	}
	if (m->nitems >= r->want_items) {
		diag_error(r->d, r->file, NULL, "more than the %zu items " SHARD_MANIFEST " lists",
			   r->want_items);
		return 1;
	}
	XALLOC_GROW(m->items, m->nitems + 1, r->items_alloc);
	struct shard_item *it = &m->items[m->nitems++];
	memset(it, 0, sizeof(*it));
	why = n != ITEM_HEAD_FIELDS + r->nmetrics ? "wrong number of fields"
						  : parse_item(f, m, m->nitems - 1, it);
	if (why)
		diag_error(r->d, r->file, NULL,
			   "record %zu: %s (accepted: the file as spotsim run --shard wrote it)",
			   record, why);
	return why ? 1 : 0;
}

static int read_items(const char *dir, struct shard_manifest *m, struct reading *r)
{
	char *path = xasprintf("%s/%s", dir, SHARD_ITEMS);
	int rc;

	r->file = path;
	r->m = m;
	for (const struct metric_def *def = run_metric_defs; def->name; def++)
		r->nmetrics++;
	rc = csvio_read(path, on_item, r, r->d);
	if (!rc && m->nitems != r->want_items)
		diag_error(r->d, path, NULL,
			   "%zu items, but " SHARD_MANIFEST " lists %zu (accepted: the file as "
			   "spotsim run --shard wrote it)",
			   m->nitems, r->want_items);
	rc = rc || m->nitems != r->want_items ? SPOTSIM_EINVAL : 0;
	free(path);
	r->file = NULL;
	return rc;
}

static int count_record(const char *const *f, size_t n, size_t record, void *data)
{
	(void)f;
	(void)n;
	*(size_t *)data = record;
	return 0;
}

/* replications.csv must hold one row per item: the shard's own output, unchanged. */
static int check_replications(const char *dir, const struct shard_manifest *m, struct diag *d)
{
	char *path = xasprintf("%s/replications.csv", dir);
	size_t records = 0;
	int rc = csvio_read(path, count_record, &records, d);
	if (!rc && (records == 0 || records - 1 != m->nitems)) {
		diag_error(d, path, NULL,
			   "%zu rows, but " SHARD_MANIFEST " lists %zu items (accepted: the file "
			   "as spotsim run --shard wrote it)",
			   records ? records - 1 : 0, m->nitems);
		rc = SPOTSIM_EINVAL;
	}
	free(path);
	return rc < 0 ? SPOTSIM_EINVAL : rc;
}

int shard_read(const char *dir, struct shard_manifest *m, struct diag *d)
{
	struct reading r;
	int rc;

	memset(m, 0, sizeof(*m));
	memset(&r, 0, sizeof(r));
	r.d = d;
	rc = read_manifest(dir, m, &r);
	if (!rc && strcmp(m->version, SPOTSIM_VERSION)) {
		diag_error(d, dir, NULL,
			   "spotsim_version %s differs from this spotsim's " SPOTSIM_VERSION
			   " (accepted: shards written by spotsim " SPOTSIM_VERSION ")",
			   m->version);
		rc = SPOTSIM_EINVAL;
	}
	if (!rc)
		rc = read_items(dir, m, &r);
	if (!rc)
		rc = check_replications(dir, m, d);
	for (int i = 0; i < NKEYS; i++)
		free(r.value[i]);
	return rc;
}
