# cpu.gp -- CPU utilization against the scaling target, one panel per
# variant (replication 0).
#
# The mean CPU utilization of each point; each target-tracking target on
# CPU as a dashed line, each step-scaling alarm threshold on CPU as a
# dotted one; scaling activities as marks along the bottom; the times
# without Fargate Spot capacity as bands behind the data, and in grey on
# top of them the times when no task ran, where the line breaks: there is
# no CPU utilization to draw.
#
# Parameters: targets and thresholds = the CPU values separated by spaces
# (may be empty), plotdir, and those of common.gp and panels.gp.
if (!exists("plotdir")) plotdir = "plots"
load plotdir . "/common.gp"
load plotdir . "/panels.gp"
if (!exists("targets")) targets = ""
if (!exists("thresholds")) thresholds = ""
# gnuplot evaluates an iteration's expression once even when it is empty.
tv(i) = i <= words(targets) ? real(word(targets, i)) : NaN
av(i) = i <= words(thresholds) ? real(word(thresholds, i)) : NaN

set ylabel "CPU utilization (%)"
set yrange [0:105]
set multiplot title "CPU utilization against the scaling target"
do for [i = 1:nv] {
	eval panel(i)
	plot \
		bands(i) using (($1 + $2) / 2):(50):1:2:(0):(105) with boxxyerror \
			fs solid 1.0 noborder lc rgb C_BAND notitle, \
		idle(i) using (($1 + $2) / 2):(50):1:2:(0):(105) with boxxyerror \
			fs solid 1.0 noborder lc rgb C_IDLE notitle, \
		series(i) using 1:6 with lines lw 1 lc rgb C_FARGATE title "CPU utilization", \
		for [k = 1:words(targets)] tv(k) with lines dt 2 lw 2 lc rgb C_LINE \
			title sprintf("target %s %%", word(targets, k)), \
		for [k = 1:words(thresholds)] av(k) with lines dt 3 lw 2 lc rgb C_EVENT \
			title sprintf("step alarm threshold %s %%", word(thresholds, k)), \
		scale(i) using 1:(0):(0):(6) with vectors nohead lw 1 lc rgb C_SCALE notitle, \
		NaN with lines lw 1 lc rgb C_SCALE title (anyscale ? "scaling activity" : ""), \
		NaN with boxes fs solid 1.0 noborder lc rgb C_BAND \
			title (anyoff ? "no Fargate Spot capacity" : ""), \
		NaN with boxes fs solid 1.0 noborder lc rgb C_IDLE \
			title (anyidle ? "no task running" : "")
}
unset multiplot
