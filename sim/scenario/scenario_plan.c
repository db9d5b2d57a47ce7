/*
 * scenario_plan — variants and sweeps as JSON-path overrides (see plan.h).
 * Part of the scenario loader: it edits copies of the parsed tree and hands
 * each to the normal loading passes, so a configuration is exactly the
 * scenario file the user would have written by hand.
 */
#include "spotsim/scenario/plan.h"

#include "loader_get.h"
#include "scenario_loader.h"
#include "scenario_schema.h"
#include "spotsim/util/error.h"
#include "spotsim/util/xalloc.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

/* One step of a path: a key, or an index when key is NULL. */
struct step {
	char *key;
	int index;
};

static void free_steps(struct step *s, int n)
{
	for (int i = 0; i < n; i++)
		free(s[i].key);
}

/* Splits "a.b[1].c" into steps; returns the number, or -1 (and no steps) on bad syntax. */
static int split_path(const char *path, struct step *out, int max)
{
	int n = 0;
	const char *p = path;
	while (*p && n < max) {
		if (*p == '[') {
			char *end;
			long i = strtol(p + 1, &end, 10);
			if (end == p + 1 || *end != ']' || i < 0 || i > 100000)
				break;
			out[n++] = (struct step){NULL, (int)i};
			p = end + 1;
		} else {
			size_t len = strcspn(p, ".[");
			if (!len)
				break;
			out[n++] = (struct step){xstrndup(p, len), 0};
			p += len;
		}
		if (*p == '.')
			p++;
	}
	if (!*p)
		return n;
	free_steps(out, n);
	return -1;
}

/* The child of `node` for step `s`; a missing key becomes an empty object when `create`. */
static cJSON *descend(cJSON *node, const struct step *s, bool create)
{
	if (!s->key)
		return cJSON_IsArray(node) ? cJSON_GetArrayItem(node, s->index) : NULL;
	if (!cJSON_IsObject(node))
		return NULL;
	cJSON *child = cJSON_GetObjectItemCaseSensitive(node, s->key);
	if (!child && create)
		child = cJSON_AddObjectToObject(node, s->key);
	return child;
}

/* Sets `path` in `root` to a copy of `value`; false when the path cannot be followed. */
static bool set_path(cJSON *root, const char *path, const cJSON *value)
{
	struct step steps[32];
	int n = split_path(path, steps, 32);
	bool ok = n > 0;
	cJSON *node = root;
	for (int i = 0; ok && i < n - 1; i++)
		ok = (node = descend(node, &steps[i], true)) != NULL;
	if (ok) {
		const struct step *last = &steps[n - 1];
		cJSON *copy = cJSON_Duplicate(value, 1);
		if (last->key && cJSON_IsObject(node)) {
			if (cJSON_GetObjectItemCaseSensitive(node, last->key))
				cJSON_ReplaceItemInObjectCaseSensitive(node, last->key, copy);
			else
				cJSON_AddItemToObject(node, last->key, copy);
		} else if (!last->key && cJSON_IsArray(node) &&
			   last->index < cJSON_GetArraySize(node)) {
			cJSON_ReplaceItemInArray(node, last->index, copy);
		} else {
			cJSON_Delete(copy);
			ok = false;
		}
	}
	free_steps(steps, n > 0 ? n : 0);
	return ok;
}

/* The object that holds the last step of `steps`, or NULL. */
static cJSON *parent_of(cJSON *root, const struct step *steps, int n)
{
	cJSON *node = root;
	for (int i = 0; node && i < n - 1; i++)
		node = descend(node, &steps[i], false);
	return node;
}

/*
 * Removes the key or array element `path` names; false when there is none,
 * with in `hint` (PATH_SIZE) the path of a close key of the same object, or "".
 */
static bool unset_path(cJSON *root, const char *path, char *hint)
{
	struct step steps[32];
	int n = split_path(path, steps, 32);
	cJSON *node = n > 0 ? parent_of(root, steps, n) : NULL, *gone = NULL;
	*hint = '\0';
	if (node && steps[n - 1].key && cJSON_IsObject(node))
		gone = cJSON_DetachItemFromObjectCaseSensitive(node, steps[n - 1].key);
	else if (node && !steps[n - 1].key && cJSON_IsArray(node))
		gone = cJSON_DetachItemFromArray(node, steps[n - 1].index);
	if (!gone && cJSON_IsObject(node) && steps[n - 1].key) {
		const char *keys[65];
		int k = 0;
		for (const cJSON *c = node->child; c && k < 64; c = c->next)
			keys[k++] = c->string;
		keys[k] = NULL;
		const char *close = schema_did_you_mean(steps[n - 1].key, keys);
		size_t stem = strlen(path) - strlen(steps[n - 1].key);
		if (close)
			snprintf(hint, PATH_SIZE, "%.*s%s", (int)stem, path, close);
	}
	cJSON_Delete(gone);
	free_steps(steps, n > 0 ? n : 0);
	return gone != NULL;
}

/* "0.05", or a string value without its quotes. */
static char *value_text(const cJSON *v)
{
	if (cJSON_IsString(v))
		return xstrdup(v->valuestring);
	char *printed = cJSON_PrintUnformatted(v);
	char *text = xstrdup(printed ? printed : "");
	cJSON_free(printed);
	return text;
}

static bool diag_has(const struct diag *d, const char *path, const char *msg)
{
	for (size_t i = 0; i < d->nr; i++)
		if (!strcmp(d->items[i].path, path) && !strcmp(d->items[i].msg, msg))
			return true;
	return false;
}

/* Copies the errors of `from` into `to`, each once. */
static void merge_diag(struct diag *to, const struct diag *from)
{
	for (size_t i = 0; i < from->nr; i++) {
		const struct diag_item *it = &from->items[i];
		if (it->level == DIAG_ERROR && !diag_has(to, it->path, it->msg))
			diag_error(to, it->file, it->path, "%s", it->msg);
	}
}

/* Where the problems of the configurations go (merge_config). */
struct sink {
	struct diag *d;
	struct diag base; /* the base configurations' problems, without prefix */
};

/* How messages name configuration `i`: its variant, or for the base its sweep point. */
static char *config_prefix(const struct plan *p, size_t i)
{
	size_t v = i / p->npoints;
	if (v)
		return xasprintf("variants[%zu] \"%s\"", v - 1, p->configs[i].variant);
	return xasprintf("sweep \"%s\"", p->configs[i].sweep);
}

/*
 * Adds the errors `from` of configuration `i` to s->d, prefixed with its
 * name. A problem the base has at a sweep point is that point's: it is
 * reported once, under the first such point, and the variants skip it.
 */
static void merge_config(struct sink *s, const struct plan *p, size_t i, const struct diag *from)
{
	char *prefix = config_prefix(p, i);
	for (size_t k = 0; k < from->nr; k++) {
		const struct diag_item *it = &from->items[k];
		if (it->level != DIAG_ERROR || diag_has(&s->base, it->path, it->msg))
			continue;
		if (i < p->npoints)
			diag_error(&s->base, it->file, it->path, "%s", it->msg);
		char *path = *it->path ? xasprintf("%s: %s", prefix, it->path) : xstrdup(prefix);
		if (!diag_has(s->d, path, it->msg))
			diag_error(s->d, it->file, path, "%s", it->msg);
		free(path);
	}
	free(prefix);
}

/* Reports item `i` of variant `index`'s "unset", which names nothing. */
static void report_unset(struct diag *d, const char *file, int index, int i, const char *what,
			 const char *hint)
{
	char *path = xasprintf("variants[%d].unset[%d]", index, i);
	if (*hint)
		diag_error(d, file, path,
			   "\"%s\" is not in the scenario, so it cannot be unset (did you mean "
			   "\"%s\"?)",
			   what, hint);
	else
		diag_error(
		    d, file, path,
		    "\"%s\" is not in the scenario, so it cannot be unset (accepted: the path "
		    "of a key or array element of the file, keys joined by dots, [i] for "
		    "array elements)",
		    what);
	free(path);
}

/* Applies a variant's "unset" list, then its "set" object, to `tree`; problems go to `d`. */
static void apply_variant(cJSON *tree, const cJSON *variant, int index, const char *file,
			  struct diag *d)
{
	const cJSON *kv;
	char hint[PATH_SIZE];
	int i = 0;
	cJSON_ArrayForEach(kv, cJSON_GetObjectItemCaseSensitive(variant, "unset"))
	{
		if (cJSON_IsString(kv) && !unset_path(tree, kv->valuestring, hint))
			report_unset(d, file, index, i, kv->valuestring, hint);
		i++;
	}
	cJSON_ArrayForEach(kv, cJSON_GetObjectItemCaseSensitive(variant, "set"))
	{
		if (set_path(tree, kv->string, kv))
			continue;
		char *path = xasprintf("variants[%d].set.%s", index, kv->string);
		diag_error(d, file, path,
			   "cannot be set: the path does not lead to a value of the scenario "
			   "(accepted: keys joined by dots, [i] for array elements)");
		free(path);
	}
}

/* Applies sweep point `point` to `tree`, returning its owned label. */
static char *apply_point(cJSON *tree, const cJSON *sweep, size_t point, const char *file,
			 struct diag *d)
{
	struct strbuf label = STRBUF_INIT;
	size_t stride = 1;
	const cJSON *kv;
	for (kv = sweep ? sweep->child : NULL; kv; kv = kv->next)
		stride *= (size_t)cJSON_GetArraySize(kv);
	for (kv = sweep ? sweep->child : NULL; kv; kv = kv->next) {
		size_t size = (size_t)cJSON_GetArraySize(kv);
		stride /= size;
		const cJSON *value = cJSON_GetArrayItem(kv, (int)(point / stride % size));
		char *text = value_text(value);
		strbuf_addf(&label, "%s%s=%s", label.len ? ";" : "", kv->string, text);
		free(text);
		if (!set_path(tree, kv->string, value)) {
			char *path = xasprintf("sweep.%s", kv->string);
			diag_error(
			    d, file, path,
			    "cannot be set: the path does not lead to a value of the "
			    "scenario (accepted: keys joined by dots, [i] for array elements)");
			free(path);
		}
	}
	return strbuf_detach(&label);
}

/* The number of sweep points, or 0 above PLAN_MAX_POINTS (checked before each product). */
static size_t count_points(const cJSON *sweep)
{
	size_t n = 1;
	for (const cJSON *kv = sweep ? sweep->child : NULL; kv; kv = kv->next) {
		size_t k = (size_t)cJSON_GetArraySize(kv);
		if (k && n > PLAN_MAX_POINTS / k)
			return 0;
		n *= k;
	}
	return n;
}

/* False, after an error, when the plan is above its limits; sizes are checked before products. */
static bool plan_size_ok(struct plan *p, const cJSON *sweep, const char *file, struct diag *d)
{
	double est = 1;
	for (const cJSON *kv = sweep ? sweep->child : NULL; kv; kv = kv->next)
		est *= cJSON_GetArraySize(kv);
	if (est > PLAN_MAX_POINTS) {
		diag_error(d, file, "sweep",
			   "%.3g sweep points (the product of the value counts) is above the limit "
			   "(accepted: at most %d points; sweep fewer keys or values)",
			   est, PLAN_MAX_POINTS);
		return false;
	}
	double items = (double)p->nvariants * (double)p->npoints * (double)p->base.replications;
	if (items > PLAN_MAX_ITEMS) {
		diag_error(
		    d, file, NULL,
		    "%zu variants x %zu sweep points x %ld replications is %.3g runs, above "
		    "the limit (accepted: at most %d runs in one plan: fewer variants, sweep "
		    "points or replications)",
		    p->nvariants, p->npoints, p->base.replications, items, PLAN_MAX_ITEMS);
		return false;
	}
	return true;
}

/* Whether two optional strings are equal (NULL equals NULL). */
static bool same_text(const char *a, const char *b)
{
	return a == b || (a && b && !strcmp(a, b));
}

/*
 * The keys that hold one value for the whole experiment (how many
 * replications, what the outputs are called, when a configuration meets the
 * SLO) may not differ in a variant or a sweep point: the runner reads them
 * from the base scenario, so a different value would be silently ignored.
 */
static void check_experiment_wide(const struct scenario *base, const struct scenario *c,
				  const char *file, struct diag *d)
{
	static const char fix[] = "it is one value for the whole experiment (accepted: the "
				  "base scenario's value, set at the top level of the file)";
	const char *bn = base->base_name ? base->base_name : SCENARIO_DEFAULT_BASE_NAME;
	const char *cn = c->base_name ? c->base_name : SCENARIO_DEFAULT_BASE_NAME;
	if (c->replications != base->replications)
		diag_error(d, file, "replications", "%ld differs from the base scenario's %ld: %s",
			   c->replications, base->replications, fix);
	if (!same_text(c->name, base->name))
		diag_error(d, file, "name", "\"%s\" differs from the base scenario's \"%s\": %s",
			   c->name, base->name, fix);
	if (!same_text(cn, bn))
		diag_error(d, file, "base_name",
			   "\"%s\" differs from the base scenario's \"%s\": %s", cn, bn, fix);
	if (c->slo.max_breach_probability != base->slo.max_breach_probability)
		diag_error(d, file, "slo.max_breach_probability",
			   "%g differs from the base scenario's %g: %s",
			   c->slo.max_breach_probability, base->slo.max_breach_probability, fix);
}

/* Builds configuration (v, point) from `root`. */
static void build_config(struct plan *p, const cJSON *root, size_t v, size_t point,
			 const char *file, struct sink *out)
{
	const cJSON *variants = cJSON_GetObjectItemCaseSensitive(root, "variants");
	const cJSON *sweep = cJSON_GetObjectItemCaseSensitive(root, "sweep");
	const cJSON *variant = v ? cJSON_GetArrayItem(variants, (int)v - 1) : NULL;
	size_t i = v * p->npoints + point;
	struct plan_config *c = &p->configs[i];
	cJSON *tree = cJSON_Duplicate(root, 1);
	struct diag applied, local;

	cJSON_DeleteItemFromObjectCaseSensitive(tree, "variants");
	cJSON_DeleteItemFromObjectCaseSensitive(tree, "sweep");
	diag_init(&applied);
	diag_init(&local);
	if (variant)
		apply_variant(tree, variant, (int)v - 1, file, &applied);
	c->sweep = apply_point(tree, cJSON_IsObject(sweep) ? sweep : NULL, point, file, &applied);
	merge_diag(out->d, &applied);
	const cJSON *name = cJSON_GetObjectItemCaseSensitive(variant, "name");
	c->baseline = point;
	if (scenario_load_tree(&c->sc, file, tree, &local) == 0)
		check_experiment_wide(&p->base, &c->sc, file, &local);
	c->variant = xstrdup(cJSON_IsString(name) ? name->valuestring
			     : p->base.base_name  ? p->base.base_name
						  : SCENARIO_DEFAULT_BASE_NAME);
	merge_config(out, p, i, &local);
	diag_release(&applied);
	diag_release(&local);
	cJSON_Delete(tree);
}

int plan_load(struct plan *p, const char *path, struct diag *d)
{
	int rc = 0;
	size_t errors = d->errors;

	memset(p, 0, sizeof(*p));
	cJSON *root = scenario_read_tree(path, d, &rc);
	if (!root)
		return rc;
	cJSON *check = cJSON_Duplicate(root, 1);
	rc = scenario_load_tree(&p->base, path, check, d); /* the file as written, with its notes */
	cJSON_Delete(check);
	if (rc == 0) {
		const cJSON *variants = cJSON_GetObjectItemCaseSensitive(root, "variants");
		const cJSON *sweep = cJSON_GetObjectItemCaseSensitive(root, "sweep");
		p->nvariants = 1 + (size_t)cJSON_GetArraySize(variants);
		p->npoints = count_points(cJSON_IsObject(sweep) ? sweep : NULL);
		if (!plan_size_ok(p, cJSON_IsObject(sweep) ? sweep : NULL, path, d)) {
			p->nvariants = p->npoints = 0;
			cJSON_Delete(root);
			return SPOTSIM_EINVAL;
		}
		p->n = p->nvariants * p->npoints;
		struct sink out = {d, {0}};
		p->configs = xcalloc(p->n, sizeof(*p->configs));
		diag_init(&out.base);
		for (size_t v = 0; v < p->nvariants; v++)
			for (size_t pt = 0; pt < p->npoints; pt++)
				build_config(p, root, v, pt, path, &out);
		diag_release(&out.base);
		if (p->configs[0].sc.dir)
			scenario_collect_files(root, &p->configs[0].sc, &p->files, &p->nfiles);
	}
	cJSON_Delete(root);
	return d->errors == errors ? 0 : SPOTSIM_EINVAL;
}

int plan_check_prices(const struct plan *p, const struct price_table *t, struct diag *d)
{
	size_t errors = d->errors;
	struct sink out = {d, {0}};
	if (!scenario_check_prices(&p->base, t, d))
		return SPOTSIM_EINVAL;
	diag_init(&out.base);
	for (size_t i = 0; i < p->n; i++) {
		struct diag local;
		diag_init(&local);
		scenario_check_prices(&p->configs[i].sc, t, &local);
		merge_config(&out, p, i, &local);
		diag_release(&local);
	}
	diag_release(&out.base);
	return d->errors == errors ? 0 : SPOTSIM_EINVAL;
}

void plan_release(struct plan *p)
{
	scenario_release(&p->base);
	for (size_t i = 0; i < p->n; i++) {
		scenario_release(&p->configs[i].sc);
		free(p->configs[i].variant);
		free(p->configs[i].sweep);
	}
	free(p->configs);
	for (size_t i = 0; i < p->nfiles; i++)
		free(p->files[i]);
	free(p->files);
	memset(p, 0, sizeof(*p));
}
