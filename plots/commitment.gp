# commitment.gp -- expected monthly cost against the hourly commitment of a
# Compute Savings Plan (spotsim plan-commitment), one line per
# configuration, with the recommended and the scenario's own commitment
# marked on each.
#
# The data come from the hours the run recorded (hourly_usage.csv), reshaped
# by spotsim plan-commitment into a tab-separated file with one block per
# configuration, blocks separated by two blank lines. Each block starts with
# a header row whose first field is the configuration's name ("variant,
# key=value", with the term and payment when the curves differ in them, and
# "(same as ...)" for a curve identical to an earlier one), then one row per
# commitment:
#     commitment_usd_per_hour monthly_cost_usd
# markfile holds two blocks of the same columns: the recommended commitment
# of each configuration, then the scenario's own.
#
# Parameters: curvefile, markfile, nblocks, dts (the dash type of each
# curve, space-separated: 1 solid, 2 and up for a curve that repeats an
# earlier one), plan (the term and payment for the title, empty when the
# curves differ in it), plotdir, and term and outfile as in common.gp.
if (!exists("plotdir")) plotdir = "plots"
if (!exists("nblocks")) nblocks = 1
# the key lists the curves and the two marks, one a line, in a band of its
# own under the x label: the figure grows with it
keyrows = nblocks + 2
height = 470 + 18 * keyrows
load plotdir . "/common.gp"
if (!exists("curvefile")) curvefile = "commitment.tsv"
if (!exists("markfile")) markfile = "commitment-marks.tsv"
if (!exists("dts")) dts = ""
if (!exists("plan")) plan = ""
set datafile separator "\t"

if (plan eq "") {
	set title "Expected monthly cost against the Savings Plan commitment"
} else {
	set title sprintf("Expected monthly cost against the Savings Plan commitment (%s)", plan)
}
set xlabel "hourly commitment (USD per hour at Savings Plans rates)"
set ylabel "expected cost (USD per 30-day month)"
set format y "$%g"
set xrange [0:*]
set offsets 0, graph 0.02, graph 0.08, graph 0.08
set bmargin 4 + keyrows * 18.0 / 15
set key at screen 0.5, screen 0.01 center bottom vertical maxrows keyrows samplen 3 width 2 \
	Left reverse

dt_of(i) = words(dts) > i ? int(word(dts, i + 1)) : 1

plot \
	for [i = 0:nblocks - 1] curvefile index i using 1:2 with lines lt (i + 1) \
		dt dt_of(i) lw (dt_of(i) > 1 ? 2.5 : 2) title columnheader(1), \
	markfile index 0 using 1:2 with points pt 7 ps 1.6 lc rgb "#222222" \
		title "recommended commitment", \
	markfile index 1 using 1:2 with points pt 4 ps 1.8 lw 2 lc rgb "#d62728" \
		title "the scenario's commitment"
