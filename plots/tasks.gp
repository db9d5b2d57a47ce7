# tasks.gp -- tasks running by capacity provider over time, one panel per
# variant (replication 0).
#
# Stacked areas: tasks running on Fargate (on-demand), tasks running on
# Fargate Spot on top; the desired count as a line; the times when Fargate
# Spot had no capacity (spot_available = 0) as bands behind the data; Spot
# interruptions as triangles above the curves.
#
# Parameters: ymax (the largest task count of any variant), plotdir, and
# those of common.gp and panels.gp.
if (!exists("plotdir")) plotdir = "plots"
load plotdir . "/common.gp"
load plotdir . "/panels.gp"
if (!exists("ymax")) ymax = 10

set ylabel "tasks"
set yrange [0:ymax * 1.18]
set multiplot title "Tasks running by capacity provider"
do for [i = 1:nv] {
	eval panel(i)
	plot \
		bands(i) using (($1 + $2) / 2):(ymax):1:2:(0):(ymax * 1.18) with boxxyerror \
			fs solid 1.0 noborder lc rgb C_BAND notitle, \
		series(i) using 1:(0):2 with filledcurves lc rgb C_FARGATE notitle, \
		series(i) using 1:2:4 with filledcurves lc rgb C_SPOT notitle, \
		series(i) using 1:5 with steps lw 1.5 lc rgb C_DESIRED notitle, \
		intr(i) using 1:(ymax * 1.09) with points pt 11 ps 1.3 lc rgb C_EVENT notitle, \
		NaN with filledcurves lc rgb C_FARGATE title "running on Fargate (on-demand)", \
		NaN with filledcurves lc rgb C_SPOT title "running on Fargate Spot", \
		NaN with lines lw 1.5 lc rgb C_DESIRED title "desired tasks", \
		NaN with boxes fs solid 1.0 noborder lc rgb C_BAND \
			title (anyoff ? "no Fargate Spot capacity" : ""), \
		NaN with points pt 11 ps 1.3 lc rgb C_EVENT \
			title (anyint ? "Spot interruption" : "")
}
unset multiplot
