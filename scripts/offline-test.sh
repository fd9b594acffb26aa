#!/usr/bin/env bash
# scripts/offline-test.sh: the engine's and the command line's tests again,
# in a network namespace that has nothing but loopback (make test runs it
# after the main suite). Tests talk only to loopback or to namespaces they
# create; one that reaches off the machine (a DNS query to its resolver, a
# packet out of the default route) passes where there is a network and
# fails here. -count=1: go's test cache does not know about namespaces.
# unshare -n needs root (CAP_SYS_ADMIN): without it this says so and skips.
#
#   scripts/offline-test.sh [PKG...]
set -euo pipefail
cd "$(dirname "$0")/.."
GO=${GO:-go}
[ $# -gt 0 ] || set -- ./netcore/... ./sessions/... ./cmd/sockplay/cli/... ./internal/...
if ! unshare -n true 2>/dev/null; then
	echo "offline-test: skipped: unshare -n cannot make a network namespace here (it needs root)"
	exit 0
fi
command -v ip >/dev/null || { echo "offline-test: the ip command (iproute2) is not installed" >&2; exit 1; }
echo "offline-test: $* with no network but loopback"
exec unshare -n sh -c 'ip link set lo up && exec "$@"' sh "$GO" test -count=1 -timeout 20m "$@"
