#!/usr/bin/env bash
# LogQL over a 1 GiB Traefik JSON access log (file in the page cache): our engine on queries
# (a)-(d) of issue 3 as range queries over the 24 h with step 1h, and in the same run
# `LC_ALL=C grep -c` and `jq` doing (a) and (b). MB = 10^6 bytes.
#
#   bash bench/compare-logql.sh [BUILD_DIR]     (BENCH_BYTES, BENCH_DATA, BENCH_RUNS override)
set -euo pipefail
build=${1:-build}
bytes=${BENCH_BYTES:-1073741824}
data=${BENCH_DATA:-${TMPDIR:-/tmp}/remediator-bench}
runs=${BENCH_RUNS:-3}
file="$data/traefik-$bytes.jsonl"
mkdir -p "$data"
if [[ ! -s "$file" ]]; then
  "$build/bench/gen_traefik" --bytes "$bytes" --out "$file.tmp" --seed 1 --start 2026-01-01T00:00:00Z --hours 24
  mv "$file.tmp" "$file"
fi
cat "$file" > /dev/null  # into the page cache
size=$(stat -c %s "$file")
mb() { awk -v b="$size" -v s="$1" 'BEGIN { printf "%.0f", b / 1e6 / s }'; }
now() { date +%s.%N; }
elapsed() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.3f", b - a }'; }

echo "file: $file ($size bytes, $(wc -l < "$file") lines), $(nproc) cores"
echo "-- remediator (logql_query, median of $runs runs)"
"$build/bench/logql_query" --runs "$runs" --file "$file" --labels '{job="traefik-access"}' --time-field StartUTC \
  --start 2026-01-01T00:00:00Z --end 2026-01-02T00:00:00Z --step 1h --limit 1000 \
  'sum(count_over_time({job="traefik-access"} |= "jellyfin" [1h]))' \
  'sum by (ServiceName) (count_over_time({job="traefik-access"} | json | DownstreamStatus >= 500 [1h]))' \
  'quantile_over_time(0.95, {job="traefik-access"} | json | unwrap Duration [1h]) by (ServiceName)' \
  '{job="traefik-access"} |= "POST" | json | line_format "{{.RequestMethod}} {{.RequestPath}} {{.DownstreamStatus}}"'

echo "-- baselines"
t0=$(now); n=$(LC_ALL=C grep -c jellyfin "$file"); t1=$(now)
echo "LC_ALL=C grep -c jellyfin: $n lines, $(elapsed "$t0" "$t1") s, $(mb "$(elapsed "$t0" "$t1")") MB/s"
if command -v jq > /dev/null; then
  # jq runs at tens of MB/s: on the first BENCH_JQ_BYTES (default 100 MB) of the file.
  jq_bytes=${BENCH_JQ_BYTES:-100000000}
  part="$data/traefik-jq-$jq_bytes.jsonl"
  [[ -s "$part" ]] || head -c "$jq_bytes" "$file" | head -n -1 > "$part"
  psize=$(stat -c %s "$part")
  pmb() { awk -v b="$psize" -v s="$1" 'BEGIN { printf "%.0f", b / 1e6 / s }'; }
  t0=$(now); n=$(jq -c 'select(tostring | contains("jellyfin"))' "$part" | wc -l); t1=$(now)
  echo "jq (a) line filter count over $psize bytes: $n lines, $(elapsed "$t0" "$t1") s, $(pmb "$(elapsed "$t0" "$t1")") MB/s"
  t0=$(now)
  jq -r 'select(.DownstreamStatus >= 500) | .ServiceName' "$part" | sort | uniq -c > /dev/null
  t1=$(now)
  echo "jq (b) status >= 500 by service over $psize bytes: $(elapsed "$t0" "$t1") s, $(pmb "$(elapsed "$t0" "$t1")") MB/s"
fi
