/*
 * scaling_check — which breaches of a step policy's alarm no step can match
 * (see scaling.h, scaling_step_coverage; README "Autoscaling").
 *
 * An alarm's comparison fixes the offsets (metric - threshold) its breaches
 * can have: GreaterThanOrEqualToThreshold [0, +inf), GreaterThanThreshold
 * (0, +inf), LessThanThreshold (-inf, 0), LessThanOrEqualToThreshold
 * (-inf, 0]. On those offsets a step holds [lower, upper) above the
 * threshold and (lower, upper] below it, as the scaler picks steps.
 *
 * Representation: the "below" side is mirrored (offset -> -offset), so every
 * question is about half-open spans [a, b) on [0, +inf), with the point 0
 * itself excluded for the strict comparisons. The spans are sorted by a and
 * walked once; what no span holds are the gaps, mirrored back for words.
 */
#include "scaling_internal.h"

#include "spotsim/util/strbuf.h"
#include "spotsim/util/xalloc.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* [a, b) in mirrored offsets; -INFINITY / INFINITY for a missing bound. */
struct span {
	double a, b;
};

static bool cmp_below(enum comparison c)
{
	return c == CMP_LT || c == CMP_LE;
}

/* -v without a negative zero. */
static double neg(double v)
{
	return v == 0 ? 0 : -v;
}

static int span_order(const void *x, const void *y)
{
	const struct span *p = x, *q = y;
	return (p->a > q->a) - (p->a < q->a);
}

/* The steps as mirrored spans, sorted; the caller frees. */
static struct span *steps_as_spans(const struct scaling_policy *p, bool below)
{
	struct span *s = xcalloc(p->nsteps ? p->nsteps : 1, sizeof(*s));
	for (size_t i = 0; i < p->nsteps; i++) {
		const struct step_adjustment *st = &p->steps[i];
		double lo = st->has_lower ? st->lower : -INFINITY;
		double hi = st->has_upper ? st->upper : INFINITY;
		s[i] = below ? (struct span){neg(hi), neg(lo)} : (struct span){lo, hi};
	}
	qsort(s, p->nsteps, sizeof(*s), span_order);
	return s;
}

/* "[0, 10)" above the threshold, "(-10, 0]" below it; `open0`: 0 itself is no breach. */
static void gap_words(struct strbuf *sb, struct span g, bool below, bool open0)
{
	char x[32], y[32];
	bool lo_open = g.a == 0 && open0;
	if (!below) {
		strbuf_addf(sb, "%c%s, %s)", lo_open ? '(' : '[', scaling_num(g.a, x, sizeof(x)),
			    isinf(g.b) ? "+inf" : scaling_num(g.b, y, sizeof(y)));
		return;
	}
	strbuf_addf(sb, "(%s, %s%c", isinf(g.b) ? "-inf" : scaling_num(neg(g.b), y, sizeof(y)),
		    scaling_num(neg(g.a), x, sizeof(x)), lo_open ? ')' : ']');
}

/* The gaps of the sorted spans on [0, +inf) into `sb`; returns how many and whether all. */
static int find_gaps(const struct span *s, size_t n, bool below, bool open0, struct strbuf *sb,
		     bool *all)
{
	double c = 0;
	int gaps = 0;
	*all = false;
	for (size_t i = 0; i <= n && !isinf(c); i++) {
		double next = i < n ? s[i].a : INFINITY;
		if (next > c) {
			if (gaps++)
				strbuf_adds(sb, " or ");
			gap_words(sb, (struct span){c, next}, below, open0);
			*all = *all || (c == 0 && isinf(next));
		}
		if (i < n && s[i].b > c)
			c = s[i].b;
	}
	return gaps;
}

/* "scale in", "scale out", or "act" when the steps' signs disagree or set a capacity. */
static const char *direction(const struct scaling_policy *p)
{
	bool up = false, down = false;
	for (size_t i = 0; i < p->nsteps; i++) {
		up = up || p->steps[i].adjustment > 0;
		down = down || p->steps[i].adjustment < 0;
	}
	if (p->adjustment_type == ADJUST_EXACT || up == down)
		return "act";
	return up ? "scale out" : "scale in";
}

/* "step MetricIntervalLowerBound 0 covers only values above the threshold" */
static void none_words(const struct scaling_policy *p, const struct span *s, bool below,
		       struct strbuf *sb)
{
	char v[32];
	/* no span reaches [0, +inf): the nearest mirrored bound is the largest b, <= 0 */
	double edge = p->nsteps ? s[0].b : 0;
	for (size_t i = 1; i < p->nsteps; i++)
		edge = fmax(edge, s[i].b);
	if (!p->nsteps) {
		strbuf_adds(sb, "no StepAdjustments");
		return;
	}
	scaling_num(below ? neg(edge) : edge, v, sizeof(v));
	if (p->nsteps == 1)
		strbuf_addf(sb, "step %s %s covers",
			    below ? "MetricIntervalLowerBound" : "MetricIntervalUpperBound", v);
	else
		strbuf_addf(sb, "steps %s %s %s cover", below ? "from" : "up to",
			    below ? "MetricIntervalLowerBound" : "MetricIntervalUpperBound", v);
	strbuf_adds(sb, " only values ");
	if (edge != 0)
		strbuf_addf(sb, "more than %s ", scaling_num(fabs(edge), v, sizeof(v)));
	strbuf_addf(sb, "%s the threshold", below ? "above" : "below");
}

enum step_coverage scaling_step_coverage(const struct scaling_policy *p, char *why, size_t size)
{
	enum comparison c = p->alarm.comparison;
	bool below = cmp_below(c), open0 = c == CMP_GT || c == CMP_LT, all;
	struct span *s = steps_as_spans(p, below);
	struct strbuf gaps = STRBUF_INIT, sb = STRBUF_INIT;
	enum step_coverage got = SCALING_COVER_ALL;

	if (find_gaps(s, p->nsteps, below, open0, &gaps, &all) > 0) {
		got = all ? SCALING_COVER_NONE : SCALING_COVER_PART;
		if (all) {
			strbuf_addf(&sb, "no step can match a breach of its alarm (%s alarm, ",
				    scaling_comparison_name(c));
			none_words(p, s, below, &sb);
			strbuf_addf(&sb, "): this policy will never %s", direction(p));
		} else {
			strbuf_addf(&sb,
				    "no step matches a breach of its alarm with metric - threshold "
				    "in %s (%s alarm): at those values this policy will not %s",
				    gaps.buf, scaling_comparison_name(c), direction(p));
		}
	}
	if (size)
		snprintf(why, size, "%s", got == SCALING_COVER_ALL ? "" : sb.buf);
	strbuf_release(&gaps);
	strbuf_release(&sb);
	free(s);
	return got;
}
