# cpu.gp -- CPU utilization against the scaling target (one variant).
#
# cpu_pct over time; each target-tracking target on CPU as a dashed line,
# each step-scaling alarm threshold on CPU as a dotted one; SCALING_ACTIVITY
# events as marks along the bottom.
#
# Parameters: ts = timeseries.csv, ev = events.csv, targets and thresholds
# = the CPU values separated by spaces (may be empty), optionally nscale (the
# number of scaling activities), plotdir, and those of common.gp.
if (!exists("plotdir")) plotdir = "plots"
load plotdir . "/common.gp"
if (!exists("ts")) ts = "timeseries.csv"
if (!exists("ev")) ev = "events.csv"
if (!exists("targets")) targets = ""
if (!exists("thresholds")) thresholds = ""
# gnuplot evaluates an iteration's expression once even when it is empty.
tv(i) = i <= words(targets) ? real(word(targets, i)) : NaN
av(i) = i <= words(thresholds) ? real(word(thresholds, i)) : NaN

if (!exists("nscale")) {
	stats ev using (isv(0) && strcol("event") eq "SCALING_ACTIVITY" ? 1 : 0) name "SA" nooutput
	nscale = exists("SA_sum") ? SA_sum : 0
}

set title sprintf("CPU utilization against the scaling target (%s)", variant)
set xlabel sprintf("time since start (%s)", tunit)
set ylabel "CPU utilization (%)"
set xrange [0:*]
set autoscale xfixmax
set yrange [0:100<*]

plot \
	ts using (t(0)):(isv(0) ? c("cpu_pct") : NaN) with lines lw 1 lc rgb C_FARGATE \
		title "cpu_pct", \
	for [i = 1:words(targets)] tv(i) with lines dt 2 lw 2 lc rgb C_LINE \
		title sprintf("target %s %%", word(targets, i)), \
	for [i = 1:words(thresholds)] av(i) with lines dt 3 lw 2 lc rgb C_EVENT \
		title sprintf("step alarm threshold %s %%", word(thresholds, i)), \
	ev using (t(0)):(isv(0) && strcol("event") eq "SCALING_ACTIVITY" ? 0 : NaN):(0):(4) \
		with vectors nohead lw 1 lc rgb C_SCALE \
		title (nscale > 0 ? sprintf("scaling activity (%d)", nscale) : "")
