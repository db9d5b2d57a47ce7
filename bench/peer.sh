#!/bin/bash
# bench/peer.sh -- spotsim side by side with an equivalent SimPy model
# (SPEC 8: at least 300x faster on the fixed fleet, 100x with target
# tracking). Run by `make bench-peer`; not a test: it prints a table.
#
# For each service (bench/peer-fixed.json, bench/peer-tracking.json):
#   spotsim  `spotsim run FILE --replications N --threads 1 --no-plots --quiet`,
#            its user+sys CPU time divided by N. This includes the process
#            start, loading the scenario and writing every output file (the
#            time series and event log of replication 0 among them), spread
#            over the N replications.
#   SimPy    bench/peer_simpy.py FILE --replications M, which times the
#            simulation of each replication with time.process_time (the
#            interpreter's start and the imports are not counted).
# Then the means of the totals both models report, to show that they
# simulate the same service (the random streams differ: interruptions and
# what follows from them agree only on average).
#
# Environment: SPOTSIM (default build/spotsim), PEER_SPOTSIM_REPS and
# PEER_SIMPY_REPS (replications of both services; defaults below keep the
# whole run well under two minutes), PYTHON (an interpreter that has simpy).
set -eu

cd "$(dirname "$0")/.."
SPOTSIM=${SPOTSIM:-build/spotsim}
SERVICES="fixed tracking"
declare -A SPOTSIM_REPS=([fixed]=100 [tracking]=40)
declare -A SIMPY_REPS=([fixed]=5 [tracking]=5)
declare -A TARGET=([fixed]=300 [tracking]=100)
METRICS="cost_usd cost_fargate_usd cost_spot_usd tasks_launched interruptions scaling_activities mean_running_tasks availability"

has_simpy() {
	"$1" -c 'import simpy' >/dev/null 2>&1
}

# Debian's python3-simpy3 serves /usr/bin/python3, which need not be the
# python3 first on PATH.
find_python() {
	local p
	for p in ${PYTHON:-} /usr/bin/python3 python3; do
		if has_simpy "$p"; then
			PYTHON=$p
			return 0
		fi
	done
	if [ "$(id -u)" = 0 ]; then
		echo "installing python3-simpy3 for the SimPy peer model"
		(apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq python3-simpy3) \
			>/dev/null || {
			echo "bench-peer: apt-get install python3-simpy3 failed" >&2
			exit 1
		}
		has_simpy /usr/bin/python3 && PYTHON=/usr/bin/python3 && return 0
	fi
	echo "bench-peer: SimPy is not installed (Debian package python3-simpy3)" >&2
	echo "run: sudo apt-get install python3-simpy3" >&2
	exit 1
}

# Prints the user+sys CPU seconds of a command, whose output goes to $2.
cpu_seconds() {
	local out=$1
	shift
	local TIMEFORMAT='%3U %3S'
	{ time "$@" >"$out" 2>&1; } 2>"$TMP/time" || {
		echo "bench-peer: failed: $*" >&2
		cat "$out" >&2
		exit 1
	}
	awk '{ print $1 + $2 }' "$TMP/time"
}

# Means of the metrics in spotsim's replications.csv, as "name value" lines.
spotsim_means() {
	awk -F, -v want="$METRICS" '
		NR == 1 { for (i = 1; i <= NF; i++) col[$i] = i; next }
		{ n++; split(want, w, " "); for (k in w) sum[w[k]] += $col[w[k]] }
		END { split(want, w, " "); for (k = 1; k in w; k++) printf "%s %.6g\n", w[k], sum[w[k]] / n }
	' "$1"
}

find_python
TMP=$(mktemp -d /tmp/spotsim-peer.XXXXXX)
trap 'rm -rf "$TMP"' EXIT

declare -A SPOTSIM_MS SIMPY_MS SPOTSIM_N SIMPY_N
for s in $SERVICES; do
	n=${PEER_SPOTSIM_REPS:-${SPOTSIM_REPS[$s]}}
	m=${PEER_SIMPY_REPS:-${SIMPY_REPS[$s]}}
	scenario=bench/peer-$s.json
	secs=$(cpu_seconds "$TMP/$s.spotsim.log" "$SPOTSIM" run "$scenario" --replications "$n" \
		--threads 1 --no-plots --quiet -o "$TMP/$s")
	SPOTSIM_MS[$s]=$(awk -v t="$secs" -v n="$n" 'BEGIN { printf "%.2f", 1000 * t / n }')
	spotsim_means "$TMP/$s/replications.csv" >"$TMP/$s.spotsim"
	"$PYTHON" bench/peer_simpy.py "$scenario" --replications "$m" >"$TMP/$s.simpy.log"
	SIMPY_MS[$s]=$(awk '$1 == "cpu_ms_per_replication" { printf "%.1f", $2 }' "$TMP/$s.simpy.log")
	awk 'NF == 2 && $1 != "cpu_ms_per_replication" { print $1, $2 }' "$TMP/$s.simpy.log" \
		>"$TMP/$s.simpy"
	SPOTSIM_N[$s]=$n
	SIMPY_N[$s]=$m
done

simpy_version=$("$PYTHON" -c 'import simpy, sys; print("SimPy %s, Python %s" % (simpy.__version__, sys.version.split()[0]))')
echo "CPU time per 30-day replication (user+sys): spotsim --threads 1 against $simpy_version"
printf '%-10s %20s %20s %10s %10s\n' service "spotsim ms/rep (N)" "SimPy ms/rep (N)" ratio "SPEC 8"
for s in $SERVICES; do
	awk -v s="$s" -v a="${SPOTSIM_MS[$s]}" -v b="${SIMPY_MS[$s]}" -v n="${SPOTSIM_N[$s]}" \
		-v m="${SIMPY_N[$s]}" -v t="${TARGET[$s]}" 'BEGIN {
		printf "%-10s %20s %20s %9.1fx %9s\n", s, sprintf("%.2f (%d)", a, n),
			sprintf("%.1f (%d)", b, m), b / a, ">= " t "x"
	}'
done
echo
echo "cross-check, means over the same replications:"
printf '%-10s %-20s %14s %14s\n' service metric spotsim SimPy
for s in $SERVICES; do
	for k in $METRICS; do
		a=$(awk -v k="$k" '$1 == k { print $2 }' "$TMP/$s.spotsim")
		b=$(awk -v k="$k" '$1 == k { print $2 }' "$TMP/$s.simpy")
		printf '%-10s %-20s %14s %14s\n' "$s" "$k" "$a" "$b"
	done
done
