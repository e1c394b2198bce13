#!/usr/bin/env bash
# Ingestion into the embedded store: a 1 GiB Traefik JSON access log (from gen_traefik, in
# the page cache) through the bench pipeline (json StartUTC+ServiceName, timestamp
# RFC3339Nano, labels service) and through the seed's traefik-access pipeline, with
# fdatasync'ed batches of 1 MiB. Reference: Promtail 2.9 -> Loki on this kind of machine did
# 30.7 k lines/s, 32.8 k lines per CPU-s, ~102 MiB RSS, 229.5 MB of chunks
# (../shared/spec/performance-figures.md). MB = 10^6 bytes.
#
#   bash bench/compare-ingest.sh [BUILD_DIR]     (BENCH_BYTES, BENCH_DATA override)
set -euo pipefail
build=${1:-build}
bytes=${BENCH_BYTES:-1073741824}
data=${BENCH_DATA:-${TMPDIR:-/tmp}/remediator-bench}
file="$data/traefik-$bytes.jsonl"
mkdir -p "$data"
if [[ ! -s "$file" ]]; then
  "$build/bench/gen_traefik" --bytes "$bytes" --out "$file.tmp" --seed 1 --start 2026-01-01T00:00:00Z --hours 24
  mv "$file.tmp" "$file"
fi
cat "$file" > /dev/null  # into the page cache
echo "file: $file ($(stat -c %s "$file") bytes), $(nproc) cores"
for p in bench seed; do
  "$build/bench/ingest" --file "$file" --store "$data/store-$p" --pipeline "$p"
  rm -rf "$data/store-$p"
done
echo "reference (Promtail 2.9 -> Loki): 30.7 k lines/s, 16.4 MB/s, 32.8 k lines per CPU-s, ~102 MiB RSS, chunks 1/4.7 of the raw bytes"
