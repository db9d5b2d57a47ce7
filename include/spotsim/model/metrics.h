#ifndef SPOTSIM_METRICS_H
#define SPOTSIM_METRICS_H
/*
 * metrics — CloudWatch-like service metrics (SPEC §4.7).
 *
 * Like ECS: utilization is sampled every 20 seconds and a minute's datapoint
 * aggregates its three samples (average, minimum, maximum); while no task
 * runs there is no sample, and a minute without samples has no datapoint,
 * so alarms see missing data and do nothing.
 *
 *   CPU, MEMORY            % of the task size, from the load model
 *   REQUEST_COUNT          requests arriving in the minute (the load
 *                          balancer counts them whether or not a task serves)
 *   REQUESTS_PER_TARGET    REQUEST_COUNT / the mean number of serving tasks
 *                          over the minute's samples (ALBRequestCountPerTarget)
 *   BACKLOG                visible queue messages (mean of the samples)
 *   BACKLOG_PER_TASK       BACKLOG / RUNNING tasks, taking at least 1 task so
 *                          that a queue with no worker still asks to scale out
 *                          (AWS's recommended custom metric for queue workers)
 */
#include <stdbool.h>

#include "spotsim/model/scaling.h"

/* One 20-second sample. */
struct metrics_sample {
	long serving;		 /* RUNNING tasks */
	double cpu_pct, mem_pct; /* meaningful when serving > 0 */
	bool has_queue;
	double backlog;
};

struct metrics {
	struct datapoint cur[METRIC_COUNT]; /* the minute being sampled; average set at its close */
	struct datapoint last[METRIC_COUNT]; /* the last closed minute's (metrics_minute) */
	double serving_sum;		     /* over samples with serving > 0 */
	long serving_samples;
	bool cpu, memory, requests; /* kept (metrics_keep): CPU, MEMORY, the two request counts */
};

/* Every metric kept. */
void metrics_init(struct metrics *m);

/*
 * Keeps only the metrics in `set` (METRIC_BITs; default all), for a caller
 * that reads no other: the others have no datapoint. The backlog metrics
 * come from queue samples and are always kept.
 */
void metrics_keep(struct metrics *m, unsigned set);

/* The minimum and maximum without a branch on the sample: minsd and maxsd. */
static inline void metrics_add(struct datapoint *d, double v)
{
	if (!d->present) {
		d->minimum = d->maximum = v;
		d->present = true;
	}
	d->minimum = v < d->minimum ? v : d->minimum;
	d->maximum = v > d->maximum ? v : d->maximum;
	d->sum += v;
	d->sample_count += 1;
}

/* Adds a 20-second sample to the current minute (inline: it runs at every sample). */
static inline void metrics_sample(struct metrics *m, const struct metrics_sample *s)
{
	if (s->serving > 0) {
		if (m->cpu)
			metrics_add(&m->cur[METRIC_CPU], s->cpu_pct);
		if (m->memory)
			metrics_add(&m->cur[METRIC_MEMORY], s->mem_pct);
		if (m->requests) { /* for REQUESTS_PER_TARGET */
			m->serving_sum += (double)s->serving;
			m->serving_samples++;
		}
	}
	if (s->has_queue) {
		double tasks = s->serving > 0 ? (double)s->serving : 1.0;
		metrics_add(&m->cur[METRIC_BACKLOG], s->backlog);
		metrics_add(&m->cur[METRIC_BACKLOG_PER_TASK], s->backlog / tasks);
	}
}

/*
 * Closes the minute and starts a new one. Returns its datapoints
 * (requests = arrivals in the minute, has_requests = a request workload
 * exists), METRIC_COUNT of them, held by `m` until the next call; a metric
 * without a sample, or not kept, is all zero (not present).
 */
const struct datapoint *metrics_minute(struct metrics *m, bool has_requests, double requests);

/*
 * Closes a minute that had no sample as one whose CPU and memory datapoints
 * are `cpu` and `mem`: what metrics_minute gave (its [METRIC_CPU] and
 * [METRIC_MEMORY]) at the end of an earlier minute of the same samples.
 * Returns what metrics_minute would have returned after those samples.
 * Only while the request counts are not kept (they are not samples).
 */
const struct datapoint *metrics_minute_again(struct metrics *m, const struct datapoint *cpu,
					     const struct datapoint *mem);

#endif
