#!/usr/bin/env bash
# bench/messages.sh: small messages decoded and counted. Back-to-back
# 64-byte frames (`len:2:be`: a 2-byte big-endian length, 62 and 62 bytes
# of payload), about SECS (default 10) seconds' worth at the target rate
# (SECS x 1,000,000 frames, from a 16 MiB block sent over and over by
# `socat -u -b 262144 - TCP:...`), into, alternately:
#
#   sockplay  GOMAXPROCS=1 sockplay serve --framing len:2:be --quiet --once
#             (one core for the decoding; its summary counts the messages)
#   python3   a decoder reading 256 KiB at a time and walking the frames
#             (the same work in the language people script this in)
#   socat     socat -u -b 262144 TCP-LISTEN OPEN:/dev/null: the bytes alone,
#             not decoded (what the sender and loopback allow)
#
# RUNS (default 5) each; the rate is messages over the time from starting
# the sender to the receiver's exit; medians compared. Both decoders must
# count every frame. Target: >= 1,000,000 messages/s decoded by sockplay.
#
# Usage: bench/messages.sh   (SECS=10 RUNS=5; SOCKPLAY=path)
# Profile: SOCKPLAY_CPUPROFILE=/tmp/msg.cpu GOMAXPROCS=1 /tmp/sockplayprof serve
#   tcp://127.0.0.1:9000 --framing len:2:be --quiet --once (go build ./bench/sockplayprof);
#   go test -run '^$' -bench 'BenchmarkDecode|BenchmarkServeMessages' ./netcore/framing ./sessions
set -euo pipefail
cd "$(dirname "$0")/.."
bench_name=messages
. bench/lib.sh

SECS=${SECS:-10}
RUNS=${RUNS:-5}
need socat python3 ss bc
sp=$(sockplay_bin)

python3 - "$bench_tmp/block" <<'PY'
import sys
frames = bytearray()
for i in range(1 << 18):                 # 262,144 frames of 64 bytes: 16 MiB
    frames += b"\x00\x3e" + (b"msg %08d " % i).ljust(62, b".")
open(sys.argv[1], "wb").write(frames)
PY
per_block=$((1 << 18))
blocks=$(((SECS * 1000000 + per_block - 1) / per_block))
msgs=$((blocks * per_block))
TO=$((60 + 10 * SECS))
echo "$msgs frames of 64 bytes ($blocks blocks of 16 MiB) per run"

cat >"$bench_tmp/decode.py" <<'PY'
import socket, sys
ln = socket.socket()
ln.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
ln.bind(("127.0.0.1", int(sys.argv[1])))
ln.listen(1)
c, _ = ln.accept()
buf, n = bytearray(), 0
while True:
    d = c.recv(262144)
    if not d:
        break
    buf += d
    i, end = 0, len(buf)
    while end - i >= 2:
        m = (buf[i] << 8) | buf[i + 1]
        if end - i - 2 < m:
            break
        i += 2 + m
        n += 1
    del buf[:i]
print(n)
PY

run_one() { # run_one WHO: prints seconds; checks the count
	local who=$1 port t0 rx n
	port=$(free_port)
	case $who in
	sockplay) GOMAXPROCS=1 timeout "$TO" "$sp" serve "tcp://127.0.0.1:$port" --framing len:2:be --quiet --once >"$bench_tmp/out" 2>"$bench_tmp/err" & ;;
	python3) timeout "$TO" python3 "$bench_tmp/decode.py" "$port" >"$bench_tmp/out" & ;;
	socat) timeout "$TO" socat -u -b 262144 "TCP-LISTEN:$port,bind=127.0.0.1,reuseaddr" OPEN:/dev/null & ;;
	esac
	rx=$!
	wait_listening "$port"
	t0=$(now)
	for _ in $(seq "$blocks"); do cat "$bench_tmp/block"; done | timeout "$TO" socat -u -b 262144 - "TCP:127.0.0.1:$port"
	wait "$rx" || die "$who failed: $(cat "$bench_tmp/err" 2>/dev/null)"
	elapsed "$t0"
	case $who in
	sockplay) n=$(sed -n 's/.*messages in \([0-9]*\),.*/\1/p' "$bench_tmp/out") ;;
	python3) n=$(cat "$bench_tmp/out") ;;
	socat) n=$msgs ;;
	esac
	[ "$n" = "$msgs" ] || die "$who counted ${n:-nothing} messages, not $msgs: $(cat "$bench_tmp/out")"
}

for who in sockplay python3 socat; do : >"$bench_tmp/t.$who"; done
for r in $(seq "$RUNS"); do
	for who in sockplay python3 socat; do
		t=$(run_one "$who")
		echo "$t" >>"$bench_tmp/t.$who"
		printf 'run %d  %-8s %7.3f s  %10.0f messages/s\n' "$r" "$who" "$t" "$(echo "$msgs / $t" | bc -l)"
	done
done
rate() { echo "$msgs / $(median "$bench_tmp/t.$1")" | bc -l; }
rs=$(rate sockplay) rp=$(rate python3) rr=$(rate socat)
result "small messages: 64-byte len:2:be frames back to back, decoded and counted on one core (GOMAXPROCS=1)" \
	"$(printf '%.0f msg/s' "$rs")" "$(printf 'python3 decoder %.0f msg/s; socat, not decoding, %.0f msg/s' "$rp" "$rr")" \
	"$(printf '%.2fx python3' "$(echo "$rs / $rp" | bc -l)")" ">= 1,000,000 msg/s" "$(verdict "$rs" ">=" 1000000)" \
	"medians of $RUNS runs of $msgs frames; every frame counted"
