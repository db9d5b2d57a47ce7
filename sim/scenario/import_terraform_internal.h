#ifndef SPOTSIM_IMPORT_TERRAFORM_INTERNAL_H
#define SPOTSIM_IMPORT_TERRAFORM_INTERNAL_H
/*
 * import_terraform_internal — private to sim/scenario/: the Terraform
 * importer's pieces (see import_terraform.h for what it does).
 *
 * Files, each calling only those below it:
 *   import_terraform.c          the public call: the scenario file, checked by the scenario
 *                               loader (scenario.c), and the summary text
 *   (scenario.c, scenario_link.c: the loader, whose "terraform" link calls the next file)
 *   import_terraform_build.c    the choice of service, the mappers in turn, the sections
 *   import_terraform_service.c  aws_ecs_service and aws_ecs_task_definition, the region
 *   import_terraform_scaling.c  target, policies and their alarms, scheduled actions
 *   import_terraform_doc.c      the three input formats as one list of resources, values
 *                               known or not, references between resources, the summary log
 *   jsonio.c                    the file into a cJSON tree
 *
 * A struct tf_doc owns the parsed tree; every tf_res borrows its values from
 * it, so resources live as long as the document. Resources are sorted by
 * address, which makes every "first match" deterministic.
 */
#include <cjson/cJSON.h>
#include <stdbool.h>
#include <stddef.h>

#include "spotsim/util/diag.h"
#include "spotsim/util/strbuf.h"

enum tf_kind {
	TF_PLAN,    /* terraform show -json of a plan */
	TF_STATE,   /* terraform show -json of a state */
	TF_TFSTATE, /* a raw terraform.tfstate, version 4 */
};

struct tf_res {
	char *address;	      /* owned: "module.app.aws_ecs_service.main", "aws_x.y[0]" */
	char *module;	      /* owned: the module instance, "" at the root: "module.app" */
	char *type, *name;    /* owned: "aws_ecs_service", "main" */
	const cJSON *values;  /* borrowed: the attributes (planned, or in state) */
	const cJSON *unknown; /* borrowed: a plan's after_unknown, or NULL */
	const cJSON *config;  /* borrowed: a plan's configuration resource, or NULL */
	bool used;	      /* mapped into the scenario (the rest is listed as ignored) */
};

/* One line of the summary: a scenario key, its value, and where it came from or why. */
struct tf_line {
	char *key, *value, *source; /* owned */
};

struct tf_lines {
	struct tf_line *v;
	size_t nr, alloc;
};

struct tf_log {
	struct tf_lines from, defaulted, ignored;
	struct strbuf left_out; /* "a, b": the service's scaling resources that are not simulated */
};

struct tf_doc {
	const char *file; /* borrowed: for messages */
	struct diag *d;	  /* borrowed: where problems go */
	enum tf_kind kind;
	cJSON *root;		      /* owned */
	const char *format, *version; /* borrowed: format_version, terraform_version ("" if none) */
	struct tf_res *res;	      /* owned, sorted by address */
	size_t nr, alloc;
	struct tf_log log;
};

/* ---- import_terraform_doc.c ---- */

/*
 * Reads and recognises the file at `path` (borrowed; the doc borrows it for
 * messages). Returns 0, or a negative SPOTSIM_* code with the problem in
 * `d`. tf_doc_release is safe after either.
 */
int tf_doc_load(struct tf_doc *doc, const char *path, struct diag *d);
void tf_doc_release(struct tf_doc *doc);

/* Adds an error naming the document's file and `r`'s address (r may be NULL). */
void tf_fail(struct tf_doc *doc, const struct tf_res *r, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* The attribute `attr` of r, or NULL when it is absent, null or known only after apply. */
const cJSON *tf_value(const struct tf_res *r, const char *attr);
/* True when (a part of) attribute `attr` is known only after apply. */
bool tf_unknown(const struct tf_res *r, const char *attr);
/* A string attribute; NULL when absent, null, unknown, "" or not a string. */
const char *tf_string(const struct tf_res *r, const char *attr);
/* A number, or a string that holds one ("5", "-3.5"); false otherwise ("" included). */
bool tf_number(const cJSON *n, double *out);
/* The first element of a nested block (Terraform writes blocks as lists), or the object. */
const cJSON *tf_block(const cJSON *values, const char *attr);
/* A string member of a block, NULL when absent or "". */
const char *tf_member(const cJSON *block, const char *key);

/*
 * An attribute the scenario needs: reports, at r's address, a value known
 * only after apply (or a part of it), and an absent one (null, or a block
 * list with no block) when `accepted` (what would do instead) is not NULL.
 * Returns the value, or NULL.
 */
const cJSON *tf_need(struct tf_doc *doc, const struct tf_res *r, const char *attr,
		     const char *accepted);
/* Records that r is accounted for in the summary (mapped, or ignored with a reason). */
void tf_mark(struct tf_doc *doc, const struct tf_res *r);

/*
 * The resources of type `type` (NULL: any) that the configuration of r's
 * attribute `attr` refers to, directly or through module inputs (var.*) and
 * outputs (module.x.y), in address order, at most `max`. Only a plan has a
 * configuration; elsewhere none.
 */
size_t tf_refs(const struct tf_doc *doc, const struct tf_res *r, const char *attr, const char *type,
	       const struct tf_res **out, size_t max);
/* True when r's attribute `attr` refers to `to` in the configuration. */
bool tf_refers(const struct tf_doc *doc, const struct tf_res *r, const char *attr,
	       const struct tf_res *to);

/* The aws provider's region for r from the plan's configuration, or NULL. */
const char *tf_provider_region(const struct tf_doc *doc, const struct tf_res *r);

/* Adds a summary line; `value` is formatted. */
void tf_log_add(struct tf_lines *l, const char *key, const char *source, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
void tf_log_release(struct tf_log *log);

/* ---- the mappers ---- */

/* What one import knows while it maps the chosen service. */
struct tf_ctx {
	struct tf_doc *doc;
	const struct tf_res *service;
	const char *service_name; /* the service's name attribute (or resource name) */
	char *cluster;		  /* owned: the cluster's name, NULL when not known */
	const struct tf_res *cluster_res;
	cJSON *out;    /* owned by the caller: the sections being built */
	size_t errors; /* the doc's diag errors when the import began */
};

/* True when an error was added since the import began. */
bool tf_ctx_failed(const struct tf_ctx *x);

/* import_terraform_service.c: "region", "taskDefinition" and "service" into x->out. */
void tf_map_service(struct tf_ctx *x);
/* import_terraform_scaling.c: "scaling" into x->out, when a scalable target is found. */
void tf_map_scaling(struct tf_ctx *x);

/* ---- import_terraform_build.c ---- */

/*
 * The sections for the service `want` names (NULL: the only one) as an owned
 * object, with *chosen set; NULL with the problems in doc->d. `option` names
 * what chooses the service, for messages ("--service", "terraform.service").
 */
cJSON *tf_build(struct tf_doc *doc, const char *want, const char *option,
		const struct tf_res **chosen);

/*
 * The sections that the Terraform JSON at `path` gives the service named by
 * `service` (NULL: the only one), as an owned object with "region" (when
 * Terraform names one), "taskDefinition", "service" and "scaling" (when
 * there is a scalable target); NULL with the problems in `d`. `option` names
 * the scenario key that chooses the service, for messages. Scaling
 * resources of the service that are left out go to `d` as one note.
 */
cJSON *import_terraform_sections(const char *path, const char *service, const char *option,
				 struct diag *d);

#endif
