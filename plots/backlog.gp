# backlog.gp -- queue backlog over time (one variant): the visible messages
# at each minute, with SPOT_INTERRUPTION events marked along the bottom
# (interrupted workers return their jobs to the queue).
#
# Parameters: ts = timeseries.csv, ev = events.csv, optionally nint (the
# number of interruptions), plotdir, and those of common.gp.
if (!exists("plotdir")) plotdir = "plots"
load plotdir . "/common.gp"
if (!exists("ts")) ts = "timeseries.csv"
if (!exists("ev")) ev = "events.csv"

stats ts using (isv(0) ? c("backlog") : NaN) name "B" nooutput
bmax = exists("B_max") ? mx(B_max, 1) : 1
if (!exists("nint")) {
	stats ev using (isv(0) && strcol("event") eq "SPOT_INTERRUPTION" ? 1 : 0) name "INT" nooutput
	nint = exists("INT_sum") ? INT_sum : 0
}

set title sprintf("Queue backlog (%s)", variant)
set xlabel sprintf("time since start (%s)", tunit)
set ylabel "messages in the queue"
set xrange [0:*]
set autoscale xfixmax
set yrange [0:bmax * 1.05]

plot \
	ts using (t(0)):(0):(isv(0) ? c("backlog") : NaN) with filledcurves lc rgb C_FARGATE \
		title "backlog", \
	ev using (t(0)):(isv(0) && strcol("event") eq "SPOT_INTERRUPTION" ? 0 : NaN):(0):(bmax * 0.04) \
		with vectors nohead lw 2 lc rgb C_EVENT \
		title (nint > 0 ? sprintf("Spot interruption (%d)", nint) : "")
