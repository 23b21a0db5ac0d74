-- bench/api.lua: wrk posts unique sign-ups to /api/v1/signups.
-- Arguments after "--": the bearer token and a key prefix (one per run,
-- so two runs never send the same customer key).
local counter = 0
local token, prefix, tid
local next_id = 0

function setup(thread)
  thread:set("tid", next_id)
  next_id = next_id + 1
end

function init(args)
  token, prefix = args[1], args[2]
  tid = wrk.thread:get("tid")
  wrk.method = "POST"
  wrk.path = "/api/v1/signups"
  wrk.headers["Content-Type"] = "application/json"
  wrk.headers["Authorization"] = "Bearer " .. token
  wrk.headers["Host"] = "go.example.com"
end

function request()
  counter = counter + 1
  local body = string.format(
    '{"referral_key":"demo","customer":{"key":"%s_%d_%d","email":"u%d_%d@example.com"}}',
    prefix, tid, counter, tid, counter)
  return wrk.format(nil, nil, nil, body)
end

function done(summary, latency, requests)
  -- One line the script parses: completed requests and non-2xx answers.
  io.write(string.format("RESULT requests=%d non2xx=%d errors=%d p50ms=%.1f p99ms=%.1f\n",
    summary.requests, summary.errors.status,
    summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout,
    latency:percentile(50) / 1000, latency:percentile(99) / 1000))
end
