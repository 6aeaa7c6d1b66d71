//! Benchmarks of the liquidation pallet, worst case in the positions of the liquidated
//! account: a bankrupt account short one contract in each of `p` series.
use super::*;
use frame_benchmarking::v2::*;
use frame_system::RawOrigin;
use polkadot_sdk::{frame_benchmarking, frame_support::traits::Get};
use strikeline_primitives::{BenchmarkHelper as _, LedgerDelta, MarginLedger};

const USD: u128 = 1_000_000;

/// A victim short one call in each of `p` series against a counterparty, then a spot crash
/// (100k to 150k) that leaves it below maintenance margin and bankrupt; a liquidator with
/// plenty of collateral. Returns (victim, liquidator, series).
fn bankrupt_book<T: Config>(p: u32) -> (T::AccountId, T::AccountId, alloc::vec::Vec<SeriesId>) {
	let (victim, other, liquidator): (T::AccountId, T::AccountId, T::AccountId) =
		(account("victim", 0, 0), account("long", 0, 0), account("keeper", 0, 0));
	let series = T::BenchmarkHelper::setup_series(p);
	T::BenchmarkHelper::fund_margin(&victim, p as u128 * 40_000 * USD);
	T::BenchmarkHelper::fund_margin(&other, 100_000_000 * USD);
	T::BenchmarkHelper::fund_margin(&liquidator, 100_000_000 * USD);
	for &s in &series {
		let deltas = [
			LedgerDelta { who: victim.clone(), collateral: 0, series: s, contracts: -1 },
			LedgerDelta { who: other.clone(), collateral: 0, series: s, contracts: 1 },
		];
		T::Ledger::apply(&deltas, T::Ledger::max_valuation_units())
			.expect("a funded account can sell one contract");
	}
	T::BenchmarkHelper::set_spot(0, 150_000 * USD);
	assert!(T::Ledger::health(&victim).expect("fresh prices").is_liquidatable());
	(victim, liquidator, series)
}

#[benchmarks]
pub mod benchmarks {
	use super::*;

	strikeline_primitives::benchmark_runner!(liquidate, backstop, scan_account);

	/// A liquidator takes the last-listed position of an account of `p` positions: three
	/// valuations of its book, one of the liquidator's.
	#[benchmark]
	fn liquidate(p: Linear<1, { T::Ledger::max_positions() }>) {
		let (victim, liquidator, series) = bankrupt_book::<T>(p);
		let s = series[p as usize - 1];
		#[extrinsic_call]
		_(RawOrigin::Signed(liquidator.clone()), victim.clone(), s, 1);
		assert_eq!(T::Ledger::positions(&liquidator).len(), 1);
	}

	/// The backstop closes out a flagged account of `p` positions.
	#[benchmark]
	fn backstop(p: Linear<1, { T::Ledger::max_positions() }>) {
		let (victim, _, _) = bankrupt_book::<T>(p);
		let n = frame_system::Pallet::<T>::block_number();
		Flagged::<T>::insert(&victim, n);
		// Due once the flag is `BackstopDelay` blocks old.
		let due = n + T::BackstopDelay::get();
		Deadlines::<T>::try_mutate(due, |l| l.try_push(victim.clone())).expect("room");
		#[block]
		{
			Pallet::<T>::backstop(due);
		}
		assert!(T::Ledger::positions(&victim).is_empty());
	}

	/// The scan's check of an account of `p` positions that it flags (the costlier path).
	#[benchmark]
	fn scan_account(p: Linear<1, { T::Ledger::max_positions() }>) {
		let (victim, _, _) = bankrupt_book::<T>(p);
		let n = frame_system::Pallet::<T>::block_number();
		let mut report = scan::ScanReport::default();
		let mut watch = Watchlist::<T>::get();
		#[block]
		{
			assert!(Pallet::<T>::check(
				&victim,
				n,
				&mut report,
				&mut watch,
				(1, T::ScanWeight::get())
			));
		}
		assert!(Flagged::<T>::contains_key(&victim));
	}

	impl_benchmark_test_suite!(Pallet, crate::mock::new_test_ext(), crate::mock::Test);
}
