/*
 * spotsim validate — checks a scenario file as `spotsim run` loads it (the
 * run plan: every variant at every sweep point, and the price table rows
 * they need) and prints every problem, or a short summary of what the file
 * describes.
 */
#include "spotsim/cli/cli.h"
#include "spotsim/util/error.h"
#include "spotsim/model/pricing.h"
#include "spotsim/scenario/plan.h"

#include "spotsim/util/strbuf.h"

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>

static const char usage[] =
    "usage: spotsim validate SCENARIO.json [--prices FILE] [--quiet]\n"
    "\n"
    "Checks a scenario file as spotsim run would: JSON syntax, every key and\n"
    "value, the Fargate task sizes, the capacity provider strategy rules, the\n"
    "name as an output folder, every variant at every sweep point, and the\n"
    "price table rows they need. Prints every problem, one line each, as\n"
    "FILE: JSON.PATH: message, and exits 2 if there is any; otherwise prints a\n"
    "summary and exits 0.\n"
    "\n"
    "  --prices FILE  use this price table instead of the scenario's or the default\n"
    "  --quiet        print nothing when the file is valid\n"
    "\n"
    "example: spotsim validate scenarios/example.json\n";

static void print_strategy(const struct strategy *s)
{
	for (size_t i = 0; i < s->nr; i++) {
		const struct strategy_item *it = &s->items[i];
		printf("%s%s", i ? ", " : "", fargate_provider_name(it->provider));
		if (it->has_base && it->base > 0)
			printf(" base=%ld", it->base);
		printf(" weight=%ld", it->weight);
	}
}

/* ---- the scaling section as spotsim understood it ---- */

/* "for 2 of 3 minutes", or "for 2 of 3 periods of 5 minutes". */
static void add_window(struct strbuf *sb, const struct alarm_config *a)
{
	strbuf_addf(sb, " for %d of %d ", a->datapoints_to_alarm, a->evaluation_periods);
	if (a->period_minutes == 1)
		strbuf_adds(sb, "minutes");
	else
		strbuf_addf(sb, "periods of %d minutes", a->period_minutes);
}

static const char *alarm_metric(enum metric_name m)
{
	/* a step alarm is on the CloudWatch metric, not the target-tracking name */
	if (m == METRIC_CPU)
		return "CPUUtilization";
	if (m == METRIC_MEMORY)
		return "MemoryUtilization";
	return scaling_metric_name(m);
}

/* One step: "[0, 15) +2", below the threshold "(-inf, -10] -1"; bounds relative to it. */
static void add_step(struct strbuf *sb, const struct scaling_policy *p,
		     const struct step_adjustment *st)
{
	bool below = st->has_upper && st->upper <= 0 && !(st->has_lower && st->lower >= 0);
	strbuf_addch(sb, below ? '(' : '[');
	if (st->has_lower)
		strbuf_addf(sb, "%g", st->lower);
	else
		strbuf_adds(sb, "-inf");
	if (st->has_upper)
		strbuf_addf(sb, ", %g", st->upper);
	else
		strbuf_adds(sb, ", +inf");
	strbuf_addch(sb, below ? ']' : ')');
	if (p->adjustment_type == ADJUST_EXACT)
		strbuf_addf(sb, " =%ld", st->adjustment);
	else
		strbuf_addf(sb, " %+ld%s", st->adjustment,
			    p->adjustment_type == ADJUST_PERCENT ? " %" : "");
}

static void describe_step(struct strbuf *sb, const struct scaling_policy *p)
{
	const struct alarm_config *a = &p->alarm;
	char cd[32];
	strbuf_addf(sb, "StepScaling, %s steps ", scaling_adjustment_name(p->adjustment_type));
	for (size_t i = 0; i < p->nsteps; i++) {
		if (i)
			strbuf_adds(sb, ", ");
		add_step(sb, p, &p->steps[i]);
	}
	if (p->min_adjustment_magnitude)
		strbuf_addf(sb, " (at least %ld)", p->min_adjustment_magnitude);
	if (p->aggregation != STAT_AVERAGE)
		strbuf_addf(sb, " aggregated by %s", scaling_statistic_name(p->aggregation));
	strbuf_addf(sb, ", cooldown %s, alarm %s%s%s %s %s %g", simtime_format(p->cooldown, cd, 32),
		    p->alarm_name ? p->alarm_name : "", p->alarm_name ? ": " : "",
		    alarm_metric(a->metric), scaling_statistic_name(a->statistic),
		    scaling_comparison_symbol(a->comparison), a->threshold);
	add_window(sb, a);
}

static void describe_target(struct strbuf *sb, const struct scaling_policy *p)
{
	char out[32], in[32];
	strbuf_addf(sb, "TargetTrackingScaling, %s target %g, ", scaling_metric_name(p->metric),
		    p->target);
	simtime_format(p->scale_out_cooldown, out, sizeof(out));
	if (p->disable_scale_in)
		strbuf_addf(sb, "cooldown out %s, scale-in disabled, alarm AlarmHigh > %g", out,
			    p->high.threshold);
	else
		strbuf_addf(sb, "cooldowns out %s in %s, alarms AlarmHigh > %g", out,
			    simtime_format(p->scale_in_cooldown, in, sizeof(in)),
			    p->high.threshold);
	add_window(sb, &p->high);
	if (!p->disable_scale_in) {
		strbuf_addf(sb, ", AlarmLow < %g", p->low.threshold);
		add_window(sb, &p->low);
	}
}

static void print_scaling(const struct scenario *sc)
{
	const struct scaling_config *c = &sc->scaling;
	struct strbuf sb = STRBUF_INIT;
	strbuf_addf(&sb, "MinCapacity %ld, MaxCapacity %ld", c->min_capacity, c->max_capacity);
	if (sc->scalable_target)
		strbuf_addf(&sb, " from %s", sc->scalable_target);
	if (c->nactions)
		strbuf_addf(&sb, ", %zu scheduled run%s", c->nactions, c->nactions == 1 ? "" : "s");
	if (c->scale_in_suspended || c->scale_out_suspended || c->scheduled_suspended)
		strbuf_addf(&sb, "; suspended:%s%s%s", c->scale_in_suspended ? " scale-in" : "",
			    c->scale_out_suspended ? " scale-out" : "",
			    c->scheduled_suspended ? " scheduled" : "");
	printf("  scaling:  %s\n", sb.buf);
	for (size_t i = 0; i < c->npolicies; i++) {
		const struct scaling_policy *p = &c->policies[i];
		strbuf_reset(&sb);
		strbuf_add_printable(&sb, p->name);
		strbuf_adds(&sb, ": ");
		if (p->type == POLICY_STEP)
			describe_step(&sb, p);
		else
			describe_target(&sb, p);
		printf("  policy:   %s\n", sb.buf);
	}
	strbuf_release(&sb);
}

/* Which request model a run will use, and with what: the answer depends on it. */
static void print_workload(const struct scenario *sc)
{
	if (sc->workload_type == WORKLOAD_QUEUE) {
		printf("  workload: queue, %ld slots per task\n", (long)sc->queue.concurrency);
		return;
	}
	if (sc->workload_type != WORKLOAD_REQUESTS)
		return;
	if (sc->workload_model == WORKLOAD_PER_REQUEST) {
		struct strbuf sb = STRBUF_INIT;
		dist_describe(&sc->per_request.service_time, &sb);
		printf("  workload: requests, per_request model, routing %s, %ld slots per task, "
		       "service %s\n",
		       per_request_routing_name(sc->per_request.routing),
		       (long)sc->per_request.concurrency, sb.buf ? sb.buf : "");
		strbuf_release(&sb);
		return;
	}
	printf("  workload: requests, %s model, %ld slots per task, mean service %.6g s\n",
	       sc->requests.steady_state ? "steady_state" : "fluid", (long)sc->requests.concurrency,
	       sc->requests.service_time_s);
}

/* pricing.savings_plan: the commitment, the discount and where it comes from, the up-front part. */
static void print_savings_plan(const struct savings_plan_config *p)
{
	char rel[PATH_MAX_DISPLAY];
	double total = p->commitment_usd_per_hour * savings_plan_term_hours(p->term);
	struct strbuf src = STRBUF_INIT;

	if (!p->enabled)
		return;
	strbuf_add_printable(&src, p->as_of);
	printf("  savings:  Compute Savings Plan %g USD/hour, %s %s: %g %% off FARGATE vCPU and "
	       "memory (%s, as of %s, %s); Spot not covered\n",
	       p->commitment_usd_per_hour, savings_plan_term_name(p->term),
	       savings_plan_payment_name(p->payment), p->discount * 100,
	       cli_display_path(p->rates_file, rel, sizeof(rel)), src.buf,
	       p->derived ? "inferred or assumed, not published" : "published");
	strbuf_release(&src);
	if (p->payment == SP_ALL_UPFRONT)
		printf("            %.2f USD up front for the term (%g hours), nothing after\n",
		       total, savings_plan_term_hours(p->term));
	else if (p->payment == SP_PARTIAL_UPFRONT)
		printf(
		    "            50 to 99 %% of %.2f USD up front (%g hours), the rest monthly\n",
		    total, savings_plan_term_hours(p->term));
	else
		printf("            nothing up front, %.2f USD over the term (%g hours)\n", total,
		       savings_plan_term_hours(p->term));
}

static void print_summary(const struct scenario *sc, const struct price_table *t)
{
	char dur[32], rel[PATH_MAX_DISPLAY];
	const struct task_definition *td = &sc->task;

	struct strbuf text = STRBUF_INIT;
	strbuf_add_printable(&text, sc->file);
	printf("%s: valid\n", text.buf);
	printf("  name:     %s\n", sc->name);
	if (*sc->description) {
		strbuf_reset(&text);
		strbuf_add_printable(&text, sc->description);
		printf("  about:    %s\n", text.buf);
	}
	strbuf_release(&text);
	printf("  run:      %s in %s from %s, seed %llu, %ld replication%s\n",
	       simtime_format(sc->duration, dur, sizeof(dur)), sc->region, sc->start,
	       (unsigned long long)sc->seed, sc->replications, sc->replications == 1 ? "" : "s");
	printf("  task:     %g vCPU, %g GB, %s/%s, %d GiB storage, stopTimeout %ds\n",
	       td->cpu_units / 1024.0, td->memory_mib / 1024.0, fargate_os_name(td->os),
	       fargate_arch_name(td->arch), td->storage_gib, td->stop_timeout_s);
	printf("  service:  desiredCount %ld, ", sc->service.desired_count);
	print_strategy(&sc->service.strategy);
	printf(" (ties: %s, scale-in: %s)\n", placement_tie_name(sc->service.strategy.tie),
	       scenario_scale_in_order_name(sc->scale_in_order));
	if (sc->scaling.enabled)
		print_scaling(sc);
	if (sc->terraform)
		printf("  linked:   terraform %s\n", sc->terraform);
	print_workload(sc);
	printf("  prices:   %s\n", cli_display_path(t->path, rel, sizeof(rel)));
	print_savings_plan(&sc->savings_plan);
	printf("  sections: workload %s, spot %s, scaling %s, %ld variant%s, %ld sweep point%s\n",
	       sc->has_workload ? "yes" : "no", sc->has_spot ? "yes" : "no",
	       sc->has_scaling ? "yes" : "no", sc->variants, sc->variants == 1 ? "" : "s",
	       sc->sweep_points, sc->sweep_points == 1 ? "" : "s");
}

static int validate(const char *path, const char *prices, bool quiet)
{
	struct plan p;
	struct price_table t;
	struct diag d;
	int status = EXIT_OK;

	diag_init(&d);
	pricing_init(&t);
	if (plan_load(&p, path, &d) == 0) {
		const char *table = prices ? prices : p.base.prices_file;
		if (!table)
			table = pricing_default_path();
		if (!table)
			diag_error(&d, path, NULL,
				   "no price table found (accepted: --prices FILE, pricing.file, "
				   "or data/pricing.csv as installed)");
		else if (pricing_load(&t, table, &d) == 0)
			plan_check_prices(&p, &t, &d);
		scenario_scaling_warnings(&p.base, &d);
	}
	cli_print_diag(&d);
	if (diag_failed(&d))
		status = EXIT_USAGE;
	else if (!quiet)
		print_summary(&p.base, &t);
	plan_release(&p);
	pricing_release(&t);
	diag_release(&d);
	return status;
}

int cmd_validate(int argc, char **argv)
{
	static const struct option opts[] = {
	    {"prices", required_argument, NULL, 'p'},
	    {"quiet", no_argument, NULL, 'q'},
	    {"help", no_argument, NULL, 'h'},
	    {NULL, 0, NULL, 0},
	};
	const char *prices = NULL;
	bool quiet = false;
	int c;

	opterr = 0;
	optind = 1;
	while ((c = getopt_long(argc, argv, ":hq", opts, NULL)) != -1) {
		switch (c) {
		case 'p':
			prices = optarg;
			break;
		case 'q':
			quiet = true;
			break;
		case 'h':
			fputs(usage, stdout);
			return EXIT_OK;
		case ':':
			return cli_usage_error("validate", argv[optind - 1], "needs a value");
		default:
			return cli_usage_error("validate", argv[optind - 1],
					       "unknown option (see spotsim validate --help)");
		}
	}
	if (optind != argc - 1)
		return cli_usage_error("validate", NULL,
				       "needs exactly one scenario file (see spotsim validate "
				       "--help)");
	return validate(argv[optind], prices, quiet);
}
