#!/usr/bin/env bash
# Sets up the machine and runs every test:
#   1. unit and property tests of the pallets, the shared primitives, the runtime and the node,
#   2. the Ethereum contracts' forge tests (in the background, beside the node build and the
#      unit tests: solc-js is one process, and cargo leaves a core idle for long stretches),
#   3. end-to-end tests that drive the real strikeline-node binary over RPC (e2e/).
# Ends with one line of stage times. Every build shares one feature set per crate
# (workspace-hack/, checked first), so each cargo invocation reuses the one before.
source "$(dirname "$0")/env.sh"
started=$(date +%s)
STAGES=("setup ${SETUP_SECONDS}s")
stage features "feature sets: one per crate across the builds (scripts/check-features.py)"
python3 "$REPO_ROOT/scripts/check-features.py"

forge_log="$(mktemp)"
forge_started=$(date +%s)
"$REPO_ROOT/scripts/contracts.sh" test >"$forge_log" 2>&1 &
forge_pid=$!
at_exit 'kill $forge_pid 2>/dev/null || true; rm -f "$forge_log"'

stage node "build strikeline-node (release)"
build_node
stage unit-tests "unit tests: primitives, pallets, runtime, node"
# One invocation for all of them (the node build's artifacts, reused).
cargo test --locked --release "${CARGO_TIMINGS[@]}" "${UNIT_TEST_PACKAGES[@]/#/-p}"

stage forge-wait "Ethereum contracts: forge test (bridge/contracts), started with the node build"
forge_status=0
wait $forge_pid || forge_status=$?
cat "$forge_log"
forge_s=$(( $(stat -c %Y "$forge_log") - forge_started ))
echo "forge test ran ${forge_s}s in the background"
STAGES+=("forge ${forge_s}s (in the background)")
if [ "$forge_status" != 0 ]; then echo "forge test failed ($forge_status)"; exit "$forge_status"; fi

stage e2e-build "build the e2e tests, strikeline-relayer, the e2e tools and strikeline-zk's tests"
# The relayer binary (the bridge tests run it), the e2e crate and the circuit crate in one
# invocation; one e2e test binary (e2e/tests/e2e/main.rs).
cargo build --locked --release "${CARGO_TIMINGS[@]}" "${CLIENT_PACKAGES[@]/#/-p}" --bins --tests
stage e2e-run "end-to-end tests against $STRIKELINE_NODE, anvil and strikeline-relayer"
if cargo nextest --version >/dev/null 2>&1; then
	# Two at a time, the four-validator ones alone (.config/nextest.toml); time per test shown.
	cargo nextest run --locked --release "${CLIENT_PACKAGES[@]/#/-p}"
else
	# One at a time: each starts real nodes and two cores are shared.
	cargo test --locked --release "${CLIENT_PACKAGES[@]/#/-p}" -- --test-threads 1
fi
stage_summary
echo "== all tests passed in $(( $(date +%s) - started ))s"
