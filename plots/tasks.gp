# tasks.gp -- tasks running by capacity provider over time (one variant).
#
# Stacked areas: FARGATE running tasks, FARGATE_SPOT running tasks on top;
# the desired count as a line; the minutes when Fargate Spot capacity was
# unavailable (spot_available = 0) shaded over the whole height;
# SPOT_INTERRUPTION events marked above the curves.
#
# Parameters: ts = timeseries.csv, ev = events.csv, plotdir = this folder,
# optionally ymax (the largest task count), noff (minutes without Spot
# capacity), nint (interruptions), and those of common.gp.
if (!exists("plotdir")) plotdir = "plots"
load plotdir . "/common.gp"
if (!exists("ts")) ts = "timeseries.csv"
if (!exists("ev")) ev = "events.csv"

od(dummy) = isv(0) ? c("running_fargate") : NaN
all(dummy) = isv(0) ? c("running_fargate") + c("running_spot") : NaN
off(dummy) = isv(0) && c("spot_available") == 0
intr(dummy) = isv(0) && strcol("event") eq "SPOT_INTERRUPTION"

# spotsim plot passes these; computed here when the template runs alone.
if (!exists("ymax")) {
	stats ts using (isv(0) ? mx(c("desired"), all(0)) : NaN) name "T" nooutput
	ymax = exists("T_max") ? mx(T_max, 1) : 1
}
if (!exists("noff")) {
	stats ts using (off(0) ? 1 : 0) name "OFF" nooutput
	noff = exists("OFF_sum") ? OFF_sum : 0
}
if (!exists("nint")) {
	stats ev using (intr(0) ? 1 : 0) name "INT" nooutput
	nint = exists("INT_sum") ? INT_sum : 0
}

set title sprintf("Tasks running by capacity provider (%s)", variant)
set xlabel sprintf("time since start (%s)", tunit)
set ylabel "tasks"
set xrange [0:*]
set autoscale xfixmax
set yrange [0:ymax * 1.18]

# A minute's row describes the minute that ends at t_s: its box is centred
# half a minute earlier.
plot \
	ts using (t(0)):(0):(od(0)) with filledcurves lc rgb C_FARGATE title "running FARGATE", \
	ts using (t(0)):(od(0)):(all(0)) with filledcurves lc rgb C_SPOT \
		title "running FARGATE_SPOT", \
	ts using (t(0)):(isv(0) ? c("desired") : NaN) with steps lw 1.5 lc rgb C_DESIRED \
		title "desired", \
	ts using (tx(c("t_s") - 30)):(off(0) ? ymax * 1.18 : NaN):(60.0 / tscale) \
		with boxes fs transparent solid 0.3 noborder lc rgb C_SHADE \
		title (noff > 0 ? "Spot capacity unavailable" : ""), \
	ev using (t(0)):(intr(0) ? ymax * 1.09 : NaN) with points pt 11 ps 1.3 lc rgb C_EVENT \
		title (nint > 0 ? sprintf("Spot interruption (%d)", nint) : "")
