#!/usr/bin/env bash
# bench/api.sh: the attribution API through the real binary, on SQLite and
# on PostgreSQL in one run:
#
#   accepted/s   wrk posting unique sign-ups (bench/api.lua) with 64
#                connections to POST /api/v1/signups; each 202 means the
#                event is durably stored.
#   delivered/s  how fast the outbox then forwards that backlog to the
#                Partnero simulator (cmd/partnerosim, rate limit off), from
#                the deeplinkd_outbox_outcomes_total{outcome="delivered"}
#                counter between 10% and 90% of the backlog, or over
#                WINDOW seconds when it takes longer; the simulator's
#                state must hold each delivered customer exactly once (and
#                all of them when the backlog drained).
#
# During the accept phase the simulator holds every delivery (fault
# "slow"), so accepting is measured alone; clearing the fault starts the
# delivery phase with the whole backlog queued.
#
#   bench/api.sh                          # 10s of wrk, 2 threads, 64 connections
#   DURATION=30s WINDOW=60 bench/api.sh
#   DEEPLINKD_TEST_POSTGRES_DSN=postgres://... bench/api.sh
#
# Not part of go test: it needs wrk (installed with apt-get when missing),
# PostgreSQL (psql creates and drops a schema) and the machine to itself.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

. bench/lib.sh

WINDOW=${WINDOW:-20}
TARGET=3000
PG_DSN=${DEEPLINKD_TEST_POSTGRES_DSN:-postgres://postgres@127.0.0.1:5432/test?sslmode=disable}
TOKEN=bench-api-token-0123456789abcdef
SIM_KEY=bench_sim_key

SCHEMA=
drop_schema() {
	if [[ -n $SCHEMA ]]; then
		psql -q -X "$PG_DSN" -c "DROP SCHEMA IF EXISTS $SCHEMA CASCADE" >/dev/null 2>&1 || true
	fi
}
trap 'drop_schema; cleanup' EXIT

# queued ADMIN: the outbox's queue depth.
queued() {
	curl -sSf "http://$1/metrics" | awk '/^deeplinkd_outbox_queue_depth / { printf "%d\n", $NF }'
}

# delivered ADMIN: the outbox's delivered counter, summed over event types.
delivered() {
	curl -sSf "http://$1/metrics" |
		awk '/^deeplinkd_outbox_outcomes_total\{/ && /outcome="delivered"/ { n += $NF } END { printf "%d\n", n }'
}

# accepted ADMIN: the 202s POST /api/v1/signups answered.
accepted() {
	curl -sSf "http://$1/metrics" |
		awk '/^deeplinkd_http_requests_total\{/ && /route="\/api\/v1\/signups"/ && /code="202"/ { n += $NF } END { printf "%d\n", n }'
}

# sim METHOD PATH [JSON]: a call to the simulator's control API.
sim() {
	local args=(-sSf -X "$1" "http://$SIM_ADDR/_sim/$2")
	if [[ $# -ge 3 ]]; then
		args+=(-H 'Content-Type: application/json' -d "$3")
	fi
	curl "${args[@]}" >/dev/null
}

# run_backend NAME DRIVER DSN: prints
# "NAME accepted/s p50-ms p99-ms backlog delivered/s delivered".
run_backend() {
	local name=$1 driver=$2 dsn=$3 log=$TMP/deeplinkd-$1.log
	sim POST reset
	sim POST fault '{"mode":"slow","delay":"1h"}'
	sed "s/^  driver: sqlite$/  driver: $driver/" bench/api.yaml >"$TMP/api-$name.yaml"
	DEEPLINKD_API_TOKEN=$TOKEN PARTNERO_API_KEY=$SIM_KEY PARTNERO_API_URL="http://$SIM_ADDR" \
		DEEPLINKD_STORAGE_DSN="$dsn" \
		GOGC=$DEEPLINKD_GOGC "$TMP/deeplinkd" serve -config "$TMP/api-$name.yaml" 2>"$log" &
	local pid=$!
	PIDS+=("$pid")
	local public admin
	public=$(wait_addr "$log" public)
	admin=$(wait_addr "$log" admin)

	echo "$name: wrk -t$THREADS -c$CONNS -d$DURATION POST /api/v1/signups" >&2
	wrk -t"$THREADS" -c"$CONNS" -d"$DURATION" -s bench/api.lua "http://$public/api/v1/signups" \
		-- "$TOKEN" "$name" >"$TMP/wrk-$name.txt"
	local result rps non2xx n
	result=$(grep '^RESULT' "$TMP/wrk-$name.txt") || { cat "$TMP/wrk-$name.txt" >&2; fail "$name: wrk printed no result"; }
	non2xx=$(sed -E 's/.*non2xx=([0-9]+).*/\1/' <<<"$result")
	[[ $non2xx == 0 ]] || { cat "$TMP/wrk-$name.txt" >&2; fail "$name: $non2xx answers were not 2xx"; }
	rps=$(awk '/^Requests\/sec:/ { print $2 }' "$TMP/wrk-$name.txt")
	# Every event stored counts, including the few whose client gave up
	# (wrk closing its connections) between the commit and the 202.
	sleep 0.5
	n=$(queued "$admin")
	((n >= $(accepted "$admin"))) || fail "$name: fewer events queued ($n) than accepted"

	# Delivery phase: release the backlog and sample the counter, for at
	# most WINDOW seconds after the first delivery.
	local start now count c10= t10= c90= t90= first= firstc
	sim DELETE fault
	start=$(date +%s.%N)
	while :; do
		count=$(delivered "$admin")
		now=$(date +%s.%N)
		if [[ -z $first ]] && ((count > 0)); then first=$now firstc=$count; fi
		if [[ -z $c10 ]] && ((count * 10 >= n)); then c10=$count t10=$now; fi
		if [[ -z $c90 ]] && ((count * 10 >= n * 9)); then c90=$count t90=$now; fi
		((count >= n)) && break
		if [[ -n $first ]] && awk -v s="$first" -v t="$now" -v w="$WINDOW" 'BEGIN { exit !(t - s > w) }'; then
			break
		fi
		awk -v s="$start" -v t="$now" 'BEGIN { exit !(t - s > 60) }' && fail "$name: nothing delivered within 60s"
		sleep 0.2
	done
	# Whatever is done is there exactly once; when all is done, all is.
	local held
	held=$(curl -sSf "http://$SIM_ADDR/_sim/state" |
		python3 -c 'import json,sys; c=json.load(sys.stdin)["data"]["main"]["customers"]; print(len(c), len({x["key"] for x in c}))')
	read -r held_n held_unique <<<"$held"
	((held_n == held_unique)) || fail "$name: the simulator holds a customer twice ($held)"
	if ((count >= n)) && ((held_n != n)); then
		fail "$name: all $n delivered, but the simulator holds $held_n"
	fi
	local rate
	if [[ -n $c90 ]]; then
		rate=$(awk -v a="$c10" -v b="$c90" -v s="$t10" -v t="$t90" 'BEGIN { printf "%.0f", (b - a) / (t - s) }')
	else
		rate=$(awk -v a="$firstc" -v b="$count" -v s="$first" -v t="$now" 'BEGIN { printf "%.0f", (b - a) / (t - s) }')
	fi
	kill -TERM "$pid"
	wait "$pid" || fail "$name: deeplinkd did not exit cleanly"
	local p50 p99
	p50=$(sed -E 's/.*p50ms=([0-9.]+).*/\1/' <<<"$result")
	p99=$(sed -E 's/.*p99ms=([0-9.]+).*/\1/' <<<"$result")
	echo "$name $rps $p50 $p99 $n $rate $count"
}

ensure_wrk
command -v psql >/dev/null || fail "psql is not installed"

echo "building" >&2
go build -o "$TMP/deeplinkd" ./cmd/deeplinkd
go build -o "$TMP/partnerosim" ./cmd/partnerosim

"$TMP/partnerosim" -listen 127.0.0.1:0 -key "$SIM_KEY=main:affiliate" -partner main:demo -rate -1 \
	2>"$TMP/partnerosim.log" &
PIDS+=("$!")
SIM_ADDR=$(wait_addr "$TMP/partnerosim.log" addr)

psql -q -X "$PG_DSN" -c 'select 1' >/dev/null || fail "PostgreSQL at $PG_DSN is unreachable"
SCHEMA=bench_$$
psql -q -X "$PG_DSN" -c "CREATE SCHEMA $SCHEMA" >/dev/null
case $PG_DSN in
*\?*) PG_SCHEMA_DSN="$PG_DSN&search_path=$SCHEMA" ;;
*) PG_SCHEMA_DSN="$PG_DSN?search_path=$SCHEMA" ;;
esac

{
	run_backend sqlite sqlite "$TMP/bench.db"
	run_backend postgres postgres "$PG_SCHEMA_DSN"
} >"$TMP/results.txt"

awk -v target="$TARGET" -v cores="$(nproc)" -v window="$WINDOW" 'BEGIN {
	printf "%-9s %11s %7s %7s %8s %12s %10s\n", "backend", "accepted/s", "p50 ms", "p99 ms", "backlog", "delivered/s", "delivered"
}
{
	printf "%-9s %11.0f %7s %7s %8d %12d %10d   (accept target >= %d: %s)\n", $1, $2, $3, $4, $5, $6, $7, target, $2 >= target ? "met" : "NOT met"
}
END { printf "(%d cores shared by wrk, deeplinkd and the simulator; delivered/s over 10%%-90%% of the backlog, or over %ss)\n", cores, window }' "$TMP/results.txt"
