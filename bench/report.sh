#!/usr/bin/env bash
# bench/report.sh RESULTS.tsv SERIES_DIR MODE SECONDS: writes the Markdown
# of bench/RESULTS.md to stdout from the rows the bench scripts left
# (see bench/lib.sh), with the machine's description and the date, and
# PNG plots of the series the scripts left when gnuplot is installed
# (into bench/plots/; without it the plots are skipped and it says so).
set -euo pipefail
cd "$(dirname "$0")/.."
results=$1 series=$2 mode=$3 secs=$4
export LC_ALL=C

cpu=$(awk -F: '/^model name/ { gsub(/^ +/, "", $2); print $2; exit }' /proc/cpuinfo 2>/dev/null || echo unknown)
mem=$(awk '/^MemTotal/ { printf "%.1f GiB", $2 / 1048576 }' /proc/meminfo 2>/dev/null || echo unknown)
os=$(. /etc/os-release 2>/dev/null && echo "${PRETTY_NAME:-}" || echo unknown)
socat_v=$(socat -V 2>/dev/null | awk '/socat version/ { print $3; exit }' || true)
commit=$(git rev-parse --short HEAD 2>/dev/null || echo unknown)
dirty=$(git status --porcelain --untracked-files=no -- . ":!bench/RESULTS.md" ":!bench/results.tsv" ":!bench/plots" 2>/dev/null | grep -q . && echo " (with uncommitted changes)" || true)

pass=$(awk -F'\t' '$6 == "pass"' "$results" | wc -l)
miss=$(awk -F'\t' '$6 == "miss"' "$results" | wc -l)
fail=$(awk -F'\t' '$6 == "fail"' "$results" | wc -l)
# The counts in words: "1 row meets its target, 1 misses it".
meet="$pass rows meet their target" misses="$miss miss it"
[ "$pass" -eq 1 ] && meet="1 row meets its target"
[ "$miss" -eq 1 ] && misses="1 misses it"

cat <<MD
# sockplay benchmarks

Written by \`make bench\` (bench/run.sh); do not edit by hand. Run: $mode, $(date -u '+%Y-%m-%d %H:%M UTC'), $((secs / 60)) min $((secs % 60)) s, sockplay at $commit$dirty.

Machine: $(nproc) cores ($cpu), $mem of memory, Linux $(uname -r) ($os), $(go version | awk '{ print $3 }'), socat ${socat_v:-?}.
This machine is shared: other work ran during the runs, so each row alternates sockplay with the
other tool in the same run and compares medians; compare ratios, not absolute times, across runs.

$meet, $misses, $fail could not run.

| what | sockplay | the other tool | ratio | target | result | note | run |
|---|---|---|---|---|---|---|---|
MD
awk -F'\t' '{
	for (i = 1; i <= 9; i++) gsub(/\|/, "\\|", $i)
	r = $6; if (r == "miss") r = "**miss**"; else if (r == "fail") r = "**fail**"
	printf "| %s | %s | %s | %s | %s | %s | %s | %s |\n", $1, $2, $3, $4, $5, r, $7, $9
}' "$results"
echo
echo "Ratios are the other tool's time over sockplay's (above 1: sockplay is faster), except where the row says otherwise."

echo
echo "## Plots"
echo
shopt -s nullglob
files=("$series"/*.dat)
old=(bench/plots/*.png)
if [ ${#files[@]} -eq 0 ] && [ ${#old[@]} -gt 0 ]; then
	echo "No row of this run left a series; the plots of an earlier run (see the window soak row's run):"
	echo
	for f in "${old[@]}"; do
		echo "![$(basename "$f" .png)](plots/$(basename "$f"))"
		echo
	done
elif [ ${#files[@]} -eq 0 ]; then
	echo "No row left a series to plot in this run."
elif command -v gnuplot >/dev/null; then
	mkdir -p bench/plots
	for f in "${files[@]}"; do
		name=$(basename "$f" .dat)
		title=$(head -1 "$f" | sed 's/^# *//')
		# A series file: "# title", "# xlabel|y1label|y2label", then x y1 [y2] rows.
		IFS='|' read -r xl y1 y2 < <(sed -n 2p "$f" | sed 's/^# *//')
		gnuplot <<GP
set terminal pngcairo size 900,420
set output "bench/plots/$name.png"
set title "$title"
set xlabel "$xl"
set ylabel "$y1"
${y2:+set y2label "$y2"; set y2tics; set ytics nomirror}
plot "$f" using 1:2 with lines title "$y1"${y2:+, "$f" using 1:3 axes x1y2 with lines title "$y2"}
GP
		echo "![$title](plots/$name.png)"
		echo
	done
else
	echo "Skipped: gnuplot is not installed here (\`apt-get install gnuplot-nox\` adds it). The numbers behind them:"
	echo
	for f in "${files[@]}"; do
		echo "- $(head -1 "$f" | sed 's/^# *//'): $(grep -vc '^#' "$f") points, min/median/max of the second column $(grep -v '^#' "$f" | awk '{print $2}' | sort -g | awk '{v[NR]=$1} END { if (NR) printf "%s / %s / %s", v[1], v[int((NR+1)/2)], v[NR] }')"
	done
fi
echo
echo "Reproduce: \`make bench\` (about 15 minutes) or \`make bench QUICK=1\` (about 3); one row: \`bench/tcp.sh\` and the others in bench/, described in bench/README.md."
