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
}

/* The minimum and maximum without a branch on the sample: minsd and maxsd. */
static void add(struct datapoint *d, double v)
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

void metrics_sample(struct metrics *m, const struct metrics_sample *s)
{
	if (s->serving > 0) {
		add(&m->cur[METRIC_CPU], s->cpu_pct);
		add(&m->cur[METRIC_MEMORY], s->mem_pct);
		m->serving_sum += (double)s->serving;
		m->serving_samples++;
	}
	if (s->has_queue) {
		double tasks = s->serving > 0 ? (double)s->serving : 1.0;
		add(&m->cur[METRIC_BACKLOG], s->backlog);
		add(&m->cur[METRIC_BACKLOG_PER_TASK], s->backlog / tasks);
	}
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
	for (int i = 0; i < METRIC_COUNT; i++) {
		if (!m->cur[i].present) {
			out[i] = none;
			continue;
		}
		out[i] = m->cur[i];
		out[i].average = out[i].sum / out[i].sample_count;
		m->cur[i] = none;
	}
	if (has_requests) {
		out[METRIC_REQUEST_COUNT] = single(requests);
		if (m->serving_samples > 0)
			out[METRIC_REQUESTS_PER_TARGET] =
			    single(requests / (m->serving_sum / (double)m->serving_samples));
	}
	m->serving_sum = 0;
	m->serving_samples = 0;
}
