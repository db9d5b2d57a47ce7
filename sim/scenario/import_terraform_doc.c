/*
 * import_terraform_doc — Terraform's JSON as one list of resources (see
 * import_terraform_internal.h).
 *
 * The three inputs differ only in where the resources sit: show -json of a
 * plan keeps them in planned_values.root_module and its child_modules, with
 * each resource's full address; show -json of a state in values.root_module;
 * a terraform.tfstate in resources[].instances[], whose addresses are built
 * here from module, type, name and index_key the way Terraform writes them.
 *
 * A plan also says which values are known only after apply
 * (resource_changes[].change.after_unknown, true at each unknown leaf; the
 * value itself is then absent from planned_values) and, in its
 * configuration, which resources an attribute's expression refers to.
 * Configuration addresses are local to their module ("aws_x.y" inside
 * module.app), module calls are keyed by name without instance keys, and a
 * module's inputs refer to resources of the calling module; references are
 * resolved accordingly, following var.* into the caller and module.x.y into
 * the callee's outputs.
 */
#include "import_terraform_internal.h"

#include "jsonio.h"
#include "spotsim/util/error.h"
#include "spotsim/util/xalloc.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_FILE_BYTES (256L << 20)
#define MAX_DEPTH      16 /* module nesting and reference hops followed */

static const cJSON *get(const cJSON *obj, const char *key)
{
	return cJSON_IsObject(obj) ? cJSON_GetObjectItemCaseSensitive(obj, key) : NULL;
}

static const char *str(const cJSON *obj, const char *key)
{
	const cJSON *n = get(obj, key);
	return cJSON_IsString(n) ? n->valuestring : NULL;
}

/* ---- reporting ---- */

void tf_fail(struct tf_doc *doc, const struct tf_res *r, const char *fmt, ...)
{
	struct strbuf sb = STRBUF_INIT;
	va_list ap;
	va_start(ap, fmt);
	strbuf_vaddf(&sb, fmt, ap);
	va_end(ap);
	diag_error(doc->d, doc->file, r ? r->address : NULL, "%s", sb.buf);
	strbuf_release(&sb);
}

void tf_log_add(struct tf_lines *l, const char *key, const char *source, const char *fmt, ...)
{
	struct strbuf sb = STRBUF_INIT;
	va_list ap;
	va_start(ap, fmt);
	strbuf_vaddf(&sb, fmt, ap);
	va_end(ap);
	XALLOC_GROW(l->v, l->nr + 1, l->alloc);
	l->v[l->nr++] = (struct tf_line){xstrdup(key), strbuf_detach(&sb), xstrdup(source)};
}

static void lines_release(struct tf_lines *l)
{
	for (size_t i = 0; i < l->nr; i++) {
		free(l->v[i].key);
		free(l->v[i].value);
		free(l->v[i].source);
	}
	free(l->v);
	memset(l, 0, sizeof(*l));
}

void tf_log_release(struct tf_log *log)
{
	lines_release(&log->from);
	lines_release(&log->defaulted);
	lines_release(&log->ignored);
	strbuf_release(&log->left_out);
}

/* ---- addresses ---- */

/* Past one instance key "[0]" or "[\"a.b\"]" at p (p itself when there is none). */
static const char *skip_index(const char *p)
{
	if (*p != '[')
		return p;
	p++;
	if (*p == '"') {
		for (p++; *p && *p != '"'; p++)
			if (*p == '\\' && p[1])
				p++;
		if (*p)
			p++;
	}
	p += strcspn(p, "]");
	return *p ? p + 1 : p;
}

/* An owned copy of `address` without its instance keys. */
static char *strip_index(const char *address)
{
	struct strbuf sb = STRBUF_INIT;
	for (const char *p = address; *p;) {
		if (*p == '[') {
			p = skip_index(p);
			continue;
		}
		strbuf_addch(&sb, *p++);
	}
	return strbuf_detach(&sb);
}

/* "[0]", "[\"api\"]" or "" for a tfstate index_key. */
static char *index_text(const cJSON *key)
{
	if (cJSON_IsNumber(key))
		return xasprintf("[%.0f]", key->valuedouble);
	if (!cJSON_IsString(key))
		return xstrdup("");
	struct strbuf sb = STRBUF_INIT;
	strbuf_adds(&sb, "[\"");
	for (const char *p = key->valuestring; *p; p++) {
		if (*p == '"' || *p == '\\')
			strbuf_addch(&sb, '\\');
		strbuf_addch(&sb, *p);
	}
	strbuf_adds(&sb, "\"]");
	return strbuf_detach(&sb);
}

/* ---- the resources ---- */

static void add_res(struct tf_doc *doc, const char *module, const cJSON *r, char *address,
		    const cJSON *values)
{
	XALLOC_GROW(doc->res, doc->nr + 1, doc->alloc);
	struct tf_res *res = &doc->res[doc->nr++];
	memset(res, 0, sizeof(*res));
	res->address = address;
	res->module = xstrdup(module);
	res->type = xstrdup(str(r, "type"));
	res->name = xstrdup(str(r, "name"));
	res->values = values;
}

static bool managed(const cJSON *r)
{
	const char *mode = str(r, "mode");
	return str(r, "type") && str(r, "name") && (!mode || !strcmp(mode, "managed"));
}

static void walk_module(struct tf_doc *doc, const cJSON *m, int depth)
{
	const char *module = str(m, "address");
	const cJSON *r;
	cJSON_ArrayForEach(r, get(m, "resources"))
	{
		if (managed(r) && str(r, "address"))
			add_res(doc, module ? module : "", r, xstrdup(str(r, "address")),
				get(r, "values"));
	}
	if (depth < MAX_DEPTH)
		cJSON_ArrayForEach(r, get(m, "child_modules")) walk_module(doc, r, depth + 1);
}

static void walk_tfstate(struct tf_doc *doc)
{
	const cJSON *r, *inst;
	cJSON_ArrayForEach(r, get(doc->root, "resources"))
	{
		const char *module = str(r, "module");
		module = module ? module : "";
		if (!managed(r))
			continue;
		cJSON_ArrayForEach(inst, get(r, "instances"))
		{
			if (get(inst, "deposed"))
				continue; /* an old object waiting to be destroyed */
			char *idx = index_text(get(inst, "index_key"));
			add_res(doc, module, r,
				xasprintf("%s%s%s.%s%s", module, *module ? "." : "", str(r, "type"),
					  str(r, "name"), idx),
				get(inst, "attributes"));
			free(idx);
		}
	}
}

static int by_address(const void *a, const void *b)
{
	return strcmp(((const struct tf_res *)a)->address, ((const struct tf_res *)b)->address);
}

/* ---- the configuration ---- */

/* The configuration of the module instance `module` ("" = root), or NULL. */
static const cJSON *config_module(const struct tf_doc *doc, const char *module)
{
	const cJSON *m = get(get(doc->root, "configuration"), "root_module");
	const char *p = module;
	while (m && *p) {
		if (strncmp(p, "module.", 7))
			return NULL;
		p += 7;
		size_t n = strcspn(p, ".[");
		char *call = xstrndup(p, n);
		m = get(get(get(m, "module_calls"), call), "module");
		free(call);
		p = skip_index(p + n);
		if (*p == '.')
			p++;
	}
	return m;
}

static const cJSON *config_resource(const struct tf_doc *doc, const struct tf_res *r)
{
	const cJSON *c;
	char *local = xasprintf("%s.%s", r->type, r->name);
	const cJSON *found = NULL;
	cJSON_ArrayForEach(c, get(config_module(doc, r->module), "resources"))
	{
		const char *a = str(c, "address");
		if (a && !strcmp(a, local)) {
			found = c;
			break;
		}
	}
	free(local);
	return found;
}

static void attach_plan(struct tf_doc *doc)
{
	const cJSON *changes = get(doc->root, "resource_changes"), *c;
	for (size_t i = 0; i < doc->nr; i++) {
		struct tf_res *r = &doc->res[i];
		cJSON_ArrayForEach(c, changes)
		{
			const char *a = str(c, "address");
			if (a && !strcmp(a, r->address)) {
				r->unknown = get(get(c, "change"), "after_unknown");
				break;
			}
		}
		r->config = config_resource(doc, r);
	}
}

/* ---- recognising the input ---- */

static const char not_terraform[] =
    "not Terraform JSON (accepted: the output of terraform show -json for a plan or a "
    "state, or a terraform.tfstate file)";

static bool recognise_show(struct tf_doc *doc, const cJSON *fv)
{
	const cJSON *root = doc->root;
	char *end = NULL;
	long major = cJSON_IsString(fv) ? strtol(fv->valuestring, &end, 10) : -1;
	if (major != 1 || !end || (*end != '.' && *end != '\0')) {
		char *text = cJSON_PrintUnformatted(fv);
		diag_error(doc->d, doc->file, "format_version",
			   "%s is not supported (accepted: 1.x, the JSON format of terraform show "
			   "-json since Terraform 1.0)",
			   text ? text : "this");
		cJSON_free(text);
		return false;
	}
	doc->format = fv->valuestring;
	if (cJSON_IsTrue(get(root, "errored"))) {
		tf_fail(doc, NULL,
			"the plan failed (errored: true) (accepted: the JSON of a plan that "
			"succeeded)");
		return false;
	}
	if (get(root, "planned_values") || get(root, "resource_changes") ||
	    get(root, "configuration")) {
		doc->kind = TF_PLAN;
		walk_module(doc, get(get(root, "planned_values"), "root_module"), 0);
	} else {
		doc->kind = TF_STATE; /* "values" is absent when the state is empty */
		walk_module(doc, get(get(root, "values"), "root_module"), 0);
	}
	return true;
}

static bool recognise_tfstate(struct tf_doc *doc, const cJSON *version)
{
	if (!cJSON_IsNumber(version) || version->valuedouble != 4) {
		char *text = cJSON_PrintUnformatted(version);
		diag_error(doc->d, doc->file, "version",
			   "%s is not supported (accepted: 4, the terraform.tfstate format of "
			   "Terraform 0.12 and later)",
			   text ? text : "this");
		cJSON_free(text);
		return false;
	}
	doc->kind = TF_TFSTATE;
	doc->format = "4";
	walk_tfstate(doc);
	return true;
}

static bool recognise(struct tf_doc *doc)
{
	const cJSON *root = doc->root;
	const char *tv = str(root, "terraform_version");
	doc->version = tv ? tv : "";
	if (get(root, "format_version"))
		return recognise_show(doc, get(root, "format_version"));
	if (get(root, "version") && (get(root, "resources") || get(root, "lineage")))
		return recognise_tfstate(doc, get(root, "version"));
	tf_fail(doc, NULL, "%s", not_terraform);
	return false;
}

int tf_doc_load(struct tf_doc *doc, const char *path, struct diag *d)
{
	int rc = 0;
	memset(doc, 0, sizeof(*doc));
	doc->file = path;
	doc->d = d;
	doc->format = doc->version = "";
	doc->root = jsonio_parse_file(path, MAX_FILE_BYTES, d, &rc);
	if (!doc->root)
		return rc;
	if (!cJSON_IsObject(doc->root)) {
		tf_fail(doc, NULL, "%s", not_terraform);
		return SPOTSIM_EINVAL;
	}
	if (!recognise(doc))
		return SPOTSIM_EINVAL;
	if (doc->nr)
		qsort(doc->res, doc->nr, sizeof(*doc->res), by_address);
	if (doc->kind == TF_PLAN)
		attach_plan(doc);
	return 0;
}

void tf_doc_release(struct tf_doc *doc)
{
	for (size_t i = 0; i < doc->nr; i++) {
		free(doc->res[i].address);
		free(doc->res[i].module);
		free(doc->res[i].type);
		free(doc->res[i].name);
	}
	free(doc->res);
	tf_log_release(&doc->log);
	cJSON_Delete(doc->root);
	memset(doc, 0, sizeof(*doc));
}

/* ---- values ---- */

static bool has_true(const cJSON *n)
{
	if (cJSON_IsTrue(n))
		return true;
	for (const cJSON *c = n && !cJSON_IsString(n) ? n->child : NULL; c; c = c->next)
		if (has_true(c))
			return true;
	return false;
}

bool tf_unknown(const struct tf_res *r, const char *attr)
{
	return has_true(get(r->unknown, attr));
}

const cJSON *tf_value(const struct tf_res *r, const char *attr)
{
	const cJSON *n = get(r->values, attr);
	if (!n || cJSON_IsNull(n) || cJSON_IsTrue(get(r->unknown, attr)))
		return NULL;
	return n;
}

const char *tf_string(const struct tf_res *r, const char *attr)
{
	const cJSON *n = tf_value(r, attr);
	return cJSON_IsString(n) && *n->valuestring ? n->valuestring : NULL;
}

bool tf_number(const cJSON *n, double *out)
{
	char *end;
	if (cJSON_IsNumber(n) && isfinite(n->valuedouble)) {
		*out = n->valuedouble;
		return true;
	}
	if (!cJSON_IsString(n) || !*n->valuestring)
		return false;
	double v = strtod(n->valuestring, &end);
	if (*end || !isfinite(v))
		return false;
	*out = v;
	return true;
}

const cJSON *tf_block(const cJSON *values, const char *attr)
{
	const cJSON *n = get(values, attr);
	if (cJSON_IsArray(n))
		n = cJSON_GetArrayItem(n, 0);
	return cJSON_IsObject(n) ? n : NULL;
}

const char *tf_member(const cJSON *block, const char *key)
{
	const char *s = str(block, key);
	return s && *s ? s : NULL;
}

/* ---- references ---- */

struct refs {
	const struct tf_res **out;
	size_t n, max;
	const char *type;
};

static void resolve(const struct tf_doc *doc, const char *module, const cJSON *list, struct refs *s,
		    int depth);

static const struct tf_res *find(const struct tf_doc *doc, const char *address)
{
	char *want = strip_index(address);
	const struct tf_res *loose = NULL;
	for (size_t i = 0; i < doc->nr; i++) {
		if (!strcmp(doc->res[i].address, address)) {
			loose = &doc->res[i];
			break;
		}
		char *have = strip_index(doc->res[i].address);
		if (!loose && !strcmp(have, want))
			loose = &doc->res[i]; /* an instance of a counted resource */
		free(have);
	}
	free(want);
	return loose;
}

static void add_ref(struct refs *s, const struct tf_res *r)
{
	if (!r || (s->type && strcmp(r->type, s->type)))
		return;
	for (size_t i = 0; i < s->n; i++)
		if (s->out[i] == r)
			return;
	if (s->n < s->max)
		s->out[s->n++] = r;
}

/* "aws_x.y.arn" or "aws_x.y[0]" in `module`: the resource aws_x.y of that module. */
static void resolve_resource(const struct tf_doc *doc, const char *module, const char *ref,
			     struct refs *s)
{
	const char *dot = strchr(ref, '.');
	if (!dot || dot == ref)
		return;
	const char *end = skip_index(dot + 1 + strcspn(dot + 1, ".["));
	char *local = xstrndup(ref, (size_t)(end - ref));
	char *want = *module ? xasprintf("%s.%s", module, local) : xstrdup(local);
	add_ref(s, find(doc, want));
	free(local);
	free(want);
}

/* The start of the last "module.x" step of a module instance path. */
static const char *last_step(const char *module)
{
	const char *last = module;
	for (const char *p = module; (p = strstr(p, ".module.")); p++)
		last = p + 1;
	return last;
}

/* "var.name": the expression the calling module gives that input. */
static void resolve_var(const struct tf_doc *doc, const char *module, const char *ref,
			struct refs *s, int depth)
{
	if (!*module)
		return; /* the root module's variables refer to no resource */
	const char *step = last_step(module);
	char *parent = xstrndup(module, step == module ? 0 : (size_t)(step - module - 1));
	char *call = xstrndup(step + 7, strcspn(step + 7, ".["));
	char *var = xstrndup(ref + 4, strcspn(ref + 4, ".["));
	const cJSON *mc = get(get(config_module(doc, parent), "module_calls"), call);
	resolve(doc, parent, get(get(get(mc, "expressions"), var), "references"), s, depth + 1);
	free(parent);
	free(call);
	free(var);
}

/* "module.x.out": the expression of output `out` of module x. */
static void resolve_output(const struct tf_doc *doc, const char *module, const char *ref,
			   struct refs *s, int depth)
{
	const char *name = ref + 7;
	size_t n = strcspn(name, ".[");
	const char *out = skip_index(name + n);
	if (*out != '.')
		return;
	char *call = xstrndup(name, n);
	char *output = xstrndup(out + 1, strcspn(out + 1, ".["));
	char *child = xasprintf("%s%smodule.%s", module, *module ? "." : "", call);
	const cJSON *m = get(get(get(config_module(doc, module), "module_calls"), call), "module");
	const cJSON *expr = get(get(get(m, "outputs"), output), "expression");
	resolve(doc, child, get(expr, "references"), s, depth + 1);
	free(call);
	free(output);
	free(child);
}

static void resolve(const struct tf_doc *doc, const char *module, const cJSON *list, struct refs *s,
		    int depth)
{
	static const char *const skipped[] = {"data.", "local.", "path.",      "count.",
					      "each.", "self.",	 "terraform.", NULL};
	const cJSON *ref;
	if (depth > MAX_DEPTH)
		return;
	cJSON_ArrayForEach(ref, list)
	{
		const char *t = cJSON_IsString(ref) ? ref->valuestring : "";
		bool skip = !*t;
		for (size_t i = 0; skipped[i] && !skip; i++)
			skip = !strncmp(t, skipped[i], strlen(skipped[i]));
		if (skip)
			continue;
		if (!strncmp(t, "var.", 4))
			resolve_var(doc, module, t, s, depth);
		else if (!strncmp(t, "module.", 7))
			resolve_output(doc, module, t, s, depth);
		else
			resolve_resource(doc, module, t, s);
	}
}

static int by_place(const void *a, const void *b)
{
	const struct tf_res *x = *(const struct tf_res *const *)a;
	const struct tf_res *y = *(const struct tf_res *const *)b;
	return (x > y) - (x < y); /* the list is sorted by address */
}

size_t tf_refs(const struct tf_doc *doc, const struct tf_res *r, const char *attr, const char *type,
	       const struct tf_res **out, size_t max)
{
	struct refs s = {out, 0, max, type};
	const cJSON *expr = get(get(r->config, "expressions"), attr);
	resolve(doc, r->module, get(expr, "references"), &s, 0);
	qsort(out, s.n, sizeof(*out), by_place);
	return s.n;
}

bool tf_refers(const struct tf_doc *doc, const struct tf_res *r, const char *attr,
	       const struct tf_res *to)
{
	const struct tf_res *hits[16];
	size_t n = tf_refs(doc, r, attr, to->type, hits, 16);
	for (size_t i = 0; i < n; i++)
		if (hits[i] == to)
			return true;
	return false;
}

/* ---- the provider's region ---- */

const char *tf_provider_region(const struct tf_doc *doc, const struct tf_res *r)
{
	const cJSON *pcs = get(get(doc->root, "configuration"), "provider_config"), *ref;
	const char *key = str(r->config, "provider_config_key");
	const cJSON *pc = key ? get(pcs, key) : NULL;
	if (!pc)
		pc = get(pcs, "aws");
	const cJSON *region = get(get(pc, "expressions"), "region");
	const char *c = str(region, "constant_value");
	if (c && *c)
		return c;
	if (str(pc, "module_address"))
		return NULL; /* a module's own variables have no value in the plan */
	cJSON_ArrayForEach(ref, get(region, "references"))
	{
		if (!cJSON_IsString(ref) || strncmp(ref->valuestring, "var.", 4))
			continue;
		const char *v =
		    str(get(get(doc->root, "variables"), ref->valuestring + 4), "value");
		if (v && *v)
			return v;
	}
	return NULL;
}

/* ---- what the mappers need ---- */

const cJSON *tf_need(struct tf_doc *doc, const struct tf_res *r, const char *attr,
		     const char *accepted)
{
	const cJSON *v = tf_value(r, attr);
	if (cJSON_IsArray(v) && !v->child)
		v = NULL; /* a block that is not there */
	if (tf_unknown(r, attr)) {
		tf_fail(doc, r,
			"%s is known only after apply (accepted: a value Terraform knows when it "
			"plans, or the state after apply)",
			attr);
		return NULL;
	}
	if (!v && accepted)
		tf_fail(doc, r, "no %s (accepted: %s)", attr, accepted);
	return v;
}

void tf_mark(struct tf_doc *doc, const struct tf_res *r)
{
	if (r >= doc->res && r < doc->res + doc->nr)
		doc->res[r - doc->res].used = true;
}
