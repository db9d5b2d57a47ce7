/*
 * service_deploy — rolling updates in the scheduler (see service.h and
 * service_internal.h).
 *
 * A deployment marks every task not yet stopping `outdated`: such a task
 * no longer counts toward the desired count, so the scheduler pass starts
 * new tasks (of the new size) in its place, within maximumPercent. Each
 * pass then stops outdated tasks as minimumHealthyPercent allows: one not
 * RUNNING at once (it does not count as healthy), a RUNNING one while the
 * healthy tasks left would still be at least the minimum. A new task is
 * healthy once RUNNING for the deployment's health-check grace. Outdated
 * tasks stop the way a scale-in stops a task (drain, SIGTERM), oldest
 * first (spotsim's model: AWS does not document the order). The deployment
 * is complete when no outdated task is left and the desired count of new
 * tasks is RUNNING.
 */
#include "service_internal.h"

#include "spotsim/util/xalloc.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void service_deploy_arm(struct service *s)
{
	sim_time now = engine_now(s->e), at;
	if (s->next_deploy >= s->cfg.ndeployments)
		return;
	at = s->cfg.deployments[s->next_deploy].at;
	engine_at(s->e, at > now ? at : now, EV_DEPLOY, NULL, 0);
}

/* Ends the deployment in progress with row `event` (`reason` may be NULL). */
static void end_deployment(struct service *s, const char *event, const char *reason)
{
	struct deploy_run *d = &s->dep;
	double secs = simtime_seconds(engine_now(s->e) - d->start);
	double extra =
	    service_cost_now(s) - d->cost_at_start - d->usd_per_hour_at_start * secs / 3600.0;
	struct service_totals *t = &s->totals;
	char detail[192];
	if (s->hooks.before_change) /* the minutes ended by now are judged */
		s->hooks.before_change(s->hooks.ctx);

	t->deployment_seconds += secs;
	t->deployment_extra_cost_usd += extra;
	t->deployment_slo_minutes += d->slo_minutes;
	if (t->deployment_min_serving < 0 || d->min_serving < t->deployment_min_serving)
		t->deployment_min_serving = d->min_serving;
	snprintf(
	    detail, sizeof(detail),
	    "deployment=%zu;seconds=%.3f;extra_cost_usd=%.6f;min_serving=%ld;slo_minutes=%ld%s%s",
	    d->index + 1, secs, extra, d->min_serving, d->slo_minutes, reason ? ";" : "",
	    reason ? reason : "");
	service_log_event(s, event, NULL, detail);
	d->on = false;
}

static int by_id(const void *a, const void *b)
{
	const struct task *x = *(struct task *const *)a, *y = *(struct task *const *)b;
	return (x->id > y->id) - (x->id < y->id);
}

/* Forgets the fallback links of t: a deployment replaces both tasks of a pair. */
static void drop_links(struct task *t)
{
	if (t->replaces)
		t->replaces->replaced_by = NULL;
	if (t->replaced_by)
		t->replaced_by->replaces = NULL;
	t->replaces = t->replaced_by = NULL;
	t->replaces_pending = false;
}

/* Makes every task not yet stopping outdated; the list of them is rebuilt oldest first. */
static void outdate_all(struct service *s)
{
	size_t n = 0;
	XALLOC_GROW(s->cand, s->nlive + 1, s->cand_alloc);
	for (size_t i = 0; i < s->nlive; i++) {
		struct task *t = s->live[i];
		if (t->state > TASK_RUNNING)
			continue;
		if (!t->outdated && !t->replaces_pending)
			service_active_drop(s, t);
		drop_links(t);
		if (t->healthy) {
			t->healthy = false;
			s->nhealthy--;
		}
		if (t->state == TASK_RUNNING && t->timer) { /* its health-check grace */
			engine_cancel(s->e, t->timer);
			t->timer = NULL;
		}
		if (!t->outdated) {
			t->outdated = true;
			s->old_alive++;
			s->old_running += t->state == TASK_RUNNING;
		}
		s->cand[n++] = t;
	}
	qsort(s->cand, n, sizeof(*s->cand), by_id);
	s->old.head = s->old.tail = NULL;
	for (size_t k = 0; k < n; k++)
		service_old_append(s, s->cand[k]);
}

static void log_started(struct service *s, const struct deployment *d)
{
	const struct task_definition *t = &s->cls[s->cur_cls].def;
	char detail[192];
	snprintf(detail, sizeof(detail),
		 "deployment=%zu;desired=%ld;maximum_percent=%d;minimum_healthy_percent=%d;"
		 "cpu=%d;memory=%d;new_size=%d",
		 s->dep.index + 1, s->desired, s->cfg.service->maximum_percent,
		 s->cfg.service->minimum_healthy_percent, t->cpu_units, t->memory_mib,
		 d->new_task ? 1 : 0);
	service_log_event(s, "DEPLOYMENT_STARTED", NULL, detail);
}

void service_on_deploy(struct engine *e, struct event *ev, void *ctx)
{
	struct service *s = ctx;
	const struct deployment *d = &s->cfg.deployments[s->next_deploy];
	struct deploy_run *run = &s->dep;
	(void)e;
	(void)ev;
	if (run->on)
		end_deployment(s, "DEPLOYMENT_STOPPED", "reason=superseded");
	else if (s->hooks.before_change) /* minutes ended before it are not its own */
		s->hooks.before_change(s->hooks.ctx);
	memset(run, 0, sizeof(*run));
	run->on = true;
	run->index = s->next_deploy++;
	run->start = engine_now(s->e);
	run->grace = d->health_check_grace;
	run->cost_at_start = service_cost_now(s);
	run->usd_per_hour_at_start = service_usd_per_hour(s);
	run->min_serving = service_serving(s);
	if (d->new_task)
		s->cur_cls = service_class_add(s, &d->task, d->shutdown);
	s->totals.deployments++;
	log_started(s, d);
	outdate_all(s);
	/* outdated tasks not RUNNING do not count as healthy: they go at once */
	for (struct task *t = s->old.head, *next; t; t = next) {
		next = t->item_next;
		if (t->state != TASK_RUNNING)
			service_stop_task(s, t, STOP_DEPLOYMENT);
	}
	service_request_reconcile(s);
	service_deploy_arm(s);
}

void service_on_healthy(struct engine *e, struct event *ev, void *ctx)
{
	struct service *s = ctx;
	struct task *t = ev->data;
	(void)e;
	t->timer = NULL;
	if (t->state == TASK_RUNNING && !t->healthy) {
		t->healthy = true;
		s->nhealthy++;
	}
	if (s->dep.on)
		service_request_reconcile(s);
}

/* RUNNING tasks that count as healthy: outdated ones still serving, and healthy new ones. */
static long healthy_now(const struct service *s)
{
	return s->old_running + s->nhealthy;
}

void service_deploy_stop_old(struct service *s)
{
	long min = service_min_healthy(s);
	struct task *t = s->old.head, *next;
	s->protect_min = 0;
	/* the list holds RUNNING tasks only: the others were stopped when it began */
	for (; t && healthy_now(s) - 1 >= min; t = next) {
		next = t->item_next;
		if (!service_protected_until(s, t)) /* protected: waits for its protection */
			service_stop_task(s, t, STOP_DEPLOYMENT);
	}
	if (s->protect_min)
		service_protection_wait(s, s->protect_min);
}

/*
 * Nothing can move: no outdated task may stop, no new task may start, and
 * nothing on the way (a new task not yet healthy, an interrupted task not
 * yet stopped) would change that. ECS reports this as a service event.
 */
static bool stuck(const struct service *s)
{
	long active = service_active_total(s);
	bool may_start = active < s->desired && service_bounded(s) < service_max_total(s);
	return s->old.head && healthy_now(s) - 1 < service_min_healthy(s) && !may_start &&
	       active == s->nhealthy && s->ninterrupted == 0;
}

void service_deploy_check(struct service *s)
{
	long active = service_active_total(s), running = 0;
	for (size_t i = 0; i < s->cfg.service->strategy.nr; i++)
		running += s->active_running[i];
	if (s->old_alive == 0 && active == s->desired && running == active) {
		end_deployment(s, "DEPLOYMENT_COMPLETED", NULL);
		return;
	}
	if (!s->dep.blocked && stuck(s)) {
		s->dep.blocked = true;
		service_log_event(s, "DEPLOYMENT_BLOCKED", NULL,
				  "reason=minimumHealthyPercent and maximumPercent leave no task "
				  "to stop or start");
	}
}

void service_deploy_finish(struct service *s)
{
	if (s->dep.on)
		end_deployment(s, "DEPLOYMENT_STOPPED", "reason=end_of_run");
}
