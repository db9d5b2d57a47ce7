/*
 * spotsim scale — what one Application Auto Scaling policy decides at a
 * running count and a metric value, with the arithmetic (scaling.h, SPEC §4.8).
 */
#include "spotsim/cli/cli.h"
#include "spotsim/util/error.h"
#include "spotsim/model/scaling.h"
#include "spotsim/scenario/scenario.h"

#include <getopt.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>

#define MAX_TASKS 100000L

static const char usage[] =
    "usage: spotsim scale POLICY.json --running N --metric VALUE [--desired D]\n"
    "                     [--min A] [--max B] [--threshold T] [--format table|csv]\n"
    "\n"
    "What one Application Auto Scaling policy does at a RUNNING task count and a\n"
    "metric value: the step or target-tracking arithmetic, then any clamping.\n"
    "\n"
    "  POLICY.json    one policy as put-scaling-policy or describe-scaling-policies\n"
    "                 write it (or {\"ScalingPolicies\": [one]}); a step policy carries\n"
    "                 its CloudWatch alarm in \"Alarm\" (PutMetricAlarm names), or\n"
    "                 give --threshold\n"
    "  --running N    RUNNING tasks, where AWS starts the calculation (0 to 100000)\n"
    "  --desired D    the desired count now, which may differ from RUNNING when\n"
    "                 tasks cannot start (0 to 100000; default: the RUNNING count)\n"
    "  --metric V     the metric: the alarm's aggregated value for a step policy,\n"
    "                 the newest datapoint for target tracking\n"
    "  --min A        MinCapacity (0 to 100000; default: no lower bound)\n"
    "  --max B        MaxCapacity (0 to 100000; default: no upper bound)\n"
    "  --threshold T  the step policy's alarm threshold (replaces the Alarm's)\n"
    "  --format F     table (default) or csv\n"
    "\n"
    "example: spotsim scale step-out.json --running 7 --desired 10 --metric 70 --max 12\n";

struct scale_args {
	const char *file;
	long running, desired, min, max;
	bool has_desired, has_min, has_max, has_threshold, has_metric;
	double metric, threshold;
	enum out_format format;
};

/* Returns -1 to go on, or the exit status. */
static int parse_option(int c, struct scale_args *a, char **argv)
{
	switch (c) {
	case 'r':
		if (!cli_parse_long(optarg, 0, MAX_TASKS, &a->running))
			return cli_usage_error("scale", "--running",
					       "\"%s\" is not a task count (accepted: a whole "
					       "number from 0 to %ld)",
					       optarg, MAX_TASKS);
		return -1;
	case 'd':
		if (!cli_parse_long(optarg, 0, MAX_TASKS, &a->desired))
			return cli_usage_error("scale", "--desired",
					       "\"%s\" is not a task count (accepted: a whole "
					       "number from 0 to %ld)",
					       optarg, MAX_TASKS);
		a->has_desired = true;
		return -1;
	case 'm':
		if (!cli_parse_double(optarg, -1e300, 1e300, &a->metric))
			return cli_usage_error("scale", "--metric",
					       "\"%s\" is not a metric value (accepted: a finite "
					       "number)",
					       optarg);
		a->has_metric = true;
		return -1;
	case 'a':
	case 'b':
		if (!cli_parse_long(optarg, 0, MAX_TASKS, c == 'a' ? &a->min : &a->max))
			return cli_usage_error("scale", c == 'a' ? "--min" : "--max",
					       "\"%s\" is not a capacity (accepted: a whole number "
					       "from 0 to %ld)",
					       optarg, MAX_TASKS);
		*(c == 'a' ? &a->has_min : &a->has_max) = true;
		return -1;
	case 't':
		if (!cli_parse_double(optarg, -1e300, 1e300, &a->threshold))
			return cli_usage_error("scale", "--threshold",
					       "\"%s\" is not a threshold (accepted: a finite "
					       "number)",
					       optarg);
		a->has_threshold = true;
		return -1;
	case 'f':
		if (!cli_parse_format(optarg, &a->format, false))
			return cli_usage_error("scale", "--format",
					       "unknown format \"%s\" (accepted: table, csv)",
					       optarg);
		return -1;
	case 'h':
		fputs(usage, stdout);
		return EXIT_OK;
	case ':':
		return cli_usage_error("scale", argv[optind - 1], "needs a value");
	default:
		return cli_usage_error("scale", argv[optind - 1],
				       "unknown option (see spotsim scale --help)");
	}
}

static int check_args(const struct scale_args *a, int argc, char **argv)
{
	if (optind < argc - 1)
		return cli_usage_error("scale", argv[optind + 1],
				       "unexpected argument (accepted: one POLICY.json)");
	if (!a->file)
		return cli_usage_error("scale", "POLICY.json",
				       "is required (accepted: a file holding one scaling policy)");
	if (a->running < 0)
		return cli_usage_error("scale", "--running",
				       "is required (accepted: a whole number from 0 to %ld)",
				       MAX_TASKS);
	if (!a->has_metric)
		return cli_usage_error("scale", "--metric",
				       "is required (accepted: the metric value, a number)");
	if (a->has_min && a->has_max && a->min > a->max)
		return cli_usage_error("scale", "--min",
				       "%ld is above --max %ld (accepted: --min <= --max)", a->min,
				       a->max);
	return -1;
}

static int parse_args(int argc, char **argv, struct scale_args *a)
{
	static const struct option opts[] = {
	    {"running", required_argument, NULL, 'r'},
	    {"desired", required_argument, NULL, 'd'},
	    {"metric", required_argument, NULL, 'm'},
	    {"min", required_argument, NULL, 'a'},
	    {"max", required_argument, NULL, 'b'},
	    {"threshold", required_argument, NULL, 't'},
	    {"format", required_argument, NULL, 'f'},
	    {"help", no_argument, NULL, 'h'},
	    {NULL, 0, NULL, 0},
	};
	int c, rc;
	opterr = 0;
	optind = 1;
	/* "+" would stop at the file name; GNU getopt permutes it to the end */
	while ((c = getopt_long(argc, argv, ":h", opts, NULL)) != -1)
		if ((rc = parse_option(c, a, argv)) >= 0)
			return rc;
	if (optind < argc)
		a->file = argv[optind];
	return check_args(a, argc, argv);
}

/* A step policy without "Alarm": the side its steps lie on, or the metric's side. */
static enum comparison infer_comparison(const struct scaling_policy *p, double metric)
{
	bool up = true, down = true;
	for (size_t i = 0; i < p->nsteps; i++) {
		const struct step_adjustment *s = &p->steps[i];
		up = up && s->has_lower && s->lower >= 0;
		down = down && s->has_upper && s->upper <= 0;
	}
	if (up || down)
		return up ? CMP_GE : CMP_LE;
	return metric >= p->alarm.threshold ? CMP_GE : CMP_LE;
}

static int prepare_step(struct scaling_policy *p, const struct scale_args *a)
{
	if (p->type != POLICY_STEP) {
		if (a->has_threshold)
			return cli_usage_error("scale", "--threshold",
					       "applies to a step policy only (accepted: no "
					       "--threshold with TargetTrackingScaling)");
		return -1;
	}
	if (!p->has_alarm && !a->has_threshold)
		return cli_usage_error("scale", "--threshold",
				       "is required for a step policy without \"Alarm\" "
				       "(accepted: the alarm threshold, a number)");
	if (a->has_threshold)
		p->alarm.threshold = a->threshold;
	if (!p->has_alarm)
		p->alarm.comparison = infer_comparison(p, a->metric);
	return -1;
}

static void describe_policy(const struct scaling_policy *p, char *buf, size_t size)
{
	char t[32];
	if (p->type == POLICY_STEP)
		snprintf(buf, size, "%s: StepScaling, %s", p->name,
			 scaling_adjustment_name(p->adjustment_type));
	else
		snprintf(buf, size, "%s: TargetTrackingScaling, %s target %s", p->name,
			 scaling_metric_name(p->metric),
			 (snprintf(t, sizeof(t), "%g", p->target), t));
}

static const char *alarm_metric(const struct alarm_config *al)
{
	/* a step alarm is on the CloudWatch metric, not the target-tracking name */
	if (al->metric == METRIC_CPU)
		return "CPUUtilization";
	if (al->metric == METRIC_MEMORY)
		return "MemoryUtilization";
	return scaling_metric_name(al->metric);
}

static void describe_target_alarm(const struct scaling_policy *p, double metric, char *buf,
				  size_t size)
{
	const struct alarm_config *hi = &p->high, *lo = &p->low;
	const char *m = scaling_metric_name(p->metric);
	if (scaling_alarm_breaches(hi, metric))
		snprintf(buf, size, "AlarmHigh (%s > %g for %d of %d minutes): %g breaches", m,
			 hi->threshold, hi->datapoints_to_alarm, hi->evaluation_periods, metric);
	else if (p->disable_scale_in)
		snprintf(buf, size,
			 "AlarmHigh (%s > %g), no AlarmLow (scale-in disabled): %g "
			 "breaches neither",
			 m, hi->threshold, metric);
	else if (scaling_alarm_breaches(lo, metric))
		snprintf(buf, size, "AlarmLow (%s < %g for %d of %d minutes): %g breaches", m,
			 lo->threshold, lo->datapoints_to_alarm, lo->evaluation_periods, metric);
	else
		snprintf(buf, size, "AlarmHigh (%s > %g) and AlarmLow (< %g): %g breaches neither",
			 m, hi->threshold, lo->threshold, metric);
}

static void describe_alarm(const struct scaling_policy *p, double metric, char *buf, size_t size)
{
	const struct alarm_config *al = &p->alarm;
	if (p->type == POLICY_TARGET_TRACKING) {
		describe_target_alarm(p, metric, buf, size);
		return;
	}
	snprintf(buf, size, "%s%s %s %g: %g %s", p->has_alarm ? "" : "(--threshold) ",
		 p->has_alarm ? alarm_metric(al) : "metric",
		 scaling_comparison_symbol(al->comparison), al->threshold, metric,
		 scaling_alarm_breaches(al, metric) ? "breaches" : "does not breach");
}

/* What the policy did: its decision, and the desired count it settles on. */
struct outcome {
	struct scaling_decision d;
	bool decided; /* a step or target-tracking calculation applies */
	bool out;     /* it asks to scale out */
	long desired; /* the desired count after it (a->desired when unchanged) */
};

/* AWS's rules at the bounds, when desired itself is outside [Min, Max]. */
static bool describe_bound_rule(const struct scale_args *a, const struct outcome *o, char *buf,
				size_t size)
{
	bool below = a->has_min && a->desired < a->min, above = a->has_max && a->desired > a->max;
	if (o->decided && !o->out && !below && !above && o->d.clamped > a->desired) {
		snprintf(buf, size, "none (a scale-in never raises desired %ld)", a->desired);
		return true;
	}
	if (!o->decided || !(below || above))
		return false;
	if (o->out == below)
		snprintf(buf, size, "desired %ld is %s %s %ld: the %s goes there first", a->desired,
			 below ? "below" : "above", below ? "MinCapacity" : "MaxCapacity",
			 below ? a->min : a->max, o->out ? "scale-out" : "scale-in");
	else
		snprintf(buf, size, "desired %ld is %s %s %ld: a %s does nothing", a->desired,
			 below ? "below" : "above", below ? "MinCapacity" : "MaxCapacity",
			 below ? a->min : a->max, o->out ? "scale-out" : "scale-in");
	return true;
}

static void describe_clamp(const struct scale_args *a, const struct outcome *o, char *buf,
			   size_t size)
{
	const struct scaling_decision *d = &o->d;
	if (describe_bound_rule(a, o, buf, size))
		return;
	if (o->decided && d->clamped > d->to)
		snprintf(buf, size, "%ld -> %ld (MinCapacity %ld)", d->to, d->clamped, a->min);
	else if (o->decided && d->clamped < d->to)
		snprintf(buf, size, "%ld -> %ld (MaxCapacity %ld)", d->to, d->clamped, a->max);
	else if (a->has_min && a->has_max)
		snprintf(buf, size, "none (within [%ld, %ld])", a->min, a->max);
	else if (a->has_min || a->has_max)
		snprintf(buf, size, "none (%s %ld)", a->has_min ? "MinCapacity" : "MaxCapacity",
			 a->has_min ? a->min : a->max);
	else
		snprintf(buf, size, "none");
}

static void print_table(const struct scaling_policy *p, const struct scale_args *a,
			const struct outcome *o)
{
	char line[300];
	describe_policy(p, line, sizeof(line));
	printf("%-11s %s\n", "policy", line);
	describe_alarm(p, a->metric, line, sizeof(line));
	printf("%-11s %s\n", "alarm", line);
	printf("%-11s %s\n", "arithmetic", o->d.explain);
	describe_clamp(a, o, line, sizeof(line));
	printf("%-11s %s\n", "clamping", line);
	if (o->desired == a->desired)
		printf("%-11s %ld (no change)\n", "desired", o->desired);
	else if (a->has_desired)
		printf("%-11s %ld (was %ld; from %ld running)\n", "desired", o->desired, a->desired,
		       a->running);
	else
		printf("%-11s %ld (from %ld running)\n", "desired", o->desired, a->running);
}

static void print_csv(const struct scaling_policy *p, const struct scale_args *a,
		      const struct outcome *o)
{
	const struct alarm_config *al = p->type == POLICY_STEP ? &p->alarm : &p->high;
	printf("policy,policy_type,running,current_desired,metric,threshold,step,raw,to,min,max,"
	       "desired,arithmetic\n");
	cli_put_csv_field(stdout, p->name);
	printf(",%s,%ld,%ld,%g,%g,",
	       p->type == POLICY_STEP ? "StepScaling" : "TargetTrackingScaling", a->running,
	       a->desired, a->metric, al->threshold);
	if (o->d.step >= 0)
		printf("%d", o->d.step);
	putchar(',');
	if (o->decided)
		printf("%.6g", o->d.raw);
	printf(",%ld,", o->decided ? o->d.to : a->running);
	if (a->has_min)
		printf("%ld", a->min);
	putchar(',');
	if (a->has_max)
		printf("%ld", a->max);
	printf(",%ld,", o->desired);
	cli_put_csv_field(stdout, o->d.explain);
	putchar('\n');
}

/* The decision from RUNNING, then the desired count as the running scaler settles it. */
static void decide(const struct scaling_policy *p, const struct scale_args *a, struct outcome *o)
{
	long lo = a->has_min ? a->min : 0, hi = a->has_max ? a->max : LONG_MAX, got = -1;
	o->decided = p->type == POLICY_STEP
			 ? scaling_step_decide(p, a->running, a->metric, lo, hi, &o->d)
			 : scaling_target_decide(p, a->running, a->metric, lo, hi, &o->d);
	o->decided = o->decided && o->d.to != o->d.from; /* a step of 0 asks nothing */
	o->out = o->d.to > o->d.from;
	if (o->decided)
		got = scaling_settle(o->out, o->d.to, a->desired, lo, hi);
	o->desired = got >= 0 ? got : a->desired;
}

static int load_policy_file(const char *file, struct scaling_policy *p)
{
	struct diag d;
	diag_init(&d);
	int rc = scenario_load_policy(file, p, &d);
	for (size_t i = 0; rc && i < d.nr; i++) {
		if (d.items[i].level != DIAG_ERROR)
			continue;
		char *line = diag_line(&d, i);
		fprintf(stderr, "spotsim scale: %s\n", line);
		free(line);
	}
	diag_release(&d);
	return rc ? EXIT_USAGE : -1;
}

int cmd_scale(int argc, char **argv)
{
	struct scale_args a = {.running = -1, .format = FORMAT_TABLE};
	struct scaling_policy p;
	struct outcome o;
	int rc = parse_args(argc, argv, &a);
	if (rc >= 0)
		return rc;
	if (!a.has_desired)
		a.desired = a.running;
	if ((rc = load_policy_file(a.file, &p)) >= 0 || (rc = prepare_step(&p, &a)) >= 0) {
		scaling_policy_release(&p);
		return rc;
	}
	decide(&p, &a, &o);
	if (a.format == FORMAT_CSV)
		print_csv(&p, &a, &o);
	else
		print_table(&p, &a, &o);
	scaling_policy_release(&p);
	return EXIT_OK;
}
