//! `strikeline-node`: the Strikeline validator and full node.
//!
//! Aura block production and GRANDPA finality, tuned for short slots (see
//! `strikeline_runtime::SLOT_DURATION_MS`) and fast finality; ParityDB storage; the standard
//! JSON-RPC server (port 9944) and Prometheus metrics (port 9615). For tests, `--sealing`
//! replaces Aura and GRANDPA by manual sealing that finalizes every block it seals.
// sc_cli::Error is large and its API returns it by value throughout; boxing it here would
// only wrap what every Substrate node returns.
#![allow(clippy::result_large_err)]
#![warn(missing_docs)]

mod chain_spec;
mod cli;
mod command;
mod ledger;
mod rpc;
mod service;

fn main() -> polkadot_sdk::sc_cli::Result<()> {
	command::run()
}
