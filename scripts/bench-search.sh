#!/usr/bin/env bash
# Search latency over generated entries on SQLite and PostgreSQL (see
# crates/kasvu-bench/src/search_bench.rs). Usage:
#   scripts/bench-search.sh [--entries 100000]
# PostgreSQL is taken from KASVU_TEST_PG (default postgres://postgres@127.0.0.1:5432/test);
# a database of its own is created and dropped. Prints a Markdown table.
set -euo pipefail
cd "$(dirname "$0")/.."
cargo build --release --locked -p kasvu-bench
target/release/kasvu-bench search "$@"
