//! A trader's whole life: deposit, trade, margin, refused over-withdrawal, expiry, settlement.
use super::*;
use crate::{Event, LiveSeries, Series};
use polkadot_sdk::frame_support::{assert_noop, assert_ok};
use strikeline_primitives::{OptionKind, SeriesState};

#[test]
fn full_life_cycle_matches_hand_computation() {
	build_and_execute(|| {
		deposit(ALICE, 20_000);
		deposit(BOB, 50_000);
		// BOB rests an offer of 2 calls at 3,000; ALICE takes it.
		let ask = order(BOB, 0, Side::Sell, 3_000, 2);
		let bid = order(ALICE, 0, Side::Buy, 3_100, 2);
		assert_ok!(submit(vec![fill(ask.clone(), bid.clone(), 3_000, 2)]));
		System::assert_has_event(
			Event::Traded {
				series: 0,
				buyer: ALICE,
				seller: BOB,
				price: 3_000 * USD,
				quantity: 2,
				maker_order: Options::order_hash(&ask),
				taker_order: Options::order_hash(&bid),
			}
			.into(),
		);
		assert_eq!(collateral(ALICE), (14_000 * USD) as i128);
		assert_eq!(collateral(BOB), (56_000 * USD) as i128);
		assert_eq!(Margin::position(&BOB, 0), Some(-2));

		// BOB cannot take out more than his free margin.
		let view = Margin::account_view(&BOB).unwrap();
		let free = (view.equity - view.initial_margin as i128) as u128;
		assert_noop!(
			Margin::withdraw(RuntimeOrigin::signed(BOB), free + 1),
			pallet_margin::Error::<Test>::InsufficientMargin
		);

		// Spot 100k until minute 30, then 106k to expiry: the settlement TWAP over the last
		// 30 minutes is exactly 106k; the call pays 6,000 per contract.
		for minute in (4..30).step_by(4) {
			advance_to(T0 + minute * MINUTE);
			feed(100_000);
		}
		for minute in (30..=60).step_by(3) {
			advance_to(T0 + minute * MINUTE);
			feed(106_000);
		}
		assert_eq!(Series::<Test>::get(0).unwrap().state, SeriesState::Settled);
		System::assert_has_event(
			Event::SeriesExpired {
				series: 0,
				settlement_price_e6: 106_000 * USD,
				payoff_per_contract: 6_000 * USD,
			}
			.into(),
		);
		System::assert_has_event(Event::SeriesSettled { series: 0 }.into());
		// The put (no positions) settles too; nothing is live any more.
		assert!(LiveSeries::<Test>::get().is_empty());
		// ALICE: 20,000 - 6,000 premium + 12,000 payoff; BOB: 50,000 + 6,000 - 12,000.
		assert_eq!(collateral(ALICE), (26_000 * USD) as i128);
		assert_eq!(collateral(BOB), (44_000 * USD) as i128);
		assert_eq!(pallet_margin::OpenInterest::<Test>::get(0), (0, 0));
		// With no positions left, everything can be withdrawn.
		assert_ok!(Margin::withdraw(RuntimeOrigin::signed(BOB), 44_000 * USD));
		assert_ok!(Margin::withdraw(RuntimeOrigin::signed(ALICE), 26_000 * USD));
		// Trading on a settled series is refused.
		assert_noop!(
			submit(vec![fill(
				order(BOB, 0, Side::Sell, 1, 1),
				order(ALICE, 0, Side::Buy, 1, 1),
				1,
				1
			)]),
			crate::Error::<Test>::SeriesNotTrading
		);
	});
}

#[test]
fn settlement_is_bounded_per_block() {
	build_and_execute(|| {
		// Four buyers of one put each against four sellers: eight positions.
		for who in 1..=8 {
			deposit(who, 100_000);
		}
		for (buyer, seller) in [(1, 5), (2, 6), (3, 7), (4, 8)] {
			assert_ok!(submit(vec![fill(
				order(seller, 1, Side::Sell, 2_000, 1),
				order(buyer, 1, Side::Buy, 2_000, 1),
				2_000,
				1
			)]));
		}
		for minute in (3..60).step_by(3) {
			advance_to(T0 + minute * MINUTE);
			feed(97_000);
		}
		// Expiry block: price fixed, 3 of 8 positions settled (MaxSettlementsPerBlock = 3).
		advance_to(EXPIRY);
		assert_eq!(Series::<Test>::get(1).unwrap().state, SeriesState::Expired);
		assert_eq!(pallet_margin::Holders::<Test>::iter_prefix(1).count(), 5);
		check_invariants();
		advance_to(EXPIRY + 500);
		assert_eq!(pallet_margin::Holders::<Test>::iter_prefix(1).count(), 2);
		advance_to(EXPIRY + 1_000);
		assert_eq!(Series::<Test>::get(1).unwrap().state, SeriesState::Settled);
		// Put struck at 100k settled at the TWAP: 30 minutes at 97k -> 3,000 per contract.
		for buyer in 1..=4 {
			assert_eq!(collateral(buyer), ((100_000 - 2_000 + 3_000) * USD) as i128);
		}
		for seller in 5..=8 {
			assert_eq!(collateral(seller), ((100_000 + 2_000 - 3_000) * USD) as i128);
		}
	});
}

#[test]
fn creating_series() {
	build_and_execute(|| {
		let mut terms = btc(OptionKind::Call, 120_000);
		terms.expiry_ms = EXPIRY + 60 * MINUTE;
		assert_ok!(Options::create_series(RuntimeOrigin::root(), terms));
		System::assert_last_event(Event::SeriesCreated { series: 2, terms }.into());
		assert_eq!(LiveSeries::<Test>::get().last(), Some(&(terms.expiry_ms, 2)));
		let bad = |f: fn(&mut strikeline_primitives::SeriesTerms)| {
			let mut t = btc(OptionKind::Call, 120_000);
			f(&mut t);
			Options::create_series(RuntimeOrigin::root(), t)
		};
		use crate::Error;
		assert_noop!(bad(|t| t.expiry_ms = T0 - MINUTE), Error::<Test>::BadExpiry);
		assert_noop!(bad(|t| t.expiry_ms += 1), Error::<Test>::BadExpiry);
		assert_noop!(bad(|t| t.strike_e6 = 0), Error::<Test>::TermsOutOfRange);
		assert_noop!(bad(|t| t.contract_size_e6 = 0), Error::<Test>::TermsOutOfRange);
		assert_noop!(
			bad(|t| t.strike_e6 = crate::MAX_STRIKE_E6 + 1),
			Error::<Test>::TermsOutOfRange
		);
		assert_noop!(bad(|t| t.underlying = 9), Error::<Test>::UnknownUnderlying);
		assert_noop!(
			Options::create_series(RuntimeOrigin::signed(ALICE), terms),
			DispatchError::BadOrigin
		);
	});
}
