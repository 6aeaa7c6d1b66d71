#!/usr/bin/env bash
# Times the portfolio-margin scenario grid in the wasm runtime of a real --dev node
# (e2e/src/bin/grid_bench.rs): StrikelineApi_account for accounts of 1, 10 and 32 positions,
# portfolio vs standard margin, beside an empty account (the RPC overhead). See
# docs/BENCHMARKS.md.
source "$(dirname "$0")/env.sh"
build_node
cargo run --locked --release -p strikeline-e2e --bin grid-bench
