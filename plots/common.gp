# common.gp -- what every spotsim plot template shares: the terminal, the
# data format, the colours and the panels of the time-series figures.
# Loaded by each template; not a figure itself. spotsim plot runs the
# templates (gnuplot 5.4 or later), all figures of a format in one gnuplot
# process, each in a fresh session; the time-series ones also load
# panels.gp.
#
# Parameters (gnuplot -e "name='value'; ..."), all optional:
#   term      'png' (pngcairo when this gnuplot has it, else png) or 'svg'
#   outfile   the image to write (default: plot.png or plot.svg)
#   variant   the variant whose time series is drawn (default 'base')
#   prefiltered  1 when the files hold that variant's rows only
#   tscale    seconds per unit of the time axis (default 3600 = hours)
#   tunit     the unit's name for the axis label (default 'hours')

if (!exists("term")) term = "png"
if (!exists("outfile")) outfile = "plot." . term
if (!exists("variant")) variant = "base"
if (!exists("tscale")) tscale = 3600
if (!exists("tunit")) tunit = "hours"
if (!exists("height")) height = 520
if (!exists("nv")) nv = 1
if (!exists("headpx")) headpx = 78
if (!exists("footpx")) footpx = 62
if (!exists("clock")) clock = 0
if (!exists("xlab")) xlab = "time"
if (!exists("anyint")) anyint = 0
if (!exists("anyoff")) anyoff = 0
if (!exists("anyidle")) anyidle = 0
if (!exists("anyscale")) anyscale = 0

if (term eq "svg") {
	set terminal svg size 1100,height font "Helvetica,13" background "#ffffff" noenhanced
} else {
	if (strstrt(GPVAL_TERMINALS, "pngcairo") > 0) {
		set terminal pngcairo size 1100,height font "Helvetica,11" background "#ffffff" noenhanced
	} else {
		set terminal png size 1100,height background "#ffffff" noenhanced
	}
}
set output outfile

set datafile separator ","
# Columns are read by the names of the header row, never by position.
set datafile columnheaders
set border 3 lc rgb "#444444"
set tics nomirror textcolor rgb "#333333"
set grid xtics ytics lc rgb "#e4e4e4" lw 1 dt solid
# The key sits in a band of its own under the x label, so that it never
# covers data or the axis label.
set bmargin 6
set key at screen 0.5, screen 0.012 center bottom horizontal maxrows 2 samplen 2 width 1
set style fill solid 0.85 noborder

# Colours: on-demand, Spot, the desired count, events, shading (Spot
# shortages, and the minutes when no task ran).
C_FARGATE = "#1f6fb4"
C_SPOT = "#f28e2b"
C_DESIRED = "#222222"
C_EVENT = "#d62728"
C_SCALE = "#6a3d9a"
C_SHADE = "#555555"
C_LINE = "#2ca02c"
C_BAND = "#f4b6b6"
C_IDLE = "#bdbdbd"
# One colour per variant (linetype i + 1 is the i-th variant).
set linetype 1 lc rgb "#1f6fb4" lw 1.5 pt 7
set linetype 2 lc rgb "#f28e2b" lw 1.5 pt 5
set linetype 3 lc rgb "#2ca02c" lw 1.5 pt 9
set linetype 4 lc rgb "#d62728" lw 1.5 pt 11
set linetype 5 lc rgb "#9467bd" lw 1.5 pt 13
set linetype 6 lc rgb "#8c564b" lw 1.5 pt 7
set linetype 7 lc rgb "#e377c2" lw 1.5 pt 5
set linetype 8 lc rgb "#7f7f7f" lw 1.5 pt 9
set linetype cycle 8

# Elapsed time of a t_s value on the time axis.
tx(s) = s / tscale
# True for a row of the drawn variant (timeseries.csv and events.csv); always
# with prefiltered = 1, for files that hold that variant's rows only.
if (!exists("prefiltered")) prefiltered = 0
isv(dummy) = prefiltered || strcol("variant") eq variant
# A column of the row by its header name; empty fields are NaN.
c(name) = column(name)
# The time axis value of the row.
t(dummy) = tx(column("t_s"))
mx(a, b) = a > b ? a : b

