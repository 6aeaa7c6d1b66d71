//! Strikeline's end-to-end tests: the real `strikeline-node` binary (and anvil and
//! `strikeline-relayer` for the bridge) driven over RPC.
//!
//! One test binary with a module per area, so that subxt and alloy are linked once instead of
//! once per file. `scripts/test.sh` runs them with cargo-nextest, three at a time, the
//! four-validator and load tests alone (`.config/nextest.toml`).

mod abi;
mod bridge;
mod chain_specs;
mod clearing;
mod cli;
mod dev_chain;
mod ethereum;
mod ledger_load;
mod liquidation;
mod local_network;
mod sealing;
