#!/usr/bin/env bash
# Ledger root update time versus the number of accounts changed in an epoch (1k, 10k, 100k
# of a ledger twice that size): the settlement bridge pallet rehashing the changed leaves of
# its depth-32 keccak tree, natively, on in-memory storage. See docs/BENCHMARKS.md.
source "$(dirname "$0")/env.sh"
cargo test --locked --release -p pallet-settlement-bridge ledger_root_update_time -- --ignored --nocapture 2>&1 |
	grep -E "^\|"
