# bench/lib.sh: what the bench/*.sh scripts share; sourced, not run.
#
# Every script: measures sockplay and the tool a person would pick instead
# in the same run, alternating them so load from others on the machine hits
# both alike, and reports the median of RUNS runs of each. A row's result
# is printed, and when BENCH_RESULTS names a file (make bench sets it), one
# tab-separated line is appended to it per row:
#
#	row  ours  theirs  ratio  target  verdict  note
#
# that bench/report.sh turns into bench/RESULTS.md. verdict is pass, miss
# or info (no target). Each script cleans up what it made, and is bounded
# in time: a stuck step is killed by `timeout`.

export LC_ALL=C

bench_name=${bench_name:-$(basename "$0" .sh)}

die() { echo "bench/$bench_name: $*" >&2; exit 1; }

need() { # need TOOL...: each must be installed
	local t
	for t in "$@"; do
		command -v "$t" >/dev/null || die "$t is not installed"
	done
}

# bench_tmp: a temp dir removed at exit, with the pids in bench_pids killed.
bench_pids=()
bench_tmp=$(mktemp -d "${TMPDIR:-/tmp}/sockplay-bench.XXXXXX")
bench_cleanup() {
	local p
	for p in "${bench_pids[@]}"; do kill "$p" 2>/dev/null || true; done
	for p in "${bench_pids[@]}"; do wait "$p" 2>/dev/null || true; done
	rm -rf "$bench_tmp"
	[ -n "${bench_extra_cleanup:-}" ] && eval "$bench_extra_cleanup"
	return 0
}
trap bench_cleanup EXIT

# sockplay_bin: the binary to measure. SOCKPLAY=path uses that one;
# otherwise ./cmd/sockplay is built (cgo: the window's binary).
sockplay_bin() {
	if [ -n "${SOCKPLAY:-}" ]; then
		[ -x "$SOCKPLAY" ] || die "SOCKPLAY=$SOCKPLAY is not an executable"
		echo "$SOCKPLAY"
		return
	fi
	if [ ! -x "$bench_tmp/sockplay" ]; then
		echo "building sockplay..." >&2
		go build -o "$bench_tmp/sockplay" ./cmd/sockplay || die "go build failed"
	fi
	echo "$bench_tmp/sockplay"
}

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
free_udp_port() { python3 -c 'import socket; s=socket.socket(socket.AF_INET, socket.SOCK_DGRAM); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }

wait_listening() { # wait_listening PORT [udp]: up to 5 s
	local flag=-Hltn
	[ "${2:-}" = udp ] && flag=-Hlun
	for _ in $(seq 1 500); do
		ss $flag "sport = :$1" | grep -q . && return 0
		sleep 0.01
	done
	die "nothing listens on port $1"
}

now() { date +%s.%N; }
elapsed() { echo "$(now) - $1" | bc -l; } # elapsed T0: seconds since T0

# median FILE: the median of the numbers in FILE, one a line.
median() { sort -g "$1" | awk '{v[NR]=$1} END {if (NR==0) {print "nan"; exit} if (NR%2) print v[(NR+1)/2]; else print (v[NR/2]+v[NR/2+1])/2}'; }

# GNU time's report: peak RSS (kernel's high-water mark) in MB, CPU seconds.
rss_mb() { awk -F: '/Maximum resident set size/ { printf "%.1f", $2 / 1024 }' "$1"; }
cpu_s() { awk -F: '/User time|System time/ { s += $2 } END { printf "%.2f", s }' "$1"; }
timev() { /usr/bin/time -v -o "$@"; } # timev REPORT CMD...

# calc EXPR: bc with 4 decimals.
calc() { printf '%.4f' "$(echo "$1" | bc -l)"; }

# verdict VALUE OP TARGET: pass or miss (OP is >= or <=).
verdict() { awk -v v="$1" -v t="$3" -v op="$2" 'BEGIN { ok = (op == ">=") ? (v >= t) : (v <= t); print (ok ? "pass" : "miss") }'; }

# result ROW OURS THEIRS RATIO TARGET VERDICT [NOTE]: print the row and
# append it to BENCH_RESULTS.
result() {
	printf 'RESULT  %s: ours %s, theirs %s, ratio %s, target %s: %s%s\n' "$1" "$2" "$3" "$4" "${5:--}" "$6" "${7:+ ($7)}"
	if [ -n "${BENCH_RESULTS:-}" ]; then
		# Columns 8 and 9: the script and when, at which commit, it ran, so
		# bench/run.sh ONLY=... can replace one script's rows and keep the rest.
		printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$1" "$2" "$3" "$4" "${5:--}" "$6" "${7:-}" "${bench_name:-?}" "${BENCH_STAMP:-$(date -u '+%Y-%m-%d %H:%M')}" >>"$BENCH_RESULTS"
	fi
}

# series NAME: a file where a script leaves numbers for a plot
# (bench/report.sh draws it when gnuplot or matplotlib is installed).
series() {
	if [ -n "${BENCH_SERIES:-}" ]; then
		mkdir -p "$BENCH_SERIES"
		echo "$BENCH_SERIES/$1"
	else
		echo "$bench_tmp/series.$1"
	fi
}

# start_desktop: what the window needs, as a desktop has it: an X server
# on a free display (DISPLAY) and a session bus (DBUS_SESSION_BUS_ADDRESS),
# both killed at exit, and a home and runtime dir under bench_tmp.
# -noreset: an X server resets when its last client leaves, and a window
# started during the reset fails to open (one warm run in seven did).
start_desktop() {
	exec 3<>"$bench_tmp/display"
	Xvfb -displayfd 3 -screen 0 1280x800x24 -nolisten tcp -noreset >/dev/null 2>&1 &
	bench_pids+=($!)
	for _ in $(seq 50); do [ -s "$bench_tmp/display" ] && break; sleep 0.1; done
	export DISPLAY=":$(head -n1 "$bench_tmp/display")"
	local bus buspid
	read -r bus buspid < <(dbus-daemon --session --fork --print-address=1 --print-pid=1 | tr '\n' ' '; echo)
	bench_pids+=("$buspid")
	export DBUS_SESSION_BUS_ADDRESS=$bus
	mkdir -p "$bench_tmp/home" "$bench_tmp/run" && chmod 700 "$bench_tmp/run"
}
