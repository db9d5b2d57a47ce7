# panels.gp -- the layout the time-series figures share (tasks, cost, cpu,
# latency, backlog): one panel per variant, stacked, on shared axes, the
# title and the key in a band at the top, the x axis under the last panel.
# Loaded after common.gp; not a figure itself.
#
# Parameters (spotsim plot passes them all):
#   data      the folder of series-I.csv, bands-I.csv, idle-I.csv,
#             intr-I.csv and scale-I.csv, I = 1 .. nv (their columns: see
#             sim/output/plot_timeseries.c)
#   nv        the number of variants; vlabelI the label of panel I
#   height, headpx, footpx   the canvas height and its top and bottom bands
#   xlo, xhi  the x range; xlab its label; clock 1 for clock time (x in
#             Unix seconds, ticks from xtstart every xtstep seconds, labelled
#             with the time format xtfmt)
#   anyint, anyoff, anyidle, anyscale   1 when some variant has
#             interruptions, Spot shortages, minutes when no task ran,
#             scaling activities (their key entries)
if (!exists("data")) data = "."
if (!exists("xlo")) xlo = 0
if (!exists("xhi")) xhi = 1
if (!exists("xtfmt")) xtfmt = "%a %d %b"
set datafile separator ","
set datafile nocolumnheaders

# The files of variant i.
series(i) = sprintf("%s/series-%d.csv", data, i)
bands(i) = sprintf("%s/bands-%d.csv", data, i)
idle(i) = sprintf("%s/idle-%d.csv", data, i)
intr(i) = sprintf("%s/intr-%d.csv", data, i)
scale(i) = sprintf("%s/scale-%d.csv", data, i)
# The top and bottom of panel i (screen fractions); 30 px between panels.
ph = (height - headpx - footpx) * 1.0 / nv
ptop(i) = 1.0 - (headpx + (i - 1) * ph + (i > 1 ? 30 : 0)) / height
pbot(i) = 1.0 - (headpx + i * ph) / height
# The x axis, shared by the panels; tick labels and label under the last.
if (clock) {
	set xdata time
	set timefmt "%s"
	if (exists("xtstep")) { set xtics xtstart, xtstep }
}
set xrange [xlo:xhi]
set lmargin at screen 0.075
set rmargin at screen 0.96
set key at screen 0.5, screen 1.0 - 34.0 / height center top horizontal maxrows 2 samplen 2 width 1
# Panel i: its place, its label, x tick labels on the last one, the key on the first.
panel(i) = sprintf("set tmargin at screen %.6f; set bmargin at screen %.6f; " . \
	"set label 1 word_label(%d) at graph 0, graph 1 offset 0, char 0.7 left front font ',11'; " . \
	"%s; %s", ptop(i), pbot(i), i, \
	i < nv ? "set format x ''; unset xlabel" : \
		(clock ? "set format x xtfmt timedate; set xlabel xlab" : \
			"set format x '%g'; set xlabel xlab"), \
	i > 1 ? "unset key" : "set key")
word_label(i) = exists(sprintf("vlabel%d", i)) ? value(sprintf("vlabel%d", i)) : ""
