/*
 * stats — summaries across replications (see stats.h); the only output
 * module that includes GSL.
 *
 * Every entry point first copies the values that are numbers into a scratch
 * array (NAN means "does not apply in this replication", so it is dropped,
 * never counted as zero), then works on that copy: the caller's data is
 * never reordered. Order statistics need the copy sorted; the mean and sd do
 * not care, so one sorted copy serves both.
 *
 * GSL is called only with arguments it accepts (quantile fractions in
 * [0, 1], at least one value, t quantiles at P = 0.975 with dof >= 1), so
 * its error handler is never reached whether or not rng_global_init turned
 * it off.
 */
#include "spotsim/experiment/stats.h"

#include "spotsim/util/xalloc.h"

#include <math.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_cdf.h>
#include <gsl/gsl_sort.h>
#include <gsl/gsl_statistics_double.h>

double stats_t975(long dof)
{
	if (dof < 1)
		return NAN;
	return gsl_cdf_tdist_Pinv(0.975, (double)dof);
}

/* Copies the numbers of x[0..n) to an owned array; *kept is how many. */
static double *numbers_of(const double *x, size_t n, size_t *kept)
{
	double *v = xmalloc(n ? n * sizeof(*v) : 1);
	size_t k = 0;

	for (size_t i = 0; i < n; i++)
		if (!isnan(x[i]))
			v[k++] = x[i];
	*kept = k;
	return v;
}

static void summary_empty(struct metric_summary *out)
{
	out->mean = out->sd = out->ci95_low = out->ci95_high = NAN;
	out->min = out->p05 = out->p50 = out->p95 = out->max = NAN;
	out->n = 0;
}

/* Fills `out` from v[0..n), n >= 1, sorting v in place. */
static void summarize_numbers(double *v, size_t n, struct metric_summary *out)
{
	double half;

	gsl_sort(v, 1, n);
	out->n = (long)n;
	out->mean = gsl_stats_mean(v, 1, n);
	out->min = v[0];
	out->max = v[n - 1];
	out->p05 = gsl_stats_quantile_from_sorted_data(v, 1, n, 0.05);
	out->p50 = gsl_stats_quantile_from_sorted_data(v, 1, n, 0.50);
	out->p95 = gsl_stats_quantile_from_sorted_data(v, 1, n, 0.95);
	if (n < 2) {
		out->sd = out->ci95_low = out->ci95_high = NAN;
		return;
	}
	out->sd = gsl_stats_sd_m(v, 1, n, out->mean);
	half = stats_t975((long)n - 1) * out->sd / sqrt((double)n);
	out->ci95_low = out->mean - half;
	out->ci95_high = out->mean + half;
}

void stats_summarize(const double *x, size_t n, struct metric_summary *out)
{
	size_t k;
	double *v = numbers_of(x, n, &k);

	if (k == 0)
		summary_empty(out);
	else
		summarize_numbers(v, k, out);
	free(v);
}

void stats_paired(const double *x, const double *y, size_t n, struct metric_summary *out)
{
	double *d = xmalloc(n ? n * sizeof(*d) : 1);
	size_t k = 0;

	for (size_t i = 0; i < n; i++)
		if (!isnan(x[i]) && !isnan(y[i]))
			d[k++] = x[i] - y[i];
	if (k == 0)
		summary_empty(out);
	else
		summarize_numbers(d, k, out);
	free(d);
}

/* The sample variance of the numbers in x[0..n) and their count. */
static double variance_of(const double *x, size_t n, size_t *kept)
{
	double *v = numbers_of(x, n, kept);
	double var = *kept >= 2 ? gsl_stats_variance(v, 1, *kept) : NAN;

	free(v);
	return var;
}

double stats_unpaired_halfwidth(const double *x, size_t nx, const double *y, size_t ny)
{
	size_t kx, ky;
	double vx = variance_of(x, nx, &kx), vy = variance_of(y, ny, &ky);
	double ax, ay, se2, dof;

	if (kx < 2 || ky < 2)
		return NAN;
	ax = vx / (double)kx;
	ay = vy / (double)ky;
	se2 = ax + ay;
	if (se2 == 0)
		return 0; /* both samples constant: no spread, no interval */
	/* Welch-Satterthwaite degrees of freedom, not necessarily whole */
	dof = se2 * se2 / (ax * ax / (double)(kx - 1) + ay * ay / (double)(ky - 1));
	if (!isfinite(dof)) /* the squares underflowed: the t limit is the normal */
		return gsl_cdf_ugaussian_Pinv(0.975) * sqrt(se2);
	return gsl_cdf_tdist_Pinv(0.975, dof) * sqrt(se2);
}

enum stats_scale stats_scale_of(const char *unit, bool signed_value)
{
	if (!strcmp(unit, "fraction"))
		return STATS_FRACTION;
	if (!strcmp(unit, "probability"))
		return STATS_PROBABILITY;
	return signed_value ? STATS_REAL : STATS_NONNEGATIVE;
}

void stats_wilson(double k, double n, double *lo, double *hi)
{
	double z = gsl_cdf_ugaussian_Pinv(0.975), z2n = z * z / n, p = k / n;
	double centre = (p + z2n / 2) / (1 + z2n);
	double half = z / (1 + z2n) * sqrt(p * (1 - p) / n + z2n / (4 * n));

	*lo = fmax(0, centre - half);
	*hi = fmin(1, centre + half);
}

/* The number of 1s of x[0..n); NAN does not count. */
static double count_ones(const double *x, size_t n)
{
	double ones = 0;
	for (size_t i = 0; i < n; i++)
		if (!isnan(x[i]))
			ones += x[i] != 0;
	return ones;
}

/* The t interval of logit(mean), by the delta method, mapped back into (0, 1). */
static void logit_interval(struct metric_summary *s)
{
	double m = s->mean, se = s->sd / sqrt((double)s->n);
	double centre = log(m / (1 - m)), half = stats_t975(s->n - 1) * se / (m * (1 - m));

	s->ci95_low = 1 / (1 + exp(-(centre - half)));
	s->ci95_high = 1 / (1 + exp(-(centre + half)));
}

static void fraction_interval(struct metric_summary *s)
{
	if (s->sd > 0 && s->mean > 0 && s->mean < 1)
		logit_interval(s);
	else { /* constant, or values outside [0, 1]: the t interval, clipped */
		s->ci95_low = fmin(fmax(s->ci95_low, 0), 1);
		s->ci95_high = fmin(fmax(s->ci95_high, 0), 1);
	}
}

void stats_summarize_scaled(const double *x, size_t n, enum stats_scale scale,
			    struct metric_summary *out)
{
	stats_summarize(x, n, out);
	if (out->n < 2)
		return;
	if (scale == STATS_NONNEGATIVE && out->ci95_low < 0)
		out->ci95_low = 0;
	else if (scale == STATS_FRACTION)
		fraction_interval(out);
	else if (scale == STATS_PROBABILITY)
		stats_wilson(count_ones(x, n), (double)out->n, &out->ci95_low, &out->ci95_high);
}

void stats_paired_scaled(const double *x, const double *y, size_t n, enum stats_scale scale,
			 struct metric_summary *out)
{
	stats_paired(x, y, n, out);
	if ((scale != STATS_FRACTION && scale != STATS_PROBABILITY) || out->n < 2)
		return;
	out->ci95_low = fmax(out->ci95_low, -1);
	out->ci95_high = fmin(out->ci95_high, 1);
}
