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
	/// Compute of `settle_fills` with `n` fills verifying `s` signatures in all, both accounts
	/// of each fill holding up to `p` positions. The storage it touches depends on how many
	/// distinct orders, accounts and series the batch holds and is added by the pallet
	/// ([`crate::Pallet::settle_fills_weight`]), each key priced once.
	fn settle_fills(n: u32, s: u32, p: u32) -> Weight;
	/// `cancel_order`.
	fn cancel_order() -> Weight;
	/// `on_initialize` examining `e` expired series and settling `p` positions.
	fn process_expiries(e: u32, p: u32) -> Weight;
}

// Measured by `scripts/bench-weights.sh` on 2026-11-26 (native, release, medians of 9 runs),
// doubled for wasm execution:
//   settle_fills_new_orders(n):     354.5 us at n=1, +340.1 us per fill (p = 32, 2 signatures)
//   settle_fills_resting_maker(n):  311.3 us at n=1, +302.1 us per fill (p = 32, 1 signature)
//     => one sr25519 check 38 us (a host function: native speed in wasm too; 45 us charged)
//   margin_check(p) (two accounts): 13.4 us + 8.06 us per position
//     => a fill without its margin checks and signatures: under 10 us
//   create_series 4.3 us, cancel_order 8.5 us, process_expiries(p) 7.4 us + 3.15 us per position

/// Compute of `settle_fills`: per fill 20 us plus both margin checks, per signature 45 us.
fn settle_fills_compute(n: u32, s: u32, p: u32) -> Weight {
	Weight::from_parts(20_000_000, 2_000)
		.saturating_add(Weight::from_parts(47_000_000, 600).saturating_mul(n.into()))
		.saturating_add(Weight::from_parts(16_200_000, 200).saturating_mul((n * p).into()))
		.saturating_add(Weight::from_parts(45_000_000, 0).saturating_mul(s.into()))
}

/// `on_initialize`: series examined (a read and a write each) and positions settled (ledger
/// read and write, holder removal).
fn process_expiries_weight(read: Weight, write: Weight, e: u32, p: u32) -> Weight {
	Weight::from_parts(15_000_000, 1_000)
		.saturating_add(Weight::from_parts(15_000_000, 3_000).saturating_mul(e.into()))
		.saturating_add(Weight::from_parts(6_300_000, 3_600).saturating_mul(p.into()))
		.saturating_add(read.saturating_mul(1 + 2 * e as u64 + p as u64))
		.saturating_add(write.saturating_mul(1 + e as u64 + 2 * p as u64))
}

/// Weights for the options pallet, from its benchmarks.
pub struct SubstrateWeight<T>(PhantomData<T>);
impl<T: polkadot_sdk::frame_system::Config> WeightInfo for SubstrateWeight<T> {
	fn create_series() -> Weight {
		Weight::from_parts(9_000_000, 2_000).saturating_add(T::DbWeight::get().reads_writes(4, 3))
	}
	fn settle_fills(n: u32, s: u32, p: u32) -> Weight {
		settle_fills_compute(n, s, p)
	}
	fn cancel_order() -> Weight {
		Weight::from_parts(17_000_000, 2_000).saturating_add(T::DbWeight::get().reads_writes(2, 1))
	}
	fn process_expiries(e: u32, p: u32) -> Weight {
		let db = T::DbWeight::get();
		process_expiries_weight(db.reads(1), db.writes(1), e, p)
	}
}

/// For tests: the same figures priced with RocksDB weights.
impl WeightInfo for () {
	fn create_series() -> Weight {
		Weight::from_parts(9_000_000, 2_000).saturating_add(RocksDbWeight::get().reads_writes(4, 3))
	}
	fn settle_fills(n: u32, s: u32, p: u32) -> Weight {
		settle_fills_compute(n, s, p)
	}
	fn cancel_order() -> Weight {
		Weight::from_parts(17_000_000, 2_000)
			.saturating_add(RocksDbWeight::get().reads_writes(2, 1))
	}
	fn process_expiries(e: u32, p: u32) -> Weight {
		let db = RocksDbWeight::get();
		process_expiries_weight(db.reads(1), db.writes(1), e, p)
	}
}
