#!/bin/sh
# End-to-end tests of the spotsim command line.
#
#   tests/cli/cases/NAME.cmd     the arguments after "spotsim" (shell words), run from the repo root
#   tests/cli/cases/NAME.out     expected stdout, byte for byte (golden)
#   tests/cli/cases/NAME.err     expected stderr, byte for byte (optional)
#   tests/cli/cases/NAME.status  expected exit status (optional, default 0)
#   tests/bad/NAME.json          an invalid scenario: `spotsim validate` must exit 2 and print,
#   tests/bad/NAME.expect        among its stderr lines, every line of this file (exactly)
#
#   tests/golden/NAME.args       arguments of a `spotsim run` (without -o); the run writes to
#                                a temporary folder and must reproduce tests/golden/NAME/: its
#                                stdout.txt and each CSV byte for byte, or, for a large file F,
#                                the checksum in F.sha256
#   tests/golden/NAME.same       names another golden run whose recorded files this run must
#                                reproduce too (e.g. the same run with another --threads)
#
# Every case runs twice and must give identical output both times.
# Usage: tests/cli/run.sh [--update]     (--update rewrites the golden .out/.err/.status)
# SPOTSIM names the command to test (default build/spotsim); it may carry a wrapper
# such as valgrind.

SPOTSIM=${SPOTSIM:-build/spotsim}
update=0
[ "${1:-}" = --update ] && update=1
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT INT TERM
pass=0
fail=0

bad() {
	fail=$((fail + 1))
	echo "FAIL $1: $2"
}

crashed() {
	grep -q -E 'Sanitizer|runtime error:|Invalid read|Invalid write|definitely lost|uninitialised' "$1"
}

for cmd in tests/cli/cases/*.cmd; do
	[ -e "$cmd" ] || continue
	name=${cmd%.cmd}
	args=$(cat "$cmd")
	eval "$SPOTSIM $args" >"$tmp/out1" 2>"$tmp/err1"
	st=$?
	eval "$SPOTSIM $args" >"$tmp/out2" 2>"$tmp/err2"
	if [ $update = 1 ]; then
		cp "$tmp/out1" "$name.out"
		# an empty .err that exists says "stderr must stay empty": kept
		if [ -s "$tmp/err1" ] || [ -f "$name.err" ]; then cp "$tmp/err1" "$name.err"; fi
		if [ $st != 0 ]; then echo $st >"$name.status"; else rm -f "$name.status"; fi
	fi
	want=0
	[ -f "$name.status" ] && want=$(cat "$name.status")
	if crashed "$tmp/err1"; then
		bad "$name" "memory error reported"; sed 's/^/    /' "$tmp/err1" | head -20
	elif [ "$st" != "$want" ]; then
		bad "$name" "exit status $st, expected $want"; sed 's/^/    /' "$tmp/err1" | head -5
	elif ! cmp -s "$tmp/out1" "$name.out"; then
		bad "$name" "stdout differs from $name.out"; diff "$name.out" "$tmp/out1" | head -20
	elif [ -f "$name.err" ] && ! cmp -s "$tmp/err1" "$name.err"; then
		bad "$name" "stderr differs from $name.err"; diff "$name.err" "$tmp/err1" | head -20
	elif ! cmp -s "$tmp/out1" "$tmp/out2" || ! cmp -s "$tmp/err1" "$tmp/err2"; then
		bad "$name" "output differs between two identical runs"
	else
		pass=$((pass + 1))
	fi
done

for json in tests/bad/*.json; do
	[ -e "$json" ] || continue
	name=${json%.json}
	eval "$SPOTSIM validate $json" >"$tmp/out1" 2>"$tmp/err1"
	st=$?
	if crashed "$tmp/err1"; then
		bad "$name" "memory error reported"; sed 's/^/    /' "$tmp/err1" | head -20
		continue
	fi
	if [ "$st" != 2 ]; then
		bad "$name" "exit status $st, expected 2"; sed 's/^/    /' "$tmp/err1" | head -5
		continue
	fi
	if [ ! -s "$name.expect" ]; then
		bad "$name" "no $name.expect"
		continue
	fi
	missing=0
	while IFS= read -r line; do
		[ -n "$line" ] || continue
		if ! grep -qxF -- "$line" "$tmp/err1"; then
			missing=1
			echo "    expected: $line"
		fi
	done <"$name.expect"
	if [ $missing = 1 ]; then
		bad "$name" "message not printed; stderr was:"; sed 's/^/    got: /' "$tmp/err1"
	else
		pass=$((pass + 1))
	fi
done

# Golden runs: the bundled scenarios reproduce their recorded outputs exactly.
for argsfile in tests/golden/*.args; do
	[ -e "$argsfile" ] || continue
	name=$(basename "${argsfile%.args}")
	want=tests/golden/$name
	ok=1
	for round in 1 2; do
		out=$tmp/golden/$name.$round
		rm -rf "$out"
		eval "$SPOTSIM run $(cat "$argsfile") -o $out" >"$tmp/stdout.$round" 2>"$tmp/err"
		st=$?
		if crashed "$tmp/err" || [ $st != 0 ]; then
			bad "$name" "run failed (exit $st)"; sed 's/^/    /' "$tmp/err" | head -10
			ok=0
			break
		fi
		sed "s|$out|OUT|g" "$tmp/stdout.$round" >"$out/stdout.txt"
	done
	[ $ok = 1 ] || continue
	if [ $update = 1 ]; then
		mkdir -p "$want"
		rm -f "$want"/*
		cp $tmp/golden/$name.1/stdout.txt $tmp/golden/$name.1/events.csv \
			$tmp/golden/$name.1/replications.csv $tmp/golden/$name.1/summary.csv \
			$tmp/golden/$name.1/comparison.csv "$want/"
		(cd $tmp/golden/$name.1 && sha256sum timeseries.csv) >"$want/timeseries.csv.sha256"
	fi
	for f in stdout.txt events.csv replications.csv summary.csv comparison.csv timeseries.csv; do
		a=$tmp/golden/$name.1/$f
		if ! cmp -s "$a" "$tmp/golden/$name.2/$f"; then
			bad "$name" "$f differs between two identical runs"; ok=0
		elif [ -f "$want/$f" ] && ! cmp -s "$a" "$want/$f"; then
			bad "$name" "$f differs from $want/$f"; diff "$want/$f" "$a" | head -10; ok=0
		elif [ -f "$want/$f.sha256" ] && ! (cd $tmp/golden/$name.1 && sha256sum -c --quiet \
				"$OLDPWD/$want/$f.sha256" >/dev/null 2>&1); then
			bad "$name" "$f checksum differs from $want/$f.sha256"; ok=0
		elif [ ! -f "$want/$f" ] && [ ! -f "$want/$f.sha256" ]; then
			bad "$name" "no golden copy of $f in $want (run make golden-update)"; ok=0
		fi
	done
	if [ $ok = 1 ] && [ -f tests/golden/$name.same ]; then
		other=tests/golden/$(cat tests/golden/$name.same)
		for f in "$other"/*; do
			base=$(basename "$f")
			[ "$base" = stdout.txt ] && continue
			if [ "$base" = timeseries.csv.sha256 ]; then
				(cd $tmp/golden/$name.1 && sha256sum -c --quiet "$OLDPWD/$f" >/dev/null 2>&1) ||
					{ bad "$name" "timeseries.csv differs from $other's"; ok=0; }
			elif ! cmp -s "$f" "$tmp/golden/$name.1/$base"; then
				bad "$name" "$base differs from $other/$base"; ok=0
			fi
		done
	fi
	[ $ok = 1 ] && pass=$((pass + 1))
done

# A run killed mid-way leaves no file under a final name (SIGTERM: none at all;
# SIGKILL: at most hidden temporary files). The run must outlast the second
# before the kill: the example's configurations scale every minute, which
# keeps each replication in the milliseconds.
for sig in TERM KILL; do
	out=$tmp/killed-$sig
	$SPOTSIM run scenarios/example.json --replications 200 --threads 1 --no-plots \
		-o "$out" >/dev/null 2>"$tmp/kill-err" &
	pid=$!
	sleep 1
	kill -s $sig $pid 2>/dev/null
	wait $pid
	st=$?
	finals=$(ls "$out" 2>/dev/null | grep -v '^\.' | tr '\n' ' ')
	if [ -n "$finals" ]; then
		bad "kill-$sig" "files under final names after SIG$sig: $finals"
	elif [ $sig = TERM ] && [ $st != 1 ]; then
		bad "kill-$sig" "exit status $st after SIGTERM, expected 1"
	elif [ $sig = TERM ] && ls -A "$out" 2>/dev/null | grep -q .; then
		bad "kill-$sig" "temporary files left after SIGTERM: $(ls -A "$out" | tr '\n' ' ')"
	else
		pass=$((pass + 1))
	fi
done

echo "cli: $pass passed, $fail failed"
[ $fail = 0 ]
