/*
 * import_terraform_scaling — the service's Application Auto Scaling into the
 * scenario's "scaling" section in put-scaling-policy shape (see
 * import_terraform_internal.h).
 *
 * The scalable target is the aws_appautoscaling_target whose resource_id
 * refers to the service in the configuration, or reads
 * "service/<cluster>/<service>". Policies and scheduled actions belong to it
 * when their resource_id refers to the target (or the service), or equals
 * the target's. A step policy takes the first aws_cloudwatch_metric_alarm
 * (by address) whose alarm_actions hold the policy's ARN, or, in a plan where
 * that ARN is known only after apply, refer to the policy.
 *
 * What spotsim cannot simulate is left out with its reason in the summary:
 * a metric it does not model, metric math, an extended statistic, a policy
 * type other than target tracking and step scaling, a step policy that no
 * alarm calls.
 */
#include "import_terraform_internal.h"

#include "spotsim/util/xalloc.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const cJSON *get(const cJSON *obj, const char *key)
{
	return cJSON_IsObject(obj) ? cJSON_GetObjectItemCaseSensitive(obj, key) : NULL;
}

/* CloudWatch metrics as the scenario names them (README "Importing from Terraform"). */
static const struct metric_name {
	const char *ns; /* NULL: any namespace (a custom metric under spotsim's name) */
	const char *cw, *spotsim;
} metric_names[] = {
    {"AWS/ECS", "CPUUtilization", "CPUUtilization"},
    {"AWS/ECS", "MemoryUtilization", "MemoryUtilization"},
    {"AWS/ApplicationELB", "RequestCount", "RequestCount"},
    {"AWS/ApplicationELB", "RequestCountPerTarget", "ALBRequestCountPerTarget"},
    {"AWS/SQS", "ApproximateNumberOfMessagesVisible", "Backlog"},
    {NULL, "Backlog", "Backlog"},
    {NULL, "BacklogPerTask", "BacklogPerTask"},
};

static const char *metric_of(const char *ns, const char *name)
{
	for (size_t i = 0; ns && name && i < sizeof(metric_names) / sizeof(metric_names[0]); i++) {
		const struct metric_name *m = &metric_names[i];
		if ((!m->ns || !strcmp(m->ns, ns)) && !strcmp(m->cw, name))
			return m->spotsim;
	}
	return NULL;
}

static bool one_of(const char *s, const char *const *list)
{
	for (size_t i = 0; s && list[i]; i++)
		if (!strcmp(s, list[i]))
			return true;
	return false;
}

static void ignore(struct tf_ctx *x, const struct tf_res *r, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static void ignore(struct tf_ctx *x, const struct tf_res *r, const char *fmt, ...)
{
	struct strbuf sb = STRBUF_INIT;
	va_list ap;
	va_start(ap, fmt);
	strbuf_vaddf(&sb, fmt, ap);
	va_end(ap);
	tf_log_add(&x->doc->log.ignored, r->address, "", "%s", sb.buf);
	strbuf_release(&sb);
	tf_mark(x->doc, r);
	if (strcmp(r->type, "aws_cloudwatch_metric_alarm")) /* its policy is named already */
		strbuf_addf(&x->doc->log.left_out, "%s%s", x->doc->log.left_out.len ? ", " : "",
			    r->address);
}

static void add_number_if(cJSON *o, const char *key, const cJSON *n)
{
	double v;
	if (tf_number(n, &v))
		cJSON_AddNumberToObject(o, key, v);
}

/* ---- links ---- */

static bool names_service(struct tf_ctx *x, const char *id)
{
	const char *slash = id && !strncmp(id, "service/", 8) ? strchr(id + 8, '/') : NULL;
	size_t n = slash ? (size_t)(slash - id - 8) : 0;
	if (!slash || strcmp(slash + 1, x->service_name))
		return false;
	return !x->cluster || (strlen(x->cluster) == n && !strncmp(id + 8, x->cluster, n));
}

static bool target_of_service(struct tf_ctx *x, const struct tf_res *t)
{
	const char *ns = tf_string(t, "service_namespace");
	const char *dim = tf_string(t, "scalable_dimension");
	if ((ns && strcmp(ns, "ecs")) || (dim && strcmp(dim, "ecs:service:DesiredCount")))
		return false;
	return tf_refers(x->doc, t, "resource_id", x->service) ||
	       names_service(x, tf_string(t, "resource_id"));
}

static bool of_target(struct tf_ctx *x, const struct tf_res *r, const struct tf_res *t)
{
	const char *id = tf_string(r, "resource_id"), *tid = tf_string(t, "resource_id");
	if (tf_refers(x->doc, r, "resource_id", t) ||
	    tf_refers(x->doc, r, "resource_id", x->service))
		return true;
	return id && tid && !strcmp(id, tid);
}

/* Whether alarm a calls policy p; *how says through what. */
static bool calls(struct tf_ctx *x, const struct tf_res *a, const struct tf_res *p,
		  const char **how)
{
	const char *arn = tf_string(p, "arn");
	const cJSON *it;
	*how = "alarm_actions (configuration reference)";
	if (tf_refers(x->doc, a, "alarm_actions", p))
		return true;
	*how = "alarm_actions";
	cJSON_ArrayForEach(it, tf_value(a, "alarm_actions"))
	{
		if (arn && cJSON_IsString(it) && !strcmp(it->valuestring, arn))
			return true;
	}
	return false;
}

static const struct tf_res *find_alarm(struct tf_ctx *x, const struct tf_res *p, const char **how)
{
	const struct tf_res *first = NULL;
	const char *h;
	for (size_t i = 0; i < x->doc->nr; i++) {
		const struct tf_res *a = &x->doc->res[i];
		if (strcmp(a->type, "aws_cloudwatch_metric_alarm") || !calls(x, a, p, &h))
			continue;
		if (!first) {
			first = a;
			*how = h;
		} else {
			char *why =
			    xasprintf("calls %s too; spotsim gives a step policy one alarm, %s",
				      p->address, first->address);
			ignore(x, a, "%s", why);
			free(why);
		}
	}
	return first;
}

/* ---- target tracking ---- */

struct policy_log {
	struct strbuf desc, alarm; /* what the policy does, what its alarm watches */
	struct strbuf defaults;	   /* the defaults that apply to it */
	const struct tf_res *alarm_res;
	const char *how; /* how the alarm was linked */
};

static bool map_predefined(struct tf_ctx *x, const struct tf_res *p, const cJSON *pre, cJSON *cfg)
{
	static const char *const types[] = {"ECSServiceAverageCPUUtilization",
					    "ECSServiceAverageMemoryUtilization",
					    "ALBRequestCountPerTarget", NULL};
	const char *type = tf_member(pre, "predefined_metric_type");
	const char *label = tf_member(pre, "resource_label");
	if (!one_of(type, types)) {
		ignore(x, p,
		       "predefined metric %s is not simulated (simulated: "
		       "ECSServiceAverageCPUUtilization, ECSServiceAverageMemoryUtilization, "
		       "ALBRequestCountPerTarget)",
		       type ? type : "(none)");
		return false;
	}
	cJSON *o = cJSON_AddObjectToObject(cfg, "PredefinedMetricSpecification");
	cJSON_AddStringToObject(o, "PredefinedMetricType", type);
	if (label)
		cJSON_AddStringToObject(o, "ResourceLabel", label);
	return true;
}

static bool map_customized(struct tf_ctx *x, const struct tf_res *p, const cJSON *cust, cJSON *cfg)
{
	const char *name = tf_member(cust, "metric_name"), *ns = tf_member(cust, "namespace");
	const char *stat = tf_member(cust, "statistic"), *metric = metric_of(ns, name);
	if (cJSON_GetArraySize(get(cust, "metrics"))) {
		ignore(x, p, "%s", "a customized metric with metric math is not simulated");
		return false;
	}
	if (!metric) {
		char *what = xasprintf("%s %s", ns ? ns : "?", name ? name : "?");
		ignore(x, p, "customized metric %s is not simulated (see the mapping table)", what);
		free(what);
		return false;
	}
	cJSON *o = cJSON_AddObjectToObject(cfg, "CustomizedMetricSpecification");
	cJSON_AddStringToObject(o, "MetricName", metric);
	if (stat)
		cJSON_AddStringToObject(o, "Statistic", stat);
	return true;
}

/* Cooldowns (the defaults noted when unset) and DisableScaleIn. */
static void map_target_options(const cJSON *b, cJSON *cfg, struct policy_log *pl)
{
	add_number_if(cfg, "ScaleOutCooldown", get(b, "scale_out_cooldown"));
	add_number_if(cfg, "ScaleInCooldown", get(b, "scale_in_cooldown"));
	bool out = get(cfg, "ScaleOutCooldown") != NULL, in = get(cfg, "ScaleInCooldown") != NULL;
	if (!out || !in)
		strbuf_addf(&pl->defaults, "%s%s%s 300 s", out ? "" : "ScaleOutCooldown",
			    out || in ? "" : ", ", in ? "" : "ScaleInCooldown");
	if (cJSON_IsBool(get(b, "disable_scale_in")))
		cJSON_AddBoolToObject(cfg, "DisableScaleIn",
				      cJSON_IsTrue(get(b, "disable_scale_in")));
}

static bool map_target_tracking(struct tf_ctx *x, const struct tf_res *p, cJSON *o,
				struct policy_log *pl)
{
	static const char attr[] = "target_tracking_scaling_policy_configuration";
	const cJSON *b = tf_need(x->doc, p, attr,
				 "a target_tracking_scaling_policy_configuration "
				 "block")
			     ? tf_block(p->values, attr)
			     : NULL;
	const cJSON *pre = tf_block(b, "predefined_metric_specification");
	const cJSON *cust = tf_block(b, "customized_metric_specification");
	double target;
	if (!b)
		return false;
	if (!tf_number(get(b, "target_value"), &target)) {
		tf_fail(x->doc, p, "%s has no target_value (accepted: a number above 0)", attr);
		return false;
	}
	cJSON *cfg = cJSON_AddObjectToObject(o, "TargetTrackingScalingPolicyConfiguration");
	cJSON_AddNumberToObject(cfg, "TargetValue", target);
	if (!(pre    ? map_predefined(x, p, pre, cfg)
	      : cust ? map_customized(x, p, cust, cfg)
		     : false)) {
		if (!pre && !cust)
			ignore(x, p, "%s", "a target tracking policy without a metric");
		return false;
	}
	map_target_options(b, cfg, pl);
	strbuf_addf(&pl->desc, "%s target %g",
		    pre ? tf_member(pre, "predefined_metric_type")
			: metric_of(tf_member(cust, "namespace"), tf_member(cust, "metric_name")),
		    target);
	return true;
}

/* ---- step scaling ---- */

struct step {
	bool has_lo, has_hi;
	double lo, hi, adjustment;
};

static int by_lower(const void *a, const void *b)
{
	const struct step *x = a, *y = b;
	if (x->has_lo != y->has_lo)
		return x->has_lo ? 1 : -1; /* the open lower bound first */
	return x->has_lo ? (x->lo > y->lo) - (x->lo < y->lo) : 0;
}

/* Step bounds are strings in Terraform, "" when open; sorted: the set has no order. */
static void map_steps(const cJSON *list, cJSON *cfg)
{
	size_t n = 0, max = (size_t)cJSON_GetArraySize(list);
	struct step *s = xcalloc(max + 1, sizeof(*s));
	const cJSON *it;
	cJSON_ArrayForEach(it, list)
	{
		s[n].has_lo = tf_number(get(it, "metric_interval_lower_bound"), &s[n].lo);
		s[n].has_hi = tf_number(get(it, "metric_interval_upper_bound"), &s[n].hi);
		if (!tf_number(get(it, "scaling_adjustment"), &s[n].adjustment))
			s[n].adjustment = 0;
		n++;
	}
	qsort(s, n, sizeof(*s), by_lower);
	cJSON *arr = cJSON_AddArrayToObject(cfg, "StepAdjustments");
	for (size_t i = 0; i < n; i++) {
		cJSON *o = cJSON_CreateObject();
		if (s[i].has_lo)
			cJSON_AddNumberToObject(o, "MetricIntervalLowerBound", s[i].lo);
		if (s[i].has_hi)
			cJSON_AddNumberToObject(o, "MetricIntervalUpperBound", s[i].hi);
		cJSON_AddNumberToObject(o, "ScalingAdjustment", s[i].adjustment);
		cJSON_AddItemToArray(arr, o);
	}
	free(s);
}

static const char *compare_text(const char *op)
{
	static const char *const ops[][2] = {{"GreaterThanOrEqualToThreshold", ">="},
					     {"GreaterThanThreshold", ">"},
					     {"LessThanThreshold", "<"},
					     {"LessThanOrEqualToThreshold", "<="}};
	for (size_t i = 0; op && i < 4; i++)
		if (!strcmp(op, ops[i][0]))
			return ops[i][1];
	return NULL;
}

/* Why the alarm cannot drive a simulated policy, or NULL when it can. */
static char *alarm_problem(const struct tf_res *a, const char **metric)
{
	const char *ns = tf_string(a, "namespace"), *name = tf_string(a, "metric_name");
	*metric = metric_of(ns, name);
	if (!*metric)
		return xasprintf(
		    "its alarm %s watches %s %s, which spotsim does not simulate (see the "
		    "mapping table)",
		    a->address, ns ? ns : "?", name ? name : "?");
	if (!tf_string(a, "statistic"))
		return xasprintf("its alarm %s has no statistic (an extended statistic is not "
				 "simulated)",
				 a->address);
	if (!compare_text(tf_string(a, "comparison_operator")))
		return xasprintf("its alarm %s compares with %s, which is not simulated",
				 a->address, tf_string(a, "comparison_operator"));
	return NULL;
}

static bool map_alarm(struct tf_ctx *x, const struct tf_res *a, const struct tf_res *p, cJSON *o,
		      struct strbuf *desc)
{
	static const char *const needed[] = {"metric_name", "comparison_operator", "threshold",
					     "period",	    "evaluation_periods",  NULL};
	const char *metric;
	if (cJSON_GetArraySize(tf_value(a, "metric_query"))) {
		ignore(x, p, "its alarm %s uses metric math, which is not simulated", a->address);
		ignore(x, a, "calls %s, which is ignored", p->address);
		return false;
	}
	for (size_t i = 0; needed[i]; i++)
		if (!tf_need(x->doc, a, needed[i],
			     "a value for every field a step policy's alarm needs"))
			return false;
	char *why = alarm_problem(a, &metric);
	if (why) {
		ignore(x, p, "%s", why);
		ignore(x, a, "calls %s, which is ignored", p->address);
		free(why);
		return false;
	}
	cJSON *al = cJSON_AddObjectToObject(o, "Alarm");
	cJSON_AddStringToObject(al, "MetricName", metric);
	cJSON_AddStringToObject(al, "Statistic", tf_string(a, "statistic"));
	add_number_if(al, "Period", tf_value(a, "period"));
	add_number_if(al, "EvaluationPeriods", tf_value(a, "evaluation_periods"));
	double dp;
	if (tf_number(tf_value(a, "datapoints_to_alarm"), &dp) && dp > 0)
		cJSON_AddNumberToObject(al, "DatapointsToAlarm", dp);
	add_number_if(al, "Threshold", tf_value(a, "threshold"));
	cJSON_AddStringToObject(al, "ComparisonOperator", tf_string(a, "comparison_operator"));
	double th = 0;
	tf_number(tf_value(a, "threshold"), &th);
	strbuf_addf(desc, "%s %s %g", metric, compare_text(tf_string(a, "comparison_operator")),
		    th);
	tf_mark(x->doc, a);
	return true;
}

static bool map_step(struct tf_ctx *x, const struct tf_res *p, cJSON *o, struct policy_log *pl)
{
	static const char attr[] = "step_scaling_policy_configuration";
	const cJSON *b = tf_need(x->doc, p, attr, "a step_scaling_policy_configuration block")
			     ? tf_block(p->values, attr)
			     : NULL;
	const char *type = tf_member(b, "adjustment_type"),
		   *agg = tf_member(b, "metric_aggregation_type");
	double mag;
	if (!b)
		return false;
	if (!type) {
		tf_fail(x->doc, p,
			"%s has no adjustment_type (accepted: ChangeInCapacity, "
			"PercentChangeInCapacity or ExactCapacity)",
			attr);
		return false;
	}
	if (!(pl->alarm_res = find_alarm(x, p, &pl->how))) {
		ignore(
		    x, p, "%s",
		    "no aws_cloudwatch_metric_alarm calls it (a step policy acts only through an "
		    "alarm)");
		return false;
	}
	cJSON *cfg = cJSON_AddObjectToObject(o, "StepScalingPolicyConfiguration");
	cJSON_AddStringToObject(cfg, "AdjustmentType", type);
	map_steps(get(b, "step_adjustment"), cfg);
	if (tf_number(get(b, "min_adjustment_magnitude"), &mag) && mag > 0)
		cJSON_AddNumberToObject(cfg, "MinAdjustmentMagnitude", mag);
	add_number_if(cfg, "Cooldown", get(b, "cooldown"));
	if (!get(cfg, "Cooldown"))
		strbuf_adds(&pl->defaults, "Cooldown 300 s");
	if (agg)
		cJSON_AddStringToObject(cfg, "MetricAggregationType", agg);
	int steps = cJSON_GetArraySize(get(cfg, "StepAdjustments"));
	strbuf_addf(&pl->desc, "%s, %d step%s", type, steps, steps == 1 ? "" : "s");
	return map_alarm(x, pl->alarm_res, p, o, &pl->alarm);
}

/* ---- policies and scheduled actions ---- */

static void log_policy(struct tf_ctx *x, const struct tf_res *p, int i, const char *name,
		       const struct policy_log *pl)
{
	char key[64], akey[80];
	snprintf(key, sizeof(key), "scaling.ScalingPolicies[%d]", i);
	tf_log_add(&x->doc->log.from, key, p->address, "%s: %s", name, pl->desc.buf);
	if (pl->defaults.len)
		tf_log_add(&x->doc->log.defaulted, key, "not set: AWS's default", "%s",
			   pl->defaults.buf);
	if (!pl->alarm_res)
		return;
	char *src = xasprintf("%s %s", pl->alarm_res->address, pl->how);
	snprintf(akey, sizeof(akey), "%s.Alarm", key);
	tf_log_add(&x->doc->log.from, akey, src, "%s", pl->alarm.buf);
	free(src);
}

static void map_policy(struct tf_ctx *x, const struct tf_res *p, cJSON *list)
{
	const char *type = tf_string(p, "policy_type"), *name = tf_string(p, "name");
	struct policy_log pl = {STRBUF_INIT, STRBUF_INIT, STRBUF_INIT, NULL, NULL};
	cJSON *o = cJSON_CreateObject();
	bool ok = false;
	type = type ? type : "StepScaling"; /* the provider's default */
	name = name ? name : p->name;
	cJSON_AddStringToObject(o, "PolicyName", name);
	cJSON_AddStringToObject(o, "PolicyType", type);
	if (!strcmp(type, "TargetTrackingScaling"))
		ok = map_target_tracking(x, p, o, &pl);
	else if (!strcmp(type, "StepScaling"))
		ok = map_step(x, p, o, &pl);
	else
		ignore(x, p,
		       "policy type %s is not simulated (simulated: TargetTrackingScaling, "
		       "StepScaling)",
		       type);
	if (ok) {
		log_policy(x, p, cJSON_GetArraySize(list), name, &pl);
		cJSON_AddItemToArray(list, o);
		tf_mark(x->doc, p);
	} else {
		cJSON_Delete(o);
	}
	strbuf_release(&pl.desc);
	strbuf_release(&pl.alarm);
	strbuf_release(&pl.defaults);
}

static void add_target_action(const cJSON *b, cJSON *o, struct strbuf *desc)
{
	double v;
	cJSON *ta = cJSON_AddObjectToObject(o, "ScalableTargetAction");
	if (tf_number(get(b, "min_capacity"), &v)) {
		cJSON_AddNumberToObject(ta, "MinCapacity", v);
		strbuf_addf(desc, ", min %g", v);
	}
	if (tf_number(get(b, "max_capacity"), &v)) {
		cJSON_AddNumberToObject(ta, "MaxCapacity", v);
		strbuf_addf(desc, ", max %g", v);
	}
}

static void map_action(struct tf_ctx *x, const struct tf_res *s, cJSON *list)
{
	const char *name = tf_string(s, "name"), *tz = tf_string(s, "timezone");
	const char *start = tf_string(s, "start_time"), *end = tf_string(s, "end_time");
	struct strbuf desc = STRBUF_INIT;
	char key[64];
	if (!tf_need(x->doc, s, "schedule", "an at(...), rate(...) or cron(...) schedule") ||
	    !tf_need(x->doc, s, "scalable_target_action", "a scalable_target_action block"))
		return;
	const cJSON *b = tf_block(s->values, "scalable_target_action");
	double v;
	if (!tf_number(get(b, "min_capacity"), &v) && !tf_number(get(b, "max_capacity"), &v)) {
		ignore(x, s, "%s",
		       "its scalable_target_action sets neither min_capacity nor max_capacity");
		return;
	}
	cJSON *o = cJSON_CreateObject();
	cJSON_AddStringToObject(o, "ScheduledActionName", name ? name : s->name);
	cJSON_AddStringToObject(o, "Schedule", tf_string(s, "schedule"));
	if (tz && strcmp(tz, "UTC")) /* UTC is the default */
		cJSON_AddStringToObject(o, "Timezone", tz);
	if (start)
		cJSON_AddStringToObject(o, "StartTime", start);
	if (end)
		cJSON_AddStringToObject(o, "EndTime", end);
	strbuf_addf(&desc, "%s: %s%s%s", name ? name : s->name, tf_string(s, "schedule"),
		    tz ? " " : "", tz ? tz : "");
	add_target_action(b, o, &desc);
	snprintf(key, sizeof(key), "scaling.ScheduledActions[%d]", cJSON_GetArraySize(list));
	tf_log_add(&x->doc->log.from, key, s->address, "%s", desc.buf);
	cJSON_AddItemToArray(list, o);
	tf_mark(x->doc, s);
	strbuf_release(&desc);
}

/* ---- the section ---- */

static const struct tf_res *find_target(struct tf_ctx *x)
{
	const struct tf_res *first = NULL;
	for (size_t i = 0; i < x->doc->nr; i++) {
		const struct tf_res *t = &x->doc->res[i];
		if (strcmp(t->type, "aws_appautoscaling_target") || !target_of_service(x, t))
			continue;
		if (!first)
			first = t;
		else
			ignore(x, t, "a second scalable target of the service; %s is used",
			       first->address);
	}
	return first;
}

static bool map_capacity_bounds(struct tf_ctx *x, const struct tf_res *t, cJSON *sc)
{
	const cJSON *lo = tf_need(x->doc, t, "min_capacity", "a number of tasks");
	const cJSON *hi = tf_need(x->doc, t, "max_capacity", "a number of tasks");
	double min, max;
	char value[64];
	if (!tf_number(lo, &min) || !tf_number(hi, &max))
		return false;
	cJSON_AddNumberToObject(sc, "MinCapacity", min);
	cJSON_AddNumberToObject(sc, "MaxCapacity", max);
	snprintf(value, sizeof(value), "%g / %g", min, max);
	tf_log_add(&x->doc->log.from, "scaling.MinCapacity / MaxCapacity", t->address, "%s", value);
	return true;
}

/* Maps every resource of `type` that belongs to target t into a new array `key` of sc. */
static void map_all(struct tf_ctx *x, const struct tf_res *t, const char *type, cJSON *sc,
		    const char *key, void (*map)(struct tf_ctx *, const struct tf_res *, cJSON *))
{
	cJSON *list = cJSON_CreateArray();
	for (size_t i = 0; i < x->doc->nr; i++) {
		const struct tf_res *r = &x->doc->res[i];
		if (!strcmp(r->type, type) && of_target(x, r, t))
			map(x, r, list);
	}
	if (cJSON_GetArraySize(list))
		cJSON_AddItemToObject(sc, key, list);
	else
		cJSON_Delete(list);
}

void tf_map_scaling(struct tf_ctx *x)
{
	const struct tf_res *t = find_target(x);
	if (!t) {
		tf_log_add(&x->doc->log.defaulted, "scaling",
			   "no aws_appautoscaling_target of the service", "%s",
			   "none (desiredCount stays)");
		return;
	}
	cJSON *sc = cJSON_AddObjectToObject(x->out, "scaling");
	tf_mark(x->doc, t);
	if (!map_capacity_bounds(x, t, sc))
		return;
	map_all(x, t, "aws_appautoscaling_policy", sc, "ScalingPolicies", map_policy);
	map_all(x, t, "aws_appautoscaling_scheduled_action", sc, "ScheduledActions", map_action);
}
