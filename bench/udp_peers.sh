#!/usr/bin/env bash
# bench/udp_peers.sh: memory of a UDP server that many one-shot senders
# reach (each datagram from a fresh socket, so a new source address).
# sockplay keeps at most --max-peers (4096) source addresses and forgets
# quiet ones, so its RSS should level off; before it kept every address
# for ever (~1.3 kB each). The log's budget is set to 1 MiB so that what
# is measured is the peer table, not the view.
#
# Prints RSS (from /proc, in MB) after start, after 10,000 senders and
# after SENDERS (default 100,000), and the peers sockplay says it forgot.
#
# Usage: bench/udp_peers.sh   (needs go, python3; SENDERS=100000; BIN=another sockplay to compare)
set -euo pipefail
cd "$(dirname "$0")/.."
SENDERS=${SENDERS:-100000}
tmp=$(mktemp -d)
pid=
cleanup() { [ -n "$pid" ] && kill "$pid" 2>/dev/null; rm -rf "$tmp"; }
trap cleanup EXIT

go build -o "$tmp/sockplay" ./cmd/sockplay
port=$(python3 -c 'import socket; s=socket.socket(socket.AF_INET, socket.SOCK_DGRAM); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
"${BIN:-$tmp/sockplay}" serve "udp://127.0.0.1:$port" --log-budget 1048576 >"$tmp/out" 2>"$tmp/err" &
pid=$!
for _ in $(seq 1 200); do grep -q listening "$tmp/err" && break; sleep 0.05; done
rss() { awk '/VmRSS/ { printf "%.1f", $2 / 1024 }' "/proc/$pid/status"; }
sent=0
send() { # N: one datagram from each of N new sockets, each bound to its own
	# loopback address (127.1.x.y: one IP has only ~28,000 ephemeral ports),
	# paced so that the server's socket buffer does not overflow
	python3 - "$port" "$1" "$sent" <<'PY'
import socket, sys, time
port, n, first = int(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3])
for i in range(first, first + n):
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.bind(("127.%d.%d.%d" % (1 + (i >> 16), (i >> 8) & 255, i & 255), 0))
    s.sendto(b"hello %d" % i, ("127.0.0.1", port))
    s.close()
    if i % 200 == 199:
        time.sleep(0.002)
PY
	sent=$((sent + $1))
}
start=$(rss)
send 10000; sleep 0.5
at10k=$(rss)
send $((SENDERS - 10000)); sleep 0.5
atN=$(rss)
forgot=$( (grep -oE "[0-9]+ datagram peers? forgotten" "$tmp/err" || true) | awk '{ s += $1 } END { print s + 0 }')
accepted=$(grep -c "^accepted" "$tmp/err" || true)
printf "RSS start %s MB, after 10000 senders %s MB, after %d senders %s MB; %d peers seen, %d forgotten\n" \
	"$start" "$at10k" "$SENDERS" "$atN" "$accepted" "$forgot"
