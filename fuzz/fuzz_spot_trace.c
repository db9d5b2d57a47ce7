/*
 * fuzz_spot_trace — the reader of Spot trace files (spot_trace.h): the input
 * is read both as a preemption trace and as an unavailability trace, and
 * what is read must keep the header's promises: reclaims in time order with
 * count 1 or more, windows sorted, each non-empty, none overlapping or
 * touching the next.
 */
#include "fuzz.h"

#include "spotsim/scenario/spot_trace.h"

int fuzz_spot_trace(const uint8_t *data, size_t size)
{
	char *path = fuzz_write(data, size, "trace");
	struct reclaim *r;
	struct window *w;
	size_t n;
	struct diag d;

	diag_init(&d);
	if (spot_read_preemptions(path, &r, &n, &d) == 0) {
		FUZZ_CHECK((n == 0) == (r == NULL));
		for (size_t i = 0; i < n; i++) {
			FUZZ_CHECK(r[i].at >= 0 && r[i].count >= 1 && r[i].fraction < 0);
			FUZZ_CHECK(i == 0 || r[i - 1].at <= r[i].at);
		}
		free(r);
	} else {
		FUZZ_CHECK(r == NULL && n == 0 && diag_failed(&d));
	}
	if (spot_read_unavailable(path, &w, &n, &d) == 0) {
		FUZZ_CHECK((n == 0) == (w == NULL));
		for (size_t i = 0; i < n; i++) {
			FUZZ_CHECK(w[i].start >= 0 && w[i].start < w[i].end);
			FUZZ_CHECK(i == 0 || w[i - 1].end < w[i].start);
		}
		free(w);
	} else {
		FUZZ_CHECK(w == NULL && n == 0);
	}
	fuzz_drain(&d);
	free(path);
	return 0;
}

#ifndef FUZZ_NO_ENTRY
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	return fuzz_spot_trace(data, size);
}
#endif
