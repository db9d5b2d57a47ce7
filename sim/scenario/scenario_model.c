/*
 * scenario_model — the last loader pass for the sections the simulation
 * reads: `workload`, `spot` and `limits` become the plain config structs of
 * the workload and spot modules (workload.h, spot.h). Shapes and ranges were
 * checked by the schema walk; here values are copied, defaults applied and
 * files read. Part of the scenario loader (see scenario.c).
 */
#include "scenario_model.h"
#include "scenario_schema.h"
#include "spotsim/scenario/rate_trace.h"
#include "spotsim/scenario/spot_trace.h"

#include "spotsim/util/error.h"
#include "spotsim/util/xalloc.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define DEFAULT_PEAK	       (14 * SIM_HOUR)
#define DEFAULT_NOISE_PERIOD   SIM_MIN
#define DEFAULT_TIMEOUT_S      60.0	       /* the ALB's default idle timeout */
#define DEFAULT_DEREGISTRATION (300 * SIM_SEC) /* the target group's default */
#define DEFAULT_AZS	       3

static double number_or(const cJSON *obj, const char *key, double fallback)
{
	double v;
	return loader_get_number(obj, key, &v) ? v : fallback;
}

static sim_time duration_or(const cJSON *obj, const char *key, sim_time fallback)
{
	sim_time t;
	return loader_get_duration(obj, key, &t) ? t : fallback;
}

static void load_points(const cJSON *list, struct rate_shape *r)
{
	const cJSON *it;
	size_t alloc = 0;
	cJSON_ArrayForEach(it, list)
	{
		XALLOC_GROW(r->points, r->npoints + 1, alloc);
		r->points[r->npoints].at = duration_or(it, "at", 0);
		r->points[r->npoints].rps = number_or(it, "rps", 0);
		r->npoints++;
	}
}

static int by_time(const void *a, const void *b)
{
	const struct rate_point *x = a, *y = b;
	return (x->at > y->at) - (x->at < y->at);
}

static void load_spikes(const cJSON *list, struct rate_shape *r)
{
	const cJSON *it;
	size_t alloc = 0;
	cJSON_ArrayForEach(it, list)
	{
		XALLOC_GROW(r->spikes, r->nspikes + 1, alloc);
		struct rate_spike *s = &r->spikes[r->nspikes++];
		s->at = duration_or(it, "at", 0);
		s->duration = duration_or(it, "duration", 0);
		s->has_rps = loader_get(it, "rps") != NULL;
		s->rps = number_or(it, "rps", 0);
		s->factor = number_or(it, "factor", 1);
	}
}

static void load_weekly(const cJSON *rate, struct rate_shape *r)
{
	const cJSON *wf = loader_get(rate, "weekly_factor"), *it;
	int i = 0;
	if (!cJSON_IsArray(wf) || cJSON_GetArraySize(wf) != 7)
		return;
	r->has_weekly = true;
	cJSON_ArrayForEach(it, wf) r->weekly_factor[i++] = cJSON_IsNumber(it) ? it->valuedouble : 1;
}

static enum rate_trace_values trace_values(const char *format)
{
	if (!format)
		return RATE_TRACE_VALUES_DEFAULT;
	return !strcmp(format, "rps") ? RATE_TRACE_RPS : RATE_TRACE_COUNTS;
}

/* The options as the schema checked them; false when one is not usable (reported already). */
static bool trace_options(const cJSON *rate, struct rate_trace_options *o)
{
	const cJSON *repeat = loader_get(rate, "repeat");
	const char *missing = loader_get_string(rate, "missing");
	const char *format = loader_get_string(rate, "format");
	sim_time period;
	if ((format && strcmp(format, "rps") && strcmp(format, "counts") &&
	     strcmp(format, "counts_per_minute")) ||
	    (missing && strcmp(missing, "zero") && strcmp(missing, "error")) ||
	    (loader_get(rate, "period") &&
	     !(loader_get_duration(rate, "period", &period) && period >= SIM_SEC)))
		return false;
	memset(o, 0, sizeof(*o));
	o->values = trace_values(loader_get_string(rate, "format"));
	o->period = duration_or(rate, "period", 0);
	o->missing = missing && !strcmp(missing, "error") ? RATE_TRACE_MISSING_ERROR
							  : RATE_TRACE_MISSING_ZERO;
	o->repeat = cJSON_IsBool(repeat) ? cJSON_IsTrue(repeat) : -1;
	o->id = loader_get_string(rate, "id");
	o->statistic = loader_get_string(rate, "statistic");
	return true;
}

/* "start": "trace": the scenario starts at the trace's first timestamp. */
static void start_at_trace(struct loader *l, const struct rate_trace *t)
{
	struct scenario *sc = l->sc;
	time_t s = (time_t)rate_trace_start(t);
	struct tm tm;
	if (!t->timestamps) {
		loader_err(l, "start",
			   "\"trace\" needs a load trace with timestamps, but \"%s\" has times "
			   "from the start (accepted: a date such as \"2026-03-02T00:00:00Z\")",
			   t->path);
		return;
	}
	gmtime_r(&s, &tm);
	free(sc->start);
	sc->start = xasprintf("%04d-%02d-%02dT%02d:%02d:%02dZ", tm.tm_year + 1900, tm.tm_mon + 1,
			      tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec);
	sc->start_unix = (int64_t)s;
}

void load_model_trace(struct loader *l)
{
	const cJSON *rate = loader_get(loader_get(l->root, "workload"), "rate");
	const char *kind = loader_get_string(rate, "kind");
	bool start_trace = !strcmp(l->sc->start, "trace");
	struct rate_trace_options o;
	struct rate_trace t;

	if (!kind || strcmp(kind, "trace")) {
		if (start_trace)
			loader_err(l, "start",
				   "\"trace\" needs a workload.rate of kind \"trace\" (accepted: a "
				   "date such as \"2026-03-02T00:00:00Z\")");
		return;
	}
	if (!loader_check_file(l, rate, "workload.rate.file") || !trace_options(rate, &o))
		return;
	char *path = scenario_resolve(l->sc, loader_get_string(rate, "file"));
	if (rate_trace_read(&t, path, &o, l->d) == 0) {
		if (start_trace)
			start_at_trace(l, &t);
		if ((start_trace && t.timestamps) || (!start_trace && !l->bad_start))
			rate_trace_shape(&t, l->sc->start_unix, l->sc->duration, &l->sc->rate,
					 l->d);
	}
	rate_trace_release(&t);
	free(path);
}

static void load_rate_shape(struct loader *l, const cJSON *w)
{
	const cJSON *rate = loader_get(w, "rate"), *noise = loader_get(w, "noise");
	struct rate_shape *r = &l->sc->rate;
	const char *kind = loader_get_string(rate, "kind");

	r->peak = DEFAULT_PEAK;
	r->noise_period = duration_or(noise, "period", DEFAULT_NOISE_PERIOD);
	r->noise_sd = number_or(noise, "sd", 0);
	if (!kind || !rate_kind_parse(kind, &r->kind))
		return; /* no rate: no load (or a queue fed by batches) */
	r->rps = number_or(rate, "rps", 0);
	r->min_rps = number_or(rate, "min_rps", 0);
	r->max_rps = number_or(rate, "max_rps", 0);
	r->peak = duration_or(rate, "peak", DEFAULT_PEAK);
	r->base_rps = number_or(rate, "base_rps", 0);
	load_weekly(rate, r);
	if (r->kind == RATE_STEPS) {
		load_points(loader_get(rate, "steps"), r);
		if (r->npoints > 1)
			qsort(r->points, r->npoints, sizeof(*r->points), by_time);
	} else if (r->kind == RATE_SPIKES) {
		load_spikes(loader_get(rate, "spikes"), r);
	}
	/* a trace's points were read by load_model_trace */
}

static void load_queue(struct loader *l, const cJSON *w);

static double mean_of(struct loader *l, const cJSON *obj, const char *key, double fallback)
{
	const cJSON *n = loader_get(obj, key);
	struct dist d;
	struct strbuf why = STRBUF_INIT;
	double mean = fallback;
	if (cJSON_IsNumber(n))
		mean = n->valuedouble;
	else if (cJSON_IsString(n) && dist_parse(n->valuestring, l->sc->dir, &d, &why) == 0) {
		mean = dist_mean_seconds(&d);
		dist_release(&d);
	}
	strbuf_release(&why);
	return mean;
}

/*
 * workload.model "per_request": the whole service time distribution (the
 * analytic model keeps its mean), the routing and the request model's
 * values (per_request.h).
 */
static void load_per_request(struct loader *l, const cJSON *w)
{
	struct scenario *sc = l->sc;
	struct per_request_config *c = &sc->per_request;
	const struct request_model *m = &sc->requests;
	const cJSON *st = loader_get(w, "service_time");
	struct strbuf why = STRBUF_INIT;

	sc->workload_model = WORKLOAD_PER_REQUEST;
	if (!(cJSON_IsString(st) &&
	      dist_parse(st->valuestring, sc->dir, &c->service_time, &why) == 0))
		dist_from_seconds(m->service_time_s, &c->service_time);
	strbuf_release(&why);
	c->concurrency = m->concurrency;
	c->timeout = duration_or(w, "timeout", (sim_time)(DEFAULT_TIMEOUT_S * SIM_SEC));
	c->routing = ROUTING_ROUND_ROBIN; /* ALB's default */
	per_request_routing_parse(loader_get_string(w, "routing"), &c->routing);
	c->cpu_idle_percent = m->cpu_idle_percent;
	c->memory_base_percent = m->memory_base_percent;
	c->memory_per_rps = m->memory_per_rps;
}

void load_model_workload(struct loader *l)
{
	const cJSON *w = loader_get(l->root, "workload");
	const char *type = loader_get_string(w, "type");
	struct scenario *sc = l->sc;
	struct request_model *m = &sc->requests;

	sc->workload_type = !type		     ? WORKLOAD_NONE
			    : !strcmp(type, "queue") ? WORKLOAD_QUEUE
						     : WORKLOAD_REQUESTS;
	load_rate_shape(l, w);
	m->service_time_s = mean_of(l, w, "service_time", 0.1);
	if (sc->workload_type == WORKLOAD_REQUESTS && !(m->service_time_s > 0))
		loader_err(l, "workload.service_time",
			   "has a mean of 0 (accepted: a service time above 0, such as \"40ms\")");
	m->concurrency = loader_int_or(w, "concurrency_per_task", 1, 100000, 1);
	m->timeout_s = number_or(w, "timeout", DEFAULT_TIMEOUT_S);
	sim_time timeout;
	if (loader_get_duration(w, "timeout", &timeout))
		m->timeout_s = simtime_seconds(timeout);
	m->cpu_idle_percent = number_or(w, "cpu_idle_percent", 0);
	m->memory_base_percent = number_or(w, "memory_base_percent", 0);
	m->memory_per_rps = number_or(w, "memory_per_rps", 0);
	sc->deregistration_delay =
	    duration_or(w, "deregistration_delay",
			sc->workload_type == WORKLOAD_REQUESTS ? DEFAULT_DEREGISTRATION : 0);
	sc->shutdown = duration_or(w, "shutdown", (sim_time)sc->task.stop_timeout_s * SIM_SEC);
	if (sc->workload_type == WORKLOAD_QUEUE)
		load_queue(l, w);
	const char *model = loader_get_string(w, "model");
	/* "fluid" (default; "analytic" names it too) or "steady_state": workload.h */
	m->steady_state = model && !strcmp(model, "steady_state");
	bool per_request = model && !strcmp(model, "per_request");
	if (sc->workload_type == WORKLOAD_REQUESTS && per_request)
		load_per_request(l, w);
	else if (loader_get(w, "routing"))
		loader_err(l, "workload.routing",
			   "routes requests only in the per-request model (accepted: \"model\": "
			   "\"per_request\", or no routing: the fluid and steady_state models pool "
			   "every task's slots)");
}

static int batch_by_time(const void *a, const void *b)
{
	const struct job_batch *x = a, *y = b;
	return (x->at > y->at) - (x->at < y->at);
}

/* A "queue" workload: job sizes, workers, checkpoints and the SQS-like settings. */
static void load_queue(struct loader *l, const cJSON *w)
{
	struct queue_config *q = &l->sc->queue;
	const cJSON *job = loader_get(w, "job_size"), *b;
	struct strbuf why = STRBUF_INIT;
	size_t alloc = 0;

	if (!(cJSON_IsString(job) &&
	      dist_parse(job->valuestring, l->sc->dir, &q->job_size, &why) == 0))
		dist_from_seconds(cJSON_IsNumber(job) ? job->valuedouble : 60, &q->job_size);
	strbuf_release(&why);
	q->concurrency = loader_int_or(w, "concurrency_per_task", 1, 100000, 1);
	q->checkpoint_every = duration_or(w, "checkpoint_every", 0);
	q->visibility_timeout = duration_or(w, "visibility_timeout", 30 * SIM_SEC);
	q->release_on_sigterm = cJSON_IsTrue(loader_get(w, "release_on_sigterm"));
	q->scale_in_protection = cJSON_IsTrue(loader_get(w, "scale_in_protection"));
	q->protection_expiry =
	    duration_or(w, "scale_in_protection_expiry", QUEUE_DEFAULT_PROTECTION_EXPIRY);
	cJSON_ArrayForEach(b, loader_get(w, "batches"))
	{
		XALLOC_GROW(q->batches, q->nbatches + 1, alloc);
		q->batches[q->nbatches].at = duration_or(b, "at", 0);
		q->batches[q->nbatches].count = loader_int_or(b, "count", 0, 1e9, 0);
		q->nbatches++;
	}
	if (q->nbatches > 1)
		qsort(q->batches, q->nbatches, sizeof(*q->batches), batch_by_time);
}

/* ---- spot ---- */

static void hazard(const cJSON *m, struct interruption_config *c)
{
	double v;
	const char *band = loader_get_string(m, "advisor_band");
	if (loader_get_number(m, "rate_per_task_hour", &v))
		c->hazard_per_hour = v;
	else if (loader_get_number(m, "monthly_fraction", &v))
		c->hazard_per_hour = spot_hazard_from_monthly(v);
	else if (band && spot_advisor_band(band, &v))
		c->hazard_per_hour = spot_hazard_from_monthly(v);
}

static struct reclaim reclaim_at(const cJSON *at)
{
	struct reclaim r = {0, 1, -1, -1, 0};
	sim_time t;
	long long usec;
	if (cJSON_IsObject(at)) {
		r.at = loader_get_duration(at, "at", &t) ? t : 0;
		r.count = loader_int_or(at, "count", 1, 100000, 1);
		r.fraction = number_or(at, "fraction", -1);
	} else if (schema_duration(at, &usec)) {
		r.at = usec;
	}
	return r;
}

static int reclaim_by_time(const void *a, const void *b)
{
	const struct reclaim *x = a, *y = b;
	return (x->at > y->at) - (x->at < y->at);
}

static void load_scripted(const cJSON *m, struct interruption_config *c)
{
	const cJSON *at;
	size_t alloc = 0;
	cJSON_ArrayForEach(at, loader_get(m, "at"))
	{
		XALLOC_GROW(c->times, c->ntimes + 1, alloc);
		c->times[c->ntimes++] = reclaim_at(at);
	}
	if (c->ntimes > 1)
		qsort(c->times, c->ntimes, sizeof(*c->times), reclaim_by_time);
}

static void load_preemption_trace(struct loader *l, const cJSON *m, const char *path,
				  struct interruption_config *c)
{
	(void)path; /* the file was checked by the validation pass */
	char *file = scenario_resolve(l->sc, loader_get_string(m, "file"));
	if (spot_read_preemptions(file, &c->times, &c->ntimes, l->d) == 0) {
		double v;
		for (size_t i = 0; i < c->ntimes; i++) {
			c->times[i].count = loader_int_or(m, "count", 0, 100000, c->times[i].count);
			if (loader_get_number(m, "fraction", &v))
				c->times[i].fraction = v;
		}
	}
	free(file);
}

static void load_interruption(struct loader *l, const cJSON *m, const char *path,
			      struct interruption_config *c)
{
	const char *model = loader_get_string(m, "model");
	bool per_az = cJSON_IsTrue(loader_get(m, "per_az"));
	memset(c, 0, sizeof(*c));
	c->azs = (int)loader_int_or(m, "azs", 1, 32, DEFAULT_AZS);
	c->per_az = per_az;
	if (!strcmp(model, "poisson")) {
		c->model = INTERRUPTION_POISSON;
		hazard(m, c);
	} else if (!strcmp(model, "weibull")) {
		c->model = INTERRUPTION_WEIBULL;
		c->weibull_scale = duration_or(m, "scale", SIM_DAY);
		c->weibull_shape = number_or(m, "shape", 1);
	} else if (!strcmp(model, "waves")) {
		c->model = INTERRUPTION_WAVES;
		c->wave_interval = duration_or(m, "mean_interval", SIM_DAY);
		c->wave_fraction = number_or(m, "fraction", -1);
		c->wave_count = loader_int_or(m, "count", 0, 100000, 0);
		c->wave_shortage = duration_or(m, "shortage", 0);
	} else if (!strcmp(model, "trace")) {
		c->model = INTERRUPTION_TRACE;
		load_preemption_trace(l, m, path, c);
	} else {
		c->model = INTERRUPTION_SCRIPTED;
		load_scripted(m, c);
	}
}

static void add_interruption(struct loader *l, const cJSON *m, const char *path)
{
	struct spot_config *c = &l->sc->spot;
	if (!loader_get_string(m, "model"))
		return;
	c->interruptions =
	    xrealloc(c->interruptions, (c->ninterruptions + 1) * sizeof(*c->interruptions));
	load_interruption(l, m, path, &c->interruptions[c->ninterruptions++]);
}

static void load_capacity(struct loader *l, const cJSON *cap)
{
	struct capacity_config *c = &l->sc->spot.capacity;
	const char *model = loader_get_string(cap, "model");
	c->model = CAPACITY_ALWAYS;
	c->reclaim_running = number_or(cap, "reclaim_running", 1.0);
	if (!model || !strcmp(model, "always"))
		return;
	if (!strcmp(model, "alternating")) {
		c->model = CAPACITY_ALTERNATING;
		c->mean_available = duration_or(cap, "mean_available", SIM_DAY);
		c->mean_unavailable = duration_or(cap, "mean_unavailable", SIM_HOUR);
		return;
	}
	c->model = CAPACITY_TRACE;
	char *file = scenario_resolve(l->sc, loader_get_string(cap, "file"));
	spot_read_unavailable(file, &c->windows, &c->nwindows, l->d);
	free(file);
}

void load_model_spot(struct loader *l)
{
	const cJSON *s = loader_get(l->root, "spot"), *ints = loader_get(s, "interruptions"), *m;
	const cJSON *fb = loader_get(s, "fallback");
	struct fallback_config *f = &l->sc->spot.fallback;
	int i = 0;

	if (cJSON_IsArray(ints)) {
		cJSON_ArrayForEach(m, ints)
		{
			char path[64];
			snprintf(path, sizeof(path), "spot.interruptions[%d]", i++);
			add_interruption(l, m, path);
		}
	} else if (cJSON_IsObject(ints)) {
		add_interruption(l, ints, "spot.interruptions");
	}
	load_capacity(l, loader_get(s, "capacity"));
	f->enabled = cJSON_IsObject(fb);
	f->after = duration_or(fb, "after", 2 * SIM_MIN);
	f->revert_after = duration_or(fb, "revert_after", 0);
}

void load_model_limits(struct loader *l)
{
	const cJSON *lim = loader_get(l->root, "limits");
	struct service_limits *o = &l->sc->limits;
	const cJSON *throttle = loader_get(lim, "launch_throttling");
	o->vcpu_quota[PROVIDER_FARGATE] = loader_int_or(lim, "fargate_vcpu", 0, 1e9, 0);
	o->vcpu_quota[PROVIDER_FARGATE_SPOT] = loader_int_or(lim, "fargate_spot_vcpu", 0, 1e9, 0);
	o->launch_throttling = !cJSON_IsBool(throttle) || cJSON_IsTrue(throttle);
	o->launches_per_minute = loader_int_or(lim, "service_launches_per_minute", 0, 1e9,
					       SERVICE_DEFAULT_LAUNCHES_PER_MINUTE);
}
