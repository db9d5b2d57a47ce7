/*
 * scaling_target — the service's scalable target and resource id (see
 * scaling_target.h). A resource id is compared part by part: the name
 * always, the cluster only when the service names it.
 */
#include "scaling_target.h"

#include "spotsim/util/strbuf.h"
#include "spotsim/util/xalloc.h"

#include <stdio.h>
#include <string.h>

#define SERVICE_PREFIX "service/"

static void copy_part(char *out, size_t size, const char *from, size_t len)
{
	if (len >= size)
		len = size - 1;
	memcpy(out, from, len);
	out[len] = '\0';
}

/* "<cluster>/<name>" or "<name>" (the resource part of an ARN or a ResourceId), each part
 * into SERVICE_ID_PART bytes. */
static void split_service(const char *p, char *cluster, char *name)
{
	const char *slash = strchr(p, '/');
	if (slash) {
		copy_part(cluster, SERVICE_ID_PART, p, (size_t)(slash - p));
		p = slash + 1;
	}
	copy_part(name, SERVICE_ID_PART, p, strlen(p));
}

/* The cluster and name of ResourceId service/<cluster>/<name>; false for another form. */
static bool parse_resource_id(const char *rid, char *cluster, char *name)
{
	if (!rid || strncmp(rid, SERVICE_PREFIX, strlen(SERVICE_PREFIX)) ||
	    !strchr(rid + strlen(SERVICE_PREFIX), '/'))
		return false;
	split_service(rid + strlen(SERVICE_PREFIX), cluster, name);
	return true;
}

void scaling_service_id(const cJSON *svc, struct service_id *id)
{
	const char *s, *p;
	memset(id, 0, sizeof(*id));
	if ((s = loader_get_string(svc, "serviceArn")) && (p = strstr(s, ":service/")))
		split_service(p + strlen(":service/"), id->cluster, id->name);
	if ((s = loader_get_string(svc, "clusterArn")) || (s = loader_get_string(svc, "cluster"))) {
		p = strstr(s, ":cluster/");
		p = p ? p + strlen(":cluster/") : s;
		copy_part(id->cluster, sizeof(id->cluster), p, strlen(p));
	}
	if ((s = loader_get_string(svc, "serviceName")) && *s)
		copy_part(id->name, sizeof(id->name), s, strlen(s));
}

/* Whether ResourceId `rid` is service/<cluster>/<name> of `id`. */
static bool is_own(const char *rid, const struct service_id *id)
{
	char cluster[SERVICE_ID_PART] = "", name[SERVICE_ID_PART] = "";
	return parse_resource_id(rid, cluster, name) && !strcmp(name, id->name) &&
	       (!*id->cluster || !strcmp(cluster, id->cluster));
}

/* "service/shop/api", or "service/<cluster>/api" when the cluster is unknown. */
static const char *own_text(const struct service_id *id, char *out, size_t size)
{
	snprintf(out, size, SERVICE_PREFIX "%s/%s", *id->cluster ? id->cluster : "<cluster>",
		 id->name);
	return out;
}

/* The ResourceIds of the targets: "\"service/a/b\", \"service/a/c\"". */
static void list_ids(const cJSON *list, struct strbuf *out)
{
	const cJSON *t;
	cJSON_ArrayForEach(t, list)
	{
		const char *rid = loader_get_string(t, "ResourceId");
		strbuf_addf(out, "%s%s%s%s", out->len ? ", " : "", rid ? "\"" : "",
			    rid ? rid : "one without ResourceId", rid ? "\"" : "");
	}
}

/* Reports that no single target is the service's. */
static void report_pick(struct loader *l, const cJSON *list, const struct service_id *id,
			int matches)
{
	struct strbuf ids = STRBUF_INIT;
	char own[600];
	list_ids(list, &ids);
	if (!*id->name)
		loader_err(l, "scaling.ScalableTargets",
			   "%d targets given and the service does not say which is its own "
			   "(accepted: one target, or service.serviceName and service.clusterArn "
			   "naming one of %s)",
			   cJSON_GetArraySize(list), ids.buf);
	else if (!matches)
		loader_err(l, "scaling.ScalableTargets",
			   "no target is the service's, %s (accepted: the target whose ResourceId "
			   "is %s; given: %s)",
			   own_text(id, own, sizeof(own)), own, ids.buf);
	else
		loader_err(l, "scaling.ScalableTargets",
			   "%d targets are the service's, %s (accepted: one; given: %s)", matches,
			   own_text(id, own, sizeof(own)), ids.buf);
	strbuf_release(&ids);
}

/* The index of the service's target in `list`, or -1 after reporting why there is none. */
static int pick(struct loader *l, const cJSON *list, const struct service_id *id)
{
	int found = -1, matches = 0, i = 0;
	const cJSON *t;
	if (!cJSON_GetArraySize(list)) {
		loader_err(l, "scaling.ScalableTargets",
			   "is empty (accepted: the describe-scalable-targets output of the "
			   "service, with its target)");
		return -1;
	}
	if (!*id->name && cJSON_GetArraySize(list) == 1)
		return 0;
	cJSON_ArrayForEach(t, list)
	{
		if (*id->name && is_own(loader_get_string(t, "ResourceId"), id) && !matches++)
			found = i;
		i++;
	}
	if (matches != 1)
		report_pick(l, list, id, matches);
	return matches == 1 ? found : -1;
}

/* False after reporting that `scaling` sets a bound the target sets too. */
static bool bounds_once(struct loader *l, const cJSON *scaling, int i)
{
	static const char *const keys[] = {"MinCapacity", "MaxCapacity"};
	char at[PATH_SIZE];
	bool ok = true;
	for (int k = 0; k < 2; k++)
		if (loader_get(scaling, keys[k])) {
			loader_err(l, loader_join(at, "scaling", keys[k]),
				   "is also given by scaling.ScalableTargets[%d] (accepted: one of "
				   "them; set the target's %s instead)",
				   i, keys[k]);
			ok = false;
		}
	return ok;
}

char *scaling_target_load(struct loader *l, const cJSON *scaling, const cJSON *list,
			  struct service_id *id, struct scaling_config *c)
{
	char base[PATH_SIZE], at[PATH_SIZE];
	int i = pick(l, list, id);
	long lo, hi;
	if (i < 0 || !bounds_once(l, scaling, i))
		return NULL;
	const cJSON *t = cJSON_GetArrayItem(list, i);
	const char *rid = loader_get_string(t, "ResourceId");
	snprintf(base, sizeof(base), "scaling.ScalableTargets[%d]", i);
	if (!loader_get_int(t, "MinCapacity", 0, 100000, &lo) ||
	    !loader_get_int(t, "MaxCapacity", 0, 100000, &hi))
		return NULL; /* reported by the schema walk */
	if (lo > hi) {
		loader_err(l, loader_join(at, base, "MinCapacity"),
			   "MinCapacity %ld is above MaxCapacity %ld (accepted: MinCapacity <= "
			   "MaxCapacity)",
			   lo, hi);
		return NULL;
	}
	c->min_capacity = lo;
	c->max_capacity = hi;
	const cJSON *ss = loader_get(t, "SuspendedState");
	c->scale_in_suspended = cJSON_IsTrue(loader_get(ss, "DynamicScalingInSuspended"));
	c->scale_out_suspended = cJSON_IsTrue(loader_get(ss, "DynamicScalingOutSuspended"));
	c->scheduled_suspended = cJSON_IsTrue(loader_get(ss, "ScheduledScalingSuspended"));
	if (!*id->name) /* the target then names the service, for its policies */
		parse_resource_id(rid, id->cluster, id->name);
	return rid ? xasprintf("ScalableTargets[%d] %s", i, rid)
		   : xasprintf("ScalableTargets[%d]", i);
}

bool scaling_target_foreign(const cJSON *item, const struct service_id *id)
{
	const char *rid = loader_get_string(item, "ResourceId");
	return *id->name && rid && !is_own(rid, id);
}

void scaling_target_check_owner(struct loader *l, const cJSON *list, const char *key,
				const struct service_id *id)
{
	const cJSON *it;
	char path[PATH_SIZE], own[600];
	int i = 0;
	if (!*id->name)
		return;
	own_text(id, own, sizeof(own));
	cJSON_ArrayForEach(it, list)
	{
		const char *rid = loader_get_string(it, "ResourceId");
		if (scaling_target_foreign(it, id)) {
			snprintf(path, sizeof(path), "scaling.%s[%d].ResourceId", key, i);
			loader_err(l, path,
				   "\"%s\" is another service's (accepted: %s, the service's own; "
				   "leave out the others, or describe with --resource-id %s)",
				   rid, own, own);
		}
		i++;
	}
}
