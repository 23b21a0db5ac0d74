#!/usr/bin/env bash
# bench/resolver.sh: deeplinkd's link resolver against a bare net/http
# redirect (bench/resolverbaseline: read ref, 302 to the fallback), under
# the same wrk load, in one run:
#
#   redirect   GET /?ref=KEY with a desktop user agent, desktop: redirect
#              (bench/resolver.yaml): a 302 to the same Location the
#              baseline sends. Target >= 0.8x the baseline.
#   ios page   GET /?ref=KEY with an iPhone user agent: the full iOS page
#              (nonce, CSP, PartneroJS loader, Smart App Banner).
#              Target >= 0.5x the baseline.
#   peak RSS   deeplinkd's VmHWM after both runs. Target <= 80 MiB.
#
#   bench/resolver.sh                     # 2 threads, 64 connections, 5 rounds of 4s
#   DURATION=30s CONNS=128 bench/resolver.sh
#
# Not part of go test: it needs wrk (installed with apt-get when missing)
# and the machine to itself for meaningful numbers; on 2 shared cores wrk
# and the server compete, so compare the ratios, not the absolute numbers.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

# Each target is measured ROUNDS (5) times for DURATION (4s), interleaved.
DURATION=${DURATION:-4s}
. bench/lib.sh

HOST=go.example.com
KEY=BENCHKEY42
LINK_PATH="/?ref=$KEY"
FALLBACK=https://example.com/signup
UA_DESKTOP="Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Safari/537.36"
UA_IPHONE="Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.4 Mobile/15E148 Safari/604.1"
TARGET_REDIRECT=0.8
TARGET_PAGE=0.5
TARGET_RSS_MIB=80

ensure_wrk

echo "building" >&2
go build -o "$TMP/deeplinkd" ./cmd/deeplinkd
go build -o "$TMP/baseline" ./bench/resolverbaseline

# The default log level, as in production: every request writes its
# access line, which is part of what is measured.
DEEPLINKD_API_TOKEN=bench-token-0123456789abcdef \
	DEEPLINKD_STORAGE_DSN="$TMP/bench.db" \
	GOGC=$DEEPLINKD_GOGC "$TMP/deeplinkd" serve -config bench/resolver.yaml 2>"$TMP/deeplinkd.log" &
DL_PID=$!
PIDS+=("$DL_PID")
DL_ADDR=$(wait_listening "$TMP/deeplinkd.log")
SERVER_PID[redirect]=$DL_PID
SERVER_PID[ios-page]=$DL_PID
"$TMP/baseline" -fallback "$FALLBACK" 2>"$TMP/baseline.log" &
PIDS+=("$!")
SERVER_PID[baseline]=$!
BL_ADDR=$(wait_listening "$TMP/baseline.log")

# Both must answer what is measured: the same 302, and a 200 page.
location() { curl -sS -o /dev/null -w '%{http_code} %{redirect_url}' "$@"; }
want="302 $FALLBACK?ref=$KEY"
got=$(location -H "Host: $HOST" -A "$UA_DESKTOP" "http://$DL_ADDR$LINK_PATH")
[[ $got == "$want" ]] || fail "deeplinkd redirect: got '$got', want '$want'"
got=$(location "http://$BL_ADDR$LINK_PATH")
[[ $got == "$want" ]] || fail "baseline redirect: got '$got', want '$want'"
curl -sSf -H "Host: $HOST" -A "$UA_IPHONE" -o "$TMP/ios.html" "http://$DL_ADDR$LINK_PATH" ||
	fail "deeplinkd did not serve the iOS page"
grep -q 'apple-itunes-app' "$TMP/ios.html" || fail "the iOS page lacks its Smart App Banner"

echo "wrk -t$THREADS -c$CONNS -d$DURATION x $ROUNDS rounds, interleaved; iOS page $(wc -c <"$TMP/ios.html") bytes" >&2
read -r BL_RPS RD_RPS PG_RPS < <(interleave \
	"baseline|http://$BL_ADDR$LINK_PATH" \
	"redirect|http://$DL_ADDR$LINK_PATH|Host: $HOST|User-Agent: $UA_DESKTOP" \
	"ios-page|http://$DL_ADDR$LINK_PATH|Host: $HOST|User-Agent: $UA_IPHONE")
DL_HWM=$(peak_rss "$DL_PID")

awk -v bl="$BL_RPS" -v rd="$RD_RPS" -v pg="$PG_RPS" -v hwm="$DL_HWM" \
	-v trd="$TARGET_REDIRECT" -v tpg="$TARGET_PAGE" -v trss="$TARGET_RSS_MIB" \
	-v blcpu="$(cpu_report baseline)" -v rdcpu="$(cpu_report redirect)" -v pgcpu="$(cpu_report ios-page)" 'BEGIN {
	printf "%-22s %12s %8s %16s\n", "server", "requests/s", "ratio", "CPU µs/request"
	printf "%-22s %12.0f %8s %16s\n", "baseline 302", bl, "1.00", blcpu
	printf "%-22s %12.0f %8.2f %16s   (target >= %.2f: %s)\n", "deeplinkd redirect", rd, rd / bl, rdcpu, trd, rd / bl >= trd ? "met" : "NOT met"
	printf "%-22s %12.0f %8.2f %16s   (target >= %.2f: %s)\n", "deeplinkd iOS page", pg, pg / bl, pgcpu, tpg, pg / bl >= tpg ? "met" : "NOT met"
	printf "deeplinkd peak RSS (VmHWM): %.1f MiB   (target <= %d MiB: %s)\n", hwm, trss, hwm <= trss ? "met" : "NOT met"
}'
