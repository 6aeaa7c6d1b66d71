//! A trader's whole life cycle on the real node over RPC: a series is created, prices are fed,
//! two dev accounts deposit, trade by signed orders, a withdrawal beyond margin is refused, the
//! series expires and settles; balances and events match what is computed by hand. Then bad
//! input, each rejected with its named error.

use anyhow::{bail, Result};
use std::time::Duration;
use strikeline_e2e::{
	clearing::{self, *},
	event_fields, free_balance, rpc_call, submit_finalized,
};
use subxt::{
	dynamic::{self, Value},
	ext::scale_value::At,
	utils::AccountId32,
	OnlineClient, PolkadotConfig,
};
use subxt_signer::sr25519::{dev, Keypair};

type Api = OnlineClient<PolkadotConfig>;

/// Submits and expects the dispatch to fail with `pallet.error`.
async fn expect_error<C: subxt::transactions::Payload>(
	api: &Api,
	call: &C,
	signer: &Keypair,
	expected: &str,
) -> Result<()> {
	match submit_finalized(api, call, signer).await {
		Ok(_) => bail!("expected {expected}, the call succeeded"),
		Err(e) => {
			let msg = format!("{e:?}");
			let name = expected.split('.').next_back().unwrap_or(expected);
			if !msg.contains(name) {
				bail!("expected {expected}, got {msg}");
			}
			Ok(())
		}
	}
}

#[tokio::test(flavor = "multi_thread")]
async fn trader_life_cycle_on_the_real_node() -> Result<()> {
	let (node, api, genesis) = dev_node("clearing").await?;
	let (alice, bob, charlie) = (dev::alice(), dev::bob(), dev::charlie());

	// The dev genesis lists the demo series (BTC and ETH, two expiries).
	let demo =
		rpc_call(node.rpc_port, "state_call", serde_json::json!(["StrikelineApi_series", "0x"]))
			.await?;
	assert!(hex_bytes(&demo)?.len() > 20 * 50, "demo series missing from the runtime API");

	// A BTC call struck at 95,000 expiring about 40 s from now.
	let now = chain_now_ms(&api).await?;
	let expiry_ms = next_expiry(now, 40_000);
	let series = create_btc_call(&api, &alice, expiry_ms, 95_000 * USD, 1_000_000).await?;

	// Alice (the dev validator) feeds BTC at 100,000 with 50 % vol for the expiry; no fee.
	let before = free_balance(&api, &alice).await?;
	let observed = chain_now_ms(&api).await?;
	let events = submit_finalized(
		&api,
		&feed(BTC, 100_000 * USD, &[(expiry_ms, 500_000)], observed),
		&alice,
	)
	.await?;
	let (_, _, spot, median) =
		event_fields::<(AccountId32, u32, u128, u128)>(&events, "Oracle", "PriceFed")?;
	assert_eq!((spot, median), (100_000 * USD, 100_000 * USD));
	assert_eq!(free_balance(&api, &alice).await?, before, "feeding is free for feeders");

	// Bob and Charlie deposit.
	submit_finalized(&api, &deposit(20_000 * USD), &bob).await?;
	submit_finalized(&api, &deposit(60_000 * USD), &charlie).await?;

	// Charlie rests an offer of 2 calls at 5,500; Bob takes it at that price.
	let ask = order(&charlie, series, Side::Sell, 5_500, 2, 1);
	let bid = order(&bob, series, Side::Buy, 5_600, 2, 1);
	assert_eq!(runtime_order_hash(node.rpc_port, &ask).await?, order_hash(&genesis, &ask));
	let fill = Fill {
		maker: clearing::sign(&genesis, ask.clone(), &charlie),
		taker: clearing::sign(&genesis, bid.clone(), &bob),
		price: 5_500 * USD,
		quantity: 2,
	};
	let events =
		submit_finalized(&api, &settle_fills(std::slice::from_ref(&fill), 4), &alice).await?;
	let (s, buyer, seller, price, quantity, _, _) =
		event_fields::<(u32, AccountId32, AccountId32, u128, u64, [u8; 32], [u8; 32])>(
			&events, "Options", "Traded",
		)?;
	assert_eq!((s, price, quantity), (series, 5_500 * USD, 2));
	assert_eq!(
		(buyer, seller),
		(bob.public_key().to_account_id(), charlie.public_key().to_account_id())
	);
	assert_eq!(margin_collateral(&api, &bob).await?, (9_000 * USD) as i128);
	assert_eq!(margin_collateral(&api, &charlie).await?, (71_000 * USD) as i128);

	// Replaying the same fill overfills both orders: refused.
	expect_error(&api, &settle_fills(&[fill], 4), &alice, "Options.OrderOverfilled").await?;
	// Charlie (short two calls) cannot withdraw everything.
	expect_error(&api, &withdraw(71_000 * USD), &charlie, "Margin.InsufficientMargin").await?;

	// Wait for expiry; the first block after it fixes the settlement price (the TWAP of a
	// constant 100,000) and settles both positions: 5,000 per contract.
	let deadline = std::time::Instant::now() + Duration::from_secs(120);
	loop {
		let at = api.at_current_block().await?;
		let info = at
			.storage()
			.fetch(dynamic::storage::<(u32,), Value>("Options", "Series"), (series,))
			.await?
			.decode()?;
		let state = info.at("state").map(|v| format!("{v}")).unwrap_or_default();
		if state.contains("Settled") {
			let price = info.at("settlement_price_e6").map(|v| format!("{v}")).unwrap_or_default();
			assert!(price.contains("100000000000"), "settlement price {price}");
			break;
		}
		if std::time::Instant::now() > deadline {
			bail!("series not settled by the deadline, state {state}");
		}
		tokio::time::sleep(Duration::from_millis(500)).await;
	}
	// Bob: 20,000 - 11,000 premium + 10,000 payoff; Charlie: 60,000 + 11,000 - 10,000.
	assert_eq!(margin_collateral(&api, &bob).await?, (19_000 * USD) as i128);
	assert_eq!(margin_collateral(&api, &charlie).await?, (61_000 * USD) as i128);
	// With nothing open, Charlie takes it all out.
	let events = submit_finalized(&api, &withdraw(61_000 * USD), &charlie).await?;
	let (_, amount) = event_fields::<(AccountId32, u128)>(&events, "Margin", "Withdrawn")?;
	assert_eq!(amount, 61_000 * USD);
	Ok(())
}

#[tokio::test(flavor = "multi_thread")]
async fn bad_clearing_input_gets_named_errors() -> Result<()> {
	let (_node, api, genesis) = dev_node("clearing-bad").await?;
	let (alice, bob, charlie) = (dev::alice(), dev::bob(), dev::charlie());
	let now = chain_now_ms(&api).await?;

	// A non-feeder price submission.
	expect_error(&api, &feed(BTC, 100_000 * USD, &[], now), &bob, "Oracle.NotFeeder").await?;
	// Demo series 0 (BTC 90k call, 2027) with no price yet: nothing can trade on it.
	submit_finalized(&api, &deposit(50_000 * USD), &bob).await?;
	submit_finalized(&api, &deposit(50_000 * USD), &charlie).await?;
	let fill = |maker: Order, taker: Order, price: u128| Fill {
		maker: clearing::sign(&genesis, maker, &charlie),
		taker: clearing::sign(&genesis, taker, &bob),
		price: price * USD,
		quantity: 1,
	};
	let (ask, bid) =
		(order(&charlie, 0, Side::Sell, 1_000, 1, 7), order(&bob, 0, Side::Buy, 1_000, 1, 7));
	expect_error(
		&api,
		&settle_fills(&[fill(ask.clone(), bid.clone(), 1_000)], 4),
		&alice,
		"Margin.NoPrice",
	)
	.await?;
	// Bad signature: Bob's order signed by Charlie's key.
	let mut forged = fill(ask.clone(), bid.clone(), 1_000);
	forged.taker = clearing::sign(&genesis, bid.clone(), &charlie);
	expect_error(&api, &settle_fills(&[forged], 4), &alice, "Options.BadSignature").await?;
	// Price outside the buyer's limit; unknown series; zero quantity.
	expect_error(
		&api,
		&settle_fills(&[fill(ask.clone(), bid.clone(), 1_001)], 4),
		&alice,
		"Options.PriceOutsideLimit",
	)
	.await?;
	let (ask9, bid9) =
		(order(&charlie, 9_999, Side::Sell, 1, 1, 0), order(&bob, 9_999, Side::Buy, 1, 1, 0));
	expect_error(&api, &settle_fills(&[fill(ask9, bid9, 1)], 4), &alice, "Options.UnknownSeries")
		.await?;
	let mut zero = fill(ask.clone(), bid.clone(), 1_000);
	zero.quantity = 0;
	expect_error(&api, &settle_fills(&[zero], 4), &alice, "Options.ZeroQuantity").await?;
	// A cancelled order.
	submit_finalized(&api, &cancel_order(&ask), &charlie).await?;
	expect_error(
		&api,
		&settle_fills(&[fill(ask, bid, 1_000)], 4),
		&alice,
		"Options.OrderCancelled",
	)
	.await?;
	// Withdrawing more than deposited.
	expect_error(&api, &withdraw(50_000 * USD + 1), &bob, "Margin.InsufficientCollateral").await?;
	// Nothing moved: Bob still has exactly his deposit.
	assert_eq!(margin_collateral(&api, &bob).await?, (50_000 * USD) as i128);
	Ok(())
}
