# backlog.gp -- queue backlog over time, one panel per variant
# (replication 0): the largest number of visible messages of each point's
# minutes, with Spot interruptions marked along the bottom (interrupted
# workers return their jobs to the queue) and the times without Fargate
# Spot capacity as bands behind the data.
#
# Parameters: ymax (the largest backlog), plotdir, and those of common.gp
# and panels.gp.
if (!exists("plotdir")) plotdir = "plots"
load plotdir . "/common.gp"
load plotdir . "/panels.gp"
if (!exists("ymax")) ymax = 1

set ylabel "messages in the queue"
set yrange [0:ymax * 1.05]
set multiplot title "Queue backlog"
do for [i = 1:nv] {
	eval panel(i)
	plot \
		bands(i) using (($1 + $2) / 2):(ymax / 2):1:2:(0):(ymax * 1.05) with boxxyerror \
			fs solid 1.0 noborder lc rgb C_BAND notitle, \
		series(i) using 1:(0):8 with filledcurves lc rgb C_FARGATE notitle, \
		intr(i) using 1:(0):(0):(ymax * 0.05) with vectors nohead lw 2 lc rgb C_EVENT notitle, \
		NaN with filledcurves lc rgb C_FARGATE title "messages waiting", \
		NaN with lines lw 2 lc rgb C_EVENT title (anyint ? "Spot interruption" : ""), \
		NaN with boxes fs solid 1.0 noborder lc rgb C_BAND \
			title (anyoff ? "no Fargate Spot capacity" : "")
}
unset multiplot
