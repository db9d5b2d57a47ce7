#!/bin/sh
# make course: runs the twelve exercises of scenarios/course/ and prints one line per exercise
# with its headline answer. Where an exercise's README.md writes a hand computation, it ends in
# lines of the form
#
#     expect NAME VALUE TOLERANCE        |got - VALUE| <= TOLERANCE
#     expect NAME in LOW HIGH            LOW <= got <= HIGH
#
# and the value this script reads from spotsim's output under NAME must match, or the script
# fails. The Terraform exercises' plans must also import to the scenario next to them
# (imported.json), byte for byte.
#
# Usage: scenarios/course/run.sh        SPOTSIM names the command (default build/spotsim).
# Exit status 0 when every exercise ran and every check held, 1 otherwise.

SPOTSIM=${SPOTSIM:-build/spotsim}
here=scenarios/course
tmp=$(mktemp -d "${TMPDIR:-/tmp}/spotsim-course.XXXXXX")
trap 'rm -rf "$tmp"' EXIT INT TERM
fail=0

bad() {
	fail=1
	echo "FAIL $1: $2"
}

# run EX SCENARIO: spotsim run into $tmp/EX (CSV files only, no summary on stdout)
run() {
	rm -rf "$tmp/$1"
	if ! $SPOTSIM run "$2" --no-plots --quiet -o "$tmp/$1" >"$tmp/out" 2>"$tmp/err"; then
		bad "$1" "spotsim run $2 failed"
		sed 's/^/    /' "$tmp/err" | head -5
		return 1
	fi
}

# mean DIR VARIANT METRIC: the metric's mean over the replications (summary.csv)
mean() {
	awk -F, -v v="$2" -v m="$3" '$1 == v && $3 == m { print $5; exit }' "$1/summary.csv"
}

# at DIR VARIANT T COLUMN: a column of the minute ending at T s (timeseries.csv, replication 0)
at() {
	awk -F, -v v="$2" -v t="$3" -v c="$4" '$1 == v && $2 == t { print $c; exit }' "$1/timeseries.csv"
}

# calc EXPR [PRINTF-FORMAT]: arithmetic on the numbers read (awk)
calc() {
	awk "BEGIN { printf \"${2:-%.6g}\", $1 }"
}

# got EX NAME VALUE: a value the exercise's README may check
got() {
	echo "$2 $3" >>"$tmp/got.$1"
}

# check EX DIR: every "expect" line of DIR/README.md against the values got
check() {
	readme=$here/$2/README.md
	[ -f "$readme" ] || { bad "$1" "no $readme"; return; }
	grep -E '^ *expect ' "$readme" | while read -r _ name a b c; do
		value=$(awk -v n="$name" '$1 == n { print $2 }' "$tmp/got.$1" 2>/dev/null | tail -1)
		if [ -z "$value" ]; then
			echo "FAIL $1: $readme expects $name, which the script does not read"
			echo x >>"$tmp/failed"
			continue
		fi
		if [ "$a" = in ]; then
			ok=$(awk -v g="$value" -v lo="$b" -v hi="$c" 'BEGIN { print (g >= lo && g <= hi) }')
			want="in [$b, $c]"
		else
			ok=$(awk -v g="$value" -v w="$a" -v t="$b" 'BEGIN { d = g - w; if (d < 0) d = -d; print (d <= t + 1e-12) }')
			want="$a ± $b"
		fi
		if [ "$ok" != 1 ]; then
			echo "FAIL $1: $name = $value, the hand computation in $readme says $want"
			echo x >>"$tmp/failed"
		fi
	done
}

# reimport EX DIR: DIR/plan.json imports to DIR/imported.json, byte for byte
reimport() {
	if ! $SPOTSIM import terraform "$here/$2/plan.json" -o "$tmp/imported.json" \
		>/dev/null 2>"$tmp/err"; then
		bad "$1" "spotsim import terraform $here/$2/plan.json failed"
		sed 's/^/    /' "$tmp/err" | head -5
	elif ! cmp -s "$tmp/imported.json" "$here/$2/imported.json"; then
		bad "$1" "$here/$2/plan.json no longer imports to imported.json"
		diff "$here/$2/imported.json" "$tmp/imported.json" | head -10
	fi
}

usd() { calc "$1" '%.2f'; }

echo "course rates (pricing.rates of each scenario): FARGATE \$0.04048/vCPU-h + \$0.004445/GB-h," \
	"FARGATE_SPOT \$0.01246287/vCPU-h + \$0.00136851/GB-h (January 2024, us-east-1)"

e01() {
	d=$tmp/e01
	run e01 $here/e01-task-hour-cost/scenario.json || return
	od=$(mean $d base cost_usd)
	a=$(mean $d 2-fargate-1-spot cost_usd)
	b=$(mean $d 1-fargate-2-spot cost_usd)
	got e01 all_fargate_usd "$od"
	got e01 two_plus_one_usd "$a"
	got e01 one_plus_two_usd "$b"
	echo "E01 task-hour cost: all FARGATE \$$(calc "$od" %.4f)/day," \
		"2+1 \$$(calc "$a" %.4f) (-$(calc "100 * (1 - $a / $od)" %.1f) %)," \
		"1+2 \$$(calc "$b" %.4f) (-$(calc "100 * (1 - $b / $od)" %.1f) %)"
	check e01 e01-task-hour-cost
}

# place STRATEGY N: "FARGATE+SPOT" of spotsim place
place() {
	$SPOTSIM place --strategy "$1" --tasks "$2" --format csv |
		awk -F, '$1 == "FARGATE" { f = $4 } $1 == "FARGATE_SPOT" { s = $4 } END { printf "%d+%d", f, s }'
}

e02() {
	d=$tmp/e02
	x=e02-predict-the-split
	reimport e02 $x
	run e02 $here/$x/scenario.json || return
	for v in base:1 desired-2:2 desired-3:3 desired-2-largest-weight:2w desired-3-largest-weight:3w \
		one-plus-two:fix; do
		name=${v%%:*}
		key=${v#*:}
		f=$(at $d "$name" 600 6)
		s=$(at $d "$name" 600 7)
		eval "split_$key=$f+$s"
		got e02 "spot_at_$key" "$s"
	done
	article="FARGATE:base=1:weight=1,FARGATE_SPOT:weight=2"
	for n in 1 2 3; do
		eval "want=\$split_$n"
		p=$(place "$article" $n)
		[ "$p" = "$want" ] || bad e02 "spotsim place gives $p at $n tasks, the run $want"
	done
	echo "E02 split of FARGATE base 1 weight 1 + FARGATE_SPOT weight 2 (FARGATE+SPOT):" \
		"desired 1 -> $split_1, 2 -> $split_2, 3 -> $split_3, not 1+2" \
		"(largest_weight ties: 2 -> $split_2w, 3 -> $split_3w);" \
		"FARGATE base 1 weight 0 + FARGATE_SPOT weight 1 -> $split_fix"
	check e02 $x
}

e03() {
	d=$tmp/e03
	run e03 $here/e03-lecture-savings/scenario.json || return
	f=$(calc "$(mean $d base task_hours_fargate) / 720" %.0f)
	s=$(calc "$(mean $d base task_hours_spot) / 720" %.0f)
	got e03 fargate_tasks "$f"
	got e03 spot_tasks "$s"
	p=$(place "FARGATE:base=2:weight=1,FARGATE_SPOT:weight=4" 10)
	[ "$p" = "$f+$s" ] || bad e03 "spotsim place gives $p at 10 tasks, the run $f+$s"
	for v in base spot-jan-2024 lesson-2-plus-8 all-fargate; do
		got e03 "cost_$v" "$(mean $d $v cost_usd)"
	done
	echo "E03 lecture check: desired 10 splits $f FARGATE + $s SPOT;" \
		"the lesson's 2+8 with Spot at 30 % \$$(usd "$(mean $d lesson-2-plus-8 cost_usd)")" \
		"($(calc "$(mean $d lesson-2-plus-8 savings_vs_on_demand_pct)" %.1f) %)," \
		"the real split \$$(usd "$(mean $d base cost_usd)") ($(calc "$(mean $d base savings_vs_on_demand_pct)" %.1f) %)," \
		"at the Jan-2024 Spot rate \$$(usd "$(mean $d spot-jan-2024 cost_usd)")" \
		"($(calc "$(mean $d spot-jan-2024 savings_vs_on_demand_pct)" %.1f) %);" \
		"all FARGATE \$$(usd "$(mean $d all-fargate cost_usd)") a month"
	check e03 e03-lecture-savings
}

e04() {
	d=$tmp/e04
	run e04 $here/e04-base-at-night/scenario.json || return
	oa=$(mean $d base outage_seconds)
	ob=$(mean $d B-fargate-base-1 outage_seconds)
	ca=$(mean $d base monthly_cost_usd)
	cb=$(mean $d B-fargate-base-1 monthly_cost_usd)
	got e04 outage_a "$oa"
	got e04 outage_b "$ob"
	got e04 b_minus_a_monthly "$(calc "$cb - $ca")"
	echo "E04 one task at night: zero healthy targets A (no base, Spot first) $(calc "$oa" %.0f) s," \
		"B (FARGATE base 1) $(calc "$ob" %.0f) s; B costs \$$(usd "$cb - $ca") a month more" \
		"(A \$$(usd "$ca"), B \$$(usd "$cb"))"
	check e04 e04-base-at-night
}

e05() {
	d=$tmp/e05
	run e05 $here/e05-stop-timeout/scenario.json || return
	rate=0.03039978 # a 2 vCPU / 4 GB Spot task-hour at the course's rates
	line="E05 graceful shutdown (10 interruptions a day):"
	for v in base:30 stop-120:120 stop-30-checkpoint-1m:30c stop-120-checkpoint-1m:120c; do
		name=${v%%:*}
		key=${v#*:}
		late=$(mean $d "$name" jobs_finished_after_notice_spot)
		rerun=$(mean $d "$name" jobs_rerun_spot)
		lost=$(mean $d "$name" lost_work_hours_spot)
		pct=$(calc "100 * $late / ($late + $rerun)" %.1f)
		got e05 "finished_pct_$key" "$pct"
		got e05 "rework_hours_$key" "$lost"
		flight="$(calc "$late" %.1f) of $(calc "$late + $rerun" %.1f) in-flight jobs a day ($pct %)"
		case $key in
		30) line="$line stopTimeout 30 s: $flight finish after the notice," ;;
		120) line="$line 120 s: $flight;" ;;
		esac
		eval "lost_$key=$lost"
	done
	echo "$line rework a day $(calc "$lost_30" %.2f) h (\$$(calc "$lost_30 * $rate" %.3f))" \
		"at 30 s, $(calc "$lost_120" %.2f) h at 120 s; with 1-minute checkpoints" \
		"$(calc "$lost_30c" %.2f) h and $(calc "$lost_120c" %.2f) h"
	check e05 e05-stop-timeout
}

e06() {
	d=$tmp/e06
	x=e06-step-scaling-module
	reimport e06 $x
	run e06 $here/$x/scenario.json || return
	six=$(awk -F, '$1 == "base" && $2 > 1800 && $6 >= 6 { print $2 - 1800; exit }' $d/timeseries.csv)
	day2=$(calc "$(at $d base 172800 16) - $(at $d base 86400 16)")
	fixed2=$(calc "$(at $d fixed-upper-bound-0 172800 16) - $(at $d fixed-upper-bound-0 86400 16)")
	nsa=$(mean $d base no_step_adjustment)
	got e06 seconds_to_6 "$six"
	got e06 pinned_daily_usd "$day2"
	got e06 fixed_daily_usd "$fixed2"
	got e06 pinned_tasks "$(at $d base 172800 5)"
	got e06 fixed_tasks "$(at $d fixed-upper-bound-0 172800 5)"
	got e06 no_step_adjustment "$nsa"
	echo "E06 step module: 6 tasks running ${six} s after the load step; with lower_bound = 0 it" \
		"stays at $(at $d base 172800 5) ($(calc "$nsa" %.0f) minutes of \"no step adjustment\" in 2 days)," \
		"\$$(usd "$day2") a day, against \$$(usd "$fixed2") with upper_bound = 0" \
		"(which stops at $(at $d fixed-upper-bound-0 172800 5): CPU 12 % is above the 10 % alarm)"
	check e06 $x
}

e07() {
	d=$tmp/e07
	x=e07-target-tracking-cpu-memory
	reimport e07 $x
	run e07 $here/$x/scenario.json || return
	for v in base memory-heavy min-0; do
		got e07 "tasks_$v" "$(at $d $v 172800 5)"
		got e07 "daily_usd_$v" "$(calc "$(at $d $v 172800 16) - $(at $d $v 86400 16)")"
	done
	got e07 outage_min_0 "$(mean $d min-0 outage_seconds)"
	echo "E07 target tracking on CPU and memory: the CPU-bound app settles at $(at $d base 172800 5) tasks" \
		"(\$$(usd "$(at $d base 172800 16) - $(at $d base 86400 16)") a day), the memory-heavy one at" \
		"$(at $d memory-heavy 172800 5) = max (\$$(usd "$(at $d memory-heavy 172800 16) - $(at $d memory-heavy 86400 16)") a day);" \
		"with min 0 it scales to 0 at night and never comes back" \
		"($(calc "$(mean $d min-0 outage_seconds)" %.0f) s with no task," \
		"$(calc "100 * $(mean $d min-0 dropped_fraction)" %.1f) % of requests dropped)"
	check e07 $x
}

e08() {
	d=$tmp/e08
	x=e08-backlog-per-task
	reimport e08 $x
	scaled=$($SPOTSIM scale $here/$x/policy-aws-example.json --running 10 --metric 150 |
		awk '$1 == "desired" { print $2 }')
	got e08 aws_example_tasks "$scaled"
	run e08 $here/$x/scenario.json || return
	peak=$(awk -F, '$1 == "base" && $2 > 50400 && $2 <= 64800 && $5 > m { m = $5 } END { print m }' \
		$d/timeseries.csv)
	m=$(mean $d base monthly_cost_usd)
	od=$(mean $d all-on-demand monthly_cost_usd)
	got e08 peak_tasks "$peak"
	got e08 monthly_usd "$m"
	got e08 on_demand_monthly_usd "$od"
	echo "E08 backlog per task: (i) target 10 s / 0.1 s = 100, 1,500 messages on 10 tasks -> $scaled tasks;" \
		"(ii) target 24 min / 8 min = 3, peak $peak tasks, \$$(calc "$m" %.0f) a month against" \
		"\$$(calc "$od" %.0f) all on-demand (-$(calc "100 * (1 - $m / $od)" %.1f) %)," \
		"$(calc "$(mean $d base jobs_rerun_spot)" %.1f) jobs a day re-run after Spot interruptions" \
		"($(calc "$(mean $d base jobs_rerun)" %.1f) with scale-in's)"
	check e08 $x
}

e09() {
	d=$tmp/e09a
	x=e09-scheduled-vs-reactive
	run e09a $here/$x/dev-fleet.json || return
	full=$(mean $d base cost_usd)
	week=$(mean $d weekdays-09-19 cost_usd)
	got e09 fleet_24x7_usd "$full"
	got e09 fleet_weekdays_usd "$week"
	d=$tmp/e09b
	run e09b $here/$x/burst.json || return
	for v in base pre-scale-0530 reactive-window-to-0500; do
		eval "drop_$(echo $v | tr - _)=$(calc "$(mean $d $v requests) * $(mean $d $v dropped_fraction)" %.0f)"
	done
	got e09 dropped_reactive "$drop_base"
	got e09 dropped_prescale "$drop_pre_scale_0530"
	echo "E09 scheduled vs reactive: (i) the dev fleet costs \$$(usd "$full") a month 24/7," \
		"\$$(usd "$week") on weekdays 09-19: saves \$$(usd "$full - $week") ($(calc "100 * (1 - $week / $full)" %.1f) %);" \
		"(ii) the 05:30 burst: reactive drops $drop_base requests" \
		"($(calc "$(mean $d base slo_violation_minutes)" %.0f) minutes over the SLO; max 0 holds until 06:00)," \
		"pre-scale at 05:30 $drop_pre_scale_0530 ($(calc "$(mean $d pre-scale-0530 slo_violation_minutes)" %.0f))," \
		"reactive with the window ending 05:00 $drop_reactive_window_to_0500" \
		"($(calc "$(mean $d reactive-window-to-0500 slo_violation_minutes)" %.0f))"
	check e09 $x
}

e10() {
	d=$tmp/e10
	run e10 $here/e10-cooldown-thrashing/scenario.json || return
	l="" b="" p=""
	for v in base tt-scale-in-300 step-1min-scale-in-60 step-1min-scale-in-300; do
		l="$l $(calc "$(mean $d $v tasks_launched_per_hour)" %.1f)"
		b="$b $(calc "$(mean $d $v billed_vcpu_hours)" %.2f)"
		p="$p $(calc "$(mean $d $v p95_job_latency_s)" %.0f)"
		got e10 "launched_per_hour_$v" "$(mean $d $v tasks_launched_per_hour)"
		got e10 "billed_vcpu_hours_$v" "$(mean $d $v billed_vcpu_hours)"
	done
	echo "E10 cooldowns (target tracking in 60 s, 300 s; 1-minute step pair in 60 s, 300 s):" \
		"tasks launched per hour$l; billed vCPU-hours$b; p95 queue latency (s)$p"
	check e10 e10-cooldown-thrashing
}

e11() {
	d=$tmp/e11
	run e11 $here/e11-load-test/scenario.json || return
	line="E11 load test (100/s for 600 s from 00:05):"
	for v in base:"step pair" target-tracking-70:"target tracking 70 %"; do
		name=${v%%:*}
		label=${v#*:}
		peak=$(awk -F, -v v="$name" '$1 == v && $5 > m { m = $5 } END { print m }' $d/timeseries.csv)
		back=$(awk -F, -v v="$name" '$1 == v && $2 > 300 { if ($14 != "" && $14 >= 1000) hi = 1;
			else if (hi && $14 != "" && $14 < 1000) { print $2 - 300; exit } }' $d/timeseries.csv)
		got e11 "peak_tasks_$name" "$peak"
		got e11 "seconds_to_p95_1s_$name" "$back"
		line="$line $label: $peak tasks at most, p95 back under 1 s ${back} s after the start,"
		line="$line the test cost \$$(calc "$(mean $d $name cost_usd)" %.4f);"
	done
	echo "${line%;}"
	check e11 e11-load-test
}

e12() {
	d=$tmp/e12
	run e12 $here/e12-spot-drought/scenario.json || return
	line="E12 Spot drought 12:00-12:30, load needing 8 tasks:"
	for v in base fargate-base-8 fallback-after-2m all-spot; do
		serving=$(awk -F, -v v=$v '$1 == v && $2 > 43200 && $2 <= 45000 { n = $6 + $7; if (m == "" || n < m) m = n } END { print m }' \
			$d/timeseries.csv)
		frac=$(awk -F, -v v=$v '$1 == v && $2 > 43200 && $2 <= 45000 { dr += $13; rq += $4 * 60 } END { printf "%.6f", dr / rq }' \
			$d/timeseries.csv)
		short=$((8 - serving))
		[ $short -lt 0 ] && short=0
		got e12 "shortfall_$v" "$short"
		got e12 "drought_dropped_$v" "$frac"
		got e12 "monthly_usd_$v" "$(mean $d $v monthly_cost_usd)"
		line="$line $v shortfall $short tasks at worst, $(calc "100 * $frac" %.1f) % dropped, \$$(usd "$(mean $d $v monthly_cost_usd)")/month;"
	done
	echo "${line%;}"
	check e12 e12-spot-drought
}

for e in e01 e02 e03 e04 e05 e06 e07 e08 e09 e10 e11 e12; do
	$e
done
[ -f "$tmp/failed" ] && fail=1
if [ $fail = 0 ]; then
	echo "course: 12 exercises, every hand computation matched"
else
	echo "course: some exercises failed (above)"
fi
exit $fail
