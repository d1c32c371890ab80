#!/usr/bin/env bash
# Measures the server's resident memory on a large database around its first
# dashboard (which protects every indicator it shows from cold): RSS when
# idle, after that first request, and after 2,000 more; the peak (VmHWM);
# and how long the first request took. Any further arguments are set in the
# server's environment: GLIBC_TUNABLES=glibc.malloc.tcache_count=7 (glibc's
# default value) names a malloc tunable, so the server leaves glibc's own
# adjusting thresholds alone — the way to compare with its settings on the
# same database (see crates/kasvu-web/src/support/memory.rs).
# Make the database with `target/release/kasvu-bench --values 10000000
# --keep-db` (it prints the directory; the database is bench.db in it; add
# --import-only to stop after the import — the README's figures are of a
# full run's database, with its writes).
# Usage: scripts/measure-dashboard-memory.sh DB [NAME=VALUE ...]
set -euo pipefail
db=${1:?usage: scripts/measure-dashboard-memory.sh DB [NAME=VALUE ...]}
shift
bin=${KASVU_BIN:-target/release/kasvu}
[ -x "$bin" ] || { echo "build first: cargo build --release" >&2; exit 1; }
[ -f "$db" ] || { echo "$db: no such database" >&2; exit 1; }
out=$(mktemp)
trap 'rm -f "$out"' EXIT

env "$@" KASVU_LOG=warn "$bin" serve --db "sqlite://$db" --addr 127.0.0.1:0 >"$out" 2>&1 &
pid=$!
for _ in $(seq 1 300); do grep -q "listening on" "$out" && break; sleep 0.1; done
url=$(sed -n 's/^listening on //p' "$out")
[ -n "$url" ] || { cat "$out" >&2; kill "$pid"; exit 1; }
mb() { awk -v k="$1:" '$1 == k {printf "%.0f", $2 / 1024}' "/proc/$pid/status"; }

idle=$(mb VmRSS)
t0=$(date +%s%N)
code=$(curl -s -o /dev/null -w '%{http_code}' "$url/units/area-0/dashboard")
t1=$(date +%s%N)
first=$(mb VmRSS)
for i in $(seq 1 2000); do
  curl -s -o /dev/null "$url/units/area-$((i % 4))/dashboard"
done
echo "settings [$*]: first dashboard $code in $(( (t1 - t0) / 1000000 )) ms;" \
  "RSS idle ${idle} MB, after it ${first} MB, after 2,000 more $(mb VmRSS) MB, peak $(mb VmHWM) MB"
kill "$pid"; wait "$pid" 2>/dev/null || true
