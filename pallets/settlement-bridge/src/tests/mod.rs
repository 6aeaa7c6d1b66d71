//! The pallet's tests, by concern: epochs and the ledger tree, withdrawals and exit
//! addresses, attestation and validator sets, deposits, and the offchain worker.
use crate::{mock::*, Commitments, Error, Event, LastEpoch, Slots};
use polkadot_sdk::frame_support::{assert_noop, assert_ok, traits::Hooks};
use polkadot_sdk::sp_runtime::DispatchError;
use strikeline_primitives::{
	bridge::{self, Hash},
	BridgeLedger,
};

mod attestation;
mod deposits;
mod epoch;
mod offchain;
mod withdrawals;

/// The ledger root computed from scratch over every account with a slot.
fn root_from_scratch() -> Hash {
	let e = bridge::empties(bridge::LEDGER_DEPTH);
	let mut t = bridge::MemoryTree::default();
	for (who, slot) in Slots::<Test>::iter() {
		bridge::update_leaf(&mut t, &e, bridge::LEDGER_DEPTH, slot, Bridge::ledger_leaf(&who));
	}
	bridge::root(&t, bridge::LEDGER_DEPTH)
}

/// The digest validators sign for epoch `epoch` under the tests' deployment.
fn digest(epoch: u64) -> Hash {
	let c = Commitments::<Test>::get(epoch).unwrap();
	bridge::commitment_digest(&c.hash(), ETH_CHAIN_ID, &bridge::anchor_address(&VAULT))
}

/// Validator `i`'s signature of epoch `epoch`'s commitment digest.
fn signature(i: u32, epoch: u64) -> [u8; 65] {
	validator_pair(i).sign_prehashed(&digest(epoch)).0
}

fn submit(epoch: u64, i: u32, sig: [u8; 65]) -> polkadot_sdk::sp_runtime::DispatchResult {
	Bridge::submit_signature(RuntimeOrigin::none(), epoch, i, sig)
}

/// A key outside every validator set.
fn mallory() -> polkadot_sdk::sp_core::ecdsa::Pair {
	use polkadot_sdk::sp_core::Pair;
	polkadot_sdk::sp_core::ecdsa::Pair::from_string("//Mallory", None).unwrap()
}

fn hex32(s: &str) -> [u8; 32] {
	let mut h = [0u8; 32];
	for (i, b) in h.iter_mut().enumerate() {
		*b = u8::from_str_radix(&s[2 * i..2 * i + 2], 16).unwrap();
	}
	h
}
