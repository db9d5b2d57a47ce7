#!/bin/sh
# One service, two ways in: the same scenario from a Terraform plan and from pasted AWS CLI output.
#
#   tests/equivalence/plan.json             terraform show -json of a plan: ledger-api on FARGATE
#                                           (base 1 weight 1) and FARGATE_SPOT (weight 3), task
#                                           1024/2048 ARM64 with stopTimeout 90, target 2..20, a
#                                           step pair on CPU (>= 70 for 3 of 3 min: +2; < 30 for
#                                           15 of 15 min: -1) and target tracking on memory (75 %,
#                                           scale-in disabled)
#   tests/equivalence/aws-cli.json          the same service as the AWS CLI v2 prints it:
#                                           describe-task-definition, describe-services,
#                                           describe-scalable-targets, describe-scaling-policies,
#                                           pasted whole (ARNs, timestamps, events, deployments)
#   tests/equivalence/describe-alarms.json  aws cloudwatch describe-alarms of the account, named by
#                                           aws-cli.json as scaling.alarms
#   tests/equivalence/load.json             what neither source holds (duration, workload, spot,
#                                           slo), spliced into both scenarios
#
# Checked:
#   - spotsim import terraform plan.json -o imported.json succeeds;
#   - spotsim validate prints the same effective settings for imported.json and aws-cli.json,
#     bare and with load.json, once the lines that name the file or tell where a value came from
#     are removed (see origin_free);
#   - spotsim run --replications 2 --seed 42 of both writes the same replications.csv,
#     summary.csv, timeseries.csv and events.csv, byte for byte, and the run is not idle
#     (it scales and meets Spot interruptions);
#   - a one-value change in the pasted output (MaxCapacity 20 -> 19) does show up, so the
#     comparison is not blind.
#
# Differences between the two sources that the fixtures settle on purpose (README, "Importing
# from Terraform", "The same service from a plan and from the AWS CLI"):
#   - region: Terraform names it (provider "aws"); describe-* output has no region key, only
#     ARNs, and spotsim does not read regions from ARNs of pasted output, so aws-cli.json says
#     "region": "eu-west-1" itself;
#   - desiredCount: describe-services prints today's count, the plan the count at creation; the
#     fixtures show the service at rest at its minimum, 2 = 2;
#   - capacityProviderStrategy order: Terraform keeps a set (the import lists FARGATE first);
#     describe-services prints the order ECS was given; the paste lists FARGATE first.
#
# Usage: tests/equivalence/run.sh      SPOTSIM names the command (default build/spotsim).

SPOTSIM=${SPOTSIM:-build/spotsim}
dir=tests/equivalence
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT INT TERM
pass=0
fail=0

ok() { pass=$((pass + 1)); }
bad() {
	fail=$((fail + 1))
	echo "FAIL equivalence $1: $2"
}

# origin_free: spotsim validate's stdout without what says where the scenario came from:
#   - the first line, "FILE: valid" (the file's name);
#   - the "about:" line (the description: "Imported from plan.json: ..." against the paste's own);
#   - on the "scaling:" line, " from ScalableTargets[N] service/CLUSTER/SERVICE" (which pasted
#     describe-scalable-targets element gave the bounds; the import has no such list);
#   - on "policy:" lines, the alarm's name in "alarm NAME: METRIC ..." (describe-alarms names the
#     alarm; the imported policy carries the alarm's settings under "Alarm", without its name).
origin_free() {
	sed -e '1d' -e '/^  about: /d' \
		-e '/^  scaling: /s/ from ScalableTargets\[[0-9]*\] [^ ]*$//' \
		-e '/^  policy: /s/, alarm [^:,]*: /, alarm /' "$1"
}

# splice SCENARIO FRAGMENT OUT: SCENARIO's object with FRAGMENT's keys added (both files end,
# or begin, with a brace on a line of its own)
splice() {
	if [ "$(tail -n 1 "$1")" != "}" ] || [ "$(head -n 1 "$2")" != "{" ]; then
		bad splice "$1 or $2 does not end or begin with a lone brace"
		return 1
	fi
	{
		sed '$d' "$1"
		echo ","
		sed '1d' "$2"
	} >"$3"
}

# same_settings NAME A B: validate accepts both, and prints the same settings for both
same_settings() {
	eval "$SPOTSIM validate $2" >"$tmp/a.out" 2>"$tmp/a.err" || {
		bad "$1" "validate $2 failed"
		sed 's/^/    /' "$tmp/a.err" | head -5
		return
	}
	eval "$SPOTSIM validate $3" >"$tmp/b.out" 2>"$tmp/b.err" || {
		bad "$1" "validate $3 failed"
		sed 's/^/    /' "$tmp/b.err" | head -5
		return
	}
	origin_free "$tmp/a.out" >"$tmp/a.set"
	origin_free "$tmp/b.out" >"$tmp/b.set"
	if cmp -s "$tmp/a.set" "$tmp/b.set"; then ok; else
		bad "$1" "validate prints other settings for $2 than for $3"
		diff "$tmp/a.set" "$tmp/b.set" | head -20 | sed 's/^/    /'
	fi
}

# 1. the import
mkdir -p "$tmp/plan" "$tmp/cli"
if eval "$SPOTSIM import terraform $dir/plan.json -o $tmp/plan/imported.json" \
	>"$tmp/import.out" 2>&1 && [ -s "$tmp/plan/imported.json" ]; then ok; else
	bad import "spotsim import terraform $dir/plan.json failed"
	sed 's/^/    /' "$tmp/import.out" | head -10
fi

# 2. the service alone: what each source holds
same_settings service "$tmp/plan/imported.json" "$dir/aws-cli.json"

# 3. with the same load, validated and run
splice "$tmp/plan/imported.json" "$dir/load.json" "$tmp/plan/scenario.json"
splice "$dir/aws-cli.json" "$dir/load.json" "$tmp/cli/scenario.json"
cp "$dir/describe-alarms.json" "$tmp/cli/"
same_settings with-load "$tmp/plan/scenario.json" "$tmp/cli/scenario.json"

for side in plan cli; do
	eval "$SPOTSIM run $tmp/$side/scenario.json --replications 2 --seed 42 --no-plots --quiet \
		-o $tmp/$side/out" >"$tmp/$side.run" 2>&1 || {
		bad "run-$side" "spotsim run failed"
		sed 's/^/    /' "$tmp/$side.run" | head -5
	}
done
for f in replications.csv summary.csv timeseries.csv events.csv; do
	if [ ! -s "$tmp/plan/out/$f" ]; then
		bad "$f" "not written"
	elif cmp -s "$tmp/plan/out/$f" "$tmp/cli/out/$f"; then
		ok
	else
		bad "$f" "differs between the plan's run and the AWS CLI's"
		diff "$tmp/plan/out/$f" "$tmp/cli/out/$f" | head -6 | sed 's/^/    /'
	fi
done

# the runs compared are not idle: both replications scale and meet Spot interruptions
col() { awk -F, -v k="$2" 'NR == 1 { for (i = 1; i <= NF; i++) if ($i == k) c = i; next }
	{ print $c }' "$1"; }
busy=$(col "$tmp/plan/out/replications.csv" scaling_activities | awk '$1 > 0' | wc -l)
hit=$(col "$tmp/plan/out/replications.csv" interruptions | awk '$1 > 0' | wc -l)
if [ "$busy" = 2 ] && [ "$hit" = 2 ]; then ok; else
	bad busy "replications with scaling activities: $busy, with interruptions: $hit (expected 2 and 2)"
fi

# 4. the comparison sees a one-value change in the paste
sed 's/"MaxCapacity": 20,/"MaxCapacity": 19,/' "$tmp/cli/scenario.json" >"$tmp/cli/changed.json"
eval "$SPOTSIM validate $tmp/plan/scenario.json" >"$tmp/a.out" 2>/dev/null
eval "$SPOTSIM validate $tmp/cli/changed.json" >"$tmp/b.out" 2>/dev/null
origin_free "$tmp/a.out" >"$tmp/a.set"
origin_free "$tmp/b.out" >"$tmp/b.set"
if [ -s "$tmp/a.set" ] && ! cmp -s "$tmp/a.set" "$tmp/b.set"; then ok; else
	bad blind "MaxCapacity 19 in the paste gives the same settings as 20 in the plan"
fi

echo "equivalence: $pass passed, $fail failed"
[ $fail = 0 ]
