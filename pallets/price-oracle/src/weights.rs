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
	/// `feed` with `v` volatilities, `f` feeders, writing `c` TWAP checkpoints.
	fn feed(v: u32, f: u32, c: u32) -> Weight;
	/// `set_feeders` with `f` feeders.
	fn set_feeders(f: u32) -> Weight;
	/// `register_underlying`.
	fn register_underlying() -> Weight;
}

// Measured by `scripts/bench-weights.sh` on 2026-11-26 (native, release, medians of 9 runs),
// doubled for wasm execution: feed(v, f) 10.1 us + 2.25 us per vol + 0.81 us per feeder (with
// a full ring of checkpoints written); set_feeders 4.9 us; register_underlying 4.7 us.

/// `feed`: compute, plus reads of the feeders, underlying, medians and every feeder's
/// submissions, and writes of the submission, medians, accumulator and `c` checkpoints.
fn feed_weight(read: Weight, write: Weight, v: u32, f: u32, c: u32) -> Weight {
	Weight::from_parts(21_000_000, 4_000)
		.saturating_add(Weight::from_parts(4_500_000, 600).saturating_mul(v.into()))
		.saturating_add(Weight::from_parts(1_700_000, 600).saturating_mul(f.into()))
		.saturating_add(read.saturating_mul((4 + f + v * (1 + f)).into()))
		.saturating_add(write.saturating_mul((3 + 2 * v + c).into()))
}

/// Weights for the price oracle, from its benchmarks.
pub struct SubstrateWeight<T>(PhantomData<T>);
impl<T: polkadot_sdk::frame_system::Config> WeightInfo for SubstrateWeight<T> {
	fn feed(v: u32, f: u32, c: u32) -> Weight {
		let db = T::DbWeight::get();
		feed_weight(db.reads(1), db.writes(1), v, f, c)
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
	fn feed(v: u32, f: u32, c: u32) -> Weight {
		let db = RocksDbWeight::get();
		feed_weight(db.reads(1), db.writes(1), v, f, c)
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
