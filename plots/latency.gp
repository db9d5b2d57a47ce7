# latency.gp -- p95 request latency against the SLO, one panel per variant
# (replication 0).
#
# Each point is the worst minute's p95 latency of the minutes it sums up;
# the SLO's p95 latency is a dashed line when one is known. A few start-up
# or overload minutes can reach the request timeout, which would flatten
# everything else: spotsim plot stops the axis at `top`, 1.15 times the
# larger of the SLO and the 99th percentile of the points of every
# variant, and the points above it are drawn as diamonds on the top edge.
# The times without Fargate Spot capacity are bands behind the data, and
# in grey on top of them the times when no task ran: there the line
# breaks, as no request was served (an empty latency is not a good one).
#
# Parameters: slo_ms = the SLO in ms (0 = none), top, nhigh (points above
# top), plotdir, and those of common.gp and panels.gp.
if (!exists("plotdir")) plotdir = "plots"
load plotdir . "/common.gp"
load plotdir . "/panels.gp"
if (!exists("slo_ms")) slo_ms = 0
if (!exists("top")) top = 1000
if (!exists("nhigh")) nhigh = 0

set ylabel "p95 latency (ms)"
set yrange [0:top]
set multiplot title "p95 request latency against the SLO"
do for [i = 1:nv] {
	eval panel(i)
	plot \
		bands(i) using (($1 + $2) / 2):(top / 2):1:2:(0):(top) with boxxyerror \
			fs solid 1.0 noborder lc rgb C_BAND notitle, \
		idle(i) using (($1 + $2) / 2):(top / 2):1:2:(0):(top) with boxxyerror \
			fs solid 1.0 noborder lc rgb C_IDLE notitle, \
		series(i) using 1:7 with lines lw 1 lc rgb C_FARGATE title "p95 latency", \
		(slo_ms > 0 ? slo_ms : NaN) with lines dt 2 lw 2 lc rgb C_EVENT \
			title (slo_ms > 0 ? sprintf("SLO: p95 under %g ms", slo_ms) : ""), \
		series(i) using 1:($7 > top ? top * 0.975 : NaN) with points pt 13 ps 0.9 \
			lc rgb C_SCALE notitle, \
		NaN with points pt 13 ps 0.9 lc rgb C_SCALE \
			title (nhigh > 0 ? sprintf("beyond the axis (%d points)", nhigh) : ""), \
		NaN with boxes fs solid 1.0 noborder lc rgb C_BAND \
			title (anyoff ? "no Fargate Spot capacity" : ""), \
		NaN with boxes fs solid 1.0 noborder lc rgb C_IDLE \
			title (anyidle ? "no task running" : "")
}
unset multiplot
