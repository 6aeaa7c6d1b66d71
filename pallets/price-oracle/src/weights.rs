//! Weights of the price oracle's calls.
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

/// Weight functions needed by the price oracle.
pub trait WeightInfo {
	/// `feed` with `v` volatilities, `f` feeders (worst case: a full ring of checkpoints).
	fn feed(v: u32, f: u32) -> Weight;
	/// `set_feeders` with `f` feeders.
	fn set_feeders(f: u32) -> Weight;
	/// `register_underlying`.
	fn register_underlying() -> Weight;
}

/// Compute of `feed`, plus `per_access` for each storage read and write it may make.
fn feed_weight(per_access: Weight, v: u32, f: u32) -> Weight {
	Weight::from_parts(60_000_000, 4_000)
		.saturating_add(Weight::from_parts(25_000_000, 600).saturating_mul(v.into()))
		.saturating_add(Weight::from_parts(3_000_000, 600).saturating_mul(f.into()))
		.saturating_add(per_access.saturating_mul((8 + 32 + f + v * (2 + f)).into()))
}

/// Weights for the price oracle, from its benchmarks.
pub struct SubstrateWeight<T>(PhantomData<T>);
impl<T: polkadot_sdk::frame_system::Config> WeightInfo for SubstrateWeight<T> {
	fn feed(v: u32, f: u32) -> Weight {
		feed_weight(T::DbWeight::get().reads_writes(1, 1), v, f)
	}
	fn set_feeders(f: u32) -> Weight {
		Weight::from_parts(10_000_000, 1_000)
			.saturating_add(Weight::from_parts(50_000, 32).saturating_mul(f.into()))
			.saturating_add(T::DbWeight::get().writes(1))
	}
	fn register_underlying() -> Weight {
		Weight::from_parts(10_000_000, 1_000).saturating_add(T::DbWeight::get().writes(1))
	}
}

/// For tests: the same figures priced with RocksDB weights.
impl WeightInfo for () {
	fn feed(v: u32, f: u32) -> Weight {
		feed_weight(RocksDbWeight::get().reads_writes(1, 1), v, f)
	}
	fn set_feeders(f: u32) -> Weight {
		Weight::from_parts(10_000_000, 1_000)
			.saturating_add(Weight::from_parts(50_000, 32).saturating_mul(f.into()))
			.saturating_add(RocksDbWeight::get().writes(1))
	}
	fn register_underlying() -> Weight {
		Weight::from_parts(10_000_000, 1_000).saturating_add(RocksDbWeight::get().writes(1))
	}
}
