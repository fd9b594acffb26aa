#!/usr/bin/env bash
# bench/pcap_overhead.sh: what recording costs `sockplay serve --quiet --once`
# when it ingests a TCP stream: the same SIZE (default 1G) sent to it with
# and without `--pcap FILE`, alternating (RUNS each, default 5; medians
# compared) so load from others on the machine hits both alike.
#
# The sender is `head -c SIZE /dev/zero | socat -u -b 262144 - TCP:...`;
# SENDER=python sends from python3 in 1 MiB sendall calls with no pipe in
# between. The time is from starting the sender to the server exiting (all
# bytes read, and with --pcap all of them written to the file). After each
# recorded run the file must be a capture of every byte (tshark counts the
# TCP payload) unless CHECK=0. Target: ratio (time with --pcap / time
# without) <= 1.10.
#
# What writing costs: recording writes ~1.08 GB per GiB that the quiet
# serve never writes. In the same alternation, socat receives the same
# stream into /dev/null and into a file in the recordings' folder (what a
# person would do to keep the bytes at all); the second RESULT line is
# that ratio, what writing those bytes costs here whoever writes them. Every
# run starts after a sync (outside the time), so none pays for the
# write-back of the file the run before it left in the page cache.
#
# How low any recorder can go here: bench/recfloor receives the same
# stream into a pcapng file without ever bringing the bytes into its own
# memory (splice from the socket, through pipes, into the file, between
# vmspliced headers; written behind as sockplay's recordings are; no TCP
# checksum, which needs the bytes). The fourth RESULT line is its time
# against the quiet serve's: when that is above 1.10, so is every
# recorder's. The fifth is the recording against it. Its file is checked
# like a recording's, in the first run.
#
# A quiet serve drops TCP bytes in the kernel without reading them
# (sessions/discard.go), which a recording cannot do; the third RESULT
# line compares the recording with `serve --once > /dev/null`, a serve
# that reads every byte and writes it nowhere, for what the recorder
# itself costs.
#
# Usage: bench/pcap_overhead.sh   (needs go, socat, ss, tshark; SIZE=1G RUNS=5 SENDER=socat|python
#        PCAP_DIR=dir for the recordings (default: a temp dir);
#        SOCKPLAY=path to use a built sockplay instead of building ./cmd/sockplay)
set -euo pipefail
cd "$(dirname "$0")/.."
bench_name=pcap_overhead
. bench/lib.sh

SIZE=${SIZE:-1G}
RUNS=${RUNS:-5}
CHECK=${CHECK:-1}
SENDER=${SENDER:-socat}
export LC_ALL=C

for tool in go socat ss bc; do
	command -v "$tool" >/dev/null || { echo "bench/pcap_overhead.sh: $tool is not installed" >&2; exit 1; }
done
if [ "$CHECK" = 1 ]; then
	command -v tshark >/dev/null || { echo "bench/pcap_overhead.sh: tshark is not installed (CHECK=0 skips the check)" >&2; exit 1; }
fi

tmp=$bench_tmp
pcapdir=${PCAP_DIR:-$tmp}
bench_extra_cleanup='rm -f "$pcapdir/pcap_overhead.pcapng" "$pcapdir/pcap_overhead.socat" "$pcapdir/pcap_overhead.floor"'
bin=$(sockplay_bin)
go build -o "$tmp/recfloor" ./bench/recfloor || { echo "bench/pcap_overhead.sh: go build ./bench/recfloor failed" >&2; exit 1; }
bytes=$(numfmt --from=iec "$SIZE")

# check_capture FILE WHAT: every byte sent is a byte of TCP payload in FILE.
check_capture() {
	local payload
	payload=$(tshark -r "$1" -T fields -e tcp.len 2>/dev/null | awk '{ s += $1 } END { print s }')
	if [ "$payload" != "$bytes" ]; then
		echo "bench/pcap_overhead.sh: $2 holds $payload payload bytes, not the $bytes sent" >&2
		exit 1
	fi
}

# run_one MODE RUN (plain|pcap|read|floor|socat-null|socat-file): starts
# the receiver (serve, bench/recfloor, or socat into /dev/null or a file),
# sends SIZE bytes, prints seconds.
run_one() {
	local mode=$1 run=$2 port t0 t1 args=()
	port=$(free_port)
	rm -f "$pcapdir/pcap_overhead.pcapng" "$pcapdir/pcap_overhead.socat" "$pcapdir/pcap_overhead.floor"
	sync # the last run's file is on the disk, not waiting in the page cache
	case $mode in
	socat-null) socat -u -b 262144 "TCP-LISTEN:$port,bind=127.0.0.1,reuseaddr" OPEN:/dev/null 2>"$tmp/err" & ;;
	socat-file) socat -u -b 262144 "TCP-LISTEN:$port,bind=127.0.0.1,reuseaddr" "OPEN:$pcapdir/pcap_overhead.socat,creat,trunc" 2>"$tmp/err" & ;;
	read) "$bin" serve "tcp://127.0.0.1:$port" --once >/dev/null 2>"$tmp/err" & ;;
	floor) "$tmp/recfloor" -listen "127.0.0.1:$port" -o "$pcapdir/pcap_overhead.floor" >/dev/null 2>"$tmp/err" & ;;
	*)
		[ "$mode" = pcap ] && args=(--pcap "$pcapdir/pcap_overhead.pcapng")
		"$bin" serve "tcp://127.0.0.1:$port" --quiet --once "${args[@]}" >"$tmp/summary" 2>"$tmp/err" &
		;;
	esac
	sink=$!
	bench_pids+=("$sink")
	wait_listening "$port"
	t0=$(date +%s.%N)
	if [ "$SENDER" = python ]; then
		python3 -c '
import socket, sys
s = socket.create_connection(("127.0.0.1", int(sys.argv[1])))
buf, left = memoryview(bytes(1 << 20)), int(sys.argv[2])
while left > 0:
    n = min(left, len(buf)); s.sendall(buf[:n]); left -= n
s.close()' "$port" "$bytes"
	else
		head -c "$SIZE" /dev/zero | socat -u -b 262144 - "TCP:127.0.0.1:$port"
	fi
	wait "$sink" || { echo "bench/pcap_overhead.sh: $mode failed: $(cat "$tmp/err")" >&2; exit 1; }
	sink=
	t1=$(date +%s.%N)
	if [ "$mode" = socat-file ] && [ "$(stat -c %s "$pcapdir/pcap_overhead.socat")" != "$bytes" ]; then
		echo "bench/pcap_overhead.sh: socat's file holds $(stat -c %s "$pcapdir/pcap_overhead.socat") bytes, not the $bytes sent" >&2
		exit 1
	fi
	if [ "$CHECK" = 1 ]; then
		[ "$mode" = pcap ] && check_capture "$pcapdir/pcap_overhead.pcapng" "the recording"
		[ "$mode" = floor ] && [ "$run" = 1 ] && check_capture "$pcapdir/pcap_overhead.floor" "bench/recfloor's file"
	fi
	echo "$t1 - $t0" | bc -l
}

for r in $(seq 1 "$RUNS"); do
	for mode in plain pcap read floor socat-null socat-file; do
		t=$(run_one "$mode" "$r")
		echo "$t" >>"$tmp/t.$mode"
		extra=
		[ "$mode" = pcap ] && extra=$(printf "  file %s MB" "$(echo "$(stat -c %s "$pcapdir/pcap_overhead.pcapng" 2>/dev/null || echo 0) / 1000000" | bc)")
		printf "run %d  %-10s %6.3fs  %7.1f MB/s%s\n" "$r" "$mode" "$t" "$(echo "$bytes / $t / 1000000" | bc -l)" "$extra"
	done
done
tp=$(median "$tmp/t.plain")
tr=$(median "$tmp/t.pcap")
ratio=$(calc "$tr / $tp")
checked="every byte in the file (tshark)"
[ "$CHECK" = 1 ] || checked="file not checked (CHECK=0)"
result "recording $SIZE received to pcapng: serve --quiet --pcap FILE vs serve --quiet (sender $SENDER)" \
	"$(printf '%.3f s' "$tr")" "$(printf '%.3f s without --pcap' "$tp")" "$(printf '%.2f (time with / without)' "$ratio")" "<= 1.10" \
	"$(verdict "$ratio" "<=" 1.10)" "medians of $RUNS; $checked"
tn=$(median "$tmp/t.socat-null")
tf=$(median "$tmp/t.socat-file")
writing=$(calc "$tf / $tn")
result "writing the bytes at all: $SIZE received by socat -b 262144 into a file vs into /dev/null (same folder, same runs)" \
	"$(printf '%.3f s' "$tf")" "$(printf '%.3f s into /dev/null' "$tn")" "$(printf '%.2f (time into a file / into /dev/null)' "$writing")" "-" \
	info "medians of $RUNS; what writing the bytes at all costs here, against the 1.10 above"
trd=$(median "$tmp/t.read")
result "recording $SIZE vs a serve that reads every byte: serve --quiet --pcap FILE vs serve --once > /dev/null (same runs)" \
	"$(printf '%.3f s' "$tr")" "$(printf '%.3f s reading into /dev/null' "$trd")" "$(printf '%.2f (time with --pcap / reading)' "$(calc "$tr / $trd")")" "-" \
	info "medians of $RUNS; a quiet serve drops the bytes in the kernel unread, so this is what the recorder itself adds"
tfl=$(median "$tmp/t.floor")
result "the floor for any recorder: $SIZE received to pcapng by bench/recfloor (splice, no checksum, written behind) vs serve --quiet (same runs)" \
	"$(printf '%.3f s' "$tfl")" "$(printf '%.3f s without --pcap' "$tp")" "$(printf '%.2f (floor / without)' "$(calc "$tfl / $tp")")" "-" \
	info "medians of $RUNS; the bytes never enter the recorder's memory: above 1.10, the 1.10 target is out of any recorder's reach here"
result "recording $SIZE vs the floor: serve --quiet --pcap FILE vs bench/recfloor (same runs)" \
	"$(printf '%.3f s' "$tr")" "$(printf '%.3f s for the floor' "$tfl")" "$(printf '%.2f (time with --pcap / floor)' "$(calc "$tr / $tfl")")" "-" \
	info "medians of $RUNS; what reading the bytes, checksumming and framing them costs over splicing them"
