/*
 * fuzz_rate_trace — the reader of request-rate traces (workload.rate.file,
 * rate_shape_load_trace): the input is read as a time,rps trace and as a
 * trace of counts per minute, and each shape read must keep the header's
 * promises (rows in time order, rates finite and 0 or more, a period past
 * the last row) and give a finite rate at any time of the run.
 */
#include "fuzz.h"

#include "spotsim/engine/simtime.h"
#include "spotsim/model/workload.h"

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
	FUZZ_CHECK(r->trace_period > r->points[r->npoints - 1].at);
	for (size_t i = 0; i < sizeof(at) / sizeof(at[0]); i++) {
		double v = rate_shape_at(r, at[i], 0);
		FUZZ_CHECK(isfinite(v) && v >= 0);
	}
	double last = rate_shape_at(r, r->trace_period - 1, 0);
	FUZZ_CHECK(isfinite(last) && last >= 0);
}

int fuzz_rate_trace(const uint8_t *data, size_t size)
{
	char *path = fuzz_write(data, size, "rate.csv");

	for (int counts = 0; counts < 2; counts++) {
		struct rate_shape r;
		struct diag d;
		memset(&r, 0, sizeof(r));
		r.kind = RATE_TRACE;
		diag_init(&d);
		if (rate_shape_load_trace(&r, path, counts, &d) == 0)
			rate_trace_check(&r);
		else
			FUZZ_CHECK(r.npoints == 0 && r.points == NULL && diag_failed(&d));
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
