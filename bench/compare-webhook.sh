#!/usr/bin/env bash
# Webhook -> decision throughput and latency: `remediator serve` against the seed-shaped Python
# handler (bench/baseline/seed_handler.py), both driven by wrk (16 connections, POST script
# bench/webhook_post.lua) on loopback, both fsyncing every decision (remediator by group
# commit). The payloads end deduplicated or rate-limited (the hot path; no playbook runs).
#
# usage: bench/compare-webhook.sh [BUILD_DIR]   env: DURATION (10s) CONNECTIONS (16)
#        THREADS (2, wrk threads) BENCH_ALERTS (1 alert per payload)
#        TMPFS_RUN (1: also run remediator with its decision log on /dev/shm; 0: not)
#
# Output: one RESULT line per server (requests, rps, latency percentiles in microseconds,
# errors), the server's CPU time per decision, wrk's CPU time per request (wrk runs on the
# same cores, so what it spends the server cannot use), the decision mix found in its log, the
# machine's load average before each run, and the disk's fdatasync latency (p50/p99 of 200
# syncs of one appended line) — the floor under any fsynced answer. The tmpfs run (a RESULT
# line "remediator-tmpfs") is the same server without that floor.
set -euo pipefail
build=${1:-build}
duration=${DURATION:-10s}
connections=${CONNECTIONS:-16}
wrk_threads=${THREADS:-2}
export BENCH_ALERTS=${BENCH_ALERTS:-1}
here="$(cd "$(dirname "$0")" && pwd)"
bin="$build/remediator"
[ -x "$bin" ] || bin="$build/src/cli/remediator"
for tool in wrk python3 curl; do
  command -v "$tool" >/dev/null || { echo "compare-webhook: $tool not installed" >&2; exit 1; }
done
[ -x "$bin" ] || { echo "compare-webhook: $bin not built" >&2; exit 1; }

# On disk (not tmpfs) so fsync costs what it costs.
work="$(mktemp -d "$build/bench-webhook.XXXXXX")"
pids=()
cleanup() {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  wait 2>/dev/null || true
  rm -rf "$work" "${shm:-}"
}
trap cleanup EXIT

head -c 24 /dev/urandom | base64 | tr -d '/+=\n' > "$work/token"
export BENCH_TOKEN="$(cat "$work/token")"
cat > "$work/remediator.yml" <<YML
listen: 127.0.0.1:0
auth: {bearer_token_file: token}
decision_log: decisions.jsonl
state: state.db
min_confidence: 80
guards:
  rate_limit: {max: 5, window: 1h}
  idempotency: {window: 5m}
  circuit_breaker: {failures: 3, cooldown: 30m}
  oscillation: {threshold: 3, window: 15m}
  protected_services: [traefik, authelia]
playbooks:
  restart-service:
    command: [/bin/true]
    timeout: 10s
    parameters: {service: '^[a-z0-9][a-z0-9_.@-]*$'}
routes:
  - matchers: ['alertname =~ "Bench.*"']
    playbook: restart-service
    confidence: 90
    service: '{{ .Labels.name }}'
    parameters: {service: '{{ .Labels.name }}'}
YML

wait_ready() {  # url
  for _ in $(seq 1 200); do
    if curl -fsS -o /dev/null "$1" 2>/dev/null; then return 0; fi
    sleep 0.05
  done
  echo "compare-webhook: $1 did not come up" >&2
  return 1
}

cpu_ticks() {  # pid -> utime+stime in clock ticks
  awk '{print $14+$15}' "/proc/$1/stat" 2>/dev/null || echo 0
}

run_wrk() {  # name url pid
  local out t0 t1 hz wrk_cpu
  echo "  load average before $1: $(cut -d' ' -f1-3 /proc/loadavg)" >&2
  t0=$(cpu_ticks "$3")
  { TIMEFORMAT='%U %S'; time wrk -t"$wrk_threads" -c"$connections" -d"$duration" --latency \
      -s "$here/webhook_post.lua" "$2" > "$work/wrk.out"; } 2> "$work/wrk.time"
  out=$(cat "$work/wrk.out")
  wrk_cpu=$(awk '{print $1 + $2}' "$work/wrk.time")
  t1=$(cpu_ticks "$3")
  hz=$(getconf CLK_TCK)
  echo "$out" | grep '^RESULT' | sed "s/^RESULT/$1/" |
    awk -v t="$((t1 - t0))" -v hz="$hz" -v k="$BENCH_ALERTS" -v w="$wrk_cpu" '{
      n = 0; for (i = 1; i <= NF; i++) if ($i ~ /^requests=/) { split($i, a, "="); n = a[2] }
      printf "%s server_cpu_s=%.2f cpu_us_per_decision=%.1f wrk_cpu_us_per_request=%.1f\n", $0, t / hz,
        n ? t / hz * 1e6 / (n * k) : 0, n ? w * 1e6 / n : 0 }'
}

fsync_probe() {  # dir
  python3 - "$1" <<'PY'
import os, sys, time
fd = os.open(os.path.join(sys.argv[1], "fsync-probe"), os.O_WRONLY | os.O_CREAT | os.O_APPEND)
ts = []
for _ in range(200):
    os.write(fd, b"x" * 300 + b"\n")
    t = time.perf_counter(); os.fdatasync(fd); ts.append(time.perf_counter() - t)
ts.sort()
print(f"disk: fdatasync of one appended line p50 {ts[100]*1e3:.2f} ms, p99 {ts[198]*1e3:.2f} ms")
PY
}

decisions_by_action() {  # log
  python3 - "$1" <<'PY'
import collections, json, sys
c = collections.Counter()
for line in open(sys.argv[1]):
    try:
        c[json.loads(line)["action"]] += 1
    except Exception:
        c["(unparsable)"] += 1
print("  decisions by action:", dict(c.most_common()))
PY
}

echo "machine: $(nproc) cores, $(uname -r); wrk -t$wrk_threads -c$connections -d$duration; $BENCH_ALERTS alert(s) per payload"
fsync_probe "$work"

# start_remediator DIR: serves DIR/remediator.yml; sets port and appends the pid to pids.
start_remediator() {
  "$bin" serve --config "$1/remediator.yml" 2> "$1/serve.log" &
  pids+=($!)
  port=""
  for _ in $(seq 1 200); do
    port=$(sed -n 's/.*listening on http:\/\/127\.0\.0\.1:\([0-9]*\).*/\1/p' "$1/serve.log" | head -1)
    [ -n "$port" ] && break
    sleep 0.05
  done
  [ -n "$port" ] || { cat "$1/serve.log" >&2; exit 1; }
  wait_ready "http://127.0.0.1:$port/-/ready"
}

# remediator
start_remediator "$work"
r1=$(run_wrk remediator "http://127.0.0.1:$port" "${pids[-1]}")
echo "$r1"
decisions_by_action "$work/decisions.jsonl"
kill "${pids[-1]}"; wait "${pids[-1]}" 2>/dev/null || true

# The same with its decision log and state in memory (tmpfs: an fsync costs nothing): not a
# setup to run, but it shows what the server does when the disk's sync is not the limit
# (with 16 connections, each waiting for its decisions to be synced, a 0.3-0.7 ms fdatasync
# bounds the rate at about 16 per sync round).
if [ -d /dev/shm ] && [ "${TMPFS_RUN:-1}" = 1 ]; then
  shm="$(mktemp -d /dev/shm/bench-webhook.XXXXXX)"
  cp "$work/remediator.yml" "$work/token" "$shm/"
  start_remediator "$shm"
  r0=$(run_wrk remediator-tmpfs "http://127.0.0.1:$port" "${pids[-1]}")
  echo "$r0"
  kill "${pids[-1]}"; wait "${pids[-1]}" 2>/dev/null || true
  rm -rf "$shm"
fi

# the seed-shaped Python handler
pyport=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
python3 "$here/baseline/seed_handler.py" "$pyport" "$work/seed-decisions.jsonl" "$work/token" > "$work/seed.log" 2>&1 &
pids+=($!)
for _ in $(seq 1 200); do grep -q listening "$work/seed.log" 2>/dev/null && break; sleep 0.05; done
r2=$(run_wrk python-seed "http://127.0.0.1:$pyport" "${pids[-1]}")
echo "$r2"
decisions_by_action "$work/seed-decisions.jsonl"
fsync_probe "$work"

rps1=$(echo "$r1" | sed -n 's/.* rps=\([0-9]*\).*/\1/p')
rps2=$(echo "$r2" | sed -n 's/.* rps=\([0-9]*\).*/\1/p')
p99a=$(echo "$r1" | sed -n 's/.* p99_us=\([0-9]*\).*/\1/p')
p99b=$(echo "$r2" | sed -n 's/.* p99_us=\([0-9]*\).*/\1/p')
p50a=$(echo "$r1" | sed -n 's/.* p50_us=\([0-9]*\).*/\1/p')
p50b=$(echo "$r2" | sed -n 's/.* p50_us=\([0-9]*\).*/\1/p')
python3 - "$rps1" "$rps2" "$p99a" "$p99b" "$p50a" "$p50b" "$BENCH_ALERTS" <<'PY'
import sys
r1, r2, p1, p2, m1, m2, k = (float(x or 0) for x in sys.argv[1:])
print(f"decisions/s: remediator {r1*k:,.0f}  python-seed {r2*k:,.0f}  ratio {r1/max(r2,1):.1f}x;"
      f"  p50: remediator {m1/1000:.2f} ms  python-seed {m2/1000:.2f} ms;"
      f"  p99: remediator {p1/1000:.2f} ms  python-seed {p2/1000:.2f} ms"
      f"  (targets: 25,000 decisions/s, p99 < 2 ms)")
PY
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
