#!/bin/sh
# gen-dict.sh — writes fuzz/scenario.dict, the libFuzzer dictionary of the
# harnesses, to stdout: every key and enumerated value of the scenario
# schema (sim/scenario/scenario_tables.c), the names the Terraform
# importer, the trace readers and the price table look for (identifier-like
# string literals of their sources), each as a JSON string and bare, then
# hand-picked durations, distributions, schedules, time zones and numbers.
# Regenerate after changing the tables:  sh fuzz/gen-dict.sh > fuzz/scenario.dict
cd "$(dirname "$0")/.." || exit 2
literals() {
	# the string literals of C sources, one per line, without the quotes
	grep -ho '"\([^"\\]\|\\.\)*"' "$@" | sed 's/^"//; s/"$//'
}
{
	# schema: keys, and enumerations written "A, B, C"
	literals sim/scenario/scenario_tables.c | sed 's/, /\n/g' |
		grep -E '^[A-Za-z0-9_:.<>%+-]+$'
	# names other readers look for
	literals sim/scenario/import_terraform*.c sim/scenario/spot_trace.c \
		sim/model/pricing.c sim/model/fargate.c sim/scenario/scaling_policy*.c |
		grep -E '^[A-Za-z][A-Za-z0-9_.:-]{2,}$'
} | grep -v '\.h$' | sort -u | awk '{ printf "\"\\\"%s\\\"\"\n\"%s\"\n", $0, $0 }'
cat <<'DICT'
# durations
"90"
"40ms"
"5s"
"5m"
"2h"
"1h30m"
"1d"
"30d"
"2w"
"2d 02:00"
"14:00"
"12:30:15"
"1e308"
"-1"
"0.5"
"1e-9"
"9007199254740993"
# distributions
"fixed("
"uniform("
"exponential("
"lognormal("
"normal("
"weibull("
"empirical("
"lognormal(12s, 0.3)"
"empirical(../data/traces/interruptions.csv)"
# schedules and zones
"at(2026-01-05T09:00:00)"
"rate(5 minutes)"
"rate(1 day)"
"cron(0 9 ? * MON-FRI *)"
"cron(0/15 * * * ? *)"
"cron(0 0 L * ? *)"
"cron(0 0 ? * 6#3 *)"
"cron(0 0 15W * ? *)"
"UTC"
"Europe/Paris"
"America/New_York"
"Australia/Lord_Howe"
"2026-01-05T09:00:00Z"
"2026-03-29T02:30:00+01:00"
# files the scenarios may name
"../data/traces/requests-per-minute.csv"
"../data/traces/spot-outages.csv"
"../data/traces/preemption-sample.json"
"../data/pricing.csv"
"../terraform/plan-module.json"
"alarms.json"
# JSON and CSV
"{\"metadata\": {\"gap_seconds\": 180}, \"data\": [1, 0]}"
"true"
"false"
"null"
"[]"
"{}"
"\x0d\x0a"
"\xef\xbb\xbf"
DICT
