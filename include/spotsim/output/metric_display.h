#ifndef SPOTSIM_METRIC_DISPLAY_H
#define SPOTSIM_METRIC_DISPLAY_H
/*
 * metric_display — how a person reads a metric of summary.csv and
 * comparison.csv: its name in words, its unit, the scale from the CSV's
 * unit to that one, and its decimals ("availability" 0.999901 fraction is
 * "Minutes meeting the SLO" 99.990 %, "p95_latency_s" 0.1238 s is "p95
 * latency" 123.8 ms), and for some a definition for a tooltip. report.html uses it for every table cell and heading; the CSV
 * files keep their own names and units.
 *
 * A difference of a metric shown in percent (availability, dropped
 * requests) is in percentage points ("pp"). A metric not in the table
 * (added after it) is shown from its CSV unit: a fraction or probability
 * as a percentage, seconds as seconds, USD with cents, counts as whole
 * numbers, under its CSV name; every metric of run_metric_defs has its
 * entry (a unit test checks it).
 */
#include <stdbool.h>
#include <stddef.h>

struct metric_display {
	const char *metric;    /* the CSV name: "p95_latency_s" */
	const char *label;     /* "p95 latency" */
	const char *unit;      /* the unit shown: "ms", "%", "USD", "" for counts */
	const char *diff_unit; /* the unit of a difference: "pp" for percentages */
	double scale;	       /* shown value = CSV value * scale */
	int decimals;	       /* -1: a count, whole numbers (one decimal when a mean is not) */
	const char *about;     /* what it measures, for a tooltip; NULL when the label says it */
};

/* True when the table has an entry for `metric` (a CSV name). */
bool metric_display_known(const char *metric);

/* How `metric` (with `csv_unit`, may be NULL or "") is shown; into *out, never fails. */
void metric_display_of(const char *metric, const char *csv_unit, struct metric_display *out);

/*
 * The CSV value `v` as shown, without unit, into buf: scaled, rounded to
 * the metric's decimals, thousands grouped with commas from 10,000,
 * floating noise (|shown| < 1e-9, or a "-0.00") shown as 0, "n/a" when
 * not finite. `diff`: a signed difference ("+0.03").
 */
const char *metric_display_format(char *buf, size_t size, const struct metric_display *m, double v,
				  bool diff);

#endif
