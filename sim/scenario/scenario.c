/*
 * scenario — loading a scenario file (see scenario.h).
 *
 * Three passes over one cJSON tree:
 *  1. parse (syntax errors with line and column) and unwrap the AWS CLI
 *     wrappers ({"taskDefinition": ...}, {"services": [...]});
 *  2. the schema walk (scenario_schema.c): keys, types, ranges, enums,
 *     durations, distributions;
 *  3. the rules that involve several values (the Fargate size table,
 *     Windows and Spot, the strategy rules, Min <= Max, ...), which also copy
 *     the values into struct scenario.
 * Pass 3 reads values defensively (a wrong type was already reported in pass
 * 2 and is simply skipped), so every problem is reported exactly once.
 *
 * This file is the top of the loader (only the plan sits above it); each
 * file calls only files further down this list, never one above it:
 *   scenario_plan.c      variants and sweeps (scenario_load_tree on edited copies)
 *   scenario.c           the passes, and the sections it checks itself
 *   scenario_link.c      the file into a tree, with a "terraform" link's sections
 *                        (import_terraform.c and the importer's files below it)
 *   scenario_model.c     workload, spot, limits into model configs
 *   rate_trace*.c        load traces (CSV, CloudWatch JSON)
 *   scenario_deploy.c    deployments (rolling updates)
 *   scenario_scaling.c   the scaling section (its own files: see there)
 *   loader_get.c         reading the file, loader_err(), the value readers
 *   scenario_schema.c    the schema walker; scenario_tables.c, the schema as data
 *   spot_trace.c         Spot interruption and capacity traces
 *   jsonio.c             JSON files into cJSON trees
 */
#include "spotsim/scenario/scenario.h"
#include "spotsim/scenario/plan.h"

#include "loader_get.h"
#include "scenario_deploy.h"
#include "scenario_loader.h"
#include "scenario_model.h"
#include "scenario_savings.h"
#include "scenario_scaling.h"
#include "scenario_schema.h"
#include "spotsim/util/error.h"
#include "spotsim/util/strbuf.h"
#include "spotsim/util/xalloc.h"

#include <cjson/cJSON.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define DEFAULT_START "2026-01-05T00:00:00Z" /* a Monday */

static const char *const scale_in_names[] = {"balanced", "newest", "spot_first", "on_demand_first"};

struct service_config scenario_service_config(const struct scenario *sc)
{
	struct service_config c = {
	    .task = &sc->task,
	    .service = &sc->service,
	    .startup = &sc->startup,
	    .limits = &sc->limits,
	    .spot = &sc->spot,
	    .scale_in_order = sc->scale_in_order,
	    .deployments = sc->deployments,
	    .ndeployments = sc->ndeployments,
	    .deregistration_delay = sc->deregistration_delay,
	    .shutdown = sc->shutdown,
	    .seed = sc->seed,
	};
	return c;
}

const char *scenario_scale_in_order_name(enum scale_in_order o)
{
	return scale_in_names[o];
}

/* describe-task-definition and describe-services wrap the object we want. */
static void unwrap(struct loader *l, cJSON *root)
{
	cJSON *td = cJSON_GetObjectItemCaseSensitive(root, "taskDefinition");
	cJSON *inner = td ? cJSON_GetObjectItemCaseSensitive(td, "taskDefinition") : NULL;
	if (cJSON_IsObject(inner)) {
		cJSON_DetachItemViaPointer(td, inner);
		cJSON_ReplaceItemInObjectCaseSensitive(root, "taskDefinition", inner);
	}
	cJSON *svc = cJSON_GetObjectItemCaseSensitive(root, "service");
	cJSON *list = svc ? cJSON_GetObjectItemCaseSensitive(svc, "services") : NULL;
	if (cJSON_IsArray(list)) {
		if (cJSON_GetArraySize(list) != 1) {
			loader_err(l, "service.services",
				   "%d services given (accepted: exactly one)",
				   cJSON_GetArraySize(list));
			return;
		}
		cJSON *one = cJSON_DetachItemFromArray(list, 0);
		cJSON_ReplaceItemInObjectCaseSensitive(root, "service", one);
	}
}

/* ---- pass 3: the rules, section by section ---- */

static bool parse_start(const char *text, int64_t *unix_s)
{
	struct tm tm;
	memset(&tm, 0, sizeof(tm));
	if (sscanf(text, "%4d-%2d-%2dT%2d:%2d:%2dZ", &tm.tm_year, &tm.tm_mon, &tm.tm_mday,
		   &tm.tm_hour, &tm.tm_min, &tm.tm_sec) != 6)
		return false;
	tm.tm_year -= 1900;
	tm.tm_mon -= 1;
	int mday = tm.tm_mday;
	time_t t = timegm(&tm);
	if (t == (time_t)-1 || tm.tm_mday != mday)
		return false; /* e.g. 2026-02-30 */
	*unix_s = (int64_t)t;
	return true;
}

static char *name_from_file(const char *path)
{
	const char *base = strrchr(path, '/');
	base = base ? base + 1 : path;
	size_t n = strlen(base);
	if (n > 5 && !strcmp(base + n - 5, ".json"))
		n -= 5;
	return xstrndup(base, n);
}

/*
 * `spotsim run` writes to out/NAME (out/NAME-shard-K-of-N for a shard), and
 * the name goes into one-line records (stdout, the shard manifest): it must
 * be one folder name, short enough for the shard suffix under NAME_MAX.
 */
static void check_name(struct loader *l, const char *name)
{
	char accepted[160];
	snprintf(accepted, sizeof(accepted),
		 "accepted: a name without '/', other than \".\" and \"..\", of at most %d "
		 "bytes, in UTF-8 without control characters",
		 SCENARIO_MAX_NAME);
	if (!strbuf_is_printable(name))
		loader_err(l, "name",
			   "contains a control character or bytes that are not UTF-8 (%s)",
			   accepted);
	else if (strchr(name, '/') || !strcmp(name, ".") || !strcmp(name, ".."))
		loader_err(l, "name", "\"%s\" cannot name the output folder (%s)", name, accepted);
	else if (strlen(name) > SCENARIO_MAX_NAME)
		loader_err(l, "name", "%zu bytes is too long to name the output folder (%s)",
			   strlen(name), accepted);
}

/*
 * With no "region", pasted describe-* output still says where the service
 * runs: in its ARNs (arn:aws:ecs:REGION:ACCOUNT:...). The first ARN found
 * gives the region, with a note; ARNs that disagree are an error. Without
 * any, the default region.
 */
static const char *const region_arns[] = {"service.serviceArn", "service.clusterArn",
					  "taskDefinition.taskDefinitionArn"};

static char *arn_region(const char *arn)
{
	const char *p = arn;
	for (int field = 0; field < 3; field++) {
		p = strchr(p, ':');
		if (!p)
			return NULL;
		p++;
	}
	const char *end = strchr(p, ':');
	if (strncmp(arn, "arn:", 4) || !end || end == p)
		return NULL;
	return xstrndup(p, (size_t)(end - p));
}

static char *region_from_arns(struct loader *l)
{
	char *region = NULL;
	const char *from = NULL;
	for (size_t i = 0; i < sizeof(region_arns) / sizeof(region_arns[0]); i++) {
		char section[32];
		const char *dot = strchr(region_arns[i], '.');
		snprintf(section, sizeof(section), "%.*s", (int)(dot - region_arns[i]),
			 region_arns[i]);
		const char *arn = loader_get_string(loader_get(l->root, section), dot + 1);
		char *here = arn ? arn_region(arn) : NULL;
		if (here && !region) {
			region = here;
			from = region_arns[i];
		} else if (here && strcmp(here, region)) {
			loader_err(
			    l, region_arns[i],
			    "is in region %s, while %s is in %s (accepted: ARNs of one region, "
			    "or \"region\" given)",
			    here, from, region);
			free(here);
		} else {
			free(here);
		}
	}
	if (!region)
		return xstrdup(SCENARIO_DEFAULT_REGION);
	diag_note(l->d, l->file, "region", "%s, from %s (no \"region\" given)", region, from);
	return region;
}

static void load_top(struct loader *l)
{
	struct scenario *sc = l->sc;
	const cJSON *r = l->root;
	const char *s;

	sc->name = (s = loader_get_string(r, "name")) && *s ? xstrdup(s) : name_from_file(l->file);
	check_name(l, sc->name);
	sc->description = xstrdup((s = loader_get_string(r, "description")) ? s : "");
	sc->region = (s = loader_get_string(r, "region")) ? xstrdup(s) : region_from_arns(l);
	if (!loader_get_duration(r, "duration", &sc->duration))
		sc->duration = SCENARIO_DEFAULT_DURATION;
	sc->seed =
	    (uint64_t)loader_int_or(r, "seed", 0, 9007199254740991.0, (long)SCENARIO_DEFAULT_SEED);
	sc->replications = loader_int_or(r, "replications", 1, 100000, 1);
	sc->start = xstrdup((s = loader_get_string(r, "start")) ? s : DEFAULT_START);
	if (!strcmp(sc->start, "trace")) {
		sc->start_unix = 0; /* the load trace's first timestamp (load_model_trace) */
	} else if (!parse_start(sc->start, &sc->start_unix)) {
		l->bad_start = true;
		if (s && strlen(s) == 20)
			loader_err(l, "start",
				   "\"%s\" is not a real date (accepted: YYYY-MM-DDTHH:MM:SSZ)", s);
		sc->start_unix = 0;
	}
	if ((s = loader_get_string(loader_get(r, "terraform"), "file")))
		sc->terraform =
		    loader_get_string(loader_get(r, "terraform"), "service")
			? xasprintf("%s, service %s", s,
				    loader_get_string(loader_get(r, "terraform"), "service"))
			: xstrdup(s);
	if ((s = loader_get_string(r, "placement_tie")))
		sc->has_placement_tie = placement_tie_parse(s, &sc->service.strategy.tie);
	for (size_t i = 0; (s = loader_get_string(r, "scale_in_order")) && i < 4; i++)
		if (!strcmp(s, scale_in_names[i]))
			sc->scale_in_order = (enum scale_in_order)i;
}

static void load_platform(struct loader *l, const cJSON *td, struct task_definition *t)
{
	const cJSON *rp = loader_get(td, "runtimePlatform");
	const char *s;
	t->os = OS_LINUX;
	t->arch = ARCH_X86_64;
	if ((s = loader_get_string(rp, "operatingSystemFamily")))
		fargate_os_parse(s, &t->os);
	if ((s = loader_get_string(rp, "cpuArchitecture")))
		fargate_arch_parse(s, &t->arch);
	if (t->os == OS_WINDOWS && t->arch == ARCH_ARM64)
		loader_err(l, "taskDefinition.runtimePlatform.cpuArchitecture",
			   "ARM64 is not available for Windows on Fargate (accepted: X86_64)");
}

static void load_sizes(struct loader *l, const cJSON *td, struct task_definition *t)
{
	char buf[64];
	const char *cpu = loader_size_text(loader_get(td, "cpu"), buf, sizeof(buf));
	bool cpu_ok = false, mem_ok = false;
	if (cpu && !(cpu_ok = fargate_parse_cpu(cpu, &t->cpu_units)))
		loader_err(l, "taskDefinition.cpu",
			   "\"%s\" is not a CPU value (accepted: CPU units such as \"1024\" or \"1 "
			   "vCPU\")",
			   cpu);
	const char *mem = loader_size_text(loader_get(td, "memory"), buf, sizeof(buf));
	if (mem && !(mem_ok = fargate_parse_memory(mem, &t->memory_mib)))
		loader_err(
		    l, "taskDefinition.memory",
		    "\"%s\" is not a memory value (accepted: MiB such as \"2048\" or \"2 GB\")",
		    mem);
	if (cpu_ok && mem_ok) {
		struct strbuf why = STRBUF_INIT;
		if (!fargate_check_size(t->cpu_units, t->memory_mib, t->os, &why)) {
			bool cpu_wrong = strstr(why.buf, "cpu") == why.buf ||
					 strstr(why.buf, "is not a Fargate cpu");
			loader_err(l, cpu_wrong ? "taskDefinition.cpu" : "taskDefinition.memory",
				   "%s", why.buf);
		}
		strbuf_release(&why);
	}
}

static void load_storage(struct loader *l, const cJSON *td, struct task_definition *t)
{
	double v;
	t->storage_gib = FARGATE_STORAGE_FREE_GIB;
	if (!loader_get_number(loader_get(td, "ephemeralStorage"), "sizeInGiB", &v))
		return;
	if (t->os == OS_WINDOWS)
		loader_err(l, "taskDefinition.ephemeralStorage",
			   "ephemeral storage cannot be configured for Windows tasks (accepted: no "
			   "ephemeralStorage with WINDOWS)");
	else if (v >= FARGATE_STORAGE_MIN_GIB && v <= FARGATE_STORAGE_MAX_GIB)
		t->storage_gib = (int)v;
}

static void load_containers(struct loader *l, const cJSON *td, struct task_definition *t)
{
	const cJSON *c;
	double v;
	bool any = false;
	t->stop_timeout_s = 0;
	cJSON_ArrayForEach(c, loader_get(td, "containerDefinitions"))
	{
		if (!loader_get_number(c, "stopTimeout", &v))
			v = FARGATE_STOP_TIMEOUT_DEFAULT;
		if (v >= 2 && v <= FARGATE_STOP_TIMEOUT_MAX && (int)v > t->stop_timeout_s)
			t->stop_timeout_s = (int)v;
		any = true;
	}
	if (!any)
		t->stop_timeout_s = FARGATE_STOP_TIMEOUT_DEFAULT;
	(void)l;
}

static void load_compat(struct loader *l, const cJSON *td)
{
	const cJSON *rc = loader_get(td, "requiresCompatibilities"), *it;
	bool fargate = false;
	if (!cJSON_IsArray(rc) || !cJSON_GetArraySize(rc))
		return;
	cJSON_ArrayForEach(it, rc) if (cJSON_IsString(it) && !strcmp(it->valuestring, "FARGATE"))
	    fargate = true;
	if (!fargate)
		loader_err(
		    l, "taskDefinition.requiresCompatibilities",
		    "does not include FARGATE (accepted: a list containing \"FARGATE\"; spotsim "
		    "models Fargate only)");
}

static void load_task_definition(struct loader *l)
{
	const cJSON *td = loader_get(l->root, "taskDefinition");
	struct task_definition *t = &l->sc->task;
	if (!cJSON_IsObject(td))
		return;
	load_platform(l, td, t);
	load_sizes(l, td, t);
	load_storage(l, td, t);
	load_containers(l, td, t);
	load_compat(l, td);
}

/* Returns false when an item names no known provider (already reported). */
static bool load_strategy_items(struct loader *l, const cJSON *list, struct strategy *s)
{
	const cJSON *it;
	double v;
	bool known = true;
	s->nr = 0;
	cJSON_ArrayForEach(it, list)
	{
		struct strategy_item *item = &s->items[s->nr++];
		const char *name = loader_get_string(it, "capacityProvider");
		memset(item, 0, sizeof(*item));
		item->provider = PROVIDER_FARGATE;
		if (!name || !fargate_provider_parse(name, &item->provider))
			known = false;
		item->has_base = loader_get_number(it, "base", &v);
		item->base = loader_int_or(it, "base", -1e18, 1e18, 0);
		item->weight = loader_int_or(it, "weight", -1e18, 1e18, 0);
	}
	(void)l;
	return known;
}

static void check_spot_platform(struct loader *l, const struct strategy *s)
{
	const struct task_definition *t = &l->sc->task;
	if (t->os == OS_WINDOWS && t->arch == ARCH_ARM64)
		return; /* reported at runtimePlatform */
	for (size_t i = 0; i < s->nr; i++) {
		const struct strategy_item *it = &s->items[i];
		if (fargate_provider_supports(it->provider, t->os, t->arch))
			continue;
		char path[96];
		snprintf(path, sizeof(path),
			 "service.capacityProviderStrategy[%zu].capacityProvider", i);
		loader_err(l, path, "%s does not run %s tasks (accepted: FARGATE for %s)",
			   fargate_provider_name(it->provider), fargate_os_name(t->os),
			   fargate_os_name(t->os));
	}
}

static void load_service(struct loader *l)
{
	const cJSON *svc = loader_get(l->root, "service");
	struct service_definition *s = &l->sc->service;
	const cJSON *list = loader_get(svc, "capacityProviderStrategy");
	double v;

	s->desired_count = loader_int_or(svc, "desiredCount", 0, SCENARIO_MAX_DESIRED, 0);
	/* above SCHEMA_NUMBER_MAX the schema has said so already */
	if (loader_get_number(svc, "desiredCount", &v) && v > SCENARIO_MAX_DESIRED &&
	    v <= SCHEMA_NUMBER_MAX)
		loader_err(
		    l, "service.desiredCount",
		    "%.16g tasks is above the ECS quota (accepted: 0 to %d tasks per service)", v,
		    SCENARIO_MAX_DESIRED);
	const cJSON *dc = loader_get(svc, "deploymentConfiguration");
	s->minimum_healthy_percent =
	    (int)loader_int_or(dc, "minimumHealthyPercent", -1e6, 1e6, 100);
	s->maximum_percent = (int)loader_int_or(dc, "maximumPercent", -1e6, 1e6, 200);
	if (!cJSON_IsObject(svc))
		return;
	if (list && loader_get(svc, "launchType")) {
		loader_err(
		    l, "service.launchType",
		    "launchType and capacityProviderStrategy cannot both be set (accepted: one "
		    "of them)");
	} else if (cJSON_GetArraySize(list) > FARGATE_MAX_STRATEGY_ITEMS) {
		loader_err(l, "service.capacityProviderStrategy",
			   "%d capacity providers given (accepted: 1 to %d)",
			   cJSON_GetArraySize(list), FARGATE_MAX_STRATEGY_ITEMS);
	} else if (cJSON_IsArray(list)) {
		if (load_strategy_items(l, list, &s->strategy) &&
		    placement_check(&s->strategy, l->d, l->file,
				    "service.capacityProviderStrategy"))
			check_spot_platform(l, &s->strategy);
	} else if (loader_get_string(svc, "launchType")) {
		s->strategy.nr = 1;
		s->strategy.items[0] = (struct strategy_item){PROVIDER_FARGATE, 0, 1, false};
	} else if (!list) {
		loader_err(
		    l, "service",
		    "no capacityProviderStrategy (accepted: a capacityProviderStrategy list, or "
		    "launchType \"FARGATE\")");
	}
}

static void load_scaling(struct loader *l)
{
	const cJSON *sc = loader_get(l->root, "scaling");
	double lo, hi;
	l->sc->has_scaling = sc != NULL;
	if (loader_get_number(sc, "MinCapacity", &lo) &&
	    loader_get_number(sc, "MaxCapacity", &hi) && lo > hi)
		loader_err(
		    l, "scaling.MinCapacity",
		    "MinCapacity %g is above MaxCapacity %g (accepted: MinCapacity <= MaxCapacity)",
		    lo, hi);
	const cJSON *a;
	int i = 0;
	cJSON_ArrayForEach(a, loader_get(sc, "ScheduledActions"))
	{
		const cJSON *act = loader_get(a, "ScalableTargetAction");
		char path[96];
		snprintf(path, sizeof(path), "scaling.ScheduledActions[%d].ScalableTargetAction",
			 i++);
		if (loader_get_number(act, "MinCapacity", &lo) &&
		    loader_get_number(act, "MaxCapacity", &hi) && lo > hi)
			loader_err(l, path,
				   "MinCapacity %g is above MaxCapacity %g (accepted: MinCapacity "
				   "<= MaxCapacity)",
				   lo, hi);
		else if (cJSON_IsObject(act) && !loader_get(act, "MinCapacity") &&
			 !loader_get(act, "MaxCapacity"))
			loader_err(l, path,
				   "sets nothing (accepted: MinCapacity and/or MaxCapacity)");
	}
}

static void load_policies(struct loader *l)
{
	const cJSON *p;
	int i = 0;
	cJSON_ArrayForEach(p, loader_get(loader_get(l->root, "scaling"), "ScalingPolicies"))
	{
		char path[96];
		const char *type = loader_get_string(p, "PolicyType");
		snprintf(path, sizeof(path), "scaling.ScalingPolicies[%d]", i++);
		if (!type)
			continue;
		bool tt = !strcmp(type, "TargetTrackingScaling");
		const char *want = tt ? "TargetTrackingScalingPolicyConfiguration"
				      : "StepScalingPolicyConfiguration";
		const cJSON *cfg = loader_get(p, want);
		if (!cfg) {
			loader_err(l, path, "missing key \"%s\" (accepted: a %s policy has one)",
				   want, type);
			continue;
		}
		if (tt && !loader_get(cfg, "PredefinedMetricSpecification") &&
		    !loader_get(cfg, "CustomizedMetricSpecification"))
			loader_err(
			    l, path,
			    "TargetTrackingScalingPolicyConfiguration has no metric (accepted: "
			    "PredefinedMetricSpecification or CustomizedMetricSpecification)");
		if (!tt && !loader_get(p, "Alarm") && !loader_get(p, "Alarms"))
			loader_err(
			    l, path,
			    "missing key \"Alarm\" (accepted: a step policy carries its CloudWatch "
			    "alarm with MetricName, Threshold and ComparisonOperator, or names it "
			    "in "
			    "\"Alarms\" with the describe-alarms output as \"scaling.alarms\")");
	}
}

static void load_dist(struct loader *l, const cJSON *obj, const char *key, const char *path,
		      struct dist *out, double default_s)
{
	const cJSON *n = loader_get(obj, key);
	struct strbuf why = STRBUF_INIT;
	if (cJSON_IsString(n) && dist_parse(n->valuestring, l->sc->dir, out, &why) == 0) {
		strbuf_release(&why);
		return;
	}
	strbuf_release(&why); /* errors were reported by the schema walk */
	if (!cJSON_IsNumber(n) || dist_from_seconds(n->valuedouble, out) != 0)
		dist_from_seconds(default_s, out);
	(void)path;
}

static void load_startup(struct loader *l)
{
	const cJSON *st = loader_get(l->root, "startup");
	struct startup_model *m = &l->sc->startup;
	l->sc->has_startup = st != NULL;
	load_dist(l, st, "provisioning", "startup.provisioning", &m->provisioning, 10);
	load_dist(l, st, "pull", "startup.pull", &m->pull, 25);
	load_dist(l, st, "app_start", "startup.app_start", &m->app_start, 5);
}

bool scenario_slo_read(const cJSON *s, struct slo *o)
{
	bool given;

	memset(o, 0, sizeof(*o));
	o->has_p95_latency = loader_get_duration(s, "p95_latency", &o->p95_latency);
	o->has_p99_latency = loader_get_duration(s, "p99_latency", &o->p99_latency);
	o->has_max_dropped = loader_get_number(s, "max_dropped_fraction", &o->max_dropped_fraction);
	o->has_budget = loader_get_number(s, "monthly_budget_usd", &o->monthly_budget_usd);
	o->has_max_job_latency = loader_get_duration(s, "max_job_latency", &o->max_job_latency);
	given = loader_get_number(s, "max_breach_probability", &o->max_breach_probability);
	if (!given)
		o->max_breach_probability = SCENARIO_DEFAULT_MAX_BREACH;
	return given;
}

static void load_slo(struct loader *l)
{
	const struct slo *o = &l->sc->slo;

	if (scenario_slo_read(loader_get(l->root, "slo"), &l->sc->slo) && !o->has_p95_latency &&
	    !o->has_p99_latency && !o->has_max_dropped && !o->has_max_job_latency)
		loader_err(
		    l, "slo.max_breach_probability",
		    "is set but the SLO has no target to breach (accepted: with "
		    "slo.p95_latency, p99_latency, max_dropped_fraction or max_job_latency)");
}

static void load_pricing(struct loader *l)
{
	const cJSON *p = loader_get(l->root, "pricing");
	const char *file = loader_get_string(p, "file");
	static const char *const keys[] = {"vcpu_hour", "gb_hour", "storage_gb_hour",
					   "os_license_vcpu_hour"};
	for (int i = 0; i < PROVIDER_COUNT; i++) {
		const cJSON *r =
		    loader_get(loader_get(p, "rates"), fargate_provider_name((enum provider)i));
		double *f[] = {&l->sc->rate_override[i].vcpu_hour, &l->sc->rate_override[i].gb_hour,
			       &l->sc->rate_override[i].storage_gb_hour,
			       &l->sc->rate_override[i].os_license_vcpu_hour};
		for (int k = 0; k < 4; k++)
			if (!loader_get_number(r, keys[k], f[k]) || *f[k] < 0)
				*f[k] = -1;
	}
	if (file && *file && !loader_check_file(l, p, "pricing.file"))
		return;
	if (file && *file)
		l->sc->prices_file = *file == '/' || !*l->sc->dir
					 ? xstrdup(file)
					 : xasprintf("%s/%s", l->sc->dir, file);
}

static void load_rate(struct loader *l, const cJSON *rate)
{
	const char *kind = loader_get_string(rate, "kind");
	double lo, hi;
	const cJSON *sp;
	int i = 0;
	if (!kind)
		return;
	if (!strcmp(kind, "diurnal") && loader_get_number(rate, "min_rps", &lo) &&
	    loader_get_number(rate, "max_rps", &hi) && lo > hi)
		loader_err(l, "workload.rate.min_rps",
			   "min_rps %g is above max_rps %g (accepted: min_rps <= max_rps)", lo, hi);
	const cJSON *wf = loader_get(rate, "weekly_factor");
	if (wf && cJSON_IsArray(wf) && cJSON_GetArraySize(wf) != 7)
		loader_err(l, "workload.rate.weekly_factor",
			   "has %d values (accepted: 7 factors, Monday to Sunday)",
			   cJSON_GetArraySize(wf));
	cJSON_ArrayForEach(sp, loader_get(rate, "spikes"))
	{
		char path[64];
		snprintf(path, sizeof(path), "workload.rate.spikes[%d]", i++);
		if (!loader_get(sp, "rps") == !loader_get(sp, "factor"))
			loader_err(l, path,
				   "needs exactly one of \"rps\" and \"factor\" (accepted: one)");
	}
}

static void load_workload(struct loader *l)
{
	const cJSON *w = loader_get(l->root, "workload");
	l->sc->has_workload = w != NULL;
	if (cJSON_IsObject(w) && !loader_get(w, "rate") && !loader_get(w, "batches"))
		loader_err(
		    l, "workload",
		    "no load given (accepted: a \"rate\" object, or \"batches\" for a queue)");
	load_rate(l, loader_get(w, "rate"));
}

/* One scripted interruption: a time within the run, or {at, count | fraction}. */
static void check_scripted_at(struct loader *l, const cJSON *at, const char *p)
{
	long long usec;
	const cJSON *t = cJSON_IsObject(at) ? loader_get(at, "at") : at;
	double f;
	char q[PATH_SIZE];
	if (cJSON_IsObject(at) && loader_get(at, "count") && loader_get(at, "fraction"))
		loader_err(l, p, "sets both \"count\" and \"fraction\" (accepted: one)");
	if (!cJSON_IsObject(at) && !schema_duration(at, &usec))
		loader_err(l, p,
			   "is not a time (accepted: a time from the start such as "
			   "\"26h\" or \"2d 02:00\", or {\"at\", \"count\"})");
	else if (t && schema_duration(t, &usec) && usec >= l->sc->duration)
		loader_err(l, cJSON_IsObject(at) ? loader_join(q, p, "at") : p,
			   "%.16gs is not within the run (accepted: a time from the start below "
			   "the duration, %.16gs)",
			   (double)usec / 1e6, (double)l->sc->duration / SIM_SEC);
	if (loader_get_number(at, "fraction", &f) && f == 0)
		loader_err(l, loader_join(q, p, "fraction"),
			   "0 reclaims nothing (accepted: a fraction above 0, up to 1)");
}

static void load_one_interruption(struct loader *l, const cJSON *m, const char *path)
{
	const char *model = loader_get_string(m, "model");
	char p[96];
	if (!model)
		return;
	if (!strcmp(model, "poisson")) {
		int n = !!loader_get(m, "rate_per_task_hour") +
			!!loader_get(m, "monthly_fraction") + !!loader_get(m, "advisor_band");
		if (n != 1)
			loader_err(
			    l, path,
			    "poisson needs exactly one of rate_per_task_hour, monthly_fraction, "
			    "advisor_band (%d given)",
			    n);
	} else if (!strcmp(model, "waves")) {
		if (!loader_get(m, "fraction") == !loader_get(m, "count"))
			loader_err(l, path,
				   "waves needs exactly one of \"fraction\" and \"count\"");
	} else if (!strcmp(model, "trace")) {
		snprintf(p, sizeof(p), "%s.file", path);
		loader_check_file(l, m, p);
	} else if (!strcmp(model, "scripted")) {
		const cJSON *at;
		int i = 0;
		cJSON_ArrayForEach(at, loader_get(m, "at"))
		{
			snprintf(p, sizeof(p), "%s.at[%d]", path, i++);
			check_scripted_at(l, at, p);
		}
	}
}

static void load_spot(struct loader *l)
{
	const cJSON *s = loader_get(l->root, "spot");
	const cJSON *ints = loader_get(s, "interruptions");
	l->sc->has_spot = s != NULL;
	if (cJSON_IsArray(ints)) {
		const cJSON *m;
		int i = 0;
		cJSON_ArrayForEach(m, ints)
		{
			char path[64];
			snprintf(path, sizeof(path), "spot.interruptions[%d]", i++);
			load_one_interruption(l, m, path);
		}
	} else {
		load_one_interruption(l, ints, "spot.interruptions");
	}
	const cJSON *cap = loader_get(s, "capacity");
	const char *model = loader_get_string(cap, "model");
	if (model && !strcmp(model, "trace"))
		loader_check_file(l, cap, "spot.capacity.file");
}

/*
 * "base_name": what the outputs call the base scenario (CSV variant column,
 * "paired against", the ranking and the report); printable like a variant
 * name, not empty, and no variant's name.
 */
static void load_base_name(struct loader *l)
{
	const char *name = loader_get_string(l->root, "base_name");
	const cJSON *v, *vs = loader_get(l->root, "variants");
	int i = 0;

	l->sc->base_name = xstrdup(name ? name : SCENARIO_DEFAULT_BASE_NAME);
	if (!name)
		return;
	if (!*name || !strbuf_is_printable(name)) {
		loader_err(l, "base_name",
			   "%s (accepted: a non-empty name a terminal and a CSV file show as "
			   "written)",
			   *name ? "contains a control character or bytes that are not UTF-8"
				 : "the name is empty");
		return;
	}
	cJSON_ArrayForEach(v, vs)
	{
		const char *other = loader_get_string(v, "name");
		if (other && !strcmp(other, name)) {
			loader_err(l, "base_name",
				   "\"%s\" is also the name of variants[%d] (accepted: a name no "
				   "variant has)",
				   name, i);
			return;
		}
		i++;
	}
}

static void load_experiments(struct loader *l)
{
	const cJSON *v, *vs = loader_get(l->root, "variants"), *sw = loader_get(l->root, "sweep");
	int i = 0;
	l->sc->variants = cJSON_IsArray(vs) ? cJSON_GetArraySize(vs) : 0;
	cJSON_ArrayForEach(v, vs)
	{
		const char *name = loader_get_string(v, "name");
		char path[64];
		snprintf(path, sizeof(path), "variants[%d]", i);
		if (cJSON_IsObject(v) && !loader_get(v, "set") && !loader_get(v, "unset"))
			loader_err(l, path,
				   "changes nothing (accepted: \"set\": {\"json.path\": value}, "
				   "\"unset\": [\"json.path\"], or both)");
		snprintf(path, sizeof(path), "variants[%d].name", i);
		if (name && !strbuf_is_printable(name))
			loader_err(l, path,
				   "contains a control character or bytes that are not UTF-8 "
				   "(accepted: a name a terminal and a CSV file show as written)");
		for (const cJSON *w = vs->child; name && w != v; w = w->next) {
			const char *other = loader_get_string(w, "name");
			if (other && !strcmp(other, name)) {
				loader_err(l, path, "\"%s\" is used twice (accepted: unique names)",
					   name);
				break;
			}
		}
		i++;
	}
	const cJSON *points = cJSON_IsObject(sw) ? sw : NULL;
	l->sc->sweep_points = points ? 1 : 0;
	cJSON_ArrayForEach(v, points)
	{
		char path[160];
		snprintf(path, sizeof(path), "sweep.%s", v->string);
		if (!cJSON_IsArray(v) || !cJSON_GetArraySize(v)) {
			loader_err(l, path,
				   "is not a list of values (accepted: a non-empty array)");
			continue;
		}
		/* capped, not wrapped: plan_load reports a product above PLAN_MAX_POINTS */
		long k = cJSON_GetArraySize(v);
		l->sc->sweep_points = l->sc->sweep_points > (long)PLAN_MAX_POINTS / k
					  ? (long)PLAN_MAX_POINTS + 1
					  : l->sc->sweep_points * k;
	}
}

static char *dir_of(const char *path)
{
	const char *slash = strrchr(path, '/');
	if (!slash)
		return xstrdup("");
	return xstrndup(path, slash == path ? 1 : (size_t)(slash - path));
}

int scenario_load_tree(struct scenario *sc, const char *path, cJSON *root, struct diag *d)
{
	size_t errors = d->errors;
	struct loader l = {sc, d, path, root, NULL, false};
	struct swalk w;

	memset(sc, 0, sizeof(*sc));
	sc->file = xstrdup(path);
	sc->dir = dir_of(path);
	unwrap(&l, root);
	swalk_init(&w, path, sc->dir, d);
	swalk_object(&w, &scenario_schema_root, root);
	if (w.nignored)
		diag_note(d, path, NULL, "%u key%s that spotsim does not model %s ignored: %s",
			  w.nignored, w.nignored == 1 ? "" : "s", w.nignored == 1 ? "is" : "are",
			  w.ignored.buf);
	swalk_release(&w);

	load_top(&l);
	load_model_trace(&l); /* before the sections that read the start */
	load_task_definition(&l);
	load_service(&l);
	load_scaling(&l);
	load_policies(&l);
	load_model_scaling(&l); /* also checks what the schema cannot */
	load_startup(&l);
	load_slo(&l);
	load_pricing(&l);
	scenario_load_savings_plan(&l);
	load_workload(&l);
	load_spot(&l);
	load_deployments(&l);
	load_experiments(&l);
	load_base_name(&l);
	if (d->errors == errors) {
		/* only a file that passed the checks is turned into model configs */
		load_model_workload(&l);
		load_model_spot(&l);
		load_model_limits(&l);
	}
	return d->errors == errors ? 0 : SPOTSIM_EINVAL;
}

int scenario_load(struct scenario *sc, const char *path, struct diag *d)
{
	int rc = 0;
	memset(sc, 0, sizeof(*sc));
	cJSON *root = scenario_read_tree(path, d, &rc);
	if (!root)
		return rc;
	rc = scenario_load_tree(sc, path, root, d);
	cJSON_Delete(root);
	return rc;
}

static bool table_has_region(const struct price_table *t, const char *region)
{
	for (size_t i = 0; i < t->nr; i++)
		if (!strcmp(t->rates[i].region, region))
			return true;
	return false;
}

static void list_regions(const struct price_table *t, struct strbuf *out)
{
	for (size_t i = 0; i < t->nr; i++) {
		bool seen = false;
		for (size_t j = 0; j < i && !seen; j++)
			seen = !strcmp(t->rates[i].region, t->rates[j].region);
		if (!seen)
			strbuf_addf(out, "%s%s", out->len ? ", " : "", t->rates[i].region);
	}
}

bool scenario_check_prices(const struct scenario *sc, const struct price_table *t, struct diag *d)
{
	bool ok = true;
	if (!table_has_region(t, sc->region)) {
		struct strbuf regions = STRBUF_INIT;
		list_regions(t, &regions);
		diag_error(d, sc->file, "region", "no prices for region \"%s\" (accepted: %s)",
			   sc->region, regions.buf);
		strbuf_release(&regions);
		return false;
	}
	for (size_t i = 0; i < sc->service.strategy.nr; i++) {
		enum provider p = sc->service.strategy.items[i].provider;
		if (pricing_find(t, sc->region, p, sc->task.os, sc->task.arch))
			continue;
		diag_error(d, sc->file, "region",
			   "the price table has no %s rate for %s/%s in %s (accepted: a "
			   "platform listed by 'spotsim prices --region %s', or pricing.rates)",
			   fargate_provider_name(p), fargate_os_name(sc->task.os),
			   fargate_arch_name(sc->task.arch), sc->region, sc->region);
		ok = false;
	}
	if (ok && sc->spot.fallback.enabled &&
	    !pricing_find(t, sc->region, PROVIDER_FARGATE, sc->task.os, sc->task.arch)) {
		diag_error(d, sc->file, "spot.fallback",
			   "the price table has no FARGATE rate for %s/%s in %s, where the "
			   "fallback moves tasks (accepted: a price table with that FARGATE row)",
			   fargate_os_name(sc->task.os), fargate_arch_name(sc->task.arch),
			   sc->region);
		ok = false;
	}
	/* the plan's rate after the prices': a region without prices says so first */
	if (ok && sc->savings_plan.enabled && sc->savings_plan.missing_rate) {
		diag_error(d, sc->file, "pricing.savings_plan", "%s",
			   sc->savings_plan.missing_rate);
		ok = false;
	}
	return ok;
}

void scenario_release(struct scenario *sc)
{
	free(sc->file);
	free(sc->dir);
	free(sc->name);
	free(sc->description);
	free(sc->base_name);
	free(sc->region);
	free(sc->start);
	free(sc->prices_file);
	free(sc->scalable_target);
	free(sc->terraform);
	scenario_savings_plan_release(&sc->savings_plan);
	dist_release(&sc->startup.provisioning);
	dist_release(&sc->startup.pull);
	dist_release(&sc->startup.app_start);
	rate_shape_release(&sc->rate);
	queue_config_release(&sc->queue);
	per_request_config_release(&sc->per_request);
	spot_config_release(&sc->spot);
	free(sc->deployments);
	scaling_config_release(&sc->scaling);
	memset(sc, 0, sizeof(*sc));
}
