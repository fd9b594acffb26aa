#!/usr/bin/env bash
# bench/serve_throughput.sh: how fast `sockplay serve --once` takes a TCP
# stream, against socat, in one run, two ways:
#   quiet: `sockplay serve --quiet --once` against `socat -u TCP-LISTEN:P OPEN:/dev/null`;
#   file:  `sockplay serve --once > FILE` (the normal use: every byte printed,
#          the reader waits when the file is slow) against `socat -u
#          TCP-LISTEN:P OPEN:FILE`; the file must then hold every byte.
#
# The sender is the same for both: `head -c SIZE /dev/zero | socat -u - TCP:...`.
# The time is from starting the sender to the sink exiting (all bytes read).
# Runs alternate between the sinks (RUNS each, default 2; the best counts) so
# load from others on the machine hits both alike. sockplay's peak RSS comes
# from /usr/bin/time -v. Targets: ratio (socat time / sockplay time) >= 1.0,
# peak RSS < 100 MB. sockplay keeps its default 64 MiB log while doing this.
#
# Usage: bench/serve_throughput.sh   (needs go, socat, GNU time; SIZE=4G RUNS=2 MODES="quiet file")
set -euo pipefail
cd "$(dirname "$0")/.."

SIZE=${SIZE:-4G}
RUNS=${RUNS:-2}
MODES=${MODES:-quiet file}
export LC_ALL=C

for tool in go socat ss; do
	command -v "$tool" >/dev/null || { echo "bench/serve_throughput.sh: $tool is not installed" >&2; exit 1; }
done
[ -x /usr/bin/time ] || { echo "bench/serve_throughput.sh: GNU time is not installed (apt-get install time)" >&2; exit 1; }

tmp=$(mktemp -d)
sink=
cleanup() { [ -n "$sink" ] && kill "$sink" 2>/dev/null; rm -rf "$tmp"; }
trap cleanup EXIT

echo "building sockplay..."
go build -o "$tmp/sockplay" ./cmd/sockplay

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }

wait_listening() { # port
	for _ in $(seq 1 500); do
		ss -Hltn "sport = :$1" | grep -q . && return 0
		sleep 0.01
	done
	echo "nothing listens on port $1" >&2
	return 1
}

# run_one NAME MODE: starts the sink, sends SIZE bytes, prints seconds.
run_one() {
	local name=$1 mode=$2 port t0 t1
	port=$(free_port)
	rm -f "$tmp/out"
	case "$name/$mode" in
	socat/quiet) /usr/bin/time -v -o "$tmp/time.socat" socat -u "TCP-LISTEN:$port,bind=127.0.0.1,reuseaddr" OPEN:/dev/null & ;;
	socat/file) /usr/bin/time -v -o "$tmp/time.socat" socat -u "TCP-LISTEN:$port,bind=127.0.0.1,reuseaddr" "OPEN:$tmp/out,creat,trunc" & ;;
	sockplay/quiet) /usr/bin/time -v -o "$tmp/time.sockplay" "$tmp/sockplay" serve "tcp://127.0.0.1:$port" --quiet --once >"$tmp/summary" & ;;
	sockplay/file) /usr/bin/time -v -o "$tmp/time.sockplay" "$tmp/sockplay" serve "tcp://127.0.0.1:$port" --once >"$tmp/out" 2>"$tmp/summary" & ;;
	esac
	sink=$!
	wait_listening "$port"
	t0=$(date +%s.%N)
	head -c "$SIZE" /dev/zero | socat -u - "TCP:127.0.0.1:$port"
	wait "$sink"
	sink=
	t1=$(date +%s.%N)
	if [ "$mode" = file ]; then
		got=$(stat -c %s "$tmp/out")
		if [ "$got" != "$(numfmt --from=iec "$SIZE")" ] || ! cmp -s -n "$got" "$tmp/out" /dev/zero; then
			echo "bench/serve_throughput.sh: $name wrote $got bytes to the file, not the $SIZE sent" >&2
			exit 1
		fi
	fi
	echo "$t1 - $t0" | bc -l
}

rss_mb() { awk -F: '/Maximum resident set size/ { printf "%.1f", $2 / 1024 }' "$1"; }
cpu_s() { awk -F: '/User time|System time/ { s += $2 } END { printf "%.2f", s }' "$1"; }

for mode in $MODES; do
best_socat=; best_sockplay=; peak_rss=0
echo "== $mode"
for r in $(seq 1 "$RUNS"); do
	for name in socat sockplay; do
		t=$(run_one "$name" "$mode")
		rss=$(rss_mb "$tmp/time.$name")
		printf "run %d  %-8s %6.2fs  %7.1f MB/s  sink CPU %5ss  peak RSS %6s MB\n" "$r" "$name" "$t" \
			"$(echo "$(numfmt --from=iec "$SIZE") / $t / 1000000" | bc -l)" "$(cpu_s "$tmp/time.$name")" "$rss"
		if [ "$name" = socat ]; then
			if [ -z "$best_socat" ] || (( $(echo "$t < $best_socat" | bc -l) )); then best_socat=$t; fi
		else
			if [ -z "$best_sockplay" ] || (( $(echo "$t < $best_sockplay" | bc -l) )); then best_sockplay=$t; fi
			if (( $(echo "$rss > $peak_rss" | bc -l) )); then peak_rss=$rss; fi
			[ "$mode" = quiet ] && echo "         sockplay says: $(cat "$tmp/summary")"
		fi
	done
done
ratio=$(echo "$best_socat / $best_sockplay" | bc -l)
printf "%s best: socat %.2fs, sockplay %.2fs; ratio (socat/sockplay) %.2fx (target >= 1.0)\n" "$mode" "$best_socat" "$best_sockplay" "$ratio"
printf "%s sockplay peak RSS %s MB (target < 100)\n\n" "$mode" "$peak_rss"
done
