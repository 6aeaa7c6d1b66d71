//! What Strikeline commits to Ethereum, encoded as the contracts in `bridge/contracts` decode
//! it: epoch commitments and their keccak-256 hash (`keccak256(abi.encode(commitment))`),
//! validator set hashes, ledger and withdrawal leaves, and fixed-depth positional Merkle trees
//! that can be updated one leaf at a time.
//!
//! ## Trees
//!
//! A tree of depth `d` has `2^d` leaf positions; a leaf's position is its index, and bit `h`
//! of the index says whether its ancestor at height `h` is a right child. An empty leaf is
//! zero; an empty subtree of height `h + 1` hashes two empty subtrees of height `h`. Inner
//! nodes are `keccak256(left ++ right)`. Updating a leaf rehashes its path: `d` hashes and
//! `d` sibling reads, whatever the tree's size ([`update_leaf`]), so an epoch's work grows
//! with the accounts that changed, not with all accounts.
use alloc::vec::Vec;
use codec::{Decode, DecodeWithMemTracking, Encode, MaxEncodedLen};
use scale_info::TypeInfo;

/// A 32-byte keccak-256 hash.
pub type Hash = [u8; 32];
/// An Ethereum address.
pub type EthAddress = [u8; 20];

/// Depth of the ledger tree (one leaf per account, at the account's slot index).
pub const LEDGER_DEPTH: u8 = 32;
/// Depth of the append-only withdrawals tree (a leaf's index is the withdrawal's sequence
/// number over the chain's history).
pub const WITHDRAWALS_DEPTH: u8 = 32;

/// keccak-256.
pub fn keccak(data: &[u8]) -> Hash {
	polkadot_sdk::sp_io::hashing::keccak_256(data)
}

/// An inner node.
pub fn node(left: &Hash, right: &Hash) -> Hash {
	let mut both = [0u8; 64];
	both[..32].copy_from_slice(left);
	both[32..].copy_from_slice(right);
	keccak(&both)
}

/// The root of an empty subtree of `height`.
pub fn empty(height: u8) -> Hash {
	empties(height)[height as usize]
}

/// A 32-byte ABI word holding `x`.
fn word_u128(x: u128) -> Hash {
	let mut w = [0u8; 32];
	w[16..].copy_from_slice(&x.to_be_bytes());
	w
}

fn word_u64(x: u64) -> Hash {
	word_u128(x as u128)
}

fn word_address(a: &EthAddress) -> Hash {
	let mut w = [0u8; 32];
	w[12..].copy_from_slice(a);
	w
}

fn hash_words(words: &[Hash]) -> Hash {
	let mut data = Vec::with_capacity(words.len() * 32);
	for w in words {
		data.extend_from_slice(w);
	}
	keccak(&data)
}

/// Domain tag of ledger leaves: `keccak256("strikeline/bridge/ledger-leaf/v1")`.
pub fn ledger_leaf_tag() -> Hash {
	keccak(b"strikeline/bridge/ledger-leaf/v1")
}

/// Domain tag of withdrawal leaves: `keccak256("strikeline/bridge/withdrawal-leaf/v1")`.
pub fn withdrawal_leaf_tag() -> Hash {
	keccak(b"strikeline/bridge/withdrawal-leaf/v1")
}

/// A ledger leaf: `keccak256(abi.encode(LEDGER_LEAF_TAG, bytes32 account, address exitTo,
/// uint256 collateral))`.
pub fn ledger_leaf(account: &[u8; 32], exit_to: &EthAddress, collateral: u128) -> Hash {
	hash_words(&[ledger_leaf_tag(), *account, word_address(exit_to), word_u128(collateral)])
}

/// A withdrawal leaf, payable by `vault` only: `keccak256(abi.encode(WITHDRAWAL_LEAF_TAG,
/// address vault, bytes32 account, address recipient, uint256 amount))`.
pub fn withdrawal_leaf(
	vault: &EthAddress,
	account: &[u8; 32],
	recipient: &EthAddress,
	amount: u128,
) -> Hash {
	hash_words(&[
		withdrawal_leaf_tag(),
		word_address(vault),
		*account,
		word_address(recipient),
		word_u128(amount),
	])
}

/// The hash epoch 1 of network `chain_id` chains to (the anchor is deployed with it):
/// `keccak256("strikeline/bridge/genesis" ++ chain_id)`, the chain id big-endian (8 bytes).
pub fn genesis_hash(chain_id: u64) -> Hash {
	let mut data = [0u8; 25 + 8];
	data[..25].copy_from_slice(b"strikeline/bridge/genesis");
	data[25..].copy_from_slice(&chain_id.to_be_bytes());
	keccak(&data)
}

/// Whether `set` may be a validator set: 1 or more strictly increasing, non-zero addresses
/// (so that no key counts twice and no slot is one nobody can sign for), as the anchor
/// requires.
pub fn is_validator_set(set: &[EthAddress]) -> bool {
	!set.is_empty() && set[0] != [0u8; 20] && set.windows(2).all(|w| w[0] < w[1])
}

/// The address of the settlement anchor that vault `vault` creates in its constructor: the
/// vault's first contract, `CREATE` at nonce 1, `keccak256(rlp([vault, 1]))[12..]`.
pub fn anchor_address(vault: &EthAddress) -> EthAddress {
	let mut rlp = [0u8; 23];
	rlp[0] = 0xd6;
	rlp[1] = 0x94;
	rlp[2..22].copy_from_slice(vault);
	rlp[22] = 0x01;
	let h = keccak(&rlp);
	let mut a = [0u8; 20];
	a.copy_from_slice(&h[12..]);
	a
}

/// What validators sign for commitment hash `hash`, bound to one Ethereum deployment:
/// `keccak256(abi.encode(keccak256("strikeline/bridge/commitment/v2"), uint256 ethChainId,
/// address anchor, bytes32 hash))`.
pub fn commitment_digest(hash: &Hash, eth_chain_id: u64, anchor: &EthAddress) -> Hash {
	hash_words(&[
		keccak(b"strikeline/bridge/commitment/v2"),
		word_u64(eth_chain_id),
		word_address(anchor),
		*hash,
	])
}

/// A validator set's hash: `keccak256(abi.encode(address[]))`.
pub fn validator_set_hash(validators: &[EthAddress]) -> Hash {
	let mut words = Vec::with_capacity(validators.len() + 2);
	words.push(word_u64(32));
	words.push(word_u64(validators.len() as u64));
	words.extend(validators.iter().map(word_address));
	hash_words(&words)
}

/// A deposit the vault emitted, as validators vote for it.
#[derive(
	Clone,
	Copy,
	Debug,
	PartialEq,
	Eq,
	Encode,
	Decode,
	DecodeWithMemTracking,
	TypeInfo,
	MaxEncodedLen,
)]
pub struct Deposit {
	/// The vault's deposit id.
	pub id: u64,
	/// The Strikeline account credited (its 32-byte id).
	pub account: [u8; 32],
	/// Who deposited on Ethereum (the account's default exit address, and where a refund
	/// goes).
	pub from: EthAddress,
	/// Base units of the collateral token, as the vault received them.
	pub amount: u128,
}

/// What a validator signs to vote for a deposit of vault `vault` seen on Ethereum:
/// keccak-256 of `"strikeline/bridge/deposit/v2" ++ chain_id ++ vault ++ id ++ account ++
/// from ++ amount` (integers big-endian: 8, 8 and 16 bytes).
pub fn deposit_vote_hash(chain_id: u64, vault: &EthAddress, d: &Deposit) -> Hash {
	let mut data = Vec::with_capacity(28 + 8 + 20 + 8 + 32 + 20 + 16);
	data.extend_from_slice(b"strikeline/bridge/deposit/v2");
	data.extend_from_slice(&chain_id.to_be_bytes());
	data.extend_from_slice(vault);
	data.extend_from_slice(&d.id.to_be_bytes());
	data.extend_from_slice(&d.account);
	data.extend_from_slice(&d.from);
	data.extend_from_slice(&d.amount.to_be_bytes());
	keccak(&data)
}

/// An epoch commitment, as validators sign it and the settlement anchor checks it.
#[derive(
	Clone,
	Copy,
	Debug,
	Default,
	PartialEq,
	Eq,
	Encode,
	Decode,
	DecodeWithMemTracking,
	TypeInfo,
	MaxEncodedLen,
)]
pub struct Commitment {
	/// Strikeline's chain id.
	pub chain_id: u64,
	/// Epoch number, from 1.
	pub epoch: u64,
	/// The block that closed the epoch.
	pub block_number: u64,
	/// Id of the validator set that signs it.
	pub validator_set_id: u64,
	/// How many of the vault's deposits (ids `0..deposits_credited`) the ledger credited, as
	/// of `ledger_root` (after a freeze the vault refunds the others).
	pub deposits_credited: u64,
	/// Root of the ledger tree.
	pub ledger_root: Hash,
	/// Root of the withdrawals tree.
	pub withdrawals_root: Hash,
	/// [`validator_set_hash`] of the set that signs the next epoch.
	pub next_validator_set_hash: Hash,
	/// Hash of the previous epoch's commitment (the genesis hash for epoch 1).
	pub previous_hash: Hash,
}

impl Commitment {
	/// `keccak256(abi.encode(commitment))`, what commitments chain by; validators sign it
	/// bound to a deployment ([`commitment_digest`]).
	pub fn hash(&self) -> Hash {
		hash_words(&[
			word_u64(self.chain_id),
			word_u64(self.epoch),
			word_u64(self.block_number),
			word_u64(self.validator_set_id),
			word_u64(self.deposits_credited),
			self.ledger_root,
			self.withdrawals_root,
			self.next_validator_set_hash,
			self.previous_hash,
		])
	}
}

/// Where a tree's non-empty nodes live (storage in the pallet, a map in tests).
pub trait NodeStore {
	/// The node at `height` (0: leaves) and `index`, if not empty.
	fn get(&self, height: u8, index: u64) -> Option<Hash>;
	/// Sets the node at `height` and `index`.
	fn set(&mut self, height: u8, index: u64, hash: Hash);
}

/// Nodes kept in memory (tests, and off-chain tools that rebuild a tree).
#[derive(Clone, Debug, Default)]
pub struct MemoryTree(pub alloc::collections::BTreeMap<(u8, u64), Hash>);

impl NodeStore for MemoryTree {
	fn get(&self, height: u8, index: u64) -> Option<Hash> {
		self.0.get(&(height, index)).copied()
	}
	fn set(&mut self, height: u8, index: u64, hash: Hash) {
		self.0.insert((height, index), hash);
	}
}

/// An account's ledger values as the bridge pallet records them in an epoch's ledger changes
/// (the last write of the epoch wins, so a closed epoch's record is the account's values at
/// the epoch's boundary).
#[derive(
	Clone,
	Copy,
	Debug,
	Default,
	PartialEq,
	Eq,
	Encode,
	Decode,
	DecodeWithMemTracking,
	TypeInfo,
	MaxEncodedLen,
)]
pub struct LedgerChange {
	/// The account's leaf position (slots are assigned in order of first change).
	pub slot: u64,
	/// The Ethereum address the account exits to (zero until its first deposit or until set).
	pub exit_to: EthAddress,
	/// Settled collateral in base units (negative only as a recorded deficit).
	pub collateral: i128,
}

impl LedgerChange {
	/// The account's leaf with these values ([`ledger_leaf`]; a negative balance counts as
	/// zero, [`leaf_collateral`]).
	pub fn leaf(&self, account: &[u8; 32]) -> Hash {
		ledger_leaf(account, &self.exit_to, leaf_collateral(self.collateral))
	}
}

/// The collateral a ledger leaf holds for a settled balance: a negative balance counts as zero.
pub fn leaf_collateral(collateral: i128) -> u128 {
	collateral.max(0) as u128
}

/// Why a [`LedgerTree`] refused an epoch's changes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum LedgerTreeError {
	/// The changes are not of the epoch after the tree's.
	WrongEpoch {
		/// The epoch the tree expected.
		expected: u64,
		/// The epoch offered.
		got: u64,
	},
	/// A slot already belongs to another account, or an account moved slots.
	SlotConflict {
		/// The slot.
		slot: u64,
	},
	/// A slot beyond the tree's depth.
	SlotOutOfRange {
		/// The slot.
		slot: u64,
	},
}

/// The ledger tree off chain: validators' nodes build it from each closed epoch's ledger
/// changes and sign its root; tests and tools rebuild it the same way. The runtime keeps no
/// tree (it records each epoch's changes); this is the one definition of the root.
#[derive(Clone, Debug, Default)]
pub struct LedgerTree {
	nodes: MemoryTree,
	leaves: alloc::collections::BTreeMap<u64, ([u8; 32], LedgerChange)>,
	slots: alloc::collections::BTreeMap<[u8; 32], u64>,
	epoch: u64,
}

impl LedgerTree {
	/// The last epoch applied (0: none).
	pub fn epoch(&self) -> u64 {
		self.epoch
	}

	/// The root of the ledger as of [`Self::epoch`]'s boundary.
	pub fn root(&self) -> Hash {
		root(&self.nodes, LEDGER_DEPTH)
	}

	/// How many accounts have a leaf.
	pub fn len(&self) -> usize {
		self.leaves.len()
	}

	/// Whether no account has a leaf.
	pub fn is_empty(&self) -> bool {
		self.leaves.is_empty()
	}

	/// Applies epoch `epoch`'s ledger changes (the epoch after the tree's); returns the new
	/// root. Refused as a whole, changing nothing, if a slot is out of range or taken by
	/// another account, or an account changes slot.
	pub fn apply(
		&mut self,
		epoch: u64,
		changes: &[([u8; 32], LedgerChange)],
	) -> Result<Hash, LedgerTreeError> {
		let expected = self.epoch.saturating_add(1);
		if epoch != expected {
			return Err(LedgerTreeError::WrongEpoch { expected, got: epoch });
		}
		let mut claimed = alloc::collections::BTreeMap::new();
		for (account, change) in changes {
			let slot = change.slot;
			if slot >> LEDGER_DEPTH != 0 {
				return Err(LedgerTreeError::SlotOutOfRange { slot });
			}
			let holder = self.leaves.get(&slot).map(|l| &l.0);
			let moved = self.slots.get(account).is_some_and(|s| *s != slot);
			let twice = claimed.insert(slot, *account).is_some_and(|a| a != *account);
			if holder.is_some_and(|a| a != account) || moved || twice {
				return Err(LedgerTreeError::SlotConflict { slot });
			}
		}
		let empties = empties(LEDGER_DEPTH);
		for (account, change) in changes {
			update_leaf(&mut self.nodes, &empties, LEDGER_DEPTH, change.slot, change.leaf(account));
			self.leaves.insert(change.slot, (*account, *change));
			self.slots.insert(*account, change.slot);
		}
		self.epoch = epoch;
		Ok(self.root())
	}

	/// `account`'s leaf values and Merkle proof against [`Self::root`].
	pub fn proof(&self, account: &[u8; 32]) -> Option<crate::api::LedgerProof> {
		let slot = *self.slots.get(account)?;
		let (_, change) = self.leaves.get(&slot)?;
		Some(crate::api::LedgerProof {
			slot,
			account: *account,
			exit_to: change.exit_to,
			collateral: leaf_collateral(change.collateral),
			proof: proof(&self.nodes, &empties(LEDGER_DEPTH), LEDGER_DEPTH, slot),
		})
	}

	/// The tree of a whole ledger as of `epoch`'s boundary (every account's leaf values, as
	/// a node reads them from the state of the epoch's last block when earlier epochs'
	/// changes are pruned).
	pub fn from_leaves(
		epoch: u64,
		leaves: &[([u8; 32], LedgerChange)],
	) -> Result<Self, LedgerTreeError> {
		let mut tree = LedgerTree { epoch: epoch.saturating_sub(1), ..Default::default() };
		tree.apply(epoch, leaves)?;
		Ok(tree)
	}

	/// Every account's leaf values, by slot.
	pub fn leaves(&self) -> impl Iterator<Item = (u64, &([u8; 32], LedgerChange))> {
		self.leaves.iter().map(|(s, l)| (*s, l))
	}
}

/// Heights of the tree a [`Chunk`] covers.
pub const CHUNK_HEIGHTS: u8 = 4;
/// Nodes in a [`Chunk`]: 16 + 8 + 4 + 2.
pub const CHUNK_NODES: usize = 30;
/// A storage chunk of a tree: the nodes of 4 consecutive heights `4r..4r+3` below one node of
/// height `4r + 4` (16, 8, 4 and 2 of them, bottom-up); an all-zero hash is an absent node.
/// Updating a leaf of a depth-32 tree touches 9 chunks (8 rows and the root's) instead of 33
/// nodes, and leaves updated together share the chunks of their common ancestors.
pub type Chunk = [Hash; CHUNK_NODES];

/// Where node `(height, index)` is kept: (chunk row, chunk index, position in the chunk).
pub fn chunk_position(height: u8, index: u64) -> (u8, u64, usize) {
	const OFFSETS: [usize; 4] = [0, 16, 24, 28];
	let (row, k) = (height / CHUNK_HEIGHTS, height % CHUNK_HEIGHTS);
	let width_log2 = CHUNK_HEIGHTS - k;
	let position = OFFSETS[k as usize] + (index & ((1u64 << width_log2) - 1)) as usize;
	(row, index >> width_log2, position)
}

/// Where a [`ChunkedTree`] keeps its chunks.
pub trait ChunkStore {
	/// Chunk `index` of row `row`, if any node of it was set.
	fn get_chunk(&self, row: u8, index: u64) -> Option<Chunk>;
	/// Writes chunk `index` of row `row`.
	fn set_chunk(&mut self, row: u8, index: u64, chunk: &Chunk);
}

/// A [`NodeStore`] over chunks, with a write-back cache: each chunk is read at most once and
/// written at most once (at [`ChunkedTree::flush`]) however many of its nodes are used.
pub struct ChunkedTree<S> {
	/// The backing store.
	pub store: S,
	cache: core::cell::RefCell<alloc::collections::BTreeMap<(u8, u64), (Chunk, bool)>>,
}

impl<S: ChunkStore> ChunkedTree<S> {
	/// A tree over `store`, nothing cached yet.
	pub fn new(store: S) -> Self {
		ChunkedTree { store, cache: Default::default() }
	}

	fn with_chunk<R>(&self, row: u8, index: u64, f: impl FnOnce(&mut (Chunk, bool)) -> R) -> R {
		let mut cache = self.cache.borrow_mut();
		let entry = cache.entry((row, index)).or_insert_with(|| {
			(self.store.get_chunk(row, index).unwrap_or([[0u8; 32]; CHUNK_NODES]), false)
		});
		f(entry)
	}

	/// Writes the changed chunks back; returns how many.
	pub fn flush(&mut self) -> u32 {
		let cache = core::mem::take(&mut *self.cache.borrow_mut());
		let mut written = 0;
		for ((row, index), (chunk, dirty)) in cache {
			if dirty {
				self.store.set_chunk(row, index, &chunk);
				written += 1;
			}
		}
		written
	}
}

impl<S: ChunkStore> NodeStore for ChunkedTree<S> {
	fn get(&self, height: u8, index: u64) -> Option<Hash> {
		let (row, chunk, position) = chunk_position(height, index);
		let hash = self.with_chunk(row, chunk, |(c, _)| c[position]);
		(hash != [0u8; 32]).then_some(hash)
	}
	fn set(&mut self, height: u8, index: u64, hash: Hash) {
		let (row, chunk, position) = chunk_position(height, index);
		self.with_chunk(row, chunk, |(c, dirty)| {
			c[position] = hash;
			*dirty = true;
		});
	}
}

impl ChunkStore for alloc::collections::BTreeMap<(u8, u64), Chunk> {
	fn get_chunk(&self, row: u8, index: u64) -> Option<Chunk> {
		self.get(&(row, index)).copied()
	}
	fn set_chunk(&mut self, row: u8, index: u64, chunk: &Chunk) {
		self.insert((row, index), *chunk);
	}
}

/// Sets leaf `index` of a tree of `depth` to `leaf` and rehashes its path; returns the root.
/// `depth` hashes and sibling reads. `empties[h]` must be [`empty`]`(h)` for `h <= depth`.
pub fn update_leaf<S: NodeStore>(
	store: &mut S,
	empties: &[Hash],
	depth: u8,
	index: u64,
	leaf: Hash,
) -> Hash {
	let mut hash = leaf;
	let mut i = index;
	store.set(0, i, hash);
	for h in 0..depth {
		let sibling = store.get(h, i ^ 1).unwrap_or(empties[h as usize]);
		hash = if i & 1 == 0 { node(&hash, &sibling) } else { node(&sibling, &hash) };
		i >>= 1;
		store.set(h + 1, i, hash);
	}
	hash
}

/// The root of a tree of `depth` (empty if nothing was ever set).
pub fn root<S: NodeStore>(store: &S, depth: u8) -> Hash {
	store.get(depth, 0).unwrap_or_else(|| empty(depth))
}

/// The Merkle proof of leaf `index`: its siblings, bottom-up.
pub fn proof<S: NodeStore>(store: &S, empties: &[Hash], depth: u8, index: u64) -> Vec<Hash> {
	(0..depth).map(|h| store.get(h, (index >> h) ^ 1).unwrap_or(empties[h as usize])).collect()
}

/// Node `(height, index)` of an append-only tree as it was when it held its first `count`
/// leaves (nodes wholly past `count` were empty; nodes straddling it are recomputed, one path,
/// so at most `height` levels deep).
fn node_at_count<S: NodeStore>(
	store: &S,
	empties: &[Hash],
	height: u8,
	index: u64,
	count: u64,
) -> Hash {
	let start = index.saturating_mul(1u64 << height);
	let end = start.saturating_add(1u64 << height);
	if start >= count {
		empties[height as usize]
	} else if end <= count || height == 0 {
		store.get(height, index).unwrap_or(empties[height as usize])
	} else {
		let l = node_at_count(store, empties, height - 1, index * 2, count);
		let r = node_at_count(store, empties, height - 1, index * 2 + 1, count);
		node(&l, &r)
	}
}

/// The proof of leaf `index` of an append-only tree against its root when it held `count`
/// leaves (`index < count`): a withdrawal's proof against any epoch's withdrawals root from
/// today's nodes.
pub fn proof_at_count<S: NodeStore>(
	store: &S,
	empties: &[Hash],
	depth: u8,
	index: u64,
	count: u64,
) -> Vec<Hash> {
	(0..depth).map(|h| node_at_count(store, empties, h, (index >> h) ^ 1, count)).collect()
}

/// The root of an append-only tree when it held `count` leaves.
pub fn root_at_count<S: NodeStore>(store: &S, empties: &[Hash], depth: u8, count: u64) -> Hash {
	node_at_count(store, empties, depth, 0, count)
}

/// The root a leaf and its proof lead to (what the contracts compute).
pub fn root_from_proof(leaf: Hash, index: u64, proof: &[Hash]) -> Hash {
	proof.iter().enumerate().fold(leaf, |acc, (h, sibling)| {
		if (index >> h) & 1 == 0 {
			node(&acc, sibling)
		} else {
			node(sibling, &acc)
		}
	})
}

/// [`empty`] for every height up to `depth`.
pub fn empties(depth: u8) -> Vec<Hash> {
	let mut v = Vec::with_capacity(depth as usize + 1);
	let mut h = [0u8; 32];
	for _ in 0..=depth {
		v.push(h);
		h = node(&h, &h);
	}
	v
}

#[cfg(test)]
mod tests {
	use super::*;

	#[test]
	fn chunk_positions_tile_the_tree() {
		// Every node of the top 9 heights of a tree has its own (row, chunk, position), and
		// a node's parent is in the same chunk unless it starts the next row.
		let mut seen = BTreeMap::new();
		for h in 0..9u8 {
			for i in 0..(1u64 << (9 - h)) {
				assert!(seen.insert(chunk_position(h, i), (h, i)).is_none());
				let (row, chunk, _) = chunk_position(h, i);
				let (prow, pchunk, _) = chunk_position(h + 1, i / 2);
				if (h + 1) % CHUNK_HEIGHTS != 0 {
					assert_eq!((prow, pchunk), (row, chunk));
				}
			}
		}
		assert_eq!(chunk_position(32, 0), (8, 0, 0));
	}

	#[test]
	fn a_chunked_tree_has_the_roots_and_proofs_of_the_plain_one() {
		let e = empties(LEDGER_DEPTH);
		let mut plain = MemoryTree::default();
		let mut chunks = BTreeMap::new();
		let indices = [0u64, 1, 15, 16, 17, 255, 256, 65_537, (1 << 32) - 1, 3, 1];
		for (n, &i) in indices.iter().enumerate() {
			let leaf = keccak(&(n as u64).to_be_bytes());
			let expected = update_leaf(&mut plain, &e, LEDGER_DEPTH, i, leaf);
			let mut tree = ChunkedTree::new(core::mem::take(&mut chunks));
			assert_eq!(update_leaf(&mut tree, &e, LEDGER_DEPTH, i, leaf), expected);
			// 8 rows of 4 heights and the root: at most 9 chunks written per leaf.
			assert!(tree.flush() <= 9);
			chunks = tree.store;
			let tree = ChunkedTree::new(chunks.clone());
			assert_eq!(root(&tree, LEDGER_DEPTH), expected);
			for &j in &indices[..=n] {
				assert_eq!(proof(&tree, &e, LEDGER_DEPTH, j), proof(&plain, &e, LEDGER_DEPTH, j));
			}
		}
	}

	#[test]
	fn proofs_at_an_earlier_count_match_that_counts_root() {
		let depth = 6u8;
		let e = empties(depth);
		let mut tree = MemoryTree::default();
		let mut roots = alloc::vec![root(&tree, depth)];
		for i in 0..37u64 {
			update_leaf(&mut tree, &e, depth, i, keccak(&i.to_be_bytes()));
			roots.push(root(&tree, depth));
		}
		for count in 0..=37u64 {
			assert_eq!(root_at_count(&tree, &e, depth, count), roots[count as usize]);
			for i in 0..count {
				let p = proof_at_count(&tree, &e, depth, i, count);
				assert_eq!(root_from_proof(keccak(&i.to_be_bytes()), i, &p), roots[count as usize]);
			}
		}
	}
	use std::collections::BTreeMap;

	fn hex(h: &[u8]) -> String {
		h.iter().map(|b| format!("{b:02x}")).collect()
	}

	#[test]
	fn proofs_lead_to_the_root_after_every_update() {
		let e = empties(LEDGER_DEPTH);
		let mut t = MemoryTree::default();
		assert_eq!(root(&t, LEDGER_DEPTH), e[32]);
		let mut leaves = BTreeMap::new();
		for (k, i) in [5u64, 0, 1, 4_000_000_000, 5, 77].into_iter().enumerate() {
			let leaf = ledger_leaf(&[k as u8; 32], &[1; 20], k as u128 * 1_000);
			leaves.insert(i, leaf);
			let r = update_leaf(&mut t, &e, LEDGER_DEPTH, i, leaf);
			assert_eq!(r, root(&t, LEDGER_DEPTH));
			for (&j, &l) in &leaves {
				assert_eq!(root_from_proof(l, j, &proof(&t, &e, LEDGER_DEPTH, j)), r);
			}
		}
	}

	/// The same vectors are checked by `bridge/contracts/test/SettlementAnchor.t.sol`
	/// (`test_vectorsMatchTheChain`): the chain and the contracts hash alike.
	#[test]
	fn vectors_shared_with_the_contracts() {
		let validators = [[0x11u8; 20], [0x22; 20], [0x33; 20], [0x44; 20]];
		let set = validator_set_hash(&validators);
		let c = Commitment {
			chain_id: 4242,
			epoch: 7,
			block_number: 700,
			validator_set_id: 2,
			deposits_credited: 3,
			ledger_root: [0xaa; 32],
			withdrawals_root: [0xbb; 32],
			next_validator_set_hash: set,
			previous_hash: [0xcc; 32],
		};
		let e = empties(LEDGER_DEPTH);
		let mut t = MemoryTree::default();
		update_leaf(
			&mut t,
			&e,
			LEDGER_DEPTH,
			0,
			ledger_leaf(&[0xa1; 32], &[0xa2; 20], 400_000_000),
		);
		let r = update_leaf(
			&mut t,
			&e,
			LEDGER_DEPTH,
			1,
			ledger_leaf(&[0xb1; 32], &[0xb2; 20], 50_000_000),
		);
		assert_eq!(hex(&set), SET_HASH);
		assert_eq!(hex(&c.hash()), COMMITMENT_HASH);
		assert_eq!(hex(&commitment_digest(&c.hash(), 1, &[0x55; 20])), COMMITMENT_DIGEST);
		assert_eq!(hex(&anchor_address(&[0x66; 20])), ANCHOR_OF_VAULT);
		let w = withdrawal_leaf(&[0x66; 20], &[0xa1; 32], &[0xa2; 20], 100_000_000);
		assert_eq!(hex(&w), WITHDRAWAL_LEAF);
		assert_eq!(hex(&r), LEDGER_ROOT);
	}

	#[test]
	fn validator_sets_are_strictly_increasing_and_non_zero() {
		assert!(is_validator_set(&[[1; 20], [2; 20], [3; 20]]));
		assert!(!is_validator_set(&[]));
		assert!(!is_validator_set(&[[0; 20], [2; 20]]));
		assert!(!is_validator_set(&[[2; 20], [2; 20]]));
		assert!(!is_validator_set(&[[3; 20], [2; 20]]));
	}

	/// Every field of a deposit is in its vote: another vault, id, account, depositor or
	/// amount is another vote.
	#[test]
	fn a_deposit_vote_names_every_field() {
		let d = Deposit { id: 1, account: [1; 32], from: [2; 20], amount: 3 };
		let h = deposit_vote_hash(9, &[4; 20], &d);
		assert_ne!(h, deposit_vote_hash(8, &[4; 20], &d));
		assert_ne!(h, deposit_vote_hash(9, &[5; 20], &d));
		for other in [
			Deposit { id: 2, ..d },
			Deposit { account: [9; 32], ..d },
			Deposit { from: [9; 20], ..d },
			Deposit { amount: 4, ..d },
		] {
			assert_ne!(h, deposit_vote_hash(9, &[4; 20], &other));
		}
	}

	fn change(slot: u64, collateral: i128) -> LedgerChange {
		LedgerChange { slot, exit_to: [slot as u8; 20], collateral }
	}

	/// The tree folded from epochs' changes has the root of the whole ledger built at once,
	/// every proof leads to it, and the last change of an account wins.
	#[test]
	fn a_ledger_tree_from_changes_equals_the_tree_from_the_whole_ledger() {
		let mut t = LedgerTree::default();
		let e1 = [([1u8; 32], change(0, 5)), ([2; 32], change(1, 7)), ([3; 32], change(2, -4))];
		t.apply(1, &e1).unwrap();
		let e2 = [([2u8; 32], change(1, 70)), ([4; 32], change(3, 1))];
		let root = t.apply(2, &e2).unwrap();
		let whole = [
			([1u8; 32], change(0, 5)),
			([2; 32], change(1, 70)),
			([3; 32], change(2, 0)),
			([4; 32], change(3, 1)),
		];
		let from = LedgerTree::from_leaves(2, &whole).unwrap();
		assert_eq!((from.root(), from.epoch(), from.len()), (root, 2, 4));
		let mut plain = MemoryTree::default();
		let e = empties(LEDGER_DEPTH);
		for (a, c) in &whole {
			update_leaf(&mut plain, &e, LEDGER_DEPTH, c.slot, c.leaf(a));
		}
		assert_eq!(super::root(&plain, LEDGER_DEPTH), root);
		for (a, c) in &whole {
			let p = t.proof(a).unwrap();
			assert_eq!((p.slot, p.collateral), (c.slot, leaf_collateral(c.collateral)));
			assert_eq!(root_from_proof(c.leaf(a), c.slot, &p.proof), root);
		}
		assert!(t.proof(&[9; 32]).is_none());
	}

	/// Changes out of order, a slot taken by another account, an account that moves, or a
	/// slot beyond the depth are refused as a whole, and the tree is unchanged.
	#[test]
	fn a_ledger_tree_refuses_inconsistent_changes_whole() {
		let mut t = LedgerTree::default();
		t.apply(1, &[([1u8; 32], change(0, 5))]).unwrap();
		let root = t.root();
		type Case = (u64, alloc::vec::Vec<([u8; 32], LedgerChange)>, LedgerTreeError);
		let cases: [Case; 5] = [
			(3, alloc::vec![], LedgerTreeError::WrongEpoch { expected: 2, got: 3 }),
			(1, alloc::vec![], LedgerTreeError::WrongEpoch { expected: 2, got: 1 }),
			(
				2,
				alloc::vec![([2u8; 32], change(1, 1)), ([3; 32], change(0, 1))],
				LedgerTreeError::SlotConflict { slot: 0 },
			),
			(2, alloc::vec![([1u8; 32], change(4, 1))], LedgerTreeError::SlotConflict { slot: 4 }),
			(
				2,
				alloc::vec![([2u8; 32], change(1, 1)), ([5; 32], change(1 << 32, 1))],
				LedgerTreeError::SlotOutOfRange { slot: 1 << 32 },
			),
		];
		for (epoch, changes, error) in cases {
			assert_eq!(t.apply(epoch, &changes), Err(error));
			assert_eq!((t.root(), t.epoch(), t.len()), (root, 1, 1));
		}
		let twice = [([2u8; 32], change(1, 1)), ([3; 32], change(1, 1))];
		assert_eq!(t.apply(2, &twice), Err(LedgerTreeError::SlotConflict { slot: 1 }));
	}

	const SET_HASH: &str = "b55eb80b5be30465bfe05a2f89c542aa3137872de048a8d8ba0af3ca0c880f13";
	const COMMITMENT_HASH: &str =
		"b02e763a7e93c5de2a06c7160268928cdcc9456db10148f8df3ce7ee144e4be2";
	const COMMITMENT_DIGEST: &str =
		"e4bff22ab899de3ccf55028347956f2e1e2175706e2d0bf9de6e6dc265274cc3";
	const ANCHOR_OF_VAULT: &str = "73c4a97892c8afb97f81d2484cf310451d5abb12";
	const WITHDRAWAL_LEAF: &str =
		"be793029b9923a201299e654e235c175a41a4a75ef4bf031dc9ac68c2cebd058";
	const LEDGER_ROOT: &str = "64abc3d759471707519ac5d0ab64d306d2ae1acc82736e83fba7c9bc66f38c00";
}

/// Offchain (persistent, per node) storage key of the node's [`EthWatchConfig`]: the node
/// writes it at start-up from its command line, the bridge pallet's offchain worker reads it.
pub const ETH_WATCH_CONFIG_KEY: &[u8] = b"strikeline::bridge::eth_watch";

/// Where a validator watches the vault's deposits on Ethereum (per node, not on chain).
#[derive(Clone, Debug, Default, PartialEq, Eq, Encode, Decode)]
pub struct EthWatchConfig {
	/// The Ethereum JSON-RPC endpoint (`http://...`).
	pub rpc_url: Vec<u8>,
	/// Blocks a deposit must be buried under before the validator votes for it, when the
	/// endpoint does not serve the `finalized` block tag (deposits are taken at Ethereum
	/// finality where it does).
	pub confirmations: u64,
	/// The first Ethereum block to scan (the vault's deployment block).
	pub from_block: u64,
}

/// `keccak256("Deposited(uint64,bytes32,address,uint256)")`, the vault's deposit event topic.
pub fn deposited_topic() -> Hash {
	keccak(b"Deposited(uint64,bytes32,address,uint256)")
}

/// Offchain (persistent, per node) storage key of the number of the vault's deposits credited
/// as of the node's finalized block (a `(vault, count)` pair, SCALE): the node writes it on
/// every finality notification, and the offchain worker drops a deposit from its pending list
/// only once it is below it (a credit on a block that may still be reverted is not final).
pub const FINALIZED_DEPOSITS_KEY: &[u8] = b"strikeline::bridge::finalized_deposits";

/// Offchain (persistent, per node) storage key of the ledger root the node computed for
/// `epoch` (32 bytes): the node's ledger indexer writes it once the epoch's changes are
/// applied to its [`LedgerTree`], and the offchain worker signs the commitment with it.
pub fn ledger_root_key(epoch: u64) -> Vec<u8> {
	let mut k = b"strikeline::bridge::ledger_root::".to_vec();
	k.extend_from_slice(&epoch.to_be_bytes());
	k
}
