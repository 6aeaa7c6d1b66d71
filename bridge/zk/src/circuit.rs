//! The range circuit: one step of the ledger from a proven root to the next.
//!
//! Public inputs, in order: `old_root`, `new_root`, `deposits` (credited in the range),
//! `withdrawals` (burned in the range). Witness: `capacity` slot updates, each with its slot,
//! whether it is active (padding is not), the old leaf (or empty), the new leaf and the
//! Merkle path before the update. Constraints, per update:
//! 1. the old leaf (0 when empty) is at its slot under the current root; the root becomes
//!    the one with the new leaf (the old leaf for padding) at the slot;
//! 2. slots strictly increase (`slot_i - slot_{i-1} - 1` fits `depth` bits), so no slot is
//!    updated twice in a step and nothing but the listed slots changes;
//! 3. a non-empty slot keeps its account (one hash of the account is shared by the old and
//!    new leaf); an empty slot's old balance is 0;
//! 4. every credit and debt, old and new, fits `BALANCE_BITS` bits (so the packing in the
//!    leaf is injective and no sum wraps the field: `capacity * 2^121` is far below the
//!    254-bit modulus), every account half 128 bits and every exit address 160 bits;
//!
//! and once: `sum(new balance - old balance over active updates) = deposits - withdrawals`,
//! both public inputs fitting 128 bits (conservation, rule 2 of issue 14).
//!
//! Not yet constrained (issue 14, still to come): the withdrawals' list and digest, the
//! deposits' running hash, and that one account has one slot only.

use crate::{
	gadgets::{hash2, root_from_path, to_bits},
	leaf::{Leaf, BALANCE_BITS},
	tree::PoseidonTree,
};
use ark_bn254::Fr;
use ark_ff::Field;
use ark_r1cs_std::{fields::fp::FpVar, prelude::*};
use ark_relations::gr1cs::{ConstraintSynthesizer, ConstraintSystemRef, SynthesisError};
use std::collections::BTreeMap;

/// A circuit's fixed sizes: changing either is a new circuit (and a new trusted setup).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Shape {
	/// Levels of the ledger tree.
	pub depth: u8,
	/// Slot updates a step proves (padded to it).
	pub capacity: usize,
}

/// A step's public inputs.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Public {
	/// The proven root the step starts from.
	pub old_root: Fr,
	/// The root it ends at.
	pub new_root: Fr,
	/// Collateral credited by deposits in the step.
	pub deposits: u128,
	/// Collateral burned by withdrawals in the step.
	pub withdrawals: u128,
}

impl Public {
	/// The field elements the verifier takes, in the circuit's order.
	pub fn inputs(&self) -> Vec<Fr> {
		vec![self.old_root, self.new_root, Fr::from(self.deposits), Fr::from(self.withdrawals)]
	}
}

/// One slot update as witnessed.
#[derive(Clone, Debug)]
pub struct Update {
	/// The leaf slot.
	pub slot: u64,
	/// False for padding: the slot keeps its leaf.
	pub active: bool,
	/// The leaf before (None: the slot is empty).
	pub old: Option<Leaf>,
	/// The leaf after (for padding, ignored: the old leaf stays).
	pub new: Leaf,
	/// The slot's Merkle path before the update, siblings from the bottom.
	pub path: Vec<Fr>,
}

/// The circuit of one step.
#[derive(Clone, Debug)]
pub struct RangeCircuit {
	/// Its sizes.
	pub shape: Shape,
	/// Its public inputs.
	pub public: Public,
	/// `shape.capacity` updates.
	pub updates: Vec<Update>,
}

/// Why a step cannot be witnessed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum WitnessError {
	/// More changed slots than the circuit's capacity (split the range).
	TooManyChanges,
	/// A slot beyond the tree.
	SlotOutOfRange,
	/// Fewer free slots than padding needs (a capacity above `2^depth`).
	NoRoomForPadding,
	/// A change gives an occupied slot another account.
	AccountChanged,
	/// A balance part wider than `BALANCE_BITS`.
	BalanceOutOfRange,
}

/// The ledger as the prover keeps it: the tree and the leaves behind it.
#[derive(Clone, Debug)]
pub struct Ledger {
	/// The Poseidon tree of the leaves' hashes.
	pub tree: PoseidonTree,
	/// Every non-empty slot's leaf.
	pub leaves: BTreeMap<u64, Leaf>,
}

impl Ledger {
	/// An empty ledger of `depth` levels.
	pub fn new(depth: u8) -> Self {
		Self { tree: PoseidonTree::new(depth), leaves: BTreeMap::new() }
	}

	/// The root.
	pub fn root(&self) -> Fr {
		self.tree.root()
	}

	/// Applies `changes` (slot to its new leaf) and returns the circuit of the step. On an
	/// error nothing changes.
	pub fn step(
		&mut self,
		shape: Shape,
		changes: &BTreeMap<u64, Leaf>,
		deposits: u128,
		withdrawals: u128,
	) -> Result<RangeCircuit, WitnessError> {
		assert_eq!(shape.depth, self.tree.depth(), "the ledger's depth is the circuit's");
		if changes.len() > shape.capacity {
			return Err(WitnessError::TooManyChanges);
		}
		let slots = 1u64 << shape.depth;
		let fits = |l: &Leaf| l.credit >> BALANCE_BITS == 0 && l.debt >> BALANCE_BITS == 0;
		for (slot, leaf) in changes {
			if *slot >= slots {
				return Err(WitnessError::SlotOutOfRange);
			}
			if self.leaves.get(slot).is_some_and(|old| old.account != leaf.account) {
				return Err(WitnessError::AccountChanged);
			}
			if !fits(leaf) {
				return Err(WitnessError::BalanceOutOfRange);
			}
		}
		// Padding takes the lowest slots not changed (a no-op update keeps a slot's leaf), so
		// every update, real or padding, is in slot order.
		let pads = shape.capacity - changes.len();
		let padding = (0..slots).filter(|s| !changes.contains_key(s)).take(pads);
		let mut order: Vec<(u64, Option<Leaf>)> =
			changes.iter().map(|(s, l)| (*s, Some(*l))).chain(padding.map(|s| (s, None))).collect();
		if order.len() < shape.capacity {
			return Err(WitnessError::NoRoomForPadding);
		}
		order.sort_unstable_by_key(|(slot, _)| *slot);
		let old_root = self.root();
		let mut updates = Vec::with_capacity(shape.capacity);
		for (slot, change) in order {
			let old = self.leaves.get(&slot).copied();
			let path = self.tree.path(slot);
			let new = match change {
				Some(leaf) => {
					self.tree.set(slot, leaf.hash());
					self.leaves.insert(slot, leaf);
					leaf
				}
				None => old.unwrap_or(Leaf::new([0; 32], [0; 20], 0)),
			};
			updates.push(Update { slot, active: change.is_some(), old, new, path });
		}
		let public = Public { old_root, new_root: self.root(), deposits, withdrawals };
		Ok(RangeCircuit { shape, public, updates })
	}
}

impl RangeCircuit {
	/// A valid circuit of `shape` with nothing changed (for the setup, which needs only the
	/// structure).
	pub fn blank(shape: Shape) -> Result<Self, WitnessError> {
		Ledger::new(shape.depth).step(shape, &BTreeMap::new(), 0, 0)
	}
}

fn witness(cs: &ConstraintSystemRef<Fr>, v: Fr) -> Result<FpVar<Fr>, SynthesisError> {
	FpVar::new_witness(cs.clone(), || Ok(v))
}

impl ConstraintSynthesizer<Fr> for RangeCircuit {
	fn generate_constraints(self, cs: ConstraintSystemRef<Fr>) -> Result<(), SynthesisError> {
		let d = self.shape.depth as usize;
		let p = self.public;
		let old_root = FpVar::new_input(cs.clone(), || Ok(p.old_root))?;
		let new_root = FpVar::new_input(cs.clone(), || Ok(p.new_root))?;
		let deposits = FpVar::new_input(cs.clone(), || Ok(Fr::from(p.deposits)))?;
		let withdrawals = FpVar::new_input(cs.clone(), || Ok(Fr::from(p.withdrawals)))?;
		to_bits(&deposits, 128)?;
		to_bits(&withdrawals, 128)?;
		let shift = FpVar::constant(Fr::from(2u8).pow([BALANCE_BITS as u64]));
		let mut root = old_root;
		let mut sum = FpVar::zero();
		let mut previous: Option<FpVar<Fr>> = None;
		let empty_leaf = Leaf::new([0; 32], [0; 20], 0);
		for u in self.updates.iter().take(self.shape.capacity) {
			let bits = (0..d)
				.map(|i| Boolean::new_witness(cs.clone(), || Ok((u.slot >> i) & 1 == 1)))
				.collect::<Result<Vec<_>, _>>()?;
			let slot = Boolean::le_bits_to_fp(&bits)?;
			if let Some(prev) = previous {
				to_bits(&(&slot - prev - Fr::from(1u8)), d)?;
			}
			previous = Some(slot);
			let active = Boolean::new_witness(cs.clone(), || Ok(u.active))?;
			let empty = Boolean::new_witness(cs.clone(), || Ok(u.old.is_none()))?;
			let old = u.old.unwrap_or(empty_leaf);
			// The account: the new leaf's (an empty slot takes any), the old one's otherwise.
			let [hi, lo] = u.new.account_limbs();
			let (hi, lo) = (witness(&cs, hi)?, witness(&cs, lo)?);
			to_bits(&hi, 128)?;
			to_bits(&lo, 128)?;
			let account = hash2(&hi, &lo)?;
			let part = |x: u128| -> Result<FpVar<Fr>, SynthesisError> {
				let v = witness(&cs, Fr::from(x))?;
				to_bits(&v, BALANCE_BITS)?;
				Ok(v)
			};
			let (old_credit, old_debt) = (part(old.credit)?, part(old.debt)?);
			let empty_fp = FpVar::from(empty.clone());
			old_credit.mul_equals(&empty_fp, &FpVar::zero())?;
			old_debt.mul_equals(&empty_fp, &FpVar::zero())?;
			let old_exit = witness(&cs, old.exit_to_fr())?;
			let old_full =
				hash2(&account, &hash2(&old_exit, &(&old_credit * &shift + &old_debt))?)?;
			let old_leaf = FpVar::conditionally_select(&empty, &FpVar::zero(), &old_full)?;
			let path = u.path.iter().map(|s| witness(&cs, *s)).collect::<Result<Vec<_>, _>>()?;
			root_from_path(&bits, &old_leaf, &path)?.enforce_equal(&root)?;

			let (new_credit, new_debt) = (part(u.new.credit)?, part(u.new.debt)?);
			let new_exit = witness(&cs, u.new.exit_to_fr())?;
			to_bits(&new_exit, 160)?;
			let new_full =
				hash2(&account, &hash2(&new_exit, &(&new_credit * &shift + &new_debt))?)?;
			let new_leaf = FpVar::conditionally_select(&active, &new_full, &old_leaf)?;
			root = root_from_path(&bits, &new_leaf, &path)?;
			let delta = (new_credit - new_debt) - (old_credit - old_debt);
			sum += FpVar::from(active) * delta;
		}
		root.enforce_equal(&new_root)?;
		sum.enforce_equal(&(deposits - withdrawals))?;
		Ok(())
	}
}
