/*
 * bench_queue — one queue replication of about a million jobs, and two
 * backlogs that must not cost memory per job.
 *
 * 30 days of a diurnal load from 0.2 to 0.57 jobs/s (mean 0.385: about a
 * million jobs) with 10 % noise per minute, lognormal job sizes (median
 * 45 s, sigma 0.8, mean 62 s), checkpoints every 30 s, 20 tasks of 2 slots
 * (about 60 % busy). Every two hours one task is interrupted the Spot way
 * (SIGTERM, STOPPED 2 minutes later) and a replacement is RUNNING a
 * minute after the stop, so the retry path runs too.
 *
 * Then, each in a child process whose peak resident memory is reported
 * (getrusage of the child): 10,000 jobs/s for a day (864 million jobs)
 * against 20 tasks of 2 slots, and one batch of 1e9 jobs at time 0 drained
 * for a day by the same workers. Waiting jobs are counts in cohorts, so both
 * stay far under 100 MB.
 *
 * Not a test: it prints three lines. `make bench` runs it; SPEC 8 wants a
 * queue replication of a million jobs in under 1 s.
 */
#include "benchutil.h"
#include "spotsim/model/queue.h"
#include "spotsim/engine/rng.h"
#include "spotsim/util/strbuf.h"

#include <stdio.h>
#include <stdlib.h>
#include <sys/resource.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define DAYS	  30
#define TASKS	  20
#define CHURN	  (2 * SIM_HOUR)
#define ROUNDS	  5
#define EV_CHURN  900
#define START_UTC 1767571200 /* a Monday */

struct churn {
	struct queue *q;
	int64_t next_id;
	int64_t victim; /* the task interrupted next */
};

/* SIGTERM now, STOPPED in two minutes, a replacement a minute later. */
static void on_churn(struct engine *e, struct event *ev, void *ctx)
{
	struct churn *c = ctx;
	switch (ev->arg) {
	case 0:
		queue_task_sigterm(c->q, c->victim);
		engine_after(e, 2 * SIM_MIN, EV_CHURN, NULL, 1);
		engine_reschedule_after(e, ev, CHURN);
		break;
	case 1:
		queue_task_stopped(c->q, c->victim++);
		engine_after(e, SIM_MIN, EV_CHURN, NULL, 2);
		break;
	default:
		queue_task_running(c->q, c->next_id++);
	}
}

/* One replication; returns its totals and p95. */
static struct queue_totals replicate(const struct rate_shape *shape, const struct queue_config *c,
				     uint64_t rep, double *p95)
{
	struct request_model model = {.service_time_s = 1, .concurrency = 1};
	struct workload *w = workload_new(shape, &model, START_UTC, 42, rep);
	struct engine e;
	struct churn ch = {NULL, 1, 1};

	engine_init(&e);
	ch.q = queue_new(&e, c, w, 42, rep, NULL, NULL);
	engine_on(&e, EV_CHURN, on_churn, &ch);
	for (int i = 0; i < TASKS; i++)
		queue_task_running(ch.q, ch.next_id++);
	queue_start(ch.q);
	engine_at(&e, CHURN, EV_CHURN, NULL, 0);
	engine_run(&e, DAYS * SIM_DAY);

	struct queue_totals t = *queue_totals(ch.q);
	*p95 = queue_latency_quantile(ch.q, 0.95);
	queue_free(ch.q);
	workload_free(w);
	engine_release(&e);
	return t;
}

/* A day of `rps` jobs/s (none when 0) and a batch of `batch` jobs at 0, against TASKS workers. */
static void backlog_day(double rps, long batch)
{
	struct rate_shape shape = {.kind = RATE_CONSTANT, .rps = rps};
	struct request_model model = {.service_time_s = 1, .concurrency = 1};
	struct queue_config c = {.concurrency = 2, .visibility_timeout = 30 * SIM_SEC};
	struct job_batch b = {0, batch};
	struct strbuf why = STRBUF_INIT;
	struct workload *w = rps > 0 ? workload_new(&shape, &model, START_UTC, 42, 0) : NULL;
	struct engine e;

	dist_parse("lognormal(45s, 0.8)", NULL, &c.job_size, &why);
	if (batch > 0) {
		c.batches = &b;
		c.nbatches = 1;
	}
	engine_init(&e);
	struct queue *q = queue_new(&e, &c, w, 42, 0, NULL, NULL);
	for (int i = 1; i <= TASKS; i++)
		queue_task_running(q, i);
	queue_start(q);
	engine_run(&e, SIM_DAY);
	const struct queue_totals *t = queue_totals(q);
	printf("%.0f jobs arrived, %.0f done, %ld waiting", t->jobs_arrived, t->jobs_completed,
	       queue_backlog(q));
	queue_free(q);
	workload_free(w);
	engine_release(&e);
	dist_release(&c.job_size);
	strbuf_release(&why);
}

/* Runs backlog_day in a child and reports its CPU time and peak resident memory. */
static void backlog_case(const char *what, double rps, long batch)
{
	struct rusage ru;
	int status;
	fflush(stdout);
	printf("queue backlog, %s: ", what);
	fflush(stdout);
	pid_t pid = fork();
	if (pid == 0) {
		backlog_day(rps, batch);
		fflush(stdout);
		_exit(0);
	}
	if (pid < 0 || wait4(pid, &status, 0, &ru) != pid || !WIFEXITED(status)) {
		printf("failed\n");
		return;
	}
	double cpu = (double)ru.ru_utime.tv_sec + (double)ru.ru_utime.tv_usec * 1e-6 +
		     (double)ru.ru_stime.tv_sec + (double)ru.ru_stime.tv_usec * 1e-6;
	printf("; %.2f s CPU, peak RSS %.1f MB\n", cpu, (double)ru.ru_maxrss / 1024.0);
}

int main(void)
{
	struct rate_shape shape = {.kind = RATE_DIURNAL,
				   .min_rps = 0.2,
				   .max_rps = 0.57,
				   .peak = 14 * SIM_HOUR,
				   .noise_sd = 0.1,
				   .noise_period = SIM_MIN};
	struct queue_config c = {
	    .concurrency = 2, .checkpoint_every = 30 * SIM_SEC, .visibility_timeout = 30 * SIM_SEC};
	struct strbuf why = STRBUF_INIT;
	struct queue_totals t;
	double ms[ROUNDS], p95 = 0;

	rng_global_init();
	if (dist_parse("lognormal(45s, 0.8)", NULL, &c.job_size, &why)) {
		fprintf(stderr, "bench_queue: %s\n", why.buf);
		return 1;
	}
	replicate(&shape, &c, 0, &p95); /* warm-up */
	for (int k = 0; k < ROUNDS; k++) {
		double t0 = bench_cpu_seconds();
		t = replicate(&shape, &c, (uint64_t)k, &p95);
		ms[k] = (bench_cpu_seconds() - t0) * 1e3;
	}
	qsort(ms, ROUNDS, sizeof(ms[0]), bench_compare_double);
	printf("queue: %d days, %.0f jobs (%.0f retries), %.1f ms per replication (median of %d, "
	       "best %.1f), %.0f ns per job, p95 latency %.1f s\n",
	       DAYS, t.jobs_arrived, t.retries, ms[ROUNDS / 2], ROUNDS, ms[0],
	       ms[ROUNDS / 2] * 1e6 / t.jobs_arrived, p95);
	queue_config_release(&c);
	strbuf_release(&why);
	backlog_case("10,000 jobs/s for a day", 10000, 0);
	backlog_case("a batch of 1e9 jobs, then a day", 0, 1000000000L);
	return 0;
}
