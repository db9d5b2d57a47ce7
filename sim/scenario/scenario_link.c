/*
 * scenario_link — a scenario's "terraform" link (see scenario_loader.h):
 * {"terraform": {"file": "plan.json", "service": "module.app.aws_ecs_service.main"}}
 * gives the scenario the sections that `spotsim import terraform` would
 * write (region, taskDefinition, service, scaling), read from the file at
 * every load, so a re-planned configuration is simulated without a new
 * import. The sections are added to the tree before anything else reads it:
 * variants and sweeps then edit them like sections written by hand, and
 * every check applies to them. A section the scenario gives itself is an
 * error, never silently replaced.
 */
#include "scenario_loader.h"

#include "import_terraform_internal.h"
#include "loader_get.h"
#include "spotsim/util/error.h"
#include "spotsim/util/xalloc.h"

#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

static const char link_shape[] = "{\"file\": \"plan.json\", \"service\": \"ADDRESS or NAME\"}";

/* The link's file, resolved against the scenario's folder; NULL after reporting a bad link. */
static char *link_file(const cJSON *link, const char *path, struct diag *d)
{
	const cJSON *file = cJSON_GetObjectItemCaseSensitive(link, "file");
	const cJSON *svc = cJSON_GetObjectItemCaseSensitive(link, "service");
	const char *slash = strrchr(path, '/');
	struct stat st;
	if (!cJSON_IsObject(link)) {
		diag_error(d, path, "terraform", "is not an object (accepted: %s)", link_shape);
		return NULL;
	}
	if (!cJSON_IsString(file) || !*file->valuestring) {
		diag_error(d, path, file ? "terraform.file" : "terraform",
			   "%s (accepted: the path of terraform show -json output or of a "
			   "terraform.tfstate, relative to the scenario's folder)",
			   file ? "is not a file name" : "missing key \"file\"");
		return NULL;
	}
	if (svc && !cJSON_IsString(svc)) {
		diag_error(
		    d, path, "terraform.service",
		    "is not a string (accepted: an address, a resource name or a service name)");
		return NULL;
	}
	char *full = *file->valuestring == '/' || !slash
			 ? xstrdup(file->valuestring)
			 : xasprintf("%.*s/%s", (int)(slash - path), path, file->valuestring);
	if (stat(full, &st) == 0 && S_ISREG(st.st_mode))
		return full;
	diag_error(d, path, "terraform.file",
		   "file \"%s\" not found (accepted: a path relative to the scenario's folder, or "
		   "absolute)",
		   full);
	free(full);
	return NULL;
}

/* Adds the linked sections to `root`; false after reporting a problem. */
static bool expand(cJSON *root, const char *path, struct diag *d)
{
	const cJSON *link = cJSON_GetObjectItemCaseSensitive(root, "terraform");
	const cJSON *svc = cJSON_GetObjectItemCaseSensitive(link, "service");
	char *file = link ? link_file(link, path, d) : NULL;
	bool ok = true;
	if (!link || !file)
		return !link;
	cJSON *sections = import_terraform_sections(
	    file, cJSON_IsString(svc) ? svc->valuestring : NULL, "terraform.service", d);
	for (const cJSON *s = sections ? sections->child : NULL; s; s = s->next) {
		if (!cJSON_GetObjectItemCaseSensitive(root, s->string))
			continue;
		diag_error(d, path, s->string,
			   "given both here and by \"terraform\" (%s) (accepted: one of them)",
			   cJSON_GetObjectItemCaseSensitive(link, "file")->valuestring);
		ok = false;
	}
	while (ok && sections && sections->child) {
		cJSON *s = cJSON_DetachItemViaPointer(sections, sections->child);
		cJSON_AddItemToObject(root, s->string, s);
	}
	cJSON_Delete(sections);
	free(file);
	return ok && sections;
}

cJSON *scenario_read_tree(const char *path, struct diag *d, int *rc)
{
	cJSON *root = scenario_parse_json(path, d, rc);
	if (root && !expand(root, path, d)) {
		cJSON_Delete(root);
		root = NULL;
		*rc = SPOTSIM_EINVAL;
	}
	return root;
}
