/*
 * bench_evq — throughput of the event calendar in the classic hold model.
 *
 * The calendar holds `pending` events (100,000, or the first argument).
 * One hold operation pops the earliest event and pushes it back at its
 * time plus an exponential increment (mean one second), so the queue size
 * stays constant and the key distribution settles as in a real simulation. Increments are drawn before timing into
 * a table, so the figure measures the calendar, not the logarithm.
 *
 * Not a test: it checks nothing but the popped times being non-decreasing,
 * and prints one line. `make bench` runs it; the SPEC 8 target is at least
 * 10 million hold operations per second on one core.
 */
#include "spotsim/engine/evq.h"
#include "spotsim/engine/rng.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define WARMUP_OPS  2000000
#define TIMED_OPS   4000000
#define ROUNDS	    5
#define TABLE_SIZE  (1u << 20)
#define MEAN_GAP_US 1e6

static sim_time gaps[TABLE_SIZE];

static double now_seconds(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

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

static int compare_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return (x > y) - (x < y);
}

int main(int argc, char **argv)
{
	int pending = argc > 1 ? atoi(argv[1]) : 100000;
	struct evq q;
	struct rng r;
	unsigned g = 0;
	double rate[ROUNDS];
	char cpu[256];

	if (pending < 1 || pending > (int)TABLE_SIZE) {
		fprintf(stderr, "usage: bench_evq [pending events, 1..%u]\n", TABLE_SIZE);
		return 2;
	}
	rng_global_init();
	rng_init_key(&r, 42);
	for (unsigned i = 0; i < TABLE_SIZE; i++)
		gaps[i] = (sim_time)rng_exponential(&r, MEAN_GAP_US);
	rng_release(&r);

	evq_init(&q);
	for (int i = 0; i < pending; i++)
		evq_push(&q, evq_event_new(&q), gaps[g++]);
	if (hold(&q, WARMUP_OPS, &g))
		goto broken;
	for (int k = 0; k < ROUNDS; k++) {
		double t0 = now_seconds();
		if (hold(&q, TIMED_OPS, &g))
			goto broken;
		rate[k] = TIMED_OPS / (now_seconds() - t0);
	}
	evq_release(&q);

	qsort(rate, ROUNDS, sizeof(rate[0]), compare_double);
	cpu_model(cpu, sizeof(cpu));
	printf("evq hold: %d pending, %.1f M ops/s (pop+push; median of %d x %d ops, best %.1f), "
	       "%d-ary heap, %s\n",
	       pending, rate[ROUNDS / 2] / 1e6, ROUNDS, TIMED_OPS, rate[ROUNDS - 1] / 1e6,
	       EVQ_ARITY, cpu);
	return 0;
broken:
	fprintf(stderr, "bench_evq: popped times went backwards\n");
	evq_release(&q);
	return 1;
}
