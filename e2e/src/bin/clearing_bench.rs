//! Clearing throughput on a real `--dev` node: signs orders and submits matched-fill batches
//! as fast as blocks take them, then reports fills per second, block time and fill latency
//! (submission to finalized) at the median and p99.
//!
//! `cargo run --release -p strikeline-e2e --bin clearing-bench -- [FILLS] [BATCH] [IN_FLIGHT]`
//! (defaults 6000, 128, 8); `scripts/bench-clearing.sh` builds and runs it.
//!
//! Workload: three trader pairs (Bob/Charlie, Dave/Eve, Ferdie/Alice) on one BTC call series.
//! In each fill one side's resting order (a maker order of large quantity, verified on its
//! first fill and remembered) meets a fresh taker order (verified on the spot), so a fill
//! costs one signature check, two margin checks and the ledger writes. Directions alternate
//! so positions stay small. Alice submits the batches, keeping IN_FLIGHT of them in the pool.

use anyhow::{anyhow, Result};
use std::{
	collections::BTreeMap,
	time::{Duration, Instant},
};
use strikeline_e2e::{
	clearing::{self, *},
	submit_finalized, Node,
};
use subxt::{config::polkadot::PolkadotExtrinsicParamsBuilder as Params, PolkadotConfig};
use subxt_signer::sr25519::{dev, Keypair};

fn percentile(sorted: &[f64], p: f64) -> f64 {
	if sorted.is_empty() {
		return f64::NAN;
	}
	sorted[((sorted.len() - 1) as f64 * p).round() as usize]
}

#[tokio::main(flavor = "multi_thread")]
async fn main() -> Result<()> {
	let args: Vec<u64> = std::env::args().skip(1).map(|a| a.parse()).collect::<Result<_, _>>()?;
	let total = *args.first().unwrap_or(&6_000);
	let batch = *args.get(1).unwrap_or(&128);
	let in_flight = *args.get(2).unwrap_or(&8) as usize;

	let mut node = Node::start("clearing-bench", &["--dev", "--tmp"])?;
	node.wait_rpc(Duration::from_secs(60)).await?;
	node.wait_for("first blocks", Duration::from_secs(60), |b, f| b >= 2 && f >= 1).await?;
	let api = node.client().await?;
	let genesis = genesis_hash(node.rpc_port).await?;
	let alice = dev::alice();

	// A BTC call, 0.001 BTC per contract, a day out; price and vol fed; traders funded.
	let now = chain_now_ms(&api).await?;
	let expiry_ms = next_expiry(now, 86_400_000);
	let series = create_btc_call(&api, &alice, expiry_ms, 100_000 * USD, 1_000).await?;
	submit_finalized(&api, &feed(BTC, 100_000 * USD, &[(expiry_ms, 500_000)], now), &alice).await?;
	let pairs: Vec<(Keypair, Keypair)> = vec![
		(dev::bob(), dev::charlie()),
		(dev::dave(), dev::eve()),
		(dev::ferdie(), dev::alice()),
	];
	for (a, b) in &pairs {
		submit_finalized(&api, &deposit(100_000 * USD), a).await?;
		submit_finalized(&api, &deposit(100_000 * USD), b).await?;
	}

	// Resting maker orders: each trader offers a large quantity, signed once.
	let ask = |who: &Keypair| {
		clearing::sign(
			&genesis,
			Order {
				account: who.public_key().0,
				series,
				side: Side::Sell,
				limit_price: 10 * USD,
				quantity: u64::MAX / 2,
				nonce: 0,
				expiry_ms: u64::MAX,
			},
			who,
		)
	};
	let asks: Vec<(SignedOrder, SignedOrder)> =
		pairs.iter().map(|(a, b)| (ask(a), ask(b))).collect();
	// Prepare every batch (signing is client work, kept out of the measurement).
	let mut batches = Vec::new();
	let mut n = 0u64;
	while n < total {
		let mut fills = Vec::new();
		for _ in 0..batch.min(total - n) {
			// Even n: a sells to b; odd n: b sells back to a. Positions stay within one contract.
			let pair = (n % 3) as usize;
			let (a, b) = &pairs[pair];
			let (resting, taker) =
				if n.is_multiple_of(2) { (&asks[pair].0, b) } else { (&asks[pair].1, a) };
			let taker_order = Order {
				account: taker.public_key().0,
				series,
				side: Side::Buy,
				limit_price: 10 * USD,
				quantity: 1,
				nonce: n + 1,
				expiry_ms: u64::MAX,
			};
			fills.push(Fill {
				maker: resting.clone(),
				taker: clearing::sign(&genesis, taker_order, taker),
				price: 10 * USD,
				quantity: 1,
			});
			n += 1;
		}
		batches.push(fills);
	}

	let nonce_at_start = strikeline_e2e::next_nonce(node.rpc_port, &alice).await?;
	let start_block = node.best_number().await?;
	let started = Instant::now();
	let mut latencies = Vec::new();
	let mut settled = 0u64;
	let mut pending = futures_like::Pending::default();
	for (i, fills) in batches.into_iter().enumerate() {
		while pending.len() >= in_flight {
			let (lat, ok) = pending.next().await?;
			latencies.push(lat);
			settled += ok;
		}
		// Each trader holds one position (this series): the smallest witness.
		let call = settle_fills(&fills, 1);
		let params = Params::<PolkadotConfig>::new().nonce(nonce_at_start + i as u64).build();
		let tx = api
			.at_current_block()
			.await?
			.transactions()
			.create_signed(&call, &alice, params)
			.await?;
		let sent = Instant::now();
		let progress = tx.submit_and_watch().await?;
		let count = fills.len() as u64;
		pending.push(tokio::spawn(async move {
			let events = progress.wait_for_finalized_success().await?;
			let traded = events
				.iter()
				.filter_map(Result::ok)
				.filter(|e| e.pallet_name() == "Options" && e.event_name() == "Traded")
				.count() as u64;
			anyhow::ensure!(traded == count, "{traded} of {count} fills settled");
			Ok::<_, anyhow::Error>((sent.elapsed().as_secs_f64(), traded))
		}));
	}
	while pending.len() > 0 {
		let (lat, ok) = pending.next().await?;
		latencies.push(lat);
		settled += ok;
	}
	let elapsed = started.elapsed().as_secs_f64();
	let end_block = node.best_number().await?;

	// Block times and fills per block from the chain itself.
	let mut per_block = BTreeMap::new();
	let mut stamps = Vec::new();
	for number in start_block + 1..=end_block {
		let hash = node.block_hash(number).await?.ok_or_else(|| anyhow!("no block {number}"))?;
		let block =
			strikeline_e2e::rpc_call(node.rpc_port, "chain_getBlock", serde_json::json!([hash]))
				.await?;
		let xts = block["block"]["extrinsics"].as_array().map_or(0, |a| a.len());
		per_block.insert(number, xts.saturating_sub(1));
		let inherent =
			block["block"]["extrinsics"][0].as_str().ok_or_else(|| anyhow!("no inherent"))?;
		stamps.push(timestamp_of(&hex::decode(inherent.trim_start_matches("0x"))?)?);
	}
	let mut intervals: Vec<f64> = stamps.windows(2).map(|w| (w[1] - w[0]) as f64).collect();
	intervals.sort_by(|a, b| a.partial_cmp(b).unwrap());
	latencies.sort_by(|a, b| a.partial_cmp(b).unwrap());
	let max_batches_per_block = per_block.values().copied().max().unwrap_or(0);
	println!("fills settled:            {settled} in {elapsed:.1} s ({batch} per batch, {in_flight} batches in flight)");
	println!("throughput:               {:.0} fills/s", settled as f64 / elapsed);
	println!("blocks:                   {} ({start_block}..{end_block})", end_block - start_block);
	println!(
		"block interval ms:        p50 {:.0}  p99 {:.0}",
		percentile(&intervals, 0.5),
		percentile(&intervals, 0.99)
	);
	println!(
		"most batches in a block:  {max_batches_per_block} ({} fills)",
		max_batches_per_block as u64 * batch
	);
	println!(
		"fill latency s (submit->finalized): p50 {:.2}  p99 {:.2}",
		percentile(&latencies, 0.5),
		percentile(&latencies, 0.99)
	);
	Ok(())
}

/// The time set by a block's first extrinsic, `Timestamp::set(Compact<u64>)`: length prefix,
/// version byte, pallet index 1, call index 0, then the compact moment.
fn timestamp_of(xt: &[u8]) -> Result<u64> {
	use codec::{Compact, Decode};
	let mut input = xt;
	let _len = Compact::<u32>::decode(&mut input)?;
	let [_version, 1, 0, rest @ ..] = input else {
		return Err(anyhow!("first extrinsic is not Timestamp::set"));
	};
	let mut rest = rest;
	Ok(Compact::<u64>::decode(&mut rest)?.0)
}

/// A FIFO of spawned submissions.
mod futures_like {
	use anyhow::Result;
	use std::collections::VecDeque;
	use tokio::task::JoinHandle;

	#[derive(Default)]
	pub struct Pending(VecDeque<JoinHandle<Result<(f64, u64)>>>);

	impl Pending {
		pub fn push(&mut self, h: JoinHandle<Result<(f64, u64)>>) {
			self.0.push_back(h);
		}
		pub fn len(&self) -> usize {
			self.0.len()
		}
		pub async fn next(&mut self) -> Result<(f64, u64)> {
			let h = self.0.pop_front().expect("next() only when non-empty");
			h.await?
		}
	}
}
