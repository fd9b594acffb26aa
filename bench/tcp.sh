#!/usr/bin/env bash
# bench/tcp.sh: TCP throughput over loopback, SIZE (default 4G) bytes from a
# file in the page cache, sockplay against socat with 256 KiB buffers
# (`-b 262144`; socat's default 8 KiB would measure socat's small reads)
# and against Go's in-process limit (bench/tcplimit: one process sending to
# itself, nothing else to do). Four comparisons, run alternately, RUNS
# (default 5) each, medians compared:
#
#   quiet  sockplay connect --send-file IN -> sockplay serve --quiet --once
#          socat -u -b 262144 OPEN:IN TCP  -> socat -u -b 262144 TCP-LISTEN OPEN:/dev/null
#          bench/tcplimit (the limit: one 256 KiB buffer, cache-hot)
#          bench/tcplimit -file IN (the limit for sending a file: IN mapped,
#          written 1 MiB at a time, its bytes coming from memory)
#   file   sockplay connect --send-file IN -> sockplay serve --once > OUT
#          socat OPEN:IN TCP               -> socat TCP-LISTEN OPEN:OUT
#          OUT is on a disk, where a user's `> file` goes (/var/tmp, TMPDIR
#          or the repository, the first not on tmpfs with room; DISKDIR
#          chooses), and each run ends with `sync OUT`: the run is done
#          when the bytes are on the disk, and no run's write-back spills
#          into the next one's time. OUT must equal IN (cmp), for both.
#   tmpfs  the same, OUT beside IN (in /dev/shm), no sync (an info row:
#          writing into tmpfs is mostly the kernel handing out fresh
#          pages, the same work for both, and moves a lot run to run)
#   stdin  cat IN | sockplay connect --wait 0   -> socat sink (/dev/null)
#          cat IN | socat -u -b 262144 - TCP    -> the same sink
#   sendfile  sockplay connect --send-file IN   -> socat sink
#          socat -u -b 262144 OPEN:IN TCP        -> the same sink
#
# A run's time is from starting the sender to both ends having exited.
# Peak RSS of each sockplay side is the kernel's high-water mark (GNU time).
# Targets: each ratio (their time / ours) >= 1.0; quiet >= 0.70 of the
# limit; peak RSS < 100 MB each side. IN (and the tmpfs mode's OUT) live
# in /dev/shm when it has room for both, else in TMPDIR; all is removed at
# the end.
#
# Usage: bench/tcp.sh   (SIZE=4G RUNS=5 MODES="quiet file tmpfs stdin sendfile";
#        SOCKPLAY=path measures that build instead of building ./cmd/sockplay)
#
# Profiling a side (what limited it before this script existed is in
# bench/README.md):
#   go build -o /tmp/sockplayprof ./bench/sockplayprof
#   SOCKPLAY_CPUPROFILE=/tmp/serve.cpu /tmp/sockplayprof serve tcp://127.0.0.1:9000 --quiet --once &
#   /tmp/sockplayprof connect tcp://127.0.0.1:9000 --send-file IN --wait 0
#   go tool pprof -top /tmp/sockplayprof /tmp/serve.cpu
set -euo pipefail
cd "$(dirname "$0")/.."
bench_name=tcp
. bench/lib.sh

SIZE=${SIZE:-4G}
RUNS=${RUNS:-5}
MODES=${MODES:-quiet file tmpfs stdin sendfile}
need go socat ss cmp bc numfmt python3 sync
[ -x /usr/bin/time ] || die "GNU time is not installed (apt-get install time)"

bytes=$(numfmt --from=iec "$SIZE")
sp=$(sockplay_bin)
go build -o "$bench_tmp/tcplimit" ./bench/tcplimit || die "go build ./bench/tcplimit failed"

# Where IN and OUT go: tmpfs (the page cache) when it holds both with 1 GiB
# to spare.
dir=${TMPDIR:-/tmp}
if [ -d /dev/shm ] && [ "$(df -B1 --output=avail /dev/shm | tail -1)" -gt $((2 * bytes + (1 << 30))) ]; then
	dir=/dev/shm
fi
data=$(mktemp -d "$dir/sockplay-bench-tcp.XXXXXX")
bench_extra_cleanup='rm -rf "$data"'
in=$data/in
data_fs=$(stat -f -c %T "$data")
beside_kind=tmpfs
[ "$data_fs" = tmpfs ] || beside_kind="$data_fs, beside IN (/dev/shm had no room)"

# disk_dir: DISKDIR as given, else the first writable folder not on tmpfs
# with room for SIZE and 1 GiB more.
disk_dir() {
	local d
	if [ -n "${DISKDIR:-}" ]; then
		[ -d "$DISKDIR" ] && [ -w "$DISKDIR" ] && echo "$DISKDIR"
		return 0
	fi
	for d in /var/tmp "${TMPDIR:-/tmp}" "$PWD"; do
		[ -d "$d" ] && [ -w "$d" ] || continue
		[ "$(stat -f -c %T "$d")" != tmpfs ] || continue
		[ "$(df -B1 --output=avail "$d" | tail -1)" -gt $((bytes + (1 << 30))) ] && echo "$d" && return
	done
	return 0
}
if [[ " $MODES " = *" file "* ]]; then
	ddir=$(disk_dir)
	[ -n "$ddir" ] || die "no folder on a disk has room for $SIZE, or DISKDIR is not a writable folder (set DISKDIR, or leave file out of MODES)"
	disk=$(mktemp -d "$ddir/sockplay-bench-tcp-disk.XXXXXX")
	bench_extra_cleanup='rm -rf "$data" "$disk"'
	disk_fs=$(stat -f -c %T "$disk")
	disk_kind="a disk ($disk_fs)"
	[ "$disk_fs" = tmpfs ] && disk_kind="tmpfs (DISKDIR)"
	echo "file mode writes into $disk ($disk_fs)"
fi
echo "making $SIZE of random data in $data..."
head -c 64M /dev/urandom >"$data/block"
blocks=$(((bytes + (64 << 20) - 1) / (64 << 20)))
for _ in $(seq "$blocks"); do cat "$data/block"; done | head -c "$bytes" >"$in"
rm -f "$data/block"

TO=$((60 + bytes / 20000000)) # seconds any one run may take (20 MB/s is a failure anyway)
# keep_peak SIDE REPORT: note one run's peak RSS (run_one runs in a subshell).
keep_peak() { rss_mb "$2" >>"$bench_tmp/rss.$1"; echo >>"$bench_tmp/rss.$1"; }
peak() { sort -g "$bench_tmp/rss.$1" 2>/dev/null | tail -1; }

# sink_socat PORT FILE: socat receiving into FILE, in the background.
sink_socat() {
	timeout "$TO" socat -u -b 262144 "TCP-LISTEN:$1,bind=127.0.0.1,reuseaddr" "OPEN:$2,creat,trunc" &
	sink=$!
}

# run_one MODE WHO: one run, prints its seconds.
run_one() {
	local mode=$1 who=$2 port t0 t sink out=$data/out
	[ "$mode" = file ] && out=$disk/out
	port=$(free_port)
	rm -f "$out"
	case "$mode/$who" in
	*/limit)
		timeout "$TO" "$bench_tmp/tcplimit" -size "$bytes" -buf 256K
		return
		;;
	*/filelimit)
		timeout "$TO" "$bench_tmp/tcplimit" -file "$in" -buf 1M
		return
		;;
	quiet/sockplay) timev "$bench_tmp/t.serve" timeout "$TO" "$sp" serve "tcp://127.0.0.1:$port" --quiet --once >"$bench_tmp/summary" 2>"$bench_tmp/err" & sink=$! ;;
	file/sockplay | tmpfs/sockplay) timev "$bench_tmp/t.serve" timeout "$TO" "$sp" serve "tcp://127.0.0.1:$port" --once >"$out" 2>"$bench_tmp/err" & sink=$! ;;
	quiet/socat | stdin/* | sendfile/*) sink_socat "$port" /dev/null ;;
	file/socat | tmpfs/socat) sink_socat "$port" "$out" ;;
	esac
	wait_listening "$port"
	t0=$(now)
	case "$mode/$who" in
	quiet/sockplay | file/sockplay | tmpfs/sockplay | sendfile/sockplay)
		timev "$bench_tmp/t.connect" timeout "$TO" "$sp" connect "tcp://127.0.0.1:$port" --send-file "$in" --wait 0 >/dev/null 2>"$bench_tmp/cerr" ||
			die "sockplay connect failed: $(cat "$bench_tmp/cerr")"
		;;
	stdin/sockplay)
		cat "$in" | timev "$bench_tmp/t.connect" timeout "$TO" "$sp" connect "tcp://127.0.0.1:$port" --wait 0 >/dev/null 2>"$bench_tmp/cerr" ||
			die "sockplay connect failed: $(cat "$bench_tmp/cerr")"
		;;
	stdin/socat) cat "$in" | timeout "$TO" socat -u -b 262144 - "TCP:127.0.0.1:$port" ;;
	*/socat) timeout "$TO" socat -u -b 262144 "OPEN:$in" "TCP:127.0.0.1:$port" ;;
	esac
	wait "$sink" || die "$mode: the $who sink failed: $(cat "$bench_tmp/err" 2>/dev/null)"
	[ "$mode" = file ] && sync "$out"
	t=$(elapsed "$t0")
	if [ "$who" = sockplay ]; then
		[ -s "$bench_tmp/t.connect" ] && keep_peak connect "$bench_tmp/t.connect"
		if [ "$mode" != stdin ] && [ "$mode" != sendfile ]; then
			keep_peak serve "$bench_tmp/t.serve"
		fi
		rm -f "$bench_tmp/t.connect" "$bench_tmp/t.serve"
	fi
	if [ "$mode" = quiet ] && [ "$who" = sockplay ]; then
		grep -q "in $bytes bytes" "$bench_tmp/summary" || die "serve --quiet did not get $bytes bytes: $(cat "$bench_tmp/summary")"
	fi
	if [ "$mode" = file ] || [ "$mode" = tmpfs ]; then
		cmp "$in" "$out" >&2 || die "$mode: what $who wrote differs from what was sent"
		rm -f "$out"
	fi
	echo "$t"
}

mbs() { awk -v b="$bytes" -v t="$1" 'BEGIN { printf "%.0f MB/s", b / t / 1e6 }'; }

for mode in $MODES; do
	echo "== $mode ($SIZE, $RUNS runs each, alternating)"
	whos="socat sockplay"
	[ "$mode" = quiet ] && whos="socat sockplay limit filelimit"
	for who in $whos; do : >"$bench_tmp/$mode.$who"; done
	for r in $(seq "$RUNS"); do
		for who in $whos; do
			t=$(run_one "$mode" "$who")
			echo "$t" >>"$bench_tmp/$mode.$who"
			printf 'run %d  %-8s %7.3f s  %s\n' "$r" "$who" "$t" "$(mbs "$t")"
		done
	done
	ts=$(median "$bench_tmp/$mode.socat")
	tp=$(median "$bench_tmp/$mode.sockplay")
	ratio=$(calc "$ts / $tp")
	case $mode in
	quiet) row="TCP 4 GiB end to end: connect --send-file -> serve --quiet vs socat -b 262144 -> /dev/null" ;;
	file) row="TCP 4 GiB end to end: connect --send-file -> serve > file on $disk_kind vs socat -> file (each run ends with sync FILE; cmp checked)" ;;
	tmpfs) row="TCP 4 GiB end to end: connect --send-file -> serve > file on $beside_kind vs socat -> file (cmp checked)" ;;
	stdin) row="TCP send 4 GiB: cat | connect vs cat | socat -b 262144 (same socat sink)" ;;
	sendfile) row="TCP send 4 GiB: connect --send-file vs socat OPEN:file (same socat sink)" ;;
	esac
	row=${row//4 GiB/$SIZE}
	target=">= 1.0x" judged=$(verdict "$ratio" ">=" 1.0) note="medians of $RUNS"
	if [ "$mode" = tmpfs ]; then
		target=- judged=info note="$note; where the file is the page cache, most of either run is the kernel handing out fresh pages, which moves a lot from run to run here"
	fi
	result "$row" "$(printf '%.3f s, %s' "$tp" "$(mbs "$tp")")" "$(printf '%.3f s, %s' "$ts" "$(mbs "$ts")")" \
		"$(printf '%.2fx' "$ratio")" "$target" "$judged" "$note"
	if [ "$mode" = quiet ]; then
		tl=$(median "$bench_tmp/quiet.limit")
		lr=$(calc "$tl / $tp")
		sr=$(calc "$tl / $ts")
		result "TCP $SIZE end to end, quiet path, share of Go's in-process loopback limit (bench/tcplimit)" \
			"$(printf '%.0f%%' "$(echo "$lr * 100" | bc -l)")" "$(printf 'socat %.0f%%; limit %.3f s, %s' "$(echo "$sr * 100" | bc -l)" "$tl" "$(mbs "$tl")")" \
			"$(printf '%.2f' "$lr")" ">= 0.70" "$(verdict "$lr" ">=" 0.70)" "medians of $RUNS"
		tf=$(median "$bench_tmp/quiet.filelimit")
		fr=$(calc "$tf / $tp")
		result "TCP $SIZE end to end, quiet path, share of the in-process limit for sending the same file (bench/tcplimit -file: mapped, 1 MiB writes)" \
			"$(printf '%.0f%%' "$(echo "$fr * 100" | bc -l)")" "$(printf 'socat %.0f%%; limit %.3f s, %s' "$(echo "$tf / $ts * 100" | bc -l)" "$tf" "$(mbs "$tf")")" \
			"$(printf '%.2f' "$fr")" "-" "info" "medians of $RUNS; what the row above misses by: a file's bytes come from memory, the limit's from the CPU's caches"
	fi
done
peak_serve=$(peak serve) peak_connect=$(peak connect)
result "TCP $SIZE: peak RSS of sockplay serve / connect (kernel high-water mark)" \
	"serve $peak_serve MB, connect $peak_connect MB" "-" "-" "< 100 MB each" \
	"$(awk -v a="${peak_serve:-0}" -v b="${peak_connect:-0}" 'BEGIN { print (a > 0 && b > 0 && a < 100 && b < 100) ? "pass" : "miss" }')" "highest of every run"
