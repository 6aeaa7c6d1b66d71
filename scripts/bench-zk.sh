#!/usr/bin/env bash
# The range circuit at the chain's tree depth (32): constraints, Groth16 setup and proving
# time per number of changed accounts (STRIKELINE_ZK_SIZES, comma-separated, default 16).
# Prints a Markdown table; see docs/BENCHMARKS.md, "Validity proofs".
#   STRIKELINE_ZK_SIZES=16,64 scripts/bench-zk.sh
source "$(dirname "$0")/env.sh"
cargo test --locked --release -p strikeline-zk --test bench -- --ignored --nocapture 2>&1 |
	grep -E "^\|"
