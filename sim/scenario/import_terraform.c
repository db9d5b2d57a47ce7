/*
 * import_terraform — the top of the Terraform importer (see
 * import_terraform.h and import_terraform_internal.h): the scenario file,
 * checked by the scenario loader like any other, and its summary.
 */
#include "spotsim/scenario/import_terraform.h"

#include "import_terraform_internal.h"
#include "jsonio.h"
#include "scenario_loader.h"
#include "spotsim/util/error.h"
#include "spotsim/util/xalloc.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *service_name(const struct tf_res *r)
{
	const char *name = tf_string(r, "name");
	return name ? name : r->name;
}

/* ---- the scenario file and its summary ---- */

static const char *base_name(const char *path)
{
	const char *slash = strrchr(path, '/');
	return slash ? slash + 1 : path;
}

static cJSON *scenario_of(const struct tf_doc *doc, const struct tf_res *svc, cJSON *sections)
{
	static const char *const keys[] = {"region", "taskDefinition", "service", "scaling", NULL};
	cJSON *sc = cJSON_CreateObject();
	char *about = xasprintf("Imported from %s: %s", base_name(doc->file), svc->address);
	cJSON_AddStringToObject(sc, "name", service_name(svc));
	cJSON_AddStringToObject(sc, "description", about);
	free(about);
	for (size_t i = 0; keys[i]; i++) {
		cJSON *it = cJSON_DetachItemFromObjectCaseSensitive(sections, keys[i]);
		if (it)
			cJSON_AddItemToObject(sc, keys[i], it);
	}
	return sc;
}

/* The place of a summary key in the scenario: region, taskDefinition, service, scaling. */
static int rank(const char *key)
{
	static const char *const order[] = {"region", "taskDefinition", "service", "scaling", NULL};
	for (int i = 0; order[i]; i++)
		if (!strncmp(key, order[i], strlen(order[i])))
			return i;
	return 4;
}

/* Sorts the lines in the order of the scenario's sections, keeping the order within one. */
static void order_lines(struct tf_lines *l)
{
	for (size_t i = 1; i < l->nr; i++) {
		struct tf_line it = l->v[i];
		size_t j = i;
		for (; j > 0 && rank(l->v[j - 1].key) > rank(it.key); j--)
			l->v[j] = l->v[j - 1];
		l->v[j] = it;
	}
}

/*
 * One section of the summary: keys aligned, then the value and the source
 * between `open` and `close`.
 */
static void write_lines(struct strbuf *out, const char *title, const struct tf_lines *l,
			const char *open, const char *close)
{
	size_t kw = 0;
	if (!l->nr)
		return;
	for (size_t i = 0; i < l->nr; i++)
		kw = strlen(l->v[i].key) > kw ? strlen(l->v[i].key) : kw;
	strbuf_addf(out, "# %s\n", title);
	for (size_t i = 0; i < l->nr; i++) {
		const struct tf_line *it = &l->v[i];
		strbuf_addf(out, "#   %-*s  %s", (int)kw, it->key, it->value);
		if (*it->source)
			strbuf_addf(out, "%s%s%s", open, it->source, close);
		strbuf_addch(out, '\n');
	}
}

static void write_summary(struct strbuf *out, struct tf_doc *doc, const struct tf_res *svc)
{
	static const char *const kinds[] = {"a plan (terraform show -json)",
					    "a state (terraform show -json)",
					    "a terraform.tfstate"};
	strbuf_addf(out, "# spotsim import terraform %s: %s, format %s%s%s\n", base_name(doc->file),
		    kinds[doc->kind], doc->format, *doc->version ? ", Terraform " : "",
		    doc->version);
	strbuf_addf(out, "# service %s (%s)\n", svc->address, service_name(svc));
	order_lines(&doc->log.from);
	order_lines(&doc->log.defaulted);
	write_lines(out,
		    "from Terraform (scenario key, value <- resource attribute):", &doc->log.from,
		    "  <- ", "");
	write_lines(out, "defaulted (not set in Terraform; the scenario's default applies):",
		    &doc->log.defaulted, "  (", ")");
	write_lines(out, "ignored (not simulated, or not part of this service):", &doc->log.ignored,
		    "  ", "");
	strbuf_adds(out, "# not in Terraform: workload, spot, startup, slo; add them to simulate "
			 "load and Spot interruptions\n");
}

/* The resource attribute that gave scenario path `path` (from the summary), or NULL. */
static const char *source_of(const struct tf_doc *doc, const char *path)
{
	const char *best = NULL;
	size_t best_len = 0;
	for (size_t i = 0; i < doc->log.from.nr; i++) {
		const struct tf_line *it = &doc->log.from.v[i];
		size_t n = strcspn(it->key, " ,"); /* "scaling.MinCapacity / MaxCapacity" */
		char next = path[n < strlen(path) ? n : strlen(path)];
		if (n > best_len && !strncmp(path, it->key, n) &&
		    (next == '\0' || next == '.' || next == '['))
			best = it->source, best_len = n;
	}
	return best;
}

/*
 * Loads the scenario as `spotsim validate` would; its problems (a task size
 * Fargate does not offer, overlapping steps, ...) go to doc->d, named by the
 * resource attribute that gave the value and the scenario key.
 */
static bool check(struct tf_doc *doc, const cJSON *tree)
{
	struct scenario sc;
	struct diag local;
	cJSON *copy = cJSON_Duplicate(tree, 1);
	diag_init(&local);
	scenario_load_tree(&sc, doc->file, copy, &local);
	for (size_t i = 0; i < local.nr; i++) {
		const struct diag_item *it = &local.items[i];
		const char *src = source_of(doc, it->path);
		char *path = src ? xasprintf("%s (%s)", src, it->path) : xstrdup(it->path);
		if (it->level == DIAG_ERROR)
			diag_error(doc->d, doc->file, path, "%s", it->msg);
		free(path);
	}
	bool ok = local.errors == 0;
	scenario_release(&sc);
	diag_release(&local);
	cJSON_Delete(copy);
	return ok;
}

int import_terraform(const char *path, const struct import_terraform_options *o,
		     struct strbuf *scenario, struct strbuf *summary, struct diag *d)
{
	struct tf_doc doc;
	const struct tf_res *svc = NULL;
	int rc = tf_doc_load(&doc, path, d);
	if (rc == 0) {
		cJSON *sections =
		    tf_build(&doc, o->service, o->option ? o->option : "--service", &svc);
		cJSON *sc = sections ? scenario_of(&doc, svc, sections) : NULL;
		if (sc && check(&doc, sc)) {
			jsonio_write(scenario, sc);
			strbuf_addch(scenario, '\n');
			write_summary(summary, &doc, svc);
		} else {
			rc = SPOTSIM_EINVAL;
		}
		cJSON_Delete(sc);
		cJSON_Delete(sections);
	}
	tf_doc_release(&doc);
	return rc;
}
