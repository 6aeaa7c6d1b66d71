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

/// Every account's current leaf values, read from the state (slot, exit address, ledger).
fn ledger_now() -> Vec<([u8; 32], bridge::LedgerChange)> {
	Slots::<Test>::iter()
		.map(|(who, slot)| {
			let exit_to = crate::ExitAddresses::<Test>::get(who);
			let collateral = Ledger::collateral(&who).unwrap_or(0);
			(Bridge::account_bytes(&who), bridge::LedgerChange { slot, exit_to, collateral })
		})
		.collect()
}

/// The ledger root computed from scratch over every account with a slot, at the current state.
fn root_from_scratch() -> Hash {
	let epoch = crate::LastClosed::<Test>::get().max(1);
	bridge::LedgerTree::from_leaves(epoch, &ledger_now()).unwrap().root()
}

/// `who`'s current leaf.
fn leaf_now(who: AccountId) -> Hash {
	let exit_to = crate::ExitAddresses::<Test>::get(who);
	let collateral = bridge::leaf_collateral(Ledger::collateral(&who).unwrap_or(0));
	bridge::ledger_leaf(&Bridge::account_bytes(&who), &exit_to, collateral)
}

/// The ledger tree a node builds from the closed epochs' changes through `epoch`.
fn tree_through(epoch: u64) -> bridge::LedgerTree {
	let mut t = bridge::LedgerTree::default();
	for e in 1..=epoch {
		t.apply(e, &Bridge::ledger_changes(e).expect("changes kept")).unwrap();
	}
	t
}

/// The true ledger root of closed epoch `epoch`.
fn root_of(epoch: u64) -> Hash {
	tree_through(epoch).root()
}

/// Epoch `epoch`'s commitment: fixed, or pending completed with its true root.
fn commitment(epoch: u64) -> bridge::Commitment {
	Commitments::<Test>::get(epoch)
		.unwrap_or_else(|| Bridge::candidate(epoch, root_of(epoch)).expect("the next pending"))
}

/// The digest validators sign for epoch `epoch` under the tests' deployment.
fn digest(epoch: u64) -> Hash {
	bridge::commitment_digest(
		&commitment(epoch).hash(),
		ETH_CHAIN_ID,
		&bridge::anchor_address(&VAULT),
	)
}

/// Validator `i`'s signature of epoch `epoch`'s commitment digest (with its true root).
fn signature(i: u32, epoch: u64) -> [u8; 65] {
	validator_pair(i).sign_prehashed(&digest(epoch)).0
}

/// Submits validator `i`'s signature `sig` of epoch `epoch` with its true root.
fn submit(epoch: u64, i: u32, sig: [u8; 65]) -> polkadot_sdk::sp_runtime::DispatchResult {
	submit_root(epoch, root_of(epoch), i, sig)
}

/// Submits validator `i`'s signature `sig` of epoch `epoch` with ledger root `root`.
fn submit_root(
	epoch: u64,
	root: Hash,
	i: u32,
	sig: [u8; 65],
) -> polkadot_sdk::sp_runtime::DispatchResult {
	Bridge::submit_signature(RuntimeOrigin::none(), epoch, root, i, sig)
}

/// Fixes every closed epoch in order, as honest validators do: more than 2/3 of each epoch's
/// set (validator keys `0..8` searched by address) sign its true root.
fn fix_closed() {
	let anchor = bridge::anchor_address(&VAULT);
	for epoch in LastEpoch::<Test>::get() + 1..=crate::LastClosed::<Test>::get() {
		let root = root_of(epoch);
		let c = Bridge::candidate(epoch, root).expect("the next pending epoch");
		let digest = bridge::commitment_digest(&c.hash(), ETH_CHAIN_ID, &anchor);
		let set = crate::ValidatorSets::<Test>::get(c.validator_set_id).unwrap();
		let quorum = set.len() * 2 / 3 + 1;
		for (i, address) in set.iter().enumerate().take(quorum) {
			let key = (0..8).find(|k| validator_address(*k) == *address).unwrap();
			let sig = validator_pair(key).sign_prehashed(&digest).0;
			assert_ok!(submit_root(epoch, root, i as u32, sig));
		}
	}
	assert_eq!(LastEpoch::<Test>::get(), crate::LastClosed::<Test>::get());
}

/// [`run_to`], then [`fix_closed`].
fn run_to_fixed(n: u64) {
	run_to(n);
	fix_closed();
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
