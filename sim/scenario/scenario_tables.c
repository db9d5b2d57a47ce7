/*
 * scenario_tables — the shape of a scenario file, as data (SPEC §3-§5).
 *
 * One table per object. spotsim's own sections are strict. An AWS-shaped
 * object lists the keys spotsim reads, and beside them the other members of
 * AWS's shape (from the service models: ECS 2014-11-13, Application Auto
 * Scaling 2016-02-06, CloudWatch 2010-08-01), which are accepted and noted
 * as ignored; any other key is an error. Adding a key is one line here plus
 * its use in the loader (and its removal from the ignored list).
 */
#include "scenario_schema.h"

#define END                                                                                        \
	{                                                                                          \
		NULL, S_ANY, 0, 0, NULL, NULL, S_ANY, 0                                            \
	}
#define F(k, kind)                                                                                 \
	{                                                                                          \
		k, kind, 0, 0, NULL, NULL, S_ANY, 0                                                \
	}
#define REQ(k, kind, what)                                                                         \
	{                                                                                          \
		k, kind, 0, 0, what, NULL, S_ANY, F_REQUIRED                                       \
	}
#define NUM(k, lo, hi)                                                                             \
	{                                                                                          \
		k, S_NUMBER, lo, hi, NULL, NULL, S_ANY, 0                                          \
	}
#define INT(k, lo, hi)                                                                             \
	{                                                                                          \
		k, S_INTEGER, lo, hi, NULL, NULL, S_ANY, 0                                         \
	}
#define DUR(k, lo, hi)                                                                             \
	{                                                                                          \
		k, S_DURATION, lo, hi, NULL, NULL, S_ANY, 0                                        \
	}
#define ENUM(k, list)                                                                              \
	{                                                                                          \
		k, S_ENUM, 0, 0, list, NULL, S_ANY, 0                                              \
	}
#define OBJ(k, schema)                                                                             \
	{                                                                                          \
		k, S_OBJECT, 0, 0, NULL, &schema, S_ANY, 0                                         \
	}
#define ARR_OF(k, schema)                                                                          \
	{                                                                                          \
		k, S_ARRAY, 0, 0, NULL, &schema, S_OBJECT, 0                                       \
	}
#define ARR(k, kind, lo, hi)                                                                       \
	{                                                                                          \
		k, S_ARRAY, lo, hi, NULL, NULL, kind, 0                                            \
	}

#define SCHEMA(name, fields_) static const struct sschema name = {fields_, NULL, NULL, NULL}
#define AWS_SCHEMA(name, fields_, ignored_)                                                        \
	static const struct sschema name = {fields_, NULL, NULL, ignored_}

/* An AWS shape whose every member spotsim reads. */
static const char *const all_read[] = {NULL};

/* ---- taskDefinition (AWS RegisterTaskDefinition / describe-task-definition) ---- */

static const struct sfield runtime_platform_fields[] = {
    ENUM("cpuArchitecture", "X86_64, ARM64"),
    ENUM("operatingSystemFamily",
	 "LINUX, WINDOWS_SERVER_2019_FULL, WINDOWS_SERVER_2019_CORE, WINDOWS_SERVER_2016_FULL, "
	 "WINDOWS_SERVER_2004_CORE, WINDOWS_SERVER_2022_CORE, WINDOWS_SERVER_2022_FULL, "
	 "WINDOWS_SERVER_2025_CORE, WINDOWS_SERVER_2025_FULL, WINDOWS_SERVER_20H2_CORE"),
    END,
};
AWS_SCHEMA(runtime_platform, runtime_platform_fields, all_read); /* RuntimePlatform */

static const struct sfield ephemeral_fields[] = {
    {"sizeInGiB", S_INTEGER, 21, 200, "21 to 200 GiB", NULL, S_ANY, F_REQUIRED},
    END,
};
AWS_SCHEMA(ephemeral_storage, ephemeral_fields, all_read); /* EphemeralStorage */

static const struct sfield container_fields[] = {
    F("name", S_STRING),
    {"stopTimeout", S_INTEGER, 2, 120, NULL, NULL, S_ANY, 0},
    END,
};
/* ContainerDefinition, less name and stopTimeout */
static const char *const container_ignored[] = {
    "image",
    "repositoryCredentials",
    "cpu",
    "memory",
    "memoryReservation",
    "links",
    "portMappings",
    "essential",
    "restartPolicy",
    "entryPoint",
    "command",
    "environment",
    "environmentFiles",
    "mountPoints",
    "volumesFrom",
    "linuxParameters",
    "secrets",
    "dependsOn",
    "startTimeout",
    "versionConsistency",
    "hostname",
    "user",
    "workingDirectory",
    "disableNetworking",
    "privileged",
    "readonlyRootFilesystem",
    "dnsServers",
    "dnsSearchDomains",
    "extraHosts",
    "dockerSecurityOptions",
    "interactive",
    "pseudoTerminal",
    "dockerLabels",
    "ulimits",
    "logConfiguration",
    "healthCheck",
    "systemControls",
    "resourceRequirements",
    "firelensConfiguration",
    "credentialSpecs",
    NULL,
};
AWS_SCHEMA(container_definition, container_fields, container_ignored);

static const struct sfield task_definition_fields[] = {
    REQ("cpu", S_CPU, "task CPU units such as \"1024\" or \"1 vCPU\""),
    REQ("memory", S_MEMORY, "task memory in MiB such as \"2048\" or \"2 GB\""),
    OBJ("runtimePlatform", runtime_platform),
    OBJ("ephemeralStorage", ephemeral_storage),
    ARR_OF("containerDefinitions", container_definition),
    F("taskDefinitionArn", S_STRING), /* its region, when "region" is not given */
    {"requiresCompatibilities", S_ARRAY, 0, 0, "EC2, FARGATE, EXTERNAL, MANAGED_INSTANCES", NULL,
     S_ENUM, 0},
    END,
};
/*
 * TaskDefinition (describe-task-definition) and RegisterTaskDefinitionRequest
 * (its skeleton adds "tags"), less the keys both task definitions read.
 */
#define TASK_DEFINITION_IGNORED                                                                    \
	"family", "taskRoleArn", "executionRoleArn", "networkMode", "revision", "volumes",         \
	    "status", "requiresAttributes", "placementConstraints", "compatibilities",             \
	    "inferenceAccelerators", "pidMode", "ipcMode", "proxyConfiguration", "registeredAt",   \
	    "deregisteredAt", "deleteRequestedAt", "registeredBy", "enableFaultInjection", "tags"
static const char *const task_definition_ignored[] = {TASK_DEFINITION_IGNORED, NULL};
AWS_SCHEMA(task_definition, task_definition_fields, task_definition_ignored);

/* ---- service (AWS CreateService / describe-services) ---- */

static const struct sfield strategy_item_fields[] = {
    {"capacityProvider", S_ENUM, 0, 0, "FARGATE, FARGATE_SPOT", NULL, S_ANY, F_REQUIRED},
    /* ranges are placement_check's, so each problem is reported once */
    INT("base", -1e18, 1e18),
    INT("weight", -1e18, 1e18),
    END,
};
AWS_SCHEMA(strategy_item, strategy_item_fields, all_read); /* CapacityProviderStrategyItem */

static const struct sfield deployment_fields[] = {
    INT("minimumHealthyPercent", 0, 100),
    INT("maximumPercent", 100, 1000),
    END,
};
/* DeploymentConfiguration, less the two percentages */
static const char *const deployment_ignored[] = {
    "deploymentCircuitBreaker",
    "alarms",
    "strategy",
    "bakeTimeInMinutes",
    "lifecycleHooks",
    "linearConfiguration",
    "canaryConfiguration",
    NULL,
};
AWS_SCHEMA(deployment_configuration, deployment_fields, deployment_ignored);

static const struct sfield service_fields[] = {
    F("serviceName", S_STRING),
    F("serviceArn", S_STRING),
    F("clusterArn", S_STRING),
    F("cluster", S_STRING),
    REQ("desiredCount", S_INTEGER, "0 to 5000 tasks"),
    ARR_OF("capacityProviderStrategy", strategy_item),
    ENUM("launchType", "FARGATE"),
    OBJ("deploymentConfiguration", deployment_configuration),
    END,
};
/*
 * Service (describe-services) and CreateServiceRequest (create-service input:
 * clientToken, role, serviceConnectConfiguration, volumeConfigurations,
 * vpcLatticeConfigurations), less the keys read; and the describe-services
 * wrapper's own keys, left in place when it holds other than one service.
 */
static const char *const service_ignored[] = {
    "loadBalancers",
    "serviceRegistries",
    "status",
    "runningCount",
    "pendingCount",
    "platformVersion",
    "platformFamily",
    "taskDefinition",
    "taskSets",
    "deployments",
    "roleArn",
    "events",
    "createdAt",
    "currentServiceDeployment",
    "currentServiceRevisions",
    "placementConstraints",
    "placementStrategy",
    "networkConfiguration",
    "healthCheckGracePeriodSeconds",
    "schedulingStrategy",
    "deploymentController",
    "tags",
    "createdBy",
    "enableECSManagedTags",
    "propagateTags",
    "enableExecuteCommand",
    "availabilityZoneRebalancing",
    "resourceManagementType",
    "clientToken",
    "role",
    "serviceConnectConfiguration",
    "volumeConfigurations",
    "vpcLatticeConfigurations",
    "services",
    "failures",
    NULL,
};
AWS_SCHEMA(service, service_fields, service_ignored);

/* ---- scaling (Application Auto Scaling shapes) ---- */

static const struct sfield predefined_metric_fields[] = {
    {"PredefinedMetricType", S_ENUM, 0, 0,
     "ECSServiceAverageCPUUtilization, ECSServiceAverageMemoryUtilization, "
     "ALBRequestCountPerTarget",
     NULL, S_ANY, F_REQUIRED},
    F("ResourceLabel", S_STRING),
    END,
};
AWS_SCHEMA(predefined_metric, predefined_metric_fields,
	   all_read); /* PredefinedMetricSpecification */

static const struct sfield customized_metric_fields[] = {
    {"MetricName", S_ENUM, 0, 0,
     "BacklogPerTask, Backlog, RequestCount, ALBRequestCountPerTarget, CPUUtilization, "
     "MemoryUtilization",
     NULL, S_ANY, F_REQUIRED},
    ENUM("Statistic", "Average, Minimum, Maximum, SampleCount, Sum"),
    END,
};
/* CustomizedMetricSpecification, less MetricName and Statistic */
static const char *const customized_metric_ignored[] = {"Namespace", "Dimensions", "Unit",
							"Metrics", NULL};
AWS_SCHEMA(customized_metric, customized_metric_fields, customized_metric_ignored);

static const struct sfield target_tracking_fields[] = {
    {"TargetValue", S_NUMBER, 0, 0, "a target above 0", NULL, S_ANY, F_REQUIRED},
    OBJ("PredefinedMetricSpecification", predefined_metric),
    OBJ("CustomizedMetricSpecification", customized_metric),
    INT("ScaleOutCooldown", 0, 0),
    INT("ScaleInCooldown", 0, 0),
    F("DisableScaleIn", S_BOOL),
    END,
};
AWS_SCHEMA(target_tracking, target_tracking_fields,
	   all_read); /* TargetTrackingScalingPolicyConfiguration */

static const struct sfield step_adjustment_fields[] = {
    F("MetricIntervalLowerBound", S_NUM_NULL),
    F("MetricIntervalUpperBound", S_NUM_NULL),
    {"ScalingAdjustment", S_INTEGER, -1e9, 1e9, "a whole number", NULL, S_ANY, F_REQUIRED},
    END,
};
AWS_SCHEMA(step_adjustment, step_adjustment_fields, all_read); /* StepAdjustment */

static const struct sfield step_scaling_fields[] = {
    {"AdjustmentType", S_ENUM, 0, 0, "ChangeInCapacity, PercentChangeInCapacity, ExactCapacity",
     NULL, S_ANY, F_REQUIRED},
    {"StepAdjustments", S_ARRAY, 0, 0, "a list of steps", &step_adjustment, S_OBJECT, F_REQUIRED},
    INT("MinAdjustmentMagnitude", 0, 0),
    INT("Cooldown", 0, 0),
    ENUM("MetricAggregationType", "Average, Minimum, Maximum"),
    END,
};
AWS_SCHEMA(step_scaling, step_scaling_fields, all_read); /* StepScalingPolicyConfiguration */

static const struct sfield alarm_fields[] = {
    F("AlarmName", S_STRING),
    F("AlarmArn", S_STRING),
    {"MetricName", S_ENUM, 0, 0,
     "CPUUtilization, MemoryUtilization, RequestCount, ALBRequestCountPerTarget, Backlog, "
     "BacklogPerTask",
     NULL, S_ANY, F_REQUIRED},
    ENUM("Statistic", "Average, Minimum, Maximum, SampleCount, Sum"),
    F("ExtendedStatistic", S_STRING),
    INT("Period", 60, 86400),
    INT("EvaluationPeriods", 1, 1440),
    INT("DatapointsToAlarm", 1, 1440),
    {"Threshold", S_NUMBER, -1e300, 1e300, "a number", NULL, S_ANY, F_REQUIRED},
    {"ComparisonOperator", S_ENUM, 0, 0,
     "GreaterThanOrEqualToThreshold, GreaterThanThreshold, LessThanThreshold, "
     "LessThanOrEqualToThreshold",
     NULL, S_ANY, F_REQUIRED},
    END,
};
/*
 * MetricAlarm (describe-alarms) and PutMetricAlarmInput (adds "Tags"), less
 * the keys read; EvaluationWindow is in the 2026 models, not yet in all SDKs.
 */
static const char *const alarm_ignored[] = {
    "AlarmDescription",
    "AlarmConfigurationUpdatedTimestamp",
    "ActionsEnabled",
    "OKActions",
    "AlarmActions",
    "InsufficientDataActions",
    "StateValue",
    "StateReason",
    "StateReasonData",
    "StateUpdatedTimestamp",
    "StateTransitionedTimestamp",
    "Namespace",
    "Dimensions",
    "Unit",
    "TreatMissingData",
    "EvaluateLowSampleCountPercentile",
    "Metrics",
    "ThresholdMetricId",
    "EvaluationState",
    "EvaluationCriteria",
    "EvaluationInterval",
    "EvaluationWindow",
    "Tags",
    NULL,
};
const struct sschema scenario_schema_alarm = {alarm_fields, NULL, NULL, alarm_ignored};

/* An element of a policy's "Alarms", as describe-scaling-policies prints it. */
static const struct sfield alarm_ref_fields[] = {
    REQ("AlarmName", S_STRING, "the alarm's name"),
    F("AlarmARN", S_STRING),
    END,
};
AWS_SCHEMA(alarm_ref, alarm_ref_fields, all_read); /* Application Auto Scaling Alarm */

static const struct sfield policy_fields[] = {
    REQ("PolicyName", S_STRING, "a policy name"),
    {"PolicyType", S_ENUM, 0, 0, "TargetTrackingScaling, StepScaling", NULL, S_ANY, F_REQUIRED},
    ENUM("ServiceNamespace", "ecs"),
    F("ResourceId", S_STRING),
    ENUM("ScalableDimension", "ecs:service:DesiredCount"),
    OBJ("TargetTrackingScalingPolicyConfiguration", target_tracking),
    OBJ("StepScalingPolicyConfiguration", step_scaling),
    {"Alarm", S_OBJECT, 0, 0, NULL, &scenario_schema_alarm, S_ANY, 0},
    ARR_OF("Alarms", alarm_ref),
    END,
};
/*
 * ScalingPolicy (describe-scaling-policies) and PutScalingPolicyRequest, less
 * the keys read ("Alarm" is spotsim's: the step policy's alarm, inline)
 */
static const char *const policy_ignored[] = {"PolicyARN", "PredictiveScalingPolicyConfiguration",
					     "CreationTime", NULL};
AWS_SCHEMA(scaling_policy, policy_fields, policy_ignored);

static const struct sfield target_action_fields[] = {
    INT("MinCapacity", 0, 100000),
    INT("MaxCapacity", 0, 100000),
    END,
};
AWS_SCHEMA(scalable_target_action, target_action_fields, all_read); /* ScalableTargetAction */

static const struct sfield scheduled_action_fields[] = {
    F("ScheduledActionName", S_STRING),
    ENUM("ServiceNamespace", "ecs"),
    F("ResourceId", S_STRING),
    ENUM("ScalableDimension", "ecs:service:DesiredCount"),
    REQ("Schedule", S_STRING, "at(...), rate(...) or cron(...)"),
    F("Timezone", S_STRING),
    {"ScalableTargetAction", S_OBJECT, 0, 0, "MinCapacity and/or MaxCapacity",
     &scalable_target_action, S_ANY, F_REQUIRED},
    F("StartTime", S_ANY),
    F("EndTime", S_ANY),
    END,
};
/* ScheduledAction (describe-scheduled-actions) and PutScheduledActionRequest, less the keys read */
static const char *const scheduled_action_ignored[] = {"ScheduledActionARN", "CreationTime", NULL};
AWS_SCHEMA(scheduled_action, scheduled_action_fields, scheduled_action_ignored);

/* describe-scalable-targets: the target's bounds and SuspendedState */
static const struct sfield suspended_state_fields[] = {
    F("DynamicScalingInSuspended", S_BOOL),
    F("DynamicScalingOutSuspended", S_BOOL),
    F("ScheduledScalingSuspended", S_BOOL),
    END,
};
AWS_SCHEMA(suspended_state, suspended_state_fields, all_read); /* SuspendedState */

static const struct sfield scalable_target_fields[] = {
    ENUM("ServiceNamespace", "ecs"),
    F("ResourceId", S_STRING),
    ENUM("ScalableDimension", "ecs:service:DesiredCount"),
    {"MinCapacity", S_INTEGER, 0, 100000, "0 to 100000 tasks", NULL, S_ANY, F_REQUIRED},
    {"MaxCapacity", S_INTEGER, 0, 100000, "0 to 100000 tasks", NULL, S_ANY, F_REQUIRED},
    OBJ("SuspendedState", suspended_state),
    END,
};
/* ScalableTarget (describe-scalable-targets) and RegisterScalableTargetRequest, less the keys read */
static const char *const scalable_target_ignored[] = {
    "PredictedCapacity", "RoleARN", "CreationTime", "ScalableTargetARN", "Tags", NULL,
};
AWS_SCHEMA(scalable_target, scalable_target_fields, scalable_target_ignored);

/* describe-alarms; only the alarms a policy names are walked (scaling_alarms.c) */
static const struct sfield alarms_fields[] = {
    F("file", S_STRING),
    ARR("MetricAlarms", S_OBJECT, 0, 0),
    END,
};
/* DescribeAlarmsOutput, less MetricAlarms ("file" is spotsim's); LogAlarms is in the 2026 models */
static const char *const alarms_ignored[] = {"CompositeAlarms", "LogAlarms", "NextToken", NULL};
const struct sschema scenario_schema_alarms = {alarms_fields, NULL, NULL, alarms_ignored};

static const struct sfield scaling_fields[] = {
    INT("MinCapacity", 0, 100000),
    INT("MaxCapacity", 0, 100000),
    ARR_OF("ScalableTargets", scalable_target),
    ARR_OF("ScalingPolicies", scaling_policy),
    ARR_OF("ScheduledActions", scheduled_action),
    {"alarms", S_OBJECT, 0, 0, NULL, &scenario_schema_alarms, S_ANY, 0},
    END,
};
/*
 * spotsim's gathering of the describe-scalable-targets, describe-scaling-policies
 * and describe-scheduled-actions responses: their one other key, NextToken
 */
static const char *const scaling_ignored[] = {"NextToken", NULL};
AWS_SCHEMA(scaling, scaling_fields, scaling_ignored);

/* ---- startup ---- */

static const struct sfield startup_fields[] = {
    F("provisioning", S_DIST),
    F("pull", S_DIST),
    F("app_start", S_DIST),
    END,
};
SCHEMA(startup, startup_fields);

/* ---- workload: rate shapes ---- */

static const struct sfield step_fields[] = {
    REQ("at", S_DURATION, "a time from the start such as \"2h\""),
    {"rps", S_NUMBER, 0, 0, "0 or more per second", NULL, S_ANY, F_REQUIRED},
    END,
};
SCHEMA(rate_step, step_fields);

static const struct sfield spike_fields[] = {
    REQ("at", S_DURATION, "a time from the start such as \"2h\""),
    REQ("duration", S_DURATION, "how long the spike lasts, such as \"10m\""),
    NUM("rps", 0, 0),
    NUM("factor", 0, 0),
    END,
};
SCHEMA(rate_spike, spike_fields);

static const struct sfield rate_constant[] = {
    {"rps", S_NUMBER, 0, 0, "0 or more per second", NULL, S_ANY, F_REQUIRED},
    END,
};
static const struct sfield rate_diurnal[] = {
    {"min_rps", S_NUMBER, 0, 0, "0 or more per second", NULL, S_ANY, F_REQUIRED},
    {"max_rps", S_NUMBER, 0, 0, "0 or more per second", NULL, S_ANY, F_REQUIRED},
    {"peak", S_CLOCK, 0, 0, "a time of day such as \"14:00\"", NULL, S_ANY, 0},
    ARR("weekly_factor", S_NUMBER, 0, 0),
    END,
};
static const struct sfield rate_steps[] = {
    {"steps", S_ARRAY, 0, 0, "a list of {\"at\", \"rps\"}", &rate_step, S_OBJECT, F_REQUIRED},
    END,
};
static const struct sfield rate_spikes[] = {
    {"base_rps", S_NUMBER, 0, 0, "0 or more per second", NULL, S_ANY, F_REQUIRED},
    {"spikes", S_ARRAY, 0, 0, "a list of {\"at\", \"duration\", \"rps\" or \"factor\"}",
     &rate_spike, S_OBJECT, F_REQUIRED},
    END,
};
static const struct sfield rate_trace[] = {
    REQ("file", S_STRING,
	"a CSV file of time,value rows, or aws cloudwatch get-metric-data or "
	"get-metric-statistics output"),
    ENUM("format", "counts, rps, counts_per_minute"),
    DUR("period", 1, 0),
    ENUM("missing", "zero, error"),
    F("repeat", S_BOOL),
    F("id", S_STRING),
    ENUM("statistic", "Sum, Average, SampleCount, Minimum, Maximum"),
    END,
};
static const struct scase rate_cases[] = {
    {"constant", rate_constant}, {"diurnal", rate_diurnal}, {"steps", rate_steps},
    {"spikes", rate_spikes},	 {"trace", rate_trace},	    {NULL, NULL},
};
static const struct sfield rate_common[] = {END};
static const struct sschema rate = {rate_common, "kind", rate_cases, NULL};

static const struct sfield noise_fields[] = {
    {"sd", S_NUMBER, 0, 10, "a relative standard deviation such as 0.1", NULL, S_ANY, F_REQUIRED},
    DUR("period", 1, 0),
    END,
};
SCHEMA(noise, noise_fields);

static const struct sfield batch_fields[] = {
    REQ("at", S_DURATION, "a time from the start such as \"2h\""),
    {"count", S_INTEGER, 0, 1e9, "a number of jobs", NULL, S_ANY, F_REQUIRED},
    END,
};
SCHEMA(batch, batch_fields);

static const struct sfield workload_common[] = {
    OBJ("rate", rate),
    OBJ("noise", noise),
    INT("concurrency_per_task", 1, 100000),
    DUR("deregistration_delay", 0, 3600),
    DUR("shutdown", 0, 120),
    END,
};
static const struct sfield workload_requests[] = {
    {"service_time", S_DIST, 0, 0, "a mean service time such as \"40ms\"", NULL, S_ANY, F_REQUIRED},
    DUR("timeout", 0, 0),
    ENUM("model", "fluid, steady_state, analytic, per_request"),
    ENUM("routing", "round_robin, least_outstanding_requests, random"),
    NUM("cpu_idle_percent", 0, 100),
    NUM("memory_base_percent", 0, 100),
    NUM("memory_per_rps", 0, 0),
    END,
};
static const struct sfield workload_queue[] = {
    {"job_size", S_DIST, 0, 0, "a distribution of seconds of work", NULL, S_ANY, F_REQUIRED},
    ARR_OF("batches", batch),
    DUR("checkpoint_every", 0, 0),
    DUR("visibility_timeout", 0, 43200),
    F("release_on_sigterm", S_BOOL),
    F("scale_in_protection", S_BOOL),
    DUR("scale_in_protection_expiry", 60, 172800), /* UpdateTaskProtection: 1 to 2,880 min */
    END,
};
static const struct scase workload_cases[] = {
    {"requests", workload_requests},
    {"queue", workload_queue},
    {NULL, NULL},
};
static const struct sschema workload = {workload_common, "type", workload_cases, NULL};

/* ---- spot ---- */

static const struct sfield scripted_at_fields[] = {
    REQ("at", S_DURATION, "a time from the start such as \"26h\" or \"2d 02:00\""),
    INT("count", 1, 100000),
    NUM("fraction", 0, 1),
    END,
};
SCHEMA(scripted_at, scripted_at_fields);

static const struct sfield int_poisson[] = {
    NUM("rate_per_task_hour", 0, 0),
    {"monthly_fraction", S_NUMBER, 0, 0.999999, NULL, NULL, S_ANY, 0},
    ENUM("advisor_band", "<5%, 5-10%, 10-15%, 15-20%, >20%"),
    END,
};
static const struct sfield int_weibull[] = {
    REQ("scale", S_DURATION, "a characteristic lifetime such as \"3d\""),
    {"shape", S_NUMBER, 0.01, 100, "a shape above 0 (below 1: many early interruptions)", NULL,
     S_ANY, F_REQUIRED},
    END,
};
static const struct sfield int_waves[] = {
    REQ("mean_interval", S_DURATION, "the mean time between reclaim waves, such as \"5d\""),
    NUM("fraction", 0, 1),
    INT("count", 0, 100000),
    F("per_az", S_BOOL),
    INT("azs", 1, 32),
    DUR("shortage", 0, 0),
    END,
};
static const struct sfield int_trace[] = {
    REQ("file", S_STRING, "a CSV of interruption times or a SkyPilot preemption trace"),
    INT("count", 0, 100000),
    NUM("fraction", 0, 1),
    END,
};
static const struct sfield int_scripted[] = {
    {"at", S_ARRAY, 0, 0, "a list of times or {\"at\", \"count\"/\"fraction\"}", &scripted_at,
     S_ANY, F_REQUIRED},
    END,
};
static const struct scase interruption_cases[] = {
    {"poisson", int_poisson}, {"weibull", int_weibull},	  {"waves", int_waves},
    {"trace", int_trace},     {"scripted", int_scripted}, {NULL, NULL},
};
static const struct sfield interruption_common[] = {END};
static const struct sschema interruptions = {interruption_common, "model", interruption_cases,
					     NULL};

static const struct sfield cap_always[] = {END};
static const struct sfield cap_alternating[] = {
    REQ("mean_available", S_DURATION, "the mean time Spot capacity lasts, such as \"3d\""),
    REQ("mean_unavailable", S_DURATION, "the mean length of a shortage, such as \"45m\""),
    F("per_az", S_BOOL),
    INT("azs", 1, 32),
    END,
};
static const struct sfield cap_trace[] = {
    REQ("file", S_STRING, "a SkyPilot availability trace or a CSV of start,end windows"),
    F("per_az", S_BOOL),
    END,
};
static const struct scase capacity_cases[] = {
    {"always", cap_always},
    {"alternating", cap_alternating},
    {"trace", cap_trace},
    {NULL, NULL},
};
static const struct sfield capacity_common[] = {
    NUM("reclaim_running", 0, 1),
    END,
};
static const struct sschema capacity = {capacity_common, "model", capacity_cases, NULL};

static const struct sfield fallback_fields[] = {
    REQ("after", S_DURATION, "how long Spot tasks wait before the fallback, such as \"2m\""),
    ENUM("to", "FARGATE"),
    DUR("revert_after", 0, 0),
    END,
};
SCHEMA(fallback, fallback_fields);

static const struct sfield spot_fields[] = {
    {"interruptions", S_OBJ_OR_ARR, 0, 0, NULL, &interruptions, S_ANY, 0},
    OBJ("capacity", capacity),
    OBJ("fallback", fallback),
    END,
};
SCHEMA(spot, spot_fields);

/* ---- slo, pricing, experiments ---- */

static const struct sfield slo_fields[] = {
    DUR("p95_latency", 0, 0),
    DUR("p99_latency", 0, 0),
    NUM("max_dropped_fraction", 0, 1),
    NUM("monthly_budget_usd", 0, 0),
    DUR("max_job_latency", 0, 0),
    NUM("max_breach_probability", 0, 1),
    END,
};
SCHEMA(slo, slo_fields);

static const struct sfield rate_override_fields[] = {
    NUM("vcpu_hour", 0, 0),
    NUM("gb_hour", 0, 0),
    NUM("storage_gb_hour", 0, 0),
    NUM("os_license_vcpu_hour", 0, 0),
    END,
};
SCHEMA(rate_override, rate_override_fields);

static const struct sfield pricing_rates_fields[] = {
    OBJ("FARGATE", rate_override),
    OBJ("FARGATE_SPOT", rate_override),
    END,
};
SCHEMA(pricing_rates, pricing_rates_fields);

static const struct sfield savings_plan_fields[] = {
    /* AWS accepts up to 1 million USD per hour (CreateSavingsPlan); 0 is no plan */
    {"commitment_usd_per_hour", S_NUMBER, 0, 1e6, "a commitment in USD per hour, 0 to 1000000",
     NULL, S_ANY, F_REQUIRED},
    {"term", S_ENUM, 0, 0, "1y, 3y", NULL, S_ANY, F_REQUIRED},
    {"payment", S_ENUM, 0, 0, "no_upfront, partial_upfront, all_upfront", NULL, S_ANY, F_REQUIRED},
    END,
};
SCHEMA(savings_plan, savings_plan_fields);

static const struct sfield pricing_fields[] = {
    F("file", S_STRING),
    OBJ("rates", pricing_rates),
    OBJ("savings_plan", savings_plan),
    END,
};
SCHEMA(pricing, pricing_fields);

static const struct sfield variant_fields[] = {
    REQ("name", S_STRING, "a name for the variant"),
    {"set", S_OBJECT, 0, 0, "an object of {\"json.path\": value}", NULL, S_ANY, 0},
    ARR("unset", S_STRING, 0, 0),
    END,
};
SCHEMA(variant, variant_fields);

static const struct sfield limits_fields[] = {
    INT("fargate_vcpu", 0, 1e9),
    INT("fargate_spot_vcpu", 0, 1e9),
    F("launch_throttling", S_BOOL),
    INT("service_launches_per_minute", 1, 100000),
    END,
};
SCHEMA(limits, limits_fields);

/* ---- deployments ---- */

static const struct sfield deploy_task_fields[] = {
    F("cpu", S_CPU),
    F("memory", S_MEMORY),
    OBJ("ephemeralStorage", ephemeral_storage),
    ARR_OF("containerDefinitions", container_definition),
    END,
};
/* TaskDefinition as above; a deployment's new revision reads only its size and stopTimeout */
static const char *const deploy_task_ignored[] = {
    TASK_DEFINITION_IGNORED,
    "runtimePlatform",
    "requiresCompatibilities",
    "taskDefinitionArn",
    NULL,
};
AWS_SCHEMA(deploy_task_definition, deploy_task_fields, deploy_task_ignored);

static const struct sfield deployment_entry_fields[] = {
    REQ("at", S_DURATION, "a time from the start such as \"2d 10:00\""),
    OBJ("taskDefinition", deploy_task_definition),
    DUR("health_check_grace", 0, 86400),
    END,
};
SCHEMA(deployment_entry, deployment_entry_fields);

static const struct sfield terraform_fields[] = {
    REQ("file", S_STRING, "terraform show -json output or a terraform.tfstate"),
    F("service", S_STRING),
    END,
};
SCHEMA(terraform_link, terraform_fields);

/* ---- the file ---- */

static const struct sfield root_fields[] = {
    F("name", S_STRING),
    F("description", S_STRING),
    F("base_name", S_STRING),
    F("region", S_STRING),
    DUR("duration", 60, 3.1536e8),
    {"start", S_TIMESTAMP, 0, 0, "trace", NULL, S_ANY, 0},
    INT("seed", 0, 9007199254740991.0),
    INT("replications", 1, 100000),
    {"taskDefinition", S_OBJECT, 0, 0, "a task definition with cpu and memory", &task_definition,
     S_ANY, F_REQUIRED},
    {"service", S_OBJECT, 0, 0, "a service with desiredCount and capacityProviderStrategy",
     &service, S_ANY, F_REQUIRED},
    OBJ("scaling", scaling),
    OBJ("startup", startup),
    OBJ("workload", workload),
    OBJ("spot", spot),
    OBJ("slo", slo),
    OBJ("pricing", pricing),
    OBJ("limits", limits),
    ARR_OF("deployments", deployment_entry),
    ARR_OF("variants", variant),
    F("sweep", S_OBJECT),
    ENUM("placement_tie", "first_listed, largest_weight"),
    ENUM("scale_in_order", "balanced, newest, spot_first, on_demand_first"),
    OBJ("terraform", terraform_link),
    END,
};

const struct sschema scenario_schema_root = {root_fields, NULL, NULL, NULL};
