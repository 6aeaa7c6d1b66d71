//! A price crash on the real node. Three writers sell calls; the price rises 9 % and the two
//! thinly margined writers go under: the scan flags them in the block of the price update and
//! the real `strikeline-keeper` binary liquidates them, partially, in the next blocks. The
//! keeper is stopped and the price rises twice more: the third writer (and what is left of
//! the others) goes bankrupt, nobody bids, and the runtime backstop closes the books out
//! against the insurance fund after its delay, the fund paying the deficits. Events tell the
//! story, the ledger is conserved to the unit, and nobody is left liquidatable.

use anyhow::{anyhow, bail, Result};
use codec::Decode;
use std::{collections::BTreeMap, process::Stdio, time::Duration};
use strikeline_e2e::{
	clearing::{self, *},
	liquidation::{candidates, events_between, BlockEvent},
	submit_all_finalized, submit_finalized,
};
use subxt::{
	dynamic::{self, Value},
	ext::scale_value::At,
	OnlineClient, PolkadotConfig,
};
use subxt_signer::sr25519::{dev, Keypair};

type Api = OnlineClient<PolkadotConfig>;

/// The runtime's `BackstopDelay`, in blocks.
const BACKSTOP_DELAY: u64 = 4;

/// `writer` sells `qty` calls of `series` to `buyer` at `premium_usd` (a signed fill, submitted
/// by Alice).
async fn sell(
	api: &Api,
	genesis: &[u8; 32],
	series: u32,
	(writer, buyer): (&Keypair, &Keypair),
	qty: u64,
	premium_usd: u128,
	nonce: u64,
) -> Result<()> {
	let ask = order(writer, series, Side::Sell, premium_usd, qty, nonce);
	let bid = order(buyer, series, Side::Buy, premium_usd, qty, nonce);
	let fill = Fill {
		maker: clearing::sign(genesis, ask, writer),
		taker: clearing::sign(genesis, bid, buyer),
		price: premium_usd * USD,
		quantity: qty,
	};
	submit_finalized(api, &settle_fills(&[fill], 4), &dev::alice()).await?;
	Ok(())
}

/// The collateral held by the margin pallet's account must equal the ledger: every account's
/// collateral (the insurance fund's included) plus settling balances minus socialised losses
/// not yet collected minus bad debt. Returns the insurance fund.
async fn check_conservation(api: &Api) -> Result<i128> {
	let at = api.at_current_block().await?;
	let mut pallet_account = [0u8; 32];
	pallet_account[..12].copy_from_slice(b"modlsl/margn");
	let mut ledger: i128 = 0;
	let mut fund = 0;
	let accounts = dynamic::storage::<([u8; 32],), Value>("Margin", "Accounts");
	let mut it = at.storage().iter(accounts, ()).await?;
	while let Some(entry) = it.next().await {
		let entry = entry?;
		let who = entry.key()?.part(0).and_then(|k| k.decode_as::<[u8; 32]>().ok().flatten());
		let value = entry.value().decode()?;
		let c = value.at("collateral").and_then(|v| v.as_i128()).ok_or(anyhow!("collateral"))?;
		// The positions' first entry (through the bounded vector's inner sequence).
		let holds = value.at("positions").and_then(|p| p.at(0)).and_then(|v| v.at(0)).is_some();
		if c < 0 && who != Some(pallet_account) && !holds {
			bail!("negative collateral {c} without positions and without a deficit record");
		}
		if who == Some(pallet_account) {
			fund = c;
		}
		ledger += c;
	}
	let settling = dynamic::storage::<(u32,), Value>("Margin", "SettlementBalance");
	let mut it = at.storage().iter(settling, ()).await?;
	while let Some(entry) = it.next().await {
		ledger += entry?.value().decode()?.as_i128().ok_or(anyhow!("settlement balance"))?;
	}
	let haircuts = dynamic::storage::<((u32, bool),), Value>("Margin", "Haircuts");
	let mut it = at.storage().iter(haircuts, ()).await?;
	while let Some(entry) = it.next().await {
		let h = entry?.value().decode()?;
		ledger -= h.at("outstanding").and_then(|v| v.as_u128()).ok_or(anyhow!("haircut"))? as i128;
	}
	let bad = dynamic::storage::<(), u128>("Margin", "BadDebt");
	ledger -= at.storage().try_fetch(bad, ()).await?.map(|v| v.decode()).transpose()?.unwrap_or(0)
		as i128;
	let asset = dynamic::storage::<(u32, [u8; 32]), Value>("Assets", "Account");
	let held = at.storage().fetch(asset, (1, pallet_account)).await?.decode()?;
	let held = held.at("balance").and_then(|v| v.as_u128()).ok_or(anyhow!("balance"))?;
	if held as i128 != ledger {
		bail!("pallet holds {held}, the ledger says {ledger}");
	}
	Ok(fund)
}

/// Feeds the BTC spot (and the series' vol) as Alice and waits for finality.
async fn feed_spot(api: &Api, usd: u128, expiry_ms: u64) -> Result<()> {
	let now = chain_now_ms(api).await?;
	submit_finalized(api, &feed(BTC, usd * USD, &[(expiry_ms, 500_000)], now), &dev::alice())
		.await?;
	Ok(())
}

/// The first block at which `pallet.event` names `who` (the first 32 bytes of its fields).
fn first_block(events: &[BlockEvent], event: &str, who: &Keypair) -> Option<u64> {
	events
		.iter()
		.find(|(_, _, name, fields)| name == event && fields.starts_with(&who.public_key().0))
		.map(|e| e.0)
}

#[tokio::test(flavor = "multi_thread")]
async fn a_price_crash_is_liquidated_by_the_keeper_and_the_backstop() -> Result<()> {
	let (node, api, genesis) = dev_node("liquidation").await?;
	let port = node.rpc_port;
	let (bob, charlie, dave, eve, ferdie) =
		(dev::bob(), dev::charlie(), dev::dave(), dev::eve(), dev::ferdie());

	// A BTC call struck at 110,000, two days out, priced at 100,000 with 50 % vol.
	let expiry_ms = next_expiry(chain_now_ms(&api).await?, 2 * 86_400_000);
	let terms = SeriesTerms {
		underlying: BTC,
		expiry_ms,
		strike_e6: 110_000 * USD,
		kind: OptionKind::Call,
		contract_size_e6: 1_000_000,
	};
	let events = submit_finalized(&api, &sudo_create_series(terms), &dev::alice()).await?;
	let (series, _) =
		strikeline_e2e::event_fields::<(u32, Value)>(&events, "Options", "SeriesCreated")?;
	feed_spot(&api, 100_000, expiry_ms).await?;

	// Bob and Charlie write two calls each on 20.3k (initial margin is about 20.1k); Dave on
	// 30k; Eve buys all six; Ferdie, the keeper, has 900k to take positions over.
	for (who, usd) in [(&bob, 20_300), (&charlie, 20_300), (&dave, 30_000), (&eve, 100_000)] {
		submit_finalized(&api, &deposit(usd * USD), who).await?;
	}
	submit_finalized(&api, &deposit(900_000 * USD), &ferdie).await?;
	for (i, writer) in [&bob, &charlie, &dave].into_iter().enumerate() {
		sell(&api, &genesis, series, (writer, &eve), 2, 5, i as u64 + 1).await?;
	}
	let fund0 = check_conservation(&api).await?;
	let start = node.best_number().await?;

	// The keeper runs (the real binary).
	let mut keeper = tokio::process::Command::new(env!("CARGO_BIN_EXE_strikeline-keeper"))
		.args([port.to_string(), "//Ferdie".into()])
		.stdout(Stdio::piped())
		.kill_on_drop(true)
		.spawn()?;

	// +9.5 %: Bob and Charlie fall below maintenance; the keeper liquidates them.
	feed_spot(&api, 109_500, expiry_ms).await?;
	let deadline = tokio::time::Instant::now() + Duration::from_secs(30);
	loop {
		let now = node.best_number().await?;
		let events = events_between(&api, start, now, &["Liquidation"]).await?;
		let done = [&bob, &charlie].iter().all(|w| first_block(&events, "Liquidated", w).is_some());
		if done && candidates(port, None).await?.is_empty() {
			break;
		}
		if tokio::time::Instant::now() > deadline {
			bail!("the keeper did not liquidate Bob and Charlie: {events:?}");
		}
		tokio::time::sleep(Duration::from_millis(250)).await;
	}
	keeper.kill().await?;
	let keeper_phase_end = node.best_number().await?;

	// Keeper stopped. +7.8 % and +6.8 % at once (one block, or two): Dave goes under,
	// bankrupt; the backstop closes him out after its delay and the fund pays his deficit.
	let now = chain_now_ms(&api).await?;
	let feeds = [118_000, 126_000].map(|usd| feed(BTC, usd * USD, &[(expiry_ms, 500_000)], now));
	submit_all_finalized(&api, port, &dev::alice(), &feeds).await?;
	let deadline = tokio::time::Instant::now() + Duration::from_secs(30);
	let events = loop {
		let now = node.best_number().await?;
		let events = events_between(&api, start, now, &["Liquidation", "Margin"]).await?;
		if first_block(&events, "ClosedOut", &dave).is_some()
			&& candidates(port, None).await?.is_empty()
		{
			break events;
		}
		if tokio::time::Instant::now() > deadline {
			bail!("the backstop did not close Dave out: {events:?}");
		}
		tokio::time::sleep(Duration::from_millis(250)).await;
	};
	let story: Vec<_> = events.iter().map(|(n, p, e, _)| format!("#{n} {p}.{e}")).collect();
	println!("{}", story.join("\n"));

	// The keeper's liquidations came in the block after the flag (or the one after that).
	for w in [&bob, &charlie] {
		let flagged = first_block(&events, "AccountLiquidatable", w).ok_or(anyhow!("flag"))?;
		let liquidated = first_block(&events, "Liquidated", w).ok_or(anyhow!("liquidated"))?;
		assert!(flagged <= keeper_phase_end && liquidated > flagged);
		assert!(liquidated - flagged <= 2, "keeper took {} blocks", liquidated - flagged);
		println!("FIGURE keeper: breach in block {flagged}, liquidated in block {liquidated}: {} block(s)", liquidated - flagged);
	}
	// The liquidator was Ferdie, and it earned a reward.
	let liquidations: Vec<_> = events.iter().filter(|e| e.2 == "Liquidated").collect();
	for (_, _, _, fields) in &liquidations {
		let (_who, liquidator, _series, contracts, _mark, reward, _fee, health_after) =
			<([u8; 32], [u8; 32], u32, i64, i128, u128, u128, i128)>::decode(&mut &fields[..])?;
		assert_eq!(liquidator, ferdie.public_key().0);
		assert!(contracts < 0 && reward > 0 && health_after >= 0, "partial, restoring health");
	}
	// The backstop: exactly its delay after Dave's flag.
	let flagged = first_block(&events, "AccountLiquidatable", &dave).ok_or(anyhow!("flag"))?;
	let closed = first_block(&events, "ClosedOut", &dave).ok_or(anyhow!("closed out"))?;
	assert_eq!(closed - flagged, BACKSTOP_DELAY);
	println!(
		"FIGURE backstop: breach in block {flagged}, closed out in block {closed}: {} block(s)",
		closed - flagged
	);
	// Every close-out (Dave's and what was left of the others) came exactly the delay after
	// the account's latest flag.
	for (closed, _, _, fields) in events.iter().filter(|e| e.2 == "ClosedOut") {
		let flagged = events
			.iter()
			.filter(|e| e.2 == "AccountLiquidatable" && e.0 <= *closed && e.3[..32] == fields[..32])
			.map(|e| e.0)
			.max()
			.ok_or(anyhow!("a close-out without a flag"))?;
		assert_eq!(closed - flagged, BACKSTOP_DELAY);
	}
	// Dave's deficit was covered: by the fund, the rest (if any) socialised.
	let covered: BTreeMap<[u8; 32], (u128, u128, u128)> = events
		.iter()
		.filter(|e| e.2 == "DeficitCovered")
		.map(|e| {
			<([u8; 32], u128, u128, u128)>::decode(&mut &e.3[..]).map(|(w, d, f, s)| (w, (d, f, s)))
		})
		.collect::<Result<_, _>>()?;
	let (deficit, by_fund, socialised) =
		*covered.get(&dave.public_key().0).ok_or(anyhow!("no DeficitCovered for Dave"))?;
	assert!(deficit > 0 && by_fund + socialised == deficit);
	// The books: conserved to the unit; the fund received fees and the books, and paid.
	let fund = check_conservation(&api).await?;
	println!("insurance fund {fund0} -> {fund}; Dave's deficit {deficit} ({by_fund} by the fund)");
	for w in [&bob, &charlie, &dave] {
		let view = strikeline_e2e::rpc_call(
			port,
			"state_call",
			serde_json::json!([
				"StrikelineApi_account",
				format!("0x{}", hex::encode(w.public_key().0))
			]),
		)
		.await?;
		assert!(hex_bytes(&view)?.len() > 1, "an account view for each writer");
	}
	Ok(())
}
