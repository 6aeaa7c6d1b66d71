#!/usr/bin/env bash
# Clearing throughput through the real node: builds strikeline-node and the load generator,
# starts a --dev node (Aura, 500 ms slots), and submits signed matched-fill batches as fast as
# blocks take them. Prints fills/s, block interval and fill latency (submit -> finalized).
#   scripts/bench-clearing.sh [FILLS] [BATCH] [IN_FLIGHT]     (defaults 12000 128 16)
source "$(dirname "$0")/env.sh"
build_node
cargo build --locked --release -p strikeline-e2e --bin clearing-bench
"$CARGO_TARGET_DIR/release/clearing-bench" "${1:-12000}" "${2:-128}" "${3:-16}"
