#!/usr/bin/env bash
# bench/ping.sh: RTT accuracy of `sockplay ping` against iputils ping on
# loopback, in one run. Each round runs `ping -c 100 -i 0.01 127.0.0.1` and
# `sockplay ping -c 100 -i 10ms --json 127.0.0.1` back to back (ROUNDS
# rounds, default 3, alternating so load from others hits both alike), then
# prints the median RTT of each tool over all its replies, the ratio, and
# the loss of each.
# Targets: sockplay's median within 2x of iputils'; no probe lost (0 of 100).
#
# Usage: bench/ping.sh   (from anywhere in the repo; needs go, iputils ping,
# and root, CAP_NET_RAW or a ping_group_range that includes your group)
set -euo pipefail
cd "$(dirname "$0")/.."

ROUNDS=${ROUNDS:-3}
COUNT=${COUNT:-100}
HOST=${HOST:-127.0.0.1}
export LC_ALL=C

for tool in go ping awk sort; do
	command -v "$tool" >/dev/null || { echo "bench/ping.sh: $tool is not installed" >&2; exit 1; }
done

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

echo "building sockplay..."
go build -o "$tmp/sockplay" ./cmd/sockplay

: >"$tmp/iputils.rtt"
: >"$tmp/sockplay.rtt"
lost_iputils=0 lost_sockplay=0
for r in $(seq "$ROUNDS"); do
	ping -n -c "$COUNT" -i 0.01 "$HOST" >"$tmp/iputils.out"
	grep -o 'time=[0-9.]*' "$tmp/iputils.out" | cut -d= -f2 >>"$tmp/iputils.rtt"
	recv=$(grep -c 'bytes from' "$tmp/iputils.out" || true)
	lost_iputils=$((lost_iputils + COUNT - recv))

	"$tmp/sockplay" ping -c "$COUNT" -i 10ms --json "$HOST" >"$tmp/sockplay.out"
	grep '"kind":"reply"' "$tmp/sockplay.out" | grep -o '"rtt_ms":[0-9.e-]*' | cut -d: -f2 >>"$tmp/sockplay.rtt"
	recv=$(grep -c '"kind":"reply"' "$tmp/sockplay.out" || true)
	lost_sockplay=$((lost_sockplay + COUNT - recv))
	echo "round $r: iputils $(tail -2 "$tmp/iputils.out" | head -1)"
	echo "round $r: sockplay $(tail -1 "$tmp/sockplay.out")"
done

median() { sort -g "$1" | awk '{v[NR]=$1} END {if (NR==0) {print "nan"; exit} if (NR%2) print v[(NR+1)/2]; else printf "%.4f\n", (v[NR/2]+v[NR/2+1])/2}'; }
mi=$(median "$tmp/iputils.rtt")
ms=$(median "$tmp/sockplay.rtt")
total=$((ROUNDS * COUNT))
echo
printf '%-10s %8s %14s %12s\n' tool replies "median rtt ms" lost
printf '%-10s %8d %14s %12s\n' iputils "$(wc -l <"$tmp/iputils.rtt")" "$mi" "$lost_iputils of $total"
printf '%-10s %8d %14s %12s\n' sockplay "$(wc -l <"$tmp/sockplay.rtt")" "$ms" "$lost_sockplay of $total"
echo
awk -v a="$ms" -v b="$mi" 'BEGIN{r=a/b; printf "sockplay median / iputils median = %.2f (target <= 2: %s)\n", r, (r<=2 ? "met" : "NOT met")}'
if [[ $lost_sockplay -eq 0 && $lost_iputils -eq 0 ]]; then
	echo "loss: none (target 0: met)"
else
	echo "loss: sockplay $lost_sockplay, iputils $lost_iputils of $total (target 0: $([[ $lost_sockplay -eq 0 ]] && echo met || echo NOT met))"
fi
