# sweep.gp -- one metric against the swept value: the mean over the
# replications as a line per variant, its 95 % confidence interval as a
# band around it.
#
# The data come from summary.csv, reshaped by spotsim plot into a
# tab-separated file with one block per line (a variant, or a variant at
# one value of the other swept keys), blocks separated by two blank lines.
# Each block starts with a header row whose first field is the line's
# name, then one row per swept value, in order:
#     x mean ci95_low ci95_high x_text
# x is the swept value, or its position when the values are not numbers
# (categorical = 1: the axis is then labelled with x_text).
#
# Parameters: sweepfile, nblocks, metric, unit, xname (the swept JSON
# path), categorical, plotdir, an optional axis range and tick format
# (ylo, yhi, yfmt), the bounds of a share (ymin, ymax: 0 and 100), and
# term and outfile as in common.gp.
if (!exists("plotdir")) plotdir = "plots"
load plotdir . "/common.gp"
if (!exists("sweepfile")) sweepfile = "sweep.tsv"
if (!exists("nblocks")) nblocks = 1
if (!exists("metric")) metric = "metric"
if (!exists("unit")) unit = ""
if (!exists("xname")) xname = "swept value"
if (!exists("categorical")) categorical = 0
set datafile separator "\t"
# A share (0 to 100 %) stays within its bounds, margins included.
if (exists("ymin")) set yrange [ymin<*:*<ymax]
# Ranges given when the values barely differ (gnuplot would widen them by a percent).
if (exists("xlo")) set xrange [xlo:xhi]
if (exists("ylo")) set yrange [ylo:yhi]
if (exists("xfmt")) set format x xfmt
if (exists("yfmt")) set format y yfmt

set title sprintf("%s against %s (means with 95 %% intervals)", metric, xname)
set xlabel xname
set ylabel metric . (strlen(unit) > 0 ? " (" . unit . ")" : "")
set offsets graph 0.03, graph 0.03, graph 0.08, graph 0.08
set key maxrows 1

if (categorical) {
	plot \
		for [i = 0:nblocks - 1] sweepfile index i using 1:3:4 with filledcurves \
			fs transparent solid 0.18 lt (i + 1) notitle, \
		for [i = 0:nblocks - 1] sweepfile index i using 1:2:xtic(5) with linespoints \
			lt (i + 1) title columnheader(1)
} else {
	plot \
		for [i = 0:nblocks - 1] sweepfile index i using 1:3:4 with filledcurves \
			fs transparent solid 0.18 lt (i + 1) notitle, \
		for [i = 0:nblocks - 1] sweepfile index i using 1:2 with linespoints \
			lt (i + 1) title columnheader(1)
}
