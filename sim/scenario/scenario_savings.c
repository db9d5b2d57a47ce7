/*
 * scenario_savings — pricing.savings_plan (see scenario_savings.h).
 */
#include "scenario_savings.h"

#include "spotsim/util/xalloc.h"

#include <stdlib.h>
#include <string.h>

#define WHERE "pricing.savings_plan"

/* The table's row for the plan, with every problem reported at WHERE. */
static void take_rate(struct loader *l, struct savings_plan_config *p)
{
	const struct scenario *sc = l->sc;
	const char *path = savings_plan_default_path();
	struct sp_table t;
	struct diag d;

	if (!path) {
		loader_err(l, WHERE,
			   "no Savings Plans rate table found (accepted: data/savings-plans.csv as "
			   "installed, or SPOTSIM_SAVINGS_PLANS=FILE)");
		return;
	}
	savings_plan_table_init(&t);
	diag_init(&d);
	if (savings_plan_table_load(&t, path, &d) != 0) {
		for (size_t i = 0; i < d.nr; i++) {
			const char *at = d.items[i].path ? d.items[i].path : "";
			loader_err(l, WHERE, "%s%s%s: %s", d.items[i].file, *at ? ": " : "", at,
				   d.items[i].msg);
		}
	} else {
		const struct sp_rate *r = savings_plan_find(&t, sc->region, sc->task.os,
							    sc->task.arch, p->term, p->payment);
		if (!r) /* reported after the price checks: see scenario_check_prices */
			p->missing_rate = xasprintf(
			    "%s has no Compute Savings Plans rate for %s %s %s, term %s, "
			    "payment %s (accepted: a region, OS and architecture with a row there)",
			    path, sc->region, fargate_os_name(sc->task.os),
			    fargate_arch_name(sc->task.arch), savings_plan_term_name(p->term),
			    savings_plan_payment_name(p->payment));
		else {
			p->discount = r->discount;
			p->derived = r->derived;
			p->rates_file = xstrdup(path);
			p->as_of = xstrdup(r->as_of);
			p->source = xstrdup(r->source);
		}
	}
	diag_release(&d);
	savings_plan_table_release(&t);
}

void scenario_load_savings_plan(struct loader *l)
{
	const cJSON *sp = loader_get(loader_get(l->root, "pricing"), "savings_plan");
	struct savings_plan_config *p = &l->sc->savings_plan;
	double c;

	if (!cJSON_IsObject(sp))
		return;
	/* the schema walk reported what is missing or malformed */
	if (!loader_get_number(sp, "commitment_usd_per_hour", &c) || !(c >= 0) ||
	    !savings_plan_term_parse(loader_get_string(sp, "term"), &p->term) ||
	    !savings_plan_payment_parse(loader_get_string(sp, "payment"), &p->payment))
		return;
	p->enabled = true;
	p->commitment_usd_per_hour = c;
	take_rate(l, p);
}

void scenario_savings_plan_release(struct savings_plan_config *p)
{
	free(p->rates_file);
	free(p->as_of);
	free(p->source);
	free(p->missing_rate);
	memset(p, 0, sizeof(*p));
}
