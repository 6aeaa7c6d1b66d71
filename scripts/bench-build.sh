#!/usr/bin/env bash
# Measures build and test times on this machine.
#   scripts/bench-build.sh cold   empty the target directory ($CARGO_TARGET_DIR), then run
#                                 .ci/run (fmt, scripts/test.sh, clippy): setup, the node, the
#                                 unit tests, the contracts, the e2e build, the e2e run and
#                                 clippy, each timed (about 45 minutes; the cache is warm after)
#   scripts/bench-build.sh warm   rebuild the node after touching the runtime (the edit loop)
#   scripts/bench-build.sh clone  .ci/run in a fresh clone of this checkout's HEAD, with the
#                                 target directory as the last build left it (warm CI)
#   scripts/bench-build.sh clone-edit  the same after a change to a pallet (a line appended to
#                                 pallets/margin/src/lib.rs in the clone: a commit that touches
#                                 the runtime, the wasm, the node and their tests rebuild)
# Crates already downloaded are reused (network time is not counted); apt packages already
# installed are not removed (setup on a fresh machine: docs/BENCHMARKS.md).
# STRIKELINE_TIMINGS=1 adds cargo's per-crate --timings reports.
set -euo pipefail
source "$(dirname "$0")/env.sh"
mode="${1:-warm}"
case "$mode" in
cold)
	cargo fetch --locked >/dev/null
	echo "emptying $CARGO_TARGET_DIR"
	rm -rf "${CARGO_TARGET_DIR:?}"/*
	started=$(date +%s)
	"$REPO_ROOT/.ci/run"
	echo "cold .ci/run: $(( $(date +%s) - started ))s"
	;;
warm)
	build_node >/dev/null 2>&1
	touch runtime/src/lib.rs
	start=$(date +%s)
	build_node
	echo "warm build of strikeline-node: $(( $(date +%s) - start ))s"
	;;
clone | clone-edit)
	clone_dir="$(mktemp -d)"
	git clone -q "$REPO_ROOT" "$clone_dir/strikeline"
	if [ "$mode" = clone-edit ]; then
		echo "// bench-build.sh clone-edit" >>"$clone_dir/strikeline/pallets/margin/src/lib.rs"
	fi
	started=$(date +%s)
	(cd "$clone_dir/strikeline" && ./.ci/run)
	echo "warm .ci/run in a fresh clone ($mode): $(( $(date +%s) - started ))s"
	rm -rf "$clone_dir"
	;;
*) echo "usage: $0 cold|warm|clone|clone-edit" >&2; exit 2 ;;
esac
