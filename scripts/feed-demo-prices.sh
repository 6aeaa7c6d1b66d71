#!/usr/bin/env bash
# Feeds demo BTC and ETH prices (and vols for the demo expiries) to a running dev chain as
# Alice, every 20 s, so that its option series can be traded and marked. Run beside
# scripts/run-dev.sh:   scripts/feed-demo-prices.sh [WS_URL]   (default ws://127.0.0.1:9944)
source "$(dirname "$0")/env.sh"
cargo build --locked --release -p strikeline-e2e --bin demo-feeder
exec "$CARGO_TARGET_DIR/release/demo-feeder" "$@"
