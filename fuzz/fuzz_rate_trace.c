/*
 * fuzz_rate_trace — the reader of request-rate traces (workload.rate.file:
 * rate_trace_read, then rate_trace_shape onto a 30-day scenario): the input
 * is read with values as rps and as counts, and each shape made must keep
 * the header's promises (rows in time order, rates finite and 0 or more, a
 * period past the last row) and give a finite rate at any time of the run.
 */
#include "fuzz.h"

#include "spotsim/engine/simtime.h"
#include "spotsim/model/workload.h"
#include "spotsim/scenario/rate_trace.h"

#include <math.h>
#include <string.h>

static void rate_trace_check(const struct rate_shape *r)
{
	static const sim_time at[] = {0, SIM_SEC, SIM_MIN, SIM_HOUR, SIM_DAY, 30 * SIM_DAY};
	FUZZ_CHECK(r->npoints >= 1);
	for (size_t i = 0; i < r->npoints; i++) {
		FUZZ_CHECK(isfinite(r->points[i].rps) && r->points[i].rps >= 0);
		FUZZ_CHECK(i == 0 || r->points[i - 1].at < r->points[i].at);
	}
	/* trace_period 0: no repeat (the last point holds); else it lies past the last point */
	FUZZ_CHECK(r->trace_period == 0 || r->trace_period > r->points[r->npoints - 1].at);
	for (size_t i = 0; i < sizeof(at) / sizeof(at[0]); i++) {
		double v = rate_shape_at(r, at[i], 0);
		FUZZ_CHECK(isfinite(v) && v >= 0);
	}
	if (r->trace_period > 0) {
		double last = rate_shape_at(r, r->trace_period - 1, 0);
		FUZZ_CHECK(isfinite(last) && last >= 0);
	}
}

int fuzz_rate_trace(const uint8_t *data, size_t size)
{
	char *path = fuzz_write(data, size, "rate.csv");

	for (int counts = 0; counts < 2; counts++) {
		struct rate_trace_options o = {counts ? RATE_TRACE_COUNTS : RATE_TRACE_RPS,
					       0,
					       RATE_TRACE_MISSING_ZERO,
					       -1,
					       NULL,
					       NULL};
		struct rate_trace t;
		struct rate_shape r;
		struct diag d;
		memset(&t, 0, sizeof(t));
		memset(&r, 0, sizeof(r));
		r.kind = RATE_TRACE;
		diag_init(&d);
		if (rate_trace_read(&t, path, &o, &d) == 0) {
			int64_t start = t.timestamps ? rate_trace_start(&t) : 0;
			if (rate_trace_shape(&t, start, 30 * SIM_DAY, &r, &d) == 0)
				rate_trace_check(&r);
		} else {
			FUZZ_CHECK(diag_failed(&d));
		}
		rate_trace_release(&t);
		rate_shape_release(&r);
		fuzz_drain(&d);
	}
	free(path);
	return 0;
}

#ifndef FUZZ_NO_ENTRY
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	return fuzz_rate_trace(data, size);
}
#endif
