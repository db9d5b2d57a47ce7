/*
 * scaling_decide — one scaling decision and its arithmetic in words (see
 * scaling.h, "one decision"; README "Autoscaling").
 *
 * A decision starts from `current` and fills struct scaling_decision: the
 * capacity asked for before and after [Min, Max], the step used and the
 * unrounded figure, and `explain`, built in a strbuf and copied (truncated)
 * into the fixed buffer. `spotsim scale` prints it and the running scaler
 * puts it into SCALING_ACTIVITY details, so both show the same text.
 *
 * The words cost more than the arithmetic, and the running scaler decides
 * every minute a policy's alarm is in ALARM but writes only the decisions
 * it applies. So each decision is one code path that takes an optional
 * strbuf: with none (scaling_step_compute, scaling_target_compute) only the
 * numbers are made; scaling_explain runs the same path again with one, from
 * the same inputs, when the words are wanted — the same text by
 * construction.
 *
 * Capacities are computed in double and converted with to_capacity, which
 * holds them to +-MAX_CALC so that nonsense input cannot overflow a long.
 * Rounding to whole tasks forgives an error of EPS (relative to the figure
 * for target tracking), so that float error in a product such as
 * running x metric / target neither adds nor drops a task.
 */
#include "scaling_internal.h"

#include "spotsim/util/numfmt.h"
#include "spotsim/util/strbuf.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define EPS	 1e-9
#define MAX_CALC 1e12 /* capacities beyond this are nonsense input; keep longs safe */

/* A number as people write it: 15, 3.3, 0.67 ("%.0f" or "%.6g", truncated to `size`). */
const char *scaling_num(double v, char *buf, size_t size)
{
	char text[NUMFMT_SIZE];
	size_t n = v == floor(v) && fabs(v) < 1e15 ? numfmt_f(text, v, 0) : numfmt_g(text, v, 6);

	if (size == 0)
		return buf;
	if (n >= size)
		n = size - 1;
	memcpy(buf, text, n);
	buf[n] = '\0';
	return buf;
}

long scaling_clamp(long v, long lo, long hi)
{
	return v < lo ? lo : v > hi ? hi : v;
}

long scaling_settle(bool out, long to, long desired, long min_capacity, long max_capacity)
{
	long got;
	if (out ? desired > max_capacity : desired < min_capacity)
		return -1; /* a scale-out above Max, a scale-in below Min: nothing */
	if (out ? desired < min_capacity : desired > max_capacity)
		return out ? min_capacity : max_capacity; /* first back to the bound */
	got = scaling_clamp(to, min_capacity, max_capacity);
	if (got == desired || (!out && got > desired))
		return -1;
	return got;
}

static long to_capacity(double v)
{
	return v > MAX_CALC ? (long)MAX_CALC : v < -MAX_CALC ? -(long)MAX_CALC : (long)v;
}

/* AWS's rounding of a percent adjustment: >1 down, (0,1] -> 1, [-1,0) -> -1, < -1 toward 0. */
static long round_percent(double raw)
{
	if (raw > 1)
		return to_capacity(floor(raw + EPS));
	if (raw > 0)
		return 1;
	if (raw == 0)
		return 0;
	if (raw >= -1)
		return -1;
	return to_capacity(ceil(raw - EPS));
}

long scaling_percent_adjustment(double pct, long current, long min_magnitude)
{
	long adj = round_percent(pct * (double)current / 100.0);
	if (min_magnitude > 0 && adj != 0 && labs(adj) < min_magnitude)
		adj = adj > 0 ? min_magnitude : -min_magnitude;
	return adj;
}

/* Every number set; the text empty (not the whole buffer cleared: decisions run every minute). */
static void decision_init(struct scaling_decision *out, long current)
{
	out->from = out->to = out->clamped = current;
	out->step = -1;
	out->raw = 0;
	out->explain[0] = '\0';
}

static void bound_text(const struct step_adjustment *st, bool above, char *buf, size_t size)
{
	char lo[32], hi[32];
	snprintf(buf, size, "%c%s, %s%c", st->has_lower && above ? '[' : '(',
		 st->has_lower ? scaling_num(st->lower, lo, sizeof(lo)) : "-inf",
		 st->has_upper ? scaling_num(st->upper, hi, sizeof(hi)) : "+inf",
		 st->has_upper && !above ? ']' : ')');
}

/* Above the threshold the lower bound is inclusive, below it the upper one. */
static int step_find(const struct scaling_policy *p, double delta, bool above)
{
	for (size_t i = 0; i < p->nsteps; i++) {
		const struct step_adjustment *st = &p->steps[i];
		bool lo_ok = !st->has_lower || (above ? delta >= st->lower : delta > st->lower);
		bool hi_ok = !st->has_upper || (above ? delta < st->upper : delta <= st->upper);
		if (lo_ok && hi_ok)
			return (int)i;
	}
	return -1;
}

/* "+30 % of 11 = 3.3, rounded to 3, so 11 + 3 = 14" */
static void percent_words(long adj, long current, long base, long rounded, long got,
			  const struct scaling_decision *out, struct strbuf *why)
{
	char a[32];
	if (current <= 0)
		strbuf_adds(why, "running 0 counts as 1 for the percentage: ");
	strbuf_addf(why, "%+ld %% of %ld = %s", adj, base, scaling_num(out->raw, a, sizeof(a)));
	if ((double)rounded != out->raw)
		strbuf_addf(why, ", rounded to %ld", rounded);
	if (got != rounded)
		strbuf_addf(why, ", raised to MinAdjustmentMagnitude %ld", labs(got));
	strbuf_addf(why, ", so %ld %c %ld = %ld", current, got < 0 ? '-' : '+', labs(got), out->to);
}

/* `why` may be NULL: then only the numbers. */
static void add_percent(const struct scaling_policy *p, long adj, long current,
			struct scaling_decision *out, struct strbuf *why)
{
	long base = current > 0 ? current : 1;
	long got = scaling_percent_adjustment((double)adj, base, p->min_adjustment_magnitude);
	out->raw = (double)adj * (double)base / 100.0;
	out->to = current + got;
	if (why)
		percent_words(adj, current, base, round_percent(out->raw), got, out, why);
}

static void apply_step(const struct scaling_policy *p, long adj, long current,
		       struct scaling_decision *out, struct strbuf *why)
{
	switch (p->adjustment_type) {
	case ADJUST_CHANGE:
		out->raw = (double)adj;
		out->to = current + adj;
		if (why)
			strbuf_addf(why, "%ld %c %ld = %ld", current, adj < 0 ? '-' : '+',
				    labs(adj), out->to);
		break;
	case ADJUST_EXACT:
		out->raw = (double)adj;
		out->to = adj;
		if (why)
			strbuf_addf(why, "exact capacity %ld", adj);
		break;
	case ADJUST_PERCENT:
		add_percent(p, adj, current, out, why);
		break;
	}
	if (out->to < 0) {
		out->to = 0;
		if (why)
			strbuf_adds(why, ", no fewer than 0");
	}
}

static void set_explain(struct scaling_decision *out, struct strbuf *sb)
{
	snprintf(out->explain, sizeof(out->explain), "%s", sb->buf);
	strbuf_release(sb);
}

/* Above the threshold, or on it with >= or > (which step bound is inclusive). */
static bool step_above(const struct alarm_config *a, double delta)
{
	return delta > 0 || (delta == 0 && (a->comparison == CMP_GE || a->comparison == CMP_GT));
}

/* After "metric - threshold = delta": the step that covers delta, and its adjustment. */
static bool step_take(const struct scaling_policy *p, long current, double delta,
		      struct scaling_decision *out, struct strbuf *why)
{
	bool above = step_above(&p->alarm, delta);
	char iv[80];

	out->step = step_find(p, delta, above);
	if (out->step < 0) {
		if (why)
			strbuf_adds(why,
				    " is in no step (\"No step adjustment found\"): no change");
		return false;
	}
	if (why) {
		bound_text(&p->steps[out->step], above, iv, sizeof(iv));
		strbuf_addf(why, " is in %s: ", iv);
	}
	apply_step(p, p->steps[out->step].adjustment, current, out, why);
	return true;
}

/* "metric does not breach the alarm (>= threshold)" or "metric - threshold = delta" */
static void step_opening(const struct scaling_policy *p, double metric, double delta, bool breaches,
			 struct strbuf *why)
{
	char m[32], t[32], dl[32];

	scaling_num(metric, m, sizeof(m));
	scaling_num(p->alarm.threshold, t, sizeof(t));
	if (!breaches)
		strbuf_addf(why, "%s does not breach the alarm (%s %s): no change", m,
			    scaling_comparison_symbol(p->alarm.comparison), t);
	else
		strbuf_addf(why, "%s - %s = %s", m, t, scaling_num(delta, dl, sizeof(dl)));
}

/* A step policy's decision; its words into `why` unless NULL. */
static bool step_decide(const struct scaling_policy *p, long current, double metric,
			long min_capacity, long max_capacity, struct scaling_decision *out,
			struct strbuf *why)
{
	double delta = metric - p->alarm.threshold;
	bool breaches = scaling_alarm_breaches(&p->alarm, metric);
	bool applies = false;

	decision_init(out, current);
	if (why)
		step_opening(p, metric, delta, breaches, why);
	if (breaches)
		applies = step_take(p, current, delta, out, why);
	if (applies)
		out->clamped = scaling_clamp(out->to, min_capacity, max_capacity);
	return applies;
}

bool scaling_step_decide(const struct scaling_policy *p, long current, double metric,
			 long min_capacity, long max_capacity, struct scaling_decision *out)
{
	struct strbuf sb = STRBUF_INIT;
	bool applies = step_decide(p, current, metric, min_capacity, max_capacity, out, &sb);
	set_explain(out, &sb);
	return applies;
}

bool scaling_step_compute(const struct scaling_policy *p, long current, double metric,
			  long min_capacity, long max_capacity, struct scaling_decision *out)
{
	return step_decide(p, current, metric, min_capacity, max_capacity, out, NULL);
}

/* "ceil(running x metric / target) = ceil(raw) = to", running 0 counted as 1. */
static void target_explain(const struct scaling_policy *p, long current, long base, double metric,
			   const struct scaling_decision *out, struct strbuf *sb)
{
	char m[32], t[32], r[32];

	if (current <= 0)
		strbuf_adds(sb, "running 0 counts as 1: ");
	strbuf_addf(sb, "ceil(%ld x %s / %s)", base, scaling_num(metric, m, sizeof(m)),
		    scaling_num(p->target, t, sizeof(t)));
	if ((double)out->to != out->raw)
		strbuf_addf(sb, " = ceil(%s)", scaling_num(out->raw, r, sizeof(r)));
	strbuf_addf(sb, " = %ld", out->to);
}

/* Target tracking's capacity; its words into `why` unless NULL. */
static bool target_decide(const struct scaling_policy *p, long current, double metric, bool out_dir,
			  long min_capacity, long max_capacity, struct scaling_decision *out,
			  struct strbuf *why)
{
	long base = current > 0 ? current : 1;
	bool moves;

	decision_init(out, current);
	out->raw = (double)base * metric / p->target;
	out->to = to_capacity(ceil(out->raw - EPS * fmax(1, fabs(out->raw))));
	if (out->to < 0)
		out->to = 0;
	out->clamped = scaling_clamp(out->to, min_capacity, max_capacity);
	moves = out_dir ? out->to > current : out->to < current;
	if (why) {
		target_explain(p, current, base, metric, out, why);
		if (!moves)
			strbuf_adds(why, ": no change");
	}
	return moves;
}

bool scaling_target_compute(const struct scaling_policy *p, long current, double metric,
			    bool out_dir, long min_capacity, long max_capacity,
			    struct scaling_decision *out)
{
	return target_decide(p, current, metric, out_dir, min_capacity, max_capacity, out, NULL);
}

void scaling_explain(const struct scaling_policy *p, long current, double metric, bool out_dir,
		     char *buf, size_t size)
{
	struct strbuf sb = STRBUF_INIT;
	struct scaling_decision d;

	if (p->type == POLICY_STEP)
		step_decide(p, current, metric, 0, 0, &d, &sb);
	else
		target_decide(p, current, metric, out_dir, 0, 0, &d, &sb);
	snprintf(buf, size, "%s", sb.buf);
	strbuf_release(&sb);
}

/* With words: what `spotsim scale` shows. */
static bool target_decide_explained(const struct scaling_policy *p, long current, double metric,
				    bool out_dir, long min_capacity, long max_capacity,
				    struct scaling_decision *out)
{
	struct strbuf sb = STRBUF_INIT;
	bool moves =
	    target_decide(p, current, metric, out_dir, min_capacity, max_capacity, out, &sb);
	set_explain(out, &sb);
	return moves;
}

bool scaling_target_decide(const struct scaling_policy *p, long current, double metric,
			   long min_capacity, long max_capacity, struct scaling_decision *out)
{
	char m[32], hi[32], lo[32];
	if (scaling_alarm_breaches(&p->high, metric))
		return target_decide_explained(p, current, metric, true, min_capacity, max_capacity,
					       out);
	if (!p->disable_scale_in && scaling_alarm_breaches(&p->low, metric))
		return target_decide_explained(p, current, metric, false, min_capacity,
					       max_capacity, out);
	decision_init(out, current);
	scaling_num(metric, m, sizeof(m));
	scaling_num(p->high.threshold, hi, sizeof(hi));
	scaling_num(p->low.threshold, lo, sizeof(lo));
	if (p->disable_scale_in)
		snprintf(out->explain, sizeof(out->explain),
			 "%s is not above %s and scale-in is disabled: no change", m, hi);
	else
		snprintf(out->explain, sizeof(out->explain),
			 "%s is between %s and %s (neither alarm breaches): no change", m, lo, hi);
	return false;
}
