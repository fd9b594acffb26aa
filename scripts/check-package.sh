#!/usr/bin/env bash
# Verifies every artifact scripts/package.sh put in dist/ and prints what it
# looked at. Run by `make package` (not by `make test`: the builds are slow).
#
#   scripts/check-package.sh [linux|windows|all]   (default: all)
#
# Exits 1 if any check failed; every failure is printed as "FAIL: ...".
set -uo pipefail

what=${1:-all}
case $what in linux|windows|all) ;; *) echo "usage: $0 [linux|windows|all]" >&2; exit 2 ;; esac

root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
GO=${GO:-go}
dist=$root/dist
arch=amd64

. scripts/fyneapp.sh # toml_get
name=$(toml_get Details Name)
id=$(toml_get Details ID)
version=$(toml_get Details Version)
build=$(toml_get Details Build)
fynedo=$(toml_get Migrations fyneDo)

failures=0
section() { printf '\n=== %s\n' "$*"; }
ok() { printf 'ok:   %s\n' "$*"; }
fail() { printf 'FAIL: %s\n' "$*"; failures=$((failures + 1)); }
# expect DESCRIPTION TEXT PATTERN: grep -E PATTERN in TEXT.
expect() {
	if grep -qE -- "$3" <<<"$2"; then ok "$1"; else fail "$1 (no match for /$3/)"; fi
}
need() {
	[ -s "$1" ] || { fail "missing $1 (run scripts/package.sh)"; return 1; }
}

tmp=$(mktemp -d "${TMPDIR:-/tmp}/sockplay-check.XXXXXX")
trap 'rm -rf "$tmp"' EXIT

echo "FyneApp.toml: $name $version build $build, ID $id, [Migrations] fyneDo = ${fynedo:-unset}"
# The tags a release binary must carry: fyne's release mode, and the fyne.Do
# migration exactly when FyneApp.toml asks for it.
want_tags=release
[ "$fynedo" = true ] && want_tags="release,migrated_fynedo"

# check_buildinfo BINARY GOOS: the Go build settings embedded in BINARY.
check_buildinfo() {
	local info
	info=$("$GO" version -m "$1" 2>&1)
	printf '%s\n' "$info" | grep -E '^\s+build\s+(-tags|-ldflags|CGO_ENABLED|GOOS|GOARCH)=' | sed 's/^\s*/     /'
	expect "$(basename "$1"): GOOS=$2" "$info" "^\s+build\s+GOOS=$2\$"
	expect "$(basename "$1"): GOARCH=$arch" "$info" "^\s+build\s+GOARCH=$arch\$"
	expect "$(basename "$1"): built with CGO_ENABLED=1" "$info" "CGO_ENABLED=1"
	local t
	for t in ${want_tags//,/ }; do
		expect "$(basename "$1"): build tag $t" "$info" "-tags=([^ ]*,)?$t(,|\$| )"
	done
	if [ "$fynedo" != true ] && grep -q migrated_fynedo <<<"$info"; then
		fail "$(basename "$1"): migrated_fynedo set but FyneApp.toml does not ask for it"
	fi
}

check_linux() {
	local tarball=$dist/$name-$version-linux-$arch.tar.xz
	local deb=$dist/${name}_$version-${build}_$arch.deb
	section "linux tar.xz: $tarball"
	if need "$tarball"; then
		local listing
		listing=$(tar -tvJf "$tarball")
		printf '%s\n' "$listing"
		expect "tar.xz: binary" "$listing" " $name/usr/local/bin/$name\$"
		expect "tar.xz: desktop entry" "$listing" " $name/usr/local/share/applications/$id\.desktop\$"
		expect "tar.xz: icon" "$listing" " $name/usr/local/share/pixmaps/$id\.png\$"
		expect "tar.xz: Makefile (make install / make user-install)" "$listing" " $name/Makefile\$"
		mkdir -p "$tmp/tar" && tar -C "$tmp/tar" --strip-components=1 -xJf "$tarball"
		local desktop
		desktop=$(cat "$tmp/tar/usr/local/share/applications/$id.desktop" 2>/dev/null)
		printf -- '--- %s.desktop\n%s\n' "$id" "$desktop"
		expect "desktop: Name" "$desktop" "^Name=$name\$"
		expect "desktop: Exec" "$desktop" "^Exec=$name\$"
		expect "desktop: Categories Network and Development" "$desktop" "^Categories=Network;Development;\$"
		expect "desktop: Keywords" "$desktop" "^Keywords=.*socket;"
		expect "desktop: GenericName" "$desktop" "^GenericName=.+"
		expect "desktop: Comment" "$desktop" "^Comment=.+"
		# Its Makefile, as a person would run it: into a home and a DESTDIR.
		local mk
		mk=$( (cd "$tmp/tar" && make -s user-install HOME="$tmp/home" && make -s install DESTDIR="$tmp/dest") 2>&1)
		if [ $? -eq 0 ]; then
			local got
			got=$(cd "$tmp" && find home dest -type f | sort | paste -sd' ')
			echo "     make user-install / make install DESTDIR=...: $got"
			expect "tar.xz Makefile: user-install puts binary, desktop entry and icon in ~/.local" "$got" \
				"home/\.local/bin/$name .*home/\.local/share/applications/$id\.desktop .*home/\.local/share/icons/$id\.png"
			expect "tar.xz Makefile: install puts them under PREFIX" "$got" \
				"dest/usr/(local/)?bin/$name .*dest/usr/(local/)?share/applications/$id\.desktop .*dest/usr/(local/)?share/pixmaps/$id\.png"
		else
			fail "tar.xz Makefile: make user-install / install failed: $mk"
		fi
		local bin=$tmp/tar/usr/local/bin/$name
		file "$bin" | sed 's/^/     /'
		expect "tar.xz binary: ELF x86-64 executable" "$(file "$bin")" "ELF 64-bit LSB .*x86-64"
		check_buildinfo "$bin" linux
		local v
		v=$("$bin" version 2>&1)
		echo "     \$ $name version -> $v"
		expect "tar.xz binary: version prints FyneApp.toml's $version (build $build)" "$v" "^$name $version \(build $build,"
	fi

	section "linux .deb: $deb"
	if need "$deb"; then
		local info contents
		info=$(dpkg-deb -I "$deb")
		contents=$(dpkg-deb -c "$deb")
		echo "\$ dpkg-deb -I"; printf '%s\n' "$info"
		echo "\$ dpkg-deb -c"; printf '%s\n' "$contents"
		expect "deb: Package $name" "$info" "^ Package: $name\$"
		expect "deb: Version $version-$build" "$info" "^ Version: $version-$build\$"
		expect "deb: Architecture $arch" "$info" "^ Architecture: $arch\$"
		local dep
		for dep in libc6 libgl1 libx11-6 libxcursor1 libxrandr2 libxinerama1 libxi6 libxxf86vm1 libxext6 \
			libxkbcommon0 libwayland-client0 libwayland-cursor0 libwayland-egl1 libegl1; do
			expect "deb: Depends on $dep" "$info" "^ Depends: (.*, )?$dep( \(|,|\$)"
		done
		# The control archive's members: only "control", so nothing runs as
		# root at install (no setcap behind the person's back).
		local members
		members=$(awk '/^ +[0-9]+ bytes, +[0-9]+ lines/ {print ($5 == "*" ? $6 : $5)}' <<<"$info" | paste -sd' ')
		if [ "$members" = control ]; then
			ok "deb: control archive holds only 'control': no maintainer scripts, no setcap"
		else
			fail "deb: control archive holds: $members"
		fi
		expect "deb: /usr/bin/$name" "$contents" "^-rwxr-xr-x root/root .* \./usr/bin/$name\$"
		expect "deb: desktop entry" "$contents" " \./usr/share/applications/$id\.desktop\$"
		expect "deb: hicolor 512x512 icon" "$contents" " \./usr/share/icons/hicolor/512x512/apps/$id\.png\$"
		expect "deb: hicolor 48x48 icon" "$contents" " \./usr/share/icons/hicolor/48x48/apps/$id\.png\$"

		local r=$tmp/debroot
		dpkg-deb -x "$deb" "$r"
		echo "\$ dpkg-deb -x $(basename "$deb") $r"
		local desktop
		desktop=$(cat "$r/usr/share/applications/$id.desktop" 2>/dev/null)
		expect "deb desktop: Icon=$id (themed, from hicolor)" "$desktop" "^Icon=$id\$"
		expect "deb desktop: Categories Network and Development" "$desktop" "^Categories=Network;Development;\$"
		if command -v desktop-file-validate >/dev/null 2>&1; then
			if desktop-file-validate "$r/usr/share/applications/$id.desktop"; then ok "desktop-file-validate"; else fail "desktop-file-validate"; fi
		fi
		local caps
		caps=$(getcap "$r/usr/bin/$name" 2>/dev/null)
		if [ -z "$caps" ]; then ok "deb binary: no file capabilities (ping without root is opt-in)"; else fail "deb binary has capabilities: $caps"; fi
		local missing
		missing=$(ldd "$r/usr/bin/$name" | grep 'not found')
		if [ -z "$missing" ]; then ok "deb binary: every linked library resolves (ldd)"; else fail "ldd: $missing"; fi
		echo "     NEEDED: $(objdump -p "$r/usr/bin/$name" | awk '/NEEDED/ {print $2}' | paste -sd' ')"
		echo "     linked libraries and their packages (ldd, dpkg -S):"
		ldd "$r/usr/bin/$name" | awk '/=> \//{print $3}' | while read -r lib; do
			printf '       %-40s %s\n' "$lib" "$( (dpkg -S "$lib" || dpkg -S "$(readlink -f "$lib")") 2>/dev/null | cut -d: -f1 | head -n1)"
		done
		check_buildinfo "$r/usr/bin/$name" linux
		local v
		v=$("$r/usr/bin/$name" version 2>&1)
		echo "     \$ $r/usr/bin/$name version -> $v"
		expect "deb binary: version prints FyneApp.toml's $version (build $build)" "$v" "^$name $version \(build $build,"
		# About reads the same embedded FyneApp.toml (sockplay.App) as `version`:
		# the file is in the binary byte for byte.
		if grep -qaF "$(head -c 400 FyneApp.toml)" "$r/usr/bin/$name"; then
			ok "deb binary: embeds this FyneApp.toml (About and version read it)"
		else
			fail "deb binary: the embedded FyneApp.toml differs from the root one"
		fi
	fi
}

# The DLLs a Windows exe may import: system DLLs that every Windows 10 and 11
# has in System32. Anything else (libssp-0.dll, libgcc_s_seh-1.dll,
# libwinpthread-1.dll, libstdc++-6.dll: mingw's runtime DLLs) would have to
# ship beside the exe, or it does not start. sockplay.exe imports kernel32,
# user32, gdi32, opengl32, shell32, advapi32 and msvcrt (GLFW, mingw's CRT,
# and libssp's canary from advapi32); Go's runtime loads the rest (ws2_32,
# iphlpapi, ntdll, winmm, ...) with LoadLibrary, so they are not in the table.
# The others listed are system DLLs a new import could reasonably bring.
windows_system_dlls="kernel32 user32 gdi32 opengl32 shell32 advapi32 msvcrt ntdll ws2_32 mswsock iphlpapi
	winmm ole32 oleaut32 shlwapi comctl32 comdlg32 imm32 dwmapi uxtheme version setupapi bcrypt
	bcryptprimitives crypt32 secur32 userenv powrprof dnsapi psapi dbghelp"

# check_imports EXE: every DLL in EXE's import table is a system DLL.
check_imports() {
	local dlls dll bad=()
	dlls=$(x86_64-w64-mingw32-objdump -p "$1" | sed -n 's/^\s*DLL Name: //p' | tr -d '\r')
	echo "     imports (objdump -p): $(echo $dlls)"
	if [ -z "$dlls" ]; then
		fail "$(basename "$1"): objdump found no imported DLLs"
		return
	fi
	for dll in $dlls; do
		dll=$(tr '[:upper:]' '[:lower:]' <<<"${dll%.[dD][lL][lL]}")
		grep -qw -- "$dll" <<<"$windows_system_dlls" || bad+=("$dll.dll")
	done
	if [ ${#bad[@]} -eq 0 ]; then
		ok "$(basename "$1"): imports only Windows system DLLs"
	else
		fail "$(basename "$1"): imports ${bad[*]}, which Windows does not ship (link it statically)"
	fi
}

check_windows() {
	local exe=$dist/$name.exe
	local setup=$dist/$name-$version-windows-$arch-setup.exe
	section "windows exe: $exe"
	if need "$exe"; then
		local f
		f=$(file "$exe")
		echo "     $f"
		# "(GUI)": linked with -H=windowsgui, so no console window opens.
		expect "exe: PE32+ GUI executable, x86-64" "$f" "PE32\+ executable \(GUI\) x86-64.*MS Windows"
		check_buildinfo "$exe" windows
		check_imports "$exe"
		# The version resource's strings are UTF-16.
		local vs
		vs=$(strings -el "$exe" | grep -A1 -E '^(ProductName|ProductVersion|FileDescription|FileVersion)$' | grep -v -- '--' | paste -d' ' - -)
		printf '%s\n' "$vs" | sed 's/^/     version resource: /'
		expect "exe: ProductName $name" "$vs" "^ProductName $name\$"
		expect "exe: ProductVersion $version.$build" "$vs" "^ProductVersion $version\.$build\$"
		if command -v 7z >/dev/null 2>&1; then
			local rs
			rs=$(7z l "$exe" 2>/dev/null | grep -E '\.rsrc/' | awk '{print $NF}')
			echo "     resources (7z l): $(echo $rs)"
			expect "exe: icon resource" "$rs" "\.rsrc/(GROUP_ICON|ICON)/"
			expect "exe: version resource" "$rs" "\.rsrc/VERSION/|version\.txt"
			expect "exe: manifest resource" "$rs" "\.rsrc/MANIFEST/"
		fi
		if grep -qaF "$(head -c 400 FyneApp.toml)" "$exe"; then
			ok "exe: embeds this FyneApp.toml (About and version read it)"
		else
			fail "exe: the embedded FyneApp.toml differs from the root one"
		fi
	fi

	section "windows installer: $setup"
	if need "$setup"; then
		local f
		f=$(file "$setup")
		echo "     $f"
		# 64-bit (Target amd64-unicode): NSIS's default stub is 32-bit, which
		# wine64 cannot run, and the app is 64-bit only anyway. (file(1)
		# names only the 32-bit stub "Nullsoft Installer"; 7z reads both.)
		expect "installer: 64-bit (PE32+ x86-64)" "$f" "PE32\+ executable \(GUI\) x86-64"
		check_imports "$setup"
		local vs
		vs=$(strings -el "$setup" | grep -A1 -E '^(ProductName|ProductVersion)$' | grep -v -- '--' | paste -d' ' - -)
		expect "installer: ProductVersion $version" "$vs" "^ProductVersion $version\$"
		if command -v 7z >/dev/null 2>&1; then
			local listing
			listing=$(7z l "$setup" 2>&1)
			echo "\$ 7z l $(basename "$setup")"
			printf '%s\n' "$listing" | sed -n '/^   Date/,$p'
			expect "installer: carries $name.exe" "$listing" " $name\.exe\$"
			expect "installer: writes the uninstaller" "$listing" "uninstall\.exe\$"
			local slt
			slt=$(7z l -slt "$setup" 2>&1)
			expect "installer: 7z reads it as NSIS" "$slt" "^Type = Nsis\$"
			expect "installer: NSIS 3, Unicode, 64-bit" "$slt" "^SubType = NSIS-3 Unicode 64-bit\$"
			mkdir -p "$tmp/nsis" && 7z x -y -o"$tmp/nsis" "$setup" >/dev/null 2>&1
			if cmp -s "$tmp/nsis/$name.exe" "$exe"; then ok "installer: its $name.exe is dist/$name.exe byte for byte"; else fail "installer: $name.exe differs from dist/$name.exe"; fi
		fi
		# This 7-Zip does not decompile the script, so check the one it was
		# built from: the shortcut and the Add/Remove Programs entry.
		local nsi
		nsi=$(cat packaging/windows/installer.nsi)
		expect "installer.nsi: Start-menu shortcut" "$nsi" '^\s*CreateShortcut "\$SMPROGRAMS\\\$\{NAME\}\.lnk"'
		expect "installer.nsi: uninstaller registered in Add/Remove Programs" "$nsi" '^\s*WriteRegStr HKLM "\$\{UNINSTKEY\}" "UninstallString"'
		expect "installer.nsi: the uninstaller removes shortcut, files and registry key" "$nsi" '^\s*DeleteRegKey HKLM "\$\{UNINSTKEY\}"'
	fi

	# The same files run: the exe's commands and window, the installer's
	# install and uninstall, under Wine in Xvfb (WINECHECK=0 skips it).
	section "windows under Wine: scripts/check-windows.sh"
	if [ "${WINECHECK:-1}" = 0 ]; then
		echo "     skipped (WINECHECK=0)"
	elif [ -s "$exe" ] && [ -s "$setup" ]; then
		local wlog=$tmp/check-windows.log
		scripts/check-windows.sh 2>&1 | tee "$wlog"
		local w=${PIPESTATUS[0]} n
		if [ "$w" -ne 0 ]; then
			n=$(grep -c '^FAIL: ' "$wlog")
			fail "check-windows.sh: $n check(s) failed under Wine (exit $w)"
		fi
	fi
}

case $what in
linux) check_linux ;;
windows) check_windows ;;
all) check_linux; check_windows ;;
esac

echo
if [ "$failures" -gt 0 ]; then
	echo "check-package: $failures check(s) FAILED"
	exit 1
fi
echo "check-package: all checks passed"
