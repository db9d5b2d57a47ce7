#!/bin/sh
# run.sh BUILD TARGET... — runs each libFuzzer harness BUILD/bin/fuzz_TARGET
# for $FUZZ_SECONDS seconds (default 60), one after the other, from the top
# of the source tree (`make fuzz`). Each grows its corpus in
# BUILD/corpus/TARGET, starting from the hand-made seeds in
# fuzz/corpus/TARGET and the files of the tree that fit it (read in place,
# never written), with fuzz/scenario.dict. A crash, sanitizer report, leak,
# timeout (10 s) or memory blow-up (2 GB) stops the harness and leaves the
# input in BUILD/crashes/TARGET/; the log is BUILD/logs/TARGET.log. Prints
# one line per harness; exits 1 when any found something.
set -u
build=$1
shift
secs=${FUZZ_SECONDS:-60}
mkdir -p "$build/logs" || exit 2
# the harnesses write every input to a file: in memory when /dev/shm allows
TMPDIR=$(mktemp -d /dev/shm/spotsim-fuzz.XXXXXX 2>/dev/null) ||
	TMPDIR=$(mkdir -p "$build/tmp" && mktemp -d "$(cd "$build/tmp" && pwd)/XXXXXX") || exit 2
export TMPDIR
trap 'rm -rf "$TMPDIR"' EXIT
trap 'exit 2' INT TERM
UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1}
export UBSAN_OPTIONS

# The files of the tree each harness starts from.
seeds() {
	case $1 in
	scenario) echo scenarios tests/bad tests/scaling tests/terraform/linked.json ;;
	run) echo scenarios tests/scaling ;;
	spot_trace | rate_trace) echo data/traces ;;
	pricing) echo data/pricing.csv ;;
	policy) echo tests/cli/policies ;;
	terraform) echo tests/terraform ;;
	esac
}

failed=""
for t in "$@"; do
	corpus=$build/corpus/$t
	crashes=$build/crashes/$t
	log=$build/logs/$t.log
	seeddir=$build/seeds/$t
	mkdir -p "$corpus" "$crashes" || exit 2
	# libFuzzer reads folders: the single files are copied into one
	rm -rf "$seeddir" && mkdir -p "$seeddir" || exit 2
	dirs=""
	for s in $(seeds "$t"); do
		if [ -d "$s" ]; then dirs="$dirs $s"; elif [ -f "$s" ]; then cp "$s" "$seeddir/"; fi
	done
	[ -d "fuzz/corpus/$t" ] && dirs="$dirs fuzz/corpus/$t"
	# shellcheck disable=SC2086
	"$build/bin/fuzz_$t" -max_total_time="$secs" -timeout=10 -rss_limit_mb=2048 \
		-dict=fuzz/scenario.dict -artifact_prefix="$crashes/" -print_final_stats=1 \
		"$corpus" "$seeddir" $dirs >"$log" 2>&1
	rc=$?
	runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log")
	size=$(find "$corpus" -type f | wc -l)
	if [ "$rc" -ne 0 ]; then
		echo "fuzz: $t: FAILED after ${runs:-?} runs; input in $crashes/, log $log"
		grep -E '^(==[0-9]+==ERROR|SUMMARY|.*runtime error|.*broken promise|.*ERROR: libFuzzer)' "$log" | head -n 5
		failed="$failed $t"
	else
		echo "fuzz: $t: ${runs:-?} runs in ${secs} s, no finding (corpus $size inputs)"
	fi
done
if [ -n "$failed" ]; then
	echo "fuzz: findings in:$failed" >&2
	exit 1
fi
exit 0
