/*
 * metrics — 20-second samples into one-minute datapoints (see metrics.h).
 * A datapoint is built incrementally: sum, min, max and count of the
 * samples; its average is their sum over their count, divided once when
 * the minute closes.
 */
#include "spotsim/model/metrics.h"

#include <math.h>
#include <string.h>

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
}

static struct datapoint single(double v)
{
	struct datapoint d = {true, v, v, v, v, 1};
	return d;
}

void metrics_minute(struct metrics *m, bool has_requests, double requests,
		    struct datapoint out[METRIC_COUNT])
{
	static const struct datapoint none;
	/* a metric without a sample is all zero (none), as metrics_init and this leave it */
	for (int i = 0; i < METRIC_COUNT; i++) {
		struct datapoint *d = &m->cur[i];
		out[i] = *d;
		if (!d->present)
			continue;
		out[i].average = d->sum / d->sample_count;
		*d = none;
	}
	if (has_requests && m->requests) {
		out[METRIC_REQUEST_COUNT] = single(requests);
		if (m->serving_samples > 0)
			out[METRIC_REQUESTS_PER_TARGET] =
			    single(requests / (m->serving_sum / (double)m->serving_samples));
	}
	m->serving_sum = 0;
	m->serving_samples = 0;
}
