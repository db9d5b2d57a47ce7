/*
 * scenario_plan — variants and sweeps as JSON-path overrides (see plan.h).
 * Part of the scenario loader: it edits copies of the parsed tree and hands
 * each to the normal loading passes, so a configuration is exactly the
 * scenario file the user would have written by hand.
 */
#include "spotsim/scenario/plan.h"

#include "loader_get.h"
#include "scenario_loader.h"
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

/* Splits "a.b[1].c" into steps; returns the number, or -1 on bad syntax. */
static int split_path(const char *path, struct step *out, int max)
{
	int n = 0;
	const char *p = path;
	while (*p && n < max) {
		if (*p == '[') {
			char *end;
			long i = strtol(p + 1, &end, 10);
			if (end == p + 1 || *end != ']' || i < 0 || i > 100000)
				return -1;
			out[n++] = (struct step){NULL, (int)i};
			p = end + 1;
		} else {
			size_t len = strcspn(p, ".[");
			if (!len)
				return -1;
			out[n++] = (struct step){xstrndup(p, len), 0};
			p += len;
		}
		if (*p == '.')
			p++;
	}
	return *p ? -1 : n;
}

static void free_steps(struct step *s, int n)
{
	for (int i = 0; i < n; i++)
		free(s[i].key);
}

/* The child of `node` for step `s`, creating an empty object for a missing key. */
static cJSON *descend(cJSON *node, const struct step *s)
{
	if (!s->key)
		return cJSON_IsArray(node) ? cJSON_GetArrayItem(node, s->index) : NULL;
	if (!cJSON_IsObject(node))
		return NULL;
	cJSON *child = cJSON_GetObjectItemCaseSensitive(node, s->key);
	if (!child)
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
		ok = (node = descend(node, &steps[i])) != NULL;
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

/* Copies the items of `from` into `to`, prefixing their paths; skips repeats. */
static void merge_diag(struct diag *to, const struct diag *from, const char *prefix)
{
	for (size_t i = 0; i < from->nr; i++) {
		const struct diag_item *it = &from->items[i];
		char *path = *it->path ? xasprintf("%s: %s", prefix, it->path) : xstrdup(prefix);
		bool seen = false;
		for (size_t j = 0; j < to->nr && !seen; j++)
			seen =
			    !strcmp(to->items[j].path, path) && !strcmp(to->items[j].msg, it->msg);
		if (!seen && it->level == DIAG_ERROR)
			diag_error(to, it->file, path, "%s", it->msg);
		free(path);
	}
}

/* Applies a variant's "set" object to `tree`; problems go to `d`. */
static void apply_variant(cJSON *tree, const cJSON *variant, int index, const char *file,
			  struct diag *d)
{
	const cJSON *kv;
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

static size_t count_points(const cJSON *sweep)
{
	size_t n = 1;
	for (const cJSON *kv = sweep ? sweep->child : NULL; kv; kv = kv->next)
		n *= (size_t)cJSON_GetArraySize(kv);
	return n;
}

/* Builds configuration (v, point) from `root`. */
static void build_config(struct plan *p, const cJSON *root, size_t v, size_t point,
			 const char *file, struct diag *d)
{
	const cJSON *variants = cJSON_GetObjectItemCaseSensitive(root, "variants");
	const cJSON *sweep = cJSON_GetObjectItemCaseSensitive(root, "sweep");
	const cJSON *variant = v ? cJSON_GetArrayItem(variants, (int)v - 1) : NULL;
	struct plan_config *c = &p->configs[v * p->npoints + point];
	cJSON *tree = cJSON_Duplicate(root, 1);
	struct diag local;

	cJSON_DeleteItemFromObjectCaseSensitive(tree, "variants");
	cJSON_DeleteItemFromObjectCaseSensitive(tree, "sweep");
	diag_init(&local);
	if (variant)
		apply_variant(tree, variant, (int)v - 1, file, d);
	c->sweep = apply_point(tree, cJSON_IsObject(sweep) ? sweep : NULL, point, file, d);
	const cJSON *name = cJSON_GetObjectItemCaseSensitive(variant, "name");
	c->variant = xstrdup(cJSON_IsString(name) ? name->valuestring : "base");
	c->baseline = point;
	scenario_load_tree(&c->sc, file, tree, &local);
	char *prefix = v ? xasprintf("variants[%zu] (%s)", v - 1, c->variant)
			 : xasprintf("sweep (%s)", c->sweep);
	merge_diag(d, &local, prefix);
	free(prefix);
	diag_release(&local);
	cJSON_Delete(tree);
}

int plan_load(struct plan *p, const char *path, struct diag *d)
{
	struct scenario base;
	int rc = 0;
	size_t errors = d->errors;

	memset(p, 0, sizeof(*p));
	cJSON *root = scenario_read_tree(path, d, &rc);
	if (!root)
		return rc;
	cJSON *check = cJSON_Duplicate(root, 1);
	rc = scenario_load_tree(&base, path, check, d); /* the file as written, with its notes */
	cJSON_Delete(check);
	scenario_release(&base);
	if (rc == 0) {
		const cJSON *variants = cJSON_GetObjectItemCaseSensitive(root, "variants");
		const cJSON *sweep = cJSON_GetObjectItemCaseSensitive(root, "sweep");
		p->nvariants = 1 + (size_t)cJSON_GetArraySize(variants);
		p->npoints = count_points(cJSON_IsObject(sweep) ? sweep : NULL);
		p->n = p->nvariants * p->npoints;
		p->configs = xcalloc(p->n, sizeof(*p->configs));
		for (size_t v = 0; v < p->nvariants; v++)
			for (size_t pt = 0; pt < p->npoints; pt++)
				build_config(p, root, v, pt, path, d);
	}
	cJSON_Delete(root);
	return d->errors == errors ? 0 : SPOTSIM_EINVAL;
}

void plan_release(struct plan *p)
{
	for (size_t i = 0; i < p->n; i++) {
		scenario_release(&p->configs[i].sc);
		free(p->configs[i].variant);
		free(p->configs[i].sweep);
	}
	free(p->configs);
	memset(p, 0, sizeof(*p));
}
