#!/bin/sh
# End-to-end tests of what spotsim guarantees about an output folder
# (README "Output files and safety", include/spotsim/output/outdir.h):
#
#   1. symbolic links planted at every temporary name older versions used
#      (.NAME.tmp.PID, .NAME.part.PID, plots/.NAME.EXT.tmp.PID, for the
#      PIDs the next processes get) and at final names never make run,
#      plot or a shard write outside the folder; a link at plots/ is
#      refused and the previous outputs stay;
#   2. temporaries' names are unpredictable: two killed runs leave staging
#      folders .spotsim-tmp.PID.RANDOM with different RANDOM parts, and the
#      next run in the folder removes them;
#   3. a full disk (RLIMIT_FSIZE with SIGXFSZ ignored, so writes fail with
#      EFBIG) never leaves a truncated figure, page or CSV file under a
#      final name, and the previous CSV files stay;
#   4. SIGINT or SIGTERM while gnuplot draws (a gnuplot that ignores
#      SIGTERM and never ends): exit status 1 within a second, no gnuplot
#      process left, no temporary left, the folder as it was; SIGKILL: the
#      gnuplot processes die too, and the next run sweeps the leftover;
#   5. figures and report.html of an earlier run that the new run does not
#      make are removed; files spotsim does not name are kept.
#
# Parts that need gnuplot say "skipped" without it.
# Usage: tests/output/run.sh      SPOTSIM names the command (default build/spotsim);
# with a wrapper in SPOTSIM (valgrind) the time limit of part 4 is 10 s.

SPOTSIM=${SPOTSIM:-build/spotsim}
# in memory where the machine has it (see plant_names)
tmp=$(mktemp -d -p /dev/shm 2>/dev/null || mktemp -d)
trap 'rm -rf "$tmp"' EXIT INT TERM
pass=0
fail=0
sc=tests/plot/short.json
run_args="--replications 1 --threads 1 --quiet"
limit_ms=1000
case "$SPOTSIM" in *" "*) limit_ms=10000 ;; esac
have_gnuplot=0
command -v gnuplot >/dev/null 2>&1 && have_gnuplot=1

ok() { pass=$((pass + 1)); }
bad() {
	fail=$((fail + 1))
	echo "FAIL output $1: $2"
}
skipped() { echo "output $1: skipped (gnuplot is not installed)"; }

# True when FILE (a stderr) holds a sanitizer's or valgrind's report.
crashed() { grep -q -E 'Sanitizer|runtime error:|Invalid read|Invalid write|definitely lost' "$1"; }

# The temporaries left in DIR (and below), one per line.
temps_in() { find "$1" -name '.spotsim-tmp.*' 2>/dev/null; }

# The PIDs of the children of PID, from /proc.
children_of() {
	sed -n 's/^\([0-9]*\) (.*) [A-Za-z] \([0-9]*\) .*/\1 \2/p' /proc/[0-9]*/stat 2>/dev/null |
		awk -v p="$1" '$2 == p { print $1 }'
}

# Waits up to 5 s for PID to have a child; prints the children.
wait_children() {
	i=0
	while [ $i -lt 500 ]; do
		kids=$(children_of "$1")
		[ -n "$kids" ] && { echo $kids; return 0; }
		kill -0 "$1" 2>/dev/null || return 1
		sleep 0.01
		i=$((i + 1))
	done
	return 1
}

# True when PID runs (a zombie, dead but not yet reaped by its new parent, does not).
running() { [ -r "/proc/$1/stat" ] && ! sed 's/^.*) //' "/proc/$1/stat" 2>/dev/null | grep -q '^[ZX]'; }

now_ms() { echo $(($(date +%s%N) / 1000000)); }

# Checksums of the CSV files and scenario.json of DIR.
sums() { (cd "$1" && cat *.csv scenario.json 2>/dev/null | cksum); }

png_ok() {
	[ "$(head -c 8 "$1" | od -An -tx1 | tr -d ' \n')" = 89504e470d0a1a0a ] &&
		[ "$(tail -c 12 "$1" | od -An -tx1 | tr -d ' \n')" = 0000000049454e44ae426082 ]
}
svg_ok() { tail -c 200 "$1" | tr -d ' \t\r\n' | grep -q '</svg>$'; }
html_ok() { tail -c 50 "$1" | tr -d ' \t\r\n' | grep -q '</html>$'; }

# Every image and the page under their final names in DIR are complete.
all_complete() {
	for f in "$1"/plots/*.png; do [ -e "$f" ] || continue; png_ok "$f" || { echo "$f"; return 1; }; done
	for f in "$1"/plots/*.svg; do [ -e "$f" ] || continue; svg_ok "$f" || { echo "$f"; return 1; }; done
	[ ! -e "$1/report.html" ] || html_ok "$1/report.html" || { echo "$1/report.html"; return 1; }
}

# ---- 1. planted symbolic links ----

plant=$tmp/plant
victim=$tmp/victim.txt
vdir=$tmp/victims
mkdir -p "$plant/plots" "$vdir"
echo precious >"$victim"
# Dangling links into $vdir, at every name older versions used for the next
# $ahead PIDs (other processes of the machine take PIDs too): a file created
# through one would appear in $vdir. Planted again before each command. The
# 30,000 names are why $tmp is in memory where it can be: on this project's
# development disk they took 13 s of system time.
ahead=1000
plant_names() {
	last=$(cat /proc/sys/kernel/ns_last_pid 2>/dev/null || echo $$)
	awk -v s="$((last + 1))" -v e="$((last + ahead))" -v d="$vdir" 'BEGIN {
		k = split("timeseries.csv events.csv replications.csv summary.csv comparison.csv " \
			  "report.html scenario.json shard.csv shard-items.csv", a, " ")
		for (p = s; p <= e; p++) for (i = 1; i <= k; i++) {
			print d "/." a[i] ".tmp." p; print d "/." a[i] ".part." p }
	}' | xargs ln -s -t "$plant" 2>/dev/null
	awk -v s="$((last + 1))" -v e="$((last + ahead))" -v d="$vdir" 'BEGIN {
		split("tasks cost cpu latency backlog experiment", f, " ")
		for (p = s; p <= e; p++) for (i = 1; i <= 6; i++) {
			print d "/." f[i] ".png.tmp." p; print d "/." f[i] ".svg.tmp." p }
	}' | xargs ln -s -t "$plant/plots" 2>/dev/null
}
plant_names
# links to an existing file at final names
ln -s "$victim" "$plant/report.html"
ln -s "$victim" "$plant/scenario.json"
ln -s "$victim" "$plant/timeseries.csv"
ln -s "$victim" "$plant/plots/tasks.png"

# The links at old temporary names (not spotsim's now: never removed and reused).
links_at_old_names() { find "$plant" -type l \( -name '.*.tmp.*' -o -name '.*.part.*' \) | wc -l; }

check_plant() {
	if crashed "$tmp/err"; then
		bad "planted-$1" "memory error reported"; sed 's/^/    /' "$tmp/err" | head -20
	elif [ "$(links_at_old_names)" != "$planted" ]; then
		bad "planted-$1" "links at old temporary names were removed: $(links_at_old_names) of $planted left"
	elif [ -n "$(ls -A "$vdir")" ]; then
		bad "planted-$1" "a file was created through a planted link: $(ls -A "$vdir" | head -3)"
	elif [ "$(cat "$victim")" != precious ]; then
		bad "planted-$1" "the file a planted link points at was written"
	elif [ -n "$(temps_in "$plant")" ]; then
		bad "planted-$1" "temporaries left: $(temps_in "$plant" | head -3)"
	else
		ok
	fi
}

planted=$(links_at_old_names)
eval "$SPOTSIM run $sc -o $plant $run_args" 2>"$tmp/err"
st=$?
[ $st = 0 ] || { bad planted-run "exit status $st"; sed 's/^/    /' "$tmp/err"; }
check_plant run
if [ -L "$plant/report.html" ] || [ -L "$plant/timeseries.csv" ] || [ -L "$plant/scenario.json" ]; then
	bad planted-run "a final name is still the planted link"
elif [ $have_gnuplot = 1 ] && [ -L "$plant/plots/tasks.png" ]; then
	bad planted-run "plots/tasks.png is still the planted link"
else
	ok
fi
plant_names
planted=$(links_at_old_names)
eval "$SPOTSIM plot $plant --quiet" 2>"$tmp/err"
st=$?
[ $st = 0 ] || { bad planted-plot "exit status $st"; sed 's/^/    /' "$tmp/err"; }
check_plant plot
plant_names
planted=$(links_at_old_names)
eval "$SPOTSIM run $sc --shard 0/2 -o $plant $run_args" 2>"$tmp/err"
st=$?
[ $st = 0 ] || { bad planted-shard "exit status $st"; sed 's/^/    /' "$tmp/err"; }
check_plant shard

# plots/ itself a link to another folder: refused, the previous outputs stay
lnk=$tmp/plots-link
eval "$SPOTSIM run $sc -o $lnk $run_args --no-plots" 2>/dev/null
before=$(sums "$lnk")
ln -s "$vdir" "$lnk/plots"
eval "$SPOTSIM run $sc -o $lnk --seed 99 $run_args" >/dev/null 2>"$tmp/err"
st=$?
if [ $have_gnuplot = 0 ]; then
	skipped plots-link
elif [ $st != 1 ] || ! grep -q "plots: cannot write: not a folder (a symbolic link" "$tmp/err"; then
	bad plots-link "exit status $st (expected 1) or message missing"; sed 's/^/    /' "$tmp/err"
elif [ -n "$(ls -A "$vdir")" ] || [ "$(sums "$lnk")" != "$before" ] || [ -n "$(temps_in "$lnk")" ]; then
	bad plots-link "written through the link, previous outputs changed or temporaries left"
else
	ok
fi

# ---- 2. unpredictable names, leftovers swept ----

# (two folders: a run sweeps the leftovers of dead runs in its folder)
for round in 1 2; do
	killed=$tmp/killed$round
	$SPOTSIM run scenarios/steady-api-mix.json --replications 5000 --threads 1 --no-plots \
		-o "$killed" >/dev/null 2>&1 &
	pid=$!
	i=0
	while [ $i -lt 500 ] && ! ls -A "$killed" 2>/dev/null | grep -q "^\.spotsim-tmp\.$pid\."; do
		sleep 0.01
		i=$((i + 1))
	done
	kill -KILL $pid 2>/dev/null
	wait $pid 2>/dev/null
done
left="$(ls -A "$tmp/killed1") $(ls -A "$tmp/killed2")"
n=$(echo $left | tr ' ' '\n' | grep -c -E '^\.spotsim-tmp\.[0-9]+\.[a-z2-7]{12}$')
r1=$(ls -A "$tmp/killed1" | sed 's/.*\.//')
r2=$(ls -A "$tmp/killed2" | sed 's/.*\.//')
if [ "$n" != 2 ] || [ "$(echo $left | wc -w)" != 2 ]; then
	bad killed-names "expected one staging folder .spotsim-tmp.PID.RANDOM in each folder, found: $left"
elif [ "$r1" = "$r2" ]; then
	bad killed-names "two runs drew the same random part $r1"
else
	ok
fi
eval "$SPOTSIM run $sc -o $tmp/killed1 $run_args --no-plots" 2>"$tmp/err"
st=$?
if [ $st != 0 ] || [ -n "$(temps_in "$tmp/killed1")" ]; then
	bad killed-sweep "exit $st, leftover not removed: $(temps_in "$tmp/killed1" | tr '\n' ' ')"
else
	ok
fi

# ---- 3. a full disk ----

full=$tmp/full
eval "$SPOTSIM run $sc -o $full $run_args" 2>/dev/null
before=$(sums "$full")
# 40 to 80 KB (ulimit -f counts 512- or 1024-byte blocks): some images and the page do not fit
(trap '' XFSZ; ulimit -f 80 && eval "exec $SPOTSIM plot $full --quiet") >/dev/null 2>"$tmp/err"
st=$?
if [ $have_gnuplot = 0 ]; then
	skipped full-plot
elif crashed "$tmp/err"; then
	bad full-plot "memory error reported"; sed 's/^/    /' "$tmp/err" | head -20
elif [ $st != 1 ] || ! grep -q -E "is the disk full|file too large" "$tmp/err"; then
	bad full-plot "exit status $st (expected 1) or no image failed"; sed 's/^/    /' "$tmp/err"
elif bad_file=$(all_complete "$full"); [ -n "$bad_file" ]; then
	bad full-plot "an incomplete file under its final name: $bad_file"
elif [ -n "$(temps_in "$full")" ] || [ "$(sums "$full")" != "$before" ]; then
	bad full-plot "temporaries left or CSV files changed"
else
	ok
fi
# a run whose timeseries.csv does not fit: nothing written, the previous files stay
(trap '' XFSZ; ulimit -f 80 && eval "exec $SPOTSIM run $sc -o $full --seed 5 $run_args") \
	>/dev/null 2>"$tmp/err"
st=$?
if crashed "$tmp/err"; then
	bad full-run "memory error reported"; sed 's/^/    /' "$tmp/err" | head -20
elif [ $st != 1 ] || ! grep -q "file too large" "$tmp/err" || ! grep -q "no output written" "$tmp/err"; then
	bad full-run "exit status $st (expected 1) or message missing"; sed 's/^/    /' "$tmp/err"
elif [ "$(sums "$full")" != "$before" ] || [ -n "$(temps_in "$full")" ]; then
	bad full-run "previous CSV files changed or temporaries left"
elif bad_file=$(all_complete "$full"); [ -n "$bad_file" ]; then
	bad full-run "an incomplete file under its final name: $bad_file"
else
	ok
fi

# ---- 4. signals while gnuplot draws ----

fake=$tmp/fakebin
mkdir -p "$fake"
printf '#!/bin/sh\ntrap "" TERM\nexec sleep 30\n' >"$fake/gnuplot"
chmod +x "$fake/gnuplot"

# interrupted NAME SIGNAL DIR ARGS...: SIGNAL once gnuplot runs; exit 1 in time, nothing left
interrupted() {
	name=$1
	sig=$2
	dir=$3
	shift 3
	before=$(sums "$dir")
	page=$(cksum <"$dir/report.html" 2>/dev/null)
	eval "exec env PATH=\"$fake:\$PATH\" $SPOTSIM $*" >/dev/null 2>"$tmp/err" &
	pid=$!
	if ! kids=$(wait_children $pid); then
		bad "$name" "gnuplot never started"; kill -KILL $pid 2>/dev/null; wait $pid
		sed 's/^/    /' "$tmp/err"
		return
	fi
	start=$(now_ms)
	kill -s "$sig" $pid
	wait $pid
	st=$?
	took=$(($(now_ms) - start))
	alive=""
	for k in $kids; do running "$k" && alive="$alive $k"; done
	if crashed "$tmp/err"; then
		bad "$name" "memory error reported"; sed 's/^/    /' "$tmp/err" | head -20
	elif [ $st != 1 ]; then
		bad "$name" "exit status $st after SIG$sig, expected 1"; sed 's/^/    /' "$tmp/err"
	elif [ $took -gt $limit_ms ]; then
		bad "$name" "exit took $took ms after SIG$sig (limit $limit_ms ms)"
	elif [ -n "$alive" ]; then
		bad "$name" "gnuplot processes left:$alive"; kill -KILL $alive 2>/dev/null
	elif [ -n "$(temps_in "$dir")" ]; then
		bad "$name" "temporaries left: $(temps_in "$dir" | tr '\n' ' ')"
	elif [ "$(sums "$dir")" != "$before" ] || [ "$(cksum <"$dir/report.html" 2>/dev/null)" != "$page" ]; then
		bad "$name" "the folder changed"
	elif ! grep -q "interrupted; no output written" "$tmp/err"; then
		bad "$name" "no message"; sed 's/^/    /' "$tmp/err"
	else
		ok
	fi
}

sigdir=$tmp/sig
eval "$SPOTSIM run $sc -o $sigdir $run_args" 2>/dev/null
interrupted plot-sigint INT "$sigdir" plot "$sigdir"
interrupted plot-sigterm TERM "$sigdir" plot "$sigdir"
interrupted run-sigterm TERM "$sigdir" run "$sc" -o "$sigdir" --seed 3 $run_args
interrupted run-sigint INT "$sigdir" run "$sc" -o "$sigdir" --seed 3 $run_args

# SIGKILL: gnuplot dies with spotsim; the next run sweeps the staging folder
eval "exec env PATH=\"$fake:\$PATH\" $SPOTSIM plot $sigdir" >/dev/null 2>&1 &
pid=$!
if kids=$(wait_children $pid); then
	kill -KILL $pid
	wait $pid 2>/dev/null
	i=0
	alive=$kids
	while [ $i -lt 100 ] && [ -n "$alive" ]; do
		alive=""
		for k in $kids; do running "$k" && alive="$alive $k"; done
		sleep 0.01
		i=$((i + 1))
	done
	if [ -n "$alive" ]; then
		bad plot-sigkill "gnuplot outlived a killed spotsim plot:$alive"; kill -KILL $alive
	elif [ -z "$(temps_in "$sigdir")" ]; then
		bad plot-sigkill "no staging folder left by the killed process (expected one)"
	else
		eval "$SPOTSIM plot $sigdir --quiet" 2>/dev/null
		if [ -n "$(temps_in "$sigdir")" ]; then
			bad plot-sigkill "the next spotsim plot left the leftover: $(temps_in "$sigdir")"
		else ok; fi
	fi
else
	bad plot-sigkill "gnuplot never started"
	kill -KILL $pid 2>/dev/null
fi

# ---- 5. stale figures and page ----

stale=$tmp/stale
if [ $have_gnuplot = 0 ]; then
	skipped stale
else
	eval "$SPOTSIM run tests/shard/sweep.json -o $stale --quiet" 2>/dev/null
	echo mine >"$stale/notes.txt"
	echo mine >"$stale/plots/mine.png"
	had=$(ls "$stale/plots" | grep -c '^sweep_\|^experiment')
	eval "$SPOTSIM run $sc -o $stale $run_args" 2>/dev/null
	left=$(ls "$stale/plots" | grep '^sweep_\|^experiment' | tr '\n' ' ')
	if [ "$had" -lt 2 ] || [ -n "$left" ]; then
		bad stale-figures "sweep figures before: $had, left after a run without a sweep: $left"
	elif [ ! -f "$stale/plots/tasks.png" ] || grep -q 'sweep_' "$stale/report.html"; then
		bad stale-figures "the new figures or page are not the new run's"
	else
		ok
	fi
	eval "$SPOTSIM run $sc -o $stale $run_args --no-plots" 2>/dev/null
	if [ "$(ls "$stale/plots")" != mine.png ] || [ -e "$stale/report.html" ]; then
		bad stale-no-plots "after --no-plots: plots/ holds $(ls "$stale/plots" | tr '\n' ' ')," \
			"report.html $( [ -e "$stale/report.html" ] && echo kept || echo removed)"
	elif [ "$(cat "$stale/notes.txt")" != mine ] || [ ! -f "$stale/scenario.json" ]; then
		bad stale-no-plots "a file spotsim does not name was touched, or no scenario.json"
	else
		ok
	fi
fi

echo "output: $pass passed, $fail failed"
[ $fail = 0 ]
