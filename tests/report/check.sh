#!/bin/sh
# Renders DIR/report.html in headless Chromium, as a person would open it,
# and checks what a person would notice first:
#   - the page loads without a JavaScript console error (any console
#     message at all: the page has no script);
#   - at 1,280 px wide the page has no horizontal scroll
#     (document.documentElement.scrollWidth <= innerWidth, measured on a
#     copy of the page with a small script added, read back with
#     --dump-dom);
#   - every variant of DIR/timeseries.csv has its panel in every
#     time-series figure (the <img> alt text names the panels, and the
#     figure's PNG is embedded);
#   - a screenshot is taken (DIR/report.png, non-empty), to be looked at.
# Prints the screenshot's path. Skips (exit 0) when Chromium is not
# installed (Debian: apt-get install chromium).
#
# usage: sh tests/report/check.sh DIR        (DIR holds report.html)
# env:   CHROMIUM  the browser to use (default: chromium on PATH)
set -u

if [ $# -ne 1 ]; then
	echo "usage: sh tests/report/check.sh DIR" >&2
	exit 2
fi
dir=$1
page="$dir/report.html"
if [ ! -s "$page" ]; then
	echo "check.sh: $page: no such file or empty (run spotsim plot $dir first)" >&2
	exit 1
fi

browser=${CHROMIUM:-}
if [ -z "$browser" ]; then
	for b in chromium chromium-browser; do
		if command -v "$b" >/dev/null 2>&1; then
			browser=$(command -v "$b")
			break
		fi
	done
fi
if [ -z "$browser" ]; then
	echo "skipped: chromium not installed (apt-get install chromium)"
	exit 0
fi

abs_dir=$(cd "$dir" && pwd)
shot="$abs_dir/report.png"
profile=$(mktemp -d "${TMPDIR:-/tmp}/spotsim-chromium.XXXXXX")
log="$profile/stderr.log"
trap 'rm -rf "$profile"' EXIT INT TERM
rm -f "$shot"

# The flags keep a headless run quiet on a machine without a network:
# no GPU, no sandbox (root in CI), no background or update traffic, and a
# fresh profile. --enable-logging=stderr makes console messages visible.
timeout 120 "$browser" --headless --no-sandbox --disable-gpu --disable-quic \
	--no-first-run --disable-background-networking --disable-component-update \
	--disable-sync --user-data-dir="$profile" --enable-logging=stderr --v=0 \
	--hide-scrollbars --screenshot="$shot" --window-size=1280,2000 \
	"file://$abs_dir/report.html" >/dev/null 2>"$log"
status=$?

# report.html has no script, so any console message (an uncaught
# exception, console.error, a blocked load) means something is wrong.
# Chromium logs each as '...:INFO:CONSOLE:LINE] "message", source: URL (LINE)',
# at level INFO for console.error too, so the level is not enough.
fail=0
if grep -E ':CONSOLE|Uncaught' "$log" >/dev/null; then
	echo "check.sh: $page: JavaScript console error:" >&2
	grep -E ':CONSOLE|Uncaught' "$log" >&2
	fail=1
fi
if [ ! -s "$shot" ] || [ "$(head -c 4 "$shot" | tail -c 3)" != PNG ]; then
	echo "check.sh: $page: chromium made no PNG screenshot (exit status $status):" >&2
	tail -n 5 "$log" >&2
	fail=1
fi

# No horizontal scroll at 1,280 px: a copy of the page reports its widths
# into its own DOM once loaded (images included).
probe="$profile/probe.html"
sed 's#</body>#<script>window.addEventListener("load",function(){var d=document.documentElement,p=document.createElement("p");p.id="spotsim-probe";p.textContent="widths "+d.scrollWidth+" "+window.innerWidth;document.body.appendChild(p);});</script></body>#' \
	"$page" >"$probe"
widths=$(timeout 120 "$browser" --headless --no-sandbox --disable-gpu --disable-quic \
	--no-first-run --disable-background-networking --disable-component-update \
	--disable-sync --user-data-dir="$profile/probe-profile" --hide-scrollbars \
	--window-size=1280,2000 --dump-dom "file://$probe" 2>/dev/null |
	sed -n 's/.*<p id="spotsim-probe">widths \([0-9]*\) \([0-9]*\)<.*/\1 \2/p')
if [ -z "$widths" ]; then
	echo "check.sh: $page: could not measure the page's width in chromium" >&2
	fail=1
else
	set -- $widths
	if [ "$1" -gt "$2" ]; then
		echo "check.sh: $page: scrolls sideways at 1280 px: the page is $1 px wide" >&2
		fail=1
	fi
fi

# Every variant's time series: each time-series figure names every variant
# of timeseries.csv among its panels (a name with a comma or a quote is
# CSV-quoted there and skipped by this check).
if [ -s "$dir/timeseries.csv" ]; then
	alts=$(grep -o '<img alt="[^"]*one panel per variant: [^"]*" src="data:image/png;base64,' "$page")
	if [ -z "$alts" ]; then
		echo "check.sh: $page: no time-series figure with one panel per variant" >&2
		fail=1
	fi
	tail -n +2 "$dir/timeseries.csv" | cut -d, -f1 | grep -v '"' | sort -u >"$profile/variants"
	while IFS= read -r v; do
		missing=$(printf '%s\n' "$alts" | grep -v -F -e ": $v," -e ", $v," -e ": $v\"" -e ", $v\"" | head -n 1)
		if [ -n "$alts" ] && [ -n "$missing" ]; then
			echo "check.sh: $page: variant $v has no panel in: ${missing%%\" src=*}\"" >&2
			fail=1
		fi
	done <"$profile/variants"
fi
if [ $fail -ne 0 ]; then
	exit 1
fi
echo "$shot"
