#!/usr/bin/env bash
# Times the clearing and bridge pallets' FRAME benchmarks on the runtime configuration (natively, in
# release mode) and prints one row per benchmark: the measured part's median time at every
# component's minimum and, one at a time, at its maximum, with the slope per component.
# weights.rs in each pallet is written from these figures (see docs/BENCHMARKS.md).
# The benchmark test suites of the pallets' mocks run first, so a broken benchmark fails here.
source "$(dirname "$0")/env.sh"
# The wasm runtime is not needed: the benchmarks run natively.
export SKIP_WASM_BUILD=1
cargo test --locked --release --features runtime-benchmarks \
	-p pallet-price-oracle -p pallet-margin -p pallet-options -p pallet-liquidation \
	-p pallet-settlement-bridge benchmarking
cargo test --locked --release --features runtime-benchmarks -p strikeline-runtime \
	benchmark_clearing_pallets -- --ignored --nocapture --test-threads 1
