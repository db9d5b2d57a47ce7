#!/bin/sh
# End-to-end tests of spotsim run --shard and spotsim merge.
#
#   - the shards of a run, made in parallel (xargs -P 2) on another thread
#     count, merge into files byte-identical (cmp) to the one-machine run's,
#     and merge prints the same stdout: scenarios/example.json (variants and
#     a sweep, CSV files), tests/shard/sweep.json (the same with plots and
#     report.html) and tests/plot/short.json (one configuration: the summary);
#   - with a Compute Savings Plan, hourly_usage.csv too (tests/cli/cases/
#     run_savings_plan_ranking.json, plan_commitment.json), and plan-commitment
#     prices the merged run as the one-machine run;
#   - a shard folder holds no summary, comparison, plots or report.html;
#   - merge refuses, with its one-line message and exit status 2, and without
#     writing anything: a missing slice, a repeated slice, a shard of another
#     scenario, seed, N or spotsim version, a folder without a manifest, an
#     output folder that is a shard;
#   - --shard auto and auto/N read AWS Batch, Slurm and Kubernetes variables
#     and refuse what is missing, out of range or ambiguous.
#
# Usage: tests/shard/run.sh      SPOTSIM names the command (default build/spotsim).

SPOTSIM=${SPOTSIM:-build/spotsim}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT INT TERM
pass=0
fail=0
# the tests set the array-job variables themselves
unset AWS_BATCH_JOB_ARRAY_INDEX AWS_BATCH_JOB_ARRAY_SIZE JOB_COMPLETION_INDEX \
	SLURM_ARRAY_TASK_ID SLURM_ARRAY_TASK_MIN SLURM_ARRAY_TASK_MAX SLURM_ARRAY_TASK_STEP \
	SLURM_ARRAY_TASK_COUNT

ok() { pass=$((pass + 1)); }
bad() {
	fail=$((fail + 1))
	echo "FAIL shard $1: $2"
}

# same NAME DIR_A DIR_B: every file of both folders, byte for byte
same() {
	if diff -r "$2" "$3" >"$tmp/diff" 2>&1; then
		ok
	else
		bad "$1" "merged files differ from the one-machine run's"
		head -20 "$tmp/diff" | sed 's/^/    /'
	fi
}

# refused NAME EXPECTED_LINE ARGS...: merge exits 2, prints the line, writes nothing
refused() {
	name=$1
	want=$2
	shift 2
	rm -rf "$tmp/never"
	eval "$SPOTSIM merge $* -o $tmp/never" >"$tmp/out" 2>"$tmp/err"
	st=$?
	if [ $st != 2 ]; then
		bad "$name" "exit status $st, expected 2"
		sed 's/^/    /' "$tmp/err"
	elif ! grep -qF -- "$want" "$tmp/err"; then
		bad "$name" "message not printed: $want"
		sed 's/^/    got: /' "$tmp/err"
	elif [ "$(wc -l <"$tmp/err")" != 1 ]; then
		bad "$name" "more than one line on stderr"
		sed 's/^/    got: /' "$tmp/err"
	elif [ -e "$tmp/never" ]; then
		bad "$name" "an output folder was written"
	else
		ok
	fi
}

# shards SCENARIO N OUTDIR ARGS...: runs slices 0..N-1, two at a time, into OUTDIR/sK
# (the index goes in as $1, not with xargs -I, which would replace the letter
# in every path too)
shards() {
	scenario=$1
	n=$2
	dir=$3
	shift 3
	i=0
	while [ $i -lt "$n" ]; do
		echo $i
		i=$((i + 1))
	done | xargs -P 2 -n 1 sh -c "$SPOTSIM run $scenario --shard \$1/$n -o $dir/s\$1 $* >/dev/null 2>$dir/err\$1" sh ||
		{ bad "$scenario" "a shard failed"; cat "$dir"/err* >&2; }
}

# The run's stderr holds only the notes of what it assumed (placement tie,
# start-up, Spot interruptions), which a merge does not repeat; its stdout
# must be the merge's stdout and stderr, byte for byte.
only_assumptions() {
	if grep -v '^note: .*: assumed ' "$2" | grep -q .; then
		bad "$1" "the run printed more than its assumptions on stderr"; head -5 "$2"
	else ok; fi
}

# 1. example.json: 3 variants x 4 sweep points x 4 replications, in 3 slices
ex="scenarios/example.json --replications 4 --no-plots"
eval "$SPOTSIM run $ex --threads 2 -o $tmp/ex/out" >"$tmp/ex.full" 2>"$tmp/ex.err" || bad example "full run failed"
only_assumptions example "$tmp/ex.err"
mv "$tmp/ex/out" "$tmp/ex/ref"
shards "$ex" 3 "$tmp/ex" --threads 1
eval "$SPOTSIM merge $tmp/ex/s2 $tmp/ex/s0 $tmp/ex/s1 --no-plots -o $tmp/ex/out" >"$tmp/ex.merge" 2>&1
same example "$tmp/ex/ref" "$tmp/ex/out"
if cmp -s "$tmp/ex.full" "$tmp/ex.merge"; then ok; else
	bad example "merge printed another ranking than the run"
	diff "$tmp/ex.full" "$tmp/ex.merge" | head -10
fi
if ls "$tmp/ex/s1" | grep -qE '^(summary.csv|comparison.csv|plots|report.html)$'; then
	bad example "a shard folder holds a summary or plots: $(ls "$tmp/ex/s1" | tr '\n' ' ')"
else ok; fi

# 2. with plots and report.html
sw=tests/shard/sweep.json
eval "$SPOTSIM run $sw -o $tmp/sw/out" >"$tmp/sw.full" 2>"$tmp/sw.err" || bad sweep "full run failed"
only_assumptions sweep "$tmp/sw.err"
mv "$tmp/sw/out" "$tmp/sw/ref"
shards "$sw" 2 "$tmp/sw" --threads 2
eval "$SPOTSIM merge $tmp/sw/s0 $tmp/sw/s1 -o $tmp/sw/out" >"$tmp/sw.merge" 2>&1
same sweep "$tmp/sw/ref" "$tmp/sw/out"
if cmp -s "$tmp/sw.full" "$tmp/sw.merge"; then ok; else bad sweep "stdout differs"; fi

# 3. one configuration (the summary, not a ranking), 5 replications in 2 slices
#    chosen by AWS Batch's variables
sh_=tests/plot/short.json
eval "$SPOTSIM run $sh_ --replications 5 --no-plots -o $tmp/one/out" >"$tmp/one.full" 2>"$tmp/one.err"
only_assumptions one-config "$tmp/one.err"
mv "$tmp/one/out" "$tmp/one/ref"
for k in 0 1; do
	env AWS_BATCH_JOB_ARRAY_INDEX=$k AWS_BATCH_JOB_ARRAY_SIZE=2 \
		sh -c "$SPOTSIM run $sh_ --replications 5 --shard auto -o $tmp/one/s$k" >/dev/null 2>&1
done
eval "$SPOTSIM merge $tmp/one/s1 $tmp/one/s0 --no-plots -o $tmp/one/out" >"$tmp/one.merge" 2>&1
same one-config "$tmp/one/ref" "$tmp/one/out"
if cmp -s "$tmp/one.full" "$tmp/one.merge"; then ok; else
	bad one-config "merge printed another summary than the run"
	diff "$tmp/one.full" "$tmp/one.merge" | head -10
fi

# 3b. with a Compute Savings Plan: hourly_usage.csv too, in item order across the slices
#     (variants x a sweep of the commitment, 12 items in 3 slices; then one
#     configuration of 2 replications in 3 slices, one of them empty), and
#     plan-commitment prices the merged run as the one-machine run
for case in run_savings_plan_ranking plan_commitment; do
	js=tests/cli/cases/$case.json
	d=$tmp/sp-$case
	eval "$SPOTSIM run $js --no-plots -o $d/out" >"$d.full" 2>/dev/null || bad "$case" "full run failed"
	mv "$d/out" "$d/ref"
	shards "$js --no-plots" 3 "$d" --threads 1
	if [ -s "$d/ref/hourly_usage.csv" ] && [ -f "$d/s1/hourly_usage.csv" ]; then ok; else
		bad "$case" "no hourly_usage.csv in the run or in a shard"
	fi
	eval "$SPOTSIM merge $d/s2 $d/s1 $d/s0 --no-plots -o $d/out" >"$d.merge" 2>&1
	same "$case" "$d/ref" "$d/out"
	if cmp -s "$d.full" "$d.merge"; then ok; else
		bad "$case" "merge printed another summary or ranking than the run"
		diff "$d.full" "$d.merge" | head -10
	fi
	for o in ref out; do
		eval "$SPOTSIM plan-commitment $d/$o" 2>&1 | sed "s|$d/$o|DIR|" >"$d.plan-$o"
	done
	if cmp -s "$d.plan-ref" "$d.plan-out" && grep -q recommended "$d.plan-out"; then ok; else
		bad "$case" "plan-commitment on the merged run differs from the run's"
		diff "$d.plan-ref" "$d.plan-out" | head -10
	fi
done

# 4. refusals
e=$tmp/ex
refused missing "spotsim merge: slice 2/3 is missing (accepted: one folder for each slice 0/3 to 2/3)" \
	"$e/s0 $e/s1"
cp -r "$e/s1" "$e/s1-again"
refused repeated "spotsim merge: $e/s1 and $e/s1-again both hold slice 1/3 (accepted: each slice once)" \
	"$e/s0 $e/s1 $e/s1-again $e/s2"
sed 's/"description": "API/"description": "Another API/' scenarios/example.json >"$tmp/other.json"
eval "$SPOTSIM run $tmp/other.json --replications 4 --no-plots --shard 1/3 -o $e/other" >/dev/null 2>&1
refused other-scenario "spotsim merge: $e/other: scenario_digest differs from $e/s0's" \
	"$e/s0 $e/other $e/s2"
# (seed and N are checked before the replications: one replication is enough)
eval "$SPOTSIM run scenarios/example.json --replications 1 --no-plots --seed 43 --shard 1/3 \
	-o $e/seed43" >/dev/null 2>&1
refused other-seed "spotsim merge: $e/seed43: seed 43 differs from 42 in $e/s0" \
	"$e/s0 $e/seed43 $e/s2"
cp -r "$e/s1" "$e/old"
sed 's/^spotsim_version,.*/spotsim_version,0.0.1/' "$e/s1/shard.csv" >"$e/old/shard.csv"
refused other-version "spotsim merge: $e/old: spotsim_version 0.0.1 differs from this spotsim's" \
	"$e/s0 $e/old $e/s2"
eval "$SPOTSIM run scenarios/example.json --replications 1 --no-plots --shard 1/2 -o $e/half" \
	>/dev/null 2>&1
refused other-n "spotsim merge: $e/half: slice 1/2 is one of 2 slices, but $e/s0 holds one of 3" \
	"$e/s0 $e/half $e/s2"
mkdir "$e/empty"
refused no-manifest "spotsim merge: $e/empty: no shard.csv in this folder" "$e/s0 $e/empty $e/s2"
rm -rf "$tmp/never"
eval "$SPOTSIM merge $e/s0 $e/s1 $e/s2 -o $e/s1" >/dev/null 2>"$tmp/err"
if [ $? = 2 ] && grep -qF "is one of the shard folders" "$tmp/err"; then ok; else
	bad into-shard "merge into a shard folder not refused"
fi

# 5. --shard from the array-job variables
slice_of() { sed -n 's/^slice,//p' "$1/shard.csv"; }
# expect_slice NAME WANT ENV...: runs a shard of short.json with the variables, checks its slice
expect_slice() {
	name=$1
	want=$2
	spec=$3
	shift 3
	rm -rf "$tmp/env"
	env "$@" sh -c "$SPOTSIM run $sh_ --replications 1 --no-plots --quiet --shard $spec -o $tmp/env" \
		2>"$tmp/err"
	got=$(slice_of "$tmp/env" 2>/dev/null)
	if [ "$got" = "$want" ]; then ok; else
		bad "$name" "slice '$got', expected '$want'"
		sed 's/^/    /' "$tmp/err"
	fi
}
expect_slice aws-batch 1/3 auto/3 AWS_BATCH_JOB_ARRAY_INDEX=1
expect_slice aws-batch-size 2/3 auto AWS_BATCH_JOB_ARRAY_INDEX=2 AWS_BATCH_JOB_ARRAY_SIZE=3
expect_slice slurm 1/3 auto SLURM_ARRAY_TASK_ID=5 SLURM_ARRAY_TASK_MIN=4 \
	SLURM_ARRAY_TASK_MAX=6 SLURM_ARRAY_TASK_COUNT=3
expect_slice slurm-n 0/2 auto/2 SLURM_ARRAY_TASK_ID=1 SLURM_ARRAY_TASK_MIN=1
expect_slice kubernetes 0/3 auto/3 JOB_COMPLETION_INDEX=0
expect_slice explicit 2/4 2/4 JOB_COMPLETION_INDEX=0

# env_refused NAME LINE SPEC ENV...
env_refused() {
	name=$1
	want=$2
	spec=$3
	shift 3
	env "$@" sh -c "$SPOTSIM run $sh_ --no-plots --shard $spec -o $tmp/never" \
		>/dev/null 2>"$tmp/err"
	st=$?
	if [ $st = 2 ] && grep -qF -- "$want" "$tmp/err" && [ "$(wc -l <"$tmp/err")" = 1 ] &&
		[ ! -e "$tmp/never" ]; then
		ok
	else
		bad "$name" "exit status $st (expected 2) or message not printed: $want"
		sed 's/^/    got: /' "$tmp/err"
	fi
}
env_refused no-variable "spotsim run: --shard: auto: no array-job index is set" auto X=1
env_refused k8s-no-size \
	"spotsim run: --shard: auto: JOB_COMPLETION_INDEX=2 gives this task's index but not the number of slices" \
	auto JOB_COMPLETION_INDEX=2
env_refused out-of-range "spotsim run: --shard: auto/3: JOB_COMPLETION_INDEX=3 is slice 3, outside 0..2" \
	auto/3 JOB_COMPLETION_INDEX=3
env_refused ambiguous \
	"spotsim run: --shard: auto/3: AWS_BATCH_JOB_ARRAY_INDEX=0 and JOB_COMPLETION_INDEX=1 name different slices" \
	auto/3 AWS_BATCH_JOB_ARRAY_INDEX=0 JOB_COMPLETION_INDEX=1
env_refused size-disagrees \
	"spotsim run: --shard: auto/4: AWS_BATCH_JOB_ARRAY_SIZE=3 says the array has 3 tasks, not 4" \
	auto/4 AWS_BATCH_JOB_ARRAY_INDEX=0 AWS_BATCH_JOB_ARRAY_SIZE=3
env_refused slurm-list "spotsim run: --shard: the Slurm array's task IDs are not one evenly stepped range" \
	auto SLURM_ARRAY_TASK_ID=4 SLURM_ARRAY_TASK_MIN=1 SLURM_ARRAY_TASK_MAX=9 SLURM_ARRAY_TASK_COUNT=3
env_refused explicit-range "spotsim run: --shard: 3/3: slice 3 is outside 0..2" 3/3 X=1

# A whole run into a shard's folder takes the shard's manifest away in its
# commit (a merge must not find a manifest for files it no longer describes);
# a failed run leaves the shard as it was.
rm -rf "$tmp/reused"
$SPOTSIM run scenarios/example.json --replications 2 --shard 0/2 --no-plots --quiet \
	-o "$tmp/reused" >/dev/null 2>&1
cp "$tmp/reused/shard.csv" "$tmp/manifest.before"
$SPOTSIM run scenarios/example.json --replications 2 --prices /nonexistent --no-plots --quiet \
	-o "$tmp/reused" >/dev/null 2>&1
if cmp -s "$tmp/reused/shard.csv" "$tmp/manifest.before"; then ok; else
	bad reused-failed "a failed run changed the shard's manifest"; fi
$SPOTSIM run scenarios/example.json --replications 2 --no-plots --quiet -o "$tmp/reused" \
	>/dev/null 2>&1
if [ ! -e "$tmp/reused/shard.csv" ] && [ ! -e "$tmp/reused/shard-items.csv" ] &&
	[ -e "$tmp/reused/summary.csv" ]; then ok; else
	bad reused-whole "a whole run left the shard's manifest beside its files"; fi

echo "shard: $pass passed, $fail failed"
[ $fail = 0 ]
