/*
 * report_verdict — the verdict section at the top of report.html (see
 * report_verdict_html in plot_internal.h): the recommendation in one
 * sentence, then one row per configuration, cheapest first, with whether it
 * meets the SLO, P(SLO breach), the monthly cost and the savings against all
 * on-demand (for queue workers also the cost per 1,000 jobs, the p95 job
 * latency and the lost work), each with the 95 % interval of summary.csv.
 *
 * With a Compute Savings Plan in some configuration, the rows are ranked
 * and the verdict taken by the monthly cost with the plan
 * (monthly_cost_with_savings_plan_usd; without a plan, the list monthly
 * cost), and the list-price monthly cost is shown beside it.
 *
 * Everything comes from summary.csv and, for slo.max_breach_probability,
 * scenario.json (struct info); the rule is verdict.h's, the same as the
 * printed ranking's. Every text is HTML-escaped.
 */
#include "plot_internal.h"

#include "spotsim/experiment/verdict.h"
#include "spotsim/util/numfmt.h"
#include "spotsim/util/xalloc.h"

#include <stdio.h>
#include <stdlib.h>

/* The figures of one configuration (NAN where summary.csv has none). */
struct vrow {
	size_t config; /* index in r->cfg */
	struct value breach, cost, list, savings, per_jobs, job_latency, lost_work;
	bool queue;
	bool plan; /* `cost` is the monthly cost with a Savings Plan */
};

static void vtext(FILE *f, const char *s)
{
	for (; *s; s++) {
		if (*s == '&')
			fputs("&amp;", f);
		else if (*s == '<')
			fputs("&lt;", f);
		else if (*s == '>')
			fputs("&gt;", f);
		else if (*s == '"')
			fputs("&quot;", f);
		else
			fputc(*s, f);
	}
}

static void get(const struct render *r, size_t i, const char *metric, struct value *v)
{
	if (!table_value(&r->summary, r->cfg.variant[i], r->cfg.sweep[i], metric, "mean", v)) {
		v->mean = v->lo = v->hi = NAN;
		v->n = "";
	}
}

static void vrow_of(const struct render *r, size_t i, struct vrow *out)
{
	struct value jobs;

	out->config = i;
	get(r, i, "slo_breach", &out->breach);
	get(r, i, "monthly_cost_usd", &out->list);
	get(r, i, "monthly_cost_with_savings_plan_usd", &out->cost);
	out->plan = isfinite(out->cost.mean);
	if (!out->plan)
		out->cost = out->list;
	get(r, i, "savings_vs_on_demand_pct", &out->savings);
	get(r, i, "cost_per_thousand_jobs_usd", &out->per_jobs);
	get(r, i, "p95_job_latency_s", &out->job_latency);
	get(r, i, "lost_work_hours", &out->lost_work);
	get(r, i, "jobs_completed", &jobs);
	out->queue = isfinite(jobs.mean);
}

/* Cheapest first, costs that are unknown last, ties in file order. */
static int by_cost(const void *a, const void *b)
{
	const struct vrow *p = a, *q = b;
	bool pn = !isfinite(p->cost.mean), qn = !isfinite(q->cost.mean);

	if (pn != qn)
		return pn ? 1 : -1;
	if (!pn && p->cost.mean != q->cost.mean)
		return p->cost.mean < q->cost.mean ? -1 : 1;
	return (p->config > q->config) - (p->config < q->config);
}

/* `v` with `prec` decimals, its floating noise rounded away and "-0.00" unsigned. */
static void vnum(FILE *f, double v, int prec)
{
	char buf[64];

	if (!isfinite(v)) {
		fputs("n/a", f);
		return;
	}
	snprintf(buf, sizeof(buf), "%.*f", prec, numfmt_denoise(v, v));
	numfmt_unsign_zero(buf);
	fputs(buf, f);
}

/* A numeric cell: the mean, then its interval or that all replications agree. */
static void vcell(FILE *f, const struct value *v, int prec)
{
	fputs("<td class=\"num\">", f);
	vnum(f, v->mean, prec);
	if (isfinite(v->mean) && isfinite(v->lo) && isfinite(v->hi)) {
		if (v->lo == v->hi && v->lo == v->mean) {
			fputs("<small>no variation across replications</small>", f);
		} else {
			fputs("<small>[", f);
			vnum(f, v->lo, prec);
			fputs(", ", f);
			vnum(f, v->hi, prec);
			fputs("]</small>", f);
		}
	}
	fputs("</td>", f);
}

static void vlabel(FILE *f, const struct render *r, size_t i)
{
	fputs("<b>", f);
	vtext(f, r->cfg.variant[i]);
	if (*r->cfg.sweep[i]) {
		fputc(' ', f);
		vtext(f, r->cfg.sweep[i]);
	}
	fputs("</b>", f);
}

static void vsentence(FILE *f, const struct render *r, const struct vrow *rows)
{
	double *p = xcalloc(r->cfg.nr, sizeof(*p)), *cost = xcalloc(r->cfg.nr, sizeof(*cost));
	struct verdict v;

	for (size_t i = 0; i < r->cfg.nr; i++) {
		p[rows[i].config] = rows[i].breach.mean;
		cost[rows[i].config] = rows[i].cost.mean;
	}
	v = verdict_pick(p, cost, r->cfg.nr, r->info.max_breach);
	if (v.kind == VERDICT_MEETS) {
		fputs("<p class=\"verdict\">Recommendation: ", f);
		vlabel(f, r, v.pick);
		fprintf(f,
			", the cheapest configuration that meets the SLO (P(SLO breach) at most "
			"%g).</p>\n",
			r->info.max_breach);
	} else if (v.kind == VERDICT_NONE_MEETS) {
		fprintf(f,
			"<p class=\"note\">None meets the SLO (P(SLO breach) at most %g). "
			"Closest: ",
			r->info.max_breach);
		vlabel(f, r, v.pick);
		fputs(", the lowest P(SLO breach).</p>\n", f);
	} else {
		fputs("<p class=\"note\">No SLO set (slo.p95_latency, p99_latency, "
		      "max_dropped_fraction or max_job_latency): ranked by cost alone. Cheapest: ",
		      f);
		vlabel(f, r, v.pick);
		fputs(".</p>\n", f);
	}
	free(cost);
	free(p);
}

/* Which columns the table shows. */
struct vcols {
	bool sweep, slo, queue, plan;
};

static void vhead(FILE *f, const struct vcols *c)
{
	fputs("<div class=\"scroll\"><table>\n<thead><tr><th>variant</th>", f);
	if (c->sweep)
		fputs("<th>sweep</th>", f);
	if (c->slo)
		fputs("<th>meets SLO</th><th>P(SLO breach)</th>", f);
	if (c->plan)
		fputs("<th>monthly cost with plan<br><small>USD</small></th>"
		      "<th>list monthly cost<br><small>USD</small></th>",
		      f);
	else
		fputs("<th>monthly cost<br><small>USD</small></th>", f);
	fputs("<th>savings against all on-demand<br><small>%</small></th>", f);
	if (c->queue)
		fputs("<th>cost per 1,000 jobs<br><small>USD</small></th>"
		      "<th>p95 job latency<br><small>s</small></th>"
		      "<th>lost work<br><small>h</small></th>",
		      f);
	fputs("</tr></thead>\n<tbody>\n", f);
}

static void vline(FILE *f, const struct render *r, const struct vrow *w, const struct vcols *c)
{
	fputs("<tr><td class=\"name\">", f);
	vtext(f, r->cfg.variant[w->config]);
	fputs("</td>", f);
	if (c->sweep) {
		fputs("<td class=\"name\">", f);
		vtext(f, r->cfg.sweep[w->config]);
		fputs("</td>", f);
	}
	if (c->slo) {
		fprintf(f, "<td class=\"name\">%s</td>",
			!isfinite(w->breach.mean)			    ? "no SLO set"
			: verdict_meets(w->breach.mean, r->info.max_breach) ? "yes"
									    : "no");
		vcell(f, &w->breach, 2);
	}
	vcell(f, &w->cost, 2);
	if (c->plan)
		vcell(f, &w->list, 2);
	vcell(f, &w->savings, 1);
	if (c->queue) {
		vcell(f, &w->per_jobs, 4);
		vcell(f, &w->job_latency, 1);
		vcell(f, &w->lost_work, 2);
	}
	fputs("</tr>\n", f);
}

void report_verdict_html(FILE *f, const struct render *r)
{
	struct vrow *rows;
	struct vcols c = {false, false, false, false};

	if (!r->summary.present || r->cfg.nr == 0)
		return;
	rows = xcalloc(r->cfg.nr, sizeof(*rows));
	for (size_t i = 0; i < r->cfg.nr; i++) {
		vrow_of(r, i, &rows[i]);
		c.slo |= isfinite(rows[i].breach.mean);
		c.queue |= rows[i].queue;
		c.plan |= rows[i].plan;
	}
	c.sweep = configs_have_sweep(&r->cfg);
	fputs("<section id=\"verdict\">\n<h2>Verdict</h2>\n", f);
	vsentence(f, r, rows);
	qsort(rows, r->cfg.nr, sizeof(*rows), by_cost);
	vhead(f, &c);
	for (size_t i = 0; i < r->cfg.nr; i++)
		vline(f, r, &rows[i], &c);
	fputs("</tbody></table></div>\n<p>Cheapest first, by the mean monthly cost (the run's cost "
	      "scaled to 30 days",
	      f);
	if (c.plan)
		fputs(
		    " with the Savings Plan, which is what its holder pays; the list monthly cost "
		    "beside it",
		    f);
	fputs("); 95 % intervals in brackets. A configuration meets the SLO when "
	      "its P(SLO breach), the share of replications that broke it, is at most the "
	      "scenario's slo.max_breach_probability.</p>\n</section>\n",
	      f);
	free(rows);
}
