//! What crosses the bridge in a step, as the circuit and the contracts hash it.
//!
//! - A **deposit** the vault received for a Strikeline account: `entry = hash2(account_hi,
//!   account_lo * 2^120 + amount)`. The vault keeps a running hash over every deposit in
//!   order, `h_n = hash2(h_{n-1}, entry_n)` from `h_0 = 0` (`chain`), so a step's deposits are
//!   exactly the vault's deposits `from..to` when the step's public `deposits_from` and
//!   `deposits_to` are the vault's running hashes at those counts.
//! - A **withdrawal** burned on Strikeline from the account at `slot`, payable to
//!   `recipient`: `entry = hash2(recipient, slot * 2^120 + amount)`. A step's withdrawals
//!   are bound by `digest = chain(0, entries)`, which the anchor recomputes from the list it
//!   is given (and then adds to its withdrawals tree).
//!
//! The packings are injective: amounts are below `2^120` (`BALANCE_BITS`), account halves
//! below `2^128` and slots below `2^63`, so every packed value is below `2^248 < p`.

use crate::{
	leaf::{account_limbs, address_fr, pack, BALANCE_BITS},
	poseidon::hash2,
};
use ark_bn254::Fr;

/// A deposit credited to `account`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Deposit {
	/// The Strikeline account credited.
	pub account: [u8; 32],
	/// The amount, in the collateral's smallest unit.
	pub amount: u128,
}

impl Deposit {
	/// The deposit's entry in the vault's running hash.
	pub fn entry(&self) -> Fr {
		let [hi, lo] = account_limbs(&self.account);
		hash2(hi, lo * pack(1, 0) + Fr::from(self.amount))
	}
}

/// A withdrawal burned from the account at `slot`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Withdrawal {
	/// The leaf slot debited.
	pub slot: u64,
	/// Who the vault pays on Ethereum.
	pub recipient: [u8; 20],
	/// The amount, in the collateral's smallest unit.
	pub amount: u128,
}

impl Withdrawal {
	/// The withdrawal's entry in a step's digest.
	pub fn entry(&self) -> Fr {
		hash2(address_fr(&self.recipient), pack(self.slot.into(), self.amount))
	}
}

/// `h` extended by `entries` in order: `h = hash2(h, entry)` each.
pub fn chain(from: Fr, entries: impl IntoIterator<Item = Fr>) -> Fr {
	entries.into_iter().fold(from, hash2)
}

/// Whether an amount fits the circuit.
pub fn amount_fits(amount: u128) -> bool {
	amount >> BALANCE_BITS == 0
}
