#!/usr/bin/env bash
# bench/relay.sh: how fast `sockplay relay` forwards a TCP stream, against
# `socat TCP-LISTEN:P TCP:127.0.0.1:Q` doing the same relay, in one run.
#
#   head -c SIZE /dev/zero | socat -u - TCP:relay  ->  RELAY  ->  socat -u TCP-LISTEN:sink STDOUT | cmp
#
# RELAY is `sockplay relay tcp://127.0.0.1:P tcp://127.0.0.1:Q --quiet --once`
# or `socat TCP-LISTEN:P,bind=127.0.0.1,reuseaddr TCP:127.0.0.1:Q` (socat's
# defaults: 8 KiB reads). Every byte is checked: the sink compares the
# stream with /dev/zero for SIZE+1 bytes with cmp, which must stop at EOF
# after exactly SIZE bytes, all zero (a short, long or changed stream
# fails the run). The time is from starting the sender to the sink's end
# (all bytes through both hops and checked). Runs alternate between the
# relays (RUNS each, default 3) so load from others on the machine hits
# both alike; the best of each counts. sockplay's peak RSS comes from
# /usr/bin/time -v. Target: ratio (socat time / sockplay time) >= 0.9.
#
# Usage: bench/relay.sh   (needs go, socat, cmp, GNU time; SIZE=4G RUNS=3;
# SOCKPLAY=path uses that binary instead of building ./cmd/sockplay)
set -euo pipefail
cd "$(dirname "$0")/.."

SIZE=${SIZE:-4G}
RUNS=${RUNS:-3}
export LC_ALL=C

for tool in go socat ss cmp bc numfmt; do
	command -v "$tool" >/dev/null || { echo "bench/relay.sh: $tool is not installed" >&2; exit 1; }
done
[ -x /usr/bin/time ] || { echo "bench/relay.sh: GNU time is not installed (apt-get install time)" >&2; exit 1; }

bytes=$(numfmt --from=iec "$SIZE")
tmp=$(mktemp -d)
pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; rm -rf "$tmp"; }
trap cleanup EXIT

if [ -n "${SOCKPLAY:-}" ]; then
	cp "$SOCKPLAY" "$tmp/sockplay"
else
	echo "building sockplay..."
	go build -o "$tmp/sockplay" ./cmd/sockplay
fi

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }

wait_listening() { # port
	for _ in $(seq 1 500); do
		ss -Hltn "sport = :$1" | grep -q . && return 0
		sleep 0.01
	done
	echo "nothing listens on port $1" >&2
	return 1
}

# run_one NAME: relays SIZE bytes through NAME, checks them, prints seconds.
run_one() {
	local name=$1 p q t0 t1 sink relay
	p=$(free_port)
	q=$(free_port)
	(socat -u "TCP-LISTEN:$q,bind=127.0.0.1,reuseaddr" STDOUT | cmp -n $((bytes + 1)) - /dev/zero >"$tmp/cmp" 2>&1 || true) &
	sink=$!
	pids+=("$sink")
	wait_listening "$q"
	case "$name" in
	socat) /usr/bin/time -v -o "$tmp/time.socat" socat "TCP-LISTEN:$p,bind=127.0.0.1,reuseaddr" "TCP:127.0.0.1:$q" & ;;
	sockplay) /usr/bin/time -v -o "$tmp/time.sockplay" "$tmp/sockplay" relay "tcp://127.0.0.1:$p" "tcp://127.0.0.1:$q" --quiet --once >"$tmp/summary" 2>"$tmp/relay.err" & ;;
	esac
	relay=$!
	pids+=("$relay")
	wait_listening "$p"
	t0=$(date +%s.%N)
	head -c "$SIZE" /dev/zero | socat -u - "TCP:127.0.0.1:$p"
	wait "$sink"
	t1=$(date +%s.%N)
	wait "$relay" || { echo "bench/relay.sh: $name relay failed: $(cat "$tmp/relay.err" 2>/dev/null)" >&2; exit 1; }
	pids=()
	if ! grep -q "^cmp: EOF on - after byte $bytes," "$tmp/cmp"; then
		echo "bench/relay.sh: through $name the sink did not get exactly $bytes zero bytes: $(cat "$tmp/cmp")" >&2
		exit 1
	fi
	echo "$t1 - $t0" | bc -l
}

rss_mb() { awk -F: '/Maximum resident set size/ { printf "%.1f", $2 / 1024 }' "$1"; }
cpu_s() { awk -F: '/User time|System time/ { s += $2 } END { printf "%.2f", s }' "$1"; }

best_socat=
best_sockplay=
peak_rss=0
for r in $(seq 1 "$RUNS"); do
	for name in socat sockplay; do
		t=$(run_one "$name")
		rss=$(rss_mb "$tmp/time.$name")
		printf "run %d  %-8s %6.2fs  %7.1f MB/s  relay CPU %5ss  peak RSS %6s MB\n" "$r" "$name" "$t" \
			"$(echo "$bytes / $t / 1000000" | bc -l)" "$(cpu_s "$tmp/time.$name")" "$rss"
		if [ "$name" = socat ]; then
			if [ -z "$best_socat" ] || (($(echo "$t < $best_socat" | bc -l))); then best_socat=$t; fi
		else
			if [ -z "$best_sockplay" ] || (($(echo "$t < $best_sockplay" | bc -l))); then best_sockplay=$t; fi
			if (($(echo "$rss > $peak_rss" | bc -l))); then peak_rss=$rss; fi
			echo "         sockplay says: $(cat "$tmp/summary")"
		fi
	done
done
ratio=$(echo "$best_socat / $best_sockplay" | bc -l)
printf "best: socat %.2fs, sockplay %.2fs; ratio (socat/sockplay) %.2fx (target >= 0.9); every run %s zero bytes, checked\n" "$best_socat" "$best_sockplay" "$ratio" "$SIZE"
printf "sockplay peak RSS %s MB\n" "$peak_rss"
