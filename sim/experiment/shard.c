/*
 * shard — slices of a run plan and the --shard value (see shard.h).
 *
 * The array-job variables are read into one `struct source` per engine that
 * has its index variable set: the slice index it gives and, when the engine
 * says it, the array size. shard_parse then needs every source to agree and
 * the index to lie below the number of slices.
 */
#include "spotsim/experiment/shard.h"

#include "spotsim/util/error.h"
#include "spotsim/util/xalloc.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

bool shard_holds(const struct shard_slice *s, size_t item)
{
	return s->count == 0 || item % s->count == s->index;
}

size_t shard_size(const struct shard_slice *s, size_t plan_size)
{
	if (s->count == 0)
		return plan_size;
	if (s->index >= plan_size)
		return 0;
	return (plan_size - s->index + s->count - 1) / s->count;
}

/* A whole decimal number, digits only. */
static bool parse_whole(const char *text, size_t len, unsigned long long *out)
{
	char buf[24];
	char *end;
	if (!len || len >= sizeof(buf) || strspn(text, "0123456789") < len)
		return false;
	memcpy(buf, text, len);
	buf[len] = '\0';
	errno = 0;
	*out = strtoull(buf, &end, 10);
	return !errno && *end == '\0';
}

#define ACCEPTED "accepted: K/N with K from 0 to N-1, auto, or auto/N"

/* "K/N" or "auto/N": the number after the slash, 1 to SHARD_MAX_SLICES. */
static bool parse_count(const char *text, size_t *out)
{
	unsigned long long n;
	if (!parse_whole(text, strlen(text), &n) || n < 1 || n > SHARD_MAX_SLICES)
		return false;
	*out = (size_t)n;
	return true;
}

/* The slice of one engine's variables. */
struct source {
	const char *var; /* the index variable, for messages */
	unsigned long long raw;
	size_t index;
	bool has_count;
	size_t count;
	const char *count_var;
};

struct env {
	shard_env_fn fn;
	void *ctx;
	struct diag *d;
};

/* Reads `name`: false when unset; on a bad value adds an error and sets *bad. */
static bool env_number(struct env *e, const char *name, unsigned long long *out, bool *bad)
{
	const char *v = e->fn(e->ctx, name);
	if (!v || !*v)
		return false;
	if (parse_whole(v, strlen(v), out))
		return true;
	diag_error(e->d, "--shard", NULL,
		   "%s=\"%s\" is not a whole number (accepted: the index the array job "
		   "sets, from 0)",
		   name, v);
	*bad = true;
	return false;
}

/*
 * Slurm numbers its tasks with the IDs of --array: MIN, MIN+STEP, ...,
 * MAX. Only an evenly stepped range maps onto slices 0..COUNT-1.
 */
static bool slurm_source(struct env *e, struct source *s, bool *bad)
{
	unsigned long long id, min = 0, step = 1, max, count;
	if (!env_number(e, "SLURM_ARRAY_TASK_ID", &id, bad))
		return false;
	env_number(e, "SLURM_ARRAY_TASK_MIN", &min, bad);
	env_number(e, "SLURM_ARRAY_TASK_STEP", &step, bad);
	bool has_max = env_number(e, "SLURM_ARRAY_TASK_MAX", &max, bad);
	s->has_count = env_number(e, "SLURM_ARRAY_TASK_COUNT", &count, bad);
	if (*bad)
		return false;
	if (!step)
		step = 1;
	if (id < min || (id - min) % step ||
	    (has_max && s->has_count && (max < min || (max - min) / step + 1 != count))) {
		diag_error(e->d, "--shard", NULL,
			   "the Slurm array's task IDs are not one evenly stepped range "
			   "(SLURM_ARRAY_TASK_ID=%llu, MIN=%llu, STEP=%llu, COUNT=%s) (accepted: "
			   "sbatch --array=0-N-1, or --shard K/N)",
			   id, min, step,
			   s->has_count ? e->fn(e->ctx, "SLURM_ARRAY_TASK_COUNT") : "unset");
		*bad = true;
		return false;
	}
	s->var = "SLURM_ARRAY_TASK_ID";
	s->raw = id;
	s->index = (size_t)((id - min) / step);
	s->count = (size_t)count;
	s->count_var = "SLURM_ARRAY_TASK_COUNT";
	return true;
}

/* An engine with one index variable and, maybe, one size variable. */
static bool simple_source(struct env *e, const char *var, const char *count_var, struct source *s,
			  bool *bad)
{
	unsigned long long index, count = 0;
	if (!env_number(e, var, &index, bad))
		return false;
	s->has_count = count_var && env_number(e, count_var, &count, bad);
	if (*bad)
		return false;
	s->var = var;
	s->raw = index;
	s->index = (size_t)index;
	s->count = (size_t)count;
	s->count_var = count_var;
	return true;
}

/* The engines whose variables are set, into src[]; returns how many, or -1. */
static int read_sources(struct env *e, struct source src[3])
{
	bool bad = false;
	int n = 0;
	n += simple_source(e, "AWS_BATCH_JOB_ARRAY_INDEX", "AWS_BATCH_JOB_ARRAY_SIZE", &src[n],
			   &bad);
	n += simple_source(e, "JOB_COMPLETION_INDEX", NULL, &src[n], &bad);
	n += slurm_source(e, &src[n], &bad);
	return bad ? -1 : n;
}

/* The number of slices: `given` (0 = not given) or the engines' size, all agreeing. */
static bool pick_count(struct env *e, const char *spec, size_t given, const struct source *src,
		       int n, size_t *out)
{
	*out = given;
	for (int i = 0; i < n; i++) {
		if (!src[i].has_count)
			continue;
		if (*out && src[i].count != *out) {
			diag_error(e->d, "--shard", NULL,
				   "%s: %s=%zu says the array has %zu tasks, not %zu (accepted: "
				   "auto/%zu, or auto)",
				   spec, src[i].count_var, src[i].count, src[i].count, *out,
				   src[i].count);
			return false;
		}
		*out = src[i].count;
	}
	if (*out)
		return true;
	diag_error(e->d, "--shard", NULL,
		   "%s: %s=%llu gives this task's index but not the number of slices "
		   "(accepted: auto/N, N being the array's size)",
		   spec, src[0].var, src[0].raw);
	return false;
}

static int parse_auto(const char *spec, size_t given, struct env *e, struct shard_slice *out)
{
	struct source src[3];
	int n = read_sources(e, src);
	size_t count;
	if (n < 0)
		return SPOTSIM_EINVAL;
	if (n == 0) {
		diag_error(e->d, "--shard", NULL,
			   "%s: no array-job index is set (accepted: inside an AWS Batch array "
			   "job, a Slurm job array or a Kubernetes Indexed Job, which set "
			   "AWS_BATCH_JOB_ARRAY_INDEX, SLURM_ARRAY_TASK_ID or "
			   "JOB_COMPLETION_INDEX; or --shard K/N)",
			   spec);
		return SPOTSIM_EINVAL;
	}
	for (int i = 1; i < n; i++)
		if (src[i].index != src[0].index) {
			diag_error(e->d, "--shard", NULL,
				   "%s: %s=%llu and %s=%llu name different slices (accepted: "
				   "the variables of one engine, or --shard K/N)",
				   spec, src[0].var, src[0].raw, src[i].var, src[i].raw);
			return SPOTSIM_EINVAL;
		}
	if (!pick_count(e, spec, given, src, n, &count))
		return SPOTSIM_EINVAL;
	if (src[0].index >= count) {
		diag_error(e->d, "--shard", NULL,
			   "%s: %s=%llu is slice %zu, outside 0..%zu (accepted: an index below "
			   "the number of slices)",
			   spec, src[0].var, src[0].raw, src[0].index, count - 1);
		return SPOTSIM_EINVAL;
	}
	*out = (struct shard_slice){src[0].index, count};
	return 0;
}

int shard_parse(const char *spec, shard_env_fn env, void *ctx, struct shard_slice *out,
		struct diag *d)
{
	struct env e = {env, ctx, d};
	const char *slash = strchr(spec, '/');
	unsigned long long k;
	size_t n = 0;

	if (!strcmp(spec, "auto"))
		return parse_auto(spec, 0, &e, out);
	if (slash && parse_count(slash + 1, &n)) {
		if ((size_t)(slash - spec) == 4 && !strncmp(spec, "auto", 4))
			return parse_auto(spec, n, &e, out);
		if (parse_whole(spec, (size_t)(slash - spec), &k) && k < n) {
			*out = (struct shard_slice){(size_t)k, n};
			return 0;
		}
		if (parse_whole(spec, (size_t)(slash - spec), &k)) {
			diag_error(
			    d, "--shard", NULL,
			    "%s: slice %llu is outside 0..%zu (slices count from 0; " ACCEPTED ")",
			    spec, k, n - 1);
			return SPOTSIM_EINVAL;
		}
	}
	diag_error(d, "--shard", NULL, "\"%s\" is not a slice (" ACCEPTED ", N from 1 to %d)", spec,
		   SHARD_MAX_SLICES);
	return SPOTSIM_EINVAL;
}

/* ---- streamed row counts ---- */

static void count_minute(void *ctx, const struct minute_row *row)
{
	struct shard_rows *r = ctx;
	r->timeseries[r->current]++;
	if (r->inner.minute)
		r->inner.minute(r->inner.ctx, row);
}

static void count_event(void *ctx, const struct event_row *row)
{
	struct shard_rows *r = ctx;
	r->events[r->current]++;
	if (r->inner.event)
		r->inner.event(r->inner.ctx, row);
}

void shard_rows_init(struct shard_rows *r, size_t nconfigs)
{
	memset(r, 0, sizeof(*r));
	r->nconfigs = nconfigs;
	r->timeseries = xcalloc(nconfigs ? nconfigs : 1, sizeof(*r->timeseries));
	r->events = xcalloc(nconfigs ? nconfigs : 1, sizeof(*r->events));
	for (size_t i = 0; i < nconfigs; i++)
		r->timeseries[i] = r->events[i] = -1;
}

void shard_rows_wrap(struct shard_rows *r, size_t config, struct run_sink *sink)
{
	if (config >= r->nconfigs || (!sink->minute && !sink->event))
		return;
	r->inner = *sink;
	r->current = config;
	r->timeseries[config] = r->events[config] = 0;
	*sink = (struct run_sink){r, count_minute, count_event};
}

void shard_rows_release(struct shard_rows *r)
{
	free(r->timeseries);
	free(r->events);
	memset(r, 0, sizeof(*r));
}
