#ifndef SPOTSIM_SHARD_H
#define SPOTSIM_SHARD_H
/*
 * shard — one slice of a run plan, so that a sweep runs across machines as
 * an array job (AWS Batch, Slurm, Kubernetes Indexed Jobs, GNU parallel),
 * and the files that let `spotsim merge` put the slices back together into
 * the outputs of a one-machine run, byte for byte (SPEC §8).
 *
 * Slicing. The plan's work items are numbered
 *     item = configuration x replications + replication
 * (configurations in plan order, plan.h). Slice K of N, 0 <= K < N, holds
 * the items with item mod N = K: round robin, so that every slice gets its
 * share of every configuration and the slices take about the same time
 * however much the configurations differ in cost. K counts from 0, as AWS
 * Batch and Kubernetes indices do. A replication's results depend only on
 * (configuration, replication), never on the slice or thread that runs it.
 *
 * Choosing K and N (shard_parse), for `spotsim run --shard SPEC`:
 *   K/N     explicit
 *   auto    both from the array job: Slurm (SLURM_ARRAY_TASK_ID minus
 *           SLURM_ARRAY_TASK_MIN, divided by SLURM_ARRAY_TASK_STEP; N =
 *           SLURM_ARRAY_TASK_COUNT) or AWS Batch (AWS_BATCH_JOB_ARRAY_INDEX,
 *           N = AWS_BATCH_JOB_ARRAY_SIZE)
 *   auto/N  N given; K from whichever is set of AWS_BATCH_JOB_ARRAY_INDEX,
 *           JOB_COMPLETION_INDEX (Kubernetes Indexed Job) and the Slurm
 *           variables above; an array size the engine also gives must agree
 * Refused, with one error naming the variable: no variable set, variables
 * of two engines that disagree, a value that is not a whole number, an index
 * outside 0..N-1, N not given where no variable has it, a Slurm array whose
 * IDs are not one evenly stepped range (--array=1,4,9).
 *
 * A shard folder, as spotsim run --shard writes it:
 *   replications.csv   the rows of its items, in plan order, exactly as a
 *                      full run writes them
 *   timeseries.csv, events.csv   the rows of the streamed replications it
 *                      holds (replication 0 of each variant at the first
 *                      sweep point), in configuration order
 *   hourly_usage.csv   with a Savings Plan (report.h): the clock hours of
 *                      the items it holds that keep them, in item order
 *                      (which items keep their hours is decided over the
 *                      whole plan, as in a one-machine run)
 *   scenario.json      a copy of the scenario file
 *   shard-items.csv    one row per item it holds, in item order: item,
 *                      configuration, replication, variant, sweep,
 *                      baseline, seed, timeseries_rows, events_rows (empty
 *                      when not streamed), hourly_usage_rows (the item's
 *                      rows in hourly_usage.csv; empty when the run writes
 *                      no such file), then every metric of
 *                      run_metric_defs at full precision (%.17g, which
 *                      strtod reads back as the same double; empty = NAN)
 *   shard.csv          the manifest, key,value rows (below), written last:
 *                      a folder without it is not a finished shard
 * and no summary.csv, comparison.csv, plots or report.html: those need
 * every replication, and spotsim merge writes them.
 *
 * Manifest keys: format ("spotsim shard 1"), spotsim_version, scenario (its
 * name), scenario_digest, seed, replications, configurations, plan_size
 * (configurations x replications), slice ("K/N"), slice_rule (the rule in
 * words), items (how many this slice holds), region, start, start_unix,
 * duration_us, budget_usd (empty when unset), max_breach_probability (the
 * scenario's or its default; a manifest without it reads as 0.05).
 *
 * The scenario digest is "sha256:" and the SHA-256 of: the scenario file's
 * bytes, the price table's bytes, the bytes of every data file the scenario
 * names (plan.h: traces, empirical distributions), the seed and the number
 * of replications in effect (so --seed and --replications count), each
 * item length-prefixed. Neither the paths nor --threads take part: shards
 * may run from different folders and machines.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "spotsim/util/diag.h"
#include "spotsim/engine/simtime.h"
#include "spotsim/experiment/experiment.h"
#include "spotsim/experiment/replication.h"
#include "spotsim/scenario/plan.h"

#define SHARD_MAX_SLICES  1000000
#define SHARD_FORMAT	  "spotsim shard 1"
#define SHARD_MANIFEST	  "shard.csv"
#define SHARD_ITEMS	  "shard-items.csv"
#define SHARD_DIGEST_SIZE 72 /* "sha256:" + 64 hex digits + NUL */

/* Slice `index` of `count`; count 0 stands for the whole plan. */
struct shard_slice {
	size_t index, count;
};

/* True when work item `item` belongs to slice `s`. */
bool shard_holds(const struct shard_slice *s, size_t item);

/* How many of the items 0..plan_size-1 slice `s` holds. */
size_t shard_size(const struct shard_slice *s, size_t plan_size);

/* Looks up an environment variable: getenv, or a table in tests. */
typedef const char *(*shard_env_fn)(void *ctx, const char *name);

/*
 * Parses the --shard value `spec` ("K/N", "auto", "auto/N"), reading the
 * array-job variables through `env`. Returns 0, or SPOTSIM_EINVAL after
 * adding one error to `d` (file "--shard"), for example
 *     --shard: auto/4: AWS_BATCH_JOB_ARRAY_INDEX=4 is outside 0..3 (...)
 */
int shard_parse(const char *spec, shard_env_fn env, void *ctx, struct shard_slice *out,
		struct diag *d);

/*
 * Counting the streamed rows. A shard's sink wraps the report's so that the
 * manifest can say how many rows of timeseries.csv and events.csv belong to
 * each configuration. The runner streams one configuration at a time:
 *     shard_rows_init(&rows, p->n);
 *     (in the runner's sink callback)  shard_rows_wrap(&rows, config, &sink);
 * `rows` keeps the inner sink it wraps; counts are -1 for a configuration
 * that streamed nothing.
 */
struct shard_rows {
	long *timeseries, *events; /* [config], owned */
	size_t nconfigs, current;
	struct run_sink inner;
};
void shard_rows_init(struct shard_rows *r, size_t nconfigs);
void shard_rows_wrap(struct shard_rows *r, size_t config, struct run_sink *sink);
void shard_rows_release(struct shard_rows *r);

/* One row of shard-items.csv. */
struct shard_item {
	size_t item, config, rep, baseline;
	char *variant, *sweep; /* owned */
	uint64_t seed;
	long timeseries_rows, events_rows; /* -1 when not streamed */
	long hours_rows;		   /* rows in hourly_usage.csv; -1: no such file */
	struct run_metrics m;
};

/* A shard's manifest and items, as written and read back. */
struct shard_manifest {
	char *version, *scenario, *digest, *region, *start; /* owned */
	uint64_t seed;
	int64_t start_unix;
	sim_time duration;
	size_t nconfigs, nreps;
	struct shard_slice slice;
	double budget_usd;	  /* NAN when unset */
	double max_breach;	  /* slo.max_breach_probability */
	struct shard_item *items; /* owned, in item order */
	size_t nitems;
};

/*
 * The digest of the run's inputs (see above) into `out`: the scenario file
 * `scenario_path`, the price table `prices_path`, p->files, `seed` and
 * `replications`. Returns 0, or SPOTSIM_EIO with an error naming the file
 * that cannot be read.
 */
int shard_digest(const struct plan *p, const char *scenario_path, const char *prices_path,
		 uint64_t seed, size_t replications, char out[SHARD_DIGEST_SIZE], struct diag *d);

/*
 * Fills `m` for slice `s` of plan `p`, run into `x` (borrowed; only the
 * slice's items are read), with the streamed row counts `rows` and the
 * digest. Release with shard_manifest_release.
 */
void shard_manifest_build(struct shard_manifest *m, const struct plan *p,
			  const struct experiment *x, const struct shard_slice *s,
			  const struct shard_rows *rows, const char *digest);

/*
 * Writes DIR/shard-items.csv, then DIR/shard.csv, each atomically. Returns
 * 0, or SPOTSIM_EIO with an error naming the file.
 */
int shard_write(const char *dir, const struct shard_manifest *m, struct diag *d);

/*
 * Reads the manifest and items of the shard folder `dir`, and checks that
 * they hang together: every key present and well-formed, the items exactly
 * those of the slice, in order, and DIR/replications.csv with one row per
 * item. Returns 0; or, after adding errors naming the folder or file,
 * SPOTSIM_ENOENT (no shard.csv: "DIR: no shard.csv in this folder (...)")
 * or SPOTSIM_EINVAL. `m` is safe to release either way.
 */
int shard_read(const char *dir, struct shard_manifest *m, struct diag *d);

void shard_manifest_release(struct shard_manifest *m);

/*
 * Checks that the manifests m[0..n), read from dirs[0..n), are the N slices
 * of one run: the same spotsim_version, seed, number of slices,
 * replications, configurations and scenario_digest as the first (each
 * difference is one error naming the folder and the field), every slice
 * 0..N-1 present ("slice 2/3 is missing"), none twice ("DIR and DIR both
 * hold slice 1/3"). Returns 0 or SPOTSIM_EINVAL.
 */
int shard_check(struct shard_manifest *const *m, const char *const *dirs, size_t n, struct diag *d);

/*
 * The experiment of the whole plan from the items of the checked slices
 * m[0..n) (free it with experiment_release), and the seed of each
 * configuration as replications.csv shows it (*seeds: owned, [config]).
 */
void shard_experiment(struct shard_manifest *const *m, size_t n, struct experiment *x,
		      uint64_t **seeds);

/* Whether the run wrote hourly_usage.csv (some item of m[0..n) lists rows in it). */
bool shard_has_hours(struct shard_manifest *const *m, size_t n);

/*
 * The streamed files of the whole run. For `name` ("timeseries.csv",
 * "events.csv" or "hourly_usage.csv") writes into `out` (open, borrowed)
 * the header of the slices' files and then, item by item, the rows each
 * slice's manifest lists for it (timeseries_rows, events_rows or
 * hours_rows), copied byte for byte: the file a one-machine run writes. Returns 0; or SPOTSIM_EIO / SPOTSIM_EINVAL with
 * an error naming the slice's file (cannot be read, headers that differ,
 * fewer or more rows than its manifest lists).
 */
int shard_join_stream(struct shard_manifest *const *m, const char *const *dirs, size_t n,
		      const char *name, FILE *out, struct diag *d);

#endif
