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
	/// `withdraw` for an account with `p` positions.
	fn withdraw(p: u32) -> Weight;
	/// One margin check of an account with `p` positions (part of every trade).
	fn margin_check(p: u32) -> Weight;
	/// Settling one position at expiry.
	fn settle_position() -> Weight;
}

/// Weights for the margin pallet, from its benchmarks.
pub struct SubstrateWeight<T>(PhantomData<T>);
impl<T: polkadot_sdk::frame_system::Config> WeightInfo for SubstrateWeight<T> {
	fn deposit() -> Weight {
		Weight::from_parts(45_000_000, 3_600)
			.saturating_add(T::DbWeight::get().reads(3))
			.saturating_add(T::DbWeight::get().writes(3))
	}
	fn withdraw(p: u32) -> Weight {
		Weight::from_parts(50_000_000, 3_600)
			.saturating_add(Self::margin_check(p))
			.saturating_add(T::DbWeight::get().reads(3))
			.saturating_add(T::DbWeight::get().writes(3))
	}
	fn margin_check(p: u32) -> Weight {
		Weight::from_parts(5_000_000, 0)
			.saturating_add(Weight::from_parts(40_000_000, 2_600).saturating_mul(p.into()))
			.saturating_add(T::DbWeight::get().reads(1 + 4 * p as u64))
	}
	fn settle_position() -> Weight {
		Weight::from_parts(20_000_000, 3_600)
			.saturating_add(T::DbWeight::get().reads(2))
			.saturating_add(T::DbWeight::get().writes(2))
	}
}

/// For tests: the same figures priced with RocksDB weights.
impl WeightInfo for () {
	fn deposit() -> Weight {
		Weight::from_parts(45_000_000, 3_600)
			.saturating_add(RocksDbWeight::get().reads_writes(3, 3))
	}
	fn withdraw(p: u32) -> Weight {
		Weight::from_parts(50_000_000, 3_600)
			.saturating_add(Self::margin_check(p))
			.saturating_add(RocksDbWeight::get().reads_writes(3, 3))
	}
	fn margin_check(p: u32) -> Weight {
		Weight::from_parts(5_000_000, 0)
			.saturating_add(Weight::from_parts(40_000_000, 2_600).saturating_mul(p.into()))
			.saturating_add(RocksDbWeight::get().reads(1 + 4 * p as u64))
	}
	fn settle_position() -> Weight {
		Weight::from_parts(20_000_000, 3_600)
			.saturating_add(RocksDbWeight::get().reads_writes(2, 2))
	}
}
