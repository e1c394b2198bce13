#!/usr/bin/env bash
# Ingestion into the embedded store, and queries from it: a 1 GiB Traefik JSON access log
# (from gen_traefik, in the page cache) through
#   1. the ingest tool (bench/ingest_tool.cc: stages + store, batches committed by a second
#      thread) with the bench pipeline (json StartUTC+ServiceName, timestamp RFC3339Nano,
#      labels service) and the seed's traefik-access pipeline;
#   2. `remediator ship --once` (tailer + shipper + stages + store sink, the real path) with
#      the same two pipelines and a storage block;
#   3. LogQL queries (a)-(c) of issue 3 via `remediator query --store` (the bench pipeline's
#      store, which keeps whole lines) against `remediator query --file --time-field StartUTC`
#      on the raw file, same run, and whether both answer the same; first with both in the
#      page cache (warm), then with both dropped from it before each run (cold: the logs of
#      a past day read from disk), by posix_fadvise(DONTNEED), which needs no root.
# CPU-seconds and peak RSS come from /usr/bin/time. Reference: Promtail 2.9 -> Loki on this
# kind of machine did 30.7 k lines/s, 32.8 k lines per CPU-s, ~102 MiB RSS, 229.5 MB of chunks
# (../shared/spec/performance-figures.md). MB = 10^6 bytes.
#
#   bash bench/compare-ingest.sh [BUILD_DIR]     (BENCH_BYTES, BENCH_DATA override)
set -euo pipefail
build=${1:-build}
bytes=${BENCH_BYTES:-1073741824}
data=${BENCH_DATA:-${TMPDIR:-/tmp}/remediator-bench}
file="$data/traefik-$bytes.jsonl"
remediator="$build/src/cli/remediator"
mkdir -p "$data"
if [[ ! -s "$file" ]]; then
  "$build/bench/gen_traefik" --bytes "$bytes" --out "$file.tmp" --seed 1 --start 2026-01-01T00:00:00Z --hours 24
  mv "$file.tmp" "$file"
fi
cat "$file" > /dev/null  # into the page cache
size=$(stat -c %s "$file")
lines=$(wc -l < "$file")
echo "file: $file ($size bytes, $lines lines), $(nproc) cores, load: $(cut -d' ' -f1-3 /proc/loadavg)"

# run LABEL CMD...: runs CMD under /usr/bin/time; prints wall, CPU, lines/s, lines per CPU-s, RSS.
run() {
  local label=$1
  shift
  local t="$data/time.txt"
  /usr/bin/time -f '%e %U %S %M' -o "$t" "$@" > "$data/out.txt" 2> "$data/err.txt" || {
    cat "$data/err.txt" >&2
    return 1
  }
  read -r wall user sys rss < "$t"
  awk -v l="$label" -v w="$wall" -v u="$user" -v s="$sys" -v r="$rss" -v n="$lines" -v b="$size" 'BEGIN {
    c = u + s; if (w <= 0) w = 0.001; if (c <= 0) c = 0.001
    printf "%-44s %7.2f s wall %7.2f CPU-s %9.0f lines/s %7.1f MB/s %9.0f lines per CPU-s  peak RSS %5.1f MiB\n",
      l, w, c, n / w, b / 1e6 / w, n / c, r / 1024 }'
}
store_ratio() {
  local d=$1 on_disk
  on_disk=$(du -sb --apparent-size "$d" | cut -f1)
  awk -v b="$size" -v d="$on_disk" 'BEGIN { printf "  store %.1f MB = 1/%.1f of the raw bytes\n", d / 1e6, b / d }'
}

echo "-- ingest tool (stages + store; CPU and RSS from getrusage, all threads)"
for p in bench seed; do
  "$build/bench/ingest" --file "$file" --store "$data/store-$p" --pipeline "$p"
  [[ $p == bench ]] || rm -rf "$data/store-$p"
done

echo "-- remediator ship --once (tailer + shipper + stages + store sink)"
for p in bench seed; do
  dir="$data/ship-$p"
  rm -rf "$dir"
  mkdir -p "$dir"
  if [[ $p == bench ]]; then
    stages='
      - json: {expressions: {StartUTC: StartUTC, ServiceName: ServiceName}}
      - timestamp: {source: StartUTC, format: RFC3339Nano}
      - labels: {service: ServiceName}'
  else
    stages='
      - json:
          expressions: {timestamp: StartUTC, method: RequestMethod, path: RequestPath, status: DownstreamStatus,
                        duration: Duration, service: ServiceName, client_addr: ClientAddr}
      - timestamp: {source: timestamp, format: RFC3339Nano}
      - labels: {method: , status: , service: }
      - output: {source: path}'
  fi
  cat > "$dir/promtail.yml" <<YAML
positions: {filename: positions.yaml}
storage: {path: data}
scrape_configs:
  - job_name: traefik-access
    static_configs:
      - targets: [localhost]
        labels: {job: traefik-access, __path__: $file}
    pipeline_stages:$stages
YAML
  run "ship --once, $p pipeline" "$remediator" ship --once --config "$dir/promtail.yml"
  store_ratio "$dir/data"
  rm -rf "$dir"
done

store="$data/store-bench"
qargs=(--start 2026-01-01T00:00:00Z --end 2026-01-02T00:00:00Z --step 1h -o json)
queries=(
  'sum(count_over_time({job="traefik-access"} |= "jellyfin" [1h]))'
  'sum by (ServiceName) (count_over_time({job="traefik-access"} | json | DownstreamStatus >= 500 [1h]))'
  'quantile_over_time(0.95, {job="traefik-access"} | json | unwrap Duration [1h]) by (ServiceName)'
)
names=(a b c)
# drop_from_cache FILE...: asks the kernel to forget the files' clean cached pages.
drop_from_cache() {
  python3 -c 'import os, sys
for p in sys.argv[1:]:
    fd = os.open(p, os.O_RDONLY); os.posix_fadvise(fd, 0, 0, os.POSIX_FADV_DONTNEED); os.close(fd)' "$@"
}
compare_queries() {
  local cold=$1
  for i in 0 1 2; do
    q=${queries[$i]}
    [[ $cold == cold ]] && drop_from_cache "$file" $(find "$store" -type f)
    run "(${names[$i]}) query --store" "$remediator" query "$q" --store "$store" "${qargs[@]}"
    read -r store_wall store_user store_sys _ < "$data/time.txt"
    jq -S '.data.result' "$data/out.txt" > "$data/q-store.json"
    [[ $cold == cold ]] && drop_from_cache "$file" $(find "$store" -type f)
    run "(${names[$i]}) query --file --time-field StartUTC" "$remediator" query "$q" \
      --file "$file:{job=\"traefik-access\"}" --time-field StartUTC "${qargs[@]}"
    read -r file_wall file_user file_sys _ < "$data/time.txt"
    jq -S '.data.result' "$data/out.txt" > "$data/q-file.json"
    awk -v sw="$store_wall" -v su="$store_user" -v ss="$store_sys" -v fw="$file_wall" -v fu="$file_user" \
      -v fs="$file_sys" 'BEGIN { if (fw <= 0) fw = 0.001; if (fu + fs <= 0) fu = 0.001
      printf "  store / file: %.2fx the wall time, %.2fx the CPU-s (target: wall <= 1.00x)\n", sw / fw, (su + ss) / (fu + fs) }'
    if cmp -s "$data/q-store.json" "$data/q-file.json"; then
      echo "  same result from both"
    else
      echo "  RESULTS DIFFER: $data/q-store.json vs $data/q-file.json"
    fi
  done
}
echo "-- queries (a)-(c) over the 24 h, step 1h, --store (bench pipeline's store) vs --file; warm: both in the page cache"
compare_queries warm
echo "-- the same queries, cold: the file and the store dropped from the page cache before each run"
echo "   (the log of a past day, read from disk)"
compare_queries cold
cat "$file" > /dev/null  # back into the page cache for the benchmarks that follow
rm -rf "$store"
echo "reference (Promtail 2.9 -> Loki): 30.7 k lines/s, 16.4 MB/s, 32.8 k lines per CPU-s, ~102 MiB RSS, chunks 1/4.7 of the raw bytes"
