#!/usr/bin/env bash
# Floods a session tab as fast as loopback allows for 60 s, with the real
# window under Xvfb, and reports what a person would feel: the 99th
# percentile of the UI's answer time (target < 100 ms) and the process's
# peak RSS (target < 600 MB). Then it checks the log still scrolls and
# filters, and leaves a screenshot.
#
# The answer time comes from the app's latency probe (SOCKPLAY_PROBE,
# gui/probe.go): a slot falls due every 50 ms and each is timed from when
# it fell due to when a fyne.DoAndWait round trip came back, so a stall
# counts once per slot it covered (a ticker would skip them). Peak RSS is
# the kernel's high-water mark (VmHWM in /proc/PID/status) read at the
# end, not a sample. RSS (sampled each second) and the probe's p99 per
# second are left as series for a plot.
#
#   bench/gui_soak.sh [SECONDS]      (default 60, or SECS; SOAK_BIN or
#                                     SOCKPLAY_GUI=a build to run instead)
set -euo pipefail
cd "$(dirname "$0")/.."
bench_name=gui_soak
. bench/lib.sh
secs=${1:-${SECS:-60}}
tmp=$bench_tmp
pids=()
bench_extra_cleanup='for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; wait 2>/dev/null || true'
SOAK_BIN=${SOAK_BIN:-${SOCKPLAY_GUI:-}}

for tool in Xvfb xdotool import socat dbus-daemon python3; do
	command -v "$tool" >/dev/null || { echo "gui_soak: $tool is not installed (scripts/install-deps.sh test)" >&2; exit 2; }
done

if [ -n "${SOAK_BIN:-}" ]; then # another build to compare, in the same conditions
	cp "$SOAK_BIN" "$tmp/sockplay"
else
	go build ${SOAK_TAGS:+-tags "$SOAK_TAGS"} -o "$tmp/sockplay" ./cmd/sockplay
fi

# An X server on a free display and a session bus, as a desktop has.
start_desktop # bench/lib.sh
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')

HOME="$tmp/home" XDG_RUNTIME_DIR="$tmp/run" SOCKPLAY_PROBE="$tmp/probe.txt" \
	"$tmp/sockplay" --listen "tcp://127.0.0.1:$port" > "$tmp/app.log" 2>&1 &
app=$!
pids+=($app)
for _ in $(seq 300); do
	win=$(xdotool search --onlyvisible --name '^sockplay$' 2>/dev/null | head -n1) && [ -n "$win" ] && break
	sleep 0.2
done
[ -n "${win:-}" ] || { echo "gui_soak: no window appeared" >&2; cat "$tmp/app.log" >&2; exit 1; }
sleep 2
# The process that owns the window (the binary re-executes itself once).
app=$(xdotool getwindowpid "$win")

# Random bytes, so every row's text differs (the texture cache's worst case).
head -c 64M /dev/urandom > "$tmp/noise"
rss_series=$(series soak_rss.dat)
printf '# the window under a flood: RSS\n# seconds|RSS MB|\n' >"$rss_series"
flood_start=$(date +%s%3N)
( while cat "$tmp/noise"; do :; done ) | timeout "$secs" socat -u - "TCP:127.0.0.1:$port" 2>/dev/null &
flood=$!
pids+=($flood)
while kill -0 "$flood" 2>/dev/null; do
	rss=$(awk '/^VmRSS:/ {print $2}' "/proc/$app/status" 2>/dev/null || echo 0)
	echo "$((($(date +%s%3N) - flood_start) / 1000)) $((${rss:-0} / 1024))" >>"$rss_series"
	sleep 1
done
flood_end=$(date +%s%3N)
sleep 1

# After the flood: scroll up, filter, and the window must still answer.
xdotool mousemove --window "$win" 700 400 click 4 click 4 click 4 click 4 click 4
sleep 1
xdotool key --window "$win" ctrl+f
xdotool type --window "$win" --delay 50 "closed"
sleep 2
import -window "$win" "$tmp/after.png"
cp "$tmp/after.png" /tmp/sockplay-soak-after.png
after_start=$(date +%s%3N)
sleep 3
after_end=$(date +%s%3N)
rss_max=$(awk '/^VmHWM:/ {print $2}' "/proc/$app/status" 2>/dev/null || echo 0) # kB, the peak
kill -TERM "$app"
wait "$app" 2>/dev/null || true

lat_series=$(series soak_latency.dat)
rc=0
python3 - "$tmp/probe.txt" "$flood_start" "$flood_end" "$after_start" "$after_end" "$rss_max" "$tmp/app.log" "$lat_series" "$tmp/summary" <<'PY' || rc=$?
import sys
probe, fs, fe, as_, ae, rss, log, series, summary = sys.argv[1], *map(int, sys.argv[2:7]), sys.argv[7], sys.argv[8], sys.argv[9]
samples = [tuple(map(float, l.split())) for l in open(probe) if l.strip()]
def stats(lo, hi):
    xs = sorted(ms for t, ms in samples if lo <= t <= hi)
    if not xs:
        return None
    p = lambda q: xs[min(len(xs) - 1, int(q * len(xs)))]
    return len(xs), p(0.5), p(0.99), xs[-1]
flood = stats(fs, fe)
after = stats(as_, ae)
with open(series, "w") as f:  # p99 per second of the flood
    f.write("# the window under a flood: UI answer time, p99 per second\n# seconds|p99 ms|\n")
    per = {}
    for t, ms in samples:
        if fs <= t <= fe:
            per.setdefault(int((t - fs) // 1000), []).append(ms)
    for sec in sorted(per):
        xs = sorted(per[sec])
        f.write(f"{sec} {xs[min(len(xs) - 1, int(0.99 * len(xs)))]:.1f}\n")
stalls = sum(1 for t, ms in samples if fs <= t <= fe and ms >= 100)
print(f"flood {(fe-fs)/1000:.0f} s: {flood[0]} probe slots, p50 {flood[1]:.1f} ms, p99 {flood[2]:.1f} ms, max {flood[3]:.1f} ms, {stalls} slots waited >= 100 ms (target p99 < 100 ms)")
print(f"peak RSS (VmHWM): {rss/1024:.0f} MB (target < 600 MB)")
open(summary, "w").write(f"{flood[2]:.1f} {flood[1]:.1f} {flood[3]:.1f} {stalls} {rss/1024:.0f} {flood[0]}\n")
if after:
    print(f"after the flood, scrolled and filtered: {after[0]} samples, p99 {after[2]:.1f} ms")
else:
    print("after the flood: NO probe samples: the window stopped answering")
bad = [l for l in open(log) if "Error in Fyne call thread" in l or "panic" in l]
print("app output: " + ("clean" if not bad else f"{len(bad)} bad lines, first: {bad[0].strip()}"))
ok = flood and flood[2] < 100 and rss/1024 < 600 and after and not bad
print("RESULT: " + ("PASS" if ok else "FAIL"))
sys.exit(0 if ok else 1)
PY
read -r p99 p50 pmax stalls peak nslots <"$tmp/summary"
result "the window under a ${secs} s flood of random bytes (Xvfb): UI answer time p99, peak RSS" \
	"p99 $p99 ms (p50 $p50, max $pmax; $stalls of $nslots slots >= 100 ms), peak RSS $peak MB" "-" "-" "p99 < 100 ms, RSS < 600 MB" \
	"$(awk -v p="$p99" -v r="$peak" 'BEGIN { print (p < 100 && r < 600) ? "pass" : "miss" }')" "one run; probe counts stalls per 50 ms slot; peak from VmHWM"
echo "screenshot after the flood: /tmp/sockplay-soak-after.png"
exit 0 # the row says pass or miss; only a run that measured nothing fails
