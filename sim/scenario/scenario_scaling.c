/*
 * scenario_scaling — the `scaling` section into struct scaling_config
 * (scaling.h), and one policy file for `spotsim scale`. Part of the scenario
 * loader (see scenario.c): the schema walk has checked shapes, types and
 * ranges; here values are copied, defaults applied, and the rules that
 * involve several values are checked, as AWS checks them:
 *  - step adjustments meet end to end (no overlap, no gap), at most one null
 *    lower and one null upper bound, at most 20 steps;
 *  - MinAdjustmentMagnitude only with PercentChangeInCapacity; ExactCapacity
 *    not below 0;
 *  - an alarm's Period is whole minutes, DatapointsToAlarm <= EvaluationPeriods;
 *  - schedules: at(...), rate(...), cron(...) in AWS's dialect, an IANA
 *    Timezone, StartTime <= EndTime.
 * Scheduled actions are expanded here into their times within the run
 * ([start, start + duration], both ends included), sorted by time then file
 * order. Time zones use the C library under a temporarily set TZ: loading is
 * single-threaded, and TZ is restored afterwards.
 */
#include "scenario_scaling.h"
#include "scenario_schema.h"

#include "spotsim/util/error.h"
#include "spotsim/util/xalloc.h"

#include <ctype.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <time.h>

#define DEFAULT_COOLDOWN     (300 * SIM_SEC)
#define DEFAULT_MIN_CAPACITY 0
#define DEFAULT_MAX_CAPACITY SCENARIO_MAX_DESIRED
#define MAX_STEPS	     20	    /* AWS quota: step adjustments per policy */
#define MAX_OCCURRENCES	     100000 /* scheduled-action runs per scenario */
#define PATH_SIZE	     192

#define SCHEDULE_FORMS                                                                             \
	"at(yyyy-mm-ddThh:mm:ss), rate(N minute|minutes|hour|hours|day|days) or "                  \
	"cron(Minutes Hours Day-of-month Month Day-of-week Year)"
#define STEP_RULE                                                                                  \
	"steps that meet end to end, each lower bound equal to the previous step's upper bound"

/* "base.key", or "key" at the root of a policy file (cut at PATH_SIZE). */
static const char *join(char *buf, const char *base, const char *key)
{
	if (snprintf(buf, PATH_SIZE, "%s%s%s", base, *base ? "." : "", key) >= PATH_SIZE)
		buf[PATH_SIZE - 1] = '\0';
	return buf;
}

static sim_time seconds_or(const cJSON *obj, const char *key, sim_time fallback)
{
	double v;
	if (!get_number(obj, key, &v) || v < 0 || v > 1e9)
		return fallback;
	return (sim_time)llround(v) * SIM_SEC;
}

/* An integer in [lo, hi] (as the schema checked it); false otherwise. */
static bool get_int(const cJSON *obj, const char *key, double lo, double hi, long *out)
{
	double v;
	if (!get_number(obj, key, &v) || v != floor(v) || v < lo || v > hi)
		return false;
	*out = (long)v;
	return true;
}

/* ---- target tracking ---- */

static void load_target(struct loader *l, const cJSON *cfg, const char *base,
			struct scaling_policy *p)
{
	const cJSON *pre = get(cfg, "PredefinedMetricSpecification");
	const cJSON *cust = get(cfg, "CustomizedMetricSpecification");
	enum statistic stat = STAT_AVERAGE;
	char path[PATH_SIZE], at[PATH_SIZE];
	const char *m;

	p->type = POLICY_TARGET_TRACKING;
	join(path, base, "TargetTrackingScalingPolicyConfiguration");
	if (get_number(cfg, "TargetValue", &p->target) && p->target == 0)
		err(l, join(at, path, "TargetValue"),
		    "0 is not a target (accepted: a number above 0)");
	if (!(p->target > 0))
		p->target = 1; /* reported; keeps the arithmetic finite */
	if (pre && cust)
		err(l, path,
		    "sets both PredefinedMetricSpecification and CustomizedMetricSpecification "
		    "(accepted: one of them)");
	m = pre ? get_string(pre, "PredefinedMetricType") : get_string(cust, "MetricName");
	if (m)
		scaling_metric_parse(m, &p->metric);
	if (cust && (m = get_string(cust, "Statistic")))
		scaling_statistic_parse(m, &stat);
	p->scale_out_cooldown = seconds_or(cfg, "ScaleOutCooldown", DEFAULT_COOLDOWN);
	p->scale_in_cooldown = seconds_or(cfg, "ScaleInCooldown", DEFAULT_COOLDOWN);
	p->disable_scale_in = cJSON_IsTrue(get(cfg, "DisableScaleIn"));
	scaling_target_alarms(p, stat);
}

/* ---- step scaling: the steps ---- */

/* False when the bound is neither a number, null nor absent (the schema said so). */
static bool read_bound(const cJSON *st, const char *key, bool *has, double *v)
{
	const cJSON *n = get(st, key);
	*has = cJSON_IsNumber(n) && isfinite(n->valuedouble);
	if (*has)
		*v = n->valuedouble;
	return !n || cJSON_IsNull(n) || *has;
}

static const char *range_text(const struct step_adjustment *s, char *buf, size_t size)
{
	char lo[32], hi[32];
	snprintf(lo, sizeof(lo), "%g", s->lower);
	snprintf(hi, sizeof(hi), "%g", s->upper);
	snprintf(buf, size, "%s to %s", s->has_lower ? lo : "-inf", s->has_upper ? hi : "+inf");
	return buf;
}

/* Indices of the steps by lower bound, the null lower bound first. */
static void sort_steps(const struct scaling_policy *p, size_t *idx)
{
	for (size_t i = 0; i < p->nsteps; i++) {
		size_t j = i;
		const struct step_adjustment *s = &p->steps[i];
		while (j > 0) {
			const struct step_adjustment *t = &p->steps[idx[j - 1]];
			if (!t->has_lower || (s->has_lower && t->lower <= s->lower))
				break;
			idx[j] = idx[j - 1];
			j--;
		}
		idx[j] = i;
	}
}

static void check_sequence(struct loader *l, const char *path, const struct scaling_policy *p)
{
	size_t *idx = xcalloc(p->nsteps, sizeof(*idx));
	char ra[80], rb[80];
	sort_steps(p, idx);
	for (size_t k = 1; k < p->nsteps; k++) {
		const struct step_adjustment *a = &p->steps[idx[k - 1]], *b = &p->steps[idx[k]];
		range_text(a, ra, sizeof(ra));
		range_text(b, rb, sizeof(rb));
		if (!a->has_upper || a->upper > b->lower)
			err(l, path, "steps [%zu] (%s) and [%zu] (%s) overlap (accepted: %s)",
			    idx[k - 1], ra, idx[k], rb, STEP_RULE);
		else if (a->upper < b->lower)
			err(l, path,
			    "steps [%zu] (%s) and [%zu] (%s) leave a gap from %g to %g (accepted: "
			    "%s)",
			    idx[k - 1], ra, idx[k], rb, a->upper, b->lower, STEP_RULE);
	}
	free(idx);
}

/* Returns false when a step's own bounds are wrong. */
static bool check_one_step(struct loader *l, const char *path, const struct scaling_policy *p,
			   size_t i)
{
	const struct step_adjustment *s = &p->steps[i];
	char *at = xasprintf("%s[%zu]", path, i);
	bool ok = !(s->has_lower && s->has_upper && s->lower >= s->upper);
	if (!ok)
		err(l, at,
		    "MetricIntervalLowerBound %g is not below MetricIntervalUpperBound %g "
		    "(accepted: lower < upper)",
		    s->lower, s->upper);
	free(at);
	if (p->adjustment_type == ADJUST_EXACT && s->adjustment < 0) {
		at = xasprintf("%s[%zu].ScalingAdjustment", path, i);
		err(l, at, "%ld is not a capacity (accepted: 0 or more with ExactCapacity)",
		    s->adjustment);
		free(at);
	}
	return ok;
}

static void check_steps(struct loader *l, const char *path, const struct scaling_policy *p)
{
	int nolow = 0, noup = 0;
	bool ok = true;
	if (!p->nsteps) {
		err(l, path, "is empty (accepted: 1 to %d step adjustments)", MAX_STEPS);
		return;
	}
	if (p->nsteps > MAX_STEPS)
		err(l, path, "%zu step adjustments given (accepted: 1 to %d, AWS's quota)",
		    p->nsteps, MAX_STEPS);
	for (size_t i = 0; i < p->nsteps; i++) {
		ok = check_one_step(l, path, p, i) && ok;
		nolow += !p->steps[i].has_lower;
		noup += !p->steps[i].has_upper;
	}
	if (nolow > 1)
		err(l, path,
		    "%d steps have a null MetricIntervalLowerBound (accepted: at most one, the "
		    "lowest step)",
		    nolow);
	if (noup > 1)
		err(l, path,
		    "%d steps have a null MetricIntervalUpperBound (accepted: at most one, the "
		    "highest step)",
		    noup);
	if (ok && nolow <= 1 && noup <= 1)
		check_sequence(l, path, p);
}

static void load_steps(struct loader *l, const cJSON *list, const char *path,
		       struct scaling_policy *p)
{
	const cJSON *st;
	bool typed = true;
	if (!cJSON_IsArray(list))
		return;
	p->steps = xcalloc((size_t)cJSON_GetArraySize(list) + 1, sizeof(*p->steps));
	cJSON_ArrayForEach(st, list)
	{
		struct step_adjustment *s = &p->steps[p->nsteps++];
		double v;
		typed =
		    read_bound(st, "MetricIntervalLowerBound", &s->has_lower, &s->lower) && typed;
		typed =
		    read_bound(st, "MetricIntervalUpperBound", &s->has_upper, &s->upper) && typed;
		if (get_number(st, "ScalingAdjustment", &v) && v == floor(v) && fabs(v) <= 1e9)
			s->adjustment = (long)v;
		else
			typed = false;
	}
	if (typed)
		check_steps(l, path, p);
}

/* ---- step scaling: the alarm and the rest ---- */

static void load_alarm_periods(struct loader *l, const cJSON *a, const char *path,
			       struct alarm_config *out)
{
	char at[PATH_SIZE];
	long v;
	double raw;
	if (get_int(a, "Period", 60, 86400, &v)) {
		if (v % 60)
			err(l, join(at, path, "Period"),
			    "%ld seconds is not a whole number of minutes (accepted: 60, 120, "
			    "180, ... up to 86400)",
			    v);
		else
			out->period_minutes = (int)(v / 60);
	}
	if (get_int(a, "EvaluationPeriods", 1, 1440, &v))
		out->evaluation_periods = (int)v;
	out->datapoints_to_alarm = out->evaluation_periods;
	if (get_int(a, "DatapointsToAlarm", 1, 1440, &v)) {
		if (v > out->evaluation_periods)
			err(l, join(at, path, "DatapointsToAlarm"),
			    "%ld is above EvaluationPeriods %d (accepted: 1 to EvaluationPeriods)",
			    v, out->evaluation_periods);
		else
			out->datapoints_to_alarm = (int)v;
	}
	if (get_number(a, "Threshold", &raw))
		out->threshold = raw;
}

/* Fills the alarm of a step policy; false when there is none. */
static bool load_alarm(struct loader *l, const cJSON *a, const char *base, struct alarm_config *out)
{
	char path[PATH_SIZE];
	const char *s;
	*out = (struct alarm_config){METRIC_CPU, STAT_AVERAGE, 1, 1, 1, 0, CMP_GE};
	if (!cJSON_IsObject(a))
		return false;
	if ((s = get_string(a, "MetricName")))
		scaling_metric_parse(s, &out->metric);
	if ((s = get_string(a, "Statistic")))
		scaling_statistic_parse(s, &out->statistic);
	if ((s = get_string(a, "ComparisonOperator")))
		scaling_comparison_parse(s, &out->comparison);
	load_alarm_periods(l, a, join(path, base, "Alarm"), out);
	return true;
}

static void load_step(struct loader *l, const cJSON *pol, const cJSON *cfg, const char *base,
		      struct scaling_policy *p)
{
	char path[PATH_SIZE], at[PATH_SIZE];
	const char *s;
	bool typed;
	long v;

	p->type = POLICY_STEP;
	join(path, base, "StepScalingPolicyConfiguration");
	typed = (s = get_string(cfg, "AdjustmentType")) &&
		scaling_adjustment_parse(s, &p->adjustment_type);
	p->cooldown = seconds_or(cfg, "Cooldown", DEFAULT_COOLDOWN);
	p->aggregation = STAT_AVERAGE;
	if ((s = get_string(cfg, "MetricAggregationType")))
		scaling_statistic_parse(s, &p->aggregation);
	if (typed && get(cfg, "MinAdjustmentMagnitude") && p->adjustment_type != ADJUST_PERCENT)
		err(l, join(at, path, "MinAdjustmentMagnitude"),
		    "is only valid with PercentChangeInCapacity (AdjustmentType is %s)",
		    scaling_adjustment_name(p->adjustment_type));
	else if (get_int(cfg, "MinAdjustmentMagnitude", 0, 1e9, &v))
		p->min_adjustment_magnitude = v;
	load_steps(l, get(cfg, "StepAdjustments"), join(at, path, "StepAdjustments"), p);
	p->has_alarm = load_alarm(l, get(pol, "Alarm"), base, &p->alarm);
}

/*
 * Fills `p` from one policy object; false when its type or configuration is
 * missing (reported by the schema walk or the caller). `p` owns its name.
 */
static bool load_policy(struct loader *l, const cJSON *pol, const char *base,
			struct scaling_policy *p)
{
	const char *type = get_string(pol, "PolicyType");
	const char *name = get_string(pol, "PolicyName");
	const cJSON *cfg;
	memset(p, 0, sizeof(*p));
	p->name = xstrdup(name && *name ? name : *base ? base : "policy");
	if (!type)
		return false;
	if (!strcmp(type, "TargetTrackingScaling")) {
		cfg = get(pol, "TargetTrackingScalingPolicyConfiguration");
		if (cJSON_IsObject(cfg))
			load_target(l, cfg, base, p);
		return cJSON_IsObject(cfg);
	}
	if (!strcmp(type, "StepScaling")) {
		cfg = get(pol, "StepScalingPolicyConfiguration");
		if (cJSON_IsObject(cfg))
			load_step(l, pol, cfg, base, p);
		return cJSON_IsObject(cfg);
	}
	return false;
}

static void model_policies(struct loader *l, const cJSON *list, struct scaling_config *c)
{
	const cJSON *pol;
	int i = 0;
	if (!cJSON_IsArray(list))
		return;
	c->policies = xcalloc((size_t)cJSON_GetArraySize(list) + 1, sizeof(*c->policies));
	cJSON_ArrayForEach(pol, list)
	{
		char base[PATH_SIZE], at[PATH_SIZE];
		struct scaling_policy *p = &c->policies[c->npolicies];
		snprintf(base, sizeof(base), "scaling.ScalingPolicies[%d]", i++);
		if (!load_policy(l, pol, base, p)) {
			scaling_policy_release(p);
			continue;
		}
		for (size_t k = 0; k < c->npolicies; k++)
			if (!strcmp(c->policies[k].name, p->name))
				err(l, join(at, base, "PolicyName"),
				    "\"%s\" is used twice (accepted: unique policy names)",
				    p->name);
		c->npolicies++;
	}
}

/* ---- time: instants, zones ---- */

/* Seconds since 1970 of a UTC calendar time; false for dates that do not exist. */
static bool utc_seconds(int y, int mo, int d, int h, int mi, int s, int64_t *out)
{
	struct tm tm = {0};
	if (y < 1970 || y > 2199 || mo < 1 || mo > 12 || d < 1 || h > 23 || mi > 59 || s > 59 ||
	    h < 0 || mi < 0 || s < 0)
		return false;
	tm.tm_year = y - 1900;
	tm.tm_mon = mo - 1;
	tm.tm_mday = d;
	tm.tm_hour = h;
	tm.tm_min = mi;
	tm.tm_sec = s;
	*out = (int64_t)timegm(&tm);
	return tm.tm_mday == d; /* 2026-02-30 comes back as March */
}

/* "+01:00", "-0500", "Z" or nothing (UTC) after the seconds; offset in seconds. */
static bool parse_offset(const char *p, int64_t *offset)
{
	int h, m, used = 0;
	*offset = 0;
	if (!*p || !strcmp(p, "Z"))
		return true;
	if (*p != '+' && *p != '-')
		return false;
	if ((sscanf(p + 1, "%2d:%2d%n", &h, &m, &used) != 2 || used != 5) &&
	    (sscanf(p + 1, "%2d%2d%n", &h, &m, &used) != 2 || used != 4))
		return false;
	if (p[1 + used] || h > 14 || m > 59)
		return false;
	*offset = (*p == '-' ? -1 : 1) * (int64_t)(h * 3600 + m * 60);
	return true;
}

/* ISO 8601 text (as the AWS CLI prints it) or seconds since 1970. */
static bool parse_instant(const cJSON *n, int64_t *out)
{
	int y, mo, d, h, mi, s, used = 0;
	int64_t off;
	if (cJSON_IsNumber(n))
		return isfinite(n->valuedouble) && n->valuedouble >= 0 && n->valuedouble < 7e9 &&
		       ((*out = (int64_t)floor(n->valuedouble)), true);
	if (!cJSON_IsString(n))
		return false;
	const char *t = n->valuestring;
	if (sscanf(t, "%4d-%2d-%2dT%2d:%2d:%2d%n", &y, &mo, &d, &h, &mi, &s, &used) != 6 ||
	    used != 19)
		return false;
	t += used;
	if (*t == '.')
		for (t++; isdigit((unsigned char)*t); t++)
			;
	if (!parse_offset(t, &off) || !utc_seconds(y, mo, d, h, mi, s, out))
		return false;
	*out -= off;
	return true;
}

/* Where wall-clock times of a schedule are read: UTC, or an IANA zone through TZ. */
struct zone {
	bool local;
	bool had_tz;
	char *saved_tz;
};

static bool zone_exists(const char *name)
{
	const char *dir = getenv("TZDIR");
	struct stat st;
	if (!*name || *name == '/' || strstr(name, "..") || strchr(name, ','))
		return false;
	char *path = xasprintf("%s/%s", dir && *dir ? dir : "/usr/share/zoneinfo", name);
	bool ok = stat(path, &st) == 0 && S_ISREG(st.st_mode);
	free(path);
	return ok;
}

static void zone_enter(struct zone *z, const char *name)
{
	const char *old = getenv("TZ");
	memset(z, 0, sizeof(*z));
	if (!name)
		return;
	z->local = true;
	z->had_tz = old != NULL;
	z->saved_tz = xstrdup(old);
	setenv("TZ", name, 1);
	tzset();
}

static void zone_leave(struct zone *z)
{
	if (!z->local)
		return;
	if (z->had_tz)
		setenv("TZ", z->saved_tz, 1);
	else
		unsetenv("TZ");
	tzset();
	free(z->saved_tz);
}

/*
 * Seconds since 1970 of a wall-clock time. A time that happens twice (the
 * hour repeated when DST ends) is the first; a time that does not happen
 * (skipped when DST starts) is read with the offset before the change, so it
 * moves forward (02:30 becomes 03:30). Both readings are tried explicitly:
 * mktime's own choice for tm_isdst = -1 depends on its earlier calls.
 */
static int64_t zone_seconds(const struct zone *z, const struct tm *wall)
{
	int64_t exact = INT64_MAX, shifted = INT64_MIN;
	struct tm t = *wall;
	if (!z->local)
		return (int64_t)timegm(&t);
	for (int dst = 0; dst <= 1; dst++) {
		struct tm back;
		t = *wall;
		t.tm_isdst = dst;
		time_t s = mktime(&t);
		localtime_r(&s, &back);
		if (back.tm_mday == wall->tm_mday && back.tm_hour == wall->tm_hour &&
		    back.tm_min == wall->tm_min && back.tm_sec == wall->tm_sec)
			exact = (int64_t)s < exact ? (int64_t)s : exact;
		else
			shifted = (int64_t)s > shifted ? (int64_t)s : shifted;
	}
	return exact != INT64_MAX ? exact : shifted;
}

static void zone_wall(const struct zone *z, int64_t t, struct tm *out)
{
	time_t tt = (time_t)t;
	if (z->local)
		localtime_r(&tt, out);
	else
		gmtime_r(&tt, out);
}

/* ---- schedules ---- */

struct occurrence {
	int64_t t;    /* seconds since 1970 */
	size_t order; /* the action's place in the file */
};

/* One action's expansion into the run's window [lo, hi]. */
struct expansion {
	int64_t lo, hi;
	size_t order;
	struct occurrence *occ; /* shared by all actions */
	size_t nocc, alloc;
	bool overflow;
};

static void add_time(struct expansion *x, int64_t t)
{
	if (t < x->lo || t > x->hi)
		return;
	if (x->nocc >= MAX_OCCURRENCES) {
		x->overflow = true;
		return;
	}
	XALLOC_GROW(x->occ, x->nocc + 1, x->alloc);
	x->occ[x->nocc++] = (struct occurrence){t, x->order};
}

static bool expand_at(struct expansion *x, const char *text, const struct zone *z)
{
	int y, mo, d, h, mi, s, used = 0;
	int64_t check;
	if (sscanf(text, "at(%4d-%2d-%2dT%2d:%2d:%2d)%n", &y, &mo, &d, &h, &mi, &s, &used) != 6 ||
	    text[used] || used != 23 || !utc_seconds(y, mo, d, h, mi, s, &check))
		return false;
	struct tm wall = {0};
	wall.tm_year = y - 1900;
	wall.tm_mon = mo - 1;
	wall.tm_mday = d;
	wall.tm_hour = h;
	wall.tm_min = mi;
	wall.tm_sec = s;
	add_time(x, zone_seconds(z, &wall));
	return true;
}

/* "rate(5 minutes)": the value, and the unit's length in seconds. */
static bool parse_rate(const char *text, int64_t *interval)
{
	static const struct {
		const char *one, *many;
		int64_t seconds;
	} units[] = {{"minute", "minutes", 60}, {"hour", "hours", 3600}, {"day", "days", 86400}};
	char unit[16];
	long n;
	int used = 0;
	if (sscanf(text, "rate(%ld %15[a-z])%n", &n, unit, &used) != 2 || text[used] || n < 1 ||
	    n > 100000000 || !isdigit((unsigned char)text[5]) || !strchr(text, ' ') ||
	    strchr(text, ' ') != strrchr(text, ' '))
		return false;
	for (size_t i = 0; i < sizeof(units) / sizeof(units[0]); i++) {
		if (!strcmp(unit, n == 1 ? units[i].one : units[i].many)) {
			*interval = n * units[i].seconds;
			return true;
		}
	}
	return false;
}

/* rate() runs from StartTime, or from the start of the run, every interval. */
static void expand_rate(struct expansion *x, int64_t anchor, int64_t interval)
{
	int64_t t = anchor;
	if (x->lo > anchor)
		t += (x->lo - anchor + interval - 1) / interval * interval;
	for (; t <= x->hi && !x->overflow; t += interval)
		add_time(x, t);
}

/* ---- AWS cron ---- */

struct cron {
	uint64_t bits[6][4];		 /* per field, bit (value - field minimum) */
	bool dom_any, dow_any, dom_last; /* "?" in day-of-month / day-of-week, "L" */
};

struct cron_field {
	const char *name;
	int lo, hi;
	const char *const *names; /* three-letter names for lo, lo + 1, ... */
	const char *accepted;
};

static const char *const month_names[] = {"JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL",
					  "AUG", "SEP", "OCT", "NOV", "DEC", NULL};
static const char *const day_names[] = {"SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT", NULL};

static const struct cron_field cron_fields[6] = {
    {"Minutes", 0, 59, NULL, "0-59 with , - * /"},
    {"Hours", 0, 23, NULL, "0-23 with , - * /"},
    {"Day-of-month", 1, 31, NULL, "1-31 with , - * /, or ? or L"},
    {"Month", 1, 12, month_names, "1-12 or JAN-DEC with , - * /"},
    {"Day-of-week", 1, 7, day_names, "1-7 or SUN-SAT with , - * /, or ?"},
    {"Year", 1970, 2199, NULL, "1970-2199 with , - * /"},
};

static bool cron_value(const char **p, const char *end, const struct cron_field *f, int *out)
{
	const char *s = *p;
	long v = 0;
	if (isdigit((unsigned char)*s)) {
		for (; s < end && isdigit((unsigned char)*s) && v < 100000; s++)
			v = v * 10 + (*s - '0');
	} else {
		for (int i = 0; f->names && f->names[i] && s == *p; i++)
			if (end - s >= 3 && !strncasecmp(s, f->names[i], 3))
				v = f->lo + i, s += 3;
	}
	if (s == *p || v < f->lo || v > f->hi)
		return false;
	*p = s;
	*out = (int)v;
	return true;
}

/* One comma-separated item: "*", "5", "1-5", "*\/15", "10/5", "8-18/2". */
static bool cron_item(const char *s, const char *end, const struct cron_field *f, uint64_t *bits)
{
	int a = f->lo, b = f->hi, step = 1;
	const char *p = s;
	bool single = false;
	if (p < end && *p == '*') {
		p++;
	} else {
		if (!cron_value(&p, end, f, &a))
			return false;
		b = a;
		single = !(p < end && *p == '-');
		if (!single && (++p, !cron_value(&p, end, f, &b)))
			return false;
	}
	if (p < end && *p == '/') {
		struct cron_field n = {"", 1, f->hi - f->lo + 1, NULL, ""};
		p++;
		if (!cron_value(&p, end, &n, &step))
			return false;
		if (single)
			b = f->hi; /* "10/5": from 10 to the end */
	}
	if (p != end || b < a)
		return false;
	for (int v = a; v <= b; v += step)
		bits[(v - f->lo) / 64] |= (uint64_t)1 << ((v - f->lo) % 64);
	return true;
}

static bool cron_field_parse(const char *text, int k, struct cron *c)
{
	if (!strcmp(text, "?") && (k == 2 || k == 4)) {
		*(k == 2 ? &c->dom_any : &c->dow_any) = true;
		return true;
	}
	if (!strcmp(text, "L") && k == 2) {
		c->dom_last = true;
		return true;
	}
	for (const char *p = text;;) {
		const char *end = strchr(p, ',');
		if (!end)
			end = p + strlen(p);
		if (!cron_item(p, end, &cron_fields[k], c->bits[k]))
			return false;
		if (!*end)
			return true;
		p = end + 1;
	}
}

static bool bit(const uint64_t *bits, int i)
{
	return i >= 0 && i < 256 && (bits[i / 64] >> (i % 64) & 1);
}

static int days_in_month(int year, int mon0)
{
	static const int days[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
	bool leap = (year % 4 == 0 && year % 100) || year % 400 == 0;
	return days[mon0] + (mon0 == 1 && leap);
}

static bool cron_date(const struct cron *c, const struct tm *d)
{
	int year = d->tm_year + 1900;
	if (!bit(c->bits[5], year - 1970) || !bit(c->bits[3], d->tm_mon))
		return false;
	if (!c->dom_any && c->dom_last && d->tm_mday != days_in_month(year, d->tm_mon))
		return false;
	if (!c->dom_any && !c->dom_last && !bit(c->bits[2], d->tm_mday - 1))
		return false;
	return c->dow_any || bit(c->bits[4], d->tm_wday);
}

/* Every matching wall-clock minute of every local date that touches the window. */
static void expand_cron(struct expansion *x, const struct cron *c, const struct zone *z)
{
	struct tm lo, hi;
	zone_wall(z, x->lo, &lo);
	zone_wall(z, x->hi, &hi);
	lo.tm_hour = hi.tm_hour = 12;
	int64_t first = (int64_t)timegm(&lo) / 86400 - 1, last = (int64_t)timegm(&hi) / 86400 + 1;
	for (int64_t day = first; day <= last && !x->overflow; day++) {
		time_t noon = (time_t)(day * 86400 + 43200);
		struct tm d;
		gmtime_r(&noon, &d);
		if (d.tm_year + 1900 > 2199)
			break; /* AWS cron has no later year */
		if (!cron_date(c, &d))
			continue;
		for (int h = 0; h < 24; h++) {
			for (int m = 0; m < 60 && bit(c->bits[1], h); m++) {
				if (!bit(c->bits[0], m))
					continue;
				struct tm wall = d;
				wall.tm_hour = h;
				wall.tm_min = m;
				wall.tm_sec = 0;
				add_time(x, zone_seconds(z, &wall));
			}
		}
	}
}

/* Parses "cron(...)" into `c`; on failure writes what is wrong into `why`. */
static bool parse_cron(const char *text, struct cron *c, struct strbuf *why)
{
	size_t n = strlen(text);
	char *copy = xstrndup(text + 5, n - 6), *save = NULL, *fields[7];
	int k = 0;
	memset(c, 0, sizeof(*c));
	for (char *f = strtok_r(copy, " \t", &save); f && k < 7; f = strtok_r(NULL, " \t", &save))
		fields[k++] = f;
	bool ok = k == 6;
	if (!ok)
		strbuf_addf(why,
			    " has %s%d fields (accepted: six, cron(Minutes Hours Day-of-month "
			    "Month Day-of-week Year))",
			    k == 7 ? "at least " : "", k);
	for (int i = 0; ok && i < 6; i++) {
		ok = cron_field_parse(fields[i], i, c);
		if (!ok)
			strbuf_addf(why, ": %s field \"%s\" is not valid (accepted: %s)",
				    cron_fields[i].name, fields[i], cron_fields[i].accepted);
	}
	if (ok && c->dom_any == c->dow_any) {
		ok = false;
		strbuf_addf(why,
			    ": %s (accepted: ? in exactly one of them, as in cron(0 9 ? * "
			    "MON-FRI *))",
			    c->dom_any ? "Day-of-month and Day-of-week are both ?"
				       : "Day-of-month and Day-of-week cannot both be set");
	}
	free(copy);
	return ok;
}

/* ---- scheduled actions ---- */

/* The window [lo, hi] of one action: the run, narrowed by StartTime / EndTime. */
static bool action_window(struct loader *l, const cJSON *a, const char *base, struct expansion *x,
			  int64_t *anchor)
{
	char at[PATH_SIZE];
	int64_t start = 0, end = 0;
	bool has_start = false, ok = true;
	static const char accepted[] = "(accepted: ISO 8601 such as \"2026-01-05T09:00:00Z\" or "
				       "\"2026-01-05T09:00:00+01:00\", or seconds since 1970)";
	x->lo = l->sc->start_unix;
	x->hi = l->sc->start_unix + l->sc->duration / SIM_SEC;
	*anchor = x->lo;
	if (get(a, "StartTime") && !(has_start = parse_instant(get(a, "StartTime"), &start))) {
		err(l, join(at, base, "StartTime"), "is not a time %s", accepted);
		ok = false;
	}
	if (get(a, "EndTime") && !parse_instant(get(a, "EndTime"), &end)) {
		err(l, join(at, base, "EndTime"), "is not a time %s", accepted);
		return false;
	}
	if (has_start && get(a, "EndTime") && end < start) {
		err(l, join(at, base, "EndTime"), "is before StartTime (accepted: a later time)");
		return false;
	}
	if (has_start) {
		*anchor = start;
		x->lo = start > x->lo ? start : x->lo;
	}
	if (get(a, "EndTime") && end < x->hi)
		x->hi = end;
	return ok;
}

static bool expand_schedule(struct loader *l, const char *text, const char *path,
			    struct expansion *x, int64_t anchor, const struct zone *z)
{
	struct strbuf why = STRBUF_INIT;
	struct cron c;
	int64_t interval;
	size_t n = strlen(text);
	bool ok = true;
	if (!strncmp(text, "at(", 3)) {
		if (!(ok = expand_at(x, text, z)))
			strbuf_adds(&why,
				    " is not a date and time (accepted: at(yyyy-mm-ddThh:mm:ss), "
				    "e.g. at(2026-01-05T09:00:00))");
	} else if (!strncmp(text, "rate(", 5)) {
		if ((ok = parse_rate(text, &interval)))
			expand_rate(x, anchor, interval);
		else
			strbuf_adds(&why,
				    " is not a rate (accepted: rate(1 minute), rate(N minutes), "
				    "rate(1 hour), rate(N hours), rate(1 day), rate(N days))");
	} else if (!strncmp(text, "cron(", 5) && n > 6 && text[n - 1] == ')') {
		if ((ok = parse_cron(text, &c, &why)))
			expand_cron(x, &c, z);
	} else {
		ok = false;
		strbuf_addf(&why, " is not a schedule (accepted: %s)", SCHEDULE_FORMS);
	}
	if (!ok)
		err(l, path, "\"%s\"%s", text, why.buf);
	strbuf_release(&why);
	return ok;
}

/* Expands one action into x->occ; false when it is invalid (reported). */
static bool expand_action(struct loader *l, const cJSON *a, const char *base, struct expansion *x)
{
	const char *text = get_string(a, "Schedule"), *tz = get_string(a, "Timezone");
	char at[PATH_SIZE];
	int64_t anchor;
	struct zone z;
	if (tz && !zone_exists(tz)) {
		err(l, join(at, base, "Timezone"),
		    "\"%s\" is not a time zone (accepted: an IANA name such as \"Europe/Paris\" or "
		    "\"America/New_York\")",
		    tz);
		tz = NULL;
	}
	if (!action_window(l, a, base, x, &anchor) || !text)
		return false;
	zone_enter(&z, tz);
	bool ok = expand_schedule(l, text, join(at, base, "Schedule"), x, anchor, &z);
	zone_leave(&z);
	if (x->overflow)
		err(l, at,
		    "\"%s\" runs more than %d times in the simulated period (accepted: at most %d "
		    "scheduled-action runs per scenario)",
		    text, MAX_OCCURRENCES, MAX_OCCURRENCES);
	return ok && !x->overflow;
}

static int by_time_then_order(const void *a, const void *b)
{
	const struct occurrence *x = a, *y = b;
	if (x->t != y->t)
		return (x->t > y->t) - (x->t < y->t);
	return (x->order > y->order) - (x->order < y->order);
}

/* What one action sets, copied into each of its runs. */
struct action_def {
	char *name;
	bool has_min, has_max;
	long min, max;
};

static void fill_actions(struct loader *l, const struct action_def *defs, struct expansion *x,
			 struct scaling_config *c)
{
	if (x->nocc)
		qsort(x->occ, x->nocc, sizeof(*x->occ), by_time_then_order);
	c->actions = xcalloc(x->nocc + 1, sizeof(*c->actions));
	for (size_t i = 0; i < x->nocc; i++) {
		const struct occurrence *o = &x->occ[i];
		const struct action_def *d = &defs[o->order];
		if (i && o->t == x->occ[i - 1].t && o->order == x->occ[i - 1].order)
			continue; /* a DST change folded two wall times into one */
		struct scheduled_action *a = &c->actions[c->nactions++];
		a->at = (o->t - l->sc->start_unix) * SIM_SEC;
		a->has_min = d->has_min;
		a->has_max = d->has_max;
		a->min_capacity = d->min;
		a->max_capacity = d->max;
		a->name = xstrdup(d->name);
	}
}

static void model_actions(struct loader *l, const cJSON *list, struct scaling_config *c)
{
	struct expansion x = {0};
	const cJSON *a;
	size_t n = cJSON_IsArray(list) ? (size_t)cJSON_GetArraySize(list) : 0;
	struct action_def *defs = xcalloc(n + 1, sizeof(*defs));
	for (a = n ? list->child : NULL; a && !x.overflow; a = a->next) {
		char base[PATH_SIZE];
		const char *name = get_string(a, "ScheduledActionName");
		const cJSON *act = get(a, "ScalableTargetAction");
		struct action_def *d = &defs[x.order];
		size_t before = x.nocc;
		snprintf(base, sizeof(base), "scaling.ScheduledActions[%zu]", x.order);
		d->name = xstrdup(name && *name ? name : base);
		d->has_min = get_int(act, "MinCapacity", 0, 100000, &d->min);
		d->has_max = get_int(act, "MaxCapacity", 0, 100000, &d->max);
		if (expand_action(l, a, base, &x) && x.nocc == before)
			diag_note(l->d, l->file, base,
				  "\"%s\" never runs within the simulated period",
				  get_string(a, "Schedule"));
		x.order++;
	}
	fill_actions(l, defs, &x, c);
	for (size_t i = 0; i < n; i++)
		free(defs[i].name);
	free(defs);
	free(x.occ);
}

void load_model_scaling(struct loader *l)
{
	const cJSON *s = get(l->root, "scaling");
	struct scaling_config *c = &l->sc->scaling;
	long v;
	if (!cJSON_IsObject(s))
		return;
	c->enabled = true;
	c->min_capacity = get_int(s, "MinCapacity", 0, 100000, &v) ? v : DEFAULT_MIN_CAPACITY;
	c->max_capacity = get_int(s, "MaxCapacity", 0, 100000, &v) ? v : DEFAULT_MAX_CAPACITY;
	if (c->min_capacity > c->max_capacity && !get(s, "MaxCapacity"))
		c->max_capacity = c->min_capacity;
	model_policies(l, get(s, "ScalingPolicies"), c);
	model_actions(l, get(s, "ScheduledActions"), c);
}

/* ---- one policy file, for `spotsim scale` ---- */

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
	const cJSON *list = get(root, "ScalingPolicies");
	*base = "";
	if (!list)
		return root;
	if (!cJSON_IsArray(list) || cJSON_GetArraySize(list) != 1 || !cJSON_IsObject(list->child)) {
		err(l, "ScalingPolicies", "%d policies given (accepted: exactly one policy object)",
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
	const char *type = get_string(pol, "PolicyType");
	char at[PATH_SIZE];
	if (!type || (strcmp(type, "TargetTrackingScaling") && strcmp(type, "StepScaling")))
		return;
	bool tt = !strcmp(type, "TargetTrackingScaling");
	const char *want =
	    tt ? "TargetTrackingScalingPolicyConfiguration" : "StepScalingPolicyConfiguration";
	const cJSON *cfg = get(pol, want);
	if (!cfg)
		err(l, *base ? base : NULL, "missing key \"%s\" (accepted: a %s policy has one)",
		    want, type);
	else if (tt && !get(cfg, "PredefinedMetricSpecification") &&
		 !get(cfg, "CustomizedMetricSpecification"))
		err(l, join(at, base, want),
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
	struct loader l = {NULL, d, path, root};
	const cJSON *pol = policy_node(&l, root, &base);
	if (pol) {
		walk_policy(&l, pol, base);
		check_shape(&l, pol, base);
	}
	if (pol && d->errors == errors && !load_policy(&l, pol, base, out))
		err(&l, NULL,
		    "holds no scaling policy (accepted: a policy object with PolicyName, "
		    "PolicyType and its configuration)");
	cJSON_Delete(root);
	return d->errors == errors ? 0 : SPOTSIM_EINVAL;
}
