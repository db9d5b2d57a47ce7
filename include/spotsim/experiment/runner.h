#ifndef SPOTSIM_RUNNER_H
#define SPOTSIM_RUNNER_H
/*
 * runner — runs a plan: every configuration x every replication, on a pool
 * of threads, into a struct experiment (SPEC §5).
 *
 * Replication 0 of every configuration runs on the calling thread, one
 * configuration after another, with the sink the caller gives for it, so the
 * streamed files are in a fixed order; meanwhile `threads` - 1 worker
 * threads take the other (configuration, replication) items from a shared
 * counter, and the calling thread joins them when its own part is done.
 * Each result goes to its own slot of the matrix, so the results do not
 * depend on the number of threads or on timing.
 * A progress line with an ETA is written to stderr when `progress` is set
 * (the caller sets it when stderr is a terminal).
 *
 * `slice` restricts the run to one slice of the plan (shard.h): only the
 * (configuration, replication) items it holds are run, and the sink is
 * asked for only when the slice holds a configuration's replication 0. The
 * other slots of the matrix stay zero. {0, 0} runs the whole plan.
 */
#include <stdbool.h>
#include <stddef.h>

#include "spotsim/util/diag.h"
#include "spotsim/experiment/experiment.h"
#include "spotsim/scenario/plan.h"
#include "spotsim/model/pricing.h"
#include "spotsim/experiment/replication.h"
#include "spotsim/experiment/shard.h"

struct runner_options {
	size_t replications; /* per configuration, at least 1 */
	size_t threads;	     /* at least 1 */
	bool progress;
	struct shard_slice slice; /* {0, 0}: the whole plan */
};

/* Gives the sink for replication 0 of `config`, or leaves it NULL-filled for none. */
typedef void (*runner_sink_fn)(void *ctx, size_t config, struct run_sink *out);

/*
 * Runs the plan into `out` (allocated here; experiment_release frees it).
 * Returns 0, or the first failing replication's code (its diagnostics in
 * `d`), or SPOTSIM_EINTR after replication_interrupt().
 */
int runner_run(const struct plan *p, const struct price_table *t, const struct runner_options *o,
	       runner_sink_fn sink_for, void *ctx, struct experiment *out, struct diag *d);

void experiment_release(struct experiment *x);

/* The number of online processors, at least 1 (the default for --threads). */
size_t runner_default_threads(void);

#endif
