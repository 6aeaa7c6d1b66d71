//! Weights of the margin pallet's calls.
//!
//! From `benchmarking.rs`, run with `scripts/bench-weights.sh` (see `docs/BENCHMARKS.md`):
//! reference time in picoseconds measured on the project machine, plus the database accesses
//! the benchmark counted, priced by the runtime's `DbWeight`.
#![allow(unused_parens, unused_imports, missing_docs)]

use core::marker::PhantomData;
use polkadot_sdk::frame_support::{
	traits::Get,
	weights::{constants::RocksDbWeight, Weight},
};

/// Weight functions needed by the margin pallet.
pub trait WeightInfo {
	/// `deposit`.
	fn deposit() -> Weight;
	/// `withdraw` (and `set_margin_mode`) for an account whose margin check costs `p`
	/// valuations (its positions; under portfolio margin times one plus the scenarios).
	fn withdraw(p: u32) -> Weight;
	/// One trade's ledger update: two accounts of `p` positions checked and written.
	fn margin_check(p: u32) -> Weight;
	/// Settling one position at expiry.
	fn settle_position() -> Weight;
	/// `set_portfolio_params`.
	fn set_portfolio_params() -> Weight;
}

// Measured by `scripts/bench-weights.sh` on 2026-11-26 (native, release, medians of 9 runs),
// doubled for wasm execution:
//   deposit 18.3 us; withdraw(p) 14.6 us + 4.21 us per position;
//   margin_check(p) (one trade, two accounts of p positions) 13.4 us + 8.06 us per position;
//   settle_position 6.2 us.

/// Weights for the margin pallet, from its benchmarks.
pub struct SubstrateWeight<T>(PhantomData<T>);
impl<T: polkadot_sdk::frame_system::Config> WeightInfo for SubstrateWeight<T> {
	fn deposit() -> Weight {
		Weight::from_parts(37_000_000, 3_600).saturating_add(T::DbWeight::get().reads_writes(3, 3))
	}
	fn withdraw(p: u32) -> Weight {
		Weight::from_parts(30_000_000, 3_600)
			.saturating_add(Weight::from_parts(8_500_000, 200).saturating_mul(p.into()))
			.saturating_add(T::DbWeight::get().reads_writes(3 + 3 * p as u64, 3))
	}
	fn margin_check(p: u32) -> Weight {
		Weight::from_parts(27_000_000, 3_600)
			.saturating_add(Weight::from_parts(16_200_000, 200).saturating_mul(p.into()))
			.saturating_add(T::DbWeight::get().reads_writes(2 + 6 * p as u64, 5))
	}
	fn settle_position() -> Weight {
		Weight::from_parts(13_000_000, 3_600).saturating_add(T::DbWeight::get().reads_writes(2, 2))
	}
	fn set_portfolio_params() -> Weight {
		Weight::from_parts(10_000_000, 1_000).saturating_add(T::DbWeight::get().writes(1))
	}
}

/// For tests: the same figures priced with RocksDB weights.
impl WeightInfo for () {
	fn deposit() -> Weight {
		Weight::from_parts(37_000_000, 3_600)
			.saturating_add(RocksDbWeight::get().reads_writes(3, 3))
	}
	fn withdraw(p: u32) -> Weight {
		Weight::from_parts(30_000_000, 3_600)
			.saturating_add(Weight::from_parts(8_500_000, 200).saturating_mul(p.into()))
			.saturating_add(RocksDbWeight::get().reads_writes(3 + 3 * p as u64, 3))
	}
	fn margin_check(p: u32) -> Weight {
		Weight::from_parts(27_000_000, 3_600)
			.saturating_add(Weight::from_parts(16_200_000, 200).saturating_mul(p.into()))
			.saturating_add(RocksDbWeight::get().reads_writes(2 + 6 * p as u64, 5))
	}
	fn settle_position() -> Weight {
		Weight::from_parts(13_000_000, 3_600)
			.saturating_add(RocksDbWeight::get().reads_writes(2, 2))
	}
	fn set_portfolio_params() -> Weight {
		Weight::from_parts(10_000_000, 1_000).saturating_add(RocksDbWeight::get().writes(1))
	}
}
