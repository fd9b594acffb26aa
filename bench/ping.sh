#!/usr/bin/env bash
# bench/ping.sh: RTT accuracy of `sockplay ping` against iputils ping on
# loopback, in one run. Each round runs `ping -c 100 -i 0.01 127.0.0.1` and
# `sockplay ping -c 100 -i 10ms --json 127.0.0.1` back to back (ROUNDS
# rounds, default 3, alternating so load from others hits both alike), then
# prints the median RTT of each tool over all its replies, the ratio, and
# the loss of each.
# Targets: sockplay's median within 1.5x of iputils'; no probe lost (0 of 100).
#
# Usage: bench/ping.sh   (from anywhere in the repo; needs go, iputils ping,
# and root, CAP_NET_RAW or a ping_group_range that includes your group)
set -euo pipefail
cd "$(dirname "$0")/.."
bench_name=ping
. bench/lib.sh

ROUNDS=${ROUNDS:-3}
COUNT=${COUNT:-100}
HOST=${HOST:-127.0.0.1}
export LC_ALL=C

for tool in go ping awk sort; do
	command -v "$tool" >/dev/null || { echo "bench/ping.sh: $tool is not installed" >&2; exit 1; }
done

tmp=$bench_tmp
sp=$(sockplay_bin)

: >"$tmp/iputils.rtt"
: >"$tmp/sockplay.rtt"
lost_iputils=0 lost_sockplay=0
for r in $(seq "$ROUNDS"); do
	ping -n -c "$COUNT" -i 0.01 "$HOST" >"$tmp/iputils.out"
	grep -o 'time=[0-9.]*' "$tmp/iputils.out" | cut -d= -f2 >>"$tmp/iputils.rtt"
	recv=$(grep -c 'bytes from' "$tmp/iputils.out" || true)
	lost_iputils=$((lost_iputils + COUNT - recv))

	"$sp" ping -c "$COUNT" -i 10ms --json "$HOST" >"$tmp/sockplay.out"
	grep '"kind":"reply"' "$tmp/sockplay.out" | grep -o '"rtt_ms":[0-9.e-]*' | cut -d: -f2 >>"$tmp/sockplay.rtt"
	recv=$(grep -c '"kind":"reply"' "$tmp/sockplay.out" || true)
	lost_sockplay=$((lost_sockplay + COUNT - recv))
	echo "round $r: iputils $(tail -2 "$tmp/iputils.out" | head -1)"
	echo "round $r: sockplay $(tail -1 "$tmp/sockplay.out")"
done

mi=$(median "$tmp/iputils.rtt")
ms=$(median "$tmp/sockplay.rtt")
total=$((ROUNDS * COUNT))
echo
printf '%-10s %8s %14s %12s\n' tool replies "median rtt ms" lost
printf '%-10s %8d %14s %12s\n' iputils "$(wc -l <"$tmp/iputils.rtt")" "$mi" "$lost_iputils of $total"
printf '%-10s %8d %14s %12s\n' sockplay "$(wc -l <"$tmp/sockplay.rtt")" "$ms" "$lost_sockplay of $total"
echo
r=$(calc "$ms / $mi")
result "ping 127.0.0.1, $total probes at 10 ms: sockplay ping vs iputils ping, median RTT" "$ms ms, $lost_sockplay lost" "$mi ms, $lost_iputils lost" \
	"$(printf '%.2fx (RTT ours / theirs)' "$r")" "<= 1.5x, 0 lost" \
	"$(awk -v r="$r" -v l="$lost_sockplay" 'BEGIN { print (r <= 1.5 && l == 0) ? "pass" : "miss" }')" "$ROUNDS rounds of $COUNT, alternating"
