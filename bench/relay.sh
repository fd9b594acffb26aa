#!/usr/bin/env bash
# bench/relay.sh: how fast `sockplay relay` forwards a TCP stream, against
# `socat -b 262144 TCP-LISTEN:P TCP:127.0.0.1:Q` doing the same relay, in one run.
#
#   head -c SIZE /dev/zero | socat -u -b 262144 - TCP:relay  ->  RELAY  ->  socat -u -b 262144 TCP-LISTEN:sink STDOUT | cmp
#
# RELAY is `sockplay relay tcp://127.0.0.1:P tcp://127.0.0.1:Q --quiet --once`
# or `socat -b 262144 TCP-LISTEN:P,bind=127.0.0.1,reuseaddr TCP:127.0.0.1:Q`
# (256 KiB reads, as sockplay's; socat's default 8 KiB would measure its
# small reads). Every byte is checked: the sink compares the
# stream with /dev/zero for SIZE+1 bytes with cmp, which must stop at EOF
# after exactly SIZE bytes, all zero (a short, long or changed stream
# fails the run). The time is from starting the sender to the sink's end
# (all bytes through both hops and checked). Runs alternate between the
# relays (RUNS each, default 5) so load from others on the machine hits
# both alike; medians are compared. sockplay's peak RSS is the kernel's
# high-water mark (GNU time). Target: ratio (socat time / sockplay time) >= 0.9.
#
# Usage: bench/relay.sh   (needs go, socat, cmp, GNU time; SIZE=4G RUNS=5;
# SOCKPLAY=path uses that binary instead of building ./cmd/sockplay)
set -euo pipefail
cd "$(dirname "$0")/.."
bench_name=relay
. bench/lib.sh

SIZE=${SIZE:-4G}
RUNS=${RUNS:-5}
need go socat ss cmp bc numfmt python3
[ -x /usr/bin/time ] || die "GNU time is not installed (apt-get install time)"
bytes=$(numfmt --from=iec "$SIZE")
sp=$(sockplay_bin)
TO=$((60 + bytes / 20000000))

# run_one NAME: relays SIZE bytes through NAME, checks them, prints seconds.
run_one() {
	local name=$1 p q t0 sink relay
	p=$(free_port)
	q=$(free_port)
	(timeout "$TO" socat -u -b 262144 "TCP-LISTEN:$q,bind=127.0.0.1,reuseaddr" STDOUT | cmp -n $((bytes + 1)) - /dev/zero >"$bench_tmp/cmp" 2>&1 || true) &
	sink=$!
	wait_listening "$q"
	case "$name" in
	socat) timev "$bench_tmp/time.socat" timeout "$TO" socat -b 262144 "TCP-LISTEN:$p,bind=127.0.0.1,reuseaddr" "TCP:127.0.0.1:$q" & ;;
	sockplay) timev "$bench_tmp/time.sockplay" timeout "$TO" "$sp" relay "tcp://127.0.0.1:$p" "tcp://127.0.0.1:$q" --quiet --once >"$bench_tmp/summary" 2>"$bench_tmp/relay.err" & ;;
	esac
	relay=$!
	wait_listening "$p"
	t0=$(now)
	head -c "$SIZE" /dev/zero | timeout "$TO" socat -u -b 262144 - "TCP:127.0.0.1:$p"
	wait "$sink"
	elapsed "$t0"
	wait "$relay" || die "$name relay failed: $(cat "$bench_tmp/relay.err" 2>/dev/null)"
	grep -q "^cmp: EOF on - after byte $bytes," "$bench_tmp/cmp" ||
		die "through $name the sink did not get exactly $bytes zero bytes: $(cat "$bench_tmp/cmp")"
}

: >"$bench_tmp/t.socat"
: >"$bench_tmp/t.sockplay"
: >"$bench_tmp/rss"
for r in $(seq 1 "$RUNS"); do
	for name in socat sockplay; do
		t=$(run_one "$name")
		echo "$t" >>"$bench_tmp/t.$name"
		printf "run %d  %-8s %6.2fs  %7.1f MB/s  relay CPU %5ss  peak RSS %6s MB\n" "$r" "$name" "$t" \
			"$(echo "$bytes / $t / 1000000" | bc -l)" "$(cpu_s "$bench_tmp/time.$name")" "$(rss_mb "$bench_tmp/time.$name")"
		[ "$name" = sockplay ] && rss_mb "$bench_tmp/time.sockplay" >>"$bench_tmp/rss" && echo >>"$bench_tmp/rss"
	done
done
ts=$(median "$bench_tmp/t.socat")
tp=$(median "$bench_tmp/t.sockplay")
ratio=$(calc "$ts / $tp")
peak=$(sort -g "$bench_tmp/rss" | tail -1)
result "relay $SIZE TCP: relay --quiet --once vs socat -b 262144 TCP-LISTEN TCP (every byte checked)" \
	"$(printf '%.2f s, peak RSS %s MB' "$tp" "$peak")" "$(printf '%.2f s' "$ts")" "$(printf '%.2fx' "$ratio")" ">= 0.9x" \
	"$(verdict "$ratio" ">=" 0.9)" "medians of $RUNS"
