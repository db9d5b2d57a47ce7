#ifndef SPOTSIM_SPOT_TRACE_H
#define SPOTSIM_SPOT_TRACE_H
/*
 * spot_trace — the scenario loader's reader of Spot trace files. It turns a
 * file into the plain arrays the spot model replays (struct reclaim and
 * struct window, spot.h); the model itself reads no files.
 */
#include <stddef.h>

#include "spotsim/model/spot.h"
#include "spotsim/util/diag.h"

/*
 * Reading trace files (CSV, or SkyPilot JSON: {"metadata": {"gap_seconds": G},
 * "data": [...]}; a file whose first non-blank character is '{' or '[' is
 * read as JSON). Times are relative to the trace's first tick. CSV: an
 * optional header row, then one time per row (preemptions, sorted; equal
 * times are separate reclaims) or start,end per row (unavailable windows,
 * sorted by start, start < end, not overlapping); times in seconds or as
 * durations. JSON availability: each tick of value 0 is [i G, (i + 1) G)
 * without capacity. Reclaims read have count 1 (or the drop), fraction -1,
 * az -1; touching windows are merged into one.
 *
 * Problems go to `d` with the file and the line or JSON path. Return 0 or a
 * negative SPOTSIM_* code (then *out is NULL and *n 0); the arrays are
 * returned owned by the caller (free()); NULL when *n is 0.
 */
int spot_read_preemptions(const char *path, struct reclaim **out, size_t *n, struct diag *d);
int spot_read_unavailable(const char *path, struct window **out, size_t *n, struct diag *d);

#endif
