#!/usr/bin/env bash
# bench/run.sh: every comparison in bench/, one after the other, then
# bench/RESULTS.md (bench/report.sh): the machine, the date, and a table of
# medians and ratios against each target. `make bench` runs it;
# `make bench QUICK=1` (QUICK=1 here) runs a short version of every row.
#
# Each script measures sockplay and the tool a person would use instead in
# the same run, alternating them, and appends its rows to the results
# file; a script that fails or overruns its time leaves a "fail" row and
# the others still run. ONLY="tcp hexdump" runs some of them and keeps
# the other scripts' rows from bench/results.tsv (every row, with the
# script, time and commit it came from), each marked with its own run.
#
# The binary: SOCKPLAY=path for the headless rows (any build of
# cmd/sockplay or bench/sockplayprof), SOCKPLAY_GUI=path for the window
# rows; otherwise ./cmd/sockplay is built once (cgo, with the window) and
# used for both. SKIP_GUI=1 leaves the window rows out.
set -euo pipefail
cd "$(dirname "$0")/.."
export LC_ALL=C

QUICK=${QUICK:-0}
[ "$QUICK" = 0 ] && QUICK=
ALL="tcp messages udp many_clients relay pcap_overhead hexdump sockets ping window_start gui_soak"
ONLY=${ONLY:-$ALL}

work=$(mktemp -d "${TMPDIR:-/tmp}/sockplay-bench-run.XXXXXX")
trap 'rm -rf "$work"' EXIT
export BENCH_RESULTS=$work/results.tsv
export BENCH_SERIES=$work/series
: >"$BENCH_RESULTS"
began=$(date +%s)
commit=$(git rev-parse --short HEAD 2>/dev/null || echo unknown)
git status --porcelain --untracked-files=no -- . ":!bench/RESULTS.md" ":!bench/results.tsv" ":!bench/plots" 2>/dev/null | grep -q . && commit="$commit+changes"
export BENCH_STAMP="$(date -u '+%Y-%m-%d %H:%M') at $commit"

if [ -z "${SOCKPLAY:-}" ] || { [ -z "${SOCKPLAY_GUI:-}" ] && [ "${SKIP_GUI:-0}" != 1 ]; }; then
	echo "== building ./cmd/sockplay (cgo, with the window)"
	go build -o "$work/sockplay" ./cmd/sockplay
	SOCKPLAY=${SOCKPLAY:-$work/sockplay}
	SOCKPLAY_GUI=${SOCKPLAY_GUI:-$work/sockplay}
fi
export SOCKPLAY SOCKPLAY_GUI

# Per script: its settings (full, quick) and a time bound in seconds.
settings() {
	case "$1" in
	tcp) [ -n "$QUICK" ] && echo "SIZE=1G RUNS=3" || echo "SIZE=4G RUNS=5" ;;
	messages) [ -n "$QUICK" ] && echo "SECS=3 RUNS=3" || echo "SECS=10 RUNS=5" ;;
	udp) [ -n "$QUICK" ] && echo "SECS=3 RUNS=3" || echo "SECS=10 RUNS=5" ;;
	many_clients) echo "N=10000" ;; # about 2 s at the issue's size, so QUICK keeps it
	relay) [ -n "$QUICK" ] && echo "SIZE=1G RUNS=3" || echo "SIZE=4G RUNS=5" ;;
	pcap_overhead) [ -n "$QUICK" ] && echo "SIZE=256M RUNS=3 CHECK=0" || echo "SIZE=1G RUNS=5" ;;
	hexdump) [ -n "$QUICK" ] && echo "SIZE_MB=16 RUNS=3" || echo "SIZE_MB=100 RUNS=5" ;;
	sockets) [ -n "$QUICK" ] && echo "N=10000 RUNS=7" || echo "N=10000 RUNS=15" ;; # at 4,000 sockets start-up decided the row (1.10x ss)
	ping) [ -n "$QUICK" ] && echo "ROUNDS=1 COUNT=100" || echo "ROUNDS=3 COUNT=100" ;;
	window_start) [ -n "$QUICK" ] && echo "RUNS=3" || echo "RUNS=7" ;;
	gui_soak) [ -n "$QUICK" ] && echo "SECS=15 ROUNDS=1" || echo "SECS=60 ROUNDS=3" ;;
	esac
}
bound() {
	case "$1" in
	tcp | relay) [ -n "$QUICK" ] && echo 240 || echo 900 ;;
	gui_soak) [ -n "$QUICK" ] && echo 180 || echo 600 ;;
	*) [ -n "$QUICK" ] && echo 120 || echo 600 ;;
	esac
}

for name in $ONLY; do
	case " $ALL " in *" $name "*) ;; *) echo "bench/run.sh: no bench $name (have: $ALL)" >&2; exit 2 ;; esac
	case "$name" in window_start | gui_soak) [ "${SKIP_GUI:-0}" = 1 ] && continue ;; esac
	echo
	echo "== bench/$name.sh $(settings "$name")"
	t0=$(date +%s)
	# shellcheck disable=SC2046
	if env $(settings "$name") timeout -k 10 "$(bound "$name")" "bench/$name.sh" 2>&1 | tee "$work/$name.log"; then
		:
	fi
	rc=${PIPESTATUS[0]}
	if [ "$rc" != 0 ]; then
		why=$(grep -v '^RESULT' "$work/$name.log" | tail -1 | tr '\t' ' ')
		[ "$rc" = 124 ] && why="overran its $(bound "$name") s bound"
		printf '%s\t-\t-\t-\t-\tfail\t%s\t%s\t%s\n' "bench/$name.sh" "exit $rc: ${why:-no output}" "$name" "$BENCH_STAMP" >>"$BENCH_RESULTS"
	fi
	echo "   ($(($(date +%s) - t0)) s)"
done

mode=full
[ -n "$QUICK" ] && mode="quick (QUICK=1)"
if [ "$ONLY" != "$ALL" ] && [ -s bench/results.tsv ]; then
	# Keep the rows of the scripts not run now, in the order of ALL.
	mode="$mode, ONLY=\"$ONLY\" merged into the rows of earlier runs"
	merged=$work/merged.tsv
	: >"$merged"
	for name in $ALL; do
		case " $ONLY " in
		*" $name "*) awk -F'\t' -v n="$name" '$8 == n' "$BENCH_RESULTS" >>"$merged" ;;
		*) awk -F'\t' -v n="$name" '$8 == n' bench/results.tsv >>"$merged" ;;
		esac
	done
	BENCH_RESULTS=$merged
fi
cp "$BENCH_RESULTS" bench/results.tsv
bench/report.sh "$BENCH_RESULTS" "$BENCH_SERIES" "$mode" "$(($(date +%s) - began))" >bench/RESULTS.md
echo
echo "wrote bench/RESULTS.md ($(($(date +%s) - began)) s in all)"
