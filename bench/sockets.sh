#!/usr/bin/env bash
# bench/sockets.sh: with N (default 10,000) TCP connections open on
# loopback (20,000 sockets, each end held by one bench/sockets_conns
# process), time
# `sockplay sockets -tanp` against `ss -tanp` and `sockplay sockets -tan`
# against `ss -tan` in one run, interleaved so load from others hits both
# alike. Each is run RUNS times (default 15), output to /dev/null; the
# median wall time is shown with its ratio. The Go binary's start-up is
# part of what is timed, as it is for a person typing the command.
# Targets: with processes <= 1.5x ss -tanp; without <= 1.0x ss -tan.
#
# Usage: bench/sockets.sh   (from anywhere in the repo; needs go, ss, python3)
set -euo pipefail
cd "$(dirname "$0")/.."
bench_name=sockets
. bench/lib.sh

N=${N:-10000}
RUNS=${RUNS:-15}
export LC_ALL=C

for tool in go ss python3; do
	command -v "$tool" >/dev/null || { echo "bench/sockets.sh: $tool is not installed" >&2; exit 1; }
done
ulimit -n $((N + 1024)) 2>/dev/null || ulimit -n "$(ulimit -Hn)"

tmp=$bench_tmp
pids=()
# Closing the fifos ends the holders; then wait for them.
bench_extra_cleanup='exec 3>&- 4>&- 2>/dev/null || true; for p in "${pids[@]}"; do wait "$p" 2>/dev/null || true; done'
sp=$(sockplay_bin)
go build -o "$tmp/conns" ./bench/sockets_conns

# waitline FILE WORD PID: wait up to 60 s for WORD in FILE while PID lives.
waitline() {
	for _ in $(seq 600); do
		grep -q "$2" "$1" 2>/dev/null && return 0
		kill -0 "$3" 2>/dev/null || { echo "bench/sockets.sh: the connection holder failed" >&2; exit 1; }
		sleep 0.1
	done
	echo "bench/sockets.sh: connections not ready in 60 s" >&2
	exit 1
}

echo "opening $N connections on loopback..."
mkfifo "$tmp/in.server" "$tmp/in.client"
"$tmp/conns" -listen -n "$N" <"$tmp/in.server" >"$tmp/out.server" &
pids+=($!)
exec 3>"$tmp/in.server"
waitline "$tmp/out.server" listening "${pids[0]}"
addr=$(awk '/listening/{print $2}' "$tmp/out.server")
"$tmp/conns" -connect "$addr" -n "$N" <"$tmp/in.client" >"$tmp/out.client" &
pids+=($!)
exec 4>"$tmp/in.client"
waitline "$tmp/out.client" ready "${pids[1]}"
waitline "$tmp/out.server" ready "${pids[0]}"

# Same rows: both tools list the same established sockets (counted, as
# ordering differs); a few may differ when others open or close sockets.
# The table holds every TCP socket of the machine, not only ours:
# TIME-WAIT ones left by an earlier bench (each lasts a minute) make both
# tools slower, ss more than us, so the row says how many rows there were.
ss_out=$(ss -tan)
ss_rows=$(grep -c ESTAB <<<"$ss_out" || true)
all_rows=$(($(wc -l <<<"$ss_out") - 1)) # less the header
sp_rows=$("$sp" sockets -tan | grep -c ESTAB || true)
echo "ESTAB rows: ss $ss_rows, sockplay $sp_rows; rows in all (ss): $all_rows"

# timeit NAME CMD...: append the wall time of one run, in ms, to $tmp/NAME.
timeit() {
	local name=$1
	shift
	python3 - "$tmp/$name.times" "$@" <<'PY'
import subprocess, sys, time
out, cmd = sys.argv[1], sys.argv[2:]
t = time.perf_counter()
subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=True)
with open(out, "a") as f:
    f.write("%.3f\n" % ((time.perf_counter() - t) * 1000))
PY
}

echo "timing, $RUNS runs each..."
for _ in $(seq "$RUNS"); do
	timeit ss_tanp ss -tanp
	timeit sp_tanp "$sp" sockets -tanp
	timeit ss_tan ss -tan
	timeit sp_tan "$sp" sockets -tan
done

echo
printf '%-26s %10s\n' command "median ms"
for pair in "ss -tanp:ss_tanp" "sockplay sockets -tanp:sp_tanp" "ss -tan:ss_tan" "sockplay sockets -tan:sp_tan"; do
	printf '%-26s %10.1f\n' "${pair%%:*}" "$(median "$tmp/${pair##*:}.times")"
done
echo
ratio() { # ratio OURS THEIRS TARGET LABEL
	local a b r
	a=$(median "$tmp/$1.times") b=$(median "$tmp/$2.times")
	r=$(calc "$a / $b")
	result "socket table at $((2 * N)) TCP sockets: $4" "$(printf '%.1f ms' "$a")" "$(printf '%.1f ms' "$b")" \
		"$(printf '%.2fx (time ours / theirs)' "$r")" "<= ${3}x" "$(verdict "$r" "<=" "$3")" "medians of $RUNS, start-up included; ESTAB rows ss $ss_rows, sockplay $sp_rows; $all_rows rows in all"
}
ratio sp_tanp ss_tanp 1.5 "sockets -tanp vs ss -tanp"
ratio sp_tan ss_tan 1.0 "sockets -tan vs ss -tan"
