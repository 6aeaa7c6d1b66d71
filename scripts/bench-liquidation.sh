#!/usr/bin/env bash
# Time to liquidation on a --dev node: runs the price-crash scenario (e2e/tests/liquidation.rs:
# the real node, the real strikeline-keeper binary, then the runtime backstop) and prints, per
# liquidated account, the block whose price update breached maintenance margin and the block
# that liquidated it. Blocks are 500 ms. See docs/BENCHMARKS.md.
source "$(dirname "$0")/env.sh"
build_node
cargo test --locked --release -p strikeline-e2e --test liquidation -- --nocapture 2>&1 |
	grep -E "^FIGURE|^insurance fund|^test result"
