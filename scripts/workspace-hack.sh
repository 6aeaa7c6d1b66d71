#!/usr/bin/env bash
# Regenerates workspace-hack/ (cargo-hakari), the crate that gives every third-party crate one
# feature set across the node build, the unit tests and the e2e/relayer build, so that no
# crate is compiled twice with different features (see docs/BENCHMARKS.md, "Build times").
#
#   scripts/workspace-hack.sh          regenerate after a dependency change (installs hakari)
#
# Only crates in the node's graph are unified: the e2e and relayer crates are built in one
# cargo invocation, so their own crates (alloy, subxt's) unify there, and the node never
# depends on them. `scripts/check-features.py` (run by scripts/test.sh) checks the result
# without hakari.
set -euo pipefail
cd "$(dirname "$0")/.."
TOOLS="$HOME/.cache/strikeline/tools"
if ! [ -x "$TOOLS/bin/cargo-hakari" ]; then
	CARGO_TARGET_DIR="$TOOLS/target" cargo install --locked cargo-hakari --version 0.9.39 --root "$TOOLS"
fi
export PATH="$TOOLS/bin:$PATH"
config=.config/hakari.toml
set_excludes() { # writes the final-excludes list (one name per argument) into the config
	python3 - "$config" "$@" <<'PY'
import re, sys
path, names = sys.argv[1], sys.argv[2:]
text = open(path).read()
items = ", ".join('{ name = "%s" }' % n for n in ["polkadot-sdk", *names])
text = re.sub(r"third-party = \[.*\]", "third-party = [%s]" % items, text)
open(path, "w").write(text)
PY
}
node_graph() {
	cargo tree --locked -e normal,build,dev -f '{p}' --prefix none \
		-p strikeline-node -p strikeline-runtime -p strikeline-primitives -p pallet-price-oracle \
		-p pallet-margin -p pallet-options -p pallet-liquidation -p pallet-settlement-bridge |
		awk '{print $1}' | sort -u
}
# What the builds resolve to on their own, with the hack emptied.
cargo hakari disable
observed="$(mktemp)"
trap 'rm -f "$observed"' EXIT
python3 scripts/workspace-hack-filter.py observe >"$observed"
graph="$(node_graph)"
set_excludes
cargo hakari generate
hack_crates=$(sed -n '/BEGIN HAKARI SECTION/,/END HAKARI SECTION/p' workspace-hack/Cargo.toml |
	grep -oE '^[A-Za-z0-9_-]+ = \{ (package = "[^"]+", )?' |
	sed -E 's/^([A-Za-z0-9_-]+) = \{ (package = "([^"]+)", )?/\1 \3/' |
	awk '{print ($2 != "" ? $2 : $1)}' | sort -u)
outside=$(comm -23 <(echo "$hack_crates") <(echo "$graph"))
# shellcheck disable=SC2086
set_excludes $outside
cargo hakari generate
python3 scripts/workspace-hack-filter.py apply "$observed"
cargo update --workspace --offline >/dev/null 2>&1 || cargo update --workspace
echo "workspace-hack regenerated; excluded (not in the node's graph): polkadot-sdk" $outside
