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
//! | `submit_signature` (the attesting one, 64 validators; the fixing one is not timed yet) | 127.3 us | 255 us, plus 4 us and 3 accesses per vote the fixing moves |
//! | `vote_deposit(c)` (the approving one, 64 validators, crediting `c` deposits in order) | 214.5 us at c = 1, 572.1 us at c = 16 (up to 27.6 us per further deposit) | 430 us + 56 us per further credited deposit |
//! | `set_validator_set(v)` | 13.4 us at v = 1, 20.6 us at v = 64 (up to 0.15 us per validator) | 27 us + 0.3 us per validator |
//! | `set_ethereum` | 11.3 us | 23 us |
//! | `prune_changes(n)` | not yet timed (estimated: a storage iteration step and a removal per record) | 20 us + 10 us per record |
//! | `close_epoch` (handing over to 64 validators) | 105.2 us | 211 us |
#![allow(unused_parens, unused_imports, missing_docs)]

use core::marker::PhantomData;
use polkadot_sdk::frame_support::{
	traits::Get,
	weights::{constants::RocksDbWeight, RuntimeDbWeight, Weight},
};

/// Weight functions needed by the settlement bridge pallet.
pub trait WeightInfo {
	/// Pruning `n` ledger change records of an old epoch (`on_idle`).
	fn prune_changes(n: u32) -> Weight;
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

/// Weights for the settlement bridge pallet.
pub struct SubstrateWeight<T>(PhantomData<T>);
impl<T: polkadot_sdk::frame_system::Config> WeightInfo for SubstrateWeight<T> {
	fn prune_changes(n: u32) -> Weight {
		prune_changes(n, T::DbWeight::get())
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
	fn prune_changes(n: u32) -> Weight {
		prune_changes(n, RocksDbWeight::get())
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

/// Reads: the oldest kept epoch, the last closed and fixed epochs, and per record the next
/// key; writes: the oldest kept epoch, and per record its removal.
fn prune_changes(n: u32, db: RuntimeDbWeight) -> Weight {
	let n = n as u64;
	Weight::from_parts(20_000_000, 1_000)
		.saturating_add(Weight::from_parts(10_000_000, 100).saturating_mul(n))
		.saturating_add(db.reads_writes(3 + n, 1 + n))
}

/// Reads: withdrawal count, last closed epoch, the current and next sets, the set id, the
/// withdrawals root (its chunk); writes: the pending commitment, closed-at, withdrawal count
/// at, last closed epoch, epoch withdrawals, and on a handover the new set and its id.
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

/// The vote that fixes a pending commitment of a full set: reads the fixed and pending
/// commitments, the last epoch, the previous commitment, the deployment, the set, the vote
/// slots, the tally, and the votes drained (`MaxValidators`); writes the vote, the tally, the
/// commitment (fixed, pending removed), the last epoch, the count, attested, and a signature
/// per vote moved (the votes and tallies removed).
fn submit_signature(db: RuntimeDbWeight) -> Weight {
	Weight::from_parts(255_000_000, 8_000)
		.saturating_add(Weight::from_parts(4_000_000, 200).saturating_mul(MAX_VOTES))
		.saturating_add(db.reads_writes(9 + MAX_VOTES, 8 + 2 * MAX_VOTES))
}

/// The most votes a fixing drains: the runtime's `MaxValidators`.
const MAX_VOTES: u64 = 64;

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
