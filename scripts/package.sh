#!/usr/bin/env bash
# Builds sockplay's release packages into dist/, all from FyneApp.toml:
#
#   scripts/package.sh [linux|windows|all]   (default: all; `make package`)
#
#   dist/sockplay-VERSION-linux-amd64.tar.xz   fyne package -os linux (binary, .desktop, icon, Makefile)
#   dist/sockplay_VERSION-BUILD_amd64.deb      dpkg-deb: /usr/bin, desktop entry, hicolor icons
#   dist/sockplay.exe                          fyne package -os windows (mingw-w64, libssp static; icon, version resource)
#   dist/sockplay-VERSION-windows-amd64-setup.exe   makensis: Start-menu shortcut, uninstaller
#
# `fyne package` reads FyneApp.toml from the directory of the main package.
# The one FyneApp.toml lives at the root (the binary embeds it there), so the
# build runs in a temporary copy of the source tree into which the root file
# is copied beside cmd/sockplay; nothing is written into the checkout except dist/.
#
# Release builds get fyne's release mode and the tags FyneApp.toml's
# [Migrations] asks for (fyneDo = true -> migrated_fynedo: Fyne's thread
# checks off). `go build`, `make run` and `make test` never read those.
set -euo pipefail

what=${1:-all}
case $what in linux|windows|all) ;; *) echo "usage: $0 [linux|windows|all]" >&2; exit 2 ;; esac

root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
GO=${GO:-go}
dist=$root/dist
arch=amd64 # the only architecture packaged here

. scripts/fyneapp.sh # toml_get
name=$(toml_get Details Name)
id=$(toml_get Details ID)
version=$(toml_get Details Version)
build=$(toml_get Details Build)
icon=$(toml_get Details Icon)
website=$(toml_get "" Website)
comment=$(toml_get LinuxAndBSD Comment)
for v in name id version build icon; do
	[ -n "${!v}" ] || { echo "package: FyneApp.toml has no $v" >&2; exit 1; }
done

log() { printf '== %s\n' "$*" >&2; }

# A copy of the source tree: tracked files plus new ones not ignored (what
# `go build` in this checkout would compile), so build outputs never enter it.
tree=$(mktemp -d "${TMPDIR:-/tmp}/sockplay-package.XXXXXX")
trap 'rm -rf "$tree"' EXIT
if git rev-parse --is-inside-work-tree >/dev/null 2>&1; then
	git ls-files -z --cached --others --exclude-standard |
		while IFS= read -r -d '' f; do [ -e "$f" ] && printf '%s\0' "$f"; done |
		tar --null -T - -cf - | tar -C "$tree" -xf -
else
	tar --exclude=./build --exclude=./dist --exclude=./.git -cf - . | tar -C "$tree" -xf -
fi
# fyne resolves Icon relative to the FyneApp.toml it reads: point it back at
# the root's assets. This copy exists only inside the temporary tree.
# `fyne package` also raises Build in the file it read after every package,
# so each run gets a fresh copy (and the root file is never touched).
main=$tree/cmd/sockplay
place_toml() {
	sed "s|^Icon *= *\"$icon\"|Icon = \"$tree/$icon\"|" "$root/FyneApp.toml" >"$main/FyneApp.toml"
}

mkdir -p "$dist"

# The fyne CLI (a tool dependency in go.mod), built once for this machine:
# `go tool fyne` under the Windows cross environment would build the tool
# itself with mingw.
fyne=$tree/.bin/fyne
(cd "$tree" && "$GO" build -o "$fyne" fyne.io/tools/cmd/fyne)

package_linux() {
	log "linux: fyne package -os linux --release ($name $version build $build)"
	place_toml
	(cd "$main" && "$fyne" package -os linux --release)
	local tarball=$dist/$name-$version-linux-$arch.tar.xz
	# fyne tools 1.7.2 writes `Icon := "$id"` into the tarball's Makefile but
	# ships the icon as $id.png, so `make install` fails on it
	# (fyne-io/tools#139): name the file in the Makefile and repack.
	local deb=$tree/deb root_fs
	root_fs=$deb/root
	mkdir -p "$deb/fyne" "$root_fs/DEBIAN"
	tar -C "$deb/fyne" -xJf "$main/$name.tar.xz"
	if [ -f "$deb/fyne/$name/usr/local/share/pixmaps/$id.png" ]; then
		sed -i "s|^Icon := \"$id\"\$|Icon := \"$id.png\"|" "$deb/fyne/$name/Makefile"
	fi
	tar --owner=0 --group=0 -C "$deb/fyne" -cJf "$tarball" "$name"
	rm "$main/$name.tar.xz"
	log "linux: $tarball"

	# The .deb: the same binary and desktop entry, in Debian's places.
	mv "$deb/fyne/$name" "$deb/fyne-root" && rmdir "$deb/fyne" && mv "$deb/fyne-root" "$deb/fyne"
	install -Dm0755 "$deb/fyne/usr/local/bin/$name" "$root_fs/usr/bin/$name"
	install -Dm0644 "$deb/fyne/usr/local/share/applications/$id.desktop" \
		"$root_fs/usr/share/applications/$id.desktop"
	# Icon= names a themed icon (the app ID, as fyne names it), found under
	# /usr/share/icons/hicolor.
	sed -i "s|^Icon=.*|Icon=$id|" "$root_fs/usr/share/applications/$id.desktop"
	install -Dm0644 "$icon" "$root_fs/usr/share/icons/hicolor/512x512/apps/$id.png"
	if [ -f "${icon%.png}.svg" ]; then
		install -Dm0644 "${icon%.png}.svg" "$root_fs/usr/share/icons/hicolor/scalable/apps/$id.svg"
	fi
	if command -v convert >/dev/null 2>&1; then
		for s in 256 128 64 48 32; do
			mkdir -p "$root_fs/usr/share/icons/hicolor/${s}x$s/apps"
			convert "$icon" -resize "${s}x$s" "$root_fs/usr/share/icons/hicolor/${s}x$s/apps/$id.png"
		done
	fi
	install -Dm0644 /dev/stdin "$root_fs/usr/share/doc/$name/copyright" <<-EOF
		Upstream: $website
		See the source repository for the licence of sockplay and of the Go modules it embeds.
	EOF

	# Depends: the libraries the binary links (dpkg-shlibdeps: ldd plus
	# dpkg -S plus symbol versions) and the ones GLFW opens at run time with
	# dlopen, which no linker records: their sonames are in the binary.
	mkdir -p "$deb/shlibs/debian"
	printf 'Source: %s\n\nPackage: %s\nArchitecture: any\n' "$name" "$name" >"$deb/shlibs/debian/control"
	local linked dlopened=() so pkg
	linked=$(cd "$deb/shlibs" && dpkg-shlibdeps -O "$root_fs/usr/bin/$name" 2>/dev/null | sed -n 's/^shlibs:Depends=//p')
	# (GLFW 3.4's X11 and Wayland backends; not Vulkan, OSMesa, GLES or the
	# optional libdecor.)
	for so in libX11.so.6 libX11-xcb.so.1 libXcursor.so.1 libXrandr.so.2 libXinerama.so.1 libXi.so.6 \
		libXxf86vm.so.1 libXext.so.6 libXrender.so.1 \
		libxkbcommon.so.0 libwayland-client.so.0 libwayland-cursor.so.0 libwayland-egl.so.1 libEGL.so.1; do
		grep -qaF "$so" "$root_fs/usr/bin/$name" || continue
		pkg=$(dpkg -S "*/$so" 2>/dev/null | grep -v -- '-dev:' | head -n1 | cut -d: -f1) || true
		[ -n "$pkg" ] && dlopened+=("$pkg")
	done
	local depends
	depends=$(printf '%s\n' "$linked" | tr ',' '\n' | sed 's/^ *//;/^$/d'; printf '%s\n' "${dlopened[@]}")
	depends=$(printf '%s\n' "$depends" | awk '!seen[$1]++' | paste -sd, | sed 's/,/, /g')
	[ -n "$linked" ] || { echo "package: dpkg-shlibdeps found no libraries" >&2; exit 1; }

	local maint=${DEB_MAINTAINER:-"sockplay developers <sockplay@users.noreply.github.com>"}
	cat >"$root_fs/DEBIAN/control" <<-EOF
		Package: $name
		Version: $version-$build
		Section: net
		Priority: optional
		Architecture: $arch
		Maintainer: $maint
		Installed-Size: $(du -sk --exclude=DEBIAN "$root_fs" | cut -f1)
		Depends: $depends
		Homepage: $website
		Description: socket playground with a desktop window
		 $comment.
		 Servers and clients for TCP, UDP and Unix-domain sockets as tabs, raw or
		 framed payloads, every byte as a hex dump, ICMP ping and the local socket
		 table; the same engine runs headless from the command line.
		 .
		 Ping without root is opt-in: sudo setcap cap_net_raw=+ep /usr/bin/sockplay
	EOF
	local debfile=$dist/${name}_$version-${build}_$arch.deb
	dpkg-deb --root-owner-group -Zxz --build "$root_fs" "$debfile" >/dev/null
	log "linux: $debfile"
}

package_windows() {
	log "windows: fyne package -os windows --release with mingw-w64 ($name $version build $build)"
	# fyne compiles the C parts (GLFW, Go's gl bindings) hardened:
	# -fstack-protector-strong -D_FORTIFY_SOURCE=3. With Debian's mingw-w64
	# (10.x, GCC 12) both need libssp (__stack_chk_fail, __memcpy_chk, ...),
	# and a plain -lssp links its DLL, libssp-0.dll, which Windows does not
	# ship: the exe would not start. -l:libssp.a links the static archive
	# instead, so the hardening stays and the exe imports only system DLLs
	# (scripts/check-package.sh checks the import table against a list).
	place_toml
	(cd "$main" && CC=x86_64-w64-mingw32-gcc CXX=x86_64-w64-mingw32-g++ GOARCH=$arch CGO_LDFLAGS=-l:libssp.a \
		"$fyne" package -os windows --release)
	mv "$main/$name.exe" "$dist/$name.exe"
	log "windows: $dist/$name.exe"

	# NSIS wants x.y.z.w for its version resource.
	local v4=$version
	while [ "$(tr -cd . <<<"$v4" | wc -c)" -lt 3 ]; do v4=$v4.0; done
	local setup=$dist/$name-$version-windows-$arch-setup.exe
	cp "$root/$icon" "$tree/icon.png"
	convert "$tree/icon.png" -define icon:auto-resize=256,64,48,32,16 "$tree/icon.ico" 2>/dev/null ||
		{ echo "package: imagemagick's convert is needed for the installer icon" >&2; exit 1; }
	makensis -V2 -NOCD \
		-DNAME="$name" -DID="$id" -DVERSION="$version" -DVERSION4="$v4" -DBUILD="$build" \
		-DWEBSITE="$website" -DEXE="$dist/$name.exe" -DICON="$tree/icon.ico" -DOUTFILE="$setup" \
		"$root/packaging/windows/installer.nsi"
	log "windows: $setup"
}

case $what in
linux) package_linux ;;
windows) package_windows ;;
all) package_linux; package_windows ;;
esac
