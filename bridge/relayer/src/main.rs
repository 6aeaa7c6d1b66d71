//! `strikeline-relayer`: see the library docs.

use alloy::{primitives::Address, signers::local::PrivateKeySigner};
use anyhow::{Context, Result};
use clap::Parser;
use std::{net::SocketAddr, sync::Arc, time::Duration};
use strikeline_relayer::{
	metrics::{self, Metrics},
	relay::{Config, Relayer},
};

/// Carries Strikeline's attested epoch commitments to the settlement anchor on Ethereum.
#[derive(Debug, Parser)]
#[command(name = "strikeline-relayer", version)]
struct Args {
	/// Strikeline node JSON-RPC (WebSocket).
	#[arg(long, default_value = "ws://127.0.0.1:9944")]
	node: String,
	/// Ethereum JSON-RPC (HTTP).
	#[arg(long, default_value = "http://127.0.0.1:8545")]
	eth: String,
	/// The settlement anchor contract's address.
	#[arg(long)]
	anchor: Address,
	/// The relayer's Ethereum private key (hex); or set STRIKELINE_RELAYER_KEY.
	#[arg(long, env = "STRIKELINE_RELAYER_KEY", hide_env_values = true)]
	key: String,
	/// Serve Prometheus metrics on this address (e.g. 127.0.0.1:9616).
	#[arg(long)]
	metrics: Option<SocketAddr>,
	/// This relayer's index among `--relayers` (it relays epochs `e % relayers == index`
	/// first).
	#[arg(long, default_value_t = 0)]
	index: u64,
	/// How many relayers share the work.
	#[arg(long, default_value_t = 1)]
	relayers: u64,
	/// Seconds before taking over an epoch that is another relayer's turn.
	#[arg(long, default_value_t = 20)]
	takeover_secs: u64,
	/// Milliseconds between polls.
	#[arg(long, default_value_t = 250)]
	poll_ms: u64,
}

#[tokio::main]
async fn main() -> Result<()> {
	env_logger::Builder::from_env(
		env_logger::Env::default().default_filter_or("info,alloy_transport_http=warn"),
	)
	.init();
	let args = Args::parse();
	let key: PrivateKeySigner = args.key.trim().parse().context("--key is not a private key")?;
	let metrics = Arc::new(Metrics::default());
	if let Some(addr) = args.metrics {
		let listener = tokio::net::TcpListener::bind(addr).await.context("bind --metrics")?;
		log::info!("metrics on http://{addr}/metrics");
		tokio::spawn(metrics::serve(listener, metrics.clone()));
	}
	log::info!(
		"relaying {} to anchor {} on {} as {} ({} of {})",
		args.node,
		args.anchor,
		args.eth,
		key.address(),
		args.index,
		args.relayers
	);
	let config = Config {
		node_url: args.node,
		eth_url: args.eth,
		anchor: args.anchor,
		key,
		index: args.index,
		count: args.relayers,
		takeover: Duration::from_secs(args.takeover_secs),
		poll: Duration::from_millis(args.poll_ms),
	};
	let relayer = Relayer::new(config, metrics)?;
	tokio::select! {
		_ = relayer.run() => {}
		_ = tokio::signal::ctrl_c() => log::info!("stopped"),
	}
	Ok(())
}
