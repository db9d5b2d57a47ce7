/*
 * rate_trace_json — CloudWatch output as a load trace (rate_trace.h):
 * aws cloudwatch get-metric-data and get-metric-statistics, wrapped or bare
 * (--query). The shapes are those of the CloudWatch API model
 * (GetMetricDataOutput, GetMetricStatisticsOutput); the CLI joins the pages
 * of get-metric-data by concatenating MetricDataResults, so one query's
 * data may be spread over several entries with the same Id.
 */
#include "rate_trace_internal.h"

#include "jsonio.h"
#include "spotsim/util/strbuf.h"
#include "spotsim/util/xalloc.h"

#include <cjson/cJSON.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define JSON_ACCEPTED                                                                              \
	"the JSON of aws cloudwatch get-metric-data or get-metric-statistics, or a CSV of "        \
	"time,value rows"
#define VALUE_ACCEPTED "a number, 0 or more"

static const cJSON *get(const cJSON *obj, const char *key)
{
	return cJSON_GetObjectItemCaseSensitive(obj, key);
}

static const char *type_name(const cJSON *v)
{
	return cJSON_IsString(v)   ? "a string"
	       : cJSON_IsBool(v)   ? "a boolean"
	       : cJSON_IsNull(v)   ? "null"
	       : cJSON_IsArray(v)  ? "an array"
	       : cJSON_IsObject(v) ? "an object"
				   : "a number";
}

/* A JSON time: an ISO 8601 string or Unix seconds. */
static bool json_time(struct rt_reader *rd, const char *where, const cJSON *v, sim_time *at)
{
	enum rt_time_status st = RT_TIME_SYNTAX;
	if (cJSON_IsString(v))
		st = rt_parse_iso(v->valuestring, at);
	else if (cJSON_IsNumber(v))
		st = rt_unix_seconds(v->valuedouble, at);
	if (st == RT_TIME_OK)
		return true;
	if (cJSON_IsString(v))
		rt_problem(rd, where,
			   "\"%s\" %s (accepted: an ISO 8601 timestamp with Z or an "
			   "offset, or Unix seconds)",
			   v->valuestring, rt_time_why(st));
	else if (cJSON_IsNumber(v))
		rt_problem(rd, where, "%.17g %s (accepted: Unix seconds)", v->valuedouble,
			   rt_time_why(st));
	else
		rt_problem(rd, where, "is %s (accepted: an ISO 8601 timestamp or Unix seconds)",
			   type_name(v));
	return false;
}

static bool json_value(struct rt_reader *rd, const char *where, const cJSON *v, double *out)
{
	if (!cJSON_IsNumber(v))
		rt_problem(rd, where, "is %s (accepted: " VALUE_ACCEPTED ")", type_name(v));
	else if (!isfinite(v->valuedouble) || v->valuedouble < 0)
		rt_problem(rd, where, "%g is negative or not finite (accepted: " VALUE_ACCEPTED ")",
			   v->valuedouble);
	else {
		*out = v->valuedouble;
		return true;
	}
	return false;
}

/* ---- get-metric-data ---- */

/* "MetricDataResults[2]" or "" for a bare result, then ".key". */
static const char *result_path(char *buf, size_t size, unsigned group, const char *key)
{
	if (group == RT_BARE)
		snprintf(buf, size, "%s", key);
	else
		snprintf(buf, size, "MetricDataResults[%u].%s", group, key);
	return buf;
}

static bool result_arrays(struct rt_reader *rd, const cJSON *r, unsigned group)
{
	const cJSON *ts = get(r, "Timestamps"), *vs = get(r, "Values");
	char where[96];
	if (!cJSON_IsArray(ts) || !cJSON_IsArray(vs)) {
		const char *key = !cJSON_IsArray(ts) ? "Timestamps" : "Values";
		const cJSON *bad = !cJSON_IsArray(ts) ? ts : vs;
		rt_problem(rd, result_path(where, sizeof(where), group, key),
			   "is %s (accepted: %s)", bad ? type_name(bad) : "missing",
			   "an array, as get-metric-data prints");
		return false;
	}
	if (cJSON_GetArraySize(ts) != cJSON_GetArraySize(vs)) {
		rt_problem(rd, result_path(where, sizeof(where), group, "Values"),
			   "has %d values for %d timestamps (accepted: one value per timestamp)",
			   cJSON_GetArraySize(vs), cJSON_GetArraySize(ts));
		return false;
	}
	return true;
}

static void read_result(struct rt_reader *rd, const cJSON *r, unsigned group)
{
	const char *status = cJSON_GetStringValue(get(r, "StatusCode"));
	char where[96], key[48];
	size_t k = 0;
	if (status && (!strcmp(status, "Forbidden") || !strcmp(status, "InternalError")))
		rt_problem(rd, result_path(where, sizeof(where), group, "StatusCode"),
			   "is %s: CloudWatch returned no data for this query (accepted: Complete, "
			   "or PartialData with the pages that follow)",
			   status);
	if (!result_arrays(rd, r, group))
		return;
	for (const cJSON *t = get(r, "Timestamps")->child, *v = get(r, "Values")->child; t && v;
	     t = t->next, v = v->next, k++) {
		sim_time at = 0;
		double value = 0;
		snprintf(key, sizeof(key), "Timestamps[%zu]", k);
		bool ok = json_time(rd, result_path(where, sizeof(where), group, key), t, &at);
		snprintf(key, sizeof(key), "Values[%zu]", k);
		ok = json_value(rd, result_path(where, sizeof(where), group, key), v, &value) && ok;
		if (ok)
			rt_add(rd, at, value, k, group);
	}
}

static const char *result_id(const cJSON *r)
{
	const char *id = cJSON_GetStringValue(get(r, "Id"));
	return id ? id : "";
}

/* The Ids of the results, each once, as "a, b"; their number in *n. */
static void list_ids(const cJSON *results, struct strbuf *out, int *n)
{
	const cJSON *r;
	*n = 0;
	cJSON_ArrayForEach(r, results)
	{
		bool seen = false;
		for (const cJSON *q = results->child; q != r && !seen; q = q->next)
			seen = !strcmp(result_id(q), result_id(r));
		if (!seen)
			strbuf_addf(out, "%s\"%s\"", (*n)++ ? ", " : "", result_id(r));
	}
}

/* The Id to read: options.id, or the only one; NULL after a problem. */
static const char *pick_id(struct rt_reader *rd, const cJSON *results)
{
	struct strbuf ids = STRBUF_INIT;
	const char *id = rd->o->id;
	const cJSON *r;
	int n;
	list_ids(results, &ids, &n);
	if (id) {
		bool found = false;
		cJSON_ArrayForEach(r, results) found = found || !strcmp(result_id(r), id);
		if (!found)
			rt_problem(rd, "MetricDataResults",
				   "has no result with Id \"%s\" (accepted: %s)", id,
				   n ? ids.buf : "a file with results");
		id = found ? id : NULL;
	} else if (n != 1) {
		rt_problem(
		    rd, "MetricDataResults",
		    n ? "holds %d queries, Ids %s (accepted: one, or \"id\" in the scenario to "
			"pick one)"
		      : "holds %d queries%s (accepted: the output of a get-metric-data with "
			"one query)",
		    n, ids.buf);
	} else {
		id = result_id(results->child);
	}
	strbuf_release(&ids);
	return id;
}

static void read_metric_data(struct rt_reader *rd, const cJSON *root, const cJSON *results)
{
	const cJSON *r, *last = NULL;
	unsigned group = 0, last_group = 0;
	rd->source = RT_METRIC_DATA;
	if (!cJSON_IsArray(results)) {
		rt_problem(rd, "MetricDataResults", "is %s (accepted: an array of results)",
			   type_name(results));
		return;
	}
	const char *id = pick_id(rd, results);
	if (!id)
		return;
	cJSON_ArrayForEach(r, results)
	{
		if (!strcmp(result_id(r), id)) {
			read_result(rd, r, group);
			last = r;
			last_group = group;
		}
		group++;
	}
	const char *status = cJSON_GetStringValue(get(last, "StatusCode"));
	rd->partial = (status && !strcmp(status, "PartialData")) || get(root, "NextToken");
	rd->what = xasprintf("Id %s", id);
	if (rd->partial)
		diag_warning(rd->d, rd->path, NULL,
			     "MetricDataResults[%u] (Id \"%s\") is PartialData: more data points "
			     "exist than this file holds (run get-metric-data without --max-items "
			     "or --no-paginate, so the CLI fetches every page)",
			     last_group, id);
}

/* ---- get-metric-statistics ---- */

static const char *const statistics[] = {"Sum",	    "Average", "SampleCount",
					 "Minimum", "Maximum", NULL};

/* The datapoint's value: the statistic, or for Sum, Average x SampleCount when Sum is absent. */
static bool datapoint_value(struct rt_reader *rd, const cJSON *dp, const char *where,
			    const char *stat, size_t *derived, double *out)
{
	const cJSON *v = get(dp, stat);
	const cJSON *avg = get(dp, "Average"), *count = get(dp, "SampleCount");
	char path[96];
	snprintf(path, sizeof(path), "%s.%s", where, stat);
	if (v)
		return json_value(rd, path, v, out);
	if (!strcmp(stat, "Sum") && cJSON_IsNumber(avg) && cJSON_IsNumber(count)) {
		(*derived)++;
		snprintf(path, sizeof(path), "%s.Average", where);
		if (!json_value(rd, path, avg, out))
			return false;
		snprintf(path, sizeof(path), "%s.SampleCount", where);
		double n;
		if (!json_value(rd, path, count, &n))
			return false;
		*out *= n;
		return true;
	}
	rt_problem(rd, where,
		   "has no %s (accepted: datapoints with %s, from get-metric-statistics "
		   "--statistics %s%s; or \"statistic\" in the scenario to read another)",
		   stat, stat, stat,
		   strcmp(stat, "Sum") ? "" : ", or with Average and SampleCount");
	return false;
}

static void read_datapoint(struct rt_reader *rd, const cJSON *dp, size_t k, bool bare,
			   const char *stat, size_t *derived)
{
	char where[64], path[96];
	sim_time at = 0;
	double value = 0;
	snprintf(where, sizeof(where), bare ? "[%zu]" : "Datapoints[%zu]", k);
	if (!cJSON_IsObject(dp)) {
		rt_problem(rd, where, "is %s (accepted: an object with Timestamp and %s)",
			   type_name(dp), stat);
		return;
	}
	snprintf(path, sizeof(path), "%s.Timestamp", where);
	bool ok = json_time(rd, path, get(dp, "Timestamp"), &at);
	ok = datapoint_value(rd, dp, where, stat, derived, &value) && ok;
	if (ok)
		rt_add(rd, at, value, k, bare ? RT_BARE : 0);
}

static void read_statistics(struct rt_reader *rd, const cJSON *points, bool bare)
{
	const char *stat = rd->o->statistic ? rd->o->statistic : "Sum";
	const cJSON *dp;
	size_t k = 0, derived = 0;
	rd->source = RT_METRIC_STATISTICS;
	if (!cJSON_IsArray(points)) {
		rt_problem(rd, "Datapoints", "is %s (accepted: an array of datapoints)",
			   type_name(points));
		return;
	}
	cJSON_ArrayForEach(dp, points) read_datapoint(rd, dp, k++, bare, stat, &derived);
	rd->what = derived ? xasprintf("%s, %zu from Average x SampleCount", stat, derived)
			   : xstrdup(stat);
}

/* ---- the file ---- */

static void check_options(struct rt_reader *rd)
{
	bool known = false;
	if (rd->o->id && rd->source != RT_METRIC_DATA)
		rt_problem(rd, NULL,
			   "\"id\" picks a get-metric-data result, but this file is not "
			   "get-metric-data output (accepted: no \"id\")");
	if (!rd->o->statistic)
		return;
	for (const char *const *s = statistics; *s; s++)
		known = known || !strcmp(*s, rd->o->statistic);
	if (rd->source != RT_METRIC_STATISTICS || !known)
		rt_problem(
		    rd, NULL,
		    "\"statistic\" \"%s\" needs get-metric-statistics output (accepted: Sum, "
		    "Average, SampleCount, Minimum or Maximum, for that output only)",
		    rd->o->statistic);
}

int rt_read_json(struct rt_reader *rd, const char *text, size_t len)
{
	int rc = 0;
	cJSON *root = jsonio_parse_text(rd->path, text, len, rd->d, &rc);
	if (!root)
		return rc;
	rd->clock = RT_CLOCK_UNIX;
	if (cJSON_IsObject(root) && get(root, "MetricDataResults"))
		read_metric_data(rd, root, get(root, "MetricDataResults"));
	else if (cJSON_IsObject(root) && get(root, "Timestamps")) {
		rd->source = RT_METRIC_DATA;
		read_result(rd, root, RT_BARE);
	} else if (cJSON_IsObject(root) && get(root, "Datapoints"))
		read_statistics(rd, get(root, "Datapoints"), false);
	else if (cJSON_IsArray(root))
		read_statistics(rd, root, true);
	else
		rt_problem(rd, NULL, "is not CloudWatch output (accepted: " JSON_ACCEPTED ")");
	check_options(rd);
	cJSON_Delete(root);
	return 0;
}
