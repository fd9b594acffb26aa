#!/usr/bin/env bash
# bench/hexdump.sh: `sockplay hexdump` against `hexdump -C`, `xxd` and
# `od -Ax -tx1z` on the same two files, in one run:
#
#   random  SIZE_MB MiB of /dev/urandom: no two lines alike, so every tool
#           prints every line (equal work);
#   zeros   per MiB 768 KiB random then 256 KiB of zeros, as padding in a
#           capture: hexdump -C, od and sockplay fold repeated lines into
#           "*"; xxd runs with -a (autoskip: a "*" for nul lines) so that
#           it does the same work instead of printing every zero line.
#
# First, sockplay's output must be byte for byte hexdump -C's on both
# whole files (compared by SHA-256), and hexdump -Cv's with -v on the
# first 8 MiB. Then each tool writes to /dev/null, RUNS times (default 5),
# the tools alternating; the median wall time and the median user+sys CPU
# time of each are compared. Targets (by wall time; CPU shown beside):
# >= 10x hexdump -C, >= 1x xxd; od is shown for reference.
#
# Usage: bench/hexdump.sh   (needs go, hexdump, xxd, od, sha256sum; SIZE_MB=100 RUNS=5;
#        SOCKPLAY=path uses that binary instead of building ./cmd/sockplay)
# Profile: go test -run '^$' -bench BenchmarkAppendDump -cpuprofile /tmp/hex.cpu ./netcore/hexdump
set -euo pipefail
cd "$(dirname "$0")/.."
bench_name=hexdump
. bench/lib.sh

SIZE_MB=${SIZE_MB:-100}
RUNS=${RUNS:-5}
need go hexdump xxd od sha256sum
sp=$(sockplay_bin)

echo "making $SIZE_MB MiB of random data, and $SIZE_MB MiB with zero runs..."
head -c $((SIZE_MB << 20)) /dev/urandom >"$bench_tmp/random.bin"
for _ in $(seq "$SIZE_MB"); do
	head -c $((768 << 10)) /dev/urandom
	head -c $((256 << 10)) /dev/zero
done >"$bench_tmp/zeros.bin"

for f in random zeros; do
	a=$(hexdump -C "$bench_tmp/$f.bin" | sha256sum)
	b=$("$sp" hexdump "$bench_tmp/$f.bin" | sha256sum)
	[ "$a" = "$b" ] || die "sockplay hexdump output differs from hexdump -C on the $f file"
done
head -c $((8 << 20)) "$bench_tmp/zeros.bin" >"$bench_tmp/head.bin"
cmp -s <(hexdump -Cv "$bench_tmp/head.bin") <("$sp" hexdump -v "$bench_tmp/head.bin") ||
	die "sockplay hexdump -v output differs from hexdump -Cv"
echo "output identical to hexdump -C on both files (and to hexdump -Cv on 8 MiB)"

# timeit KEY CMD...: one run with output to /dev/null; appends wall and
# user+sys seconds to $bench_tmp/KEY.wall and KEY.cpu.
timeit() {
	local key=$1 t wall user sys
	shift
	TIMEFORMAT='%R %U %S'
	t=$({ time "$@" >/dev/null 2>&1; } 2>&1)
	read -r wall user sys <<<"$t"
	echo "$wall" >>"$bench_tmp/$key.wall"
	awk -v u="$user" -v s="$sys" 'BEGIN { printf "%.3f\n", u + s }' >>"$bench_tmp/$key.cpu"
}

for f in random zeros; do
	xxdflags=()
	[ "$f" = zeros ] && xxdflags=(-a)
	echo "timing on the $f file ($RUNS runs each, alternating)..."
	for r in $(seq "$RUNS"); do
		timeit "$f.hexdump" hexdump -C "$bench_tmp/$f.bin"
		timeit "$f.sockplay" "$sp" hexdump "$bench_tmp/$f.bin"
		timeit "$f.xxd" xxd "${xxdflags[@]}" "$bench_tmp/$f.bin"
		timeit "$f.sockplay" "$sp" hexdump "$bench_tmp/$f.bin"
		timeit "$f.od" od -Ax -tx1z "$bench_tmp/$f.bin"
		echo "  run $r done"
	done
	printf '%-18s %9s %9s %10s\n' tool "wall s" "cpu s" "MB/s"
	for k in hexdump xxd od sockplay; do
		printf '%-18s %9.3f %9.3f %10.1f\n' "$k" "$(median "$bench_tmp/$f.$k.wall")" "$(median "$bench_tmp/$f.$k.cpu")" \
			"$(echo "$SIZE_MB * 1.048576 / $(median "$bench_tmp/$f.$k.wall")" | bc -l)"
	done
	spw=$(median "$bench_tmp/$f.sockplay.wall") spc=$(median "$bench_tmp/$f.sockplay.cpu")
	for k in hexdump xxd od; do
		w=$(median "$bench_tmp/$f.$k.wall") c=$(median "$bench_tmp/$f.$k.cpu")
		rw=$(calc "$w / $spw")
		rc=$(awk -v a="$c" -v b="$spc" 'BEGIN { printf "%.1f", (b > 0 ? a / b : 0) }')
		case $k in
		hexdump) tool="hexdump -C" target=10 ;;
		xxd) tool="xxd${xxdflags[*]:+ ${xxdflags[*]}}" target=1 ;;
		od) tool="od -Ax -tx1z" target= ;;
		esac
		what="hexdump of $SIZE_MB MiB random"
		[ "$f" = zeros ] && what="hexdump of $SIZE_MB MiB with zero runs (1/4 zeros)"
		v=info
		[ -n "$target" ] && v=$(verdict "$rw" ">=" "$target")
		result "$what vs $tool" "$(printf '%.3f s wall, %.3f s CPU' "$spw" "$spc")" "$(printf '%.3f s wall, %.3f s CPU' "$w" "$c")" \
			"$(printf '%.1fx wall, %sx CPU' "$rw" "$rc")" "${target:+>= ${target}x}" "$v" "medians of $RUNS (sockplay $((2 * RUNS))); output = hexdump -C's"
	done
done
