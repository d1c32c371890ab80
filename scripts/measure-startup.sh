#!/usr/bin/env bash
# Measures `kasvu serve --demo`: time from exec until /healthz answers (a fresh
# SQLite database each run, so migrations and the demo load are included),
# and resident memory (RSS) when ready and after 2,000 page requests.
# Usage: scripts/measure-startup.sh [path/to/kasvu] [runs]
set -euo pipefail
bin=${1:-target/release/kasvu}
runs=${2:-5}
port=18765
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
[ -x "$bin" ] || { echo "build first: cargo build --release" >&2; exit 1; }

rss_kib() { awk '/^VmRSS/ {print $2}' "/proc/$1/status"; }

for i in $(seq 1 "$runs"); do
  rm -f "$dir"/kasvu.db*
  t0=$(date +%s%N)
  KASVU_LOG=warn "$bin" serve --demo --db "sqlite://$dir/kasvu.db" --addr "127.0.0.1:$port" >/dev/null &
  pid=$!
  until curl -sf "http://127.0.0.1:$port/healthz" >/dev/null; do sleep 0.005; done
  t1=$(date +%s%N)
  ready_rss=$(rss_kib "$pid")
  for _ in $(seq 1 500); do
    for p in / /units/keskinen /units/tuira /api/v1/orgunits; do
      curl -s -o /dev/null "http://127.0.0.1:$port$p"
    done
  done
  loaded_rss=$(rss_kib "$pid")
  kill "$pid"; wait "$pid" 2>/dev/null || true
  echo "run $i: ready in $(( (t1 - t0) / 1000000 )) ms; RSS $(( ready_rss / 1024 )) MiB when ready, $(( loaded_rss / 1024 )) MiB after 2000 requests"
done
