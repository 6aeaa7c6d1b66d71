//! Feeds demo prices to a dev chain, as its validator (Alice) would: BTC and ETH spot with a
//! small random walk, and implied vols for the demo expiries, every 20 s.
//!
//! `cargo run --release -p strikeline-e2e --bin demo-feeder -- [WS_URL]`
//! (default `ws://127.0.0.1:9944`; `scripts/feed-demo-prices.sh` builds and runs it).

use anyhow::Result;
use std::time::Duration;
use strikeline_e2e::{
	clearing::{chain_now_ms, feed, BTC, ETH, USD},
	submit_finalized,
};
use subxt::{OnlineClient, PolkadotConfig};
use subxt_signer::sr25519::dev;

/// Expiries of the demo series in the dev genesis (2027-03-26 and 2027-06-25, 08:00 UTC).
const DEMO_EXPIRIES_MS: [u64; 2] = [1_806_048_000_000, 1_813_910_400_000];

#[tokio::main]
async fn main() -> Result<()> {
	let url = std::env::args().nth(1).unwrap_or_else(|| "ws://127.0.0.1:9944".into());
	let api = OnlineClient::<PolkadotConfig>::from_insecure_url(&url).await?;
	let alice = dev::alice();
	let mut prices = [(BTC, 100_000 * USD, 550_000u32), (ETH, 3_500 * USD, 700_000u32)];
	let mut seed: u64 = 0x5eed;
	loop {
		let now = chain_now_ms(&api).await?;
		for (underlying, spot, vol) in prices.iter_mut() {
			// xorshift: a move of up to +/-0.5 %, well inside the 10 % circuit breaker.
			seed ^= seed << 13;
			seed ^= seed >> 7;
			seed ^= seed << 17;
			let permille = (seed % 11) as i128 - 5;
			*spot = (*spot as i128 * (1000 + permille) / 1000) as u128;
			let vols: Vec<(u64, u32)> = DEMO_EXPIRIES_MS.iter().map(|e| (*e, *vol)).collect();
			submit_finalized(&api, &feed(*underlying, *spot, &vols, now), &alice).await?;
			println!("fed underlying {underlying}: spot {} USD", *spot as f64 / USD as f64);
		}
		tokio::time::sleep(Duration::from_secs(20)).await;
	}
}
