/*
 * runner — the plan on a thread pool (see runner.h).
 *
 * Work items are numbered config * nreps + rep; workers claim the next
 * number from an atomic counter and write only their own result slot and,
 * on failure, their own diagnostics. Replication 0 of each configuration is
 * the calling thread's (it may write rows), run while the workers start on
 * the rest, so the row-writing replications overlap the pool instead of
 * running alone before it. The first failure sets `stop`; the calling
 * thread draws the progress line and then joins the workers.
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
	const bool *skip; /* [item]: not in this run's slice */
	size_t nitems, nreps;
	size_t hours_items; /* items below this keep their hours (x->hours) */
	double started;	    /* for the progress line */
	double shown;	    /* when the progress line was last drawn */
	size_t total;	    /* items this run holds */
	bool progress;	    /* draw the progress line (on the calling thread only) */
	atomic_size_t next, done;
	atomic_int stop;
	int rc;		  /* the first failure's code, under `lock` */
	struct diag diag; /* its diagnostics, under `lock` */
	pthread_mutex_t lock;
};

/* The hours of `item` are kept while the total stays within EXPERIMENT_HOURS_MAX. */
static struct run_hours *item_hours(struct pool *pl, size_t item)
{
	if (!pl->x->hours || item >= pl->hours_items)
		return NULL;
	return &pl->x->hours[item];
}

static int run_item(struct pool *pl, size_t item, const struct run_sink *sink, struct diag *d)
{
	size_t config = item / pl->x->nreps, rep = item % pl->x->nreps;
	return replication_run_hours(&pl->plan->configs[config].sc, pl->prices, rep, sink,
				     &pl->x->m[item], item_hours(pl, item), d);
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

/* Redraws the progress line at most ten times a second (calling thread only). */
static void tick_progress(struct pool *pl, bool show)
{
	double t;
	if (!show || !pl->progress || (t = now_s()) - pl->shown < 0.1)
		return;
	pl->shown = t;
	show_progress(atomic_load(&pl->done), pl->total, pl->started);
}

/*
 * Takes items from the shared counter until none is left. Replication 0 of
 * every configuration belongs to the calling thread (run_first), so workers
 * pass over it.
 */
static void work(struct pool *pl, bool show)
{
	for (;;) {
		size_t item = atomic_fetch_add(&pl->next, 1);
		if (item >= pl->nitems || atomic_load(&pl->stop))
			break;
		if (pl->skip[item] || item % pl->nreps == 0)
			continue;
		struct diag d;
		diag_init(&d);
		int rc = run_item(pl, item, NULL, &d);
		if (rc)
			fail(pl, rc, &d);
		diag_release(&d);
		atomic_fetch_add(&pl->done, 1);
		tick_progress(pl, show);
	}
}

static void *worker(void *arg)
{
	work(arg, false);
	return NULL;
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
	x->max_breach = slo->max_breach_probability;
	for (size_t i = 0; i < p->n && !x->hours; i++)
		if (p->configs[i].sc.savings_plan.enabled)
			x->hours = xcalloc(p->n * nreps, sizeof(*x->hours));
}

/* The clock hours (UTC) a run of `sc` touches: replication.h, struct run_hours. */
static size_t clock_hours(const struct scenario *sc)
{
	int64_t into = ((sc->start_unix % 3600) + 3600) % 3600;
	return (size_t)((into * SIM_SEC + sc->duration + SIM_HOUR - 1) / SIM_HOUR);
}

/*
 * How many items keep their hours: whole replications in item order while
 * the hours of those with a Savings Plan stay within EXPERIMENT_HOURS_MAX.
 */
static size_t hours_items(const struct plan *p, size_t nreps)
{
	size_t total = 0, item = 0;
	for (; item < p->n * nreps; item++) {
		const struct scenario *sc = &p->configs[item / nreps].sc;
		size_t h = sc->savings_plan.enabled ? clock_hours(sc) : 0;
		if (total + h > EXPERIMENT_HOURS_MAX)
			break;
		total += h;
	}
	return item;
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
	for (size_t i = 0; x->hours && i < x->nconfigs * x->nreps; i++)
		run_hours_release(&x->hours[i]);
	free(x->hours);
	memset(x, 0, sizeof(*x));
}

size_t runner_default_threads(void)
{
	long n = sysconf(_SC_NPROCESSORS_ONLN);
	return n > 0 ? (size_t)n : 1;
}

/*
 * Replication 0 of every configuration, in order, on the calling thread,
 * with the sink the caller gives (the streamed files are written in a fixed
 * order), while the workers run the other replications.
 */
static void run_first(struct pool *pl, runner_sink_fn sink_for, void *ctx)
{
	for (size_t config = 0; config < pl->x->nconfigs; config++) {
		struct run_sink sink = {NULL, NULL, NULL};
		size_t item = config * pl->nreps;
		if (pl->skip[item] || atomic_load(&pl->stop))
			continue; /* another slice's, or the run failed */
		if (sink_for)
			sink_for(ctx, config, &sink);
		struct diag d;
		diag_init(&d);
		int rc = run_item(pl, item, sink.minute || sink.event ? &sink : NULL, &d);
		if (rc)
			fail(pl, rc, &d);
		diag_release(&d);
		atomic_fetch_add(&pl->done, 1);
		tick_progress(pl, true);
	}
}

int runner_run(const struct plan *p, const struct price_table *t, const struct runner_options *o,
	       runner_sink_fn sink_for, void *ctx, struct experiment *out, struct diag *d)
{
	size_t nreps = o->replications ? o->replications : 1;
	size_t threads = o->threads ? o->threads : 1;
	struct pool pl = {.plan = p, .prices = t, .x = out, .nreps = nreps};

	experiment_init(out, p, nreps);
	pl.nitems = p->n * nreps;
	pl.hours_items = out->hours ? hours_items(p, nreps) : 0;
	out->hours_items = pl.hours_items;
	bool *skip = xcalloc(pl.nitems, sizeof(*skip));
	for (size_t i = 0; i < pl.nitems; i++) {
		skip[i] = !shard_holds(&o->slice, i);
		pl.total += !skip[i];
	}
	pl.skip = skip;
	pl.started = now_s();
	pl.progress = o->progress;
	atomic_init(&pl.next, 0);
	atomic_init(&pl.done, 0);
	atomic_init(&pl.stop, 0);
	diag_init(&pl.diag);
	pthread_mutex_init(&pl.lock, NULL);

	/* threads - 1 workers, and this thread: replications 0 first, then the pool */
	pthread_t *tid = xcalloc(threads, sizeof(*tid));
	size_t nworkers = 0;
	while (nworkers + 1 < threads && !pthread_create(&tid[nworkers], NULL, worker, &pl))
		nworkers++;
	run_first(&pl, sink_for, ctx);
	work(&pl, true);
	wait_with_progress(&pl, nworkers, tid, o->progress, pl.total, pl.started);
	free(tid);
	int rc = pl.rc;
	for (size_t i = 0; i < pl.diag.nr; i++)
		diag_error(d, pl.diag.items[i].file, pl.diag.items[i].path, "%s",
			   pl.diag.items[i].msg);
	pthread_mutex_destroy(&pl.lock);
	diag_release(&pl.diag);
	free(skip);
	return rc;
}
