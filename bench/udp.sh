#!/usr/bin/env bash
# bench/udp.sh: UDP datagrams received. bench/udpflood sends 1,200-byte
# datagrams to 127.0.0.1 for SECS (default 10) seconds as fast as one
# socket can, alternately into
#
#   sockplay serve udp://127.0.0.1:P --quiet   (its summary counts them)
#   socat -u UDP-RECV:P OPEN:/dev/null         (sent less the drops the
#                                               kernel counted for its socket)
#
# each with the kernel's default receive buffer; a receiver that cannot
# keep up loses datagrams. RUNS (default 5) each; medians of datagrams
# received per second compared, loss (1 - received / sent) reported.
# Target: sockplay receives >= 1.0x socat's datagrams/s.
#
# Usage: bench/udp.sh   (SECS=10 RUNS=5; SOCKPLAY=path)
set -euo pipefail
cd "$(dirname "$0")/.."
bench_name=udp
. bench/lib.sh

SECS=${SECS:-10}
RUNS=${RUNS:-5}
SIZE=1200
need go socat python3 ss bc
sp=$(sockplay_bin)
go build -o "$bench_tmp/udpflood" ./bench/udpflood || die "go build ./bench/udpflood failed"
TO=$((30 + 2 * SECS))

run_one() { # run_one WHO: prints "received sent"
	local who=$1 port rx sent got= drops
	port=$(free_udp_port)
	case $who in
	sockplay)
		# --foreground: GNU timeout otherwise passes the SIGINT below to its
		# whole process group as well, and a second signal ends sockplay
		# before it prints its summary.
		timeout --foreground "$TO" "$sp" serve "udp://127.0.0.1:$port" --quiet >"$bench_tmp/out" 2>"$bench_tmp/err" &
		rx=$!
		;;
	socat)
		timeout "$TO" socat -u "UDP-RECV:$port,bind=127.0.0.1" OPEN:/dev/null &
		rx=$!
		;;
	esac
	wait_listening "$port" udp
	sent=$("$bench_tmp/udpflood" -to "127.0.0.1:$port" -secs "$SECS" -size "$SIZE")
	sleep 0.5 # what is in the socket's buffer is read
	if [ "$who" = sockplay ]; then
		kill -INT "$rx"
		wait "$rx" || true
		got=$(sed -n 's/.* in [0-9]* bytes in \([0-9]*\) chunks.*/\1/p' "$bench_tmp/out")
	else
		# /proc/net/udp: local address as HEXIP:HEXPORT, drops last
		drops=$(awk -v p="$(printf ':%04X' "$port")" '$2 ~ p"$" { print $NF }' /proc/net/udp)
		kill -TERM "$rx"
		wait "$rx" || true
		[ -n "$drops" ] && got=$((sent - drops))
	fi
	[ -n "$got" ] || die "$who reported nothing: $(cat "$bench_tmp/out" "$bench_tmp/err" 2>/dev/null)"
	echo "$got $sent"
}

for who in sockplay socat; do : >"$bench_tmp/rate.$who"; : >"$bench_tmp/loss.$who"; done
for r in $(seq "$RUNS"); do
	for who in socat sockplay; do
		read -r got sent < <(run_one "$who")
		echo "$got / $SECS" | bc -l >>"$bench_tmp/rate.$who"
		echo "100 * (1 - $got / $sent)" | bc -l >>"$bench_tmp/loss.$who"
		printf 'run %d  %-8s received %9d of %9d sent  (%.0f/s, %.1f%% lost)\n' "$r" "$who" "$got" "$sent" \
			"$(echo "$got / $SECS" | bc -l)" "$(echo "100 * (1 - $got / $sent)" | bc -l)"
	done
done
rs=$(median "$bench_tmp/rate.sockplay") rc=$(median "$bench_tmp/rate.socat")
ls=$(median "$bench_tmp/loss.sockplay") lc=$(median "$bench_tmp/loss.socat")
ratio=$(calc "$rs / $rc")
result "UDP: 1,200-byte datagrams for $SECS s from one socket, received: serve udp:// --quiet vs socat UDP-RECV" \
	"$(printf '%.0f datagrams/s, %.1f%% lost' "$rs" "$ls")" "$(printf '%.0f datagrams/s, %.1f%% lost' "$rc" "$lc")" \
	"$(printf '%.2fx' "$ratio")" ">= 1.0x" "$(verdict "$ratio" ">=" 1.0)" "medians of $RUNS; default receive buffers"
