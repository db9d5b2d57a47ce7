# cost.gp -- cumulative cost over time by capacity provider, one panel per
# variant (replication 0).
#
# timeseries.csv only has the total (cost_usd_cum). spotsim plot splits it
# between the providers: each moment's share follows the task-minutes of
# each provider so far, scaled to replication 0's cost_fargate_usd and
# cost_spot_usd in replications.csv, so that the two areas always add up to
# the simulated total and end at those costs. A variant without them shows
# the total only. With a monthly budget, the budget spread evenly over 30
# days is a dashed line: a curve above it spends faster than the budget.
#
# Parameters: ymax (the largest cost), budget (USD a month, 0 = none),
# tscale and start (to turn x back into seconds since the start), plotdir,
# and those of common.gp and panels.gp.
if (!exists("plotdir")) plotdir = "plots"
load plotdir . "/common.gp"
load plotdir . "/panels.gp"
if (!exists("ymax")) ymax = 1
if (!exists("budget")) budget = 0
if (!exists("start")) start = 0

secs(x) = clock ? x - start : x * tscale
pace(x) = budget > 0 ? budget * secs(x) / (30 * 86400.0) : NaN
set ylabel "cost (USD)"
set yrange [0:ymax * 1.1]
set format y "$%g"
set samples 200
set multiplot title "Cumulative cost by capacity provider"
do for [i = 1:nv] {
	eval panel(i)
	plot \
		bands(i) using (($1 + $2) / 2):(ymax):1:2:(0):(ymax * 1.1) with boxxyerror \
			fs solid 1.0 noborder lc rgb C_BAND notitle, \
		series(i) using 1:(0):10 with filledcurves lc rgb C_FARGATE notitle, \
		series(i) using 1:10:9 with filledcurves lc rgb C_SPOT notitle, \
		series(i) using 1:9 with lines lw 1.5 lc rgb C_DESIRED notitle, \
		pace(x) with lines dt 2 lw 2 lc rgb C_EVENT notitle, \
		NaN with filledcurves lc rgb C_FARGATE title "spent on Fargate (on-demand, estimated)", \
		NaN with filledcurves lc rgb C_SPOT title "spent on Fargate Spot (estimated)", \
		NaN with lines lw 1.5 lc rgb C_DESIRED title "total cost", \
		NaN with lines dt 2 lw 2 lc rgb C_EVENT \
			title (budget > 0 ? sprintf("monthly budget %.0f USD, spread over 30 days", budget) : ""), \
		NaN with boxes fs solid 1.0 noborder lc rgb C_BAND \
			title (anyoff ? "no Fargate Spot capacity" : "")
}
unset multiplot
