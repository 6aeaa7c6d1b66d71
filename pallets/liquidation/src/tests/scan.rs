//! The per-block scan, the watch list and the backstop.
use super::*;
use crate::{Deadlines, Event, Flagged, ScanCursor, Watchlist};
use polkadot_sdk::frame_support::{assert_ok, traits::Hooks};
use strikeline_primitives::OnPriceUpdate;

/// The price moves to `usd` in the current block, as the oracle reports it.
fn price_update(usd: u128) {
	set_spot(usd);
	Liquidation::on_price_update(0);
}

fn flagged_events() -> Vec<AccountId> {
	System::events()
		.into_iter()
		.filter_map(|r| match r.event {
			RuntimeEvent::Liquidation(Event::AccountLiquidatable { who, .. }) => Some(who),
			_ => None,
		})
		.collect()
}

#[test]
fn the_scan_flags_in_the_block_of_the_price_move_and_a_keeper_clears_it() {
	ExtBuilder::build_and_execute(|| {
		let s = bob_writes_ten_calls();
		next_block();
		assert!(flagged_events().is_empty());
		// BOB is close to maintenance at 103k: on the watch list, not flagged.
		price_update(103_000);
		next_block();
		assert!(flagged_events().is_empty());
		assert!(Watchlist::<Test>::get().contains(&BOB));
		// The move that breaks him: flagged in the same block (on_finalize).
		let n = System::block_number();
		price_update(108_000);
		Liquidation::on_finalize(n);
		assert_eq!(flagged_events(), vec![BOB]);
		assert_eq!(Flagged::<Test>::get(BOB), Some(n));
		assert!(Deadlines::<Test>::get(n + BACKSTOP_DELAY).contains(&BOB));
		// A keeper liquidates in the next block and BOB is unflagged.
		System::set_block_number(n + 1);
		assert_ok!(Liquidation::liquidate(RuntimeOrigin::signed(KEEPER), BOB, s, allowed(BOB, s)));
		System::assert_has_event(Event::AccountRecovered { who: BOB }.into());
		assert_eq!(Flagged::<Test>::get(BOB), None);
		// The backstop finds nothing to do at the deadline.
		for _ in 0..BACKSTOP_DELAY {
			next_block();
		}
		assert!(Margin::position(&BOB, s).is_some());
	});
}

#[test]
fn the_backstop_closes_out_an_account_no_keeper_liquidated() {
	ExtBuilder::build_and_execute(|| {
		let s = bob_writes_ten_calls();
		price_update(108_000);
		let n = System::block_number();
		next_block();
		assert_eq!(Flagged::<Test>::get(BOB), Some(n));
		// Not before the deadline...
		while System::block_number() < n + BACKSTOP_DELAY - 1 {
			next_block();
			assert!(Margin::position(&BOB, s).is_some());
		}
		// ...and at it: the fund takes the whole book.
		let fund = Margin::insurance_account();
		let fund0 = Margin::insurance_fund();
		next_block();
		assert_eq!(System::block_number(), n + BACKSTOP_DELAY);
		System::assert_has_event(Event::ClosedOut { who: BOB, positions: 1 }.into());
		assert_eq!(Margin::position(&BOB, s), None);
		assert_eq!(Margin::position(&fund, s), Some(-10));
		assert!(Margin::insurance_fund() > fund0, "the fund received the shorts' mark and its fee");
		assert_eq!(Flagged::<Test>::get(BOB), None);
		assert!(collateral(BOB) >= 0);
	});
}

#[test]
fn the_cursor_reaches_every_account_within_the_bound() {
	ExtBuilder::build_and_execute(|| {
		set_spot(100_000);
		let s = call(0, 110_000);
		deposit(ALICE, 1_000_000 * USD);
		// Eight writers, one call each, with just enough collateral.
		for w in 2..=9 {
			deposit(w, 11_800 * USD);
			trade(ALICE, w, s, 1, 1_700);
		}
		price_update(112_000);
		// Nine accounts with a ledger (the fund is never scanned), four per block: all eight
		// writers are flagged within ceil(9 / 4) = 3 blocks.
		for _ in 0..3 {
			next_block();
		}
		let mut flagged = flagged_events();
		flagged.sort();
		assert_eq!(flagged, (2..=9).collect::<Vec<_>>());
		// The cursor keeps cycling.
		next_block();
		let _ = ScanCursor::<Test>::get();
	});
}

#[test]
fn nothing_is_flagged_or_closed_out_on_a_stale_price() {
	ExtBuilder::build_and_execute(|| {
		let s = bob_writes_ten_calls();
		// Stale: the scan decides nothing.
		stale_spot();
		Liquidation::on_price_update(0);
		next_block();
		assert!(flagged_events().is_empty());
		// Flagged on a fresh price, then the price goes stale before the deadline: the
		// backstop waits, block by block, for a fresh one.
		price_update(108_000);
		let n = System::block_number();
		next_block();
		stale_spot();
		while System::block_number() < n + BACKSTOP_DELAY + 2 {
			next_block();
		}
		assert_eq!(Margin::position(&BOB, s), Some(-10));
		assert_eq!(Flagged::<Test>::get(BOB), Some(n));
		set_spot(108_000);
		next_block();
		assert_eq!(Margin::position(&BOB, s), None);
	});
}

#[test]
fn a_flagged_account_the_market_rescues_is_unflagged() {
	ExtBuilder::build_and_execute(|| {
		let _ = bob_writes_ten_calls();
		price_update(108_000);
		next_block();
		assert!(Flagged::<Test>::get(BOB).is_some());
		price_update(100_000);
		next_block();
		System::assert_has_event(Event::AccountRecovered { who: BOB }.into());
		assert_eq!(Flagged::<Test>::get(BOB), None);
		// Deposits bring him far from maintenance: off the watch list after the next move.
		deposit(BOB, 1_000_000 * USD);
		price_update(100_000);
		next_block();
		assert!(!Watchlist::<Test>::get().contains(&BOB));
	});
}

#[test]
fn a_new_flag_gets_its_own_full_delay() {
	ExtBuilder::build_and_execute(|| {
		let s = bob_writes_ten_calls();
		price_update(108_000);
		let first = System::block_number();
		next_block();
		// A keeper restores BOB's health; the next move breaks him again a block later.
		assert_ok!(Liquidation::liquidate(RuntimeOrigin::signed(KEEPER), BOB, s, allowed(BOB, s)));
		price_update(125_000);
		let second = System::block_number();
		next_block();
		assert_eq!(Flagged::<Test>::get(BOB), Some(second));
		// The first flag's deadline passes without a close-out...
		while System::block_number() < first + BACKSTOP_DELAY {
			next_block();
		}
		assert!(Margin::position(&BOB, s).is_some());
		// ...the second's does.
		while System::block_number() < second + BACKSTOP_DELAY {
			next_block();
		}
		assert_eq!(Margin::position(&BOB, s), None);
	});
}
