/*
 * bench_scale — how the cost of a 30-day replication grows with the number
 * of tasks: a fixed fleet of 1 and of 4,000 tasks (3:1 FARGATE_SPOT:FARGATE,
 * so the single task is a Spot one; Poisson interruptions; launch throttling
 * on), in CPU time (CLOCK_PROCESS_CPUTIME_ID).
 *
 * Two figures per fleet size:
 *   - the whole replication (replication_run: scheduler, workload, samples);
 *   - the scheduler alone: the service and Spot models on a bare engine,
 *     with the number of events it handled and the time per event, so that
 *     a cost growing faster than the events (a quadratic path) shows as a
 *     growing time per event.
 * A third figure runs the scheduler alone on 4,000 tasks whose desired
 * count steps down by 100 and back every hour, so scale-ins (choosing the
 * tasks to stop) and stops are on the clock too.
 * Run by `make bench`; not a test.
 */
#include "benchutil.h"
#include "spotsim/engine/engine.h"
#include "spotsim/engine/rng.h"
#include "spotsim/experiment/replication.h"
#include "spotsim/model/service.h"
#include "spotsim/model/spot.h"

#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#define REPS	5
#define EV_STEP 1000 /* the bench's own event type, apart from the service's */

static const char scenario_text[] =
    "{\"name\": \"bench-scale\", \"duration\": \"30d\", \"seed\": 1,"
    " \"taskDefinition\": {\"cpu\": \"256\", \"memory\": \"512\"},"
    " \"service\": {\"desiredCount\": %ld, \"capacityProviderStrategy\": ["
    "  {\"capacityProvider\": \"FARGATE_SPOT\", \"weight\": 3},"
    "  {\"capacityProvider\": \"FARGATE\", \"weight\": 1}]},"
    " \"workload\": {\"type\": \"requests\", \"rate\": {\"kind\": \"constant\", \"rps\": %ld},"
    "  \"service_time\": \"40ms\", \"concurrency_per_task\": 8},"
    " \"spot\": {\"interruptions\": {\"model\": \"poisson\", \"monthly_fraction\": 0.3}}}";

struct figures {
	double run_ms;	 /* whole replication, median */
	double sched_ms; /* scheduler alone, median */
	uint64_t events; /* events the scheduler alone handled */
	double launched; /* tasks launched in the replication */
	double interruptions;
};

static void load(struct scenario *sc, struct price_table *t, long tasks)
{
	char *text = xasprintf(scenario_text, tasks, tasks * 5);
	bench_load(sc, t, text);
	free(text);
}

/* Steps the desired count between its start value and `low` every hour. */
struct stepper {
	struct service *svc;
	long high, low;
	bool down;
};

static void on_step(struct engine *e, struct event *ev, void *ctx)
{
	struct stepper *st = ctx;
	st->down = !st->down;
	service_set_desired(st->svc, st->down ? st->low : st->high);
	engine_reschedule_after(e, ev, SIM_HOUR);
}

/*
 * The service and Spot models alone for the scenario's duration, the
 * desired count stepping down to `low` and back every hour when low > 0.
 * Returns the events handled.
 */
static uint64_t run_scheduler(const struct scenario *sc, const struct price_table *t, uint64_t i,
			      long low)
{
	const struct price_rate *rates[PROVIDER_COUNT];
	struct service_hooks hooks = {0};
	struct service_config cfg = scenario_service_config(sc);
	struct service_totals totals;
	struct engine e;
	for (int p = 0; p < PROVIDER_COUNT; p++)
		rates[p] = pricing_find(t, "us-east-1", (enum provider)p, OS_LINUX, ARCH_X86_64);
	engine_init(&e);
	struct spot *spot = spot_new(&sc->spot, sc->seed, i, sc->duration);
	struct service *svc = service_new(&e, &cfg, rates, spot, i, &hooks);
	struct stepper st = {svc, sc->service.desired_count, low, false};
	service_start(svc);
	if (low > 0) {
		engine_on(&e, EV_STEP, on_step, &st);
		engine_at(&e, SIM_HOUR, EV_STEP, NULL, 0);
	}
	engine_run(&e, sc->duration);
	service_finish(svc, &totals);
	uint64_t events = e.dispatched;
	service_free(svc);
	spot_free(spot);
	engine_release(&e);
	return events;
}

static void measure(long tasks, struct figures *out)
{
	struct scenario sc;
	struct price_table t;
	struct run_metrics m;
	struct diag d;
	double run[REPS], sched[REPS];
	load(&sc, &t, tasks);
	diag_init(&d);
	for (int i = 0; i < REPS; i++) {
		double t0 = bench_cpu_ms();
		if (replication_run(&sc, &t, (uint64_t)i, NULL, &m, &d)) {
			diag_write(&d, stderr);
			exit(1);
		}
		run[i] = bench_cpu_ms() - t0;
		t0 = bench_cpu_ms();
		out->events = run_scheduler(&sc, &t, (uint64_t)i, 0);
		sched[i] = bench_cpu_ms() - t0;
	}
	out->run_ms = bench_median(run, REPS);
	out->sched_ms = bench_median(sched, REPS);
	out->launched = m.tasks_launched;
	out->interruptions = m.interruptions;
	diag_release(&d);
	scenario_release(&sc);
	pricing_release(&t);
}

/* The scheduler alone with the desired count stepping between `high` and `low` every hour. */
static void steps(long high, long low)
{
	struct scenario sc;
	struct price_table t;
	double ms[REPS];
	uint64_t events = 0;
	load(&sc, &t, high);
	for (int i = 0; i < REPS; i++) {
		double t0 = bench_cpu_ms();
		events = run_scheduler(&sc, &t, (uint64_t)i, low);
		ms[i] = bench_cpu_ms() - t0;
	}
	double med = bench_median(ms, REPS);
	printf("scale: %ld tasks, desired %ld and back every hour, 30 days: scheduler alone "
	       "%.2f ms for %llu events (%.0f ns/event)\n",
	       high, low, med, (unsigned long long)events, med * 1e6 / (double)events);
	scenario_release(&sc);
	pricing_release(&t);
}

int main(void)
{
	static const long sizes[] = {1, 4000};
	struct figures f[2];
	rng_global_init();
	for (int k = 0; k < 2; k++) {
		measure(sizes[k], &f[k]);
		printf("scale: %ld task(s), 30 days: replication %.2f ms CPU (median of %d), "
		       "%.0f launched, %.0f interruptions; scheduler alone %.2f ms for %llu events "
		       "(%.0f ns/event)\n",
		       sizes[k], f[k].run_ms, REPS, f[k].launched, f[k].interruptions,
		       f[k].sched_ms, (unsigned long long)f[k].events,
		       f[k].sched_ms * 1e6 / (double)f[k].events);
	}
	printf("scale: 4,000 vs 1 task: %.0f x the scheduler's events, %.0f x its time, "
	       "%.1f x the replication's time\n",
	       (double)f[1].events / (double)f[0].events, f[1].sched_ms / f[0].sched_ms,
	       f[1].run_ms / f[0].run_ms);
	steps(4000, 3900);
	return 0;
}
