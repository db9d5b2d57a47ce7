/*
 * fuzz_strings — the small parsers of scenario text, one per input, chosen
 * by the first byte ('t', 'd', 's', 'i', 'u', 'f' or 'e'; any other byte
 * picks one by its value); the rest of the input is the text:
 *
 *   t  durations (simtime_parse), written back by simtime_format
 *   d  distributions (dist_parse, relative to the work folder), sampled;
 *      dist_describe must read back to the same distribution (dist.h)
 *   s  a scheduled action's Schedule, at(...), rate(...) or cron(...),
 *      expanded over 30 days; "ZONE\nSCHEDULE" reads it in an IANA time zone
 *   i  instants of StartTime / EndTime (ISO 8601 text or a JSON value)
 *   u  duration values of the schema (JSON text or a bare string)
 *   f  eight bytes of a double as seconds (simtime_from_seconds, dist_from_seconds)
 *   e  the enum names of providers, OS, architectures, rate kinds, metrics,
 *      statistics, comparisons and adjustment types
 *
 * The schedule and instant parsers are private to the scenario loader and
 * reached through its private headers.
 */
#include "fuzz.h"

#include "../sim/scenario/scenario_schema.h"
#include "../sim/scenario/schedule_expression.h"

#include "spotsim/engine/dist.h"
#include "spotsim/engine/simtime.h"
#include "spotsim/model/fargate.h"
#include "spotsim/model/scaling.h"
#include "spotsim/model/workload.h"

#include <math.h>
#include <string.h>

#define STRINGS_START 1767571200 /* 2026-01-05T00:00:00Z, the default start */

static void strings_duration(const char *text)
{
	sim_time t;
	char buf[32], tiny[4];
	if (simtime_parse(text, &t) != 0)
		return;
	FUZZ_CHECK(t >= 0);
	simtime_format(t, buf, sizeof(buf));
	simtime_format(t, tiny, sizeof(tiny));
	FUZZ_CHECK(simtime_ceil_seconds(t) >= 0 && simtime_seconds(t) >= 0);
}

static void strings_dist(const char *text)
{
	struct dist d, again, copy;
	struct strbuf why = STRBUF_INIT, sb = STRBUF_INIT;
	struct rng r;
	if (dist_parse(text, fuzz_dir(), &d, &why) != 0) {
		FUZZ_CHECK(d.type == NULL && why.len > 0);
		strbuf_release(&why);
		return;
	}
	rng_init(&r, 1, 0, RNG_STARTUP);
	for (int i = 0; i < 16; i++)
		FUZZ_CHECK(dist_sample(&d, &r) >= 0);
	rng_release(&r);
	FUZZ_CHECK(dist_mean_seconds(&d) >= 0 && dist_name(&d));
	dist_describe(&d, &sb);
	FUZZ_CHECK(dist_parse(sb.buf, fuzz_dir(), &again, &why) == 0);
	FUZZ_CHECK(again.type == d.type && again.p[0] == d.p[0] && again.p[1] == d.p[1]);
	FUZZ_CHECK(again.x == d.x && again.nr == d.nr);
	dist_copy(&copy, &d);
	dist_release(&copy);
	dist_release(&again);
	dist_release(&d);
	strbuf_release(&sb);
	strbuf_release(&why);
}

static void strings_schedule(char *text)
{
	struct diag d;
	struct loader l = {.d = &d, .file = "fuzz.json"};
	struct expansion x = {STRINGS_START, STRINGS_START + 30 * 86400, 0, NULL, 0, 0, false};
	struct zone z;
	char *nl = strchr(text, '\n');
	const char *tz = NULL;
	if (nl) {
		*nl = '\0';
		tz = text;
		text = nl + 1;
		if (!scaling_time_zone_exists(tz))
			return;
	}
	diag_init(&d);
	scaling_time_zone_enter(&z, tz);
	bool ok = schedule_expression_expand(&l, text, "Schedule", &x, x.lo, &z);
	scaling_time_zone_leave(&z);
	FUZZ_CHECK(ok || diag_failed(&d));
	FUZZ_CHECK(x.nocc <= MAX_OCCURRENCES);
	for (size_t i = 0; i < x.nocc; i++)
		FUZZ_CHECK(x.occ[i].t >= x.lo && x.occ[i].t <= x.hi);
	free(x.occ);
	fuzz_drain(&d);
}

/* The text as a JSON value when it is one, else as a JSON string. */
static cJSON *strings_json(const char *text)
{
	cJSON *n = cJSON_Parse(text);
	return n ? n : cJSON_CreateString(text);
}

static void strings_instant(const char *text)
{
	cJSON *n = strings_json(text);
	int64_t t;
	scaling_time_parse_instant(n, &t);
	cJSON_Delete(n);
}

static void strings_schema_duration(const char *text)
{
	cJSON *n = strings_json(text);
	long long usec;
	if (schema_duration(n, &usec))
		FUZZ_CHECK(usec >= 0);
	cJSON_Delete(n);
}

static void strings_seconds(const uint8_t *data, size_t size)
{
	double s = 0;
	sim_time t;
	struct dist d;
	memcpy(&s, data, size < sizeof(s) ? size : sizeof(s));
	if (simtime_from_seconds(s, &t) == 0)
		FUZZ_CHECK(t >= 0);
	if (dist_from_seconds(s, &d) == 0)
		dist_release(&d);
}

static void strings_enums(const char *text)
{
	enum provider p;
	enum os_family os;
	enum cpu_arch a;
	enum rate_kind k;
	enum metric_name m;
	enum statistic st;
	enum comparison c;
	enum adjustment_type t;
	if (fargate_provider_parse(text, &p))
		FUZZ_CHECK(fargate_provider_name(p) != NULL);
	if (fargate_os_parse(text, &os))
		FUZZ_CHECK(fargate_os_name(os) != NULL);
	if (fargate_arch_parse(text, &a))
		FUZZ_CHECK(fargate_arch_name(a) != NULL);
	if (rate_kind_parse(text, &k))
		FUZZ_CHECK(rate_kind_name(k) != NULL);
	if (scaling_metric_parse(text, &m))
		FUZZ_CHECK(scaling_metric_name(m) != NULL);
	if (scaling_statistic_parse(text, &st))
		FUZZ_CHECK(scaling_statistic_name(st) != NULL);
	if (scaling_comparison_parse(text, &c))
		FUZZ_CHECK(scaling_comparison_name(c) && scaling_comparison_symbol(c));
	if (scaling_adjustment_parse(text, &t))
		FUZZ_CHECK(scaling_adjustment_name(t) != NULL);
}

int fuzz_strings(const uint8_t *data, size_t size)
{
	static const char modes[] = "tdsiufe";
	if (size == 0)
		return 0;
	const char *m = data[0] ? strchr(modes, data[0]) : NULL;
	char mode = m ? *m : modes[data[0] % (sizeof(modes) - 1)];
	char *text = fuzz_text(data + 1, size - 1);
	switch (mode) {
	case 't':
		strings_duration(text);
		break;
	case 'd':
		strings_dist(text);
		break;
	case 's':
		strings_schedule(text);
		break;
	case 'i':
		strings_instant(text);
		break;
	case 'u':
		strings_schema_duration(text);
		break;
	case 'f':
		strings_seconds(data + 1, size - 1);
		break;
	default:
		strings_enums(text);
	}
	free(text);
	return 0;
}

#ifndef FUZZ_NO_ENTRY
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	return fuzz_strings(data, size);
}
#endif
