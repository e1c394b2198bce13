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
echo "load average before: $(cut -d' ' -f1-3 /proc/loadavg)"
echo "-- remediator (logql_query, median of $runs runs; warm = the file already mapped by earlier runs; e2e = open + read + query)"
out=$("$build/bench/logql_query" --runs "$runs" --file "$file" --labels '{job="traefik-access"}' --time-field StartUTC \
  --start 2026-01-01T00:00:00Z --end 2026-01-02T00:00:00Z --step 1h --limit 1000 \
  'sum(count_over_time({job="traefik-access"} |= "jellyfin" [1h]))' \
  'sum by (ServiceName) (count_over_time({job="traefik-access"} | json | DownstreamStatus >= 500 [1h]))' \
  'quantile_over_time(0.95, {job="traefik-access"} | json | unwrap Duration [1h]) by (ServiceName)' \
  '{job="traefik-access"} |= "POST" | json | line_format "{{.RequestMethod}} {{.RequestPath}} {{.DownstreamStatus}}"')
echo "$out"

echo "-- baselines"
t0=$(now); n=$(/usr/bin/time -f "%U %S" -o "$data/grep.cpu" env LC_ALL=C grep -c jellyfin "$file"); t1=$(now)
grep_s=$(elapsed "$t0" "$t1")
grep_cpu=$(awk '{ printf "%.3f", $1 + $2 }' "$data/grep.cpu")
echo "LC_ALL=C grep -c jellyfin: $n lines, $grep_s s, $(mb "$grep_s") MB/s, cpu $grep_cpu s"
# (a) against grep in this run: wall MB/s ratio (target 2x) and CPU-seconds ratio.
e2e_a=$(echo "$out" | awk '/^e2e \(a\)/ { print $8, $13 }')
warm_a=$(echo "$out" | awk '/^sum\(count_over_time/ { for (i = 1; i <= NF; i++) if ($i == "s" && !w) { w = $(i-1) } else if ($i == "cpu") c = $(i+1); print w, c; exit }')
ratio() { awk -v g="$grep_s" -v gc="$grep_cpu" -v w="$1" -v c="$2" -v what="$3" \
  'BEGIN { if (w > 0) printf "(a) %s vs grep: %.2fx grep wall MB/s, %.2fx grep MB per cpu-s (%s s, cpu %s s)\n", what, g / w, gc / c, w, c }'; }
ratio $warm_a "warm (file already mapped)"
ratio $e2e_a "end to end (first query over the file)"
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
