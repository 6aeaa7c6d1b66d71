//! Command line of `strikeline-node`.

use polkadot_sdk::{sc_cli, sc_cli::RunCmd};
use std::{str::FromStr, time::Duration};

/// How blocks are sealed when not running Aura + GRANDPA.
#[derive(Debug, Copy, Clone, PartialEq, Eq)]
pub enum Sealing {
	/// Seal a block as soon as a transaction enters the pool, and finalize it.
	Instant,
	/// Seal a block (empty or not) every given interval, and finalize it.
	Interval(Duration),
}

impl FromStr for Sealing {
	type Err = String;

	fn from_str(s: &str) -> Result<Self, Self::Err> {
		match s {
			"instant" => Ok(Sealing::Instant),
			ms => ms
				.parse::<u64>()
				.ok()
				.filter(|ms| *ms > 0)
				.map(|ms| Sealing::Interval(Duration::from_millis(ms)))
				.ok_or_else(|| {
					format!("invalid sealing `{s}`: expected `instant` or a positive number of milliseconds")
				}),
		}
	}
}

/// `strikeline-node [SUBCOMMAND] [OPTIONS]`.
#[derive(Debug, clap::Parser)]
pub struct Cli {
	/// Subcommand; without one, the node runs.
	#[command(subcommand)]
	pub subcommand: Option<Subcommand>,

	/// Options of a running node (chain, ports, keys, ...).
	#[clap(flatten)]
	pub run: RunCmd,

	/// Seal blocks without Aura and GRANDPA, for tests and local development:
	/// `instant` seals a block for every transaction, a number N seals one every N ms.
	/// Every sealed block is finalized at once. Also enables the `engine_createBlock` RPC.
	#[arg(long, value_name = "instant|MILLISECONDS")]
	pub sealing: Option<Sealing>,

	/// Where this validator watches the settlement vault's deposits on Ethereum.
	#[clap(flatten)]
	pub bridge: BridgeParams,
}

/// The settlement bridge's per-node settings (validators only).
#[derive(Debug, Clone, clap::Args)]
pub struct BridgeParams {
	/// Ethereum JSON-RPC endpoint (HTTP) on which this validator's offchain worker watches the
	/// vault's deposit events and votes for them. Without it the node does not vote.
	#[arg(long, value_name = "URL")]
	pub bridge_eth_rpc: Option<String>,

	/// Ethereum blocks a deposit must be buried under before this validator votes for it.
	#[arg(long, value_name = "BLOCKS", default_value_t = 12)]
	pub bridge_eth_confirmations: u64,

	/// The first Ethereum block to scan for deposits (the vault's deployment block).
	#[arg(long, value_name = "BLOCK", default_value_t = 0)]
	pub bridge_eth_from_block: u64,
}

impl BridgeParams {
	/// The offchain worker's configuration, if an endpoint is set.
	pub fn watch_config(&self) -> Option<strikeline_primitives::bridge::EthWatchConfig> {
		Some(strikeline_primitives::bridge::EthWatchConfig {
			rpc_url: self.bridge_eth_rpc.clone()?.into_bytes(),
			confirmations: self.bridge_eth_confirmations,
			from_block: self.bridge_eth_from_block,
		})
	}
}

/// Subcommands of `strikeline-node`.
#[derive(Debug, clap::Subcommand)]
#[allow(clippy::large_enum_variant)]
pub enum Subcommand {
	/// Key management utilities.
	#[command(subcommand)]
	Key(sc_cli::KeySubcommand),

	/// Export the chain specification of the chain given by `--chain`.
	ExportChainSpec(sc_cli::ExportChainSpecCmd),

	/// Validate blocks.
	CheckBlock(sc_cli::CheckBlockCmd),

	/// Export blocks.
	ExportBlocks(sc_cli::ExportBlocksCmd),

	/// Export the state of a given block into a chain spec.
	ExportState(sc_cli::ExportStateCmd),

	/// Import blocks.
	ImportBlocks(sc_cli::ImportBlocksCmd),

	/// Remove the whole chain.
	PurgeChain(sc_cli::PurgeChainCmd),

	/// Revert the chain to a previous state.
	Revert(sc_cli::RevertCmd),

	/// Database meta columns information.
	ChainInfo(sc_cli::ChainInfoCmd),
}

#[cfg(test)]
mod tests {
	use super::*;

	#[test]
	fn sealing_parses() {
		assert_eq!("instant".parse::<Sealing>(), Ok(Sealing::Instant));
		assert_eq!("250".parse::<Sealing>(), Ok(Sealing::Interval(Duration::from_millis(250))));
		assert!("0".parse::<Sealing>().is_err());
		assert!("soon".parse::<Sealing>().is_err());
	}
}
