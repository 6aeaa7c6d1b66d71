//! Latency of the settlement bridge: from the end of an epoch on Strikeline to its commitment
//! accepted by the anchor contract on Ethereum, split into
//!
//! - **attestation**: the block that closes the epoch is imported → the block holding the
//!   validators' >2/3 signatures (`Attested`) is imported (offchain worker signing, the
//!   unsigned transaction's trip through the pool, the next block);
//! - **finality**: → GRANDPA finalizes that block (the relayer reads finalized state only);
//! - **relay**: → the relayer's `submit` transaction is sent (its poll, the storage proofs
//!   read and checked, the `eth_call` simulation);
//! - **L1 inclusion**: → the anchor's `lastEpoch` shows the epoch (mining).
//!
//! It runs a real `--dev` node (Aura + GRANDPA, 500 ms slots), anvil (instant mining, or a
//! block every `--block-time` seconds) and the real relayer, and observes every stage by
//! polling every 10 ms. `scripts/bench-bridge.sh [EPOCHS] [ANVIL_BLOCK_TIME_S]` builds and
//! runs it (see docs/BENCHMARKS.md).

use alloy::{primitives::U256, providers::Provider};
use anyhow::Result;
use codec::Encode;
use std::time::{Duration, Instant};
use strikeline_e2e::{
	bridge::{bridge_api, sudo_set_ethereum},
	clearing::dev_node_with,
	ethereum::*,
	submit_finalized,
};
use subxt_signer::sr25519::dev;

#[derive(Default, Clone, Copy)]
struct Stages {
	closed: Option<Instant>,
	attested: Option<(Instant, u64)>,
	finalized: Option<Instant>,
	sent: Option<Instant>,
	accepted: Option<Instant>,
}

fn ms(a: Instant, b: Instant) -> f64 {
	b.saturating_duration_since(a).as_secs_f64() * 1e3
}

fn percentile(v: &mut [f64], p: f64) -> f64 {
	v.sort_by(|a, b| a.total_cmp(b));
	let i = ((v.len() as f64 - 1.0) * p).round() as usize;
	v[i]
}

#[tokio::main]
async fn main() -> Result<()> {
	let mut args = std::env::args().skip(1);
	let epochs: u64 = args.next().map(|s| s.parse()).transpose()?.unwrap_or(10);
	let block_time: Option<u64> = args.next().map(|s| s.parse()).transpose()?.filter(|t| *t > 0);
	let anvil = Anvil::start(block_time).await?;
	let c = deploy_bridge(
		&anvil.wallet(0)?,
		DEV_CHAIN_ID,
		&DEV_VALIDATORS,
		3_600,
		U256::ZERO,
		U256::ZERO,
	)
	.await?;
	let (node, api, _) = dev_node_with("bridge-latency", &[]).await?;
	submit_finalized(&api, &sudo_set_ethereum(ANVIL_CHAIN_ID, c.vault.into_array()), &dev::alice())
		.await?;
	let relayer = Relayer::start(&node.ws_url(), &anvil, c.anchor, 1, 0, 1, 20)?;
	let relayer_address = signer(1).address();
	let eth = anvil.wallet(0)?;
	let port = node.rpc_port;

	// Measure from the first epoch that closes after everything runs.
	let first: u64 = bridge_api::<u64>(port, "last_closed", vec![], None).await? + 1;
	let last = first + epochs - 1;
	let mut stages = vec![Stages::default(); epochs as usize];
	let mut nonce = eth.get_transaction_count(relayer_address).pending().await?;
	let deadline = Instant::now() + Duration::from_secs(30 + 15 * epochs);
	println!("measuring epochs {first}..={last} (anvil block time: {block_time:?} s)");
	loop {
		let now = Instant::now();
		anyhow::ensure!(now < deadline, "the bench did not finish in time");
		let best = node.best_number().await?;
		let best_hash = node.block_hash(best).await?.unwrap_or_default();
		let closed: u64 = bridge_api(port, "last_closed", vec![], Some(&best_hash)).await?;
		let finalized = node.finalized_number().await?;
		let anchored = anchored_epoch(&anvil, &c).await?;
		let pending = eth.get_transaction_count(relayer_address).pending().await?;
		for e in first..=last {
			let s = &mut stages[(e - first) as usize];
			if e <= closed && s.closed.is_none() {
				s.closed = Some(now);
			}
			if s.closed.is_some() && s.attested.is_none() {
				let (_, attested): (Vec<(u32, [u8; 65])>, bool) =
					bridge_api(port, "signatures", e.encode(), Some(&best_hash)).await?;
				if attested {
					s.attested = Some((now, best));
				}
			}
			if let (Some((_, at)), None) = (s.attested, s.finalized) {
				if finalized >= at {
					s.finalized = Some(now);
				}
			}
			if s.finalized.is_some() && s.sent.is_none() && pending > nonce {
				s.sent = Some(now);
				nonce = pending;
			}
			if e <= anchored && s.accepted.is_none() {
				s.accepted = Some(now);
				s.sent.get_or_insert(now);
			}
		}
		if stages.iter().all(|s| s.accepted.is_some()) {
			break;
		}
		tokio::time::sleep(Duration::from_millis(10)).await;
	}

	let (mut total, mut attest, mut fin, mut relay, mut incl) =
		(Vec::new(), Vec::new(), Vec::new(), Vec::new(), Vec::new());
	println!("epoch  attestation  finality  relay  L1 inclusion  total (ms)");
	for (i, s) in stages.iter().enumerate() {
		let (Some(c0), Some((a, _)), Some(f), Some(sent), Some(acc)) =
			(s.closed, s.attested, s.finalized, s.sent, s.accepted)
		else {
			continue;
		};
		let row = [ms(c0, a), ms(a, f), ms(f, sent), ms(sent, acc), ms(c0, acc)];
		println!(
			"{:>5}  {:>11.0}  {:>8.0}  {:>5.0}  {:>12.0}  {:>5.0}",
			first + i as u64,
			row[0],
			row[1],
			row[2],
			row[3],
			row[4]
		);
		attest.push(row[0]);
		fin.push(row[1]);
		relay.push(row[2]);
		incl.push(row[3]);
		total.push(row[4]);
	}
	for (name, v) in [
		("attestation", &mut attest),
		("finality", &mut fin),
		("relay", &mut relay),
		("L1 inclusion", &mut incl),
		("total", &mut total),
	] {
		println!(
			"{name:>12}: median {:>6.0} ms, p99 {:>6.0} ms",
			percentile(v, 0.5),
			percentile(v, 0.99)
		);
	}
	let (gas, confirmed) = (
		relayer.metric("gas_used_total").await?,
		relayer.metric("commitments_confirmed_total").await?,
	);
	println!(
		"relayer: {confirmed} commitments accepted, {} gas each on average (1 validator)",
		gas / confirmed.max(1)
	);
	Ok(())
}
