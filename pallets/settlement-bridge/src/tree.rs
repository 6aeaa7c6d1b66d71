//! The ledger and withdrawals trees in storage, and the proofs the runtime API serves.
//!
//! The ledger tree is maintained here, incrementally (only changed accounts' leaves are
//! rehashed); everything that reads or writes tree nodes goes through this module, so that
//! the ledger commitment can be replaced (validity proofs change the tree) without touching
//! the attestation, deposit or withdrawal logic.
use super::*;
use codec::Encode;

/// Which tree a [`StorageTree`] reads and writes.
#[derive(Clone, Copy)]
pub(crate) enum TreeKind {
	Ledger,
	Withdrawals,
}

/// A tree's chunks in storage.
pub(crate) struct StorageChunks<T>(TreeKind, core::marker::PhantomData<T>);

impl<T: Config> bridge::ChunkStore for StorageChunks<T> {
	fn get_chunk(&self, row: u8, index: u64) -> Option<bridge::Chunk> {
		match self.0 {
			TreeKind::Ledger => LedgerChunks::<T>::get(row, index),
			TreeKind::Withdrawals => WithdrawalChunks::<T>::get(row, index),
		}
	}
	fn set_chunk(&mut self, row: u8, index: u64, chunk: &bridge::Chunk) {
		match self.0 {
			TreeKind::Ledger => LedgerChunks::<T>::insert(row, index, chunk),
			TreeKind::Withdrawals => WithdrawalChunks::<T>::insert(row, index, chunk),
		}
	}
}

/// A tree in storage, read and written through a chunk cache: [`bridge::ChunkedTree::flush`]
/// writes what changed.
pub(crate) type StorageTree<T> = bridge::ChunkedTree<StorageChunks<T>>;

/// The tree `kind` in storage.
pub(crate) fn storage_tree<T: Config>(kind: TreeKind) -> StorageTree<T> {
	bridge::ChunkedTree::new(StorageChunks(kind, Default::default()))
}

impl<T: Config> Pallet<T> {
	/// An account id as the 32 bytes of a leaf: its SCALE encoding, zero-padded (the
	/// runtime's `AccountId32` is exactly 32 bytes; a longer id is hashed).
	pub fn account_bytes(who: &T::AccountId) -> [u8; 32] {
		let enc = who.encode();
		if enc.len() > 32 {
			return bridge::keccak(&enc);
		}
		let mut a = [0u8; 32];
		a[..enc.len()].copy_from_slice(&enc);
		a
	}

	/// `who`'s settled collateral as a leaf holds it (a negative balance counts as zero).
	fn leaf_collateral(who: &T::AccountId) -> u128 {
		<T::Ledger as strikeline_primitives::BridgeLedger<_>>::collateral(who).unwrap_or(0).max(0)
			as u128
	}

	/// `who`'s current ledger leaf.
	pub fn ledger_leaf(who: &T::AccountId) -> Hash {
		bridge::ledger_leaf(
			&Self::account_bytes(who),
			&ExitAddresses::<T>::get(who),
			Self::leaf_collateral(who),
		)
	}

	/// Rehashes up to `max` changed leaves; returns how many.
	pub fn apply_changes(max: u32) -> u32 {
		let changed: Vec<T::AccountId> = Dirty::<T>::iter_keys().take(max as usize).collect();
		if changed.is_empty() {
			return 0;
		}
		let empties = bridge::empties(bridge::LEDGER_DEPTH);
		let mut tree = storage_tree::<T>(TreeKind::Ledger);
		for who in changed.iter() {
			Dirty::<T>::remove(who);
			let slot = Slots::<T>::get(who).unwrap_or_else(|| {
				let slot = NextSlot::<T>::get();
				NextSlot::<T>::put(slot.saturating_add(1));
				Slots::<T>::insert(who, slot);
				slot
			});
			let leaf = Self::ledger_leaf(who);
			bridge::update_leaf(&mut tree, &empties, bridge::LEDGER_DEPTH, slot, leaf);
		}
		tree.flush();
		changed.len() as u32
	}

	/// Appends withdrawal leaf `leaf` at `index` of the withdrawals tree.
	pub(crate) fn append_withdrawal(index: u64, leaf: Hash) {
		let empties = bridge::empties(bridge::WITHDRAWALS_DEPTH);
		let mut tree = storage_tree::<T>(TreeKind::Withdrawals);
		bridge::update_leaf(&mut tree, &empties, bridge::WITHDRAWALS_DEPTH, index, leaf);
		tree.flush();
	}

	/// The ledger tree's root.
	pub fn ledger_root() -> Hash {
		bridge::root(&storage_tree::<T>(TreeKind::Ledger), bridge::LEDGER_DEPTH)
	}

	/// The withdrawals tree's root.
	pub fn withdrawals_root() -> Hash {
		bridge::root(&storage_tree::<T>(TreeKind::Withdrawals), bridge::WITHDRAWALS_DEPTH)
	}

	/// The withdrawals tree's root when it held its first `count` leaves.
	pub(crate) fn withdrawals_root_at(count: u64) -> Hash {
		let tree = storage_tree::<T>(TreeKind::Withdrawals);
		let empties = bridge::empties(bridge::WITHDRAWALS_DEPTH);
		bridge::root_at_count(&tree, &empties, bridge::WITHDRAWALS_DEPTH, count)
	}

	/// The Merkle proof of `who`'s ledger leaf against the current root.
	pub fn ledger_proof(who: &T::AccountId) -> Option<(u64, Vec<Hash>)> {
		let slot = Slots::<T>::get(who)?;
		let empties = bridge::empties(bridge::LEDGER_DEPTH);
		let tree = storage_tree::<T>(TreeKind::Ledger);
		Some((slot, bridge::proof(&tree, &empties, bridge::LEDGER_DEPTH, slot)))
	}

	/// The Merkle proof of withdrawal `index` against the current withdrawals root.
	pub fn withdrawal_proof(index: u64) -> Option<Vec<Hash>> {
		Withdrawals::<T>::get(index)?;
		let empties = bridge::empties(bridge::WITHDRAWALS_DEPTH);
		let tree = storage_tree::<T>(TreeKind::Withdrawals);
		Some(bridge::proof(&tree, &empties, bridge::WITHDRAWALS_DEPTH, index))
	}

	/// `who`'s ledger leaf and proof, for the runtime API.
	pub fn ledger_proof_view(
		who: &T::AccountId,
	) -> Option<strikeline_primitives::api::LedgerProof> {
		let (slot, proof) = Self::ledger_proof(who)?;
		Some(strikeline_primitives::api::LedgerProof {
			slot,
			account: Self::account_bytes(who),
			exit_to: ExitAddresses::<T>::get(who),
			collateral: Self::leaf_collateral(who),
			proof,
		})
	}

	/// Withdrawal `index` with its proof against closed epoch `epoch`'s withdrawals root, for
	/// the runtime API.
	pub fn withdrawal_proof_view(
		index: u64,
		epoch: u64,
	) -> Option<strikeline_primitives::api::WithdrawalProof> {
		let w = Withdrawals::<T>::get(index)?;
		let count = WithdrawalCountAt::<T>::get(epoch)?;
		if index >= count {
			return None;
		}
		let empties = bridge::empties(bridge::WITHDRAWALS_DEPTH);
		let tree = storage_tree::<T>(TreeKind::Withdrawals);
		Some(strikeline_primitives::api::WithdrawalProof {
			index,
			account: Self::account_bytes(&w.who),
			recipient: w.recipient,
			amount: w.amount,
			epoch: w.epoch,
			proof: bridge::proof_at_count(&tree, &empties, bridge::WITHDRAWALS_DEPTH, index, count),
		})
	}
}
