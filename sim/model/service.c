/*
 * service — the ECS service scheduler (see service.h): the public side.
 * The representation and its invariants are in service_internal.h.
 */
#include "spotsim/model/service.h"

#include "service_internal.h"
#include "spotsim/util/xalloc.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const struct {
	int type;
	engine_handler_fn fn;
} handlers[] = {
    {EV_RECONCILE, service_on_reconcile},
    {EV_PLACE, service_on_place},
    {EV_PROVISIONED, service_on_provisioned},
    {EV_RUNNING, service_on_running},
    {EV_DRAINED, service_on_drained},
    {EV_STOPPED, service_on_stopped},
    {EV_NOTICE, service_on_notice},
    {EV_RECLAIM, service_on_reclaim},
    {EV_CAPACITY, service_on_capacity},
    {EV_FALLBACK, service_on_fallback},
    {EV_REVERT, service_on_revert},
    {EV_WAKE, service_on_wake},
    {EV_SHORTAGE_END, service_on_shortage_end},
    {EV_DEPLOY, service_on_deploy},
    {EV_HEALTHY, service_on_healthy},
    {EV_PROTECTION, service_on_protection},
};

static int az_count(const struct service_config *cfg)
{
	int azs = 1;
	for (size_t i = 0; i < cfg->spot->ninterruptions; i++)
		if (cfg->spot->interruptions[i].per_az && cfg->spot->interruptions[i].azs > azs)
			azs = cfg->spot->interruptions[i].azs;
	return azs;
}

struct service *service_new(struct engine *e, const struct service_config *cfg,
			    const struct price_rate *const rates[PROVIDER_COUNT], struct spot *spot,
			    uint64_t replication, const struct service_hooks *hooks)
{
	struct service *s = xcalloc(1, sizeof(*s));
	s->e = e;
	s->cfg = *cfg;
	s->spot = spot;
	s->hooks = *hooks;
	s->desired = cfg->service->desired_count;
	s->azs = az_count(cfg);
	for (int p = 0; p < PROVIDER_COUNT; p++) {
		s->rate[p] = rates[p];
		s->tokens[p] = BUCKET_BURST;
	}
	s->cls = xcalloc(cfg->ndeployments + 1, sizeof(*s->cls));
	s->cur_cls = service_class_add(s, cfg->task, cfg->shutdown);
	s->totals.deployment_min_serving = -1;
	s->per_minute = cfg->limits->launches_per_minute > 0
			    ? (size_t)cfg->limits->launches_per_minute
			    : SERVICE_DEFAULT_LAUNCHES_PER_MINUTE;
	s->launches = xcalloc(s->per_minute, sizeof(*s->launches));
	rng_init(&s->startup, cfg->seed, replication, RNG_STARTUP);
	rng_init(&s->choice, cfg->seed, replication, RNG_SERVICE);
	rng_init(&s->reclaim, cfg->seed, replication, RNG_RECLAIM);
	for (size_t i = 0; i < sizeof(handlers) / sizeof(handlers[0]); i++)
		engine_on(e, handlers[i].type, handlers[i].fn, s);
	return s;
}

void service_free(struct service *s)
{
	if (!s)
		return;
	for (size_t i = 0; i < s->nlive; i++)
		free(s->live[i]);
	free(s->live);
	free(s->cand);
	free(s->launches);
	free(s->cls);
	rng_release(&s->startup);
	rng_release(&s->choice);
	rng_release(&s->reclaim);
	free(s);
}

void service_start(struct service *s)
{
	s->running_since = engine_now(s->e);
	service_arm_capacity(s);
	s->spot_available = s->cap_model;
	if (!s->spot_available)
		service_log_event(s, "SPOT_CAPACITY_UNAVAILABLE", NULL, NULL);
	service_arm_reclaim(s);
	service_deploy_arm(s);
	service_request_reconcile(s);
}

void service_set_desired(struct service *s, long desired)
{
	char detail[64];
	s->desired = desired < 0 ? 0 : desired;
	if (service_logs_events(s)) {
		snprintf(detail, sizeof(detail), "desired=%ld", s->desired);
		service_log_event(s, "DESIRED_COUNT", NULL, detail);
	}
	service_request_reconcile(s);
}

void service_counts(const struct service *s, struct service_counts *out)
{
	memset(out, 0, sizeof(*out));
	out->desired = s->desired;
	for (int p = 0; p < PROVIDER_COUNT; p++) {
		out->running[p] = s->nstate[TASK_RUNNING][p];
		out->pending[p] = s->nstate[TASK_PROVISIONING][p] + s->nstate[TASK_PENDING][p];
		out->draining += s->nstate[TASK_DEACTIVATING][p] + s->nstate[TASK_STOPPING][p];
		out->serving += out->running[p];
	}
}

bool service_spot_available(const struct service *s)
{
	return s->spot_available;
}

bool service_deployment_in_progress(const struct service *s)
{
	return s->dep.on;
}

void service_note_minutes(struct service *s, long n, bool slo_met)
{
	if (s->dep.on && !slo_met)
		s->dep.slo_minutes += n;
}

/* What the billed time would have cost on FARGATE, size by size. */
static double on_demand_usd(const struct service *s)
{
	double usd = 0;
	if (!s->rate[PROVIDER_FARGATE])
		return NAN;
	for (size_t k = 0; k < s->ncls; k++) {
		const struct task_definition *d = &s->cls[k].def;
		struct task_size sz = {d->cpu_units, d->memory_mib, d->storage_gib, d->os, d->arch};
		struct cost_items od;
		pricing_cost(s->rate[PROVIDER_FARGATE], &sz,
			     s->cls[k].billed_seconds[0] + s->cls[k].billed_seconds[1], &od);
		usd += od.total;
	}
	return usd;
}

void service_protection_ended(struct service *s)
{
	if (s->protect_wait)
		service_request_reconcile(s);
}

double service_cost_accrued(const struct service *s)
{
	return service_cost_now(s);
}

void service_finish(struct service *s, struct service_totals *out)
{
	service_account_running(s);
	service_deploy_finish(s);
	while (s->nlive) {
		struct task *t = s->live[s->nlive - 1];
		service_cancel_timers(s, t);
		t->stop_reason = STOP_END_OF_RUN;
		service_bill(s, t, true);
		service_remove_live(s, t);
	}
	s->totals.on_demand_usd = on_demand_usd(s);
	*out = s->totals;
}
