//! Deposits, withdrawals, atomic deltas and expiry settlement.
use crate::{mock::*, Accounts, Error, Event, OpenInterest};
use polkadot_sdk::frame_support::{assert_noop, assert_ok, traits::fungible::Inspect};
use strikeline_primitives::{LedgerDelta, MarginLedger, OptionKind, OracleError, SeriesTerms};

const USD: u128 = 1_000_000;

type Collateral = <Test as crate::Config>::Collateral;

fn call_series(id: u32, strike_usd: u128) {
	add_series(
		id,
		SeriesTerms {
			underlying: 0,
			expiry_ms: 2_000_000_000,
			strike_e6: strike_usd * USD,
			kind: OptionKind::Call,
			contract_size_e6: 1_000_000,
		},
	);
}

/// ALICE buys `n` contracts of `series` from BOB at `premium` USD each.
fn trade(series: u32, n: i64, premium: u128) -> Vec<LedgerDelta<AccountId>> {
	let cash = (premium * USD) as i128 * n as i128;
	vec![
		LedgerDelta { who: ALICE, collateral: -cash, series, contracts: n },
		LedgerDelta { who: BOB, collateral: cash, series, contracts: -n },
	]
}

/// Applies deltas with a witness of the mock's `MaxPositions`.
fn apply(deltas: &[LedgerDelta<AccountId>]) -> polkadot_sdk::sp_runtime::DispatchResult {
	<Margin as MarginLedger<_>>::apply(deltas, 8)
}

fn collateral(who: AccountId) -> i128 {
	Accounts::<Test>::get(who).map_or(0, |l| l.collateral)
}

#[test]
fn deposit_and_withdraw_move_collateral() {
	ExtBuilder::build_and_execute(|| {
		assert_ok!(Margin::deposit(RuntimeOrigin::signed(ALICE), 1_000 * USD));
		assert_eq!(collateral(ALICE), (1_000 * USD) as i128);
		assert_eq!(Collateral::balance(&ALICE), WALLET - 1_000 * USD);
		System::assert_last_event(Event::Deposited { who: ALICE, amount: 1_000 * USD }.into());
		assert_ok!(Margin::withdraw(RuntimeOrigin::signed(ALICE), 400 * USD));
		assert_eq!(collateral(ALICE), (600 * USD) as i128);
		assert_eq!(Collateral::balance(&ALICE), WALLET - 600 * USD);
		System::assert_last_event(Event::Withdrawn { who: ALICE, amount: 400 * USD }.into());
		// Everything out again: the fund keeps the pallet account alive.
		assert_ok!(Margin::withdraw(RuntimeOrigin::signed(ALICE), 600 * USD));
		assert_eq!(Collateral::balance(&Margin::account_id()), FUND_SEED);
		assert_eq!(Margin::insurance_fund(), FUND_SEED as i128);
	});
}

#[test]
fn bad_deposits_and_withdrawals_change_nothing() {
	ExtBuilder::build_and_execute(|| {
		assert_noop!(Margin::deposit(RuntimeOrigin::signed(ALICE), 0), Error::<Test>::ZeroAmount);
		assert_noop!(Margin::withdraw(RuntimeOrigin::signed(ALICE), 1), Error::<Test>::NoAccount);
		assert_ok!(Margin::deposit(RuntimeOrigin::signed(ALICE), 100 * USD));
		assert_noop!(
			Margin::withdraw(RuntimeOrigin::signed(ALICE), 100 * USD + 1),
			Error::<Test>::InsufficientCollateral
		);
		assert!(Margin::deposit(RuntimeOrigin::signed(ALICE), WALLET).is_err());
		assert_eq!(collateral(ALICE), (100 * USD) as i128);
	});
}

#[test]
fn trade_moves_premium_and_positions_atomically() {
	ExtBuilder::build_and_execute(|| {
		set_spot(0, Ok(100_000 * USD));
		call_series(0, 110_000);
		assert_ok!(Margin::deposit(RuntimeOrigin::signed(ALICE), 10_000 * USD));
		assert_ok!(Margin::deposit(RuntimeOrigin::signed(BOB), 50_000 * USD));
		assert_ok!(apply(&trade(0, 2, 1_000)));
		assert_eq!(collateral(ALICE), (8_000 * USD) as i128);
		assert_eq!(collateral(BOB), (52_000 * USD) as i128);
		assert_eq!(Margin::position(&ALICE, 0), Some(2));
		assert_eq!(Margin::position(&BOB, 0), Some(-2));
		assert_eq!(OpenInterest::<Test>::get(0), (2, 2));
		// Closing the trade removes both positions and the open interest.
		let mut back = trade(0, -2, 1_000);
		back.reverse();
		assert_ok!(apply(&back));
		assert_eq!(Margin::position(&ALICE, 0), None);
		assert_eq!(OpenInterest::<Test>::get(0), (0, 0));
		assert!(Accounts::<Test>::get(ALICE).unwrap().positions.is_empty());
	});
}

#[test]
fn trade_below_initial_margin_fails_whole() {
	ExtBuilder::build_and_execute(|| {
		set_spot(0, Ok(100_000 * USD));
		call_series(0, 110_000);
		assert_ok!(Margin::deposit(RuntimeOrigin::signed(ALICE), 10_000 * USD));
		// BOB's short needs ~10k per contract; he has 5k.
		assert_ok!(Margin::deposit(RuntimeOrigin::signed(BOB), 5_000 * USD));
		assert_noop!(apply(&trade(0, 1, 100)), Error::<Test>::InsufficientMargin);
		// Stale oracle: no trade either.
		set_spot(0, Err(OracleError::Stale));
		assert_ok!(Margin::deposit(RuntimeOrigin::signed(BOB), 50_000 * USD));
		assert_noop!(apply(&trade(0, 1, 100)), Error::<Test>::StalePrice);
		// Unknown series.
		set_spot(0, Ok(100_000 * USD));
		assert_noop!(apply(&trade(9, 1, 100)), Error::<Test>::UnknownSeries);
		// Overflowing quantity.
		assert_noop!(apply(&trade(0, 2_000_000_000_000, 0)), Error::<Test>::PositionTooLarge);
	});
}

#[test]
fn withdrawal_beyond_margin_is_refused() {
	ExtBuilder::build_and_execute(|| {
		set_spot(0, Ok(100_000 * USD));
		call_series(0, 110_000);
		assert_ok!(Margin::deposit(RuntimeOrigin::signed(ALICE), 10_000 * USD));
		assert_ok!(Margin::deposit(RuntimeOrigin::signed(BOB), 15_000 * USD));
		assert_ok!(apply(&trade(0, 1, 500)));
		let view = Margin::account_view(&BOB).unwrap();
		let free = (view.equity - view.initial_margin as i128) as u128;
		assert_noop!(
			Margin::withdraw(RuntimeOrigin::signed(BOB), free + 1),
			Error::<Test>::InsufficientMargin
		);
		assert_ok!(Margin::withdraw(RuntimeOrigin::signed(BOB), free));
		// Positions are valued on fresh prices only.
		set_spot(0, Err(OracleError::Stale));
		assert_noop!(Margin::withdraw(RuntimeOrigin::signed(BOB), 1), Error::<Test>::StalePrice);
	});
}

#[test]
fn an_account_below_initial_margin_may_reduce_risk() {
	ExtBuilder::build_and_execute(|| {
		set_spot(0, Ok(100_000 * USD));
		call_series(0, 110_000);
		assert_ok!(Margin::deposit(RuntimeOrigin::signed(ALICE), 20_000 * USD));
		assert_ok!(Margin::deposit(RuntimeOrigin::signed(BOB), 30_000 * USD));
		assert_ok!(apply(&trade(0, 2, 500)));
		// Spot rises: BOB (short two calls) falls below initial margin.
		set_spot(0, Ok(112_000 * USD));
		assert!(!Margin::requirement(&Margin::load_book(&Accounts::<Test>::get(BOB).unwrap()))
			.unwrap()
			.meets_initial());
		// Selling more is refused; buying one back at a fair price is allowed.
		assert_noop!(apply(&trade(0, 1, 500)), Error::<Test>::InsufficientMargin);
		let mut back = trade(0, -1, 2_000);
		back.reverse();
		assert_ok!(apply(&back));
		assert_eq!(Margin::position(&BOB, 0), Some(-1));
	});
}

#[test]
fn settlement_pays_longs_and_covers_deficits() {
	ExtBuilder::build_and_execute(|| {
		set_spot(0, Ok(100_000 * USD));
		call_series(0, 100_000);
		assert_ok!(Margin::deposit(RuntimeOrigin::signed(ALICE), 10_000 * USD));
		assert_ok!(Margin::deposit(RuntimeOrigin::signed(BOB), 60_000 * USD));
		assert_ok!(apply(&trade(0, 2, 4_000)));
		// Settles at 150k: each long gets 50k per contract; BOB owes 100k with 68k in hand.
		set_settlement(0, 150_000 * USD);
		assert_eq!(<Margin as MarginLedger<_>>::settle_series(0, 50_000 * USD, 1), Ok(1));
		// Part-way: one side settled, the settlement balance keeps conservation exact.
		crate::Pallet::<Test>::do_try_state().unwrap();
		assert_eq!(<Margin as MarginLedger<_>>::settle_series(0, 50_000 * USD, 10), Ok(1));
		assert_eq!(<Margin as MarginLedger<_>>::settle_series(0, 50_000 * USD, 10), Ok(0));
		assert_eq!(collateral(ALICE), (102_000 * USD) as i128);
		// BOB owed 32k more than he had: the fund pays what it holds, the rest cannot be
		// socialised on a series already settling, so it is bad debt, on record.
		assert_eq!(collateral(BOB), 0);
		let rest = 32_000 * USD - FUND_SEED;
		System::assert_has_event(
			Event::DeficitCovered {
				who: BOB,
				deficit: 32_000 * USD,
				by_fund: FUND_SEED,
				socialised: rest,
			}
			.into(),
		);
		System::assert_has_event(Event::LossUnrecovered { series: 0, amount: rest }.into());
		assert_eq!(crate::BadDebt::<Test>::get(), rest);
		assert_eq!(Margin::insurance_fund(), 0);
		assert_eq!(OpenInterest::<Test>::get(0), (0, 0));
		assert!(Accounts::<Test>::get(BOB).unwrap().positions.is_empty());
	});
}

#[test]
fn accounts_above_the_witness_do_not_trade() {
	ExtBuilder::build_and_execute(|| {
		set_spot(0, Ok(100_000 * USD));
		call_series(0, 110_000);
		call_series(1, 120_000);
		assert_ok!(Margin::deposit(RuntimeOrigin::signed(ALICE), 10_000 * USD));
		assert_ok!(Margin::deposit(RuntimeOrigin::signed(BOB), 50_000 * USD));
		assert_ok!(apply(&trade(0, 1, 500)));
		// One position each; a witness of 1 cannot cover a second series.
		assert_noop!(
			<Margin as MarginLedger<_>>::apply(&trade(1, 1, 100), 1),
			Error::<Test>::PositionsAboveWitness
		);
		assert_noop!(
			<Margin as MarginLedger<_>>::apply(&trade(0, 1, 100), 0),
			Error::<Test>::PositionsAboveWitness
		);
		assert_ok!(<Margin as MarginLedger<_>>::apply(&trade(0, 1, 100), 1));
	});
}

#[test]
fn withdrawals_to_the_bridge_burn_free_collateral_only() {
	use strikeline_primitives::BridgeLedger;
	ExtBuilder::build_and_execute(|| {
		set_spot(0, Ok(100_000 * USD));
		call_series(0, 110_000);
		assert_ok!(Margin::deposit(RuntimeOrigin::signed(ALICE), 10_000 * USD));
		assert_ok!(Margin::deposit(RuntimeOrigin::signed(BOB), 20_000 * USD));
		let held = Collateral::balance(&Margin::account_id());
		assert_ok!(<Margin as BridgeLedger<_>>::burn_for_withdrawal(&ALICE, 4_000 * USD));
		assert_eq!(collateral(ALICE), (6_000 * USD) as i128);
		assert_eq!(Collateral::balance(&Margin::account_id()), held - 4_000 * USD);
		System::assert_last_event(
			Event::BurnedForBridge { who: ALICE, amount: 4_000 * USD }.into(),
		);
		// BOB sells a call: what initial margin needs cannot leave.
		assert_ok!(apply(&trade(0, 1, 500)));
		assert_noop!(
			<Margin as BridgeLedger<_>>::burn_for_withdrawal(&BOB, 15_000 * USD),
			Error::<Test>::InsufficientMargin
		);
		assert_noop!(
			<Margin as BridgeLedger<_>>::burn_for_withdrawal(&ALICE, 7_000 * USD),
			Error::<Test>::InsufficientCollateral
		);
		assert_noop!(
			<Margin as BridgeLedger<_>>::burn_for_withdrawal(&9, 1),
			Error::<Test>::NoAccount
		);
	});
}

#[test]
fn bridge_deposits_mint_and_credit() {
	use strikeline_primitives::BridgeLedger;
	ExtBuilder::build_and_execute(|| {
		let held = Collateral::balance(&Margin::account_id());
		assert_ok!(<Margin as BridgeLedger<_>>::credit_from_bridge(&7, 250 * USD));
		assert_eq!(collateral(7), (250 * USD) as i128);
		assert_eq!(Collateral::balance(&Margin::account_id()), held + 250 * USD);
		System::assert_last_event(Event::CreditedFromBridge { who: 7, amount: 250 * USD }.into());
		assert_noop!(
			<Margin as BridgeLedger<_>>::credit_from_bridge(&7, 0),
			Error::<Test>::ZeroAmount
		);
	});
}
