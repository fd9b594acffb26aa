#!/usr/bin/env bash
# Regenerates the real captures in this directory: traffic.py's peers
# (python3 and socat) on loopback, captured by tshark and tcpdump in the
# formats and link types people send each other. Needs root (capturing),
# tshark, tcpdump, python3 and socat. The tests compare what the reader
# makes of these files with what tshark makes of them, so regenerating
# changes no expectation; the files are the fuzz tests' seeds too.
#
#   lo-tshark.pcapng      tshark -i lo            pcapng, Ethernet, ns
#   lo-tcpdump-us.pcap    tcpdump -i lo           pcap, Ethernet, µs
#   lo-tcpdump-ns.pcap    tcpdump -i lo --time-stamp-precision=nano
#   any-tcpdump.pcap      tcpdump -i any          pcap, Linux cooked v2 (SLL2)
#   any-tshark.pcapng     tshark -i any           pcapng, Linux cooked v1 (SLL)
set -euo pipefail
cd "$(dirname "$0")"
base=47310
filter="tcp portrange $base-$((base + 2)) or udp port $((base + 3))"

# capture OUT READY-WORD CMD...: runs the capture until the traffic is done.
capture() {
	local out=$1 ready=$2
	shift 2
	local log
	log=$(mktemp)
	"$@" >"$log" 2>&1 &
	local pid=$!
	for _ in $(seq 100); do
		grep -q "$ready" "$log" && break
		sleep 0.05
	done
	grep -q "$ready" "$log" || { cat "$log" >&2; kill "$pid"; exit 1; }
	python3 traffic.py "$base" 1 1 >/dev/null
	sleep 1
	kill -INT "$pid"
	wait "$pid" || true
	rm -f "$log"
	echo "wrote $out" >&2
}

capture lo-tshark.pcapng "Capturing on" tshark -q -i lo -f "$filter" -w lo-tshark.pcapng
capture lo-tcpdump-us.pcap "listening on" tcpdump -U --immediate-mode -i lo -w lo-tcpdump-us.pcap "$filter"
capture lo-tcpdump-ns.pcap "listening on" tcpdump -U --immediate-mode -i lo --time-stamp-precision=nano -w lo-tcpdump-ns.pcap "$filter"
capture any-tcpdump.pcap "listening on" tcpdump -U --immediate-mode -i any -w any-tcpdump.pcap "$filter"
capture any-tshark.pcapng "Capturing on" tshark -q -i any -f "$filter" -w any-tshark.pcapng
chown "$(id -u):$(id -g)" ./*.pcap ./*.pcapng && chmod 644 ./*.pcap ./*.pcapng
