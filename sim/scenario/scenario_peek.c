/*
 * scenario_peek — what a scenario file says about itself, read without
 * loading the rest (see scenario_peek in scenario.h): for the copy of a
 * scenario in an output folder, whose relative data files need not resolve
 * there. The scaling policies are read by the loader's own policy reader,
 * so a peeked CPU target is the one the run used.
 */
#include "loader_get.h"
#include "scaling_alarms.h"
#include "scaling_policy.h"
#include "scenario_loader.h"

#include "spotsim/scenario/scenario.h"
#include "spotsim/util/xalloc.h"

#include <stdlib.h>
#include <string.h>

/* The loader's reading of "slo"; a max_breach_probability outside [0, 1] is the default. */
static void peek_slo(const cJSON *root, struct slo *o)
{
	double v;

	scenario_slo_read(loader_get(root, "slo"), o);
	v = o->max_breach_probability;
	if (!(v >= 0 && v <= 1))
		o->max_breach_probability = SCENARIO_DEFAULT_MAX_BREACH;
}

/* The policies of scaling.ScalingPolicies that load; those that do not are left out. */
static void peek_policies(struct loader *l, struct scenario_facts *f)
{
	const cJSON *s = loader_get(l->root, "scaling"), *pol;
	const cJSON *list = loader_get(s, "ScalingPolicies"), *given = loader_get(s, "alarms");
	const char *file = loader_get_string(given, "file");
	struct scaling_alarms alarms;

	if (!cJSON_IsArray(list))
		return;
	scaling_alarms_load(l, given, &alarms);
	if (alarms.given && !alarms.list && !f->unread)
		f->unread = xstrdup(file ? file : "scaling.alarms");
	l->alarms = &alarms;
	f->policies = xcalloc((size_t)cJSON_GetArraySize(list) + 1, sizeof(*f->policies));
	cJSON_ArrayForEach(pol, list)
	{
		struct scaling_policy *p = &f->policies[f->npolicies];
		if (scaling_policy_load(l, pol, "scaling.ScalingPolicies", p))
			f->npolicies++;
		else
			scaling_policy_release(p);
	}
	l->alarms = NULL;
	scaling_alarms_finish(l, &alarms);
}

/* The tree of `path` with its "terraform" link expanded, else without; NULL when unreadable. */
static cJSON *peek_tree(const char *path, struct scenario_facts *f, struct diag *d, int *rc)
{
	struct diag quiet;
	cJSON *root;

	diag_init(&quiet);
	root = scenario_read_tree(path, &quiet, rc);
	diag_release(&quiet);
	if (root)
		return root;
	root = scenario_parse_json(path, d, rc);
	const char *link = loader_get_string(loader_get(root, "terraform"), "file");
	if (link)
		f->unread = xstrdup(link);
	return root;
}

/* "duration", or 0 when a variant or the sweep sets another (the runs differ). */
static sim_time peek_duration(const cJSON *root)
{
	const cJSON *v;
	sim_time t;

	if (loader_get(loader_get(root, "sweep"), "duration"))
		return 0;
	cJSON_ArrayForEach(v, loader_get(root, "variants"))
	{
		if (loader_get(loader_get(v, "set"), "duration"))
			return 0;
	}
	return loader_get_duration(root, "duration", &t) ? t : SCENARIO_DEFAULT_DURATION;
}

int scenario_peek(const char *path, struct scenario_facts *f, struct diag *d)
{
	struct scenario scratch;
	struct diag quiet;
	const char *slash = strrchr(path, '/');
	int rc = 0;

	memset(f, 0, sizeof(*f));
	cJSON *root = peek_tree(path, f, d, &rc);
	if (!root)
		return rc;
	const char *name = loader_get_string(root, "name");
	const char *description = loader_get_string(root, "description");
	f->name = name ? xstrdup(name) : NULL;
	f->description = xstrdup(description ? description : "");
	peek_slo(root, &f->slo);
	f->duration = peek_duration(root);
	memset(&scratch, 0, sizeof(scratch));
	scratch.file = xstrdup(path);
	scratch.dir =
	    slash ? xstrndup(path, slash == path ? 1 : (size_t)(slash - path)) : xstrdup("");
	diag_init(&quiet);
	struct loader l = {&scratch, &quiet, path, root, NULL, false};
	peek_policies(&l, f);
	diag_release(&quiet);
	scenario_release(&scratch);
	cJSON_Delete(root);
	return 0;
}

void scenario_facts_release(struct scenario_facts *f)
{
	free(f->name);
	free(f->description);
	free(f->unread);
	for (size_t i = 0; i < f->npolicies; i++)
		scaling_policy_release(&f->policies[i]);
	free(f->policies);
	memset(f, 0, sizeof(*f));
}
