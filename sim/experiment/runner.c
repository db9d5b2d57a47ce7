/*
 * runner — the plan on a thread pool (see runner.h).
 *
 * Work items are numbered config * nreps + rep; workers claim the next
 * number from an atomic counter and write only their own result slot and,
 * on failure, their own diagnostics. The first failure sets `stop`; the
 * calling thread reports progress while it waits and then joins.
 */
#include "spotsim/experiment/runner.h"

#include "spotsim/util/error.h"
#include "spotsim/util/xalloc.h"

#include <math.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

struct pool {
	const struct plan *plan;
	const struct price_table *prices;
	struct experiment *x;
	const bool *skip; /* [item]: already run with a sink */
	size_t nitems;
	atomic_size_t next, done;
	atomic_int stop;
	int rc;		  /* the first failure's code, under `lock` */
	struct diag diag; /* its diagnostics, under `lock` */
	pthread_mutex_t lock;
};

static int run_item(struct pool *pl, size_t item, const struct run_sink *sink, struct diag *d)
{
	size_t config = item / pl->x->nreps, rep = item % pl->x->nreps;
	return replication_run(&pl->plan->configs[config].sc, pl->prices, rep, sink,
			       &pl->x->m[item], d);
}

static void fail(struct pool *pl, int rc, const struct diag *d)
{
	pthread_mutex_lock(&pl->lock);
	if (!pl->rc) {
		pl->rc = rc;
		for (size_t i = 0; i < d->nr; i++)
			diag_error(&pl->diag, d->items[i].file, d->items[i].path, "%s",
				   d->items[i].msg);
	}
	pthread_mutex_unlock(&pl->lock);
	atomic_store(&pl->stop, 1);
}

static void *worker(void *arg)
{
	struct pool *pl = arg;
	for (;;) {
		size_t item = atomic_fetch_add(&pl->next, 1);
		if (item >= pl->nitems || atomic_load(&pl->stop))
			break;
		if (pl->skip[item])
			continue;
		struct diag d;
		diag_init(&d);
		int rc = run_item(pl, item, NULL, &d);
		if (rc)
			fail(pl, rc, &d);
		diag_release(&d);
		atomic_fetch_add(&pl->done, 1);
	}
	return NULL;
}

static double now_s(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void show_progress(size_t done, size_t total, double started)
{
	double elapsed = now_s() - started,
	       eta = done ? elapsed / (double)done * (double)(total - done) : 0;
	int width = 30,
	    filled = total ? (int)((double)width * (double)done / (double)total) : width;
	fprintf(stderr, "\r[%.*s%*s] %zu/%zu replications, %.0fs elapsed, ETA %.0fs ", filled,
		"##############################", width - filled, "", done, total, elapsed, eta);
	fflush(stderr);
}

static void wait_with_progress(struct pool *pl, size_t threads, pthread_t *tid, bool progress,
			       size_t total, double started)
{
	struct timespec tick = {0, 100000000};
	while (progress && atomic_load(&pl->done) < total && !atomic_load(&pl->stop)) {
		show_progress(atomic_load(&pl->done), total, started);
		nanosleep(&tick, NULL);
	}
	for (size_t i = 0; i < threads; i++)
		pthread_join(tid[i], NULL);
	if (progress) {
		show_progress(atomic_load(&pl->done), total, started);
		fputc('\n', stderr);
	}
}

static void experiment_init(struct experiment *x, const struct plan *p, size_t nreps)
{
	memset(x, 0, sizeof(*x));
	x->nconfigs = p->n;
	x->nreps = nreps;
	x->variant = xcalloc(p->n, sizeof(*x->variant));
	x->sweep = xcalloc(p->n, sizeof(*x->sweep));
	x->baseline = xcalloc(p->n, sizeof(*x->baseline));
	x->m = xcalloc(p->n * nreps, sizeof(*x->m));
	for (size_t i = 0; i < p->n; i++) {
		x->variant[i] = xstrdup(p->configs[i].variant);
		x->sweep[i] = xstrdup(p->configs[i].sweep);
		x->baseline[i] = p->configs[i].baseline;
	}
	const struct slo *slo = &p->configs[0].sc.slo;
	x->budget_usd = slo->has_budget ? slo->monthly_budget_usd : NAN;
}

void experiment_release(struct experiment *x)
{
	for (size_t i = 0; i < x->nconfigs; i++) {
		free(x->variant[i]);
		free(x->sweep[i]);
	}
	free(x->variant);
	free(x->sweep);
	free(x->baseline);
	free(x->m);
	memset(x, 0, sizeof(*x));
}

size_t runner_default_threads(void)
{
	long n = sysconf(_SC_NPROCESSORS_ONLN);
	return n > 0 ? (size_t)n : 1;
}

/* Replication 0 of the configurations with a sink, in order, on this thread. */
static int run_with_sinks(struct pool *pl, bool *skip, runner_sink_fn sink_for, void *ctx,
			  struct diag *d)
{
	for (size_t config = 0; sink_for && config < pl->x->nconfigs; config++) {
		struct run_sink sink = {NULL, NULL, NULL};
		size_t item = config * pl->x->nreps;
		if (skip[item])
			continue; /* another slice's */
		sink_for(ctx, config, &sink);
		if (!sink.minute && !sink.event)
			continue;
		int rc = run_item(pl, item, &sink, d);
		if (rc)
			return rc;
		skip[item] = true;
		atomic_fetch_add(&pl->done, 1);
	}
	return 0;
}

int runner_run(const struct plan *p, const struct price_table *t, const struct runner_options *o,
	       runner_sink_fn sink_for, void *ctx, struct experiment *out, struct diag *d)
{
	size_t nreps = o->replications ? o->replications : 1;
	size_t threads = o->threads ? o->threads : 1;
	struct pool pl = {.plan = p, .prices = t, .x = out};
	double started = now_s();

	experiment_init(out, p, nreps);
	pl.nitems = p->n * nreps;
	bool *skip = xcalloc(pl.nitems, sizeof(*skip));
	size_t held = 0;
	for (size_t i = 0; i < pl.nitems; i++) {
		skip[i] = !shard_holds(&o->slice, i);
		held += !skip[i];
	}
	pl.skip = skip;
	atomic_init(&pl.next, 0);
	atomic_init(&pl.done, 0);
	atomic_init(&pl.stop, 0);
	diag_init(&pl.diag);
	pthread_mutex_init(&pl.lock, NULL);
	int rc = run_with_sinks(&pl, skip, sink_for, ctx, d);
	if (!rc) {
		pthread_t *tid = xcalloc(threads, sizeof(*tid));
		size_t started_threads = 0;
		for (; started_threads < threads; started_threads++)
			if (pthread_create(&tid[started_threads], NULL, worker, &pl))
				break;
		if (!started_threads)
			worker(&pl); /* no thread could start: do the work here */
		wait_with_progress(&pl, started_threads, tid, o->progress, held, started);
		free(tid);
		rc = pl.rc;
		for (size_t i = 0; i < pl.diag.nr; i++)
			diag_error(d, pl.diag.items[i].file, pl.diag.items[i].path, "%s",
				   pl.diag.items[i].msg);
	}
	pthread_mutex_destroy(&pl.lock);
	diag_release(&pl.diag);
	free(skip);
	return rc;
}
