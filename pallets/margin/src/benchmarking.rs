//! Benchmarks of the margin pallet, worst case in the number of positions per account.
use super::*;
use frame_benchmarking::v2::*;
use frame_system::RawOrigin;
use polkadot_sdk::{frame_benchmarking, frame_support::traits::fungible::Mutate as _};
use strikeline_primitives::BenchmarkHelper as _;

const USD: u128 = 1_000_000;

/// Gives `who` a short position of one contract in each of `series` (against a counterparty
/// holding the longs) and plenty of collateral.
fn short_book<T: Config>(who: &T::AccountId, series: &[SeriesId]) {
	let other: T::AccountId = account("long", 0, 0);
	for acc in [who, &other] {
		T::BenchmarkHelper::fund_margin(acc, 100_000_000 * USD);
	}
	for &s in series {
		let deltas = [
			LedgerDelta { who: who.clone(), collateral: 0, series: s, contracts: -1 },
			LedgerDelta { who: other.clone(), collateral: 0, series: s, contracts: 1 },
		];
		Pallet::<T>::apply(&deltas, T::MaxPositions::get())
			.expect("a funded account can sell one contract");
	}
}

/// Two accounts in `mode`, each short one contract in `p - 1` series, and the deltas of a
/// trade between them in a p-th series (the first account buys): (buyer, series, deltas).
fn trade_between_books<T: Config>(
	p: u32,
	mode: MarginMode,
) -> (T::AccountId, SeriesId, [LedgerDelta<T::AccountId>; 2]) {
	let (a, b): (T::AccountId, T::AccountId) = (account("a", 0, 0), account("b", 0, 0));
	let series = T::BenchmarkHelper::setup_series(p);
	for who in [&a, &b] {
		short_book::<T>(who, &series[..p as usize - 1]);
		Accounts::<T>::mutate(who, |l| {
			if let Some(l) = l {
				l.mode = mode;
			}
		});
	}
	let s = series[p as usize - 1];
	let cash = (10 * USD) as i128;
	let deltas = [
		LedgerDelta { who: a.clone(), collateral: -cash, series: s, contracts: 1 },
		LedgerDelta { who: b, collateral: cash, series: s, contracts: -1 },
	];
	(a, s, deltas)
}

#[benchmarks]
pub mod benchmarks {
	use super::*;

	strikeline_primitives::benchmark_runner!(
		deposit,
		withdraw,
		margin_check,
		settle_position,
		portfolio_check
	);

	#[benchmark]
	fn deposit() {
		let caller: T::AccountId = whitelisted_caller();
		T::Collateral::mint_into(&caller, 2_000 * USD).expect("mint");
		#[extrinsic_call]
		_(RawOrigin::Signed(caller.clone()), 1_000 * USD);
		assert_eq!(Accounts::<T>::get(&caller).map(|l| l.collateral), Some((1_000 * USD) as i128));
	}

	/// Withdrawal from an account with `p` short positions: each is valued with Black-Scholes.
	#[benchmark]
	fn withdraw(p: Linear<0, { T::MaxPositions::get() }>) {
		let caller: T::AccountId = whitelisted_caller();
		let series = T::BenchmarkHelper::setup_series(p);
		short_book::<T>(&caller, &series);
		#[extrinsic_call]
		_(RawOrigin::Signed(caller.clone()), 1_000 * USD);
		assert_eq!(Accounts::<T>::get(&caller).map(|l| l.positions.len() as u32), Some(p));
	}

	/// One trade's ledger update: both accounts already hold `p - 1` positions and trade in a
	/// p-th series, so each margin check values `p` positions.
	#[benchmark]
	fn margin_check(p: Linear<1, { T::MaxPositions::get() }>) {
		let (a, s, deltas) = trade_between_books::<T>(p, MarginMode::Standard);
		#[block]
		{
			Pallet::<T>::apply(&deltas, T::MaxPositions::get()).expect("funded accounts trade");
		}
		assert_eq!(Pallet::<T>::position(&a, s), Some(1));
	}

	/// The same trade between two portfolio-margined accounts: the full scenario grid is
	/// evaluated for both books of `p` positions.
	#[benchmark]
	fn portfolio_check(p: Linear<1, { T::MaxPositions::get() }>) {
		let (a, s, deltas) = trade_between_books::<T>(p, MarginMode::Portfolio);
		#[block]
		{
			Pallet::<T>::apply(&deltas, Pallet::<T>::max_valuation_units())
				.expect("funded accounts trade");
		}
		assert_eq!(Pallet::<T>::position(&a, s), Some(1));
	}

	/// Settling one position at expiry.
	#[benchmark]
	fn settle_position() {
		let caller: T::AccountId = whitelisted_caller();
		let series = T::BenchmarkHelper::setup_series(1);
		short_book::<T>(&caller, &series);
		#[block]
		{
			Pallet::<T>::settle_series(series[0], 5 * USD, 1).expect("settles");
		}
		assert_eq!(Holders::<T>::iter_prefix(series[0]).count(), 1);
	}

	impl_benchmark_test_suite!(Pallet, crate::mock::new_test_ext(), crate::mock::Test);
}
