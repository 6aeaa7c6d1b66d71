//! The range circuit against honest witnesses and against a broken witness for each rule,
//! and one Groth16 round trip.

use ark_bn254::Fr;
use ark_relations::gr1cs::{ConstraintSynthesizer, ConstraintSystem};
use std::collections::BTreeMap;
use strikeline_zk::{
	circuit::{Ledger, RangeCircuit, Shape, WitnessError},
	flows::{chain, Deposit, Withdrawal},
	leaf::{Leaf, BALANCE_BITS},
	proof,
};

const SHAPE: Shape = Shape { depth: 12, capacity: 4, deposits: 2, withdrawals: 2 };

fn account(n: u8) -> [u8; 32] {
	[n; 32]
}

fn leaf(n: u8, balance: i128) -> Leaf {
	Leaf::new(account(n), [n; 20], balance)
}

fn deposit(n: u8, amount: u128) -> Deposit {
	Deposit { account: account(n), amount }
}

fn changes(list: &[(u64, Leaf)]) -> BTreeMap<u64, Leaf> {
	list.iter().copied().collect()
}

/// Accounts 1 and 2 in slots 10 and 11 with 100 deposited each, then account 3 in slot 12
/// with 100 deposited (a step takes two deposits). Then the step under test: slot 10 pays 50 and slot 11 110 to slot 12 (slot 11 is
/// left with a debt of 10), account 4 arrives in slot 40 with a 25 deposit, and slot 12
/// withdraws 10: `(ledger before the step, its circuit)`.
fn scenario() -> (Ledger, RangeCircuit) {
	let mut ledger = Ledger::new(SHAPE.depth);
	let first = changes(&[(10, leaf(1, 100)), (11, leaf(2, 100))]);
	ledger.step(SHAPE, &first, &[deposit(1, 100), deposit(2, 100)], &[]).unwrap();
	ledger.step(SHAPE, &changes(&[(12, leaf(3, 100))]), &[deposit(3, 100)], &[]).unwrap();
	let before = ledger.clone();
	let step =
		changes(&[(10, leaf(1, 50)), (11, leaf(2, -10)), (12, leaf(3, 250)), (40, leaf(4, 25))]);
	let w = Withdrawal { slot: 12, recipient: [3; 20], amount: 10 };
	// -50 - 110 + 150 + 25 = 25 - 10.
	let circuit = ledger.step(SHAPE, &step, &[deposit(4, 25)], &[w]).unwrap();
	(before, circuit)
}

fn satisfied(c: RangeCircuit) -> bool {
	let cs = ConstraintSystem::<Fr>::new_ref();
	c.generate_constraints(cs.clone()).unwrap();
	cs.is_satisfied().unwrap()
}

/// Recomputes the public hashes from the (edited) witness, so only the rule under test can
/// refuse it.
fn rehash(c: &mut RangeCircuit) {
	c.public.deposits_to = chain(c.public.deposits_from, c.deposits.iter().map(Deposit::entry));
	c.public.withdrawals_digest = chain(Fr::from(0u8), c.withdrawals.iter().map(Withdrawal::entry));
}

#[test]
fn an_honest_step_satisfies_the_circuit() {
	let (_, c) = scenario();
	assert!(satisfied(c));
	assert!(satisfied(RangeCircuit::blank(SHAPE).unwrap()));
}

#[test]
fn rule_1_roots_bind_the_leaves() {
	// Another old root, another new root, or an old leaf that is not the one proven.
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
fn rule_1_a_slot_changes_once_and_keeps_its_account() {
	let (before, mut c) = scenario();
	c.updates[1].slot = 10;
	c.updates[1].path = before.tree.path(10);
	assert!(!satisfied(c), "slot 10 twice");
	let (_, mut c) = scenario();
	c.updates[0].new.account = account(9);
	assert!(!satisfied(c), "slot 10 given to another account");
	let mut ledger = scenario().0;
	let stolen = changes(&[(10, leaf(9, 100))]);
	assert_eq!(ledger.step(SHAPE, &stolen, &[], &[]).unwrap_err(), WitnessError::AccountChanged);
}

#[test]
fn rule_2_conservation_refuses_created_collateral() {
	// Slot 40 credited 25 with 24 deposited; slot 12 keeping 10 it withdrew.
	let mut ledger = scenario().0;
	let step = changes(&[(40, leaf(4, 25))]);
	assert!(!satisfied(ledger.step(SHAPE, &step, &[deposit(4, 24)], &[]).unwrap()));
	let mut ledger = scenario().0;
	let step = changes(&[(12, leaf(3, 100))]);
	let w = Withdrawal { slot: 12, recipient: [3; 20], amount: 10 };
	assert!(!satisfied(ledger.step(SHAPE, &step, &[], &[w]).unwrap()));
}

#[test]
fn rule_3_balances_and_amounts_stay_in_range() {
	// A credit of 2^120 cannot be written, and a debt cannot be made by re-splitting a
	// packed value (credit - 1, debt + 2^120 packs to the same element).
	let (_, mut c) = scenario();
	c.updates[2].new.credit = 1 << BALANCE_BITS;
	assert!(!satisfied(c));
	let (_, mut c) = scenario();
	let old = c.updates[0].old.as_mut().unwrap();
	old.credit -= 1;
	old.debt += 1 << BALANCE_BITS;
	assert!(!satisfied(c));
	let mut ledger = scenario().0;
	let huge = changes(&[(10, Leaf { credit: 1 << BALANCE_BITS, ..leaf(1, 0) })]);
	assert_eq!(ledger.step(SHAPE, &huge, &[], &[]).unwrap_err(), WitnessError::BalanceOutOfRange);
	// A deposit of p - 1 would be a negative amount: amounts are range-checked too.
	let (_, mut c) = scenario();
	c.deposits[0].amount = 1 << BALANCE_BITS;
	rehash(&mut c);
	assert!(!satisfied(c));
}

#[test]
fn rule_4_withdrawals_are_exactly_the_digests() {
	// An amount other than the digest's; a withdrawal left out; one from a slot that did
	// not change.
	let (_, mut c) = scenario();
	c.withdrawals[0].amount = 5;
	assert!(!satisfied(c));
	let (_, mut c) = scenario();
	c.withdrawals.clear();
	assert!(!satisfied(c));
	let (_, mut c) = scenario();
	c.withdrawals[0].slot = 13;
	rehash(&mut c);
	assert!(!satisfied(c));
	let mut ledger = scenario().0;
	let w = Withdrawal { slot: 13, recipient: [3; 20], amount: 10 };
	let step = changes(&[(12, leaf(3, 90))]);
	assert_eq!(
		ledger.step(SHAPE, &step, &[], &[w]).unwrap_err(),
		WitnessError::WithdrawalNotDebited
	);
}

#[test]
fn rule_5_deposits_are_exactly_the_vaults() {
	// A deposit the vault never saw (its running hash is the public input), one for an
	// account that did not change, and the vault's deposits skipped.
	let mut ledger = scenario().0;
	let vault = ledger.deposits_hash;
	let step = changes(&[(10, leaf(1, 107))]);
	let mut c = ledger.step(SHAPE, &step, &[deposit(1, 7)], &[]).unwrap();
	assert!(satisfied(c.clone()), "consistent but for the vault's hash");
	c.public.deposits_to = vault;
	assert!(!satisfied(c));
	let (_, mut c) = scenario();
	c.deposits[0].account = account(9);
	rehash(&mut c);
	assert!(!satisfied(c));
	let (_, mut c) = scenario();
	c.public.deposits_to = c.public.deposits_from;
	assert!(!satisfied(c));
	let mut ledger = scenario().0;
	let step = changes(&[(40, leaf(4, 25))]);
	let err = ledger.step(SHAPE, &step, &[deposit(9, 25)], &[]).unwrap_err();
	assert_eq!(err, WitnessError::DepositNotCredited);
}

#[test]
fn too_many_changes_are_split() {
	let mut ledger = Ledger::new(SHAPE.depth);
	let five: BTreeMap<u64, Leaf> = (0..5).map(|i| (i, leaf(i as u8 + 1, 0))).collect();
	assert_eq!(ledger.step(SHAPE, &five, &[], &[]).unwrap_err(), WitnessError::TooManyChanges);
	let three = [deposit(1, 1), deposit(2, 1), deposit(3, 1)];
	let step = changes(&[(0, leaf(1, 1)), (1, leaf(2, 1)), (2, leaf(3, 1))]);
	assert_eq!(ledger.step(SHAPE, &step, &three, &[]).unwrap_err(), WitnessError::TooManyFlows);
	assert_eq!(ledger.root(), Ledger::new(SHAPE.depth).root(), "a refused step changes nothing");
	// The last slots, padded below them.
	let last = changes(&[(4095, leaf(1, 0)), (4094, leaf(2, 0))]);
	assert!(satisfied(ledger.step(SHAPE, &last, &[], &[]).unwrap()));
	let outside = changes(&[(4096, leaf(3, 0))]);
	assert_eq!(ledger.step(SHAPE, &outside, &[], &[]).unwrap_err(), WitnessError::SlotOutOfRange);
}

#[test]
fn groth16_round_trip() {
	let keys = proof::dev_setup(SHAPE, proof::DEV_SETUP_SEED).unwrap();
	let pvk = proof::prepare(&keys.verifying);
	let (_, c) = scenario();
	let public = c.public;
	let p = proof::prove(&keys, c, 1).unwrap();
	assert!(proof::verify(&pvk, &public, &p).unwrap());
	for i in 0..public.inputs().len() {
		let mut forged = public;
		let field = [
			&mut forged.old_root,
			&mut forged.new_root,
			&mut forged.deposits_from,
			&mut forged.deposits_to,
			&mut forged.withdrawals_digest,
		];
		*field.into_iter().nth(i).unwrap() += Fr::from(1u8);
		assert!(!proof::verify(&pvk, &forged, &p).unwrap(), "public input {i} altered");
	}
}
