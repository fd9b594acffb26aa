#!/usr/bin/env bash
# Installs what sockplay needs to build (and, with "test", to run its tests)
# on Debian or Ubuntu; elsewhere prints the exact packages to install.
#
#   scripts/install-deps.sh build   # compiler and GUI headers: for make run
#   scripts/install-deps.sh test    # build + the real peers the tests use
#   scripts/install-deps.sh package # build + cross compiler and packagers: for make package
#   scripts/install-deps.sh bench   # test + gnuplot (bench/RESULTS.md's plots): for make bench
#
# With everything present it makes one dpkg-query call and exits (well under
# 2 s). Missing packages are installed with apt-get, as root or through sudo.
set -euo pipefail

what=${1:-build}
case $what in build|test|package|bench) ;; *) echo "usage: $0 build|test|package|bench" >&2; exit 2 ;; esac

# Debian package names. GL/X11/Wayland headers are for Fyne's GLFW driver.
build_pkgs=(gcc pkg-config libgl1-mesa-dev xorg-dev libxkbcommon-dev libwayland-dev)
# Real peers and tools the tests drive: an X server and screenshots for the
# smoke test, socket peers nobody here wrote, the reference hex dumpers; and
# for the Windows build's tests under Wine (scripts/wine-test.sh): wine (the
# wine command, which wine64 only recommends) and wine64, and mingw-w64,
# which builds the shim DLL Go programs need under Wine 8; tcpdump writes
# the pcap captures (SLL2 on "any") netcore/pcap's reader is tested on;
# mbpoll is the Modbus/TCP client that len:2:be:off=4 framing is tested with;
# python3-pymodbus the Modbus/TCP server that connect --script runs against.
test_pkgs=(xvfb xdotool imagemagick dbus-daemon socat ncat python3 tshark iproute2
	iputils-ping bsdextrautils xxd wine wine64 gcc-mingw-w64-x86-64 tcpdump mbpoll python3-pymodbus)
# make package: the Windows cross compiler (cgo for the GUI), the NSIS
# installer builder, what scripts/check-package.sh looks with, and what
# scripts/check-windows.sh runs the Windows build in (64-bit Wine, an X
# server, xdotool and import for the window, socat as the Linux peer, ss,
# and a font with the symbols Windows' fonts have and a Wine prefix lacks).
package_pkgs=(gcc-mingw-w64-x86-64 nsis dpkg-dev xz-utils file binutils p7zip-full imagemagick libcap2-bin
	wine wine64 xvfb xdotool socat iproute2 fonts-dejavu-core)

# make bench: what the tests use (the peers, Xvfb for the window's rows)
# and gnuplot without X, which draws RESULTS.md's plots (pngcairo).
bench_pkgs=(gnuplot-nox)

pkgs=("${build_pkgs[@]}")
[ "$what" = test ] && pkgs+=("${test_pkgs[@]}")
[ "$what" = bench ] && pkgs+=("${test_pkgs[@]}" "${bench_pkgs[@]}")
[ "$what" = package ] && pkgs+=("${package_pkgs[@]}")

need_go() {
	local v
	if ! v=$(go env GOVERSION 2>/dev/null); then
		echo "install-deps: Go is not installed; sockplay needs Go 1.26 or newer (https://go.dev/dl/)" >&2
		return 1
	fi
	# go1.26.8 -> 26
	local minor=${v#go1.}; minor=${minor%%.*}; minor=${minor%%[!0-9]*}
	if [ "${v#go1.}" = "$v" ] || [ "${minor:-0}" -lt 26 ]; then
		echo "install-deps: $v is too old; sockplay needs Go 1.26 or newer (https://go.dev/dl/)" >&2
		return 1
	fi
}

others() {
	cat >&2 <<'MSG'
install-deps: this is not Debian or Ubuntu, so nothing was installed. Install:
  Fedora:  sudo dnf install gcc pkgconf-pkg-config mesa-libGL-devel libXcursor-devel libXrandr-devel \
             libXinerama-devel libXi-devel libXxf86vm-devel libxkbcommon-devel wayland-devel
           tests: sudo dnf install xorg-x11-server-Xvfb xdotool ImageMagick dbus-daemon socat nmap-ncat \
             python3 wireshark-cli iproute iputils util-linux vim-common
  Arch:    sudo pacman -S --needed base-devel libx11 libxcursor libxrandr libxinerama libxi mesa \
             libxkbcommon wayland
           tests: sudo pacman -S --needed xorg-server-xvfb xdotool imagemagick dbus socat nmap python \
             wireshark-cli iproute2 iputils util-linux vim
  macOS:   xcode-select --install   (the C compiler; Fyne uses the system's OpenGL)
           tests: brew install socat nmap python wireshark   (the Xvfb smoke test is Linux-only)
  Windows: a gcc for cgo, e.g. MSYS2's mingw-w64-x86_64-gcc, on PATH
           (the socket peers and the Xvfb smoke test are Linux-only)
  and Go 1.26 or newer from https://go.dev/dl/
MSG
}

need_go

if ! command -v dpkg-query >/dev/null 2>&1 || ! command -v apt-get >/dev/null 2>&1; then
	others
	if [ "$what" = package ]; then
		echo "install-deps: make package itself needs Debian or Ubuntu (dpkg-deb, mingw-w64, nsis):" \
			"${package_pkgs[*]}; on a Mac, see the README's macOS recipe" >&2
	fi
	# Not fatal: the person may have installed them already; the build says what is missing.
	exit 0
fi

# One dpkg-query for all: a package counts as present only when installed
# (dpkg-query prints nothing on stdout for names it has never heard of).
installed=" $(dpkg-query -W -f='${Package}:${db:Status-Status} ' "${pkgs[@]}" 2>/dev/null || true) "
missing=()
for p in "${pkgs[@]}"; do
	[[ $installed == *" $p:installed "* ]] || missing+=("$p")
done
if [ ${#missing[@]} -eq 0 ]; then
	exit 0
fi

echo "install-deps: installing ${missing[*]}" >&2
sudo=()
if [ "$(id -u)" -ne 0 ]; then
	if ! command -v sudo >/dev/null 2>&1; then
		echo "install-deps: not root and no sudo; run as root: apt-get install ${missing[*]}" >&2
		exit 1
	fi
	sudo=(sudo)
fi
export DEBIAN_FRONTEND=noninteractive # tshark asks about capture rights otherwise
"${sudo[@]}" apt-get update -qq
"${sudo[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
echo "install-deps: done" >&2
