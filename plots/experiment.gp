# experiment.gp -- cost over the run against the share of minutes meeting
# the SLO ("availability" in the CSV files), one point per configuration,
# one colour per variant, with the 95 % confidence intervals of both means
# as error bars.
#
# The data come from summary.csv, reshaped by spotsim plot into a
# tab-separated file with one block per variant (blocks separated by two
# blank lines). Each block starts with a header row whose first field is
# the variant's name, then one row per sweep point:
#     cost_mean cost_low cost_high availability_mean availability_low
#     availability_high label
# where label is the sweep point ("" without a sweep).
#
# Parameters: expfile, nblocks (number of variants), cost_unit,
# availability_unit, cost_label, availability_label (the axis names), title,
# labels (1 to write the labels), plotdir, optional axis ranges and tick
# formats (xlo, xhi, ylo, yhi, xfmt, yfmt), the bounds of the share (ymin,
# ymax: 0 and 100), and term and outfile as in common.gp.
if (!exists("plotdir")) plotdir = "plots"
load plotdir . "/common.gp"
if (!exists("expfile")) expfile = "experiment.tsv"
if (!exists("nblocks")) nblocks = 1
if (!exists("cost_unit")) cost_unit = "USD"
if (!exists("availability_unit")) availability_unit = ""
if (!exists("cost_label")) cost_label = "Cost over the run"
if (!exists("availability_label")) availability_label = "Minutes meeting the SLO"
if (!exists("labels")) labels = 0
set datafile separator "\t"
# The share stays within 0 .. 100 %, margins included.
if (exists("ymin")) set yrange [ymin<*:*<ymax]
# Ranges given when the values barely differ (gnuplot would widen them by a percent).
if (exists("xlo")) set xrange [xlo:xhi]
if (exists("ylo")) set yrange [ylo:yhi]
if (exists("xfmt")) set format x xfmt
if (exists("yfmt")) set format y yfmt

unit(u) = strlen(u) > 0 ? " (" . u . ")" : ""
if (!exists("title")) title = cost_label . " against " . availability_label
set title title
set xlabel cost_label . unit(cost_unit)
set ylabel availability_label . unit(availability_unit)
set offsets graph 0.08, graph 0.08, graph 0.1, graph 0.1
set key maxrows 1

if (labels) {
	plot \
		for [i = 0:nblocks - 1] expfile index i using 1:4:2:3:5:6 with xyerrorbars \
			lt (i + 1) ps 1.2 title columnheader(1), \
		for [i = 0:nblocks - 1] expfile index i using 1:4:7 with labels left \
			offset char 0.8, char 0.6 font ",9" tc lt (i + 1) notitle
} else {
	plot for [i = 0:nblocks - 1] expfile index i using 1:4:2:3:5:6 with xyerrorbars \
		lt (i + 1) ps 1.4 title columnheader(1)
}
