//! Portfolio margin: hand-computed requirements of small books, hedged books against standard
//! margin, monotonicity, mode switches and parameter bounds.
//!
//! With volatility 0 every valuation is intrinsic, so each figure is worked out by hand. Spot
//! 100,000 USD; default grid: spot -15 %..+15 % by 5 %, vol x0.7 / x1 / x1.3; contingency 1 %
//! of spot per short contract (1,000 USD); maintenance 70 % of initial.
use crate::{
	margin, mock::*, portfolio, Accounts, Error, Event, MarginMode, Portfolio, PortfolioParams,
};
use polkadot_sdk::{
	frame_support::{assert_noop, assert_ok, BoundedVec},
	sp_runtime::DispatchError,
};
use strikeline_primitives::{OptionKind, Position, SeriesTerms};

const USD: u128 = 1_000_000;
const S: u128 = 100_000 * USD;

fn series(id: u32, kind: OptionKind, strike_usd: u128) -> u32 {
	add_series(
		id,
		SeriesTerms {
			underlying: 0,
			expiry_ms: 2_000_000_000,
			strike_e6: strike_usd * USD,
			kind,
			contract_size_e6: 1_000_000,
		},
	);
	id
}

fn both(book: &[(u32, Position)]) -> (margin::Requirement, margin::Requirement) {
	let p =
		portfolio::requirement::<Oracle, Registry>(0, book, 1_000_000, &Portfolio::<Test>::get())
			.unwrap();
	let s = margin::requirement::<Oracle, Registry>(
		0,
		book,
		1_000_000,
		&crate::Pallet::<Test>::params(),
	)
	.unwrap();
	(p, s)
}

fn zero_vol() {
	VOL.with(|v| *v.borrow_mut() = 0);
	set_spot(0, Ok(S));
}

#[test]
fn a_naked_short_call_by_hand() {
	ExtBuilder::build_and_execute(|| {
		zero_vol();
		let c = series(0, OptionKind::Call, 100_000);
		let (p, s) = both(&[(c, -1)]);
		// Worst scenario +15 %: pays 15,000; plus 1,000 contingency.
		assert_eq!(p.initial, 16_000 * USD);
		assert_eq!(p.maintenance, 11_200 * USD);
		assert_eq!(p.equity, 0);
		// Standard: max(15 % S - 0 OTM, 10 % S) + mark 0.
		assert_eq!(s.initial, 15_000 * USD);
	});
}

#[test]
fn hedged_books_need_less_than_under_standard_margin() {
	ExtBuilder::build_and_execute(|| {
		zero_vol();
		let (c100, c105, c110) = (
			series(0, OptionKind::Call, 100_000),
			series(1, OptionKind::Call, 105_000),
			series(2, OptionKind::Call, 110_000),
		);
		let (p100, p95) = (series(3, OptionKind::Put, 100_000), series(4, OptionKind::Put, 95_000));
		// Bull call spread: long 100k call, short 110k call. It never loses below today's
		// value: worst loss 0 (flat and down), plus 1,000 contingency for the short leg.
		let (p, s) = both(&[(c100, 1), (c110, -1)]);
		assert_eq!(p.initial, 1_000 * USD);
		assert_eq!(s.initial, 10_000 * USD);
		// Iron butterfly: short straddle at 100k hedged by a long 105k call and 95k put. At
		// +/-15 % it loses 15,000 on the short leg and gains 10,000 on the wing: 5,000, plus
		// 2 x 1,000 contingency. Standard margins both short legs: 2 x 15,000.
		let (p, s) = both(&[(c100, -1), (p100, -1), (c105, 1), (p95, 1)]);
		assert_eq!(p.initial, 7_000 * USD);
		assert_eq!(s.initial, 30_000 * USD);
		// Calendar-free "covered" short call: short 110k call against a long 100k call of
		// twice the size still needs only the contingency.
		let (p, s) = both(&[(c100, 2), (c110, -1)]);
		assert_eq!(p.initial, 1_000 * USD);
		assert!(s.initial > p.initial);
	});
}

#[test]
fn portfolio_margin_is_monotone_in_risk() {
	ExtBuilder::build_and_execute(|| {
		set_spot(0, Ok(S));
		let c = series(0, OptionKind::Call, 105_000);
		let p = series(1, OptionKind::Put, 90_000);
		let mut last = 0;
		for k in 1..=5 {
			let (req, _) = both(&[(c, -k), (p, -k)]);
			assert!(req.initial > last, "scaling the book up must raise the requirement");
			last = req.initial;
		}
		// Adding a short to a book of shorts never lowers it.
		let (one, _) = both(&[(c, -1)]);
		let (two, _) = both(&[(c, -1), (p, -1)]);
		assert!(two.initial >= one.initial);
		// Volatility shocks are revalued too: without the vol-up scenarios a short needs less.
		let flat_vol = PortfolioParams {
			vol_shocks_ppm: BoundedVec::truncate_from(vec![0]),
			..Default::default()
		};
		assert_ok!(Margin::set_portfolio_params(RuntimeOrigin::root(), flat_vol));
		let (flat, _) = both(&[(c, -1)]);
		assert!(flat.initial < one.initial);
	});
}

#[test]
fn switching_modes_and_trading_under_portfolio_margin() {
	ExtBuilder::build_and_execute(|| {
		zero_vol();
		let (c100, c110) =
			(series(0, OptionKind::Call, 100_000), series(1, OptionKind::Call, 110_000));
		assert_noop!(
			Margin::set_margin_mode(RuntimeOrigin::signed(ALICE), MarginMode::Portfolio),
			Error::<Test>::NoAccount
		);
		assert_ok!(Margin::deposit(RuntimeOrigin::signed(ALICE), 12_000 * USD));
		assert_ok!(Margin::deposit(RuntimeOrigin::signed(BOB), 100_000 * USD));
		// ALICE buys the 100k call from BOB and sells him the 110k call: a spread.
		use strikeline_primitives::{LedgerDelta, MarginLedger};
		let leg = |series, alice: Position| {
			[
				LedgerDelta { who: ALICE, collateral: 0, series, contracts: alice },
				LedgerDelta { who: BOB, collateral: 0, series, contracts: -alice },
			]
		};
		assert_ok!(<Margin as MarginLedger<_>>::apply(&leg(c100, 1), 8));
		assert_ok!(<Margin as MarginLedger<_>>::apply(&leg(c110, -1), 8));
		// Standard margin holds 10,000 against the short leg: 2,000 free.
		assert_noop!(
			Margin::withdraw(RuntimeOrigin::signed(ALICE), 2_001 * USD),
			Error::<Test>::InsufficientMargin
		);
		assert_ok!(Margin::set_margin_mode(RuntimeOrigin::signed(ALICE), MarginMode::Portfolio));
		System::assert_last_event(
			Event::MarginModeSet { who: ALICE, mode: MarginMode::Portfolio }.into(),
		);
		let view = Margin::account_view(&ALICE).unwrap();
		assert!(view.portfolio_margin);
		assert_eq!(view.initial_margin, 1_000 * USD);
		// Portfolio margin holds 1,000: 11,000 free.
		assert_ok!(Margin::withdraw(RuntimeOrigin::signed(ALICE), 11_000 * USD));
		// Back to standard would need 10,000 with 1,000 left: refused.
		assert_noop!(
			Margin::set_margin_mode(RuntimeOrigin::signed(ALICE), MarginMode::Standard),
			Error::<Test>::InsufficientMargin
		);
		// Every check of a portfolio account values positions x (1 + 21 scenarios).
		let book = crate::Pallet::<Test>::load_book(&Accounts::<Test>::get(ALICE).unwrap());
		assert_eq!(crate::Pallet::<Test>::valuation_units(&book), 2 * 22);
		assert_noop!(
			<Margin as MarginLedger<_>>::apply(&leg(c100, 1), 43),
			Error::<Test>::PositionsAboveWitness
		);
	});
}

#[test]
fn portfolio_parameters_are_bounded_and_admin_only() {
	ExtBuilder::build_and_execute(|| {
		let set = |p: PortfolioParams| Margin::set_portfolio_params(RuntimeOrigin::root(), p);
		let with = |f: fn(&mut PortfolioParams)| {
			let mut p = PortfolioParams::default();
			f(&mut p);
			p
		};
		assert_noop!(
			Margin::set_portfolio_params(RuntimeOrigin::signed(ALICE), PortfolioParams::default()),
			DispatchError::BadOrigin
		);
		let bad: [fn(&mut PortfolioParams); 5] = [
			|p| p.spot_shocks_ppm = BoundedVec::default(),
			|p| p.spot_shocks_ppm = BoundedVec::truncate_from(vec![600_000]),
			|p| p.vol_shocks_ppm = BoundedVec::truncate_from(vec![-900_000]),
			|p| p.contingency_ppm = 100_001,
			|p| p.maintenance_ratio_ppm = 0,
		];
		for f in bad {
			assert_noop!(set(with(f)), Error::<Test>::InvalidPortfolioParams);
		}
		let finer = with(|p| {
			p.spot_shocks_ppm = BoundedVec::truncate_from(vec![-200_000, 0, 200_000]);
			p.vol_shocks_ppm = BoundedVec::truncate_from(vec![0]);
		});
		assert_ok!(set(finer.clone()));
		System::assert_last_event(Event::PortfolioParamsSet { scenarios: 3 }.into());
		assert_eq!(Portfolio::<Test>::get(), finer);
	});
}
