#!/bin/sh
# layers.sh [ROOT] — checks that every #include in ROOT/sim and
# ROOT/include/spotsim runs down the layers of SPEC §2, and that third-party
# headers appear only in their adapters. Prints one line per violation
# ("file:line: what is wrong") and exits 1 when there is any, 0 otherwise.
#
#   cli        -> everything below
#   output     -> experiment, scenario, util
#   experiment -> scenario, model, engine, util
#   scenario   -> model, engine, util
#   model      -> engine, util
#   engine     -> util
#   util       -> (libc only)
#
# A quoted include without a folder ("jsonio.h") is a private header and
# must sit in the same folder as the file that includes it.
root=${1:-.}
cd "$root" || exit 2
files=$(find sim include/spotsim -type f \( -name '*.c' -o -name '*.h' \) 2>/dev/null | sort)
[ -n "$files" ] || { echo "layers: no sources under $root/sim or $root/include/spotsim" >&2; exit 2; }
# shellcheck disable=SC2086
awk '
BEGIN {
	allowed["util"] = " "
	allowed["engine"] = " util "
	allowed["model"] = " engine util "
	allowed["scenario"] = " model engine util "
	allowed["experiment"] = " scenario model engine util "
	allowed["output"] = " experiment scenario util "
	allowed["cli"] = " output experiment scenario model engine util "
	# third-party headers and the files (or folders) that may include them
	adapter["cjson"] = "sim/scenario/ include/spotsim/scenario/"
	adapter["csv"] = "sim/util/csvio.c"
	adapter["gsl"] = "sim/engine/rng.c sim/engine/dist.c sim/model/queueing.c sim/experiment/stats.c"
	bad = 0
}
FNR == 1 {
	n = split(FILENAME, part, "/")
	layer = (part[1] == "sim") ? part[2] : part[3]
	dir = FILENAME
	sub(/\/[^\/]*$/, "", dir)
	if (!(layer in allowed)) {
		printf "%s: not in a layer folder (util, engine, model, scenario, experiment, output, cli)\n", FILENAME
		bad = 1
	}
}
/^[ \t]*#[ \t]*include[ \t]*"/ {
	inc = $0
	sub(/^[^"]*"/, "", inc)
	sub(/".*$/, "", inc)
	if (inc ~ /^spotsim\//) {
		split(inc, ip, "/")
		to = ip[2]
		if (!(to in allowed)) {
			printf "%s:%d: %s is not in a layer folder\n", FILENAME, FNR, inc
			bad = 1
		} else if (to != layer && index(allowed[layer], " " to " ") == 0) {
			printf "%s:%d: %s layer includes %s: only %s may be included from %s\n", \
			    FILENAME, FNR, layer, inc, \
			    (allowed[layer] == " " ? "nothing" : substr(allowed[layer], 2, length(allowed[layer]) - 2)), layer
			bad = 1
		}
	} else if (inc !~ /\//) {
		if (system("test -f \"" dir "/" inc "\"") != 0) {
			printf "%s:%d: private header \"%s\" must sit beside the file that includes it\n", FILENAME, FNR, inc
			bad = 1
		}
	} else {
		printf "%s:%d: include \"%s\" as \"spotsim/<layer>/<module>.h\"\n", FILENAME, FNR, inc
		bad = 1
	}
}
/^[ \t]*#[ \t]*include[ \t]*</ {
	inc = $0
	sub(/^[^<]*</, "", inc)
	sub(/>.*$/, "", inc)
	lib = ""
	if (inc ~ /^cjson\// || inc == "cJSON.h") lib = "cjson"
	else if (inc == "csv.h") lib = "csv"
	else if (inc ~ /^gsl\//) lib = "gsl"
	if (lib != "") {
		ok = 0
		m = split(adapter[lib], where, " ")
		for (i = 1; i <= m; i++)
			if (FILENAME == where[i] || (where[i] ~ /\/$/ && index(FILENAME, where[i]) == 1))
				ok = 1
		if (!ok) {
			printf "%s:%d: <%s> outside its adapter (allowed in: %s)\n", FILENAME, FNR, inc, adapter[lib]
			bad = 1
		}
	}
}
END { exit bad }
' $files
