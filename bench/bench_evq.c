/*
 * bench_evq — throughput of the event calendar in the classic hold model.
 *
 * The calendar holds `pending` events: 100,000 and then 10,000, or the
 * sizes given as arguments. One hold operation pops the earliest event
 * and pushes it back at its time plus an exponential increment (mean one
 * second), so the queue size stays constant and the key distribution
 * settles as in a real simulation. Increments are drawn before timing
 * into a table, so the figure measures the calendar, not the logarithm.
 *
 * Time is the process's CPU time (CLOCK_PROCESS_CPUTIME_ID), never wall
 * time, so other programs on a shared machine slow the figure only
 * through the caches they share with it. Each size prints the median
 * (and best) of ROUNDS timed rounds after a warm-up.
 *
 * Not a test: it checks nothing but the popped times being non-decreasing,
 * and prints one line per size. `make bench` runs it; the SPEC 8 target is
 * at least 10 million hold operations per second on one core with 100,000
 * pending events.
 */
#include "benchutil.h"
#include "spotsim/engine/evq.h"
#include "spotsim/engine/rng.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define WARMUP_OPS  2000000
#define TIMED_OPS   4000000
#define ROUNDS	    7
#define TABLE_SIZE  (1u << 20)
#define MEAN_GAP_US 1e6

static sim_time gaps[TABLE_SIZE];

static void cpu_model(char *buf, size_t size)
{
	char line[512];
	FILE *f = fopen("/proc/cpuinfo", "r");

	snprintf(buf, size, "unknown CPU");
	if (!f)
		return;
	while (fgets(line, sizeof(line), f)) {
		char *colon = strchr(line, ':');
		if (!strncmp(line, "model name", 10) && colon) {
			snprintf(buf, size, "%s", colon + 2);
			buf[strcspn(buf, "\n")] = '\0';
			break;
		}
	}
	fclose(f);
}

/* Runs `ops` hold operations; returns 0, or 1 if time ever went backwards. */
static int hold(struct evq *q, long ops, unsigned *g)
{
	sim_time last = 0;

	for (long i = 0; i < ops; i++) {
		struct event *ev = evq_pop(q);
		if (ev->time < last)
			return 1;
		last = ev->time;
		evq_push(q, ev, last + gaps[*g]);
		*g = (*g + 1) & (TABLE_SIZE - 1);
	}
	return 0;
}

/* Fills a calendar with `pending` events and times ROUNDS rounds of holds into `rate`. */
static int measure(int pending, double *rate)
{
	struct evq q;
	unsigned g = 0;

	evq_init(&q);
	for (int i = 0; i < pending; i++)
		evq_push(&q, evq_event_new(&q), gaps[g++]);
	if (hold(&q, WARMUP_OPS, &g))
		goto broken;
	for (int k = 0; k < ROUNDS; k++) {
		double t0 = bench_cpu_seconds();
		if (hold(&q, TIMED_OPS, &g))
			goto broken;
		rate[k] = TIMED_OPS / (bench_cpu_seconds() - t0);
	}
	evq_release(&q);
	qsort(rate, ROUNDS, sizeof(rate[0]), bench_compare_double);
	return 0;
broken:
	evq_release(&q);
	return 1;
}

int main(int argc, char **argv)
{
	static const int default_sizes[] = {100000, 10000};
	struct rng r;
	char cpu[256];

	for (int i = 1; i < argc; i++) {
		int n = atoi(argv[i]);
		if (n < 1 || n > (int)TABLE_SIZE) {
			fprintf(stderr, "usage: bench_evq [pending events, 1..%u]...\n",
				TABLE_SIZE);
			return 2;
		}
	}
	rng_global_init();
	rng_init_key(&r, 42);
	for (unsigned i = 0; i < TABLE_SIZE; i++)
		gaps[i] = (sim_time)rng_exponential(&r, MEAN_GAP_US);
	rng_release(&r);
	cpu_model(cpu, sizeof(cpu));

	int nr_sizes = argc > 1 ? argc - 1 : 2;
	for (int i = 0; i < nr_sizes; i++) {
		int pending = argc > 1 ? atoi(argv[i + 1]) : default_sizes[i];
		double rate[ROUNDS];
		if (measure(pending, rate)) {
			fprintf(stderr, "bench_evq: popped times went backwards\n");
			return 1;
		}
		printf("evq hold: %d pending, %.1f M ops/s CPU time (pop+push; median of %d x %d "
		       "ops, best %.1f), %s, %s\n",
		       pending, rate[ROUNDS / 2] / 1e6, ROUNDS, TIMED_OPS, rate[ROUNDS - 1] / 1e6,
		       EVQ_DESIGN, cpu);
	}
	return 0;
}
