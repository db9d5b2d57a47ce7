/*
 * placement — capacity provider strategy (see placement.h).
 *
 * The model is stateless: a pick depends only on the strategy and the
 * current counts, so the service scheduler can call it with live counts and
 * a split is just repeated picks. Ratios are compared as integers
 * (beyond_a x weight_b vs beyond_b x weight_a): with base <= 100000 and
 * weight <= 1000 the products fit easily in long long, and no float rounding
 * can move a tie.
 */
#include "spotsim/model/placement.h"

#include "spotsim/util/strbuf.h"
#include "spotsim/util/xalloc.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

static const char *const tie_names[] = {"first_listed", "largest_weight"};

const char *placement_tie_name(enum placement_tie t)
{
	return tie_names[t];
}

bool placement_tie_parse(const char *text, enum placement_tie *out)
{
	for (size_t i = 0; i < 2; i++) {
		if (!strcmp(text, tie_names[i])) {
			*out = (enum placement_tie)i;
			return true;
		}
	}
	return false;
}

/* "service.capacityProviderStrategy[1].base", or "item 2" for the command-line form. */
static void item_path(char *buf, size_t size, const char *prefix, size_t i, const char *field)
{
	if (*prefix)
		snprintf(buf, size, "%s[%zu].%s", prefix, i, field);
	else
		snprintf(buf, size, "item %zu", i + 1);
}

static void check_item(const struct strategy *s, size_t i, struct diag *d, const char *file,
		       const char *prefix)
{
	const struct strategy_item *it = &s->items[i];
	char path[128];

	if (it->weight < 0 || it->weight > FARGATE_MAX_WEIGHT) {
		item_path(path, sizeof(path), prefix, i, "weight");
		diag_error(d, file, path, "weight %ld is out of range (accepted: 0 to %d)",
			   it->weight, FARGATE_MAX_WEIGHT);
	}
	if (it->has_base && (it->base < 0 || it->base > FARGATE_MAX_BASE)) {
		item_path(path, sizeof(path), prefix, i, "base");
		diag_error(d, file, path, "base %ld is out of range (accepted: 0 to %d)", it->base,
			   FARGATE_MAX_BASE);
	}
	for (size_t j = 0; j < i; j++) {
		if (s->items[j].provider == it->provider) {
			item_path(path, sizeof(path), prefix, i, "capacityProvider");
			diag_error(d, file, path,
				   "%s is listed twice (accepted: each capacity provider once)",
				   fargate_provider_name(it->provider));
			break;
		}
	}
}

bool placement_check(const struct strategy *s, struct diag *d, const char *file, const char *prefix)
{
	size_t before = d->errors, bases = 0;
	bool weighted = false;

	if (s->nr == 0 || s->nr > FARGATE_MAX_STRATEGY_ITEMS) {
		diag_error(d, file, *prefix ? prefix : NULL,
			   "%zu capacity providers given (accepted: 1 to %d)", s->nr,
			   FARGATE_MAX_STRATEGY_ITEMS);
		return false;
	}
	for (size_t i = 0; i < s->nr; i++) {
		check_item(s, i, d, file, prefix);
		if (s->items[i].weight > 0)
			weighted = true;
		if (s->items[i].has_base && s->items[i].base > 0 && ++bases == 2) {
			char path[128];
			item_path(path, sizeof(path), prefix, i, "base");
			diag_error(d, file, path,
				   "only one capacity provider may have a base (accepted: a base "
				   "on one provider)");
		}
	}
	if (!weighted)
		diag_error(d, file, *prefix ? prefix : NULL,
			   "every weight is 0 (accepted: at least one weight from 1 to %d)",
			   FARGATE_MAX_WEIGHT);
	return d->errors == before;
}

static long base_of(const struct strategy_item *it)
{
	return it->has_base ? it->base : 0;
}

/* True when item a should get the task before item b (both weighted). */
static bool before(const struct strategy *s, size_t a, size_t b, const long *counts)
{
	const struct strategy_item *ia = &s->items[a], *ib = &s->items[b];
	long long beyond_a = counts[a] - base_of(ia), beyond_b = counts[b] - base_of(ib);
	if (beyond_a < 0)
		beyond_a = 0;
	if (beyond_b < 0)
		beyond_b = 0;
	long long lhs = beyond_a * ib->weight, rhs = beyond_b * ia->weight;
	if (lhs != rhs)
		return lhs < rhs;
	if (s->tie == PLACEMENT_TIE_LARGEST_WEIGHT && ia->weight != ib->weight)
		return ia->weight > ib->weight;
	return a < b;
}

size_t placement_pick(const struct strategy *s, const long *counts)
{
	size_t best = s->nr;

	for (size_t i = 0; i < s->nr; i++)
		if (counts[i] < base_of(&s->items[i]))
			return i;
	for (size_t i = 0; i < s->nr; i++) {
		if (s->items[i].weight <= 0)
			continue;
		if (best == s->nr || before(s, i, best, counts))
			best = i;
	}
	return best;
}

void placement_split(const struct strategy *s, long n, long *out)
{
	for (size_t i = 0; i < s->nr; i++)
		out[i] = 0;
	for (long k = 0; k < n; k++)
		out[placement_pick(s, out)]++;
}

/* Parses one "key=value" field of an item into it; false on a bad field. */
static bool parse_field(const char *field, struct strategy_item *it, struct diag *d,
			const char *file, size_t i)
{
	char path[64];
	const char *eq = strchr(field, '=');
	snprintf(path, sizeof(path), "item %zu", i + 1);
	if (!eq) {
		diag_error(d, file, path, "\"%s\" is not key=value (accepted: base=N, weight=N)",
			   field);
		return false;
	}
	char *end;
	errno = 0;
	long v = strtol(eq + 1, &end, 10);
	if (end == eq + 1 || *end || errno) {
		diag_error(d, file, path, "\"%s\" is not a whole number (in \"%s\")", eq + 1,
			   field);
		return false;
	}
	size_t klen = (size_t)(eq - field);
	if (klen == 4 && !strncmp(field, "base", 4)) {
		it->base = v;
		it->has_base = true;
	} else if (klen == 6 && !strncmp(field, "weight", 6)) {
		it->weight = v;
	} else {
		diag_error(d, file, path, "unknown field \"%.*s\" (accepted: base, weight)",
			   (int)klen, field);
		return false;
	}
	return true;
}

static bool parse_item(char *text, struct strategy_item *it, struct diag *d, const char *file,
		       size_t i)
{
	char path[64];
	char *save = NULL;
	char *name = strtok_r(text, ":", &save);
	bool ok = true;

	snprintf(path, sizeof(path), "item %zu", i + 1);
	memset(it, 0, sizeof(*it));
	if (!name || !fargate_provider_parse(name, &it->provider)) {
		diag_error(d, file, path,
			   "unknown capacity provider \"%s\" (accepted: FARGATE, FARGATE_SPOT)",
			   name ? name : "");
		ok = false;
	}
	for (char *f = strtok_r(NULL, ":", &save); f; f = strtok_r(NULL, ":", &save))
		ok = parse_field(f, it, d, file, i) && ok;
	return ok;
}

bool placement_parse(const char *text, struct strategy *s, struct diag *d, const char *file)
{
	char *copy = xstrdup(text);
	char *save = NULL;
	size_t before_errors = d->errors;

	s->nr = 0;
	for (char *item = strtok_r(copy, ",", &save); item; item = strtok_r(NULL, ",", &save)) {
		if (s->nr == FARGATE_MAX_STRATEGY_ITEMS) {
			diag_error(d, file, NULL,
				   "more than %d capacity providers (accepted: 1 to %d)",
				   FARGATE_MAX_STRATEGY_ITEMS, FARGATE_MAX_STRATEGY_ITEMS);
			break;
		}
		parse_item(item, &s->items[s->nr], d, file, s->nr);
		s->nr++;
	}
	free(copy);
	if (d->errors != before_errors)
		return false;
	return placement_check(s, d, file, "");
}
