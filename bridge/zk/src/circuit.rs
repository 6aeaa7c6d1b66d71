//! The range circuit: one step of the ledger from a proven root to the next.
//!
//! Public inputs, in order: `old_root`, `new_root`, `deposits_from` and `deposits_to` (the
//! vault's running deposit hash before and after the step's deposits), `withdrawals_digest`
//! (the hash chain of the step's withdrawals; see `flows`). Witness: `capacity` slot updates
//! (each with its slot, whether it is active, the old leaf or empty, the new leaf, and the
//! Merkle path before the update), up to `deposits` deposits and `withdrawals` withdrawals
//! (unused entries inactive). Constraints:
//! 1. each update's old leaf (0 when empty) is at its slot under the current root, and the
//!    root becomes the one with the new leaf (the old leaf for padding) at the slot; the last
//!    root is `new_root`;
//! 2. slots strictly increase (`slot_i - slot_{i-1} - 1` fits `depth` bits), so no slot is
//!    updated twice and nothing but the listed slots changes;
//! 3. a non-empty slot keeps its account (one hash of the account serves the old and new
//!    leaf); an empty slot's old balance is 0;
//! 4. every credit and debt, old and new, and every amount fits `BALANCE_BITS` bits (so the
//!    packings are injective and no sum wraps the field: `capacity * 2^122` is far below the
//!    254-bit modulus); account halves fit 128 bits, exit addresses and recipients 160;
//! 5. the active deposits, chained onto `deposits_from`, give `deposits_to`, and each is for
//!    the account of an active update; the active withdrawals chain (from 0) to
//!    `withdrawals_digest`, and each debits the slot of an active update;
//! 6. conservation: `sum(new balance - old balance)` over the active updates equals the sum
//!    of the deposits' amounts minus the sum of the withdrawals'.
//!
//! Not constrained (see the crate docs): that a deposit's or a withdrawal's amount went to
//! or came from its own account rather than moved by a trade (the circuit does not see
//! trades), and that one account has only one slot.

use crate::{
	flows::{amount_fits, chain, Deposit, Withdrawal},
	gadgets::{hash2, root_from_path, to_bits},
	leaf::{account_limbs, address_fr, Leaf, BALANCE_BITS},
	tree::PoseidonTree,
};
use ark_bn254::Fr;
use ark_ff::Field;
use ark_r1cs_std::{fields::fp::FpVar, prelude::*};
use ark_relations::gr1cs::{ConstraintSynthesizer, ConstraintSystemRef, SynthesisError};
use std::collections::BTreeMap;

/// A circuit's fixed sizes: changing any is a new circuit (and a new trusted setup).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Shape {
	/// Levels of the ledger tree.
	pub depth: u8,
	/// Slot updates a step proves (padded to it).
	pub capacity: usize,
	/// Deposits a step can credit.
	pub deposits: usize,
	/// Withdrawals a step can burn.
	pub withdrawals: usize,
}

/// A step's public inputs.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Public {
	/// The proven root the step starts from.
	pub old_root: Fr,
	/// The root it ends at.
	pub new_root: Fr,
	/// The vault's running deposit hash before the step's deposits.
	pub deposits_from: Fr,
	/// The vault's running deposit hash after them.
	pub deposits_to: Fr,
	/// The hash chain of the step's withdrawals.
	pub withdrawals_digest: Fr,
}

impl Public {
	/// The field elements the verifier takes, in the circuit's order.
	pub fn inputs(&self) -> Vec<Fr> {
		vec![
			self.old_root,
			self.new_root,
			self.deposits_from,
			self.deposits_to,
			self.withdrawals_digest,
		]
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
	/// At most `shape.deposits` deposits, in the vault's order.
	pub deposits: Vec<Deposit>,
	/// At most `shape.withdrawals` withdrawals, in the chain's order.
	pub withdrawals: Vec<Withdrawal>,
}

/// Why a step cannot be witnessed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum WitnessError {
	/// More changed slots than the circuit's capacity (split the range).
	TooManyChanges,
	/// More deposits or withdrawals than the circuit takes (split the range).
	TooManyFlows,
	/// A slot beyond the tree.
	SlotOutOfRange,
	/// Fewer free slots than padding needs (a capacity above `2^depth`).
	NoRoomForPadding,
	/// A change gives an occupied slot another account.
	AccountChanged,
	/// A balance part or an amount wider than `BALANCE_BITS`.
	BalanceOutOfRange,
	/// A deposit for an account that no change in the step updates.
	DepositNotCredited,
	/// A withdrawal from a slot that no change in the step updates.
	WithdrawalNotDebited,
}

/// The ledger as the prover keeps it: the tree, the leaves behind it, and the vault's
/// running deposit hash as of the last step.
#[derive(Clone, Debug)]
pub struct Ledger {
	/// The Poseidon tree of the leaves' hashes.
	pub tree: PoseidonTree,
	/// Every non-empty slot's leaf.
	pub leaves: BTreeMap<u64, Leaf>,
	/// The running hash of the deposits credited so far.
	pub deposits_hash: Fr,
}

impl Ledger {
	/// An empty ledger of `depth` levels.
	pub fn new(depth: u8) -> Self {
		Self {
			tree: PoseidonTree::new(depth),
			leaves: BTreeMap::new(),
			deposits_hash: Fr::from(0u8),
		}
	}

	/// The root.
	pub fn root(&self) -> Fr {
		self.tree.root()
	}

	/// Applies `changes` (slot to its new leaf), crediting `deposits` and burning
	/// `withdrawals`, and returns the circuit of the step. On an error nothing changes.
	pub fn step(
		&mut self,
		shape: Shape,
		changes: &BTreeMap<u64, Leaf>,
		deposits: &[Deposit],
		withdrawals: &[Withdrawal],
	) -> Result<RangeCircuit, WitnessError> {
		assert_eq!(shape.depth, self.tree.depth(), "the ledger's depth is the circuit's");
		if changes.len() > shape.capacity {
			return Err(WitnessError::TooManyChanges);
		}
		if deposits.len() > shape.deposits || withdrawals.len() > shape.withdrawals {
			return Err(WitnessError::TooManyFlows);
		}
		let slots = 1u64 << shape.depth;
		for (slot, leaf) in changes {
			if *slot >= slots {
				return Err(WitnessError::SlotOutOfRange);
			}
			if self.leaves.get(slot).is_some_and(|old| old.account != leaf.account) {
				return Err(WitnessError::AccountChanged);
			}
			if !amount_fits(leaf.credit) || !amount_fits(leaf.debt) {
				return Err(WitnessError::BalanceOutOfRange);
			}
		}
		let amounts = deposits.iter().map(|d| d.amount).chain(withdrawals.iter().map(|w| w.amount));
		if !amounts.into_iter().all(amount_fits) {
			return Err(WitnessError::BalanceOutOfRange);
		}
		if !deposits.iter().all(|d| changes.values().any(|l| l.account == d.account)) {
			return Err(WitnessError::DepositNotCredited);
		}
		if !withdrawals.iter().all(|w| changes.contains_key(&w.slot)) {
			return Err(WitnessError::WithdrawalNotDebited);
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
				None => old.unwrap_or(Leaf::ZERO),
			};
			updates.push(Update { slot, active: change.is_some(), old, new, path });
		}
		let deposits_from = self.deposits_hash;
		self.deposits_hash = chain(deposits_from, deposits.iter().map(Deposit::entry));
		let public = Public {
			old_root,
			new_root: self.root(),
			deposits_from,
			deposits_to: self.deposits_hash,
			withdrawals_digest: chain(Fr::from(0u8), withdrawals.iter().map(Withdrawal::entry)),
		};
		Ok(RangeCircuit {
			shape,
			public,
			updates,
			deposits: deposits.to_vec(),
			withdrawals: withdrawals.to_vec(),
		})
	}
}

impl RangeCircuit {
	/// A valid circuit of `shape` with nothing changed (for the setup, which needs only the
	/// structure).
	pub fn blank(shape: Shape) -> Result<Self, WitnessError> {
		Ledger::new(shape.depth).step(shape, &BTreeMap::new(), &[], &[])
	}
}

fn witness(cs: &ConstraintSystemRef<Fr>, v: impl Into<Fr>) -> Result<FpVar<Fr>, SynthesisError> {
	let v = v.into();
	FpVar::new_witness(cs.clone(), || Ok(v))
}

/// A witness of `x`, range-checked to `bits` bits.
fn ranged(
	cs: &ConstraintSystemRef<Fr>,
	x: impl Into<Fr>,
	bits: usize,
) -> Result<FpVar<Fr>, SynthesisError> {
	let v = witness(cs, x)?;
	to_bits(&v, bits)?;
	Ok(v)
}

/// An account id's halves as witnesses, each range-checked to 128 bits.
fn account_vars(
	cs: &ConstraintSystemRef<Fr>,
	account: &[u8; 32],
) -> Result<[FpVar<Fr>; 2], SynthesisError> {
	let [hi, lo] = account_limbs(account);
	Ok([ranged(cs, hi, 128)?, ranged(cs, lo, 128)?])
}

/// `high * 2^BALANCE_BITS + low` (`leaf::pack` in the circuit).
fn pack_var(high: &FpVar<Fr>, low: &FpVar<Fr>) -> FpVar<Fr> {
	high * Fr::from(2u8).pow([BALANCE_BITS as u64]) + low
}

/// A leaf's hash in the circuit (`Leaf::hash`), from the hash of its account.
fn leaf_var(
	account: &FpVar<Fr>,
	exit: &FpVar<Fr>,
	credit: &FpVar<Fr>,
	debt: &FpVar<Fr>,
) -> Result<FpVar<Fr>, SynthesisError> {
	hash2(account, &hash2(exit, &pack_var(credit, debt))?)
}

/// An update's variables that the deposits and withdrawals refer to.
struct UpdateVars {
	active: Boolean<Fr>,
	slot: FpVar<Fr>,
	account: [FpVar<Fr>; 2],
}

/// `hash2(h, entry)` when `active`, else `h` unchanged: one link of a hash chain.
fn link(
	active: &Boolean<Fr>,
	h: &FpVar<Fr>,
	entry: &FpVar<Fr>,
) -> Result<FpVar<Fr>, SynthesisError> {
	FpVar::conditionally_select(active, &hash2(h, entry)?, h)
}

/// Enforces that an active entry matches an active update by `matches`.
fn enforce_found(
	active: &Boolean<Fr>,
	updates: &[UpdateVars],
	matches: impl Fn(&UpdateVars) -> Result<Boolean<Fr>, SynthesisError>,
) -> Result<(), SynthesisError> {
	let mut found = Vec::with_capacity(updates.len());
	for u in updates {
		found.push(u.active.clone() & matches(u)?);
	}
	(Boolean::kary_or(&found)? | !active.clone()).enforce_equal(&Boolean::TRUE)
}

impl ConstraintSynthesizer<Fr> for RangeCircuit {
	fn generate_constraints(self, cs: ConstraintSystemRef<Fr>) -> Result<(), SynthesisError> {
		let shape = self.shape;
		let d = shape.depth as usize;
		let p = self.public;
		let input = |v: Fr| FpVar::new_input(cs.clone(), || Ok(v));
		let old_root = input(p.old_root)?;
		let new_root = input(p.new_root)?;
		let deposits_from = input(p.deposits_from)?;
		let deposits_to = input(p.deposits_to)?;
		let withdrawals_digest = input(p.withdrawals_digest)?;
		let b = BALANCE_BITS;

		let mut root = old_root;
		let mut balance_change = FpVar::zero();
		let mut previous: Option<FpVar<Fr>> = None;
		let mut vars = Vec::with_capacity(shape.capacity);
		for u in self.updates.iter().take(shape.capacity) {
			let bits = (0..d)
				.map(|i| Boolean::new_witness(cs.clone(), || Ok((u.slot >> i) & 1 == 1)))
				.collect::<Result<Vec<_>, _>>()?;
			let slot = Boolean::le_bits_to_fp(&bits)?;
			if let Some(prev) = previous {
				to_bits(&(&slot - prev - Fr::from(1u8)), d)?;
			}
			previous = Some(slot.clone());
			let active = Boolean::new_witness(cs.clone(), || Ok(u.active))?;
			let empty = Boolean::new_witness(cs.clone(), || Ok(u.old.is_none()))?;
			let old = u.old.unwrap_or(Leaf::ZERO);
			// The account: the new leaf's (an empty slot takes any), the old one's otherwise.
			let [hi, lo] = account_vars(&cs, &u.new.account)?;
			let account = hash2(&hi, &lo)?;
			let (old_credit, old_debt) = (ranged(&cs, old.credit, b)?, ranged(&cs, old.debt, b)?);
			let empty_fp = FpVar::from(empty.clone());
			old_credit.mul_equals(&empty_fp, &FpVar::zero())?;
			old_debt.mul_equals(&empty_fp, &FpVar::zero())?;
			let old_exit = witness(&cs, old.exit_to_fr())?;
			let old_full = leaf_var(&account, &old_exit, &old_credit, &old_debt)?;
			let old_leaf = FpVar::conditionally_select(&empty, &FpVar::zero(), &old_full)?;
			let path = u.path.iter().map(|s| witness(&cs, *s)).collect::<Result<Vec<_>, _>>()?;
			root_from_path(&bits, &old_leaf, &path)?.enforce_equal(&root)?;

			let (new_credit, new_debt) =
				(ranged(&cs, u.new.credit, b)?, ranged(&cs, u.new.debt, b)?);
			let new_exit = ranged(&cs, u.new.exit_to_fr(), 160)?;
			let new_full = leaf_var(&account, &new_exit, &new_credit, &new_debt)?;
			let new_leaf = FpVar::conditionally_select(&active, &new_full, &old_leaf)?;
			root = root_from_path(&bits, &new_leaf, &path)?;
			let delta = (new_credit - new_debt) - (old_credit - old_debt);
			balance_change += FpVar::from(active.clone()) * delta;
			vars.push(UpdateVars { active, slot, account: [hi, lo] });
		}
		root.enforce_equal(&new_root)?;

		let mut flows = FpVar::zero();
		let mut h = deposits_from;
		for i in 0..shape.deposits {
			let dep = self.deposits.get(i);
			let active = Boolean::new_witness(cs.clone(), || Ok(dep.is_some()))?;
			let dep = dep.copied().unwrap_or(Deposit { account: [0; 32], amount: 0 });
			let [hi, lo] = account_vars(&cs, &dep.account)?;
			let amount = ranged(&cs, dep.amount, b)?;
			h = link(&active, &h, &hash2(&hi, &pack_var(&lo, &amount))?)?;
			enforce_found(&active, &vars, |u| {
				Ok(u.account[0].is_eq(&hi)? & u.account[1].is_eq(&lo)?)
			})?;
			flows += FpVar::from(active) * amount;
		}
		h.enforce_equal(&deposits_to)?;

		let mut digest = FpVar::zero();
		for i in 0..shape.withdrawals {
			let w = self.withdrawals.get(i);
			let active = Boolean::new_witness(cs.clone(), || Ok(w.is_some()))?;
			let w = w.copied().unwrap_or(Withdrawal { slot: 0, recipient: [0; 20], amount: 0 });
			let slot = ranged(&cs, w.slot, d)?;
			let recipient = ranged(&cs, address_fr(&w.recipient), 160)?;
			let amount = ranged(&cs, w.amount, b)?;
			digest = link(&active, &digest, &hash2(&recipient, &pack_var(&slot, &amount))?)?;
			enforce_found(&active, &vars, |u| u.slot.is_eq(&slot))?;
			flows -= FpVar::from(active) * amount;
		}
		digest.enforce_equal(&withdrawals_digest)?;

		balance_change.enforce_equal(&flows)?;
		Ok(())
	}
}
