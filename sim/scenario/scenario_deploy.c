/*
 * scenario_deploy — the `deployments` section (SPEC §4.5): rolling updates
 * at given times, each optionally with a new task size. Part of the
 * scenario loader (see scenario.c): checks what the schema cannot (the
 * Fargate size table, times within the run) and fills sc->deployments,
 * sorted by time (ties in file order).
 *
 * A deployment's taskDefinition changes the size only: cpu and memory
 * (either may be left out: it keeps the service's), ephemeral storage and
 * the containers' stopTimeout. The platform stays the service's.
 */
#include "scenario_deploy.h"

#include "spotsim/util/strbuf.h"
#include "spotsim/util/xalloc.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void load_size(struct loader *l, const cJSON *td, const char *base,
		      struct task_definition *t)
{
	char buf[64], path[PATH_SIZE];
	const char *cpu = loader_size_text(loader_get(td, "cpu"), buf, sizeof(buf));
	bool ok = true;
	if (cpu && !fargate_parse_cpu(cpu, &t->cpu_units)) {
		loader_err(l, loader_join(path, base, "cpu"),
			   "\"%s\" is not a CPU value (accepted: CPU units such as \"1024\" or \"1 "
			   "vCPU\")",
			   cpu);
		ok = false;
	}
	const char *mem = loader_size_text(loader_get(td, "memory"), buf, sizeof(buf));
	if (mem && !fargate_parse_memory(mem, &t->memory_mib)) {
		loader_err(
		    l, loader_join(path, base, "memory"),
		    "\"%s\" is not a memory value (accepted: MiB such as \"2048\" or \"2 GB\")",
		    mem);
		ok = false;
	}
	struct strbuf why = STRBUF_INIT;
	if (ok && !fargate_check_size(t->cpu_units, t->memory_mib, t->os, &why)) {
		/* as for the service's task definition: the key the message speaks of */
		bool cpu_wrong =
		    strstr(why.buf, "cpu") == why.buf || strstr(why.buf, "is not a Fargate cpu");
		loader_err(l, loader_join(path, base, cpu_wrong ? "cpu" : "memory"), "%s", why.buf);
	}
	strbuf_release(&why);
}

static void load_storage_and_stop(const cJSON *td, struct task_definition *t)
{
	const cJSON *c, *list = loader_get(td, "containerDefinitions");
	double v;
	if (loader_get_number(loader_get(td, "ephemeralStorage"), "sizeInGiB", &v) &&
	    v >= FARGATE_STORAGE_MIN_GIB && v <= FARGATE_STORAGE_MAX_GIB && t->os != OS_WINDOWS)
		t->storage_gib = (int)v;
	if (!cJSON_IsArray(list) || !cJSON_GetArraySize(list))
		return;
	t->stop_timeout_s = 0;
	cJSON_ArrayForEach(c, list)
	{
		if (!loader_get_number(c, "stopTimeout", &v))
			v = FARGATE_STOP_TIMEOUT_DEFAULT;
		if (v >= 2 && v <= FARGATE_STOP_TIMEOUT_MAX && (int)v > t->stop_timeout_s)
			t->stop_timeout_s = (int)v;
	}
	if (!t->stop_timeout_s)
		t->stop_timeout_s = FARGATE_STOP_TIMEOUT_DEFAULT;
}

static void load_one(struct loader *l, const cJSON *it, size_t i, struct deployment *d)
{
	struct scenario *sc = l->sc;
	const cJSON *td = loader_get(it, "taskDefinition");
	char base[PATH_SIZE], path[PATH_SIZE];
	sim_time shutdown;

	snprintf(base, sizeof(base), "deployments[%zu]", i);
	memset(d, 0, sizeof(*d));
	loader_get_duration(it, "at", &d->at);
	if (d->at >= sc->duration)
		loader_err(l, loader_join(path, base, "at"),
			   "%.0f s is not before the end of the run (accepted: 0 to %.0f s)",
			   simtime_seconds(d->at), simtime_seconds(sc->duration) - 1);
	if (!loader_get_duration(it, "health_check_grace", &d->health_check_grace))
		d->health_check_grace = SERVICE_DEFAULT_HEALTH_CHECK_GRACE;
	d->task = sc->task;
	if (!cJSON_IsObject(td))
		return;
	d->new_task = true;
	load_size(l, td, loader_join(path, base, "taskDefinition"), &d->task);
	load_storage_and_stop(td, &d->task);
	/* workload.shutdown when given, else the new stopTimeout, as for the service's */
	if (loader_get_duration(loader_get(l->root, "workload"), "shutdown", &shutdown))
		d->shutdown = shutdown;
	else
		d->shutdown = (sim_time)d->task.stop_timeout_s * SIM_SEC;
}

void load_deployments(struct loader *l)
{
	const cJSON *list = loader_get(l->root, "deployments"), *it;
	struct scenario *sc = l->sc;
	size_t i = 0, n;
	if (!cJSON_IsArray(list) || !(n = (size_t)cJSON_GetArraySize(list)))
		return;
	sc->deployments = xcalloc(n, sizeof(*sc->deployments));
	cJSON_ArrayForEach(it, list)
	{
		if (cJSON_IsObject(it))
			load_one(l, it, i, &sc->deployments[sc->ndeployments++]);
		i++;
	}
	/* insertion sort: stable, so deployments at one time keep the file's order */
	for (size_t a = 1; a < sc->ndeployments; a++)
		for (size_t b = a; b > 0 && sc->deployments[b - 1].at > sc->deployments[b].at;
		     b--) {
			struct deployment tmp = sc->deployments[b];
			sc->deployments[b] = sc->deployments[b - 1];
			sc->deployments[b - 1] = tmp;
		}
}
