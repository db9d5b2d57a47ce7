/*
 * import_terraform_build — the chosen service's sections (see
 * import_terraform_internal.h): which service, the mappers in turn, the
 * resources left unused, and the sections for a scenario's "terraform" link.
 */
#include "import_terraform_internal.h"

#include "spotsim/util/xalloc.h"

#include <stdlib.h>
#include <string.h>

/* The resource types the importer reads; the others are only counted in the summary. */
static const char *const read_types[] = {"aws_ecs_service",
					 "aws_ecs_task_definition",
					 "aws_ecs_cluster_capacity_providers",
					 "aws_appautoscaling_target",
					 "aws_appautoscaling_policy",
					 "aws_appautoscaling_scheduled_action",
					 "aws_cloudwatch_metric_alarm",
					 NULL};

bool tf_ctx_failed(const struct tf_ctx *x)
{
	return x->doc->d->errors > x->errors;
}

static const char *service_name(const struct tf_res *r)
{
	const char *name = tf_string(r, "name");
	return name ? name : r->name;
}

/* ---- which service ---- */

/* "aws_ecs_service.api (api), aws_ecs_service.worker (worker)" */
static void list_services(const struct tf_doc *doc, struct strbuf *out)
{
	for (size_t i = 0; i < doc->nr; i++) {
		const struct tf_res *r = &doc->res[i];
		if (strcmp(r->type, "aws_ecs_service"))
			continue;
		strbuf_addf(out, "%s%s", out->len ? ", " : "", r->address);
		if (tf_string(r, "name"))
			strbuf_addf(out, " (%s)", tf_string(r, "name"));
	}
}

/* How well r answers to `want`: 2 its address, 1 its resource or service name, 0 not. */
static int answers(const struct tf_res *r, const char *want)
{
	const char *name = tf_string(r, "name");
	if (!strcmp(r->address, want))
		return 2;
	return !strcmp(r->name, want) || (name && !strcmp(name, want));
}

static const struct tf_res *pick(struct tf_doc *doc, const char *want, size_t *matches)
{
	const struct tf_res *hit = NULL;
	int best = 0;
	*matches = 0;
	for (size_t i = 0; i < doc->nr; i++) {
		const struct tf_res *r = &doc->res[i];
		int a = strcmp(r->type, "aws_ecs_service") ? 0 : want ? answers(r, want) : 1;
		if (a > best) {
			best = a;
			hit = r;
			*matches = 0;
		}
		if (a && a == best)
			++*matches;
	}
	return hit;
}

static const struct tf_res *choose_service(struct tf_doc *doc, const char *want, const char *option)
{
	size_t n;
	const struct tf_res *r = pick(doc, want, &n);
	struct strbuf list = STRBUF_INIT;
	if (n == 1)
		return r;
	list_services(doc, &list);
	if (!list.len)
		tf_fail(
		    doc, NULL,
		    "no aws_ecs_service resource (accepted: a plan or state that manages an ECS "
		    "service, in the root module or a child module)");
	else if (!want)
		tf_fail(doc, NULL, "%zu ECS services, choose one with %s (accepted: %s)", n, option,
			list.buf);
	else if (!n)
		diag_error(doc->d, doc->file, option, "\"%s\" names no ECS service (accepted: %s)",
			   want, list.buf);
	else
		diag_error(doc->d, doc->file, option,
			   "\"%s\" names %zu ECS services (accepted: one address of %s)", want, n,
			   list.buf);
	strbuf_release(&list);
	return NULL;
}

/* ---- the sections ---- */

static bool read_type(const char *type)
{
	for (size_t i = 0; read_types[i]; i++)
		if (!strcmp(type, read_types[i]))
			return true;
	return false;
}

/* The resources the import did not use, for the summary. */
static void log_unused(struct tf_doc *doc, const struct tf_res *svc)
{
	struct strbuf types = STRBUF_INIT;
	size_t others = 0;
	for (size_t i = 0; i < doc->nr; i++) {
		const struct tf_res *r = &doc->res[i];
		char *pat;
		if (r->used)
			continue;
		if (read_type(r->type)) {
			tf_log_add(&doc->log.ignored, r->address, "", "not linked to %s",
				   svc->address);
			continue;
		}
		others++;
		pat = xasprintf(", %s,", r->type);
		if (!strstr(types.buf, pat)) /* types.buf is ", a, b," */
			strbuf_addf(&types, "%s %s,", types.len ? "" : ",", r->type);
		free(pat);
	}
	if (others) {
		types.buf[types.len - 1] = '\0';
		tf_log_add(&doc->log.ignored, "other resources", "", "%zu (%s)", others,
			   types.buf + 2);
	}
	strbuf_release(&types);
}

cJSON *tf_build(struct tf_doc *doc, const char *want, const char *option,
		const struct tf_res **chosen)
{
	struct tf_ctx x;
	memset(&x, 0, sizeof(x));
	x.doc = doc;
	x.errors = doc->d->errors;
	if (!(x.service = *chosen = choose_service(doc, want, option)))
		return NULL;
	x.service_name = service_name(x.service);
	x.out = cJSON_CreateObject();
	tf_map_service(&x);
	if (!tf_ctx_failed(&x))
		tf_map_scaling(&x);
	log_unused(doc, x.service);
	free(x.cluster);
	if (tf_ctx_failed(&x)) {
		cJSON_Delete(x.out);
		return NULL;
	}
	return x.out;
}

cJSON *import_terraform_sections(const char *path, const char *service, const char *option,
				 struct diag *d)
{
	struct tf_doc doc;
	const struct tf_res *svc;
	cJSON *out = NULL;
	if (tf_doc_load(&doc, path, d) == 0)
		out = tf_build(&doc, service, option, &svc);
	if (out && doc.log.left_out.len)
		diag_note(d, path, NULL,
			  "not simulated, left out: %s (spotsim import terraform %s says why)",
			  doc.log.left_out.buf, path);
	tf_doc_release(&doc);
	return out;
}
