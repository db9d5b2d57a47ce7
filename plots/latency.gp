# latency.gp -- p95 request latency against the SLO (one variant).
#
# p95_ms per minute and the SLO's p95 latency as a dashed line when one is
# known. A few start-up or overload minutes can reach the request timeout,
# which would flatten everything else: the axis stops at three times the
# SLO (or the upper quartile when there is no SLO), and the minutes above
# it are drawn as marks on the top edge, with their count in the key.
#
# Parameters: ts = timeseries.csv, slo_ms = the SLO in ms (0 = none),
# plotdir, and those of common.gp.
if (!exists("plotdir")) plotdir = "plots"
load plotdir . "/common.gp"
if (!exists("ts")) ts = "timeseries.csv"
if (!exists("slo_ms")) slo_ms = 0

stats ts using (isv(0) ? c("p95_ms") : NaN) name "L" nooutput
lmax = exists("L_max") ? L_max : 1
ref = slo_ms > 0 ? slo_ms : (exists("L_up_quartile") ? L_up_quartile : lmax)
top = lmax > 3 * ref ? 3 * ref : lmax
top = mx(mx(top, slo_ms), 1) * 1.08
stats ts using (isv(0) && c("p95_ms") > top ? 1 : 0) name "HI" nooutput
nhigh = exists("HI_sum") ? HI_sum : 0

set title sprintf("p95 latency against the SLO (%s)", variant)
set xlabel sprintf("time since start (%s)", tunit)
set ylabel "p95 latency (ms)"
set xrange [0:*]
set autoscale xfixmax
set yrange [0:top]

plot \
	ts using (t(0)):(isv(0) ? c("p95_ms") : NaN) with lines lw 1 lc rgb C_FARGATE title "p95_ms", \
	(slo_ms > 0 ? slo_ms : NaN) with lines dt 2 lw 2 lc rgb C_EVENT \
		title (slo_ms > 0 ? sprintf("SLO p95 %g ms", slo_ms) : ""), \
	ts using (t(0)):(isv(0) && c("p95_ms") > top ? top * 0.975 : NaN) with points pt 9 ps 1 \
		lc rgb C_SCALE title (nhigh > 0 ? sprintf("minutes off the scale (%d)", nhigh) : "")
