#!/usr/bin/env bash
# bench/wellknown.sh: deeplinkd's AASA throughput against a bare net/http
# server (bench/baseline) serving the same bytes, under the same wrk load.
# Prints requests/s for each, the ratio, and deeplinkd's peak RSS.
#
#   bench/wellknown.sh                     # 2 threads, 64 connections, 10s
#   DURATION=30s CONNS=128 bench/wellknown.sh
#
# Not part of go test: it needs wrk (installed with apt-get when missing)
# and the machine to itself for meaningful numbers.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

# Each target is measured ROUNDS (5) times for DURATION (4s), interleaved.
DURATION=${DURATION:-4s}
. bench/lib.sh

TARGET=0.9
HOST=go.example.com
AASA_PATH=/.well-known/apple-app-site-association

ensure_wrk

echo "building" >&2
go build -o "$TMP/deeplinkd" ./cmd/deeplinkd
go build -o "$TMP/baseline" ./bench/baseline

# Info level, as in production: the access log is part of the cost, and
# the listening line the script waits for is logged at info.
DEEPLINKD_API_TOKEN=bench-token-0123456789abcdef \
	DEEPLINKD_STORAGE_DSN="$TMP/bench.db" \
	DEEPLINKD_LOG_LEVEL=info \
	"$TMP/deeplinkd" serve -config bench/config.yaml 2>"$TMP/deeplinkd.log" &
DL_PID=$!
PIDS+=("$DL_PID")
DL_ADDR=$(wait_listening "$TMP/deeplinkd.log")
SERVER_PID[deeplinkd]=$DL_PID

# The baseline serves exactly the bytes deeplinkd serves.
curl -sSf -H "Host: $HOST" -o "$TMP/aasa.json" "http://$DL_ADDR$AASA_PATH" ||
	fail "deeplinkd did not serve $AASA_PATH for $HOST"
"$TMP/baseline" -file "$TMP/aasa.json" 2>"$TMP/baseline.log" &
PIDS+=("$!")
SERVER_PID[baseline]=$!
BL_ADDR=$(wait_listening "$TMP/baseline.log")
curl -sSf -o "$TMP/aasa-baseline.json" "http://$BL_ADDR$AASA_PATH"
cmp -s "$TMP/aasa.json" "$TMP/aasa-baseline.json" || fail "baseline bytes differ from deeplinkd's"

echo "wrk -t$THREADS -c$CONNS -d$DURATION x $ROUNDS rounds, interleaved; $(wc -c <"$TMP/aasa.json") byte AASA" >&2
read -r DL_RPS BL_RPS < <(interleave \
	"deeplinkd|http://$DL_ADDR$AASA_PATH|Host: $HOST" \
	"baseline|http://$BL_ADDR$AASA_PATH|Host: $HOST")
DL_HWM="$(peak_rss "$DL_PID") MiB"

awk -v dl="$DL_RPS" -v bl="$BL_RPS" -v hwm="$DL_HWM" -v target="$TARGET" \
	-v dlcpu="$(cpu_report deeplinkd)" -v blcpu="$(cpu_report baseline)" 'BEGIN {
	ratio = dl / bl
	printf "%-10s %12s %16s\n", "server", "requests/s", "CPU µs/request"
	printf "%-10s %12.0f %16s\n", "deeplinkd", dl, dlcpu
	printf "%-10s %12.0f %16s\n", "baseline", bl, blcpu
	printf "ratio      %12.2f   (target >= %.2f: %s)\n", ratio, target, ratio >= target ? "met" : "NOT met"
	printf "deeplinkd peak RSS (VmHWM): %s\n", hwm
}'
