//! A ledger leaf: one account's balance as the circuit sees it.
//!
//! `leaf = hash2(hash2(account_hi, account_lo), hash2(exit_to, credit * 2^120 + debt))`:
//! the 32-byte account id as two 128-bit big-endian halves, the 20-byte exit address as one
//! field element, and the signed balance `credit - debt` as two non-negative parts below
//! `2^BALANCE_BITS` packed into one element (injective since both are range-checked). A
//! negative balance (debt) is a leaf like any other, so conservation sums every balance. An
//! empty slot is the field element 0, which no leaf hashes to (as likely as a Poseidon
//! preimage of 0).

use crate::poseidon::hash2;
use ark_bn254::Fr;
use ark_ff::{Field, PrimeField};

/// Bits of a leaf's credit and of its debt (in the collateral asset's smallest unit, USDC's
/// 1e-6: 2^120 is about 1.3e30 dollars, far above any supply).
pub const BALANCE_BITS: usize = 120;

/// One account's leaf.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Leaf {
	/// The account's id on Strikeline.
	pub account: [u8; 32],
	/// Where an escape exit pays it on Ethereum.
	pub exit_to: [u8; 20],
	/// The positive part of the balance.
	pub credit: u128,
	/// The negative part of the balance (a deficit).
	pub debt: u128,
}

impl Leaf {
	/// The all-zero leaf: the placeholder behind padding and inactive entries (an empty
	/// slot itself is the field element 0, not this leaf's hash).
	pub const ZERO: Leaf = Leaf { account: [0; 32], exit_to: [0; 20], credit: 0, debt: 0 };

	/// A leaf of `balance` (positive: credit, negative: debt).
	pub fn new(account: [u8; 32], exit_to: [u8; 20], balance: i128) -> Self {
		let (credit, debt) =
			if balance >= 0 { (balance.unsigned_abs(), 0) } else { (0, balance.unsigned_abs()) };
		Self { account, exit_to, credit, debt }
	}

	/// The balance, `credit - debt`.
	pub fn balance(&self) -> i128 {
		// Both are below 2^BALANCE_BITS < 2^127 in any leaf the circuit accepts.
		self.credit as i128 - self.debt as i128
	}

	/// The account id's halves.
	pub fn account_limbs(&self) -> [Fr; 2] {
		account_limbs(&self.account)
	}

	/// The exit address as a field element.
	pub fn exit_to_fr(&self) -> Fr {
		address_fr(&self.exit_to)
	}

	/// The leaf's hash.
	pub fn hash(&self) -> Fr {
		let [hi, lo] = self.account_limbs();
		hash2(hash2(hi, lo), hash2(self.exit_to_fr(), pack(self.credit, self.debt)))
	}
}

/// A 32-byte account id as two 128-bit big-endian halves `[hi, lo]`.
pub fn account_limbs(account: &[u8; 32]) -> [Fr; 2] {
	[Fr::from_be_bytes_mod_order(&account[..16]), Fr::from_be_bytes_mod_order(&account[16..])]
}

/// A 20-byte Ethereum address as one field element.
pub fn address_fr(address: &[u8; 20]) -> Fr {
	Fr::from_be_bytes_mod_order(address)
}

/// `credit * 2^BALANCE_BITS + debt`.
pub fn pack(credit: u128, debt: u128) -> Fr {
	Fr::from(credit) * Fr::from(2u8).pow([BALANCE_BITS as u64]) + Fr::from(debt)
}
