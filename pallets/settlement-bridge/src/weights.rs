//! Weights of the settlement bridge pallet.
//!
//! Computation from this pallet's FRAME benchmarks (`benchmarking.rs`), timed natively by
//! `scripts/bench-weights.sh` on the runtime's configuration (2026-12-03, the highest of three
//! runs; the runs differ by up to 35 %), doubled for wasm and rounded up; storage accesses
//! counted per call and priced with the runtime's `DbWeight`. Issue 16 replaces this with
//! benchmarks run in wasm.
//!
//! | benchmark | native (highest of three runs) | charged computation |
//! | --- | --- | --- |
//! | `set_exit_address` | 7.4 us | 15 us |
//! | `request_withdrawal` (no positions) | 64.2 us | 130 us + the margin check of 32 positions (4.33 us each natively: 277 us) |
//! | `submit_signature` (the attesting one, 64 validators) | 127.3 us | 255 us |
//! | `vote_deposit(c)` (the approving one, 64 validators, crediting `c` deposits in order) | 214.5 us at c = 1, 572.1 us at c = 16 (up to 27.6 us per further deposit) | 430 us + 56 us per further credited deposit |
//! | `set_validator_set(v)` | 13.4 us at v = 1, 20.6 us at v = 64 (up to 0.15 us per validator) | 27 us + 0.3 us per validator |
//! | `set_ethereum` | 11.3 us | 23 us |
//! | `update_leaves(n)` | 65.6 us at n = 1, 2,275 us at n = 80 (up to 28 us per further leaf: consecutive slots share chunks) | 75 us + 60 us per leaf |
//! | `close_epoch` (handing over to 64 validators) | 105.2 us | 211 us |
#![allow(unused_parens, unused_imports, missing_docs)]

use core::marker::PhantomData;
use polkadot_sdk::frame_support::{
	traits::Get,
	weights::{constants::RocksDbWeight, RuntimeDbWeight, Weight},
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
	/// `vote_deposit`, the approving vote (a recovery, the tally) crediting `c` deposits (the
	/// margin credit and the exit address each).
	fn vote_deposit(c: u32) -> Weight;
	/// `set_validator_set` of `v` validators.
	fn set_validator_set(v: u32) -> Weight;
	/// `set_ethereum`.
	fn set_ethereum() -> Weight;
}

/// Per leaf: the ledger read, slot, next slot, exit address, and the tree's chunks on its path
/// (8 rows of 4 heights and the root's: 9 reads and 9 writes, fewer when leaves updated in the
/// same block share them); writes: the chunks, the slot, next slot, the dirty mark.
const LEAF_READS: u64 = 13;
const LEAF_WRITES: u64 = 12;

/// Weights for the settlement bridge pallet.
pub struct SubstrateWeight<T>(PhantomData<T>);
impl<T: polkadot_sdk::frame_system::Config> WeightInfo for SubstrateWeight<T> {
	fn update_leaves(n: u32) -> Weight {
		update_leaves(n, T::DbWeight::get())
	}
	fn close_epoch() -> Weight {
		close_epoch(T::DbWeight::get())
	}
	fn set_exit_address() -> Weight {
		set_exit_address(T::DbWeight::get())
	}
	fn request_withdrawal() -> Weight {
		request_withdrawal(T::DbWeight::get())
	}
	fn submit_signature() -> Weight {
		submit_signature(T::DbWeight::get())
	}
	fn vote_deposit(c: u32) -> Weight {
		vote_deposit(c, T::DbWeight::get())
	}
	fn set_validator_set(v: u32) -> Weight {
		set_validator_set(v, T::DbWeight::get())
	}
	fn set_ethereum() -> Weight {
		set_ethereum(T::DbWeight::get())
	}
}

impl WeightInfo for () {
	fn update_leaves(n: u32) -> Weight {
		update_leaves(n, RocksDbWeight::get())
	}
	fn close_epoch() -> Weight {
		close_epoch(RocksDbWeight::get())
	}
	fn set_exit_address() -> Weight {
		set_exit_address(RocksDbWeight::get())
	}
	fn request_withdrawal() -> Weight {
		request_withdrawal(RocksDbWeight::get())
	}
	fn submit_signature() -> Weight {
		submit_signature(RocksDbWeight::get())
	}
	fn vote_deposit(c: u32) -> Weight {
		vote_deposit(c, RocksDbWeight::get())
	}
	fn set_validator_set(v: u32) -> Weight {
		set_validator_set(v, RocksDbWeight::get())
	}
	fn set_ethereum() -> Weight {
		set_ethereum(RocksDbWeight::get())
	}
}

fn update_leaves(n: u32, db: RuntimeDbWeight) -> Weight {
	Weight::from_parts(75_000_000, 0)
		.saturating_add(Weight::from_parts(60_000_000, 4_000).saturating_mul(n.into()))
		.saturating_add(db.reads_writes(LEAF_READS * n as u64, LEAF_WRITES * n as u64))
}

/// Reads: withdrawal count, last epoch, previous commitment, the current and next sets, the
/// set id, both roots; writes: commitment, closed-at, withdrawal count at, last epoch, pending
/// flag, epoch withdrawals, and on a handover the new set and its id.
fn close_epoch(db: RuntimeDbWeight) -> Weight {
	Weight::from_parts(211_000_000, 8_000).saturating_add(db.reads_writes(8, 8))
}

fn set_exit_address(db: RuntimeDbWeight) -> Weight {
	Weight::from_parts(15_000_000, 1_000).saturating_add(db.reads_writes(2, 2))
}

/// The margin pallet's initial-margin check of up to 32 positions (its ledger, each
/// position's terms, spot and vol: 96 reads) and the tree append (9 chunks read and written),
/// the withdrawal record and counters.
fn request_withdrawal(db: RuntimeDbWeight) -> Weight {
	Weight::from_parts(130_000_000 + 277_000_000, 10_000)
		.saturating_add(db.reads_writes(9 + 4 + 96, 9 + 5))
}

/// Reads: the commitment, its set, the signature slot, the count, attested; writes: the
/// signature, the count, attested.
fn submit_signature(db: RuntimeDbWeight) -> Weight {
	Weight::from_parts(255_000_000, 4_000).saturating_add(db.reads_writes(5, 3))
}

/// Reads: the deployment, credited count, approved, set id, set, the tally; per credited
/// deposit the approved record, the margin ledger, the asset accounts and the exit address;
/// writes: the tally (cleared), the approved record, the count, and per credited deposit the
/// ledger, the asset accounts and supply, the exit address and the changed leaf.
fn vote_deposit(c: u32, db: RuntimeDbWeight) -> Weight {
	let c = c.max(1) as u64;
	Weight::from_parts(430_000_000, 6_000)
		.saturating_add(Weight::from_parts(56_000_000, 2_000).saturating_mul(c - 1))
		.saturating_add(db.reads_writes(6 + 5 * c, 3 + 6 * c))
}

fn set_validator_set(v: u32, db: RuntimeDbWeight) -> Weight {
	Weight::from_parts(27_000_000, 1_000)
		.saturating_add(Weight::from_parts(300_000, 20).saturating_mul(v.into()))
		.saturating_add(db.reads_writes(1, 1))
}

fn set_ethereum(db: RuntimeDbWeight) -> Weight {
	Weight::from_parts(23_000_000, 500).saturating_add(db.reads_writes(1, 1))
}
