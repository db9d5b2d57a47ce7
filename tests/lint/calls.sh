#!/bin/sh
# calls.sh OBJDIR — checks that no circle runs through the source files: for
# every object under OBJDIR/<layer>/, which other objects define the symbols
# it uses; the file-level graph must have no cycle (tsort finds one). Prints
# the files on a cycle and exits 1 when there is one, 0 otherwise.
objdir=${1:-build/obj}
[ -d "$objdir" ] || { echo "calls: no objects in $objdir (build first)" >&2; exit 2; }
tmp=$(mktemp -d) || exit 2
trap 'rm -rf "$tmp"' EXIT INT TERM
for o in "$objdir"/*/*.o; do
	f=${o#"$objdir"/}
	f=${f%.o}
	nm --defined-only -g "$o" | awk -v f="$f" 'NF == 3 { print $3, f }' >>"$tmp/def"
	nm -u "$o" | awk -v f="$f" '{ print $NF, f }' >>"$tmp/use"
	echo "$f $f" >>"$tmp/edges"
done
sort -k1,1 "$tmp/def" >"$tmp/def.s"
sort -k1,1 "$tmp/use" >"$tmp/use.s"
# edges "user definer" for every symbol one object uses and another defines
join "$tmp/use.s" "$tmp/def.s" | awk '$2 != $3 { print $2, $3 }' | sort -u >>"$tmp/edges"
if ! tsort "$tmp/edges" >/dev/null 2>"$tmp/err"; then
	echo "calls: the source files call each other in a circle:" >&2
	grep -v 'input contains a loop' "$tmp/err" | sed 's/^tsort: /  /' >&2
	exit 1
fi
exit 0
