#!/usr/bin/env bash
# Measures block time and finality lag (median and p99) on the dev chain (1 validator) and on
# the 4-validator local network from chain-specs/local-raw.json, all on this machine's
# loopback. Prints markdown table rows for docs/BENCHMARKS.md.
#   scripts/bench-consensus.sh [SECONDS]      (default 120 per network)
source "$(dirname "$0")/env.sh"
seconds="${1:-120}"
build_node
cargo build --locked --release -p strikeline-e2e --bin consensus-bench
bench="$CARGO_TARGET_DIR/release/consensus-bench"
echo "| network | window | blocks | interval p50 ms | interval p99 ms | finality lag p50 ms | finality lag p99 ms | lag max ms | unfinalized at end |"
echo "| --- | --- | --- | --- | --- | --- | --- | --- | --- |"
"$bench" --validators 1 --seconds "$seconds"
"$bench" --validators 4 --seconds "$seconds"
