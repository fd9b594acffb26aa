#!/usr/bin/env bash
# bench/many_clients.sh: one TCP server session holds N (default 10000)
# concurrent clients, echoes to each, and reports its RSS (target < 300 MB).
# The clients run in a child process; see bench/many_clients/main.go.
set -euo pipefail
cd "$(dirname "$0")/.."
go run ./bench/many_clients -n "${N:-10000}"
