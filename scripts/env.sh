# Sourced by the other scripts: machine setup, toolchain and cargo environment.
#
#   CARGO_TARGET_DIR  defaults to $HOME/.cache/strikeline/target, outside the checkout, so
#                     that every clone on this machine (and CI) shares one build.
#   WASM_BUILD_TOOLCHAIN  set by scripts/setup.sh where rustup has no wasm target.
set -euo pipefail
SETUP_STARTED=$(date +%s)
REPO_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$HOME/.cache/strikeline/target}"
mkdir -p "$CARGO_TARGET_DIR"
eval "$("$REPO_ROOT/scripts/setup.sh")"
SETUP_SECONDS=$(( $(date +%s) - SETUP_STARTED ))
# A fresh clone (CI) reuses the build of the last one (docs/BENCHMARKS.md, "Warm CI"):
# - every file gets a modification time that depends on its content (scripts/source-stamps.py),
#   so cargo rebuilds only what changed since the last build through these scripts;
# - the wasm build sees this checkout through a fixed symlink (runtime/build.rs), so the paths
#   it records stay valid from one clone to the next, and reruns when the digest of the
#   runtime's inputs changes. One build at a time: the link names the checkout being built.
STAMPS_RECORD="$CARGO_TARGET_DIR/strikeline-tools/source-stamps.json"
mkdir -p "$CARGO_TARGET_DIR/strikeline-tools"
export STRIKELINE_CHECKOUT_LINK="$CARGO_TARGET_DIR/strikeline-tools/checkout"
ln -sfn "$REPO_ROOT" "$STRIKELINE_CHECKOUT_LINK"
STRIKELINE_RUNTIME_SOURCES="$(python3 "$REPO_ROOT/scripts/source-stamps.py" prepare "$REPO_ROOT" "$STAMPS_RECORD" $$)"
export STRIKELINE_RUNTIME_SOURCES
# Exit hooks: `at_exit 'command'` runs the command when the script exits, before the ones
# registered earlier (scripts use it instead of their own EXIT trap). The first one marks the
# stamps record complete (a run killed before it only costs the next one a rebuild of
# Strikeline's crates).
stamps_finish() {
	python3 "$REPO_ROOT/scripts/source-stamps.py" finish "$REPO_ROOT" "$STAMPS_RECORD"
}
EXIT_HOOKS=(stamps_finish)
at_exit() { EXIT_HOOKS=("$1" "${EXIT_HOOKS[@]}"); }
run_exit_hooks() {
	local hook
	for hook in "${EXIT_HOOKS[@]}"; do eval "$hook" || true; done
}
trap run_exit_hooks EXIT
# The wasm builder looks for Cargo.lock from the target dir; point it at this workspace so the
# wasm build is locked too.
export WASM_BUILD_WORKSPACE_HINT="$STRIKELINE_CHECKOUT_LINK"
# Strikeline's own crates are compiled with their checkout's path remapped to /strikeline
# (RUSTC_WORKSPACE_WRAPPER applies to workspace members only). rustc's incremental cache
# keys on the working directory, so without this a fresh clone (CI) could never reuse the
# incremental cache of the node, e2e and relayer crates (see Cargo.toml's profile). The
# wrapper lives at a fixed path in the target directory: cargo fingerprints its path.
# (Python, not sh: dash drops environment variables such as CARGO_BIN_EXE_strikeline-keeper
# whose names are not shell identifiers.)
REMAP_WRAPPER="$CARGO_TARGET_DIR/strikeline-tools/rustc-remap"
REMAP_SOURCE='#!/usr/bin/env python3
# Runs rustc with the checkout path remapped (see scripts/env.sh).
import os, sys
os.execvp(sys.argv[1], sys.argv[1:] + ["--remap-path-prefix=" + os.getcwd() + "=/strikeline"])'
if [ "$(cat "$REMAP_WRAPPER" 2>/dev/null)" != "$REMAP_SOURCE" ]; then
	mkdir -p "$(dirname "$REMAP_WRAPPER")"
	printf '%s\n' "$REMAP_SOURCE" >"$REMAP_WRAPPER"
	chmod +x "$REMAP_WRAPPER"
fi
export RUSTC_WORKSPACE_WRAPPER="$REMAP_WRAPPER"
# The node binary that builds and tests use.
export STRIKELINE_NODE="$CARGO_TARGET_DIR/release/strikeline-node"
cd "$REPO_ROOT"

# The crates whose unit tests scripts/test.sh runs, in one cargo invocation.
UNIT_TEST_PACKAGES=(
	strikeline-primitives
	pallet-price-oracle
	pallet-margin
	pallet-options
	pallet-liquidation
	pallet-settlement-bridge
	strikeline-runtime
	strikeline-node
)
# The client-side crates (subxt, alloy, arkworks), built and tested in their own cargo
# invocation after the node's, so their dependencies never change the node's build: the e2e
# tests and tools, the relayer, and the validity-proof circuit.
CLIENT_PACKAGES=(
	strikeline-e2e
	strikeline-relayer
	strikeline-zk
)

# `STRIKELINE_TIMINGS=1` adds cargo's --timings (an HTML report per build in
# $CARGO_TARGET_DIR/cargo-timings/) to the builds below.
CARGO_TIMINGS=()
if [ "${STRIKELINE_TIMINGS:-}" = 1 ]; then CARGO_TIMINGS=(--timings); fi

# Builds the node (and with it the runtime's wasm) in release mode. Its third-party crates have
# the feature set of the unit tests and the e2e build too (workspace-hack/), so those builds
# reuse its artifacts.
build_node() {
	cargo build --locked --release "${CARGO_TIMINGS[@]}" -p strikeline-node
}

# Stage timing: `stage KEY "what it does"` ends the previous stage and starts KEY;
# `stage_summary` prints one line with every stage's seconds (what .ci/run and
# scripts/bench-build.sh report).
STAGES=()
STAGE_NAME=""
STAGE_STARTED=0
stage() {
	local now
	now=$(date +%s)
	if [ -n "$STAGE_NAME" ]; then STAGES+=("$STAGE_NAME $(( now - STAGE_STARTED ))s"); fi
	STAGE_NAME="$1"
	STAGE_STARTED=$now
	if [ -n "$1" ]; then echo "== $1: ${2:-}"; fi
}
stage_summary() {
	stage ""
	echo "== stage times: $(printf '%s, ' "${STAGES[@]}" | sed 's/, $//')"
}
