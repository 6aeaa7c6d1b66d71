//! The withdrawals tree in storage, and the withdrawal proofs the runtime API serves.
//!
//! The runtime keeps no ledger tree: it records each epoch's ledger changes ([`epoch`]), and
//! nodes build the tree ([`bridge::LedgerTree`]). The withdrawals tree stays here: it is
//! append-only, one leaf per withdrawal (bounded per epoch), so maintaining it costs one path
//! per withdrawal.
use super::*;
use codec::Encode;

/// The withdrawals tree's chunks in storage.
pub(crate) struct StorageChunks<T>(core::marker::PhantomData<T>);

impl<T: Config> bridge::ChunkStore for StorageChunks<T> {
	fn get_chunk(&self, row: u8, index: u64) -> Option<bridge::Chunk> {
		WithdrawalChunks::<T>::get(row, index)
	}
	fn set_chunk(&mut self, row: u8, index: u64, chunk: &bridge::Chunk) {
		WithdrawalChunks::<T>::insert(row, index, chunk)
	}
}

/// The withdrawals tree in storage, read and written through a chunk cache
/// ([`bridge::ChunkedTree::flush`] writes what changed).
pub(crate) type StorageTree<T> = bridge::ChunkedTree<StorageChunks<T>>;

/// The withdrawals tree in storage.
pub(crate) fn storage_tree<T: Config>() -> StorageTree<T> {
	bridge::ChunkedTree::new(StorageChunks(Default::default()))
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

	/// Appends withdrawal leaf `leaf` at `index` of the withdrawals tree.
	pub(crate) fn append_withdrawal(index: u64, leaf: Hash) {
		let empties = bridge::empties(bridge::WITHDRAWALS_DEPTH);
		let mut tree = storage_tree::<T>();
		bridge::update_leaf(&mut tree, &empties, bridge::WITHDRAWALS_DEPTH, index, leaf);
		tree.flush();
	}

	/// The withdrawals tree's root.
	pub fn withdrawals_root() -> Hash {
		bridge::root(&storage_tree::<T>(), bridge::WITHDRAWALS_DEPTH)
	}

	/// The withdrawals tree's root when it held its first `count` leaves.
	pub(crate) fn withdrawals_root_at(count: u64) -> Hash {
		let tree = storage_tree::<T>();
		let empties = bridge::empties(bridge::WITHDRAWALS_DEPTH);
		bridge::root_at_count(&tree, &empties, bridge::WITHDRAWALS_DEPTH, count)
	}

	/// The Merkle proof of withdrawal `index` against the current withdrawals root.
	pub fn withdrawal_proof(index: u64) -> Option<Vec<Hash>> {
		Withdrawals::<T>::get(index)?;
		let empties = bridge::empties(bridge::WITHDRAWALS_DEPTH);
		let tree = storage_tree::<T>();
		Some(bridge::proof(&tree, &empties, bridge::WITHDRAWALS_DEPTH, index))
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
		let tree = storage_tree::<T>();
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
