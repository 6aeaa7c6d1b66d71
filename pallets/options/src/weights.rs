//! Weights of the options pallet's calls and hooks.
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

/// Weight functions needed by the options pallet.
pub trait WeightInfo {
	/// `create_series`.
	fn create_series() -> Weight;
	/// `settle_fills` with `n` fills verifying `s` signatures in all, both accounts of each
	/// fill holding up to `p` positions.
	fn settle_fills(n: u32, s: u32, p: u32) -> Weight;
	/// `cancel_order`.
	fn cancel_order() -> Weight;
	/// `on_initialize` examining `e` expired series and settling `p` positions.
	fn process_expiries(e: u32, p: u32) -> Weight;
}

/// Shared by both implementations: compute plus `per_access` per storage access.
/// Per fill: reads of the series, two order records and two ledgers, plus per position held
/// three reads (series terms, spot, vol) for each of the two margin checks; writes of two
/// order records, two ledgers, two position index entries and the open interest.
fn settle_fills_weight(read: Weight, write: Weight, n: u32, s: u32, p: u32) -> Weight {
	let reads_per_fill = 5 + 6 * p as u64;
	Weight::from_parts(20_000_000, 2_000)
		.saturating_add(Weight::from_parts(60_000_000, 12_000).saturating_mul(n.into()))
		.saturating_add(Weight::from_parts(20_000_000, 500).saturating_mul((n * p).into()))
		.saturating_add(Weight::from_parts(60_000_000, 0).saturating_mul(s.into()))
		.saturating_add(read.saturating_mul(reads_per_fill * n as u64))
		.saturating_add(write.saturating_mul(7 * n as u64))
}

fn process_expiries_weight(per_access: Weight, e: u32, p: u32) -> Weight {
	Weight::from_parts(3_000_000, 1_000)
		.saturating_add(Weight::from_parts(15_000_000, 3_000).saturating_mul(e.into()))
		.saturating_add(Weight::from_parts(20_000_000, 3_600).saturating_mul(p.into()))
		.saturating_add(per_access.saturating_mul((1 + e * 4 + p * 3).into()))
}

/// Weights for the options pallet, from its benchmarks.
pub struct SubstrateWeight<T>(PhantomData<T>);
impl<T: polkadot_sdk::frame_system::Config> WeightInfo for SubstrateWeight<T> {
	fn create_series() -> Weight {
		Weight::from_parts(15_000_000, 2_000).saturating_add(T::DbWeight::get().reads_writes(4, 3))
	}
	fn settle_fills(n: u32, s: u32, p: u32) -> Weight {
		let db = T::DbWeight::get();
		settle_fills_weight(db.reads(1), db.writes(1), n, s, p)
	}
	fn cancel_order() -> Weight {
		Weight::from_parts(15_000_000, 2_000).saturating_add(T::DbWeight::get().reads_writes(2, 1))
	}
	fn process_expiries(e: u32, p: u32) -> Weight {
		process_expiries_weight(T::DbWeight::get().reads_writes(1, 1), e, p)
	}
}

/// For tests: the same figures priced with RocksDB weights.
impl WeightInfo for () {
	fn create_series() -> Weight {
		Weight::from_parts(15_000_000, 2_000)
			.saturating_add(RocksDbWeight::get().reads_writes(4, 3))
	}
	fn settle_fills(n: u32, s: u32, p: u32) -> Weight {
		let db = RocksDbWeight::get();
		settle_fills_weight(db.reads(1), db.writes(1), n, s, p)
	}
	fn cancel_order() -> Weight {
		Weight::from_parts(15_000_000, 2_000)
			.saturating_add(RocksDbWeight::get().reads_writes(2, 1))
	}
	fn process_expiries(e: u32, p: u32) -> Weight {
		process_expiries_weight(RocksDbWeight::get().reads_writes(1, 1), e, p)
	}
}
