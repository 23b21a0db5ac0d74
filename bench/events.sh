#!/usr/bin/env bash
# bench/events.sh: accepted durable events/s at 64 concurrent clients, for
# both store backends in one run. It wraps storetest.BenchInsert through each
# backend's BenchmarkInsert: SQLite on a file in a temp dir (never :memory:,
# which would skip the fsync that durability costs) and PostgreSQL on
# DEEPLINKD_TEST_POSTGRES_DSN.
#
#   bench/events.sh                    # 3s per backend
#   BENCHTIME=10s bench/events.sh
#   DEEPLINKD_TEST_POSTGRES_DSN=postgres://... bench/events.sh
#
# Not part of go test ./...: it needs PostgreSQL and the machine to itself.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

BENCHTIME=${BENCHTIME:-3s}
TARGET=3000
export DEEPLINKD_TEST_POSTGRES_DSN=${DEEPLINKD_TEST_POSTGRES_DSN:-postgres://postgres@127.0.0.1:5432/test?sslmode=disable}
# An unreachable PostgreSQL fails the run instead of skipping that backend.
export CI=true

OUT=$(mktemp)
trap 'rm -f "$OUT"' EXIT

echo "go test -bench BenchmarkInsert -benchtime $BENCHTIME (64 concurrent clients, GOMAXPROCS=$(nproc))" >&2
if ! go test -run '^$' -bench '^BenchmarkInsert$' -benchtime "$BENCHTIME" \
	./internal/store/sqlite ./internal/store/postgres >"$OUT" 2>&1; then
	cat "$OUT" >&2
	echo "bench: go test failed" >&2
	exit 1
fi

# Benchmark lines look like
#   BenchmarkInsert/synchronous=FULL-2   12345   81000 ns/op   4321 events/s   ...
# in the output of package ".../store/sqlite"; the backend comes from the
# "pkg:" line above them.
awk -v target="$TARGET" '
	/^pkg:/ { n = split($2, p, "/"); backend = p[n] }
	/^BenchmarkInsert/ {
		name = $1
		sub(/^BenchmarkInsert\/?/, "", name)
		sub(/-[0-9]+$/, "", name)
		for (i = 2; i < NF; i++) if ($(i + 1) == "events/s") rate = $i
		label = backend (name == "" ? "" : " " name)
		printf "%-32s %10.0f events/s   (target >= %d: %s)\n", label, rate, target, rate >= target ? "met" : "NOT met"
	}
' "$OUT"
