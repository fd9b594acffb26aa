#!/usr/bin/env bash
# scripts/wine-test.sh: the Windows build of every package that builds
# without cgo, its tests run under Wine (make test-windows; make test runs it
# after the Linux suites).
#
#   scripts/wine-test.sh [PKG...]   # default: every package but the GUI's
#
# The packages are `go list ./...` less gui/... and cmd/sockplay (Fyne needs
# cgo, which this cross build does not have), bench/ (Linux load
# generators) and whatever Go files lie in build/ and dist/. The Wine prefix is build/wine, made by packaging/wine/prefix.sh
# (never ~/.wine). `go test -exec wine` cross-compiles each test binary and
# runs it from its package's folder (so testdata/ is found), two at a time
# on two cores, and prints one line per package, ok or FAIL with its time,
# and the failing tests' output; a summary line ends the run.
#
# Bounded: each test binary gets WINE_TEST_TIMEOUT (-test.timeout; go test
# kills it a minute after that), the whole run WINE_TEST_TOTAL, after which it
# is stopped, the prefix's Wine processes are ended, and the run fails.
# Tests that meet one of Wine's own gaps skip under Wine only, saying which
# (internal/testkit: OnWine, SkipOnWine); SOCKPLAY_UNDER_WINE=1 tells the
# testkit's own test that Wine is expected.
set -euo pipefail
cd "$(dirname "$0")/.."
GO=${GO:-go}
per=${WINE_TEST_TIMEOUT:-300s}
total=${WINE_TEST_TOTAL:-15m}
prefix=${WINE_TEST_PREFIX:-build/wine}

for tool in wine wineserver timeout; do
	command -v "$tool" >/dev/null || {
		echo "wine-test: $tool is not installed (scripts/install-deps.sh test installs wine, wine64 and gcc-mingw-w64-x86-64)" >&2
		exit 2
	}
done

start=$(date +%s)
# The prefix's environment, one VAR=value a line.
env_lines=$(packaging/wine/prefix.sh "$prefix")
while IFS='=' read -r k v; do
	[ -n "$k" ] && export "$k=$v"
done <<<"$env_lines"
# No test opens a window; without a DISPLAY Wine never talks to an X server
# (one another test may be starting or stopping).
export DISPLAY= SOCKPLAY_UNDER_WINE=1
prefix_secs=$(($(date +%s) - start))

export GOOS=windows GOARCH=amd64 CGO_ENABLED=0
args=("$@")
[ ${#args[@]} -gt 0 ] || args=(./...)
mapfile -t pkgs < <($GO list -e "${args[@]}" |
	grep -v -E '^github\.com/sockplay/sockplay/(gui(/|$)|cmd/sockplay$|bench(/|$)|build/|dist/)')
if [ ${#pkgs[@]} -eq 0 ]; then
	echo "wine-test: no packages in ${args[*]}" >&2
	exit 2
fi

echo "wine-test: Wine $(wine --version 2>/dev/null | sed 's/^wine-//') prefix $WINEPREFIX ready in ${prefix_secs}s; ${#pkgs[@]} packages, -test.timeout $per each, $total in all"
log=$(mktemp)
trap 'rm -f "$log"' EXIT
rc=0
timeout --kill-after=30s "$total" $GO test -exec wine -count=1 -timeout "$per" "${pkgs[@]}" 2>&1 | tee "$log" || rc=${PIPESTATUS[0]}
if [ "$rc" -eq 124 ] || [ "$rc" -eq 137 ]; then
	echo "wine-test: FAIL: the run took longer than $total and was stopped" >&2
	wineserver -k || true # the test binaries it left, in our prefix only
fi
ok=$(grep -c -E '^ok ' "$log" || true)
failed=$(grep -c -E '^FAIL[[:space:]]+github\.com/' "$log" || true)
echo "wine-test: $ok packages ok, $failed failed, $(($(date +%s) - start))s in all"
[ "$rc" -eq 0 ] && [ "$failed" -eq 0 ] || exit 1
