/*
 * scaling_alarms — describe-alarms output as scaling.alarms, and the lookup
 * of a step policy's alarm in it (see scaling_alarms.h). The keys spotsim
 * does not model, in the alarms object and in the alarms a policy names,
 * are gathered into one note per load, like the scenario's own.
 */
#include "scaling_alarms.h"

#include "scenario_schema.h"

#include "spotsim/util/xalloc.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Walks `obj` against `schema`, as part of `file` at JSON path `base`. */
static void walk(struct loader *l, struct scaling_alarms *a, const struct sschema *schema,
		 const cJSON *obj, const char *file, const char *base)
{
	struct swalk w;
	swalk_init(&w, file, l->sc ? l->sc->dir : "", l->d);
	if (*base)
		swalk_push_key(&w, base);
	swalk_object(&w, schema, obj);
	if (w.nignored)
		strbuf_addf(&a->ignored, "%s%s", a->nignored ? ", " : "", w.ignored.buf);
	a->nignored += w.nignored;
	swalk_release(&w);
}

/* The alarms file that `node` names, parsed into a->owned. */
static void load_file(struct loader *l, const cJSON *node, struct scaling_alarms *a)
{
	int rc = 0;
	if (!loader_check_file(l, node, "scaling.alarms.file"))
		return;
	free(a->file);
	a->file = scenario_resolve(l->sc, loader_get_string(node, "file"));
	a->owned = scenario_parse_json(a->file, l->d, &rc);
	if (!a->owned)
		return;
	a->base = "MetricAlarms";
	walk(l, a, &scenario_schema_alarms, a->owned, a->file, "");
	if (loader_get(a->owned, "file"))
		diag_error(l->d, a->file, "file",
			   "an alarms file cannot name another (accepted: the output of aws "
			   "cloudwatch describe-alarms)");
}

void scaling_alarms_load(struct loader *l, const cJSON *node, struct scaling_alarms *a)
{
	memset(a, 0, sizeof(*a));
	strbuf_init(&a->ignored);
	a->given = node != NULL;
	a->file = xstrdup(l->file);
	a->base = "scaling.alarms.MetricAlarms";
	if (!cJSON_IsObject(node))
		return;
	if (loader_get(node, "file") && loader_get(node, "MetricAlarms")) {
		loader_err(l, "scaling.alarms",
			   "sets both \"file\" and \"MetricAlarms\" (accepted: one of them)");
		return;
	}
	if (loader_get_string(node, "file"))
		load_file(l, node, a);
	const cJSON *root = a->owned ? a->owned : node;
	a->list = loader_get(root, "MetricAlarms");
	if (!a->list && (a->owned || !loader_get(node, "file")))
		diag_error(l->d, a->file, a->owned ? NULL : "scaling.alarms",
			   "has no \"MetricAlarms\" (accepted: the output of aws cloudwatch "
			   "describe-alarms, {\"MetricAlarms\": [...]}, or {\"file\": "
			   "\"alarms.json\"} naming a file that holds it)");
}

void scaling_alarms_finish(struct loader *l, struct scaling_alarms *a)
{
	if (a->nignored)
		diag_note(l->d, a->file, NULL,
			  "%u key%s that spotsim does not model %s ignored: %s", a->nignored,
			  a->nignored == 1 ? "" : "s", a->nignored == 1 ? "is" : "are",
			  a->ignored.buf);
	cJSON_Delete(a->owned);
	free(a->file);
	strbuf_release(&a->ignored);
	memset(a, 0, sizeof(*a));
}

/* `name` as a shell word: quoted when it holds characters a shell would read. */
static const char *shell_word(const char *name, char *buf, size_t size)
{
	if (!strpbrk(name, " \t'\"$`\\!*?&;|<>()[]{}#~"))
		return name;
	snprintf(buf, size, "'%s'", name);
	return buf;
}

static void report_missing(struct loader *l, const struct scaling_alarms *a, const char *name,
			   const char *path)
{
	char word[PATH_SIZE];
	if (!a->given)
		loader_err(l, path,
			   "alarm \"%s\" is not defined (accepted: add the output of aws "
			   "cloudwatch describe-alarms --alarm-names %s as \"scaling.alarms\")",
			   name, shell_word(name, word, sizeof(word)));
	else if (a->list)
		loader_err(
		    l, path,
		    "alarm \"%s\" is not in %s (accepted: an alarm of that AlarmName in its "
		    "MetricAlarms, as aws cloudwatch describe-alarms --alarm-names %s prints "
		    "it)",
		    name, a->owned ? a->file : "scaling.alarms",
		    shell_word(name, word, sizeof(word)));
}

const cJSON *scaling_alarms_find(struct loader *l, const cJSON *ref, const char *path,
				 struct alarm_place *at)
{
	struct scaling_alarms *a = l->alarms;
	const char *name = loader_get_string(ref, "AlarmName");
	const char *arn = loader_get_string(ref, "AlarmARN");
	const cJSON *it;
	int i = 0;
	if (!name)
		return NULL; /* reported by the schema walk */
	cJSON_ArrayForEach(it, a->list)
	{
		const char *n = loader_get_string(it, "AlarmName");
		const char *r = loader_get_string(it, "AlarmArn");
		if ((n && !strcmp(n, name)) || (arn && r && !strcmp(r, arn))) {
			at->file = a->file;
			snprintf(at->path, sizeof(at->path), "%s[%d]", a->base, i);
			if (cJSON_IsObject(it))
				walk(l, a, &scenario_schema_alarm, it, a->file, at->path);
			return cJSON_IsObject(it) ? it : NULL;
		}
		i++;
	}
	report_missing(l, a, name, path);
	return NULL;
}
