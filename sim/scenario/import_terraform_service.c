/*
 * import_terraform_service — the chosen aws_ecs_service, its
 * aws_ecs_task_definition and the region into the scenario's "region",
 * "taskDefinition" and "service" sections (see import_terraform_internal.h).
 *
 * Links are taken from the configuration's references first (in a plan they
 * hold even when the value is known only after apply), then from values:
 * task_definition as an ARN, "family" or "family:revision"; cluster as a name
 * or an ARN. A key is written only when Terraform gives its value; the
 * defaults the scenario loader then applies are listed in the summary.
 */
#include "import_terraform_internal.h"

#include "spotsim/util/xalloc.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const cJSON *get(const cJSON *obj, const char *key)
{
	return cJSON_IsObject(obj) ? cJSON_GetObjectItemCaseSensitive(obj, key) : NULL;
}

/* "ADDRESS attr", the source column of the summary. */
static char *source(const struct tf_res *r, const char *attr)
{
	return xasprintf("%s %s", r->address, attr);
}

static void log_from(struct tf_ctx *x, const char *key, const struct tf_res *r, const char *attr,
		     const char *value)
{
	char *src = source(r, attr);
	tf_log_add(&x->doc->log.from, key, src, "%s", value);
	free(src);
}

static void log_default(struct tf_ctx *x, const char *key, const char *value, const char *why)
{
	tf_log_add(&x->doc->log.defaulted, key, why, "%s", value);
}

/* ---- region ---- */

/* The region field of an ARN ("arn:aws:ecs:eu-west-1:...") into buf, or NULL. */
static const char *arn_region(const char *arn, char *buf, size_t size)
{
	const char *p = arn;
	for (int i = 0; p && i < 3; i++)
		p = (p = strchr(p, ':')) ? p + 1 : NULL;
	size_t n = p ? strcspn(p, ":") : 0;
	if (!p || !n || n >= size || strncmp(arn, "arn:", 4) || !p[n])
		return NULL;
	memcpy(buf, p, n);
	buf[n] = '\0';
	return buf;
}

static void map_region(struct tf_ctx *x, const struct tf_res *td)
{
	const struct tf_res *s = x->service;
	char buf[64], *why = NULL;
	const char *r = tf_string(s, "region"), *arn;
	if (r)
		why = source(s, "region");
	else if ((r = tf_provider_region(x->doc, s)))
		why = xstrdup("provider \"aws\" region (configuration)");
	else if ((arn = tf_string(s, "id")) && (r = arn_region(arn, buf, sizeof(buf))))
		why = source(s, "id (its ARN)");
	else if (td && (arn = tf_string(td, "arn")) && (r = arn_region(arn, buf, sizeof(buf))))
		why = source(td, "arn");
	if (!r) {
		log_default(x, "region", "us-east-1", "no region in the file: spotsim's default");
		return;
	}
	cJSON_AddStringToObject(x->out, "region", r);
	tf_log_add(&x->doc->log.from, "region", why, "%s", r);
	free(why);
}

/* ---- the task definition ---- */

/* Whether task_definition value `v` (ARN, "family" or "family:revision") names td. */
static bool task_matches(const struct tf_res *td, const char *v)
{
	const char *arn = tf_string(td, "arn"), *family = tf_string(td, "family");
	const char *fr = strstr(v, ":task-definition/");
	double rev;
	if (arn && !strcmp(arn, v))
		return true;
	fr = fr ? fr + 17 : v;
	size_t n = family ? strlen(family) : 0;
	if (!family || strncmp(fr, family, n) || (fr[n] && fr[n] != ':'))
		return false;
	/* without a revision ECS takes the latest; a new revision's number is not known yet */
	return !fr[n] || !tf_number(tf_value(td, "revision"), &rev) || rev == atof(fr + n + 1);
}

static const struct tf_res *find_task(struct tf_ctx *x, const char **how)
{
	const struct tf_res *s = x->service, *hit = NULL;
	const char *v = tf_string(s, "task_definition");
	*how = "task_definition (configuration reference)";
	if (tf_refs(x->doc, s, "task_definition", "aws_ecs_task_definition", &hit, 1))
		return hit;
	*how = "task_definition";
	for (size_t i = 0; v && i < x->doc->nr; i++)
		if (!strcmp(x->doc->res[i].type, "aws_ecs_task_definition") &&
		    task_matches(&x->doc->res[i], v))
			return &x->doc->res[i];
	if (v)
		tf_fail(x->doc, s,
			"task_definition \"%s\" names no aws_ecs_task_definition of this file "
			"(accepted: a service whose task definition is managed in the same plan or "
			"state)",
			v);
	else if (tf_unknown(s, "task_definition"))
		tf_fail(x->doc, s,
			"task_definition is known only after apply and the configuration refers "
			"to no aws_ecs_task_definition (accepted: a task definition managed in the "
			"same plan)");
	else
		tf_fail(x->doc, s,
			"no task_definition (accepted: a service with a task definition)");
	return NULL;
}

/* cpu or memory, a string or a number in Terraform, as the string ECS shows. */
static void map_size(struct tf_ctx *x, const struct tf_res *td, const char *attr, cJSON *out,
		     const char *key)
{
	static const char accepted[] =
	    "a task-level size such as \"1024\"; Fargate requires cpu and memory";
	const cJSON *n = tf_need(x->doc, td, attr, accepted);
	char buf[64], path[64];
	if (cJSON_IsNumber(n)) {
		snprintf(buf, sizeof(buf), "%g", n->valuedouble);
	} else if (cJSON_IsString(n) && *n->valuestring) {
		snprintf(buf, sizeof(buf), "%s", n->valuestring);
	} else {
		if (n) /* "" is how a state shows a size that was never set */
			tf_fail(x->doc, td, "no %s (accepted: %s)", attr, accepted);
		return;
	}
	cJSON_AddStringToObject(out, key, buf);
	snprintf(path, sizeof(path), "taskDefinition.%s", key);
	log_from(x, path, td, attr, buf);
}

static void map_platform(struct tf_ctx *x, const struct tf_res *td, cJSON *out)
{
	const cJSON *b = tf_need(x->doc, td, "runtime_platform", NULL)
			     ? tf_block(td->values, "runtime_platform")
			     : NULL;
	const char *arch = tf_member(b, "cpu_architecture");
	const char *os = tf_member(b, "operating_system_family");
	char value[96];
	if (!arch && !os) {
		log_default(x, "taskDefinition.runtimePlatform", "LINUX/X86_64",
			    "runtime_platform not set: Fargate's default");
		return;
	}
	cJSON *rp = cJSON_AddObjectToObject(out, "runtimePlatform");
	if (arch)
		cJSON_AddStringToObject(rp, "cpuArchitecture", arch);
	if (os)
		cJSON_AddStringToObject(rp, "operatingSystemFamily", os);
	snprintf(value, sizeof(value), "%s/%s", os ? os : "LINUX", arch ? arch : "X86_64");
	log_from(x, "taskDefinition.runtimePlatform", td, "runtime_platform", value);
}

static void map_storage(struct tf_ctx *x, const struct tf_res *td, cJSON *out)
{
	const cJSON *b = tf_need(x->doc, td, "ephemeral_storage", NULL)
			     ? tf_block(td->values, "ephemeral_storage")
			     : NULL;
	double gib;
	char value[32];
	if (!tf_number(get(b, "size_in_gib"), &gib)) {
		log_default(x, "taskDefinition.ephemeralStorage", "20 GiB",
			    "ephemeral_storage not set: Fargate's default");
		return;
	}
	cJSON_AddNumberToObject(cJSON_AddObjectToObject(out, "ephemeralStorage"), "sizeInGiB", gib);
	snprintf(value, sizeof(value), "%g GiB", gib);
	log_from(x, "taskDefinition.ephemeralStorage", td, "ephemeral_storage", value);
}

/* Each container's name and stopTimeout; the scenario takes the largest. */
static void add_containers(const cJSON *list, cJSON *out, struct strbuf *desc)
{
	const cJSON *c;
	cJSON *arr = cJSON_AddArrayToObject(out, "containerDefinitions");
	double st;
	cJSON_ArrayForEach(c, list)
	{
		cJSON *o = cJSON_CreateObject();
		const cJSON *name = get(c, "name");
		if (cJSON_IsString(name))
			cJSON_AddStringToObject(o, "name", name->valuestring);
		bool has = tf_number(get(c, "stopTimeout"), &st);
		if (has)
			cJSON_AddNumberToObject(o, "stopTimeout", st);
		strbuf_addf(desc, "%s%s ", desc->len ? ", " : "",
			    cJSON_IsString(name) ? name->valuestring : "(unnamed)");
		if (has)
			strbuf_addf(desc, "%g s", st);
		else
			strbuf_adds(desc, "unset (30 s)");
		cJSON_AddItemToArray(arr, o);
	}
}

static void map_containers(struct tf_ctx *x, const struct tf_res *td, cJSON *out)
{
	const char *text = tf_string(td, "container_definitions");
	struct strbuf desc = STRBUF_INIT;
	if (!text) {
		log_default(x, "taskDefinition.containerDefinitions", "stopTimeout 30 s",
			    tf_unknown(td, "container_definitions")
				? "container_definitions known only after apply: Fargate's default"
				: "container_definitions not set: Fargate's default");
		return;
	}
	cJSON *list = cJSON_Parse(text);
	if (!cJSON_IsArray(list)) {
		tf_fail(x->doc, td,
			"container_definitions is not a JSON array of containers (accepted: the "
			"jsonencode of a list of container definitions)");
		cJSON_Delete(list);
		return;
	}
	add_containers(list, out, &desc);
	strbuf_adds(&desc, "; the largest stopTimeout counts");
	log_from(x, "taskDefinition.containerDefinitions", td, "container_definitions", desc.buf);
	strbuf_release(&desc);
	cJSON_Delete(list);
}

static void map_compat(struct tf_ctx *x, const struct tf_res *td, cJSON *out)
{
	const cJSON *rc = tf_need(x->doc, td, "requires_compatibilities", NULL), *it;
	struct strbuf list = STRBUF_INIT;
	bool fargate = false;
	if (!cJSON_GetArraySize(rc))
		return;
	cJSON_ArrayForEach(it, rc)
	{
		const char *s = cJSON_IsString(it) ? it->valuestring : "?";
		strbuf_addf(&list, "%s%s", list.len ? ", " : "", s);
		fargate = fargate || !strcmp(s, "FARGATE");
	}
	if (!fargate)
		tf_fail(
		    x->doc, td,
		    "requires_compatibilities [%s] does not include FARGATE (accepted: FARGATE; "
		    "spotsim simulates Fargate)",
		    list.buf);
	else
		cJSON_AddItemToObject(out, "requiresCompatibilities", cJSON_Duplicate(rc, 1));
	if (fargate)
		log_from(x, "taskDefinition.requiresCompatibilities", td,
			 "requires_compatibilities", list.buf);
	strbuf_release(&list);
}

/* ---- attributes left out ---- */

static bool in_list(const char *s, const char *const *list)
{
	for (size_t i = 0; list[i]; i++)
		if (!strcmp(s, list[i]))
			return true;
	return false;
}

static bool empty_value(const cJSON *n)
{
	return !n || cJSON_IsNull(n) || cJSON_IsFalse(n) ||
	       (cJSON_IsString(n) && !*n->valuestring) ||
	       (cJSON_IsNumber(n) && n->valuedouble == 0) ||
	       ((cJSON_IsArray(n) || cJSON_IsObject(n)) && !n->child);
}

/* Lists, as one "ignored" line, the attributes of r set but not simulated. */
static void log_unused(struct tf_ctx *x, const struct tf_res *r, const char *const *used)
{
	static const char *const identity[] = {"id",	   "arn",      "arn_without_revision",
					       "name",	   "family",   "revision",
					       "tags",	   "tags_all", "region",
					       "timeouts", "triggers", "scheduling_strategy",
					       NULL};
	struct strbuf sb = STRBUF_INIT;
	const cJSON *c;
	for (c = r->values ? r->values->child : NULL; c; c = c->next)
		if (!in_list(c->string, used) && !in_list(c->string, identity) && !empty_value(c))
			strbuf_addf(&sb, "%s%s", sb.len ? ", " : "", c->string);
	if (sb.len)
		tf_log_add(&x->doc->log.ignored, r->address, "", "not simulated: %s", sb.buf);
	strbuf_release(&sb);
}

static void map_task(struct tf_ctx *x, const struct tf_res *td, const char *how, cJSON *out)
{
	static const char *const used[] = {"cpu",
					   "memory",
					   "runtime_platform",
					   "ephemeral_storage",
					   "container_definitions",
					   "requires_compatibilities",
					   NULL};
	log_from(x, "taskDefinition", x->service, how, td->address);
	map_size(x, td, "cpu", out, "cpu");
	map_size(x, td, "memory", out, "memory");
	map_platform(x, td, out);
	map_storage(x, td, out);
	map_containers(x, td, out);
	map_compat(x, td, out);
	log_unused(x, td, used);
	tf_mark(x->doc, td);
}

/* ---- the service ---- */

struct item {
	const char *provider;
	double base, weight;
};

static int by_provider(const void *a, const void *b)
{
	return strcmp(((const struct item *)a)->provider, ((const struct item *)b)->provider);
}

/* Reads the strategy blocks of `attr`; false when there are none or one is not simulated. */
static bool read_items(struct tf_ctx *x, const struct tf_res *from, const char *attr,
		       struct item *items, size_t *n)
{
	const cJSON *it;
	*n = 0;
	cJSON_ArrayForEach(it, tf_value(from, attr))
	{
		struct item *i = &items[*n];
		i->provider = tf_member(it, "capacity_provider");
		if (!i->provider ||
		    (strcmp(i->provider, "FARGATE") && strcmp(i->provider, "FARGATE_SPOT"))) {
			tf_fail(
			    x->doc, from,
			    "%s: capacity provider \"%s\" is not simulated (accepted: FARGATE and "
			    "FARGATE_SPOT)",
			    attr, i->provider ? i->provider : "");
			return false;
		}
		if (!tf_number(get(it, "base"), &i->base))
			i->base = 0;
		if (!tf_number(get(it, "weight"), &i->weight))
			i->weight = 0;
		if (++*n == 20)
			break; /* AWS's limit; the loader reports more */
	}
	return *n > 0;
}

/* The strategy of `attr` of `from` (sorted by provider: Terraform keeps it as a set). */
static bool map_strategy(struct tf_ctx *x, const struct tf_res *from, const char *attr, cJSON *svc,
			 const char *why)
{
	struct item items[20];
	struct strbuf desc = STRBUF_INIT;
	size_t n;
	if (!tf_need(x->doc, from, attr, NULL) || !read_items(x, from, attr, items, &n))
		return false;
	qsort(items, n, sizeof(items[0]), by_provider);
	cJSON *arr = cJSON_AddArrayToObject(svc, "capacityProviderStrategy");
	for (size_t i = 0; i < n; i++) {
		cJSON *o = cJSON_CreateObject();
		cJSON_AddStringToObject(o, "capacityProvider", items[i].provider);
		if (items[i].base > 0)
			cJSON_AddNumberToObject(o, "base", items[i].base);
		cJSON_AddNumberToObject(o, "weight", items[i].weight);
		cJSON_AddItemToArray(arr, o);
		strbuf_addf(&desc, "%s%s", i ? ", " : "", items[i].provider);
		if (items[i].base > 0)
			strbuf_addf(&desc, " base %g", items[i].base);
		strbuf_addf(&desc, " weight %g", items[i].weight);
	}
	char *attr_why = xasprintf("%s%s", attr, why);
	log_from(x, "service.capacityProviderStrategy", from, attr_why, desc.buf);
	free(attr_why);
	strbuf_release(&desc);
	tf_mark(x->doc, from);
	return true;
}

/* The name of the service's cluster, and its aws_ecs_cluster when the file has it. */
static void find_cluster(struct tf_ctx *x)
{
	const struct tf_res *c = NULL;
	const char *v = tf_string(x->service, "cluster"), *p;
	if (tf_refs(x->doc, x->service, "cluster", "aws_ecs_cluster", &c, 1))
		x->cluster_res = c;
	for (size_t i = 0; v && !x->cluster_res && i < x->doc->nr; i++) {
		const struct tf_res *r = &x->doc->res[i];
		const char *arn = tf_string(r, "arn"), *name = tf_string(r, "name");
		if (!strcmp(r->type, "aws_ecs_cluster") &&
		    ((arn && !strcmp(arn, v)) || (name && !strcmp(name, v))))
			x->cluster_res = r;
	}
	if (x->cluster_res && tf_string(x->cluster_res, "name"))
		x->cluster = xstrdup(tf_string(x->cluster_res, "name"));
	else if (v)
		x->cluster = xstrdup((p = strstr(v, ":cluster/")) ? p + 9 : v);
}

/* The cluster's default strategy: aws_ecs_cluster_capacity_providers, or the cluster's own. */
static const struct tf_res *cluster_defaults(struct tf_ctx *x, const char **attr)
{
	*attr = "default_capacity_provider_strategy";
	for (size_t i = 0; i < x->doc->nr; i++) {
		const struct tf_res *r = &x->doc->res[i];
		const char *name = tf_string(r, "cluster_name");
		if (strcmp(r->type, "aws_ecs_cluster_capacity_providers"))
			continue;
		if ((name && x->cluster && !strcmp(name, x->cluster)) ||
		    (x->cluster_res && tf_refers(x->doc, r, "cluster_name", x->cluster_res)))
			return r;
	}
	if (x->cluster_res && cJSON_GetArraySize(tf_value(x->cluster_res, *attr)))
		return x->cluster_res;
	return NULL;
}

static void ignore_default(struct tf_ctx *x, const struct tf_res *def)
{
	tf_log_add(&x->doc->log.ignored, def->address, "",
		   "its default_capacity_provider_strategy: the service sets its own");
	tf_mark(x->doc, def);
}

static void map_capacity(struct tf_ctx *x, cJSON *svc)
{
	const struct tf_res *s = x->service, *def;
	const char *lt = tf_string(s, "launch_type"), *attr;
	size_t errors = x->doc->d->errors;
	if (map_strategy(x, s, "capacity_provider_strategy", svc, "")) {
		if ((def = cluster_defaults(x, &attr)) && def != s)
			ignore_default(x, def);
		return;
	}
	if (x->doc->d->errors > errors)
		return;
	if (lt && strcmp(lt, "FARGATE")) {
		tf_fail(x->doc, s,
			"launch_type \"%s\" is not simulated (accepted: FARGATE, or a "
			"capacity_provider_strategy of FARGATE and FARGATE_SPOT)",
			lt);
	} else if (lt) {
		cJSON_AddStringToObject(svc, "launchType", lt);
		log_from(x, "service.launchType", s, "launch_type", lt);
	} else if ((def = cluster_defaults(x, &attr))) {
		map_strategy(x, def, attr, svc, " (the cluster's; the service sets none)");
	} else if (x->doc->d->errors == errors) {
		tf_fail(x->doc, s,
			"sets neither capacity_provider_strategy nor launch_type, and its cluster "
			"has no default_capacity_provider_strategy in this file (accepted: one of "
			"them)");
	}
}

static void map_count(struct tf_ctx *x, cJSON *svc)
{
	const struct tf_res *s = x->service;
	const cJSON *n = tf_need(x->doc, s, "desired_count", NULL);
	double v;
	char value[32];
	if (!n) {
		if (tf_unknown(s, "desired_count"))
			return; /* reported */
		cJSON_AddNumberToObject(svc, "desiredCount", 0);
		log_default(x, "service.desiredCount", "0",
			    "desired_count not set: the provider's default");
		return;
	}
	if (!tf_number(n, &v)) {
		tf_fail(x->doc, s, "desired_count is not a number (accepted: 0 to 5000)");
		return;
	}
	cJSON_AddNumberToObject(svc, "desiredCount", v);
	snprintf(value, sizeof(value), "%g", v);
	log_from(x, "service.desiredCount", s, "desired_count", value);
}

static void map_deployment(struct tf_ctx *x, cJSON *svc)
{
	const struct tf_res *s = x->service;
	double lo, hi;
	char value[96];
	bool has_lo =
	    tf_number(tf_need(x->doc, s, "deployment_minimum_healthy_percent", NULL), &lo);
	bool has_hi = tf_number(tf_need(x->doc, s, "deployment_maximum_percent", NULL), &hi);
	if (!has_lo && !has_hi) {
		log_default(x, "service.deploymentConfiguration", "100 % / 200 %",
			    "deployment percentages not set: ECS's defaults");
		return;
	}
	cJSON *dc = cJSON_AddObjectToObject(svc, "deploymentConfiguration");
	if (has_lo)
		cJSON_AddNumberToObject(dc, "minimumHealthyPercent", lo);
	if (has_hi)
		cJSON_AddNumberToObject(dc, "maximumPercent", hi);
	snprintf(value, sizeof(value), "min %g %%, max %g %%", has_lo ? lo : 100,
		 has_hi ? hi : 200);
	log_from(x, "service.deploymentConfiguration", s,
		 "deployment_minimum_healthy_percent, deployment_maximum_percent", value);
}

void tf_map_service(struct tf_ctx *x)
{
	static const char *const used[] = {"desired_count",
					   "capacity_provider_strategy",
					   "launch_type",
					   "deployment_minimum_healthy_percent",
					   "deployment_maximum_percent",
					   "cluster",
					   "task_definition",
					   NULL};
	const char *how;
	const struct tf_res *td;
	cJSON *task, *svc;
	size_t errors = x->doc->d->errors;

	find_cluster(x);
	task = cJSON_AddObjectToObject(x->out, "taskDefinition");
	svc = cJSON_AddObjectToObject(x->out, "service");
	map_count(x, svc);
	map_capacity(x, svc);
	if (x->doc->d->errors > errors)
		return; /* a service spotsim cannot simulate: its task definition does not matter */
	map_deployment(x, svc);
	log_unused(x, x->service, used);
	tf_mark(x->doc, x->service);
	if ((td = find_task(x, &how)))
		map_task(x, td, how, task);
	map_region(x, td);
}
