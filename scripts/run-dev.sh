#!/usr/bin/env bash
# Sets up the machine, builds strikeline-node and runs a local dev chain (Alice alone,
# Aura + GRANDPA, fresh state) serving JSON-RPC on ws://127.0.0.1:9944 and Prometheus metrics
# on http://127.0.0.1:9615/metrics. Extra arguments go to the node, e.g.
#   scripts/run-dev.sh --sealing instant
source "$(dirname "$0")/env.sh"
build_node
exec "$STRIKELINE_NODE" --dev --tmp --rpc-cors all "$@"
