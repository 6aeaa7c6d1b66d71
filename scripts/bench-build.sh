#!/usr/bin/env bash
# Measures build times of strikeline-node (with its wasm runtime) on this machine.
#   scripts/bench-build.sh cold   build into an empty target directory (tens of minutes)
#   scripts/bench-build.sh warm   rebuild after touching the runtime (the usual edit loop)
# Crates already downloaded are reused in both cases (network time is not counted).
source "$(dirname "$0")/env.sh"
mode="${1:-warm}"
case "$mode" in
cold)
	tmp="$(mktemp -d "$HOME/.cache/strikeline/cold-XXXXXX")"
	trap 'rm -rf "$tmp"' EXIT
	export CARGO_TARGET_DIR="$tmp"
	cargo fetch --locked >/dev/null
	;;
warm)
	build_node >/dev/null 2>&1
	touch runtime/src/lib.rs
	;;
*) echo "usage: $0 cold|warm" >&2; exit 2 ;;
esac
start=$(date +%s)
build_node
echo "$mode build of strikeline-node: $(( $(date +%s) - start ))s"
