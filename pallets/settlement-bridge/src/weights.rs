//! Weights of the settlement bridge pallet.
//!
//! Storage accesses counted per call and priced with the runtime's `DbWeight`. Computation:
//! `update_leaves` from the native timing of `tests::ledger_root_update_time`
//! (scripts/bench-ledger-root.sh: 47-52 us per leaf) doubled for wasm and rounded up; the
//! other calls are estimates (a secp256k1 recovery is a host function of about 50 us; a
//! withdrawal includes the margin pallet's check of up to 32 positions) until FRAME benchmarks
//! of this pallet exist.
#![allow(unused_parens, unused_imports, missing_docs)]

use core::marker::PhantomData;
use polkadot_sdk::frame_support::{
	traits::Get,
	weights::{constants::RocksDbWeight, Weight},
};

/// Weight functions needed by the settlement bridge pallet.
pub trait WeightInfo {
	/// Rehashing `n` changed ledger leaves (32 levels each).
	fn update_leaves(n: u32) -> Weight;
	/// Closing an epoch's commitment.
	fn close_epoch() -> Weight;
	/// `set_exit_address`.
	fn set_exit_address() -> Weight;
	/// `request_withdrawal` (the ledger's margin check included, at most 32 positions).
	fn request_withdrawal() -> Weight;
	/// `submit_signature`: a secp256k1 recovery (a host function) and a few accesses.
	fn submit_signature() -> Weight;
}

/// Per leaf: the ledger read, slot, exit address, 32 sibling reads and 33 node writes.
const LEAF_READS: u64 = 36;
const LEAF_WRITES: u64 = 35;

/// Weights for the settlement bridge pallet.
pub struct SubstrateWeight<T>(PhantomData<T>);
impl<T: polkadot_sdk::frame_system::Config> WeightInfo for SubstrateWeight<T> {
	fn update_leaves(n: u32) -> Weight {
		Weight::from_parts(110_000_000, 4_000).saturating_mul(n.into()).saturating_add(
			T::DbWeight::get().reads_writes(LEAF_READS * n as u64, LEAF_WRITES * n as u64),
		)
	}
	fn close_epoch() -> Weight {
		Weight::from_parts(40_000_000, 2_000).saturating_add(T::DbWeight::get().reads_writes(6, 4))
	}
	fn set_exit_address() -> Weight {
		Weight::from_parts(20_000_000, 1_000).saturating_add(T::DbWeight::get().reads_writes(2, 2))
	}
	fn request_withdrawal() -> Weight {
		Weight::from_parts(2_500_000_000, 10_000)
			.saturating_add(T::DbWeight::get().reads_writes(40 + 96, 40))
	}
	fn submit_signature() -> Weight {
		Weight::from_parts(120_000_000, 4_000).saturating_add(T::DbWeight::get().reads_writes(5, 3))
	}
}

impl WeightInfo for () {
	fn update_leaves(n: u32) -> Weight {
		Weight::from_parts(110_000_000, 4_000).saturating_mul(n.into()).saturating_add(
			RocksDbWeight::get().reads_writes(LEAF_READS * n as u64, LEAF_WRITES * n as u64),
		)
	}
	fn close_epoch() -> Weight {
		Weight::from_parts(40_000_000, 2_000)
			.saturating_add(RocksDbWeight::get().reads_writes(6, 4))
	}
	fn set_exit_address() -> Weight {
		Weight::from_parts(20_000_000, 1_000)
			.saturating_add(RocksDbWeight::get().reads_writes(2, 2))
	}
	fn request_withdrawal() -> Weight {
		Weight::from_parts(2_500_000_000, 10_000)
			.saturating_add(RocksDbWeight::get().reads_writes(40 + 96, 40))
	}
	fn submit_signature() -> Weight {
		Weight::from_parts(120_000_000, 4_000)
			.saturating_add(RocksDbWeight::get().reads_writes(5, 3))
	}
}
