/*
 * spotsim plan-commitment — the hourly Compute Savings Plan commitment that
 * minimises the expected monthly cost of a run (README "Compute Savings
 * Plans").
 *
 * Reads OUT_DIR/hourly_usage.csv (report.h), written by spotsim run when the
 * scenario sets pricing.savings_plan: per configuration, every recorded
 * clock hour of every replication, pooled. The expected monthly cost under a
 * commitment C is the bill of those hours by AWS's hourly rule
 * (savings_plan_evaluate) plus what no plan covers, per hour of the
 * replications, times the 720 hours of a 30-day month; the hours are
 * exchangeable, so pooling them is the mean over replications of each
 * replication's hourly mean. The best C comes in closed form
 * (savings_plan_best_commitment); the curve is drawn on 51 commitments from
 * 0 to 1.5 times the largest hourly usage at Savings Plans rates, with the
 * best and the scenario's own commitment added.
 *
 * Writes OUT_DIR/plan-commitment.csv and plots/plan-commitment.png and .svg
 * (plot_commitment) through an outdir, committed together.
 */
#include "spotsim/cli/cli.h"
#include "spotsim/model/savings_plan.h"
#include "spotsim/output/outdir.h"
#include "spotsim/output/plot.h"
#include "spotsim/output/report.h"
#include "spotsim/util/csvio.h"
#include "spotsim/util/error.h"
#include "spotsim/util/strbuf.h"
#include "spotsim/util/xalloc.h"

#include <getopt.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#define CMD	    "plan-commitment"
#define GRID	    50
#define MONTH_HOURS 720.0

static const char usage[] =
    "usage: spotsim plan-commitment OUT_DIR [--term 1y|3y] [--payment P] [--quiet]\n"
    "\n"
    "Recommends the hourly commitment of a Compute Savings Plan for the FARGATE\n"
    "(on-demand) usage that spotsim run simulated, hour by hour, in OUT_DIR: the\n"
    "commitment that minimises the expected monthly (30-day) cost under AWS's\n"
    "rule. Each hour the commitment pays for FARGATE vCPU and memory at the\n"
    "Savings Plans rate; usage beyond it is billed On-Demand, the unused part is\n"
    "still paid; FARGATE_SPOT is never covered. Needs OUT_DIR/hourly_usage.csv,\n"
    "which spotsim run writes when the scenario sets pricing.savings_plan (any\n"
    "commitment, 0 too, records the hours).\n"
    "\n"
    "Prints, per configuration, the recommended commitment, its expected monthly\n"
    "cost and the savings against no plan, and the same for the scenario's own\n"
    "commitment; writes OUT_DIR/plan-commitment.csv (the cost curve) and\n"
    "OUT_DIR/plots/plan-commitment.png and .svg (gnuplot; skipped with a note\n"
    "when it is not installed).\n"
    "\n"
    "  --term 1y|3y     price the plan for this term instead of the scenario's\n"
    "  --payment P      no_upfront, partial_upfront or all_upfront instead of the\n"
    "                   scenario's (the discount comes from data/savings-plans.csv)\n"
    "  --quiet          print nothing but problems\n"
    "\n"
    "Exit status: 0 success; 1 runtime failure (a file cannot be written,\n"
    "gnuplot failed); 2 usage or input error (no such folder, no\n"
    "hourly_usage.csv, a value in it that is not a number in range, no rate for\n"
    "the term and payment).\n"
    "\n"
    "example: spotsim run scenarios/savings-plan.json -o out/savings-plan --quiet\n"
    "         spotsim plan-commitment out/savings-plan --term 3y\n";

/* One configuration's pooled hours. */
struct config {
	char *variant, *sweep, *region, *os, *arch; /* owned */
	enum sp_term term;
	enum sp_payment payment;
	double discount, commitment; /* the scenario's */
	double *eligible, *hours;
	size_t n, alloc;
	double other, total_hours;
	long reps; /* distinct replications */
	long last_rep;
};

enum col {
	C_VARIANT,
	C_SWEEP,
	C_REP,
	C_HOURS,
	C_REGION,
	C_OS,
	C_ARCH,
	C_TERM,
	C_PAYMENT,
	C_DISCOUNT,
	C_COMMITMENT,
	C_ELIGIBLE,
	C_OTHER,
	C_COUNT
};

static const char *const col_names[C_COUNT] = {
    "variant",
    "sweep",
    "replication",
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
};

struct reader {
	const char *path;
	struct diag *d;
	int col[C_COUNT];
	bool have_header;
	struct config *c;
	size_t n, alloc;
};

static bool read_header(struct reader *r, const char *const *f, size_t n)
{
	for (int k = 0; k < C_COUNT; k++) {
		r->col[k] = -1;
		for (size_t i = 0; i < n; i++)
			if (!strcmp(f[i], col_names[k]))
				r->col[k] = (int)i;
		if (r->col[k] < 0)
			diag_error(r->d, r->path, "line 1",
				   "missing column %s (accepted: hourly_usage.csv as spotsim run "
				   "writes it)",
				   col_names[k]);
	}
	r->have_header = true;
	return r->d->errors == 0;
}

static struct config *config_for(struct reader *r, const char *const *f)
{
	const char *v = f[r->col[C_VARIANT]], *s = f[r->col[C_SWEEP]];
	if (r->n && !strcmp(r->c[r->n - 1].variant, v) && !strcmp(r->c[r->n - 1].sweep, s))
		return &r->c[r->n - 1];
	XALLOC_GROW(r->c, r->n + 1, r->alloc);
	struct config *c = &r->c[r->n++];
	memset(c, 0, sizeof(*c));
	c->variant = xstrdup(v);
	c->sweep = xstrdup(s);
	c->region = xstrdup(f[r->col[C_REGION]]);
	c->os = xstrdup(f[r->col[C_OS]]);
	c->arch = xstrdup(f[r->col[C_ARCH]]);
	c->last_rep = -1;
	return c;
}

/* The range a numeric column accepts, and how to say it. */
struct range {
	double lo, hi;
	bool lo_open, hi_open;
	const char *accepted;
	bool whole; /* a count: no fraction */
};

static const struct range ranges[C_COUNT] = {
    [C_REP] = {0, 1e15, false, false, "a replication number, 0 or more", true},
    [C_HOURS] = {0, 1, true, false, "a length in hours above 0 and at most 1", false},
    [C_DISCOUNT] = {0, 1, false, true, "a fraction from 0 up to 1", false},
    [C_COMMITMENT] = {0, INFINITY, false, false, "USD per hour, 0 or more", false},
    [C_ELIGIBLE] = {0, INFINITY, false, false, "USD, 0 or more", false},
    [C_OTHER] = {0, INFINITY, false, false, "USD, 0 or more", false},
};

/* What is wrong with `text` as a number of range `g` (NULL: nothing), the number in *out. */
static const char *bad_number(const char *text, const struct range *g, double *out)
{
	char *end;
	*out = strtod(text, &end);
	if (end == text || *end)
		return "is not a number";
	if (!isfinite(*out))
		return "is not finite";
	if (*out < 0 && g->lo == 0)
		return "is negative";
	if (*out < g->lo || (g->lo_open && *out == g->lo) || *out > g->hi ||
	    (g->hi_open && *out == g->hi))
		return "is out of range";
	if (g->whole && *out != floor(*out))
		return "is not a whole number";
	return NULL;
}

/* Column k of the row as a number into *out; false after an error naming the column and value. */
static bool field_number(struct reader *r, const char *const *f, enum col k, const char *where,
			 double *out)
{
	const char *text = f[r->col[k]];
	const char *why = bad_number(text, &ranges[k], out);
	if (why)
		diag_error(r->d, r->path, where,
			   "%s \"%s\" %s (accepted: %s, as spotsim run writes hourly_usage.csv)",
			   col_names[k], text, why, ranges[k].accepted);
	return !why;
}

/* The term and payment of the row into `c`; false after an error naming the column and value. */
static bool plan_fields(struct reader *r, const char *const *f, const char *where, struct config *c)
{
	const char *term = f[r->col[C_TERM]], *pay = f[r->col[C_PAYMENT]];
	if (!savings_plan_term_parse(term, &c->term)) {
		diag_error(r->d, r->path, where, "term \"%s\" is not a term (accepted: %s)", term,
			   SP_TERMS);
		return false;
	}
	if (!savings_plan_payment_parse(pay, &c->payment)) {
		diag_error(r->d, r->path, where,
			   "payment \"%s\" is not a payment option (accepted: %s)", pay,
			   SP_PAYMENTS);
		return false;
	}
	return true;
}

/* Every field the header names is there; false after an error saying how many there are. */
static bool row_complete(struct reader *r, size_t n, const char *where)
{
	for (int k = 0; k < C_COUNT; k++)
		if ((size_t)r->col[k] >= n) {
			diag_error(r->d, r->path, where,
				   "%zu field%s, no %s (accepted: hourly_usage.csv as spotsim run "
				   "writes it)",
				   n, n == 1 ? "" : "s", col_names[k]);
			return false;
		}
	return true;
}

static int on_row(const char *const *f, size_t n, size_t record, void *data)
{
	struct reader *r = data;
	double rep, hours, disc, commit, e, o;
	if (!r->have_header)
		return read_header(r, f, n) ? 0 : 1;
	char *where = xasprintf("line %zu", record);
	bool ok = row_complete(r, n, where);
	struct config *c = ok ? config_for(r, f) : NULL;
	ok = ok && field_number(r, f, C_REP, where, &rep) &&
	     field_number(r, f, C_HOURS, where, &hours) &&
	     field_number(r, f, C_DISCOUNT, where, &disc) &&
	     field_number(r, f, C_COMMITMENT, where, &commit) &&
	     field_number(r, f, C_ELIGIBLE, where, &e) && field_number(r, f, C_OTHER, where, &o) &&
	     plan_fields(r, f, where, c);
	free(where);
	if (!ok)
		return 1;
	c->discount = disc;
	c->commitment = commit;
	if ((long)rep != c->last_rep)
		c->reps++, c->last_rep = (long)rep;
	size_t had = c->alloc;
	XALLOC_GROW(c->eligible, c->n + 1, c->alloc);
	if (c->alloc != had) /* hours[] has eligible[]'s capacity */
		c->hours = xrealloc(c->hours, c->alloc * sizeof(*c->hours));
	c->eligible[c->n] = e;
	c->hours[c->n++] = hours;
	c->other += o;
	c->total_hours += hours;
	return 0;
}

static void configs_release(struct reader *r)
{
	for (size_t i = 0; i < r->n; i++) {
		struct config *c = &r->c[i];
		free(c->variant), free(c->sweep), free(c->region), free(c->os), free(c->arch);
		free(c->eligible), free(c->hours);
	}
	free(r->c);
}

/* Reads OUT_DIR/hourly_usage.csv; 0 or a SPOTSIM_* code with the problem in `d`. */
static int read_hours(const char *dir, struct reader *r, struct diag *d)
{
	struct stat st;
	char *path = xasprintf("%s/%s", dir, REPORT_HOURLY_USAGE);
	int rc = 0;
	memset(r, 0, sizeof(*r));
	r->path = path;
	r->d = d;
	if (stat(dir, &st) != 0) {
		diag_error(d, dir, NULL,
			   "no such folder (accepted: a folder written by spotsim run)");
		rc = SPOTSIM_ENOENT;
	} else if (!S_ISDIR(st.st_mode)) {
		diag_error(
		    d, dir, NULL,
		    "not a folder (accepted: the folder spotsim run wrote, not a file in it)");
		rc = SPOTSIM_EINVAL;
	} else if (stat(path, &st) != 0) {
		diag_error(d, dir, NULL,
			   "no " REPORT_HOURLY_USAGE " in this folder (accepted: a folder written "
			   "by spotsim run from a scenario that sets pricing.savings_plan)");
		rc = SPOTSIM_ENOENT;
	} else {
		rc = csvio_read(path, on_row, r, d);
		if (rc > 0 || (rc == 0 && d->errors))
			rc = SPOTSIM_EINVAL;
		else if (rc == 0 && r->n == 0) {
			diag_error(d, path, NULL,
				   "no hours (accepted: the rows spotsim run writes for a scenario "
				   "with pricing.savings_plan)");
			rc = SPOTSIM_EINVAL;
		}
	}
	r->path = NULL;
	free(path);
	return rc;
}

/* --term / --payment: each configuration's discount from the rate table. */
static int reprice(struct reader *r, const enum sp_term *term, const enum sp_payment *pay,
		   struct diag *d)
{
	const char *path = savings_plan_default_path();
	struct sp_table t;
	int rc = 0;
	if (!path) {
		diag_error(d, NULL, NULL,
			   "no Savings Plans rate table found (accepted: data/savings-plans.csv "
			   "as installed, or SPOTSIM_SAVINGS_PLANS=FILE)");
		return SPOTSIM_ENOENT;
	}
	savings_plan_table_init(&t);
	if ((rc = savings_plan_table_load(&t, path, d)) != 0)
		return rc;
	for (size_t i = 0; i < r->n && !rc; i++) {
		struct config *c = &r->c[i];
		enum os_family os;
		enum cpu_arch arch;
		c->term = term ? *term : c->term;
		c->payment = pay ? *pay : c->payment;
		const struct sp_rate *rate =
		    fargate_os_parse(c->os, &os) && fargate_arch_parse(c->arch, &arch)
			? savings_plan_find(&t, c->region, os, arch, c->term, c->payment)
			: NULL;
		if (!rate) {
			diag_error(d, path, NULL,
				   "no rate for %s %s %s, term %s, payment %s (accepted: a row for "
				   "the run's region, OS and architecture)",
				   c->region, c->os, c->arch, savings_plan_term_name(c->term),
				   savings_plan_payment_name(c->payment));
			rc = SPOTSIM_EINVAL;
		} else {
			c->discount = rate->discount;
		}
	}
	savings_plan_table_release(&t);
	return rc;
}

/* A point of the curve. */
struct point {
	double commitment, monthly, utilization, coverage;
	const char *kind; /* "curve", "recommended", "scenario" */
};

static struct point evaluate(const struct config *c, double commitment, const char *kind)
{
	struct sp_account a;
	savings_plan_evaluate(commitment, c->discount, c->eligible, c->hours, c->n, &a);
	struct point p = {commitment,
			  (a.paid + a.on_demand_billed + c->other) / c->total_hours * MONTH_HOURS,
			  savings_plan_utilization(&a), savings_plan_coverage(&a), kind};
	return p;
}

static int point_cmp(const void *a, const void *b)
{
	double x = ((const struct point *)a)->commitment, y = ((const struct point *)b)->commitment;
	return x < y ? -1 : x > y;
}

/* The largest hourly usage of `c` at Savings Plans rates, USD per hour. */
static double peak(const struct config *c)
{
	double top = 0;
	for (size_t i = 0; i < c->n; i++)
		top = fmax(top, (1 - c->discount) * c->eligible[i] / c->hours[i]);
	return top;
}

/*
 * The curve of `c` into pts (GRID + 3 points, sorted) up to `top`, the same
 * for every configuration; returns the count.
 */
static size_t curve(const struct config *c, double best, double top, struct point *pts)
{
	size_t n = 0;
	for (int k = 0; k <= GRID; k++) /* to half again the peak: over-commitment shows */
		pts[n++] = evaluate(c, 1.5 * top * k / GRID, "curve");
	pts[n++] = evaluate(c, best, "recommended");
	pts[n++] = evaluate(c, c->commitment, "scenario");
	qsort(pts, n, sizeof(*pts), point_cmp);
	return n;
}

static void put_row(FILE *f, const struct config *c, const struct point *p, double none)
{
	cli_put_csv_field(f, c->variant);
	fputc(',', f);
	cli_put_csv_field(f, c->sweep);
	fprintf(f, ",%s,%s,%.10g,%.10g,%.10g,%.10g,", savings_plan_term_name(c->term),
		savings_plan_payment_name(c->payment), c->discount, p->commitment, p->monthly,
		none - p->monthly);
	if (!isnan(p->utilization))
		fprintf(f, "%.10g", p->utilization);
	fputc(',', f);
	if (!isnan(p->coverage))
		fprintf(f, "%.10g", p->coverage);
	fprintf(f, ",%s\n", p->kind);
}

static void print_point(const char *what, const struct point *p, double none)
{
	printf("    %-11s %10.4f USD/hour: %10.2f USD/month, saves %8.2f (%5.1f %%)", what,
	       p->commitment, p->monthly, none - p->monthly,
	       none > 0 ? 100 * (none - p->monthly) / none : 0.0);
	if (!isnan(p->utilization))
		printf(", utilization %.1f %%", 100 * p->utilization);
	if (!isnan(p->coverage))
		printf(", coverage %.1f %%", 100 * p->coverage);
	putchar('\n');
}

struct result {
	struct point pts[GRID + 3];
	size_t n;
	double none;
	struct point best, own;
	char *label;
	double x[GRID + 3], y[GRID + 3];
};

/*
 * The grid's end: half again the largest hourly usage of all
 * configurations, so that their curves share one range (the scenarios'
 * commitments when no configuration uses FARGATE; 1 USD when none has one).
 */
static double grid_top(const struct reader *r)
{
	double top = 0, own = 0;
	for (size_t i = 0; i < r->n; i++) {
		top = fmax(top, peak(&r->c[i]));
		own = fmax(own, r->c[i].commitment);
	}
	return top > 0 ? top : own > 0 ? own / 1.5 : 1 / 1.5;
}

static void analyse(const struct config *c, double top, struct result *res)
{
	double best = savings_plan_best_commitment(c->discount, c->eligible, c->hours, c->n);
	res->none = evaluate(c, 0, "none").monthly;
	res->best = evaluate(c, best, "recommended");
	res->own = evaluate(c, c->commitment, "scenario");
	res->n = curve(c, best, top, res->pts);
	res->label = *c->sweep ? xasprintf("%s %s", c->variant, c->sweep) : xstrdup(c->variant);
	for (size_t i = 0; i < res->n; i++) {
		res->x[i] = res->pts[i].commitment;
		res->y[i] = res->pts[i].monthly;
	}
}

static void print_result(const struct config *c, const struct result *res)
{
	printf("  %s: %ld replication%s x %.6g hours, %s %s at %g %% off; without a plan "
	       "%.2f USD/month\n",
	       res->label, c->reps, c->reps == 1 ? "" : "s", c->total_hours / (double)c->reps,
	       savings_plan_term_name(c->term), savings_plan_payment_name(c->payment),
	       100 * c->discount, res->none);
	print_point("recommended", &res->best, res->none);
	print_point("scenario's", &res->own, res->none);
}

/* Stages plan-commitment.csv in `o`. */
static int write_csv(struct outdir *o, const struct reader *r, const struct result *res,
		     struct diag *d)
{
	struct outdir_file of;
	int err = outdir_file_create(o, REPORT_PLAN_COMMITMENT, &of);
	if (!err) {
		fputs("variant,sweep,term,payment,discount,commitment_usd_per_hour,"
		      "monthly_cost_usd,monthly_savings_usd,utilization,coverage,kind\n",
		      of.f);
		for (size_t i = 0; i < r->n; i++)
			for (size_t k = 0; k < res[i].n; k++)
				put_row(of.f, &r->c[i], &res[i].pts[k], res[i].none);
		err = outdir_file_close(o, &of);
	}
	if (err) {
		diag_error(d, outdir_path(o), REPORT_PLAN_COMMITMENT, "cannot write: %s",
			   diag_strerror(err));
		return SPOTSIM_EIO;
	}
	return 0;
}

/* Whether two configurations have the same hours and discount: then the same curve. */
static bool same_usage(const struct config *a, const struct config *b)
{
	return a->n == b->n && a->discount == b->discount && a->other == b->other &&
	       a->total_hours == b->total_hours &&
	       !memcmp(a->eligible, b->eligible, a->n * sizeof(*a->eligible)) &&
	       !memcmp(a->hours, b->hours, a->n * sizeof(*a->hours));
}

/* The figure's curve of configuration i (`plan` holds its term and payment). */
static struct commitment_curve curve_of(const struct reader *r, const struct result *res, size_t i,
					const char *plan)
{
	struct commitment_curve one = {r->c[i].variant,
				       r->c[i].sweep,
				       plan,
				       res[i].x,
				       res[i].y,
				       res[i].n,
				       res[i].best.commitment,
				       res[i].best.monthly,
				       res[i].own.commitment,
				       res[i].own.monthly,
				       -1};
	for (size_t j = 0; j < i && one.same_as < 0; j++)
		if (same_usage(&r->c[i], &r->c[j]))
			one.same_as = (long)j;
	return one;
}

static int write_outputs(const char *dir, const struct reader *r, const struct result *res,
			 struct diag *d, bool *drawn)
{
	struct outdir *o = NULL;
	struct commitment_curve *cc = xcalloc(r->n, sizeof(*cc));
	char(*plans)[64] = xcalloc(r->n, sizeof(*plans));
	int rc = outdir_open(&o, dir, d);
	for (size_t i = 0; i < r->n; i++) {
		snprintf(plans[i], sizeof(plans[i]), "%s %s", savings_plan_term_name(r->c[i].term),
			 savings_plan_payment_name(r->c[i].payment));
		cc[i] = curve_of(r, res, i, plans[i]);
	}
	if (!rc)
		rc = write_csv(o, r, res, d);
	if (!rc)
		rc = plot_commitment(o, cc, r->n, d, drawn);
	if (!rc)
		rc = outdir_commit(o, d);
	outdir_free(o);
	free(plans);
	free(cc);
	return rc;
}

static int plan_commitment(const char *dir, const enum sp_term *term, const enum sp_payment *pay,
			   bool quiet)
{
	struct reader r;
	struct diag d;
	struct result *res = NULL;
	bool drawn = false;
	char shown[PATH_MAX_DISPLAY];

	diag_init(&d);
	int rc = read_hours(dir, &r, &d);
	if (!rc && (term || pay))
		rc = reprice(&r, term, pay, &d);
	if (!rc) {
		res = xcalloc(r.n, sizeof(*res));
		for (size_t i = 0; i < r.n; i++)
			analyse(&r.c[i], grid_top(&r), &res[i]);
		rc = write_outputs(dir, &r, res, &d, &drawn);
	}
	cli_print_diag(&d);
	if (!rc && !quiet) {
		cli_display_path(dir, shown, sizeof(shown));
		printf("%s: expected cost per 30-day month against the hourly commitment\n", shown);
		for (size_t i = 0; i < r.n; i++)
			print_result(&r.c[i], &res[i]);
		printf("written to %s/: %s%s\n", shown, REPORT_PLAN_COMMITMENT,
		       drawn ? ", plots/" PLOT_COMMITMENT ".png and .svg" : "");
	}
	for (size_t i = 0; res && i < r.n; i++)
		free(res[i].label);
	free(res);
	configs_release(&r);
	diag_release(&d);
	if (rc == SPOTSIM_ENOENT || rc == SPOTSIM_EINVAL || rc == SPOTSIM_ESYNTAX)
		return EXIT_USAGE;
	return rc ? EXIT_RUNTIME : EXIT_OK;
}

int cmd_plan_commitment(int argc, char **argv)
{
	static const struct option opts[] = {
	    {"term", required_argument, NULL, 't'},
	    {"payment", required_argument, NULL, 'p'},
	    {"quiet", no_argument, NULL, 'q'},
	    {"help", no_argument, NULL, 'h'},
	    {NULL, 0, NULL, 0},
	};
	enum sp_term term;
	enum sp_payment pay;
	bool has_term = false, has_pay = false, quiet = false;
	int c;

	opterr = 0;
	optind = 1;
	while ((c = getopt_long(argc, argv, ":hq", opts, NULL)) != -1) {
		switch (c) {
		case 't':
			if (!(has_term = savings_plan_term_parse(optarg, &term)))
				return cli_usage_error(CMD, "--term",
						       "\"%s\" is not a term (accepted: %s)",
						       optarg, SP_TERMS);
			break;
		case 'p':
			if (!(has_pay = savings_plan_payment_parse(optarg, &pay)))
				return cli_usage_error(
				    CMD, "--payment",
				    "\"%s\" is not a payment option (accepted: %s)", optarg,
				    SP_PAYMENTS);
			break;
		case 'q':
			quiet = true;
			break;
		case 'h':
			fputs(usage, stdout);
			return EXIT_OK;
		case ':':
			return cli_usage_error(CMD, argv[optind - 1],
					       "needs a value (see spotsim " CMD " --help)");
		default:
			return cli_usage_error(CMD, argv[optind - 1],
					       "unknown option (see spotsim " CMD " --help)");
		}
	}
	if (optind != argc - 1)
		return cli_usage_error(
		    CMD, NULL, "needs exactly one output folder (see spotsim " CMD " --help)");
	return plan_commitment(argv[optind], has_term ? &term : NULL, has_pay ? &pay : NULL, quiet);
}
