/*
 * scaling_actions — ScheduledActions into the runs of struct scaling_config
 * (see scaling_actions.h). Every action's runs go into one shared expansion
 * tagged with the action's place in the file; they are then sorted by time
 * then file order and copied out with what the action sets.
 */
#include "scaling_actions.h"
#include "schedule_expression.h"
#include "scaling_time.h"

#include "spotsim/util/xalloc.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The window [lo, hi] of one action: the run, narrowed by StartTime / EndTime. */
static bool action_window(struct loader *l, const cJSON *a, const char *base, struct expansion *x,
			  int64_t *anchor)
{
	char at[PATH_SIZE];
	int64_t start = 0, end = 0;
	bool has_start = false, ok = true;
	static const char accepted[] = "(accepted: ISO 8601 such as \"2026-01-05T09:00:00Z\" or "
				       "\"2026-01-05T09:00:00+01:00\", or seconds since 1970)";
	x->lo = l->sc->start_unix;
	x->hi = l->sc->start_unix + l->sc->duration / SIM_SEC;
	*anchor = x->lo;
	if (loader_get(a, "StartTime") &&
	    !(has_start = scaling_time_parse_instant(loader_get(a, "StartTime"), &start))) {
		loader_err(l, loader_join(at, base, "StartTime"), "is not a time %s", accepted);
		ok = false;
	}
	if (loader_get(a, "EndTime") &&
	    !scaling_time_parse_instant(loader_get(a, "EndTime"), &end)) {
		loader_err(l, loader_join(at, base, "EndTime"), "is not a time %s", accepted);
		return false;
	}
	if (has_start && loader_get(a, "EndTime") && end < start) {
		loader_err(l, loader_join(at, base, "EndTime"),
			   "is before StartTime (accepted: a later time)");
		return false;
	}
	if (has_start) {
		*anchor = start;
		x->lo = start > x->lo ? start : x->lo;
	}
	if (loader_get(a, "EndTime") && end < x->hi)
		x->hi = end;
	return ok;
}

static bool expand_action(struct loader *l, const cJSON *a, const char *base, struct expansion *x)
{
	const char *text = loader_get_string(a, "Schedule"), *tz = loader_get_string(a, "Timezone");
	char at[PATH_SIZE];
	int64_t anchor;
	struct zone z;
	if (tz && !scaling_time_zone_exists(tz)) {
		loader_err(
		    l, loader_join(at, base, "Timezone"),
		    "\"%s\" is not a time zone (accepted: an IANA name such as \"Europe/Paris\" or "
		    "\"America/New_York\")",
		    tz);
		tz = NULL;
	}
	if (!action_window(l, a, base, x, &anchor) || !text)
		return false;
	scaling_time_zone_enter(&z, tz);
	bool ok =
	    schedule_expression_expand(l, text, loader_join(at, base, "Schedule"), x, anchor, &z);
	scaling_time_zone_leave(&z);
	if (x->overflow)
		loader_err(
		    l, at,
		    "\"%s\" runs more than %d times in the simulated period (accepted: at most %d "
		    "scheduled-action runs per scenario)",
		    text, MAX_OCCURRENCES, MAX_OCCURRENCES);
	return ok && !x->overflow;
}

static int by_time_then_order(const void *a, const void *b)
{
	const struct occurrence *x = a, *y = b;
	if (x->t != y->t)
		return (x->t > y->t) - (x->t < y->t);
	return (x->order > y->order) - (x->order < y->order);
}

/* What one action sets, copied into each of its runs. */
struct action_def {
	char *name;
	bool has_min, has_max;
	long min, max;
};

static void fill_actions(struct loader *l, const struct action_def *defs, struct expansion *x,
			 struct scaling_config *c)
{
	if (x->nocc)
		qsort(x->occ, x->nocc, sizeof(*x->occ), by_time_then_order);
	c->actions = xcalloc(x->nocc + 1, sizeof(*c->actions));
	for (size_t i = 0; i < x->nocc; i++) {
		const struct occurrence *o = &x->occ[i];
		const struct action_def *d = &defs[o->order];
		if (i && o->t == x->occ[i - 1].t && o->order == x->occ[i - 1].order)
			continue; /* a DST change folded two wall times into one */
		struct scheduled_action *a = &c->actions[c->nactions++];
		a->at = (o->t - l->sc->start_unix) * SIM_SEC;
		a->has_min = d->has_min;
		a->has_max = d->has_max;
		a->min_capacity = d->min;
		a->max_capacity = d->max;
		a->name = xstrdup(d->name);
	}
}

void scaling_actions_load(struct loader *l, const cJSON *list, struct scaling_config *c)
{
	struct expansion x = {0};
	const cJSON *a;
	size_t n = cJSON_IsArray(list) ? (size_t)cJSON_GetArraySize(list) : 0;
	struct action_def *defs = xcalloc(n + 1, sizeof(*defs));
	for (a = n ? list->child : NULL; a && !x.overflow; a = a->next) {
		char base[PATH_SIZE];
		const char *name = loader_get_string(a, "ScheduledActionName");
		const cJSON *act = loader_get(a, "ScalableTargetAction");
		struct action_def *d = &defs[x.order];
		size_t before = x.nocc;
		snprintf(base, sizeof(base), "scaling.ScheduledActions[%zu]", x.order);
		d->name = xstrdup(name && *name ? name : base);
		d->has_min = loader_get_int(act, "MinCapacity", 0, 100000, &d->min);
		d->has_max = loader_get_int(act, "MaxCapacity", 0, 100000, &d->max);
		if (expand_action(l, a, base, &x) && x.nocc == before)
			diag_note(l->d, l->file, base,
				  "\"%s\" never runs within the simulated period",
				  loader_get_string(a, "Schedule"));
		x.order++;
	}
	fill_actions(l, defs, &x, c);
	for (size_t i = 0; i < n; i++)
		free(defs[i].name);
	free(defs);
	free(x.occ);
}
