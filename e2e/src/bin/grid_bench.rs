//! Times the portfolio-margin scenario grid in the wasm runtime of a real `--dev` node: one
//! account on portfolio margin and one on standard margin each hold 1, 10 and 32 (the
//! maximum) positions, and `StrikelineApi_account` (which values the account's whole book,
//! in wasm, through `state_call`) is timed for each, beside an account with no positions for
//! the RPC overhead. Median of 31 calls per point.
//!
//! `scripts/bench-grid.sh` builds the node and runs it (see docs/BENCHMARKS.md).

use anyhow::Result;
use std::time::Instant;
use strikeline_e2e::{
	clearing::{self, *},
	rpc_call, submit_all_finalized,
};
use subxt::dynamic;
use subxt_signer::sr25519::{dev, Keypair};

/// Median wall time of `StrikelineApi_account(who)` over RPC, in microseconds.
async fn time_view(port: u16, who: &Keypair) -> Result<f64> {
	let arg = format!("0x{}", hex::encode(who.public_key().0));
	let mut times = Vec::new();
	for _ in 0..31 {
		let started = Instant::now();
		let v =
			rpc_call(port, "state_call", serde_json::json!(["StrikelineApi_account", arg])).await?;
		times.push(started.elapsed().as_secs_f64() * 1e6);
		anyhow::ensure!(hex_bytes(&v)?.first() == Some(&1), "no account view");
	}
	times.sort_by(|a, b| a.total_cmp(b));
	Ok(times[15])
}

#[tokio::main]
async fn main() -> Result<()> {
	let (node, api, genesis) = dev_node("grid-bench").await?;
	let port = node.rpc_port;
	let (alice, bob, charlie, dave, eve) =
		(dev::alice(), dev::bob(), dev::charlie(), dev::dave(), dev::eve());
	let now = chain_now_ms(&api).await?;
	let expiry_ms = next_expiry(now, 7 * 86_400_000);
	let next_id = dynamic::storage::<(), u32>("Options", "NextSeriesId");
	let first = api.at_current_block().await?.storage().fetch(next_id, ()).await?.decode()?;
	let creates: Vec<_> = (0..32)
		.map(|k| {
			sudo_create_series(SeriesTerms {
				underlying: BTC,
				expiry_ms,
				strike_e6: (84_000 + 1_000 * k as u128) * USD,
				kind: OptionKind::Call,
				contract_size_e6: 1_000_000,
			})
		})
		.collect();
	submit_all_finalized(&api, port, &alice, &creates).await?;
	let now = chain_now_ms(&api).await?;
	submit_all_finalized(
		&api,
		port,
		&alice,
		&[feed(BTC, 100_000 * USD, &[(expiry_ms, 500_000)], now)],
	)
	.await?;
	for who in [&bob, &charlie, &dave, &eve] {
		submit_all_finalized(&api, port, who, &[deposit(900_000 * USD)]).await?;
	}
	// Bob goes portfolio; Charlie stays standard. Both buy from Eve; Dave holds nothing.
	let portfolio = RawCall::new("Margin", "set_margin_mode", RawFields(vec![1]));
	submit_all_finalized(&api, port, &bob, &[portfolio]).await?;
	println!("| positions | portfolio account (wasm) | standard account (wasm) | empty account (RPC overhead) |");
	println!("| --- | --- | --- | --- |");
	let mut held = 0u32;
	let mut nonce = 1u64;
	for target in [1u32, 10, 32] {
		let mut fills = Vec::new();
		for s in held..target {
			for buyer in [&bob, &charlie] {
				let bid = order(buyer, first + s, Side::Buy, 20_000, 1, nonce);
				let ask = order(&eve, first + s, Side::Sell, 20_000, 1, nonce);
				nonce += 1;
				let fill = Fill {
					maker: clearing::sign(&genesis, ask, &eve),
					taker: clearing::sign(&genesis, bid, buyer),
					price: 20_000 * USD,
					quantity: 1,
				};
				// The witness covers Bob's grid: positions x (1 + 21 scenarios).
				fills.push(settle_fills(&[fill], (s + 1) * 22));
			}
		}
		submit_all_finalized(&api, port, &alice, &fills).await?;
		held = target;
		let (p, s, e) = (
			time_view(port, &bob).await?,
			time_view(port, &charlie).await?,
			time_view(port, &dave).await?,
		);
		println!("| {target} | {:.0} us | {:.0} us | {:.0} us |", p, s, e);
	}
	Ok(())
}
