//! `consensus-bench`: block time and finality lag of a running Strikeline network.
//!
//! Starts either one `--dev` validator or the four validators of `chain-specs/local-raw.json`
//! on loopback, lets the chain warm up, then follows Alice's new-head and finalized-head
//! subscriptions for the given time and prints, as a markdown table row:
//!
//! - block interval: time between the arrivals of consecutive best blocks at Alice;
//! - finality lag: for every block, the time from its arrival as best block at Alice to the
//!   arrival of the first finality notification that covers it (what a trader waits between
//!   seeing a block and knowing it is final).
//!
//! Usage: `consensus-bench [--validators 1|4] [--seconds N] [--warmup-seconds N]`
//! (see `scripts/bench-consensus.sh`).

use anyhow::{anyhow, bail, Context, Result};
use serde_json::Value;
use std::{
	collections::BTreeMap,
	time::{Duration, Instant},
};
use strikeline_e2e::{parse_number, repo_root, Network, Node};
use subxt::rpcs::{rpc_params, RpcClient};

struct Args {
	validators: usize,
	seconds: u64,
	warmup_seconds: u64,
}

fn parse_args() -> Result<Args> {
	let mut args = Args { validators: 1, seconds: 120, warmup_seconds: 10 };
	let mut it = std::env::args().skip(1);
	while let Some(flag) = it.next() {
		let value = it.next().ok_or_else(|| anyhow!("{flag} needs a value"))?;
		match flag.as_str() {
			"--validators" => args.validators = value.parse()?,
			"--seconds" => args.seconds = value.parse()?,
			"--warmup-seconds" => args.warmup_seconds = value.parse()?,
			_ => bail!("unknown argument {flag}"),
		}
	}
	if args.validators != 1 && args.validators != 4 {
		bail!("--validators must be 1 (dev chain) or 4 (chain-specs/local-raw.json)");
	}
	Ok(args)
}

/// Value at the given percentile (nearest rank) of sorted data.
fn percentile(sorted: &[f64], p: f64) -> f64 {
	if sorted.is_empty() {
		return f64::NAN;
	}
	let rank = ((p / 100.0) * sorted.len() as f64).ceil() as usize;
	sorted[rank.clamp(1, sorted.len()) - 1]
}

#[tokio::main]
async fn main() -> Result<()> {
	let args = parse_args()?;
	let _dev;
	let _net;
	let (alice_url, label) = if args.validators == 1 {
		let mut node = Node::start("bench-dev", &["--dev", "--tmp"])?;
		node.wait_rpc(Duration::from_secs(60)).await?;
		let url = node.ws_url();
		_dev = node;
		(url, "dev (1 validator)")
	} else {
		let spec = repo_root().join("chain-specs/local-raw.json");
		let net = Network::start(&spec, &["alice", "bob", "charlie", "dave"], &[]).await?;
		let url = net.nodes[0].ws_url();
		_net = net;
		(url, "local (4 validators)")
	};

	let rpc = RpcClient::from_insecure_url(&alice_url).await.context("connect to Alice")?;
	tokio::time::sleep(Duration::from_secs(args.warmup_seconds)).await;

	let mut heads = rpc
		.subscribe::<Value>("chain_subscribeNewHeads", rpc_params![], "chain_unsubscribeNewHeads")
		.await?;
	let mut finalized = rpc
		.subscribe::<Value>(
			"chain_subscribeFinalizedHeads",
			rpc_params![],
			"chain_unsubscribeFinalizedHeads",
		)
		.await?;

	let start = Instant::now();
	let end = start + Duration::from_secs(args.seconds);
	// Block number -> arrival time as best block; finalized number -> arrival time.
	let mut head_at: BTreeMap<u64, Instant> = BTreeMap::new();
	let mut finalized_at: Vec<(u64, Instant)> = Vec::new();
	// Keep following finality for a few seconds after the window so its last blocks count.
	let drain = Duration::from_secs(5);
	loop {
		let now = Instant::now();
		if now > end + drain {
			break;
		}
		tokio::select! {
			Some(h) = heads.next(), if now <= end => {
				let n = parse_number(&h?["number"])?;
				head_at.entry(n).or_insert_with(Instant::now);
			}
			Some(f) = finalized.next() => {
				let n = parse_number(&f?["number"])?;
				finalized_at.push((n, Instant::now()));
			}
			_ = tokio::time::sleep(Duration::from_millis(50)) => {}
		}
	}

	let mut intervals_ms: Vec<f64> = head_at
		.iter()
		.zip(head_at.iter().skip(1))
		.filter(|((a, _), (b, _))| **b == **a + 1)
		.map(|((_, ta), (_, tb))| tb.duration_since(*ta).as_secs_f64() * 1000.0)
		.collect();
	let mut lags_ms: Vec<f64> = head_at
		.iter()
		.filter_map(|(n, seen)| {
			finalized_at
				.iter()
				.find(|(f, at)| f >= n && at >= seen)
				.map(|(_, at)| at.duration_since(*seen).as_secs_f64() * 1000.0)
		})
		.collect();
	let unfinalized = head_at.len() - lags_ms.len();
	intervals_ms.sort_by(f64::total_cmp);
	lags_ms.sort_by(f64::total_cmp);
	if intervals_ms.is_empty() || lags_ms.is_empty() {
		bail!("no blocks seen in {}s", args.seconds);
	}
	let blocks = head_at.len();
	println!(
		"| {label} | {}s | {blocks} | {:.0} | {:.0} | {:.0} | {:.0} | {:.0} | {unfinalized} |",
		args.seconds,
		percentile(&intervals_ms, 50.0),
		percentile(&intervals_ms, 99.0),
		percentile(&lags_ms, 50.0),
		percentile(&lags_ms, 99.0),
		lags_ms.last().copied().unwrap_or(f64::NAN),
	);
	Ok(())
}
