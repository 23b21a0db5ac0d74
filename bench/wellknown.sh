#!/usr/bin/env bash
# bench/wellknown.sh: deeplinkd's AASA throughput against a bare net/http
# server (bench/baseline) serving the same bytes, under the same wrk load.
# Prints requests/s for each, the ratio, and deeplinkd's peak RSS; a second
# baseline that also sends deeplinkd's headers shows what they cost.
#
#   bench/wellknown.sh                     # 2 threads, 64 connections, 5 rounds of 4s
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
	GOGC=$DEEPLINKD_GOGC "$TMP/deeplinkd" serve -config bench/config.yaml 2>"$TMP/deeplinkd.log" &
DL_PID=$!
PIDS+=("$DL_PID")
DL_ADDR=$(wait_listening "$TMP/deeplinkd.log")
SERVER_PID[deeplinkd]=$DL_PID

# The baseline serves exactly the bytes deeplinkd serves.
curl -sSf -H "Host: $HOST" -D "$TMP/aasa.headers" -o "$TMP/aasa.json" "http://$DL_ADDR$AASA_PATH" ||
	fail "deeplinkd did not serve $AASA_PATH for $HOST"
"$TMP/baseline" -file "$TMP/aasa.json" 2>"$TMP/baseline.log" &
PIDS+=("$!")
SERVER_PID[baseline]=$!
BL_ADDR=$(wait_listening "$TMP/baseline.log")
curl -sSf -o "$TMP/aasa-baseline.json" "http://$BL_ADDR$AASA_PATH"
cmp -s "$TMP/aasa.json" "$TMP/aasa-baseline.json" || fail "baseline bytes differ from deeplinkd's"

# A second baseline also sends the headers deeplinkd sent (its request id
# as a constant): the target is against the bare one above; this one
# tells what the header set costs from what deeplinkd's own work costs.
HEADER_ARGS=()
while IFS= read -r line; do
	line=${line%$'\r'}
	case ${line%%:*} in
	HTTP/* | "" | Date | Content-Length | Content-Type) ;;
	*) HEADER_ARGS+=(-header "$line") ;;
	esac
done <"$TMP/aasa.headers"
"$TMP/baseline" -file "$TMP/aasa.json" "${HEADER_ARGS[@]}" 2>"$TMP/baseline-headers.log" &
PIDS+=("$!")
SERVER_PID[same-headers]=$!
BH_ADDR=$(wait_listening "$TMP/baseline-headers.log")

echo "wrk -t$THREADS -c$CONNS -d$DURATION x $ROUNDS rounds, interleaved; $(wc -c <"$TMP/aasa.json") byte AASA" >&2
echo "the second baseline also sends:${HEADER_ARGS[*]//-header/}" >&2
read -r DL_RPS BL_RPS BH_RPS < <(interleave \
	"deeplinkd|http://$DL_ADDR$AASA_PATH|Host: $HOST" \
	"baseline|http://$BL_ADDR$AASA_PATH|Host: $HOST" \
	"same-headers|http://$BH_ADDR$AASA_PATH|Host: $HOST")
DL_HWM="$(peak_rss "$DL_PID") MiB"

awk -v dl="$DL_RPS" -v bl="$BL_RPS" -v bh="$BH_RPS" -v hwm="$DL_HWM" -v target="$TARGET" \
	-v dlcpu="$(cpu_report deeplinkd)" -v blcpu="$(cpu_report baseline)" -v bhcpu="$(cpu_report same-headers)" 'BEGIN {
	printf "%-26s %12s %8s %16s\n", "server", "requests/s", "ratio", "CPU µs/request"
	printf "%-26s %12.0f %8s %16s\n", "baseline (bare)", bl, "1.00", blcpu
	printf "%-26s %12.0f %8.2f %16s   (target >= %.2f: %s)\n", "deeplinkd", dl, dl / bl, dlcpu, target, dl / bl >= target ? "met" : "NOT met"
	printf "%-26s %12.0f %8.2f %16s   (deeplinkd / this: %.2f)\n", "baseline + the same headers", bh, bh / bl, bhcpu, dl / bh
	printf "deeplinkd peak RSS (VmHWM): %s\n", hwm
}'
