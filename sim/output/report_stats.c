/*
 * report_stats — summary.csv and comparison.csv (see report_experiment in
 * report.h for their rows).
 *
 * These files are not streamed: they need every replication of a
 * configuration, so report_experiment writes them at the end from the
 * experiment's matrix, through stats. One scratch vector of nreps values
 * (two for the paired differences) is reused for every metric.
 */
#include "report_internal.h"

#include "spotsim/experiment/stats.h"
#include "spotsim/util/csvio.h"
#include "spotsim/util/xalloc.h"

#include <stdlib.h>

void report_stats_headers(struct report *r)
{
	static const char *const sum[] = {"variant", "sweep",	 "metric",    "unit", "mean",
					  "sd",	     "ci95_low", "ci95_high", "min",  "p05",
					  "p50",     "p95",	 "max",	      "n",    NULL};
	static const char *const cmp[] = {"variant",  "sweep",	   "metric", "unit", "mean_diff",
					  "ci95_low", "ci95_high", "n",	     NULL};

	report_put_header(r->files[FILE_SUMMARY].f, sum);
	report_put_header(r->files[FILE_COMPARISON].f, cmp);
}

void report_gather(const struct experiment *x, size_t config, size_t offset, double *v)
{
	for (size_t k = 0; k < x->nreps; k++)
		v[k] = report_metric_get(experiment_at(x, config, k), offset);
}

/* "variant,sweep,metric,unit" */
static void put_row_start(FILE *f, const struct experiment *x, size_t config,
			  const struct metric_def *def)
{
	csvio_write_field(f, x->variant[config]);
	fputc(',', f);
	csvio_write_field(f, x->sweep[config] ? x->sweep[config] : "");
	fputc(',', f);
	csvio_write_field(f, def->name);
	fputc(',', f);
	csvio_write_field(f, def->unit);
}

/* ",v" for each value, then ",n" and the end of the row. */
static void put_row_end(FILE *f, const double *v, size_t nv, long n)
{
	for (size_t i = 0; i < nv; i++) {
		fputc(',', f);
		report_put_num(f, 'g', 10, v[i]);
	}
	fprintf(f, ",%ld\n", n);
}

/* The statistics columns of summary.csv, mean to max, in order. */
static void summary_columns(const struct metric_summary *s, double cols[9])
{
	cols[0] = s->mean;
	cols[1] = s->sd;
	cols[2] = s->ci95_low;
	cols[3] = s->ci95_high;
	cols[4] = s->min;
	cols[5] = s->p05;
	cols[6] = s->p50;
	cols[7] = s->p95;
	cols[8] = s->max;
}

static void write_summary_rows(FILE *f, const struct experiment *x, size_t config, double *v)
{
	for (const struct metric_def *def = run_metric_defs; def->name; def++) {
		struct metric_summary s;
		double cols[9];

		report_gather(x, config, def->offset, v);
		stats_summarize_scaled(v, x->nreps, stats_scale_of(def->unit, def->signed_value),
				       &s);
		summary_columns(&s, cols);
		put_row_start(f, x, config, def);
		put_row_end(f, cols, 9, s.n);
	}
}

static void write_comparison_rows(FILE *f, const struct experiment *x, size_t config, double *v,
				  double *base)
{
	for (const struct metric_def *def = run_metric_defs; def->name; def++) {
		struct metric_summary s;
		double cols[3];

		report_gather(x, config, def->offset, v);
		report_gather(x, x->baseline[config], def->offset, base);
		stats_paired_scaled(v, base, x->nreps, stats_scale_of(def->unit, def->signed_value),
				    &s);
		cols[0] = s.mean;
		cols[1] = s.ci95_low;
		cols[2] = s.ci95_high;
		put_row_start(f, x, config, def);
		put_row_end(f, cols, 3, s.n);
	}
}

void report_experiment(struct report *r, const struct experiment *x)
{
	FILE *sum = r->files[FILE_SUMMARY].f, *cmp = r->files[FILE_COMPARISON].f;
	double *v = xcalloc(x->nreps + 1, sizeof(*v));
	double *base = xcalloc(x->nreps + 1, sizeof(*base));

	for (size_t c = 0; sum && c < x->nconfigs; c++)
		write_summary_rows(sum, x, c, v);
	for (size_t c = 0; cmp && c < x->nconfigs; c++)
		if (x->baseline[c] != c)
			write_comparison_rows(cmp, x, c, v, base);
	free(base);
	free(v);
}
