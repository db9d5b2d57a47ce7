/*
 * metrics — 20-second samples into one-minute datapoints (see metrics.h).
 * A datapoint is built incrementally: sum, min, max and count of the
 * samples; its average is their sum over their count, divided once when
 * the minute closes.
 */
#include "spotsim/model/metrics.h"

#include <assert.h>
#include <math.h>
#include <string.h>

/* A metric's datapoint without a sample: all zero, not present. */
static const struct datapoint none;

void metrics_init(struct metrics *m)
{
	memset(m, 0, sizeof(*m));
	metrics_keep(m, ~0u);
}

void metrics_keep(struct metrics *m, unsigned set)
{
	m->cpu = set & METRIC_BIT(METRIC_CPU);
	m->memory = set & METRIC_BIT(METRIC_MEMORY);
	m->requests =
	    set & (METRIC_BIT(METRIC_REQUEST_COUNT) | METRIC_BIT(METRIC_REQUESTS_PER_TARGET));
	for (int i = 0; i < METRIC_COUNT; i++) /* one not kept has no datapoint */
		if (i != METRIC_BACKLOG && i != METRIC_BACKLOG_PER_TASK && !(set & METRIC_BIT(i)))
			m->cur[i] = m->last[i] = none;
}

static struct datapoint single(double v)
{
	struct datapoint d = {true, v, v, v, v, 1};
	return d;
}

/* The minute's datapoint of metric i into m->last (a sampled one's average divided once). */
static inline void close_datapoint(struct metrics *m, int i)
{
	struct datapoint *d = &m->cur[i];
	if (!d->present) {
		if (m->last[i].present)
			m->last[i] = none;
		return;
	}
	m->last[i] = *d;
	m->last[i].average = d->sum / d->sample_count;
	*d = none;
}

const struct datapoint *metrics_minute(struct metrics *m, bool has_requests, double requests)
{
	/* only what can have samples: the kept utilizations and the backlogs;
	 * the others stay none, as metrics_init leaves them */
	if (m->cpu)
		close_datapoint(m, METRIC_CPU);
	if (m->memory)
		close_datapoint(m, METRIC_MEMORY);
	close_datapoint(m, METRIC_BACKLOG);
	close_datapoint(m, METRIC_BACKLOG_PER_TASK);
	if (m->requests) {
		bool per_target = has_requests && m->serving_samples > 0;
		m->last[METRIC_REQUEST_COUNT] = has_requests ? single(requests) : none;
		m->last[METRIC_REQUESTS_PER_TARGET] =
		    per_target ? single(requests / (m->serving_sum / (double)m->serving_samples))
			       : none;
	}
	m->serving_sum = 0;
	m->serving_samples = 0;
	return m->last;
}

const struct datapoint *metrics_minute_again(struct metrics *m, const struct datapoint *cpu,
					     const struct datapoint *mem)
{
	assert(!m->requests && !m->cur[METRIC_CPU].present && !m->cur[METRIC_MEMORY].present);
	if (m->cpu)
		m->last[METRIC_CPU] = *cpu;
	if (m->memory)
		m->last[METRIC_MEMORY] = *mem;
	close_datapoint(m, METRIC_BACKLOG);
	close_datapoint(m, METRIC_BACKLOG_PER_TASK);
	m->serving_sum = 0;
	m->serving_samples = 0;
	return m->last;
}
