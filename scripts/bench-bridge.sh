#!/usr/bin/env bash
# Latency of the settlement bridge, end of an epoch -> commitment accepted on Ethereum, with
# its split (attestation, finality, relay, L1 inclusion), on a real --dev node, anvil and the
# real relayer (e2e/src/bin/bridge_latency.rs). See docs/BENCHMARKS.md.
#
#   scripts/bench-bridge.sh [EPOCHS=10] [ANVIL_BLOCK_TIME_S=0 (instant mining)]
source "$(dirname "$0")/env.sh"
build_node
"$REPO_ROOT/scripts/contracts.sh" build
cargo build --locked --release -p strikeline-e2e -p strikeline-relayer --bins
cargo run --locked --release -p strikeline-e2e --bin bridge-latency -- "${1:-10}" "${2:-0}"
