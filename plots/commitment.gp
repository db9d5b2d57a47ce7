# commitment.gp -- expected monthly cost against the hourly commitment of a
# Compute Savings Plan (spotsim plan-commitment), one line per
# configuration, with the recommended commitment marked.
#
# The data come from the hours the run recorded (hourly_usage.csv), reshaped
# by spotsim plan-commitment into a tab-separated file with one block per
# configuration, blocks separated by two blank lines. Each block starts with
# a header row whose first field is the configuration's name, then one row
# per commitment:
#     commitment_usd_per_hour monthly_cost_usd
# bestfile holds a header row, then the recommended commitment and its
# monthly cost of each configuration.
#
# Parameters: curvefile, bestfile, nblocks, plan (the term and payment, for
# the title), plotdir, and term and outfile as in common.gp.
if (!exists("plotdir")) plotdir = "plots"
load plotdir . "/common.gp"
if (!exists("curvefile")) curvefile = "commitment.tsv"
if (!exists("bestfile")) bestfile = "commitment-best.tsv"
if (!exists("nblocks")) nblocks = 1
if (!exists("plan")) plan = ""
set datafile separator "\t"

set title sprintf("Expected monthly cost against the Savings Plan commitment (%s)", plan)
set xlabel "hourly commitment (USD per hour at Savings Plans rates)"
set ylabel "expected cost (USD per 30-day month)"
set format y "$%g"
set offsets graph 0.02, graph 0.02, graph 0.08, graph 0.08
set key maxrows 1

plot \
	for [i = 0:nblocks - 1] curvefile index i using 1:2 with lines lt (i + 1) lw 2 \
		title columnheader(1), \
	bestfile using 1:2 with points pt 7 ps 1.6 lc rgb "#222222" title "recommended"
