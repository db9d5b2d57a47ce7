/*
 * Tests for shards: the slicing rule (every item in exactly one slice, the
 * slices balanced), --shard values and the array-job variables of AWS Batch,
 * Slurm and Kubernetes, the runner on one slice (the same results as the
 * whole plan), the digest, the manifest written and read back to the bit,
 * and the merge checks (missing, repeated and foreign slices) and joining.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "testutil.h"

#include "spotsim/experiment/runner.h"
#include "spotsim/experiment/shard.h"
#include "spotsim/util/error.h"
#include "spotsim/util/fileio.h"
#include "spotsim/util/strbuf.h"
#include "spotsim/util/version.h"

#include <math.h>
#include <string.h>

/* True when a line of `d` contains `needle`; else prints them all. */
static bool has_line(const struct diag *d, const char *needle)
{
	bool hit = false;
	for (size_t i = 0; i < d->nr && !hit; i++) {
		char *l = diag_line(d, i);
		hit = strstr(l, needle) != NULL;
		free(l);
	}
	for (size_t i = 0; i < d->nr && !hit; i++) {
		char *l = diag_line(d, i);
		print_message("diag: %s\n", l);
		free(l);
	}
	return hit;
}

/* ---- slicing ---- */

static void test_every_item_once(void **state)
{
	(void)state;
	for (size_t plan = 0; plan <= 40; plan++)
		for (size_t n = 1; n <= 45; n++) {
			size_t total = 0, lo = SIZE_MAX, hi = 0;
			for (size_t k = 0; k < n; k++) {
				struct shard_slice s = {k, n};
				size_t size = shard_size(&s, plan), counted = 0;
				for (size_t i = 0; i < plan; i++)
					counted += shard_holds(&s, i);
				assert_int_equal(size, counted);
				total += size;
				lo = size < lo ? size : lo;
				hi = size > hi ? size : hi;
			}
			for (size_t i = 0; i < plan; i++) {
				size_t holders = 0;
				for (size_t k = 0; k < n; k++)
					holders += shard_holds(&(struct shard_slice){k, n}, i);
				assert_int_equal(holders, 1);
			}
			assert_int_equal(total, plan);
			assert_true(hi - lo <= 1); /* round robin: balanced */
		}
	struct shard_slice all = {0, 0};
	assert_int_equal(shard_size(&all, 17), 17);
	assert_true(shard_holds(&all, 16));
}

/* Item i = config x replications + replication; slice K holds i mod N = K. */
static void test_slice_rule(void **state)
{
	(void)state;
	struct shard_slice s = {1, 3};
	size_t want[] = {1, 4, 7, 10}, got = 0;
	for (size_t i = 0; i < 12; i++)
		if (shard_holds(&s, i))
			assert_int_equal(i, want[got++]);
	assert_int_equal(got, 4);
}

/* ---- --shard and the array-job variables ---- */

struct fake_env {
	const char *pairs[16]; /* name, value, ..., NULL */
};

static const char *lookup(void *ctx, const char *name)
{
	struct fake_env *e = ctx;
	for (int i = 0; e->pairs[i]; i += 2)
		if (!strcmp(e->pairs[i], name))
			return e->pairs[i + 1];
	return NULL;
}

/* Parses `spec` in `env`: 0 and the slice, or the error that must contain `msg`. */
static void expect(const char *spec, struct fake_env env, long k, long n, const char *msg)
{
	struct diag d;
	struct shard_slice s = {99, 99};
	diag_init(&d);
	int rc = shard_parse(spec, lookup, &env, &s, &d);
	if (msg) {
		assert_int_equal(rc, SPOTSIM_EINVAL);
		assert_int_equal(d.errors, 1);
		assert_true(has_line(&d, msg));
	} else {
		if (rc)
			has_line(&d, "(print)");
		assert_int_equal(rc, 0);
		assert_int_equal(s.index, k);
		assert_int_equal(s.count, n);
	}
	diag_release(&d);
}

#define NO_ENV ((struct fake_env){{NULL}})

static void test_explicit(void **state)
{
	(void)state;
	expect("0/3", NO_ENV, 0, 3, NULL);
	expect("2/3", NO_ENV, 2, 3, NULL);
	expect("0/1", NO_ENV, 0, 1, NULL);
	expect("3/3", NO_ENV, 0, 0, "--shard: 3/3: slice 3 is outside 0..2 (slices count from 0");
	expect("3", NO_ENV, 0, 0, "--shard: \"3\" is not a slice (accepted: K/N");
	expect("1/0", NO_ENV, 0, 0, "is not a slice");
	expect("-1/3", NO_ENV, 0, 0, "is not a slice");
	expect("1/3x", NO_ENV, 0, 0, "is not a slice");
	expect("auto/0", NO_ENV, 0, 0, "is not a slice");
	expect("", NO_ENV, 0, 0, "is not a slice");
	expect("0/1000001", NO_ENV, 0, 0, "N from 1 to 1000000");
}

static void test_aws_batch(void **state)
{
	(void)state;
	struct fake_env both = {
	    {"AWS_BATCH_JOB_ARRAY_INDEX", "2", "AWS_BATCH_JOB_ARRAY_SIZE", "4", NULL}};
	struct fake_env index = {{"AWS_BATCH_JOB_ARRAY_INDEX", "2", NULL}};
	expect("auto", both, 2, 4, NULL);
	expect("auto/4", both, 2, 4, NULL);
	expect("auto/5", both, 0, 0,
	       "auto/5: AWS_BATCH_JOB_ARRAY_SIZE=4 says the array has 4 tasks, not 5");
	expect("auto/3", index, 2, 3, NULL);
	expect("auto", index, 0, 0,
	       "auto: AWS_BATCH_JOB_ARRAY_INDEX=2 gives this task's index but not the number");
	expect("auto/2", index, 0, 0,
	       "auto/2: AWS_BATCH_JOB_ARRAY_INDEX=2 is slice 2, outside 0..1");
	expect("1/3", index, 1, 3, NULL); /* explicit wins: the variables are not read */
	struct fake_env bad = {{"AWS_BATCH_JOB_ARRAY_INDEX", "two", NULL}};
	expect("auto/3", bad, 0, 0, "AWS_BATCH_JOB_ARRAY_INDEX=\"two\" is not a whole number");
}

static void test_slurm(void **state)
{
	(void)state;
	/* sbatch --array=3-6: IDs 3..6 are slices 0..3 */
	struct fake_env from3 = {{"SLURM_ARRAY_TASK_ID", "5", "SLURM_ARRAY_TASK_MIN", "3",
				  "SLURM_ARRAY_TASK_MAX", "6", "SLURM_ARRAY_TASK_COUNT", "4",
				  NULL}};
	expect("auto", from3, 2, 4, NULL);
	expect("auto/4", from3, 2, 4, NULL);
	expect("auto/3", from3, 0, 0, "SLURM_ARRAY_TASK_COUNT=4 says the array has 4 tasks");
	/* sbatch --array=0-7:2: IDs 0, 2, 4, 6 */
	struct fake_env stepped = {{"SLURM_ARRAY_TASK_ID", "6", "SLURM_ARRAY_TASK_MIN", "0",
				    "SLURM_ARRAY_TASK_MAX", "6", "SLURM_ARRAY_TASK_STEP", "2",
				    "SLURM_ARRAY_TASK_COUNT", "4", NULL}};
	expect("auto", stepped, 3, 4, NULL);
	/* sbatch --array=1,4,9: not one range */
	struct fake_env list = {{"SLURM_ARRAY_TASK_ID", "4", "SLURM_ARRAY_TASK_MIN", "1",
				 "SLURM_ARRAY_TASK_MAX", "9", "SLURM_ARRAY_TASK_COUNT", "3", NULL}};
	expect("auto", list, 0, 0, "the Slurm array's task IDs are not one evenly stepped range");
	/* only the ID: N must be given */
	struct fake_env id = {{"SLURM_ARRAY_TASK_ID", "1", NULL}};
	expect("auto/2", id, 1, 2, NULL);
	expect("auto", id, 0, 0, "SLURM_ARRAY_TASK_ID=1 gives this task's index but not");
}

static void test_kubernetes(void **state)
{
	(void)state;
	struct fake_env k8s = {{"JOB_COMPLETION_INDEX", "1", NULL}};
	expect("auto/2", k8s, 1, 2, NULL);
	expect("auto", k8s, 0, 0, "auto: JOB_COMPLETION_INDEX=1 gives this task's index");
	expect("auto/1", k8s, 0, 0, "JOB_COMPLETION_INDEX=1 is slice 1, outside 0..0");
}

static void test_ambiguous_or_none(void **state)
{
	(void)state;
	struct fake_env two = {
	    {"AWS_BATCH_JOB_ARRAY_INDEX", "1", "JOB_COMPLETION_INDEX", "2", NULL}};
	expect("auto/3", two, 0, 0,
	       "AWS_BATCH_JOB_ARRAY_INDEX=1 and JOB_COMPLETION_INDEX=2 name different slices");
	struct fake_env agree = {
	    {"AWS_BATCH_JOB_ARRAY_INDEX", "1", "SLURM_ARRAY_TASK_ID", "1", NULL}};
	expect("auto/3", agree, 1, 3, NULL);
	expect("auto", NO_ENV, 0, 0, "auto: no array-job index is set");
	expect("auto/3", NO_ENV, 0, 0, "auto/3: no array-job index is set");
	struct fake_env empty = {{"JOB_COMPLETION_INDEX", "", NULL}};
	expect("auto/3", empty, 0, 0, "no array-job index is set");
}

/* ---- runs ---- */

static const char small[] =
    "{\"name\": \"shard-test\", \"duration\": \"6h\", \"seed\": 5, \"replications\": 3,"
    "\"taskDefinition\": {\"cpu\": \"256\", \"memory\": \"512\"},"
    "\"service\": {\"desiredCount\": 2, \"capacityProviderStrategy\": ["
    "{\"capacityProvider\": \"FARGATE\", \"base\": 1, \"weight\": 1},"
    "{\"capacityProvider\": \"FARGATE_SPOT\", \"weight\": 1}]},"
    "\"workload\": {\"type\": \"requests\", \"rate\": {\"kind\": \"constant\", \"rps\": 20},"
    "\"service_time\": \"50ms\", \"concurrency_per_task\": 2},"
    "\"spot\": {\"interruptions\": {\"model\": \"poisson\", \"monthly_fraction\": 0.9}},"
    "\"slo\": {\"monthly_budget_usd\": 5},"
    "\"variants\": [{\"name\": \"all, spot\", \"set\": {\"service.capacityProviderStrategy\": "
    "[{\"capacityProvider\": \"FARGATE_SPOT\", \"weight\": 1}]}}],"
    "\"sweep\": {\"service.desiredCount\": [2, 3]}}";

struct fixture {
	char *path;
	struct plan p;
	struct price_table t;
};

static void fixture_load(struct fixture *f)
{
	struct diag d;
	diag_init(&d);
	f->path = testutil_write_temp(small, ".json");
	pricing_init(&f->t);
	assert_int_equal(plan_load(&f->p, f->path, &d), 0);
	assert_int_equal(pricing_load(&f->t, "data/pricing.csv", &d), 0);
	diag_release(&d);
}

static void fixture_release(struct fixture *f)
{
	unlink(f->path);
	free(f->path);
	plan_release(&f->p);
	pricing_release(&f->t);
}

static void run(struct fixture *f, struct shard_slice slice, size_t threads, struct experiment *x)
{
	struct runner_options o = {.replications = 3, .threads = threads, .slice = slice};
	struct diag d;
	diag_init(&d);
	assert_int_equal(runner_run(&f->p, &f->t, &o, NULL, NULL, x, &d), 0);
	diag_release(&d);
}

static bool same_metrics(const struct run_metrics *a, const struct run_metrics *b)
{
	return memcmp(a, b, sizeof(*a)) == 0;
}

/* A slice's items have the whole plan's results, bit for bit; the others are not run. */
static void test_runner_slice(void **state)
{
	(void)state;
	struct fixture f;
	struct experiment all, part;
	struct run_metrics zero;
	memset(&zero, 0, sizeof(zero));
	fixture_load(&f);
	assert_int_equal(f.p.n, 4);
	run(&f, (struct shard_slice){0, 0}, 2, &all);
	run(&f, (struct shard_slice){2, 5}, 1, &part);
	for (size_t i = 0; i < 12; i++) {
		const struct run_metrics *want = &all.m[i], *got = &part.m[i];
		assert_true(i % 5 == 2 ? same_metrics(want, got) : same_metrics(&zero, got));
	}
	experiment_release(&all);
	experiment_release(&part);
	fixture_release(&f);
}

static void test_digest(void **state)
{
	(void)state;
	struct fixture f;
	struct diag d;
	char a[SHARD_DIGEST_SIZE], b[SHARD_DIGEST_SIZE], c[SHARD_DIGEST_SIZE];
	fixture_load(&f);
	diag_init(&d);
	assert_int_equal(shard_digest(&f.p, f.path, "data/pricing.csv", 5, 3, a, &d), 0);
	assert_int_equal(shard_digest(&f.p, f.path, "data/pricing.csv", 5, 3, b, &d), 0);
	assert_string_equal(a, b);
	assert_int_equal(strlen(a), SHARD_DIGEST_SIZE - 1);
	assert_memory_equal(a, "sha256:", 7);
	assert_int_equal(shard_digest(&f.p, f.path, "data/pricing.csv", 6, 3, c, &d), 0);
	assert_string_not_equal(a, c); /* another seed */
	assert_int_equal(shard_digest(&f.p, f.path, "data/pricing.csv", 5, 4, c, &d), 0);
	assert_string_not_equal(a, c); /* other replications */
	assert_int_equal(shard_digest(&f.p, f.path, "scenarios/example.json", 5, 3, c, &d), 0);
	assert_string_not_equal(a, c); /* another price table */
	assert_int_equal(shard_digest(&f.p, f.path, "/nonexistent/prices.csv", 5, 3, c, &d),
			 SPOTSIM_EIO);
	assert_true(
	    has_line(&d, "/nonexistent/prices.csv: cannot read it for the scenario digest"));
	diag_release(&d);
	fixture_release(&f);
}

/* The data files of a scenario, in variants and sweeps too, each once. */
static void test_plan_files(void **state)
{
	(void)state;
	struct plan p;
	struct diag d;
	diag_init(&d);
	assert_int_equal(plan_load(&p, "scenarios/trace-driven.json", &d), 0);
	assert_true(p.nfiles >= 2);
	for (size_t i = 0; i < p.nfiles; i++) {
		assert_non_null(strstr(p.files[i], "data/traces/"));
		for (size_t j = 0; j < i; j++)
			assert_string_not_equal(p.files[i], p.files[j]);
	}
	plan_release(&p);
	struct fixture f;
	fixture_load(&f);
	assert_int_equal(f.p.nfiles, 0);
	fixture_release(&f);
	diag_release(&d);
}

/* ---- manifests ---- */

static void write_text(const char *dir, const char *name, const char *text)
{
	char *path = testutil_path_in(dir, name);
	FILE *out = fopen(path, "wb");
	assert_non_null(out);
	fputs(text, out);
	fclose(out);
	free(path);
}

/* Writes slice `s` of the fixture's run into `dir` as a shard would (without the report). */
static void write_shard(struct fixture *f, struct shard_slice s, const char *dir,
			const char *digest, struct shard_manifest *m)
{
	struct experiment x;
	struct shard_rows rows;
	struct diag d;
	run(f, s, 1, &x);
	shard_rows_init(&rows, f->p.n);
	shard_manifest_build(m, &f->p, &x, &s, &rows, digest);
	diag_init(&d);
	assert_int_equal(shard_write(dir, m, &d), 0);
	diag_release(&d);
	struct strbuf rep = STRBUF_INIT;
	strbuf_adds(&rep, "header\n");
	for (size_t i = 0; i < m->nitems; i++)
		strbuf_adds(&rep, "row\n");
	write_text(dir, "replications.csv", rep.buf);
	strbuf_release(&rep);
	shard_rows_release(&rows);
	experiment_release(&x);
}

static void test_manifest_round_trip(void **state)
{
	(void)state;
	struct fixture f;
	struct shard_manifest w, r;
	struct diag d;
	char dir[64];
	fixture_load(&f);
	assert_true(testutil_make_dir(dir, sizeof(dir), "shard"));
	write_shard(&f, (struct shard_slice){1, 2}, dir, "sha256:abc", &w);
	diag_init(&d);
	assert_int_equal(shard_read(dir, &r, &d), 0);
	assert_int_equal(d.nr, 0);
	assert_string_equal(r.version, SPOTSIM_VERSION);
	assert_string_equal(r.scenario, "shard-test");
	assert_string_equal(r.digest, "sha256:abc");
	assert_int_equal(r.seed, 5);
	assert_int_equal(r.nconfigs, 4);
	assert_int_equal(r.nreps, 3);
	assert_int_equal(r.slice.index, 1);
	assert_int_equal(r.slice.count, 2);
	assert_int_equal(r.duration, w.duration);
	assert_true(r.budget_usd == 5);
	assert_int_equal(r.nitems, 6);
	for (size_t i = 0; i < r.nitems; i++) {
		assert_int_equal(r.items[i].item, 2 * i + 1);
		assert_string_equal(r.items[i].variant, w.items[i].variant);
		assert_string_equal(r.items[i].sweep, w.items[i].sweep);
		assert_true(same_metrics(&r.items[i].m, &w.items[i].m)); /* to the bit, NANs too */
	}
	assert_string_equal(r.items[3].variant, "all, spot"); /* quoted in the CSV */
	shard_manifest_release(&r);

	/* a changed replications.csv, an edited version, no manifest */
	write_text(dir, "replications.csv", "header\nrow\n");
	assert_int_equal(shard_read(dir, &r, &d), SPOTSIM_EINVAL);
	assert_true(has_line(&d, "replications.csv: 1 rows, but shard.csv lists 6 items"));
	shard_manifest_release(&r);
	char *path = testutil_path_in(dir, SHARD_MANIFEST), *text;
	size_t len;
	assert_int_equal(fileio_read(path, &text, &len), 0);
	char *v = strstr(text, SPOTSIM_VERSION);
	v[0] = '9';
	write_text(dir, SHARD_MANIFEST, text);
	assert_int_equal(shard_read(dir, &r, &d), SPOTSIM_EINVAL);
	assert_true(has_line(&d, ": spotsim_version 9"));
	shard_manifest_release(&r);
	free(text);
	unlink(path);
	assert_int_equal(shard_read(dir, &r, &d), SPOTSIM_ENOENT);
	assert_true(has_line(&d, ": no shard.csv in this folder"));
	shard_manifest_release(&r);
	free(path);
	diag_release(&d);
	shard_manifest_release(&w);
	testutil_remove_tree(dir);
	fixture_release(&f);
}

/* ---- merging ---- */

/* A manifest in memory: slice k of n of a plan of 2 configurations x 2 replications. */
static void fake(struct shard_manifest *m, size_t k, size_t n, uint64_t seed, const char *digest)
{
	memset(m, 0, sizeof(*m));
	m->version = xstrdup(SPOTSIM_VERSION);
	m->scenario = xstrdup("x");
	m->digest = xstrdup(digest);
	m->region = xstrdup("us-east-1");
	m->start = xstrdup("2026-01-05T00:00:00Z");
	m->seed = seed;
	m->nconfigs = 2;
	m->nreps = 2;
	m->slice = (struct shard_slice){k, n};
	m->items = xcalloc(4, sizeof(*m->items));
	for (size_t i = k; i < 4; i += n) {
		struct shard_item *it = &m->items[m->nitems++];
		it->item = i;
		it->config = i / 2;
		it->rep = i % 2;
		it->variant = xstrdup(i / 2 ? "v" : "base");
		it->sweep = xstrdup("");
		it->timeseries_rows = it->events_rows = it->rep ? -1 : 1;
		it->m.cost_usd = (double)i + 0.5;
	}
}

static int check(struct shard_manifest *ms, size_t n, const char **dirs, struct diag *d)
{
	struct shard_manifest *ptr[8];
	for (size_t i = 0; i < n; i++)
		ptr[i] = &ms[i];
	return shard_check(ptr, dirs, n, d);
}

static void release_all(struct shard_manifest *ms, size_t n)
{
	for (size_t i = 0; i < n; i++)
		shard_manifest_release(&ms[i]);
}

static void test_check(void **state)
{
	(void)state;
	struct shard_manifest ms[4];
	const char *dirs[] = {"s0", "s1", "s2", "s3"};
	struct diag d;
	diag_init(&d);

	fake(&ms[0], 2, 3, 1, "sha256:a");
	fake(&ms[1], 0, 3, 1, "sha256:a");
	fake(&ms[2], 1, 3, 1, "sha256:a");
	assert_int_equal(check(ms, 3, dirs, &d), 0);
	struct experiment x;
	uint64_t *seeds;
	shard_experiment((struct shard_manifest *[]){&ms[0], &ms[1], &ms[2]}, 3, &x, &seeds);
	for (size_t i = 0; i < 4; i++)
		assert_true(x.m[i].cost_usd == (double)i + 0.5);
	assert_string_equal(x.variant[1], "v");
	experiment_release(&x);
	free(seeds);

	assert_int_equal(check(ms, 2, dirs, &d), SPOTSIM_EINVAL); /* slice 1/3 not given */
	assert_true(has_line(&d, "slice 1/3 is missing (accepted: one folder for each slice 0/3 "
				 "to 2/3)"));
	assert_int_equal(check(ms, 1, dirs, &d), SPOTSIM_EINVAL);
	assert_true(has_line(&d, "slices 0/3, 1/3 are missing"));
	release_all(ms, 3);

	fake(&ms[0], 0, 2, 1, "sha256:a");
	fake(&ms[1], 1, 2, 1, "sha256:a");
	fake(&ms[2], 1, 2, 1, "sha256:a");
	assert_int_equal(check(ms, 3, dirs, &d), SPOTSIM_EINVAL);
	assert_true(has_line(&d, "s1 and s2 both hold slice 1/2 (accepted: each slice once)"));
	release_all(ms, 3);

	fake(&ms[0], 0, 2, 1, "sha256:a");
	fake(&ms[1], 1, 2, 7, "sha256:b");
	assert_int_equal(check(ms, 2, dirs, &d), SPOTSIM_EINVAL);
	assert_true(has_line(&d, "s1: seed 7 differs from 1 in s0"));
	ms[1].seed = 1;
	assert_int_equal(check(ms, 2, dirs, &d), SPOTSIM_EINVAL);
	assert_true(has_line(&d, "s1: scenario_digest differs from s0's"));
	release_all(ms, 2);

	fake(&ms[0], 0, 2, 1, "sha256:a");
	fake(&ms[1], 1, 3, 1, "sha256:a");
	assert_int_equal(check(ms, 2, dirs, &d), SPOTSIM_EINVAL);
	assert_true(has_line(&d, "s1: slice 1/3 is one of 3 slices, but s0 holds one of 2"));
	release_all(ms, 2);

	fake(&ms[0], 0, 2, 1, "sha256:a");
	fake(&ms[1], 1, 2, 1, "sha256:a");
	free(ms[1].items[0].variant);
	ms[1].items[0].variant = xstrdup("w");
	assert_int_equal(check(ms, 2, dirs, &d), SPOTSIM_EINVAL);
	assert_true(has_line(&d, "configuration 0 is \"w\" at \"\" here but \"base\""));
	release_all(ms, 2);
	diag_release(&d);
}

/* Streamed rows join in configuration order, byte for byte, quoted newlines and all. */
static void test_join(void **state)
{
	(void)state;
	struct shard_manifest ms[2];
	char d0[64], d1[64];
	struct diag d;
	assert_true(testutil_make_dir(d0, sizeof(d0), "join0"));
	assert_true(testutil_make_dir(d1, sizeof(d1), "join1"));
	const char *dirs[] = {d1, d0};
	/* 2 slices: items 0 (config 0, rep 0) and 2 (config 1, rep 0) are both in slice 0 */
	fake(&ms[0], 1, 2, 1, "sha256:a");
	fake(&ms[1], 0, 2, 1, "sha256:a");
	ms[1].items[0].events_rows = 2;
	write_text(d0, "events.csv", "h,\"x\"\nbase,\"a\nb\"\nbase,c\nv,\"d,e\"\n");
	write_text(d1, "events.csv", "h,\"x\"\n");
	diag_init(&d);
	char *out = testutil_path_in(d0, "joined.csv");
	FILE *f = fopen(out, "wb");
	assert_int_equal(shard_join_stream((struct shard_manifest *[]){&ms[0], &ms[1]}, dirs, 2,
					   "events.csv", f, &d),
			 0);
	fclose(f);
	char *text;
	size_t len;
	assert_int_equal(fileio_read(out, &text, &len), 0);
	assert_string_equal(text, "h,\"x\"\nbase,\"a\nb\"\nbase,c\nv,\"d,e\"\n");
	free(text);

	/* a row more than listed, a different header */
	ms[1].items[0].events_rows = 1;
	f = fopen(out, "wb");
	assert_int_equal(shard_join_stream((struct shard_manifest *[]){&ms[0], &ms[1]}, dirs, 2,
					   "events.csv", f, &d),
			 SPOTSIM_EINVAL);
	fclose(f);
	assert_true(has_line(&d, "events.csv: more rows than shard-items.csv lists"));
	ms[1].items[0].events_rows = 2;
	write_text(d1, "events.csv", "h,y\n");
	f = fopen(out, "wb");
	assert_int_equal(shard_join_stream((struct shard_manifest *[]){&ms[0], &ms[1]}, dirs, 2,
					   "events.csv", f, &d),
			 SPOTSIM_EINVAL);
	fclose(f);
	assert_true(has_line(&d, "events.csv: its header row differs from the other shards'"));
	free(out);
	diag_release(&d);
	release_all(ms, 2);
	testutil_remove_tree(d0);
	testutil_remove_tree(d1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_every_item_once),
	    cmocka_unit_test(test_slice_rule),
	    cmocka_unit_test(test_explicit),
	    cmocka_unit_test(test_aws_batch),
	    cmocka_unit_test(test_slurm),
	    cmocka_unit_test(test_kubernetes),
	    cmocka_unit_test(test_ambiguous_or_none),
	    cmocka_unit_test(test_runner_slice),
	    cmocka_unit_test(test_digest),
	    cmocka_unit_test(test_plan_files),
	    cmocka_unit_test(test_manifest_round_trip),
	    cmocka_unit_test(test_check),
	    cmocka_unit_test(test_join),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
