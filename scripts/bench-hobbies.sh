#!/usr/bin/env bash
# The public hobby search under concurrent load versus a static page of the
# same size served by the same server (see crates/kasvu-bench/src/hobby_bench.rs).
# Usage:
#   scripts/bench-hobbies.sh [--entries 100000] [--clients 8] [--seconds 10] [--rounds 1] [--pg]
# --rounds N measures N rounds and reports the median round (this VM is noisy).
# --pg also measures PostgreSQL at KASVU_TEST_PG (default
# postgres://postgres@127.0.0.1:5432/test) in a database of its own.
# Prints a Markdown table.
set -euo pipefail
cd "$(dirname "$0")/.."
cargo build --release --locked -p kasvu-bench
target/release/kasvu-bench hobbies "$@"
