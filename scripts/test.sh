#!/usr/bin/env bash
# Sets up the machine and runs every test:
#   1. unit and property tests of the pallets, the shared primitives, the runtime and the node,
#   2. end-to-end tests that drive the real strikeline-node binary over RPC (e2e/).
# The node is built once, in release mode; the e2e crate is built in its own cargo
# invocation so that its dependencies (subxt) never change the node's build.
source "$(dirname "$0")/env.sh"
started=$(date +%s)
echo "== build strikeline-node (release)"
build_node
echo "== unit tests: primitives, pallets, runtime, node"
# One invocation for all of them, so that they share one feature set (and one build).
cargo test --locked --release "${UNIT_TEST_PACKAGES[@]/#/-p}"
echo "== Ethereum contracts: forge test (bridge/contracts)"
"$REPO_ROOT/scripts/contracts.sh" test
echo "== end-to-end tests against $STRIKELINE_NODE, anvil and strikeline-relayer"
# The relayer binary (the bridge tests run it), in the same invocation as the e2e crate so
# both share one feature set.
cargo build --locked --release -p strikeline-e2e -p strikeline-relayer --bins
# Tests within a binary run one at a time: each starts real nodes and two cores are shared.
cargo test --locked --release -p strikeline-e2e -p strikeline-relayer -- --test-threads 1
echo "== all tests passed in $(( $(date +%s) - started ))s"
