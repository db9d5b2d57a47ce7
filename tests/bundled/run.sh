#!/bin/sh
# Every scenario and fixture that ships with spotsim is valid, so a stricter schema (an AWS-shaped
# section refusing a key that is not AWS's own, say) cannot quietly break one of them.
#
# Checked, each with `spotsim validate` exiting 0:
#   - scenarios/*.json and the course's scenarios (scenarios/course/*/*.json but the Terraform
#     plans and the policy files);
#   - the scenario fixtures of the tests: tests/scaling/*.json (not the alarms*.json files, which
#     are describe-alarms output), tests/terraform/linked.json, tests/shard/sweep.json,
#     tests/plot/short.json, tests/cloudwatch/requests-300s.json, bench/peer-*.json;
#   - tests/equivalence/aws-cli.json (pasted describe-* output), alone and with load.json spliced
#     in as tests/equivalence/run.sh does;
#   - what `spotsim import terraform` writes for every tests/terraform fixture not named bad-*
#     (once per service where the file holds several);
# and each tests/cli/policies file not named bad-* is read by `spotsim scale`.
#
# Usage: tests/bundled/run.sh      SPOTSIM names the command (default build/spotsim).

SPOTSIM=${SPOTSIM:-build/spotsim}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT INT TERM
pass=0
fail=0

bad() {
	fail=$((fail + 1))
	echo "FAIL bundled $1: $2"
	sed 's/^/    /' "$tmp/err" | head -5
}

# valid FILE: spotsim validate accepts it
valid() {
	if $SPOTSIM validate "$1" >"$tmp/out" 2>"$tmp/err"; then
		pass=$((pass + 1))
	else
		bad "$1" "spotsim validate failed"
	fi
}

for f in scenarios/*.json scenarios/course/*/*.json tests/scaling/*.json tests/terraform/linked.json tests/shard/sweep.json \
	tests/plot/short.json tests/cloudwatch/requests-300s.json bench/peer-*.json \
	tests/equivalence/aws-cli.json; do
	case $f in
	tests/scaling/alarms* | */plan.json | */policy-*.json) continue ;;
	esac
	valid "$f"
done

# the paste with the load of tests/equivalence/run.sh (the alarms file it names goes along)
mkdir -p "$tmp/cli"
{
	sed '$d' tests/equivalence/aws-cli.json
	echo ","
	sed '1d' tests/equivalence/load.json
} >"$tmp/cli/scenario.json"
cp tests/equivalence/describe-alarms.json "$tmp/cli/"
valid "$tmp/cli/scenario.json"

# import FIXTURE OUT [SERVICE]: the import succeeds and what it writes is valid
import() {
	if $SPOTSIM import terraform "$1" ${3:+--service "$3"} -o "$2" >"$tmp/err" 2>&1; then
		valid "$2"
	else
		bad "$1" "spotsim import terraform${3:+ --service $3} failed"
	fi
}

n=0
for f in tests/terraform/*.json tests/terraform/*.tfstate tests/equivalence/plan.json; do
	case $f in
	*/bad-* | tests/terraform/linked.json) continue ;;
	esac
	n=$((n + 1))
	if $SPOTSIM import terraform "$f" -o "$tmp/import-$n.json" >"$tmp/err" 2>&1; then
		valid "$tmp/import-$n.json"
		continue
	fi
	# several services: the error lists them as "(accepted: ADDRESS (name), ADDRESS (name))"
	services=$(sed -n 's/.*choose one with --service (accepted: \(.*\))$/\1/p' "$tmp/err" |
		sed 's/ ([^()]*)\(, \|$\)/\n/g')
	if [ -z "$services" ]; then
		bad "$f" "spotsim import terraform failed"
		continue
	fi
	k=0
	while IFS= read -r s; do
		[ -n "$s" ] || continue
		k=$((k + 1))
		import "$f" "$tmp/import-$n-$k.json" "$s"
	done <<EOF
$services
EOF
done

# policy files: read as `spotsim scale` reads them (a step policy without an alarm needs
# --threshold, which a target-tracking policy refuses)
for f in tests/cli/policies/*.json; do
	case $f in
	*/bad-*) continue ;;
	esac
	if $SPOTSIM scale "$f" --running 4 --metric 50 >"$tmp/out" 2>"$tmp/err" ||
		$SPOTSIM scale "$f" --running 4 --metric 50 --threshold 40 >"$tmp/out" 2>"$tmp/err"; then
		pass=$((pass + 1))
	else
		bad "$f" "spotsim scale failed"
	fi
done

echo "bundled: $pass passed, $fail failed"
[ $fail = 0 ]
