-- wrk script for bench/compare-webhook.sh: POSTs Alertmanager webhook payloads (version 4).
-- Even requests repeat one alert (ends `deduplicated` after the first); odd requests carry a
-- new alert each (new alertname, so the oscillation guard passes it and the exhausted global
-- rate limit blocks it: `blocked_rate_limit`). BENCH_TOKEN is the bearer token;
-- BENCH_ALERTS alerts per payload (default 1).
--
-- The load generator shares the machine's cores with the server, so requests are built
-- cheaply: the request head and the repeated request once in init(), a new payload from
-- precomputed pieces (one table.concat) instead of wrk.format's per-request header loop.
local token = os.getenv("BENCH_TOKEN") or ""
local per_payload = tonumber(os.getenv("BENCH_ALERTS") or "1")
local threads = {}
local thread_seq = 0

function setup(thread)
  thread_seq = thread_seq + 1
  thread:set("tid", thread_seq)
  table.insert(threads, thread)
end

local counter = 0

-- An alert is alert_a .. name .. alert_b .. fingerprint .. alert_c.
local alert_a = '{"status":"firing","labels":{"alertname":"'
local alert_b = '","name":"jellyfin","severity":"critical","instance":"host:9100"},' ..
                '"annotations":{"summary":"bench"},"startsAt":"2026-11-27T10:00:00Z",' ..
                '"endsAt":"0001-01-01T00:00:00Z","generatorURL":"http://prom:9090/graph",' ..
                '"fingerprint":"'
local alert_c = '"}'
local payload_head = '{"version":"4","groupKey":"{}:{alertname=\\"Bench\\"}","truncatedAlerts":0,' ..
                     '"status":"firing","receiver":"remediator","groupLabels":{},"commonLabels":{},' ..
                     '"commonAnnotations":{},"externalURL":"http://am:9093","alerts":['
local payload_tail = ']}'

local request_head  -- request line and headers up to Content-Length
local fixed_request
local parts = {}

local function request_for(body)
  return request_head .. #body .. "\r\n\r\n" .. body
end

function init(args)
  local list = {}
  for i = 1, per_payload do
    list[i] = alert_a .. "BenchDup" .. i .. alert_b .. string.format("d%015d", i) .. alert_c
  end
  local host = wrk.port and (wrk.host .. ":" .. wrk.port) or wrk.host
  request_head = "POST /webhook HTTP/1.1\r\nHost: " .. host ..
                 "\r\nContent-Type: application/json\r\nAuthorization: Bearer " .. token ..
                 "\r\nContent-Length: "
  fixed_request = request_for(payload_head .. table.concat(list, ",") .. payload_tail)
end

function request()
  counter = counter + 1
  if counter % 2 == 0 then return fixed_request end
  local n = 1
  parts[n] = payload_head
  for i = 1, per_payload do
    if i > 1 then n = n + 1; parts[n] = "," end
    parts[n + 1] = alert_a
    parts[n + 2] = "BenchNew-" .. tid .. "-" .. counter .. "-" .. i
    parts[n + 3] = alert_b
    parts[n + 4] = string.format("%016x", (tid * 1000000000 + counter) * 64 + i)
    parts[n + 5] = alert_c
    n = n + 5
  end
  parts[n + 1] = payload_tail
  for j = #parts, n + 2, -1 do parts[j] = nil end
  return request_for(table.concat(parts))
end

function done(summary, latency, requests)
  local secs = summary.duration / 1e6
  local bad = summary.errors.status + summary.errors.connect + summary.errors.read +
              summary.errors.write + summary.errors.timeout
  io.write(string.format("RESULT requests=%d seconds=%.2f rps=%.0f p50_us=%d p90_us=%d p99_us=%d max_us=%d errors=%d\n",
    summary.requests, secs, summary.requests / secs, latency:percentile(50),
    latency:percentile(90), latency:percentile(99), latency.max, bad))
end
