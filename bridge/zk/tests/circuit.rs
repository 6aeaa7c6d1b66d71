//! The range circuit against honest and broken witnesses, and one Groth16 round trip.

use ark_bn254::Fr;
use ark_relations::gr1cs::{ConstraintSynthesizer, ConstraintSystem};
use std::collections::BTreeMap;
use strikeline_zk::{
	circuit::{Ledger, RangeCircuit, Shape, WitnessError},
	leaf::{Leaf, BALANCE_BITS},
	proof,
};

const SHAPE: Shape = Shape { depth: 12, capacity: 4 };

fn account(n: u8) -> [u8; 32] {
	[n; 32]
}

fn leaf(n: u8, balance: i128) -> Leaf {
	Leaf::new(account(n), [n; 20], balance)
}

/// A ledger with accounts 1..=3 in slots 10, 11, 12 (300 deposited), and a step that moves
/// 50 from slot 10 to slot 12, leaves slot 11 with a debt, and credits a new account in slot
/// 40 with a 25 deposit (so deposits = 25, nothing withdrawn): `(ledger before, circuit)`.
fn scenario() -> (Ledger, RangeCircuit) {
	let mut ledger = Ledger::new(SHAPE.depth);
	let genesis: BTreeMap<u64, Leaf> =
		[(10, leaf(1, 100)), (11, leaf(2, 100)), (12, leaf(3, 100))].into();
	ledger.step(SHAPE, &genesis, 300, 0).unwrap();
	let before = ledger.clone();
	let changes: BTreeMap<u64, Leaf> =
		[(10, leaf(1, 50)), (11, leaf(2, -10)), (12, leaf(3, 260)), (40, leaf(4, 25))].into();
	// 50 - 100 + (-10 - 100) + 260 - 100 + 25 = 25.
	let circuit = ledger.step(SHAPE, &changes, 25, 0).unwrap();
	(before, circuit)
}

fn satisfied(c: RangeCircuit) -> bool {
	let cs = ConstraintSystem::<Fr>::new_ref();
	c.generate_constraints(cs.clone()).unwrap();
	cs.is_satisfied().unwrap()
}

#[test]
fn an_honest_step_satisfies_the_circuit() {
	let (_, c) = scenario();
	assert!(satisfied(c));
	assert!(satisfied(RangeCircuit::blank(SHAPE).unwrap()));
}

#[test]
fn conservation_refuses_created_collateral() {
	// Rule 2: a balance grown by more than the deposits.
	let (_, mut c) = scenario();
	c.public.deposits = 24;
	assert!(!satisfied(c));
	let (_, mut c) = scenario();
	c.public.withdrawals = 1;
	assert!(!satisfied(c));
}

#[test]
fn roots_bind_the_leaves() {
	// Rule 1: another old root, another new root, or a leaf that is not the one proven.
	let (_, mut c) = scenario();
	c.public.old_root += Fr::from(1u8);
	assert!(!satisfied(c));
	let (_, mut c) = scenario();
	c.public.new_root += Fr::from(1u8);
	assert!(!satisfied(c));
	let (_, mut c) = scenario();
	c.updates[0].old = Some(leaf(1, 90));
	c.updates[0].new = leaf(1, 40);
	assert!(!satisfied(c), "an old balance that is not in the tree");
	let (_, mut c) = scenario();
	c.updates[3].active = false;
	assert!(!satisfied(c), "a change applied but not counted");
}

#[test]
fn a_slot_changes_once_and_keeps_its_account() {
	// Rule 1: slots strictly increasing; an occupied slot's account fixed.
	let (before, mut c) = scenario();
	c.updates[1].slot = 10;
	c.updates[1].path = before.tree.path(10);
	assert!(!satisfied(c), "slot 10 twice");
	let (_, mut c) = scenario();
	c.updates[0].new.account = account(9);
	assert!(!satisfied(c), "slot 10 given to another account");
	let mut ledger = scenario().0;
	let stolen: BTreeMap<u64, Leaf> = [(10, leaf(9, 100))].into();
	assert_eq!(ledger.step(SHAPE, &stolen, 0, 0).unwrap_err(), WitnessError::AccountChanged);
}

#[test]
fn balances_stay_in_range() {
	// Rule 3: a credit of 2^120 cannot be written, and a debt cannot be made by
	// re-splitting a packed value (credit - 1, debt + 2^120 packs to the same element).
	let (_, mut c) = scenario();
	c.updates[2].new.credit = 1 << BALANCE_BITS;
	c.public.deposits += (1 << BALANCE_BITS) - 260;
	assert!(!satisfied(c));
	let mut ledger = scenario().0;
	let huge: BTreeMap<u64, Leaf> = [(10, Leaf { credit: 1 << BALANCE_BITS, ..leaf(1, 0) })].into();
	assert_eq!(ledger.step(SHAPE, &huge, 0, 0).unwrap_err(), WitnessError::BalanceOutOfRange);
	let (_, mut c) = scenario();
	let old = c.updates[0].old.as_mut().unwrap();
	old.credit -= 1;
	old.debt += 1 << BALANCE_BITS;
	assert!(!satisfied(c));
}

#[test]
fn too_many_changes_are_split() {
	let mut ledger = Ledger::new(SHAPE.depth);
	let five: BTreeMap<u64, Leaf> = (0..5).map(|i| (i, leaf(i as u8 + 1, 1))).collect();
	assert_eq!(ledger.step(SHAPE, &five, 5, 0).unwrap_err(), WitnessError::TooManyChanges);
	assert_eq!(ledger.root(), Ledger::new(SHAPE.depth).root(), "a refused step changes nothing");
	// The last slots, padded below them.
	let last: BTreeMap<u64, Leaf> = [(4095, leaf(1, 1)), (4094, leaf(2, 1))].into();
	assert!(satisfied(ledger.step(SHAPE, &last, 2, 0).unwrap()));
	let outside: BTreeMap<u64, Leaf> = [(4096, leaf(3, 1))].into();
	assert_eq!(ledger.step(SHAPE, &outside, 1, 0).unwrap_err(), WitnessError::SlotOutOfRange);
}

#[test]
fn groth16_round_trip() {
	let keys = proof::dev_setup(SHAPE, proof::DEV_SETUP_SEED).unwrap();
	let pvk = proof::prepare(&keys.verifying);
	let (_, c) = scenario();
	let public = c.public;
	let p = proof::prove(&keys, c, 1).unwrap();
	assert!(proof::verify(&pvk, &public, &p).unwrap());
	let mut forged = public;
	forged.deposits += 1;
	assert!(!proof::verify(&pvk, &forged, &p).unwrap(), "one public input altered");
}
