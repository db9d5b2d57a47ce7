#ifndef SPOTSIM_SCALING_ALARMS_H
#define SPOTSIM_SCALING_ALARMS_H
/*
 * scaling_alarms — private to the scaling loader: the CloudWatch alarms of
 * `aws cloudwatch describe-alarms` output, given as scaling.alarms (inline
 * {"MetricAlarms": [...]}, or {"file": "alarms.json"} naming a file that
 * holds that output), and the lookup of the alarm a step policy's "Alarms"
 * list names ({AlarmName, AlarmARN}, as describe-scaling-policies prints
 * it), by AlarmName, else by AlarmARN against the alarm's AlarmArn.
 *
 * describe-alarms lists every alarm of an account, most of them on metrics
 * spotsim does not model, so only the alarms a policy names are checked
 * against the alarm schema (the one of a policy's inline "Alarm"); the
 * others are never read. Problems in an alarms file are reported with that
 * file's name and JSON paths inside it.
 *
 * Called by scenario_scaling.c (load, finish) and scaling_policy.c (find);
 * calls loader_get.c and the schema walker.
 */
#include "loader_get.h"

#include "spotsim/util/strbuf.h"

struct scaling_alarms {
	bool given;	   /* scaling.alarms is in the scenario */
	cJSON *owned;	   /* the parsed alarms file, or NULL */
	const cJSON *list; /* its MetricAlarms array, or NULL */
	char *file; /* owned: the file that holds the list (the scenario or the alarms file) */
	const char *base;      /* JSON path of the list in that file */
	struct strbuf ignored; /* keys spotsim does not model, for one note */
	unsigned nignored;
};

/* Reads scaling.alarms, `node` (may be NULL), into `a`; problems go to l->d. */
void scaling_alarms_load(struct loader *l, const cJSON *node, struct scaling_alarms *a);

/* Adds the note of ignored keys to l->d and releases `a`. */
void scaling_alarms_finish(struct loader *l, struct scaling_alarms *a);

/* Where an alarm was found: for messages about it. */
struct alarm_place {
	const char *file;
	char path[PATH_SIZE];
};

/*
 * The MetricAlarm that `ref` ({AlarmName, AlarmARN}, at JSON path `path`)
 * names in l->alarms, checked against the alarm schema, with its place in
 * *at; NULL after reporting why there is none (exactly what to add when
 * the alarm is missing).
 */
const cJSON *scaling_alarms_find(struct loader *l, const cJSON *ref, const char *path,
				 struct alarm_place *at);

#endif
