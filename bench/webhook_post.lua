-- wrk script for bench/compare-webhook.sh: POSTs Alertmanager webhook payloads (version 4).
-- Even requests repeat one alert (ends `deduplicated` after the first); odd requests carry a
-- new alert each (new alertname, so the oscillation guard passes it and the exhausted global
-- rate limit blocks it: `blocked_rate_limit`). BENCH_TOKEN is the bearer token;
-- BENCH_ALERTS alerts per payload (default 1).
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

local function alert(name, fingerprint)
  return '{"status":"firing","labels":{"alertname":"' .. name ..
         '","name":"jellyfin","severity":"critical","instance":"host:9100"},' ..
         '"annotations":{"summary":"bench"},"startsAt":"2026-11-27T10:00:00Z",' ..
         '"endsAt":"0001-01-01T00:00:00Z","generatorURL":"http://prom:9090/graph",' ..
         '"fingerprint":"' .. fingerprint .. '"}'
end

local function payload(alerts)
  return '{"version":"4","groupKey":"{}:{alertname=\\"Bench\\"}","truncatedAlerts":0,' ..
         '"status":"firing","receiver":"remediator","groupLabels":{},"commonLabels":{},' ..
         '"commonAnnotations":{},"externalURL":"http://am:9093","alerts":[' ..
         table.concat(alerts, ",") .. ']}'
end

local fixed
function init(args)
  local list = {}
  for i = 1, per_payload do list[i] = alert("BenchDup" .. i, string.format("d%015d", i)) end
  fixed = payload(list)
  wrk.method = "POST"
  wrk.headers["Content-Type"] = "application/json"
  wrk.headers["Authorization"] = "Bearer " .. token
end

function request()
  counter = counter + 1
  if counter % 2 == 0 then return wrk.format(nil, "/webhook", nil, fixed) end
  local list = {}
  for i = 1, per_payload do
    local id = string.format("%d-%d-%d", tid, counter, i)
    list[i] = alert("BenchNew-" .. id, string.format("%016x", (tid * 1000000000 + counter) * 64 + i))
  end
  return wrk.format(nil, "/webhook", nil, payload(list))
end

function done(summary, latency, requests)
  local secs = summary.duration / 1e6
  local bad = summary.errors.status + summary.errors.connect + summary.errors.read +
              summary.errors.write + summary.errors.timeout
  io.write(string.format("RESULT requests=%d seconds=%.2f rps=%.0f p50_us=%d p90_us=%d p99_us=%d max_us=%d errors=%d\n",
    summary.requests, secs, summary.requests / secs, latency:percentile(50),
    latency:percentile(90), latency:percentile(99), latency.max, bad))
end
