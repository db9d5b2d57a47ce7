#!/bin/sh
# selftest.sh — shows that layers.sh passes the tree as it is and fails on
# each kind of violation planted in a copy of it. Prints
# "lint-selftest: N passed, N failed".
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
tmp=$(mktemp -d) || exit 1
trap 'rm -rf "$tmp"' EXIT INT TERM
pass=0
fail=0

fresh() {
	rm -rf "$tmp/tree" && mkdir -p "$tmp/tree" && cp -R "$top/sim" "$top/include" "$tmp/tree/"
}

# expect NAME WANT-STATUS WANT-TEXT: runs the check on the copy
expect() {
	out=$(sh "$here/layers.sh" "$tmp/tree" 2>&1)
	st=$?
	if [ "$st" = "$2" ] && printf '%s\n' "$out" | grep -qF -- "$3"; then
		pass=$((pass + 1))
	else
		fail=$((fail + 1))
		echo "lint-selftest: $1: want status $2 and \"$3\", got $st:" >&2
		printf '%s\n' "$out" >&2
	fi
}

fresh
expect "the tree as it is" 0 ""

fresh
printf '#include "spotsim/output/report.h"\n' >>"$tmp/tree/sim/model/tasks.c"
expect "model includes output" 1 "sim/model/tasks.c:"

fresh
printf '#include "spotsim/scenario/scenario.h"\n' >>"$tmp/tree/include/spotsim/model/service.h"
expect "model header includes scenario" 1 "model layer includes spotsim/scenario/scenario.h"

fresh
printf '#include "spotsim/model/spot.h"\n' >>"$tmp/tree/sim/engine/evq.c"
expect "engine includes model" 1 "engine layer includes spotsim/model/spot.h"

fresh
printf '#include <cjson/cJSON.h>\n' >>"$tmp/tree/sim/model/workload.c"
expect "cJSON in the model" 1 "<cjson/cJSON.h> outside its adapter"

fresh
printf '#include <csv.h>\n' >>"$tmp/tree/sim/output/report.c"
expect "libcsv outside csvio" 1 "<csv.h> outside its adapter"

fresh
printf '#include <gsl/gsl_rng.h>\n' >>"$tmp/tree/sim/model/service.c"
expect "GSL in the scheduler" 1 "<gsl/gsl_rng.h> outside its adapter"

fresh
printf '#include "jsonio.h"\n' >>"$tmp/tree/sim/model/spot.c"
expect "private header from another folder" 1 "private header \"jsonio.h\""

# calls.sh: two objects that call each other form a circle; one-way calls do not
mkdir -p "$tmp/obj/model" "$tmp/obj2/model"
printf 'int b(void);\nint a(void) { return b(); }\n' >"$tmp/a.c"
printf 'int a(void);\nint b(void) { return a() + 1; }\n' >"$tmp/b.c"
printf 'int b(void) { return 1; }\n' >"$tmp/b2.c"
${CC:-cc} -c "$tmp/a.c" -o "$tmp/obj/model/a.o" && ${CC:-cc} -c "$tmp/b.c" -o "$tmp/obj/model/b.o" &&
	cp "$tmp/obj/model/a.o" "$tmp/obj2/model/a.o" && ${CC:-cc} -c "$tmp/b2.c" -o "$tmp/obj2/model/b.o"
if sh "$here/calls.sh" "$tmp/obj2" 2>/dev/null; then pass=$((pass + 1)); else
	fail=$((fail + 1)); echo "lint-selftest: one-way calls were reported as a circle" >&2; fi
if out=$(sh "$here/calls.sh" "$tmp/obj" 2>&1); then
	fail=$((fail + 1)); echo "lint-selftest: a circle of calls was not found" >&2
elif printf '%s\n' "$out" | grep -q "model/a"; then pass=$((pass + 1)); else
	fail=$((fail + 1)); echo "lint-selftest: the circle's message does not name the files: $out" >&2; fi

echo "lint-selftest: $pass passed, $fail failed"
[ "$fail" = 0 ]
