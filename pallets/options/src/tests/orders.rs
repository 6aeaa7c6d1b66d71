//! Signed orders: repeated maker fills, cancellation, and every kind of bad fill, each with its
//! named error and no state change.
use super::*;
use crate::{Error, Event, Orders};
use polkadot_sdk::frame_support::{assert_noop, assert_ok};

fn funded() {
	deposit(ALICE, 100_000);
	deposit(BOB, 100_000);
}

#[test]
fn a_maker_order_fills_many_times_and_is_verified_once() {
	build_and_execute(|| {
		funded();
		let ask = order(BOB, 0, Side::Sell, 2_000, 5);
		for nonce in 0..3 {
			let mut bid = order(ALICE, 0, Side::Buy, 2_500, 1);
			bid.nonce = nonce;
			assert_ok!(submit(vec![fill(ask.clone(), bid, 2_000, 1)]));
		}
		let status = Orders::<Test>::get(Options::order_hash(&ask)).unwrap();
		assert_eq!((status.filled, status.quantity, status.verified), (3, 5, true));
		// Once verified, the stored hash stands for the signature: a later fill of the same
		// order is not re-verified (a garbage signature on it is not even looked at).
		let mut replay = fill(ask.clone(), order(ALICE, 0, Side::Buy, 2_500, 2), 2_000, 2);
		replay.maker.signature = polkadot_sdk::sp_runtime::testing::TestSignature(BOB, vec![]);
		assert_ok!(submit(vec![replay]));
		// The order is now full: one more contract overfills it.
		let mut bid = order(ALICE, 0, Side::Buy, 2_500, 1);
		bid.nonce = 9;
		assert_noop!(submit(vec![fill(ask, bid, 2_000, 1)]), Error::<Test>::OrderOverfilled);
	});
}

#[test]
fn a_bad_fill_fails_alone_in_a_batch() {
	build_and_execute(|| {
		funded();
		let good = fill(
			order(BOB, 0, Side::Sell, 2_000, 1),
			order(ALICE, 0, Side::Buy, 2_000, 1),
			2_000,
			1,
		);
		let mut bad = fill(
			order(BOB, 1, Side::Sell, 2_000, 1),
			order(ALICE, 1, Side::Buy, 1_000, 1),
			2_000,
			1,
		);
		bad.maker.order.nonce = 1;
		assert_ok!(submit(vec![bad, good]));
		System::assert_has_event(
			Event::FillRejected { index: 0, error: Error::<Test>::PriceOutsideLimit.into() }.into(),
		);
		assert_eq!(Margin::position(&ALICE, 0), Some(1));
		assert_eq!(Margin::position(&ALICE, 1), None);
		// The rejected fill recorded nothing for its orders.
		assert_eq!(Orders::<Test>::iter().count(), 2);
	});
}

#[test]
fn cancelled_orders_do_not_fill() {
	build_and_execute(|| {
		funded();
		let ask = order(BOB, 0, Side::Sell, 2_000, 5);
		assert_noop!(
			Options::cancel_order(RuntimeOrigin::signed(ALICE), ask.clone()),
			Error::<Test>::NotOrderOwner
		);
		assert_ok!(Options::cancel_order(RuntimeOrigin::signed(BOB), ask.clone()));
		System::assert_last_event(
			Event::OrderCancelled { who: BOB, order: Options::order_hash(&ask) }.into(),
		);
		assert_noop!(
			submit(vec![fill(ask, order(ALICE, 0, Side::Buy, 2_000, 1), 2_000, 1)]),
			Error::<Test>::OrderCancelled
		);
	});
}

#[test]
fn bad_fills_are_rejected_with_named_errors() {
	build_and_execute(|| {
		funded();
		let ask = || order(BOB, 0, Side::Sell, 2_000, 5);
		let bid = || order(ALICE, 0, Side::Buy, 2_000, 5);
		let cases: Vec<(&str, crate::FillOf<Test>, DispatchError)> = vec![
			(
				"bad signature",
				{
					let mut f = fill(ask(), bid(), 2_000, 1);
					f.taker.signature =
						polkadot_sdk::sp_runtime::testing::TestSignature(ALICE, vec![1]);
					f
				},
				Error::<Test>::BadSignature.into(),
			),
			(
				"signed by another key",
				{
					let mut f = fill(ask(), bid(), 2_000, 1);
					f.taker.signature.0 = BOB;
					f
				},
				Error::<Test>::BadSignature.into(),
			),
			(
				"price above the buyer's limit",
				fill(ask(), bid(), 2_001, 1),
				Error::<Test>::PriceOutsideLimit.into(),
			),
			(
				"price below the seller's limit",
				fill(ask(), bid(), 1_999, 1),
				Error::<Test>::PriceOutsideLimit.into(),
			),
			(
				"unknown series",
				fill(order(BOB, 7, Side::Sell, 1, 1), order(ALICE, 7, Side::Buy, 1, 1), 1, 1),
				Error::<Test>::UnknownSeries.into(),
			),
			(
				"series mismatch",
				fill(ask(), order(ALICE, 1, Side::Buy, 2_000, 1), 2_000, 1),
				Error::<Test>::SeriesMismatch.into(),
			),
			(
				"same side",
				fill(ask(), order(ALICE, 0, Side::Sell, 2_000, 1), 2_000, 1),
				Error::<Test>::SameSide.into(),
			),
			(
				"self trade",
				fill(ask(), order(BOB, 0, Side::Buy, 2_000, 1), 2_000, 1),
				Error::<Test>::SelfTrade.into(),
			),
			("zero quantity", fill(ask(), bid(), 2_000, 0), Error::<Test>::ZeroQuantity.into()),
			(
				"more than the order",
				fill(ask(), bid(), 2_000, 6),
				Error::<Test>::OrderOverfilled.into(),
			),
			(
				"overflowing quantity",
				fill(
					order(BOB, 0, Side::Sell, 1, u64::MAX),
					order(ALICE, 0, Side::Buy, 1, u64::MAX),
					1,
					u64::MAX,
				),
				Error::<Test>::Overflow.into(),
			),
			(
				"position above the bound",
				fill(
					order(BOB, 0, Side::Sell, 0, 2_000_000_000),
					order(ALICE, 0, Side::Buy, 0, 2_000_000_000),
					0,
					2_000_000_000,
				),
				pallet_margin::Error::<Test>::PositionTooLarge.into(),
			),
			(
				"expired order",
				{
					let mut o = bid();
					o.expiry_ms = T0 - 1;
					fill(ask(), o, 2_000, 1)
				},
				Error::<Test>::OrderExpired.into(),
			),
			(
				"insufficient margin",
				fill(order(BOB, 0, Side::Sell, 1, 100), order(ALICE, 0, Side::Buy, 1, 100), 1, 100),
				pallet_margin::Error::<Test>::InsufficientMargin.into(),
			),
			(
				"no margin account",
				fill(ask(), order(9, 0, Side::Buy, 2_000, 1), 2_000, 1),
				pallet_margin::Error::<Test>::NoAccount.into(),
			),
		];
		for (name, f, error) in cases {
			let before =
				polkadot_sdk::sp_io::storage::root(polkadot_sdk::sp_runtime::StateVersion::V1);
			assert_eq!(submit(vec![f]), Err(error), "{name}");
			let after =
				polkadot_sdk::sp_io::storage::root(polkadot_sdk::sp_runtime::StateVersion::V1);
			assert_eq!(before, after, "{name} changed state");
		}
		assert_noop!(submit(vec![]), Error::<Test>::EmptyBatch);
	});
}

#[test]
fn stale_prices_and_expired_series_stop_trading() {
	build_and_execute(|| {
		funded();
		let f = || {
			fill(
				order(BOB, 0, Side::Sell, 2_000, 1),
				order(ALICE, 0, Side::Buy, 2_000, 1),
				2_000,
				1,
			)
		};
		// The oracle falls silent for longer than its staleness bound.
		set_now(T0 + 6 * MINUTE);
		assert_noop!(submit(vec![f()]), pallet_margin::Error::<Test>::StalePrice);
		feed(100_000);
		assert_ok!(submit(vec![f()]));
		// Past expiry the series does not trade, even before it is processed.
		set_now(EXPIRY);
		let mut late = f();
		late.maker.order.nonce = 1;
		late.taker.order.nonce = 1;
		late.maker = sign(late.maker.order);
		late.taker = sign(late.taker.order);
		assert_noop!(submit(vec![late]), Error::<Test>::SeriesNotTrading);
	});
}

#[test]
fn batch_weight_prices_each_storage_key_once() {
	build_and_execute(|| {
		let ask = order(BOB, 0, Side::Sell, 2_000, 100);
		let resting: Vec<_> = (0..10)
			.map(|k| {
				let mut bid = order(ALICE, 0, Side::Buy, 2_000, 1);
				bid.nonce = k;
				fill(ask.clone(), bid, 2_000, 1)
			})
			.collect();
		let fresh: Vec<_> = (0..10)
			.map(|k| {
				let (mut a, mut b) =
					(order(BOB, 0, Side::Sell, 2_000, 1), order(ALICE, 0, Side::Buy, 2_000, 1));
				a.nonce = k;
				b.nonce = k;
				fill(a, b, 2_000, 1)
			})
			.collect();
		let w = |f: &[crate::FillOf<Test>], p| Options::settle_fills_weight(f, None, p);
		// One resting maker order: 11 distinct orders instead of 20.
		assert!(w(&resting, 1).ref_time() < w(&fresh, 1).ref_time());
		// More valuations per account cost more; the witness is clamped to the most a margin
		// check can cost (8 positions x (1 + 64 scenarios) = 520).
		assert!(w(&fresh, 1).ref_time() < w(&fresh, 8).ref_time());
		assert_eq!(w(&fresh, 520), w(&fresh, 100_000));
	});
}
