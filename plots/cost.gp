# cost.gp -- cumulative cost over time by capacity provider (one variant,
# replication 0).
#
# timeseries.csv only has the total (cost_usd_cum). spotsim plot writes a
# small file with the total split between the providers: each minute's
# share follows the running task-minutes of each provider so far, weighted
# by that provider's cost per task-hour in replications.csv, so that the two
# areas always add up to the simulated total and end at replication 0's
# cost_fargate_usd and cost_spot_usd. When no split is known (split = 0)
# only the total is drawn.
#
# Parameters: costfile = CSV with the header t_s,fargate_usd,spot_usd,total_usd;
# split = 1 or 0; plotdir; and those of common.gp.
if (!exists("plotdir")) plotdir = "plots"
load plotdir . "/common.gp"
if (!exists("costfile")) costfile = "cost.csv"
if (!exists("split")) split = 1

set title sprintf("Cumulative cost by capacity provider (%s, replication 0)", variant)
set xlabel sprintf("time since start (%s)", tunit)
set ylabel "cost (USD)"
set xrange [0:*]
set autoscale xfixmax
set yrange [0:*]
set format y "$%g"

if (split) {
	plot \
		costfile using (t(0)):(0):"fargate_usd" with filledcurves lc rgb C_FARGATE \
			title "FARGATE (estimated split)", \
		costfile using (t(0)):"fargate_usd":"total_usd" with filledcurves lc rgb C_SPOT \
			title "FARGATE_SPOT (estimated split)", \
		costfile using (t(0)):"total_usd" with lines lw 1.5 lc rgb C_DESIRED \
			title "total (cost_usd_cum)"
} else {
	plot costfile using (t(0)):"total_usd" with lines lw 2 lc rgb C_DESIRED \
		title "total (cost_usd_cum)"
}
