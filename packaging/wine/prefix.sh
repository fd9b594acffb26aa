#!/usr/bin/env bash
# packaging/wine/prefix.sh DIR: makes DIR a Wine prefix that runs Go
# programs built for Windows (GOOS=windows): a fresh 64-bit prefix, never
# the user's ~/.wine, with the ProcessPrng shim DLL (bcryptprimitives.c)
# built by mingw-w64 and installed in its system32. Prints the environment
# to use it, one VAR=value a line (WINEPREFIX, WINEDEBUG, WINEDLLOVERRIDES).
# Running it again on a prefix that is ready costs nothing.
#
# Start the Wine server with DISPLAY already set for anything with a
# window (Wine then remembers that display until `wineserver -k`).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
dir=${1:?usage: packaging/wine/prefix.sh DIR}
mkdir -p "$dir"
dir=$(cd "$dir" && pwd)
for tool in wine x86_64-w64-mingw32-gcc; do
	command -v "$tool" >/dev/null || { echo "prefix.sh: $tool is not installed (apt-get install wine64 gcc-mingw-w64-x86-64)" >&2; exit 2; }
done
export WINEPREFIX=$dir WINEDEBUG=-all WINEDLLOVERRIDES="bcryptprimitives=n;mscoree=;mshtml="
dll=$dir/drive_c/windows/system32/bcryptprimitives.dll
if [ ! -f "$dir/.sockplay-ready" ] || [ "$here/bcryptprimitives.c" -nt "$dll" ]; then
	if [ ! -f "$dir/system.reg" ]; then
		WINEARCH=win64 wine wineboot --init >/dev/null 2>&1
		wineserver -w
	fi
	x86_64-w64-mingw32-gcc -O2 -shared -o "$dir/bcryptprimitives.dll" \
		"$here/bcryptprimitives.c" "$here/bcryptprimitives.def" -ladvapi32
	cp "$dir/bcryptprimitives.dll" "$dll"
	touch "$dir/.sockplay-ready"
fi
printf 'WINEPREFIX=%s\nWINEDEBUG=-all\nWINEDLLOVERRIDES=%s\n' "$dir" "$WINEDLLOVERRIDES"
