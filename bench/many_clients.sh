#!/usr/bin/env bash
# bench/many_clients.sh: one TCP server session (the engine as the window
# runs it: echo, the default 64 MiB view) holds N (default 10000)
# concurrent clients, echoes to each, and reports the time to connect them
# all, the time to have every one echoed, and the server's peak RSS (the
# kernel's high-water mark, VmHWM). Target: every one echoed, RSS < 300 MB.
# The clients run in a child process; see bench/many_clients/main.go.
#
# Usage: bench/many_clients.sh   (N=10000)
set -euo pipefail
cd "$(dirname "$0")/.."
bench_name=many_clients
. bench/lib.sh
N=${N:-10000}
need go
ulimit -n $((2 * N + 1024)) 2>/dev/null || ulimit -n "$(ulimit -Hn)"
go build -o "$bench_tmp/many_clients" ./bench/many_clients
"$bench_tmp/many_clients" -n "$N" | tee "$bench_tmp/out"
conn=$(awk '/clients: connected/ { print $3, "in", $5 }' "$bench_tmp/out")
echoed=$(awk '/clients: echoed/ { sub(/,$/, "", $5); print $3, "in", $5 }' "$bench_tmp/out")
peak=$(sed -n 's/.*(peak \([0-9.]*\) MB).*/\1/p' "$bench_tmp/out" | tail -1)
ok=$(grep -c '^result: ok' "$bench_tmp/out" || true)
result "$N concurrent TCP clients on one server, every one echoed" \
	"connected ${conn:-?}, echoed ${echoed:-?}, peak RSS ${peak:-?} MB" "-" "-" "all echoed, RSS < 300 MB" \
	"$([ "$ok" = 1 ] && echo pass || echo miss)" "one run; times are for all $N"
