#ifndef SPOTSIM_SCALING_TARGET_H
#define SPOTSIM_SCALING_TARGET_H
/*
 * scaling_target — private to the scaling loader: the scalable target of
 * the service, from `describe-scalable-targets` output pasted as
 * scaling.ScalableTargets, and the service's Application Auto Scaling
 * resource id, service/<cluster>/<service>, that joins the two.
 *
 * The service names itself with the keys describe-services and
 * create-service use: serviceName, serviceArn (service/<cluster>/<name> in
 * its resource part; the old form service/<name> gives only the name),
 * clusterArn (cluster/<name>) or cluster (a name or an ARN). When it names
 * itself, the target used is the one whose ResourceId is its own; else the
 * only target. The target supplies MinCapacity, MaxCapacity and the
 * SuspendedState switches. Policies and scheduled actions whose ResourceId
 * names another service are errors: describe-scaling-policies without
 * --resource-id lists every service's.
 *
 * Called by scenario_scaling.c; calls loader_get.c only.
 */
#include "loader_get.h"

#define SERVICE_ID_PART 256 /* bytes of each part, cut to fit */

/* The service's own resource id, as far as the service object tells it. */
struct service_id {
	char cluster[SERVICE_ID_PART]; /* "" when unknown */
	char name[SERVICE_ID_PART];    /* "" when unknown: the service does not name itself */
};

/* Reads the names of the service object `svc` (may be NULL). */
void scaling_service_id(const cJSON *svc, struct service_id *id);

/*
 * Fills c->min_capacity, c->max_capacity and the suspended switches from the
 * element of `list` (scaling.ScalableTargets, not NULL) that is the
 * service's, and returns its owned description for `spotsim validate`
 * ("ScalableTargets[1] service/shop/api"); NULL after reporting why no
 * element can be used, or that `scaling` also sets MinCapacity/MaxCapacity.
 * When the service does not name itself, the target's ResourceId fills `id`.
 */
char *scaling_target_load(struct loader *l, const cJSON *scaling, const cJSON *list,
			  struct service_id *id, struct scaling_config *c);

/* Whether `item` (a policy or an action) has a ResourceId that is another service's. */
bool scaling_target_foreign(const cJSON *item, const struct service_id *id);

/*
 * Reports every element of `list` (ScalingPolicies or ScheduledActions,
 * named `key` in messages) whose ResourceId is another service's.
 */
void scaling_target_check_owner(struct loader *l, const cJSON *list, const char *key,
				const struct service_id *id);

#endif
