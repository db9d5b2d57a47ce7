/*
 * report_hours — hourly_usage.csv: the clock hours of the replications
 * whose configuration has a Savings Plan (see report.h), for
 * `spotsim plan-commitment`.
 */
#include "report_internal.h"

#include "spotsim/util/csvio.h"
#include "spotsim/util/error.h"
#include "spotsim/util/xalloc.h"

#include <stdlib.h>
#include <time.h>

static void put_header(FILE *f)
{
	static const char *const cols[] = {"variant",
					   "sweep",
					   "replication",
					   "hour",
					   "hour_start",
					   "hours",
					   "region",
					   "os",
					   "arch",
					   "term",
					   "payment",
					   "discount",
					   "commitment_usd_per_hour",
					   "eligible_on_demand_usd",
					   "other_usd",
					   NULL};
	report_put_header(f, cols);
}

/* The UTC start of the clock hour `i` of a run from `start_unix` falls in, ISO 8601. */
static void put_hour_start(FILE *f, int64_t start_unix, size_t i)
{
	int64_t hour = start_unix / 3600 - (start_unix % 3600 < 0);
	time_t t = (time_t)((hour + (int64_t)i) * 3600);
	struct tm tm;
	char buf[64];

	if (gmtime_r(&t, &tm) && strftime(buf, sizeof(buf), "%Y-%m-%dT%H:%M:%SZ", &tm))
		fputs(buf, f);
}

/* The length of hour i in hours: the first and the last may be partial. */
static double hour_length(const struct run_hours *h, size_t i)
{
	if (i == 0)
		return h->first_hours;
	return i + 1 == h->n ? h->last_hours : 1.0;
}

static void put_rows(FILE *f, const struct plan_config *c, size_t rep, const struct run_hours *h)
{
	const struct scenario *sc = &c->sc;
	const struct savings_plan_config *p = &sc->savings_plan;
	for (size_t i = 0; i < h->n; i++) {
		csvio_write_field(f, c->variant);
		fputc(',', f);
		csvio_write_field(f, c->sweep);
		fprintf(f, ",%zu,%zu,", rep, i);
		put_hour_start(f, sc->start_unix, i);
		fputc(',', f);
		report_put_num(f, 'g', 10, hour_length(h, i));
		fputc(',', f);
		csvio_write_field(f, sc->region);
		fprintf(f, ",%s,%s,%s,%s,", fargate_os_name(sc->task.os),
			fargate_arch_name(sc->task.arch), savings_plan_term_name(p->term),
			savings_plan_payment_name(p->payment));
		report_put_num(f, 'g', 10, p->discount);
		fputc(',', f);
		report_put_num(f, 'g', 10, p->commitment_usd_per_hour);
		fputc(',', f);
		report_put_num(f, 'g', 10, h->eligible_usd[i]);
		fputc(',', f);
		report_put_num(f, 'g', 10, h->other_usd[i]);
		fputc('\n', f);
	}
}

/* Says so when replications with a Savings Plan lost their hours to the cap. */
static void note_dropped(const struct plan *p, const struct experiment *x, const char *file,
			 struct diag *d)
{
	size_t with_plan = 0, kept = 0;
	for (size_t i = 0; i < x->nconfigs * x->nreps; i++) {
		if (!p->configs[i / x->nreps].sc.savings_plan.enabled)
			continue;
		with_plan++;
		kept += i < x->hours_items;
	}
	if (kept < with_plan)
		diag_note(d, file, NULL,
			  "holds the hours of %zu of the %zu replications with a Savings Plan "
			  "(at most %zu hours in all, whole replications in plan order); "
			  "spotsim plan-commitment prices those",
			  kept, with_plan, (size_t)EXPERIMENT_HOURS_MAX);
}

void report_hourly_staged(struct report *r)
{
	r->hourly = true;
}

int report_hourly_usage(struct report *r, const struct plan *p, const struct experiment *x,
			struct diag *d)
{
	struct outdir_file of;
	char *final;
	int err;

	if (!x->hours)
		return 0;
	final = xasprintf("%s/%s", report_dir(r), REPORT_HOURLY_USAGE);
	err = outdir_file_create(r->out, REPORT_HOURLY_USAGE, &of);
	if (!err) {
		put_header(of.f);
		for (size_t c = 0; c < x->nconfigs; c++)
			for (size_t k = 0; k < x->nreps; k++)
				put_rows(of.f, &p->configs[c], k, &x->hours[c * x->nreps + k]);
		err = outdir_file_close(r->out, &of);
	}
	if (err)
		diag_error(d, final, NULL, "cannot write: %s", diag_strerror(err));
	else
		note_dropped(p, x, final, d);
	r->hourly = !err;
	free(final);
	return err ? SPOTSIM_EIO : 0;
}
