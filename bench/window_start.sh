#!/usr/bin/env bash
# bench/window_start.sh: how long the window takes to come up, measured
# from outside as a person sees it: under Xvfb, from starting `sockplay`
# (no arguments) until its window is mapped, and until a pixel of the
# theme is drawn in it (the pixel at 8,8 is no longer black: the first
# frame). One cold run first (not counted), then RUNS (default 7) warm
# runs; medians. The binary re-executes itself once at start (to set
# FYNE_CACHE), which is counted. Target: first frame < 1.5 s warm.
#
# Usage: bench/window_start.sh   (needs Xvfb, xdotool, import, dbus-daemon;
#        RUNS=7; SOCKPLAY_GUI=path, else SOCKPLAY=path, else builds ./cmd/sockplay)
set -euo pipefail
cd "$(dirname "$0")/.."
bench_name=window_start
. bench/lib.sh
RUNS=${RUNS:-7}
need Xvfb xdotool import dbus-daemon
SOCKPLAY=${SOCKPLAY_GUI:-${SOCKPLAY:-}}
sp=$(sockplay_bin)

start_desktop # bench/lib.sh

run_one() { # prints "mapped_s drawn_s"
	local t0 app win= px= tm td
	t0=$(now)
	HOME="$bench_tmp/home" XDG_RUNTIME_DIR="$bench_tmp/run" "$sp" >"$bench_tmp/app.log" 2>&1 &
	app=$!
	for _ in $(seq 1500); do
		win=$(xdotool search --onlyvisible --name '^sockplay$' 2>/dev/null | head -n1) && [ -n "$win" ] && break
		sleep 0.01
	done
	[ -n "$win" ] || die "no window appeared: $(cat "$bench_tmp/app.log")"
	tm=$(elapsed "$t0")
	for _ in $(seq 500); do
		px=$(import -window "$win" -crop 1x1+8+8 txt:- 2>/dev/null | grep -o '#[0-9A-Fa-f]\{6\}' | head -1) || true
		[ -n "$px" ] && [ "$px" != "#000000" ] && break
		sleep 0.01
	done
	td=$(elapsed "$t0")
	[ -n "$px" ] && [ "$px" != "#000000" ] || die "the window stayed black"
	kill -TERM "$app" 2>/dev/null || true
	for p in $(pgrep -P "$app" 2>/dev/null); do kill -TERM "$p" 2>/dev/null || true; done
	wait "$app" 2>/dev/null || true
	sleep 0.3
	echo "$tm $td"
}

read -r cm cd < <(run_one)
printf 'cold   mapped %.3f s, first frame %.3f s\n' "$cm" "$cd"
: >"$bench_tmp/mapped"
: >"$bench_tmp/drawn"
for r in $(seq "$RUNS"); do
	read -r m d < <(run_one)
	echo "$m" >>"$bench_tmp/mapped"
	echo "$d" >>"$bench_tmp/drawn"
	printf 'warm %d mapped %.3f s, first frame %.3f s\n' "$r" "$m" "$d"
done
dm=$(median "$bench_tmp/drawn") mm=$(median "$bench_tmp/mapped")
result "the window: start to first frame, warm (Xvfb, measured from outside: window mapped, a theme pixel drawn)" \
	"$(printf '%.3f s (mapped at %.3f s); cold %.3f s' "$dm" "$mm" "$cd")" "-" "-" "< 1.5 s warm" "$(verdict "$dm" "<=" 1.5)" \
	"medians of $RUNS warm runs; pixel polled every ~50 ms"
