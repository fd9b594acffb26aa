#!/usr/bin/env bash
# Runs the packaged Windows program the way a Windows user meets it, under
# Wine in Xvfb: dist/sockplay.exe's subcommands, its window receiving a line
# from a Linux peer, and the NSIS installer's silent install and uninstall.
# Run by scripts/check-package.sh (so by `make package`) after the static
# checks of the .exe and the installer.
#
#   scripts/check-windows.sh
#
# Everything happens in a private Wine prefix, build/wine-package (made by
# packaging/wine/prefix.sh, with the ProcessPrng shim Go 1.22+ needs under
# Wine 8), on an Xvfb display of its own; never in ~/.wine, never on the
# person's display. Logs and the screenshot of the window go to
# build/check-windows/ (SCREENSHOT=PATH puts the picture elsewhere, e.g.
# docs/screenshot-windows.png). Prints "ok:" or "FAIL:" a check, the time of
# each step, and exits 1 if anything failed.
#
# What Wine cannot check (see the README's Windows notes): UDP (Wine refuses
# the SIO_UDP_NETRESET ioctl Go makes on every UDP socket), IPv6 ping, and
# the console of a GUI-subsystem program (Wine gives it the parent's console
# anyway).
set -uo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
dist=$root/dist
arch=amd64

. scripts/fyneapp.sh # toml_get
name=$(toml_get Details Name)
id=$(toml_get Details ID)
version=$(toml_get Details Version)
build=$(toml_get Details Build)

exe=$dist/$name.exe
setup=$dist/$name-$version-windows-$arch-setup.exe
out=$root/build/check-windows
prefix=$root/build/wine-package
shot=${SCREENSHOT:-$out/screenshot-windows.png}

failures=0
ok() { printf 'ok:   %s\n' "$*"; }
fail() { printf 'FAIL: %s\n' "$*"; failures=$((failures + 1)); }
# expect DESCRIPTION TEXT PATTERN: grep -E PATTERN in TEXT.
expect() {
	if grep -qE -- "$3" <<<"$2"; then ok "$1"; else fail "$1 (no match for /$3/)"; fi
}
indent() { sed 's/^/     | /'; }
t0=$(date +%s.%N)
step_start=$t0
step() {
	local now
	now=$(date +%s.%N)
	[ "$step_start" = "$t0" ] || awk -v a="$step_start" -v b="$now" 'BEGIN { printf "     (%.1f s)\n", b - a }'
	step_start=$now
	printf '\n--- wine: %s\n' "$*"
}
# wait_for SECONDS COMMAND...: runs COMMAND every 0.2 s until it succeeds.
wait_for() {
	local deadline=$((SECONDS + $1))
	shift
	until "$@"; do
		[ "$SECONDS" -lt "$deadline" ] || return 1
		sleep 0.2
	done
}

for tool in wine wineserver Xvfb xdotool import convert socat ss; do
	command -v "$tool" >/dev/null || { fail "$tool is not installed (scripts/install-deps.sh package)"; exit 1; }
done
for f in "$exe" "$setup"; do
	[ -s "$f" ] || { fail "missing $f (run scripts/package.sh windows)"; exit 1; }
done
mkdir -p "$out"
rm -f "$out"/*.log "$out"/*.out "$out"/*.err "$out/xvfb.display"

# The prefix and its environment (WINEPREFIX, WINEDEBUG, WINEDLLOVERRIDES).
# winemenubuilder is off: it would turn the installer's Start-menu shortcut
# into a desktop entry in the person's own ~/.local/share/applications.
while IFS= read -r kv; do export "$kv"; done < <(packaging/wine/prefix.sh "$prefix") ||
	{ fail "packaging/wine/prefix.sh $prefix failed"; exit 1; }
export WINEDLLOVERRIDES="$WINEDLLOVERRIDES;winemenubuilder.exe=d"
# Fyne takes the glyphs its own font lacks (the tabs' state mark, U+25CF)
# from the fonts in C:\Windows\Fonts, where every Windows has Arial and
# Segoe UI Symbol; a Wine prefix has none there (Wine keeps its own fonts
# elsewhere), so they drew as boxes. DejaVu Sans stands in for them.
font=/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf
if [ -f "$font" ] && [ ! -f "$WINEPREFIX/drive_c/windows/Fonts/DejaVuSans.ttf" ]; then
	cp "$font" "$WINEPREFIX/drive_c/windows/Fonts/"
fi
export LANG=C.UTF-8

pids=()
xvfb_pid=
cleanup() {
	local p
	for p in "${pids[@]}"; do kill "$p" 2>/dev/null; done
	wineserver -k 2>/dev/null
	[ -z "$xvfb_pid" ] || kill "$xvfb_pid" 2>/dev/null
}
trap cleanup EXIT

# An X server of our own. The Wine server must start with DISPLAY already
# set (or windows fail with "Failed to create helper window"), so any server
# left on this prefix is stopped first.
wineserver -k 2>/dev/null
Xvfb -displayfd 3 -screen 0 1280x800x24 -nolisten tcp -noreset 3>"$out/xvfb.display" 2>"$out/xvfb.log" &
xvfb_pid=$!
wait_for 20 test -s "$out/xvfb.display" || { fail "Xvfb reported no display (see $out/xvfb.log)"; exit 1; }
export DISPLAY=:$(head -n1 "$out/xvfb.display")
echo "Wine: $(wine --version), prefix $WINEPREFIX, DISPLAY=$DISPLAY"

# A free TCP port on loopback, for the window (which does not print the port
# it bound).
free_port() {
	local p
	for _ in $(seq 50); do
		p=$((20000 + RANDOM % 40000))
		[ -z "$(ss -Htan "sport = :$p")" ] && { echo "$p"; return; }
	done
	return 1
}
listening() { [ -n "$(ss -Hltn "src 127.0.0.1:$1")" ]; }

step "$name.exe version"
v=$(timeout 120 wine "$exe" version 2>&1)
rc=$?
printf '%s\n' "$v" | indent
# Wine names a missing DLL this way (libssp-0.dll before it was linked statically).
expect "exe starts under Wine, no missing DLL (exit $rc)" "$rc:$v" "^0:"
expect "version prints FyneApp.toml's $version (build $build), windows/$arch" "$v" \
	"^$name $version \(build $build, go[0-9.]+, windows/$arch\)\$"

step "$name.exe serve --echo and connect, TCP on loopback"
wine "$exe" serve tcp://127.0.0.1:0 --echo >"$out/serve.out" 2>"$out/serve.err" </dev/null &
serve_pid=$!
pids+=("$serve_pid")
port=
if wait_for 60 grep -q '^listening on ' "$out/serve.err"; then
	port=$(sed -n 's/^listening on 127\.0\.0\.1:\([0-9]*\)$/\1/p' "$out/serve.err")
fi
if [ -z "$port" ]; then
	fail "serve tcp://127.0.0.1:0 --echo did not say where it listens"
	indent <"$out/serve.err"
else
	ok "serve: listening on 127.0.0.1:$port"
	c=$(timeout 60 wine "$exe" connect "tcp://127.0.0.1:$port" --send 'hello from sockplay.exe connect\n' --wait 1s </dev/null 2>&1)
	rc=$?
	printf '%s\n' "$c" | indent
	expect "connect (Windows) gets its line back from serve --echo (Windows) (exit $rc)" "$rc:$c" \
		"^0:hello from sockplay.exe connect\$"
	s=$(printf 'hello from socat on Linux\n' | timeout 30 socat -t 2 - "TCP:127.0.0.1:$port" 2>&1)
	printf '%s\n' "$s" | indent
	expect "socat (Linux) gets its line back from serve --echo (Windows)" "$s" "^hello from socat on Linux\$"

	step "$name.exe sockets -t -l (while serve listens)"
	l=$(timeout 60 wine "$exe" sockets -t -l 2>&1)
	rc=$?
	printf '%s\n' "$l" | indent
	expect "sockets lists serve's listening socket (exit $rc)" "$rc:$l" "(^|$(printf '\n'))LISTEN .* 127\.0\.0\.1:$port "
	expect "sockets prints the ss header" "$l" "^State +Recv-Q +Send-Q +Local Address:Port +Peer Address:Port"
fi
kill "$serve_pid" 2>/dev/null
wait "$serve_pid" 2>/dev/null
echo "     serve's stdout (what peers sent) and stderr:"
indent <"$out/serve.out"
indent <"$out/serve.err"
expect "serve printed both peers' bytes on stdout" "$(cat "$out/serve.out")" "hello from socat on Linux"
expect "serve printed the connect peer's bytes too" "$(cat "$out/serve.out")" "hello from sockplay.exe connect"

step "$name.exe ping 127.0.0.1 -c 3"
p=$(timeout 60 wine "$exe" ping 127.0.0.1 -c 3 -i 0.2 2>&1)
rc=$?
printf '%s\n' "$p" | indent
expect "ping: 3 replies (exit $rc)" "$rc:$p" "^0:"
expect "ping: 3 packets transmitted, 3 received, 0% packet loss" "$p" \
	"^3 packets transmitted, 3 received, 0% packet loss"

step "$name.exe gui --listen tcp://127.0.0.1:PORT --echo, a line from socat, screenshot"
gport=$(free_port)
# A first start: no workspace or preferences from an earlier run (the window
# would reopen its sessions), in %APPDATA% and %LOCALAPPDATA%\fyne\ID.
rm -rf "$WINEPREFIX"/drive_c/users/*/AppData/{Roaming,Local}/fyne/"$id"
wine "$exe" gui --listen "tcp://127.0.0.1:$gport" --echo >"$out/gui.out" 2>"$out/gui.err" </dev/null &
gui_pid=$!
pids+=("$gui_pid")
win=
# Its title is "sockplay", or "TAB — sockplay" once a tab is selected.
find_window() { win=$(xdotool search --onlyvisible --name "(^| )$name\$" 2>/dev/null | head -n1); [ -n "$win" ]; }
gui_listening() { listening "$gport" || ! kill -0 "$gui_pid" 2>/dev/null; }
if ! wait_for 90 gui_listening || ! kill -0 "$gui_pid" 2>/dev/null; then
	fail "the window's server session never listened on 127.0.0.1:$gport"
elif ! wait_for 60 find_window; then
	fail "no visible window titled '$name' or '... — $name' on $DISPLAY"
else
	ok "window '$(xdotool getwindowname "$win" 2>/dev/null)' open (X window $win), its session listening on 127.0.0.1:$gport"
	xdotool windowsize "$win" 1260 720 2>/dev/null
	sleep 2
	# socat stays connected for the picture, so the peer shows too.
	(printf 'hello from socat on Linux\n'; sleep 8) | timeout 30 socat - "TCP:127.0.0.1:$gport" >"$out/gui-socat.out" 2>&1 &
	socat_pid=$!
	pids+=("$socat_pid")
	wait_for 30 grep -q . "$out/gui-socat.out"
	sleep 3 # the view refreshes at most 30 times a second; Wine draws with Mesa in software
	mkdir -p "$(dirname "$shot")"
	if import -window "$win" "$shot" 2>"$out/import.err"; then
		colors=$(convert "$shot" -format '%k' info: 2>/dev/null)
		geom=$(convert "$shot" -format '%wx%h' info: 2>/dev/null)
		echo "     screenshot: $shot ($geom, $colors colours)"
		if [ "${colors:-0}" -gt 16 ]; then ok "screenshot of the window is not blank"; else fail "screenshot is blank ($colors colours)"; fi
	else
		fail "import -window $win: $(cat "$out/import.err")"
	fi
	wait "$socat_pid"
	indent <"$out/gui-socat.out"
	expect "socat gets its line back from the window's echo session" "$(cat "$out/gui-socat.out")" \
		"^hello from socat on Linux\$"
	# Close it as Windows would (WM_CLOSE, what taskkill without /f sends):
	# the app saves its state and exits.
	timeout 30 wine taskkill /im "$name.exe" >"$out/taskkill.log" 2>&1
	if wait_for 30 bash -c "! kill -0 $gui_pid 2>/dev/null"; then
		ok "the window closed on WM_CLOSE (taskkill)"
	else
		fail "the window did not close on WM_CLOSE within 30 s"
	fi
fi
kill "$gui_pid" 2>/dev/null
wait "$gui_pid" 2>/dev/null
if [ -s "$out/gui.err" ]; then
	echo "     the window's stderr:"
	indent <"$out/gui.err"
fi

step "installer: $(basename "$setup") /S, then uninstall.exe /S"
# Under Wine a failing installer can still exit 0: each result is checked
# on disk and in the registry.
c_dir="C:\\Program Files\\$name"
u_dir=$WINEPREFIX/drive_c/Program\ Files/$name
lnk=$WINEPREFIX/drive_c/ProgramData/Microsoft/Windows/Start\ Menu/Programs/$name.lnk
key="HKLM\\Software\\Microsoft\\Windows\\CurrentVersion\\Uninstall\\$id"
# A previous run's install, if any, goes first.
[ ! -e "$u_dir/uninstall.exe" ] || { timeout 60 wine "$c_dir\\uninstall.exe" /S; wait_for 60 test ! -e "$u_dir"; }
timeout 180 wine "$setup" /S >"$out/setup.log" 2>&1
echo "     installer exit status: $?"
wait_for 30 test -e "$u_dir/uninstall.exe"
listing=$(cd "$u_dir" 2>/dev/null && ls -l)
printf '%s\n' "$listing" | indent
if cmp -s "$u_dir/$name.exe" "$exe"; then ok "installed C:\\Program Files\\$name\\$name.exe is dist/$name.exe"; else fail "no $name.exe (or a different one) in $u_dir"; fi
if [ -s "$u_dir/uninstall.exe" ]; then ok "installed the uninstaller"; else fail "no uninstall.exe in $u_dir"; fi
if [ -s "$lnk" ]; then
	ok "Start-menu shortcut: ProgramData\\...\\Start Menu\\Programs\\$name.lnk"
	expect "the shortcut points at the installed exe" "$(strings -a "$lnk"; strings -a -el "$lnk")" \
		"Program Files\\\\$name\\\\$name\.exe"
else
	fail "no Start-menu shortcut at $lnk"
fi
r=$(timeout 60 wine reg query "$key" /reg:64 2>&1 | tr -d '\r')
printf '%s\n' "$r" | indent
expect "uninstaller registered: DisplayName" "$r" "DisplayName +REG_SZ +$name\$"
expect "uninstaller registered: DisplayVersion $version" "$r" "DisplayVersion +REG_SZ +$version\$"
expect "uninstaller registered: UninstallString" "$r" "UninstallString +REG_SZ +\"C:\\\\Program Files\\\\$name\\\\uninstall\.exe\"\$"
expect "uninstaller registered: QuietUninstallString (/S)" "$r" "QuietUninstallString +REG_SZ +\"C:\\\\Program Files\\\\$name\\\\uninstall\.exe\" /S\$"
iv=$(timeout 60 wine "$c_dir\\$name.exe" version 2>&1)
printf '%s\n' "$iv" | indent
expect "the installed $name.exe runs" "$iv" "^$name $version \(build $build,"

# NSIS's uninstaller copies itself to %TEMP% and returns at once; the copy
# does the work, so wait for the result.
timeout 60 wine "$c_dir\\uninstall.exe" /S >"$out/uninstall.log" 2>&1
echo "     uninstaller exit status: $?"
wait_for 60 bash -c '! [ -e "$1" ] && ! [ -e "$2" ]' _ "$u_dir" "$lnk"
if [ ! -e "$u_dir" ]; then ok "uninstall removed C:\\Program Files\\$name"; else fail "after uninstall: $(cd "$u_dir" && ls -A | paste -sd' ')"; fi
if [ ! -e "$lnk" ]; then ok "uninstall removed the Start-menu shortcut"; else fail "after uninstall the shortcut is still there"; fi
r=$(timeout 60 wine reg query "$key" /reg:64 2>&1 | tr -d '\r')
if [ -z "$(grep -E 'REG_' <<<"$r")" ]; then ok "uninstall removed the registry key ($(head -n1 <<<"$r"))"; else fail "after uninstall: $r"; fi

step "done"
awk -v a="$t0" -v b="$(date +%s.%N)" 'BEGIN { printf "check-windows: %.0f s in all\n", b - a }'
if [ "$failures" -gt 0 ]; then
	echo "check-windows: $failures check(s) FAILED"
	exit 1
fi
echo "check-windows: all checks passed"
