# bench/lib.sh: what the bench scripts share. Source it after
# `set -euo pipefail` and `cd` to the repository root:
#
#   . bench/lib.sh
#
# It sets DURATION, THREADS and CONNS (from the environment, else 10s, 2,
# 64), makes TMP (removed on exit) and PIDS (every process appended there
# is stopped on exit).
# shellcheck shell=bash

DURATION=${DURATION:-10s}
THREADS=${THREADS:-2}
CONNS=${CONNS:-64}

TMP=$(mktemp -d)
PIDS=()
cleanup() {
	local pid
	for pid in "${PIDS[@]}"; do
		kill "$pid" 2>/dev/null || true
		wait "$pid" 2>/dev/null || true
	done
	rm -rf "$TMP"
}
trap cleanup EXIT

fail() { printf 'bench: %s\n' "$*" >&2; exit 1; }

# DEEPLINKD_GOGC is the GOGC deeplinkd runs with: the Docker image's (its
# ENV line), so the figures are production's; set it to compare others.
DEEPLINKD_GOGC=${DEEPLINKD_GOGC:-$(sed -n 's/^[[:space:]]*GOGC=\([0-9a-z]*\).*$/\1/p' Dockerfile | head -1)}
[[ -n $DEEPLINKD_GOGC ]] || fail "no GOGC in the Dockerfile's ENV; set DEEPLINKD_GOGC"

# ensure_wrk installs wrk with apt-get when it is missing.
ensure_wrk() {
	if ! command -v wrk >/dev/null; then
		echo "installing wrk" >&2
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk >&2
	fi
}

# wait_addr LOG FIELD: print FIELD ("public", "admin" or "addr") of the
# "listening" JSON line a server logs once it accepts connections; give up
# after 15s.
wait_addr() {
	local log=$1 field=$2 addr i
	for ((i = 0; i < 150; i++)); do
		addr=$(grep -h '"msg":"listening"' "$log" 2>/dev/null |
			grep -o "\"$field\":\"[^\"]*\"" | head -1 | cut -d'"' -f4) || true
		if [[ -n $addr ]]; then
			echo "$addr"
			return
		fi
		sleep 0.1
	done
	cat "$log" >&2
	fail "no listening line in $log after 15s"
}

# wait_listening LOG: the "public" address of wait_addr.
wait_listening() { wait_addr "$1" public; }

# run_wrk NAME URL [HEADER...]: one wrk run against URL, each HEADER sent
# with -H; prints requests/s. A run with any answer other than 2xx or 3xx
# fails: its numbers would mean nothing.
run_wrk() {
	local name=$1 url=$2 h
	shift 2
	local args=()
	for h in "$@"; do
		args+=(-H "$h")
	done
	local out=$TMP/wrk-$name.txt pid=${SERVER_PID[$name]:-} cpu0=0
	[[ -n $pid ]] && cpu0=$(cpu_ticks "$pid")
	wrk -t"$THREADS" -c"$CONNS" -d"$DURATION" "${args[@]}" "$url" >"$out"
	if grep -q 'Non-2xx' "$out"; then
		cat "$out" >&2
		fail "$name answered errors under load; the numbers would mean nothing"
	fi
	if [[ -n $pid ]]; then
		# The server's CPU (user + system) per answered request: a steadier
		# figure than requests/s on a shared machine, and the one that says
		# where a ratio comes from.
		awk -v c0="$cpu0" -v c1="$(cpu_ticks "$pid")" -v hz="$(getconf CLK_TCK)" -v f="$TMP/cpu-$name" \
			'/ requests in / { printf "%d %d\n", c1 - c0, $1 >> f }' "$out"
	fi
	awk '/^Requests\/sec:/ { print $2 }' "$out"
}

# SERVER_PID maps a target's NAME to the server process it measures; run_wrk
# records that process's CPU for each run and cpu_report sums it up.
declare -A SERVER_PID=()

# cpu_ticks PID: the process's user + system CPU so far, in clock ticks.
cpu_ticks() { awk '{ print $14 + $15 }' "/proc/$1/stat"; }

# cpu_report NAME: the server CPU per request over NAME's runs, in µs.
cpu_report() {
	awk -v hz="$(getconf CLK_TCK)" '{ t += $1; n += $2 } END { if (n) printf "%.2f", t / hz / n * 1e6; else printf "?" }' "$TMP/cpu-$1"
}

# peak_rss PID: the process's peak resident set (VmHWM) in MiB.
peak_rss() {
	awk '/^VmHWM:/ { printf "%.1f", $2 / 1024 }' "/proc/$1/status"
}

# ROUNDS: how many times interleave measures each target.
ROUNDS=${ROUNDS:-5}

# interleave SPEC...: measures each target ROUNDS times with run_wrk,
# reversing the order every other round, and prints the mean requests/s of
# each, space-separated, in the order given. On a shared machine the load
# drifts by several percent within a minute; measuring the targets in turn
# lets that drift fall on all of them alike instead of on whichever ran
# last. A SPEC is "NAME|URL|HEADER|HEADER...".
interleave() {
	local -a specs=("$@") order
	local -A sum=()
	local round i spec name url rps
	local -a parts
	for ((round = 0; round < ROUNDS; round++)); do
		order=()
		for ((i = 0; i < ${#specs[@]}; i++)); do
			if ((round % 2 == 0)); then order+=("$i"); else order=("$i" "${order[@]}"); fi
		done
		for i in "${order[@]}"; do
			IFS='|' read -r -a parts <<<"${specs[$i]}"
			name=${parts[0]} url=${parts[1]}
			rps=$(run_wrk "$name" "$url" "${parts[@]:2}")
			printf '  round %d  %-12s %10.0f req/s\n' "$((round + 1))" "$name" "$rps" >&2
			sum[$i]=$(awk -v a="${sum[$i]:-0}" -v b="$rps" 'BEGIN { print a + b }')
		done
	done
	for ((i = 0; i < ${#specs[@]}; i++)); do
		awk -v s="${sum[$i]}" -v n="$ROUNDS" 'BEGIN { printf "%.0f ", s / n }'
	done
	echo
}
