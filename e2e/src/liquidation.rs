//! Client side of liquidation: the `liquidate` call, the keepers' runtime API
//! (`StrikelineApi_liquidation_candidates`), and a keeper loop (the `strikeline-keeper`
//! binary and the e2e tests run it).

use crate::clearing::{hex_bytes, RawCall, RawFields};
use anyhow::Result;
use codec::{Compact, Decode, Encode};
use std::{collections::BTreeMap, time::Duration};
use subxt::{config::polkadot::PolkadotExtrinsicParamsBuilder, OnlineClient, PolkadotConfig};
use subxt_signer::sr25519::Keypair;

/// An account the scan flagged, as the runtime API returns it.
#[derive(Clone, Debug, PartialEq, Eq, Decode)]
pub struct Candidate {
	/// The account.
	pub who: [u8; 32],
	/// Equity minus maintenance margin (negative).
	pub health: i128,
	/// The block it was flagged in.
	pub flagged_at: u64,
	/// Per position: series and the most contracts one liquidation may take.
	pub series: Vec<(u32, u64)>,
}

/// `Liquidation::liquidate(who, series, contracts)`.
pub fn liquidate(who: [u8; 32], series: u32, contracts: u64) -> RawCall {
	let mut data = who.encode();
	series.encode_to(&mut data);
	Compact(contracts).encode_to(&mut data);
	RawCall::new("Liquidation", "liquidate", RawFields(data))
}

/// The flagged accounts at block `at` (the best block if `None`).
pub async fn candidates(port: u16, at: Option<&str>) -> Result<Vec<Candidate>> {
	let mut params =
		vec![serde_json::json!("StrikelineApi_liquidation_candidates"), serde_json::json!("0x")];
	if let Some(h) = at {
		params.push(serde_json::json!(h));
	}
	let v = crate::rpc_call(port, "state_call", serde_json::Value::Array(params)).await?;
	Ok(Vec::<Candidate>::decode(&mut &hex_bytes(&v)?[..])?)
}

/// A keeper: on every new best block, liquidates every flagged account by as many contracts
/// of its first liquidatable series as allowed, signed by `key`. Submissions are not awaited
/// (the next block includes them) and carry consecutive nonces kept here (the client's
/// default reads the nonce at the finalized block, which would repeat it within a block); an
/// account is retried if it is still flagged three blocks after a submission. Runs until
/// `stop` resolves; returns the liquidations submitted.
pub async fn run_keeper(
	port: u16,
	key: &Keypair,
	stop: impl std::future::Future<Output = ()>,
) -> Result<u64> {
	let api =
		OnlineClient::<PolkadotConfig>::from_insecure_url(format!("ws://127.0.0.1:{port}")).await?;
	tokio::pin!(stop);
	let mut last_best = 0u64;
	let mut submitted: BTreeMap<[u8; 32], u64> = BTreeMap::new();
	let mut count = 0;
	let mut nonce = crate::next_nonce(port, key).await?;
	loop {
		tokio::select! {
			_ = &mut stop => return Ok(count),
			_ = tokio::time::sleep(Duration::from_millis(50)) => {},
		}
		let header = crate::rpc_call(port, "chain_getHeader", serde_json::json!([])).await?;
		let best = crate::parse_number(&header["number"])?;
		if best == last_best {
			continue;
		}
		last_best = best;
		for c in candidates(port, None).await? {
			if submitted.get(&c.who).is_some_and(|at| best < at + 3) {
				continue;
			}
			let Some(&(series, n)) = c.series.iter().find(|(_, n)| *n > 0) else { continue };
			let call = liquidate(c.who, series, n);
			let mut tx = api.at_current_block().await?.transactions();
			let params =
				PolkadotExtrinsicParamsBuilder::<PolkadotConfig>::new().nonce(nonce).build();
			match tx.sign_and_submit_then_watch(&call, key, params).await {
				Ok(progress) => {
					submitted.insert(c.who, best);
					count += 1;
					nonce += 1;
					println!(
						"keeper: block {best}: liquidating {} contracts of series {series} of 0x{} (health {})",
						n,
						hex::encode(c.who),
						c.health
					);
					tokio::spawn(async move {
						if let Err(e) = progress.wait_for_finalized_success().await {
							println!("keeper: liquidation failed: {e}");
						}
					});
				}
				Err(e) => {
					println!("keeper: submission failed: {e}");
					nonce = crate::next_nonce(port, key).await?;
				}
			}
		}
	}
}

/// An event of a block: (block number, pallet, event, SCALE-encoded fields).
pub type BlockEvent = (u64, String, String, Vec<u8>);

/// The events of `pallets` in blocks `from..=to`.
pub async fn events_between(
	api: &OnlineClient<PolkadotConfig>,
	from: u64,
	to: u64,
	pallets: &[&str],
) -> Result<Vec<BlockEvent>> {
	let mut out = Vec::new();
	for n in from..=to {
		let events = api.at_block(n).await?.events().fetch().await?;
		for e in events.iter() {
			let e = e?;
			if pallets.contains(&e.pallet_name()) {
				out.push((
					n,
					e.pallet_name().to_string(),
					e.event_name().to_string(),
					e.field_bytes().to_vec(),
				));
			}
		}
	}
	Ok(out)
}
