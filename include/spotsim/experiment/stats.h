#ifndef SPOTSIM_STATS_H
#define SPOTSIM_STATS_H
/*
 * stats — summaries across replications (SPEC §5); the GSL adapter for the
 * Student t quantiles and order statistics.
 *
 * Every function ignores NAN values (a metric that does not apply in a
 * replication) and reports n, the number of values used. With n = 0 every
 * field is NAN; with n = 1 sd and the interval are NAN.
 *
 *   mean, sd          sample mean and standard deviation (n - 1)
 *   ci95              mean -/+ t(0.975, n - 1) sd / sqrt(n)
 *   min, p05 .. max   order statistics, linear interpolation between ranks
 *                     (GSL's quantile_from_sorted_data)
 */
#include <stdbool.h>
#include <stddef.h>

struct metric_summary {
	double mean, sd, ci95_low, ci95_high, min, p05, p50, p95, max;
	long n;
};

/* Summarizes x[0..n). Does not modify x. */
void stats_summarize(const double *x, size_t n, struct metric_summary *out);

/*
 * Paired differences x[i] - y[i] over the i where both are numbers: their
 * mean, sd and 95 % t interval (the other fields too). Common random numbers
 * make these intervals narrower than unpaired ones.
 */
void stats_paired(const double *x, const double *y, size_t n, struct metric_summary *out);

/*
 * The 95 % interval of the difference of means of two independent samples
 * (Welch), for comparison with stats_paired: returns the half-width, NAN
 * when either has fewer than 2 values.
 */
double stats_unpaired_halfwidth(const double *x, size_t nx, const double *y, size_t ny);

/* The t quantile t(0.975, dof), NAN for dof < 1. */
double stats_t975(long dof);

/*
 * Honest intervals: the range a metric's values can take, and the 95 %
 * interval of its mean that stays inside it (README "Reading the outputs").
 *
 *   STATS_REAL         any sign: the t interval (% savings, a deployment's
 *                      extra cost, which a smaller revision makes negative)
 *   STATS_NONNEGATIVE  counts, costs, hours, seconds, minutes, tasks,
 *                      messages: the t interval with its lower bound
 *                      clipped at 0
 *   STATS_FRACTION     a share each replication measures, in [0, 1]
 *                      (availability, dropped requests, a plan's
 *                      utilization): the t interval of the logit of the
 *                      mean (delta method), mapped back, which stays inside
 *                      (0, 1); a constant sample keeps [mean, mean] (every
 *                      replication measured the same share)
 *   STATS_PROBABILITY  a 0/1 indicator per replication (SLO breached, over
 *                      budget), whose mean is a proportion of replications:
 *                      the Wilson score interval of that proportion, not
 *                      empty when all agree (0 of 30 gives [0, 0.114])
 */
enum stats_scale {
	STATS_REAL,
	STATS_NONNEGATIVE,
	STATS_FRACTION,
	STATS_PROBABILITY
};

/*
 * The scale of a metric measured in `unit` that may (`signed_value`) or may
 * not go below 0, as run_metric_defs gives them: fractions and
 * probabilities by their unit, else STATS_REAL or STATS_NONNEGATIVE.
 */
enum stats_scale stats_scale_of(const char *unit, bool signed_value);

/* stats_summarize with the interval of `scale` in ci95_low, ci95_high. */
void stats_summarize_scaled(const double *x, size_t n, enum stats_scale scale,
			    struct metric_summary *out);

/*
 * stats_paired; the difference of two fractions or probabilities has its
 * interval clipped to [-1, 1], other differences keep the t interval.
 */
void stats_paired_scaled(const double *x, const double *y, size_t n, enum stats_scale scale,
			 struct metric_summary *out);

/* The 95 % Wilson score interval of `k` successes in `n` trials (n >= 1). */
void stats_wilson(double k, double n, double *lo, double *hi);

#endif
