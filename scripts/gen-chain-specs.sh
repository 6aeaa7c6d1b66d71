#!/usr/bin/env bash
# Regenerates chain-specs/{dev,local}.json (plain) and {dev,local}-raw.json (raw) with the
# node itself. With --check, writes them to a temporary directory instead and fails if the
# checked-in ones differ byte for byte (the chain_specs test compares all but the wasm blob,
# which embeds the path of the checkout it was built in).
source "$(dirname "$0")/env.sh"
out=chain-specs
if [ "${1:-}" = "--check" ]; then out="$(mktemp -d)"; at_exit 'rm -rf "$out"'; fi
[ -x "$STRIKELINE_NODE" ] || build_node
for chain in dev local; do
	"$STRIKELINE_NODE" export-chain-spec --chain "$chain" --output "$out/$chain.json" >/dev/null
	"$STRIKELINE_NODE" export-chain-spec --chain "$chain" --raw --output "$out/$chain-raw.json" >/dev/null
done
if [ "${1:-}" = "--check" ]; then
	diff -q "$out" chain-specs && echo "chain-specs/ is up to date"
else
	echo "chain specs written to chain-specs/"
fi
