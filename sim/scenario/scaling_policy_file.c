/*
 * scaling_policy_file — one scaling policy file for `spotsim scale`
 * (scenario_load_policy in scenario.h). The file holds one policy object,
 * as put-scaling-policy takes it, or describe-scaling-policies output with
 * exactly one element in "ScalingPolicies". It goes through the same schema
 * and the same policy reader (scaling_policy.c) as a scenario's policies;
 * keys spotsim does not model are ignored without a note.
 */
#include "spotsim/scenario/scenario.h"

#include "loader_get.h"
#include "scaling_policy.h"
#include "scenario_schema.h"

#include "spotsim/util/error.h"

#include <string.h>

static const struct sschema *sub_schema(const struct sschema *s, const char *key)
{
	for (const struct sfield *f = s ? s->fields : NULL; f && f->key; f++)
		if (!strcmp(f->key, key))
			return f->sub;
	return NULL;
}

/* The policy object: the root, or the one element of "ScalingPolicies". */
static const cJSON *policy_node(struct loader *l, const cJSON *root, const char **base)
{
	const cJSON *list = loader_get(root, "ScalingPolicies");
	*base = "";
	if (!list)
		return root;
	if (!cJSON_IsArray(list) || cJSON_GetArraySize(list) != 1 || !cJSON_IsObject(list->child)) {
		loader_err(l, "ScalingPolicies",
			   "%d policies given (accepted: exactly one policy object)",
			   cJSON_IsArray(list) ? cJSON_GetArraySize(list) : 0);
		return NULL;
	}
	*base = "ScalingPolicies[0]";
	return list->child;
}

static void walk_policy(struct loader *l, const cJSON *pol, const char *base)
{
	const struct sschema *schema =
	    sub_schema(sub_schema(&scenario_schema_root, "scaling"), "ScalingPolicies");
	struct swalk w;
	if (!schema)
		return;
	swalk_init(&w, l->file, "", l->d);
	if (*base) {
		swalk_push_key(&w, "ScalingPolicies");
		swalk_push_index(&w, 0);
	}
	swalk_object(&w, schema, pol);
	swalk_release(&w); /* keys spotsim does not model are simply ignored here */
}

/* What scenario.c checks for a scenario's policies, for a policy file. */
static void check_shape(struct loader *l, const cJSON *pol, const char *base)
{
	const char *type = loader_get_string(pol, "PolicyType");
	char at[PATH_SIZE];
	if (!type || (strcmp(type, "TargetTrackingScaling") && strcmp(type, "StepScaling")))
		return;
	bool tt = !strcmp(type, "TargetTrackingScaling");
	const char *want =
	    tt ? "TargetTrackingScalingPolicyConfiguration" : "StepScalingPolicyConfiguration";
	const cJSON *cfg = loader_get(pol, want);
	if (!cfg)
		loader_err(l, *base ? base : NULL,
			   "missing key \"%s\" (accepted: a %s policy has one)", want, type);
	else if (tt && !loader_get(cfg, "PredefinedMetricSpecification") &&
		 !loader_get(cfg, "CustomizedMetricSpecification"))
		loader_err(l, loader_join(at, base, want),
			   "has no metric (accepted: PredefinedMetricSpecification or "
			   "CustomizedMetricSpecification)");
}

int scenario_load_policy(const char *path, struct scaling_policy *out, struct diag *d)
{
	int rc = 0;
	size_t errors = d->errors;
	const char *base;
	memset(out, 0, sizeof(*out));
	cJSON *root = scenario_parse_json(path, d, &rc);
	if (!root)
		return rc;
	struct loader l = {NULL, d, path, root, NULL, false};
	const cJSON *pol = policy_node(&l, root, &base);
	if (pol) {
		walk_policy(&l, pol, base);
		check_shape(&l, pol, base);
	}
	if (pol && d->errors == errors && !scaling_policy_load(&l, pol, base, out))
		loader_err(&l, NULL,
			   "holds no scaling policy (accepted: a policy object with PolicyName, "
			   "PolicyType and its configuration)");
	cJSON_Delete(root);
	return d->errors == errors ? 0 : SPOTSIM_EINVAL;
}
