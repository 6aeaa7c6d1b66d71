# Sourced by the other scripts: machine setup, toolchain and cargo environment.
#
#   CARGO_TARGET_DIR  defaults to $HOME/.cache/strikeline/target, outside the checkout, so
#                     that every clone on this machine (and CI) shares one build.
#   WASM_BUILD_TOOLCHAIN  set by scripts/setup.sh where rustup has no wasm target.
set -euo pipefail
REPO_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$HOME/.cache/strikeline/target}"
mkdir -p "$CARGO_TARGET_DIR"
eval "$("$REPO_ROOT/scripts/setup.sh")"
# The wasm builder looks for Cargo.lock from the target dir; point it at this workspace so the
# wasm build is locked too.
export WASM_BUILD_WORKSPACE_HINT="$REPO_ROOT"
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

# Builds the node (and with it the runtime's wasm) in release mode.
build_node() {
	cargo build --locked --release -p strikeline-node
}
