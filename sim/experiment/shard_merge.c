/*
 * shard_merge — the checks and the joining behind `spotsim merge` (see
 * shard.h).
 *
 * The slices are looked up by index: by_slice[K] is the position of the
 * manifest that holds slice K, and inside a slice item i sits at position
 * (i - K) / N of its items, since a slice holds K, K + N, K + 2N, ... in
 * order. The streamed files are copied record by record without parsing
 * their fields: a record ends at a newline outside double quotes, which is
 * how the report writes them (quoted fields may hold newlines).
 */
#include "spotsim/experiment/shard.h"

#include "spotsim/util/error.h"
#include "spotsim/util/strbuf.h"
#include "spotsim/util/xalloc.h"

#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#define ONE_RUN "accepted: the shards of one run: same scenario, options and spotsim version"

/* The first field in which `m` differs from `ref`, as an error on `dir`; false if none. */
static bool foreign(const struct shard_manifest *m, const char *dir,
		    const struct shard_manifest *ref, const char *ref_dir, struct diag *d)
{
	if (m->seed != ref->seed)
		diag_error(d, dir, NULL,
			   "seed %" PRIu64 " differs from %" PRIu64 " in %s (" ONE_RUN ")", m->seed,
			   ref->seed, ref_dir);
	else if (m->slice.count != ref->slice.count)
		diag_error(d, dir, NULL,
			   "slice %zu/%zu is one of %zu slices, but %s holds one of %zu (accepted: "
			   "the shards of one run, all with the same N)",
			   m->slice.index, m->slice.count, m->slice.count, ref_dir,
			   ref->slice.count);
	else if (m->nreps != ref->nreps)
		diag_error(d, dir, NULL, "replications %zu differs from %zu in %s (" ONE_RUN ")",
			   m->nreps, ref->nreps, ref_dir);
	else if (m->nconfigs != ref->nconfigs)
		diag_error(d, dir, NULL, "configurations %zu differs from %zu in %s (" ONE_RUN ")",
			   m->nconfigs, ref->nconfigs, ref_dir);
	else if (strcmp(m->scenario, ref->scenario))
		diag_error(d, dir, NULL, "scenario \"%s\" differs from \"%s\" in %s (" ONE_RUN ")",
			   m->scenario, ref->scenario, ref_dir);
	else if (strcmp(m->digest, ref->digest))
		diag_error(d, dir, NULL,
			   "scenario_digest differs from %s's: another scenario file, price table "
			   "or data file (" ONE_RUN ")",
			   ref_dir);
	else
		return false;
	return true;
}

/* by_slice[K] = the position of the manifest holding slice K, or n; duplicates are errors. */
static bool cover(struct shard_manifest *const *m, const char *const *dirs, size_t n,
		  size_t *by_slice, struct diag *d)
{
	size_t count = m[0]->slice.count;
	bool ok = true;
	for (size_t k = 0; k < count; k++)
		by_slice[k] = n;
	for (size_t i = 0; i < n; i++) {
		size_t k = m[i]->slice.index;
		if (by_slice[k] == n) {
			by_slice[k] = i;
			continue;
		}
		diag_error(d, NULL, NULL,
			   "%s and %s both hold slice %zu/%zu (accepted: each slice once)",
			   dirs[by_slice[k]], dirs[i], k, count);
		ok = false;
	}
	return ok;
}

/* One line naming the missing slices (the first ten, then how many more). */
static bool report_missing(const size_t *by_slice, size_t n, size_t count, struct diag *d)
{
	struct strbuf list = STRBUF_INIT;
	size_t missing = 0;
	for (size_t k = 0; k < count; k++) {
		if (by_slice[k] != n)
			continue;
		if (missing++ < 10)
			strbuf_addf(&list, "%s%zu/%zu", missing > 1 ? ", " : "", k, count);
	}
	if (missing > 10)
		strbuf_addf(&list, " and %zu more", missing - 10);
	if (missing)
		diag_error(d, NULL, NULL,
			   "slice%s %s %s missing (accepted: one folder for each slice 0/%zu to "
			   "%zu/%zu)",
			   missing > 1 ? "s" : "", list.buf, missing > 1 ? "are" : "is", count,
			   count - 1, count);
	strbuf_release(&list);
	return missing == 0;
}

/* Every configuration has one name and baseline across the slices. */
static bool same_configs(struct shard_manifest *const *m, const char *const *dirs, size_t n,
			 struct diag *d)
{
	size_t nconfigs = m[0]->nconfigs;
	const struct shard_item **first = xcalloc(nconfigs, sizeof(*first));
	const char **where = xcalloc(nconfigs, sizeof(*where));
	bool ok = true;
	for (size_t i = 0; ok && i < n; i++)
		for (size_t j = 0; ok && j < m[i]->nitems; j++) {
			const struct shard_item *it = &m[i]->items[j], *f = first[it->config];
			if (!f) {
				first[it->config] = it;
				where[it->config] = dirs[i];
			} else if (strcmp(f->variant, it->variant) || strcmp(f->sweep, it->sweep) ||
				   f->baseline != it->baseline) {
				diag_error(d, dirs[i], NULL,
					   SHARD_ITEMS ": configuration %zu is \"%s\" at \"%s\" "
						       "here but \"%s\" at \"%s\" in %s (" ONE_RUN
						       ")",
					   it->config, it->variant, it->sweep, f->variant, f->sweep,
					   where[it->config]);
				ok = false;
			}
		}
	free(first);
	free(where);
	return ok;
}

int shard_check(struct shard_manifest *const *m, const char *const *dirs, size_t n, struct diag *d)
{
	bool ok = true;
	if (!n)
		return SPOTSIM_EINVAL;
	for (size_t i = 1; i < n; i++)
		if (foreign(m[i], dirs[i], m[0], dirs[0], d))
			ok = false;
	if (!ok)
		return SPOTSIM_EINVAL;
	size_t *by_slice = xcalloc(m[0]->slice.count, sizeof(*by_slice));
	ok = cover(m, dirs, n, by_slice, d);
	ok = report_missing(by_slice, n, m[0]->slice.count, d) && ok;
	free(by_slice);
	ok = ok && same_configs(m, dirs, n, d);
	return ok ? 0 : SPOTSIM_EINVAL;
}

void shard_experiment(struct shard_manifest *const *m, size_t n, struct experiment *x,
		      uint64_t **seeds)
{
	size_t nconfigs = m[0]->nconfigs, nreps = m[0]->nreps;

	memset(x, 0, sizeof(*x));
	x->nconfigs = nconfigs;
	x->nreps = nreps;
	x->variant = xcalloc(nconfigs, sizeof(*x->variant));
	x->sweep = xcalloc(nconfigs, sizeof(*x->sweep));
	x->baseline = xcalloc(nconfigs, sizeof(*x->baseline));
	x->m = xcalloc(nconfigs * nreps, sizeof(*x->m));
	x->budget_usd = m[0]->budget_usd;
	x->max_breach = m[0]->max_breach;
	*seeds = xcalloc(nconfigs, sizeof(**seeds));
	for (size_t i = 0; i < n; i++)
		for (size_t j = 0; j < m[i]->nitems; j++) {
			const struct shard_item *it = &m[i]->items[j];
			x->m[it->item] = it->m;
			(*seeds)[it->config] = it->seed;
			if (x->variant[it->config])
				continue;
			x->variant[it->config] = xstrdup(it->variant);
			x->sweep[it->config] = xstrdup(it->sweep);
			x->baseline[it->config] = it->baseline;
		}
}

/* ---- the streamed files ---- */

/*
 * Reads one record of `in` (its newline included) into `out` when not NULL,
 * or into `keep` when not NULL. Returns true when there was one.
 */
static bool copy_record(FILE *in, FILE *out, struct strbuf *keep)
{
	bool quoted = false, any = false;
	int c;
	while ((c = getc(in)) != EOF) {
		any = true;
		if (out)
			putc(c, out);
		if (keep)
			strbuf_addch(keep, (char)c);
		if (c == '"')
			quoted = !quoted;
		else if (c == '\n' && !quoted)
			break;
	}
	return any;
}

struct join {
	struct shard_manifest *const *m;
	const char *const *dirs;
	const char *name;
	FILE **in;	      /* [slice position], opened on first use */
	struct strbuf header; /* the first file's header */
	FILE *out;
	struct diag *d;
};

/* Opens the file of slice position `s` and checks its header; NULL after an error. */
static FILE *open_stream(struct join *j, size_t s)
{
	struct strbuf head = STRBUF_INIT;
	char *path = xasprintf("%s/%s", j->dirs[s], j->name);
	FILE *f = fopen(path, "rb");
	if (!f)
		diag_error(j->d, path, NULL,
			   "cannot open file: %s (accepted: the file as spotsim "
			   "run --shard wrote it)",
			   diag_strerror(errno));
	else if (!copy_record(f, NULL, &head) ||
		 (j->header.len && strcmp(head.buf, j->header.buf))) {
		diag_error(j->d, path, NULL,
			   "its header row differs from the other shards' (accepted: the file as "
			   "spotsim run --shard wrote it)");
		fclose(f);
		f = NULL;
	} else if (!j->header.len) {
		strbuf_adds(&j->header, head.buf);
		fputs(head.buf, j->out);
	}
	strbuf_release(&head);
	free(path);
	j->in[s] = f;
	return f;
}

static int rows_error(struct join *j, size_t s, const char *what)
{
	diag_error(j->d, j->dirs[s], NULL,
		   "%s: %s rows than " SHARD_ITEMS " lists (accepted: the file as spotsim run "
		   "--shard wrote it)",
		   j->name, what);
	return SPOTSIM_EINVAL;
}

/* The rows of file `name` that item `it` holds; -1 for none. */
static long item_rows(const char *name, const struct shard_item *it)
{
	if (!strcmp(name, "timeseries.csv"))
		return it->timeseries_rows;
	if (!strcmp(name, "events.csv"))
		return it->events_rows;
	return it->hours_rows;
}

bool shard_has_hours(struct shard_manifest *const *m, size_t n)
{
	for (size_t i = 0; i < n; i++)
		for (size_t j = 0; j < m[i]->nitems; j++)
			if (m[i]->items[j].hours_rows >= 0)
				return true;
	return false;
}

/*
 * Copies the rows of every item, in item order (only replication 0 of a
 * configuration has streamed rows, so timeseries.csv and events.csv come
 * in configuration order).
 */
static int join_rows(struct join *j, const size_t *by_slice)
{
	const struct shard_manifest *m0 = j->m[0];
	size_t count = m0->slice.count;

	for (size_t item = 0; item < m0->nconfigs * m0->nreps; item++) {
		size_t k = item % count, s = by_slice[k];
		const struct shard_item *it = &j->m[s]->items[(item - k) / count];
		long rows = item_rows(j->name, it);
		if (rows < 0)
			continue;
		if (!j->in[s] && !open_stream(j, s))
			return SPOTSIM_EINVAL;
		for (long r = 0; r < rows; r++)
			if (!copy_record(j->in[s], j->out, NULL))
				return rows_error(j, s, "fewer");
	}
	return 0;
}

/* Every slice's file must be used up: no row that no manifest lists. */
static int check_leftovers(struct join *j, size_t n)
{
	int rc = 0;
	for (size_t s = 0; s < n; s++) {
		if (!j->in[s] && !open_stream(j, s)) {
			rc = SPOTSIM_EINVAL;
			continue;
		}
		if (copy_record(j->in[s], NULL, NULL))
			rc = rows_error(j, s, "more");
		if (ferror(j->in[s])) {
			diag_error(j->d, j->dirs[s], NULL, "%s: read error", j->name);
			rc = SPOTSIM_EIO;
		}
		fclose(j->in[s]);
		j->in[s] = NULL;
	}
	return rc;
}

int shard_join_stream(struct shard_manifest *const *m, const char *const *dirs, size_t n,
		      const char *name, FILE *out, struct diag *d)
{
	struct join j = {m, dirs, name, xcalloc(n, sizeof(FILE *)), STRBUF_INIT, out, d};
	size_t count = m[0]->slice.count;
	size_t *by_slice = xcalloc(count, sizeof(*by_slice));

	for (size_t i = 0; i < n; i++)
		by_slice[m[i]->slice.index] = i;
	int rc = join_rows(&j, by_slice);
	if (!rc)
		rc = check_leftovers(&j, n);
	for (size_t s = 0; s < n; s++)
		if (j.in[s])
			fclose(j.in[s]);
	strbuf_release(&j.header);
	free(j.in);
	free(by_slice);
	return rc;
}
