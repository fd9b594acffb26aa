#!/usr/bin/env bash
# bench/hexdump.sh: time `sockplay hexdump` against `hexdump -C` and `xxd` on
# the same file in one run, check that sockplay prints what hexdump -C
# prints, and print throughput and ratios.
#
# The file (SIZE_MB MiB, default 100) is built per MiB from 768 KiB of
# /dev/urandom followed by 256 KiB of zeros, so three quarters of it is
# random lines and a quarter collapses to "*" lines, as padding in a
# capture does. Each tool writes to /dev/null; the time shown is the best
# wall time of RUNS runs (default 3; hexdump -C runs HEXDUMP_RUNS times,
# default 1, since it takes about ten seconds), with its user+sys CPU time.
# Targets: at least 10x faster than hexdump -C and as fast as xxd.
#
# Usage: bench/hexdump.sh   (from anywhere in the repo; needs go, hexdump, xxd)
set -euo pipefail
cd "$(dirname "$0")/.."

SIZE_MB=${SIZE_MB:-100}
RUNS=${RUNS:-3}
HEXDUMP_RUNS=${HEXDUMP_RUNS:-1}
export LC_ALL=C

for tool in go hexdump xxd; do
	command -v "$tool" >/dev/null || { echo "bench/hexdump.sh: $tool is not installed" >&2; exit 1; }
done

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

echo "building sockplay..."
go build -o "$tmp/sockplay" ./cmd/sockplay

echo "making $SIZE_MB MiB of data (per MiB: 768 KiB random, 256 KiB zeros)..."
for _ in $(seq "$SIZE_MB"); do
	head -c $((768 << 10)) /dev/urandom
	head -c $((256 << 10)) /dev/zero
done >"$tmp/data.bin"

# Correctness first, on the first 8 MiB (a full comparison would cost
# another slow hexdump -C run and about 400 MB of disk).
head -c $((8 << 20)) "$tmp/data.bin" >"$tmp/head.bin"
if ! cmp -s <(hexdump -C "$tmp/head.bin") <("$tmp/sockplay" hexdump "$tmp/head.bin"); then
	echo "bench/hexdump.sh: sockplay hexdump output differs from hexdump -C" >&2
	exit 1
fi
if ! cmp -s <(hexdump -Cv "$tmp/head.bin") <("$tmp/sockplay" hexdump -v "$tmp/head.bin"); then
	echo "bench/hexdump.sh: sockplay hexdump -v output differs from hexdump -Cv" >&2
	exit 1
fi
echo "output identical to hexdump -C and hexdump -Cv on the first 8 MiB"

# timeit NAME CMD...: run CMD with output to /dev/null, keep the best wall
# time (and that run's user+sys) in best_wall[NAME], best_cpu[NAME].
declare -A best_wall best_cpu
timeit() {
	local name=$1 t wall user sys
	shift
	TIMEFORMAT='%R %U %S'
	t=$({ time "$@" >/dev/null 2>&1; } 2>&1)
	read -r wall user sys <<<"$t"
	if [[ -z ${best_wall[$name]:-} ]] || awk -v a="$wall" -v b="${best_wall[$name]}" 'BEGIN{exit !(a<b)}'; then
		best_wall[$name]=$wall
		best_cpu[$name]=$(awk -v u="$user" -v s="$sys" 'BEGIN{printf "%.2f", u+s}')
	fi
}

echo "timing on $SIZE_MB MiB ($RUNS runs, hexdump -C $HEXDUMP_RUNS)..."
for _ in $(seq "$HEXDUMP_RUNS"); do
	timeit "hexdump -C" hexdump -C "$tmp/data.bin"
done
for _ in $(seq "$RUNS"); do # interleaved, so load from others hits both alike
	timeit "xxd" xxd "$tmp/data.bin"
	timeit "sockplay hexdump" "$tmp/sockplay" hexdump "$tmp/data.bin"
done

echo
printf '%-18s %9s %9s %10s\n' tool "wall s" "cpu s" "MB/s"
for name in "hexdump -C" "xxd" "sockplay hexdump"; do
	awk -v n="$name" -v w="${best_wall[$name]}" -v c="${best_cpu[$name]}" -v mb="$SIZE_MB" \
		'BEGIN{printf "%-18s %9.2f %9.2f %10.1f\n", n, w, c, mb*1.048576/w}'
done
echo
ratio() { # ratio SLOW FAST TARGET: by wall time, and by CPU time (steadier when the machine is shared)
	awk -v a="${best_wall[$1]}" -v b="${best_wall[$2]}" -v ca="${best_cpu[$1]}" -v cb="${best_cpu[$2]}" -v t="$3" -v s="$1" \
		'BEGIN{r=a/b; printf "sockplay hexdump vs %-11s %6.1fx faster by wall time, %6.1fx by cpu time (target >= %gx: %s)\n", s, r, (cb>0 ? ca/cb : 0), t, (r>=t ? "met" : "NOT met")}'
}
ratio "hexdump -C" "sockplay hexdump" 10
ratio "xxd" "sockplay hexdump" 1
