#!/usr/bin/env bash
# Shared-measurement benchmarks (see crates/kasvu-bench). Usage:
#   scripts/bench.sh [--values 10000000] [--clients 8] [--seconds 10] [--import-only [--pg]]
# Builds Kasvu in release mode, installs the sqlite3 shell (the yardstick for
# import speed) when missing, and prints a Markdown table for the README.
# --pg (with --import-only) also imports the file into PostgreSQL at KASVU_TEST_PG (default
# postgres://postgres@127.0.0.1:5432/test) against COPY into a plain table.
set -euo pipefail
cd "$(dirname "$0")/.."
if ! command -v sqlite3 >/dev/null 2>&1; then
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq sqlite3 >/dev/null
fi
cargo build --release --locked -p kasvu -p kasvu-bench
KASVU_BIN=target/release/kasvu target/release/kasvu-bench "$@"
